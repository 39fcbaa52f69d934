"""Conformant documents made without vanban (python-docx only), in layouts vanban does not use."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.shared import Cm, Mm, Pt
from lxml import etree

from generator.ooxml import qn

WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
WPS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
EMU_PER_MM = 36000


def drawn_line(offset_mm: float, length_mm: float, shape_id: int):
    """A Word-style anchored line shape (what "Insert › Shapes › Line" writes)."""
    cx, x = round(length_mm * EMU_PER_MM), round(offset_mm * EMU_PER_MM)
    xml = f"""<w:r xmlns:w="{W}" xmlns:wp="{WP}" xmlns:a="{A}" xmlns:wps="{WPS}"><w:drawing>
      <wp:anchor distT="0" distB="0" distL="114300" distR="114300" simplePos="0" relativeHeight="{shape_id}"
        behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1">
        <wp:simplePos x="0" y="0"/>
        <wp:positionH relativeFrom="margin"><wp:posOffset>{x}</wp:posOffset></wp:positionH>
        <wp:positionV relativeFrom="paragraph"><wp:posOffset>30000</wp:posOffset></wp:positionV>
        <wp:extent cx="{cx}" cy="0"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapNone/>
        <wp:docPr id="{shape_id}" name="Line {shape_id}"/><wp:cNvGraphicFramePr/>
        <a:graphic><a:graphicData uri="{WPS}"><wps:wsp><wps:cNvCnPr/><wps:spPr>
          <a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="0"/></a:xfrm><a:prstGeom prst="line"><a:avLst/></a:prstGeom>
          <a:ln w="9525"><a:solidFill><a:srgbClr val="000000"/></a:solidFill></a:ln></wps:spPr><wps:bodyPr/>
        </wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></w:r>"""
    return etree.fromstring(xml)


def times_new_roman(document) -> None:
    """Normal style in Times New Roman 14, without the theme fonts Word would substitute."""
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(14)
    fonts = style.element.rPr.find(qn("w:rFonts"))
    for attr in ("w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), "Times New Roman")
    for attr in [a for a in fonts.attrib if a.endswith("Theme")]:
        del fonts.attrib[attr]


def tab_layout() -> bytes:
    """A Word-style UBND huyện plan: header and footer as tab-separated paragraphs, drawn rules,
    an underlined Tiêu ngữ, formatting set run by run."""
    doc = Document()
    times_new_roman(doc)
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.different_first_page_header_footer = True

    def line(parts, *, stops=(Mm(35), Mm(118)), align=None, before=0):
        p = doc.add_paragraph()
        p.paragraph_format.space_before, p.paragraph_format.space_after = Pt(before), Pt(0)
        if align is not None:
            p.alignment = align
        for stop in stops:
            p.paragraph_format.tab_stops.add_tab_stop(stop, WD_TAB_ALIGNMENT.CENTER)
        for text, size, bold, italic, underline in parts:
            run = p.add_run(text)
            run.font.size, run.font.bold, run.font.italic, run.font.underline = Pt(size), bold, italic, underline
        return p

    line([("\tỦY BAN NHÂN DÂN\t", 13, True, False, False), ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 12, True, False, False)])
    line([("\tHUYỆN CHƯ SÊ\t", 13, True, False, False), ("Độc lập - Tự do - Hạnh phúc", 13, True, False, True)])
    rule = line([])
    rule._p.append(drawn_line(28, 14, 1))
    line([("\tSố: 05/KH-UBND\t", 13, False, False, False),
          ("Chư Sê, ngày 15 tháng 02 năm 2021", 14, False, True, False)], before=6)
    line([("KẾ HOẠCH", 14, True, False, False)], stops=(), align=WD_ALIGN_PARAGRAPH.CENTER, before=18)
    line([("Tổ chức Tết trồng cây năm 2021", 14, True, False, False)], stops=(), align=WD_ALIGN_PARAGRAPH.CENTER)
    rule = line([], stops=())
    rule._p.append(drawn_line(62, 30, 2))
    for text, heading in (
        ("I. MỤC ĐÍCH, YÊU CẦU", True),
        ("Phát động sâu rộng phong trào trồng cây trong cán bộ, công chức, viên chức, lực lượng vũ trang "
         "và Nhân dân trên địa bàn huyện, góp phần bảo vệ môi trường sinh thái.", False),
        ("II. NỘI DUNG", True),
        ("1. Thời gian, địa điểm", True),
        ("Lễ phát động tổ chức tại thị trấn Chư Sê; các xã, thị trấn tổ chức trồng cây trong tháng 02 và "
         "tháng 3 năm 2021 phù hợp với điều kiện thời tiết của địa phương./.", False),
    ):
        p = line([(text, 14, heading, False, False)], stops=(), align=WD_ALIGN_PARAGRAPH.JUSTIFY, before=6)
        p.paragraph_format.first_line_indent = Cm(1)
    line([("Nơi nhận:\t", 12, True, True, False), ("TM. ỦY BAN NHÂN DÂN", 14, True, False, False)],
         stops=(Mm(120),), before=12)
    line([("- UBND tỉnh (b/c);\t", 11, False, False, False), ("CHỦ TỊCH", 14, True, False, False)], stops=(Mm(120),))
    line([("- Các xã, thị trấn;", 11, False, False, False)], stops=(Mm(120),))
    line([("- Lưu: VT, VP.", 11, False, False, False)], stops=(Mm(120),))
    for _ in range(3):
        line([], stops=(Mm(120),))
    line([("\tNguyễn Văn A", 14, True, False, False)], stops=(Mm(120),))

    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    simple = etree.SubElement(header._p, qn("w:fldSimple"))
    simple.set(qn("w:instr"), " PAGE ")
    run = etree.SubElement(simple, qn("w:r"))
    etree.SubElement(etree.SubElement(run, qn("w:rPr")), qn("w:sz")).set(qn("w:val"), "28")
    etree.SubElement(run, qn("w:t")).text = "2"
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
