"""`vanban check`: each rule catches its own breakage and nothing else; conformant documents pass.

The broken documents are made here, one per rule, by changing one thing in a conformant report.
"""

from __future__ import annotations

import io
import json
import textwrap
import unicodedata

import pytest
from docx import Document
from lxml import etree

from generator.check import check_docx, check_document
from generator.check.catalogue import catalogue
from generator.check.inspections import INSPECTIONS
from generator.cli import main
from generator.ooxml import qn
from generator.ooxml.reading import paragraph_text
from generator.pipeline import render_plan

from conftest import SEED_PLAN, UNITS

# the rules of check/inspections_more.py are pinned in tests/test_check_rules_more.py (PINNED there)
PINNED_ELSEWHERE = {"loai-van-ban.xac-dinh", "van-ban-dang.the-thuc", "trich-yeu.cong-van-vi-tri", "can-cu.trinh-bay",
                    "kinh-gui.trinh-bay", "do-mat.trinh-bay", "do-khan.trinh-bay", "phu-luc.nhan", "phu-luc.ten",
                    "phu-luc.kem-theo", "phu-luc.huong", "viet-hoa.danh-tu-chung"}
# the rules of check/inspections_electronic.py (electronic drafts) are pinned in tests/test_electronic.py
PINNED_ELECTRONIC = {"dien-tu.so-ngay", "dien-tu.chu-ky", "dien-tu.hinh-anh", "dien-tu.phu-luc-rieng"}

BASE_PLAN = """
issuer: so-tu-phap
type: BC
number: 7
date: 05/3/2021
title: Kết quả thực hiện Kế hoạch dân vận 6 tháng đầu năm 2021
kinh_gui:
  - {to: Ủy ban nhân dân tỉnh Gia Lai, purpose: qua Sở Nội vụ}
opening:
  - Thực hiện Kế hoạch số 45/KH-UBND ngày 05/3/2021 của Ủy ban nhân dân tỉnh về công tác dân vận năm 2021,
    Sở Tư pháp báo cáo kết quả thực hiện 6 tháng đầu năm 2021 như sau.
sections:
  - title: Kết quả thực hiện
    items:
      - title: Công tác lãnh đạo, chỉ đạo
        paragraphs:
          - Sở đã ban hành kế hoạch triển khai, phân công nhiệm vụ cụ thể cho từng phòng, đơn vị trực thuộc,
            gắn với chương trình công tác năm và tổ chức quán triệt đến toàn thể công chức, viên chức.
        items:
          - text: Tổ chức hội nghị quán triệt cho toàn thể công chức, viên chức và người lao động của Sở.
          - text: Lồng ghép nội dung dân vận trong các cuộc họp giao ban định kỳ hằng tháng của Sở.
          - text: Kiểm tra việc thực hiện tại các đơn vị trực thuộc theo kế hoạch đã ban hành.
      - title: Kết quả cụ thể
        paragraphs:
          - Các nhiệm vụ được giao cơ bản hoàn thành đúng tiến độ; công tác tiếp công dân, giải quyết đơn thư
            được thực hiện nghiêm túc, đúng quy định của pháp luật về tiếp công dân và khiếu nại, tố cáo.
  - title: Phương hướng, nhiệm vụ 6 tháng cuối năm
    paragraphs:
      - Tiếp tục triển khai đầy đủ các nội dung của Kế hoạch; tăng cường kiểm tra, đôn đốc việc thực hiện
        tại các phòng, đơn vị; kịp thời biểu dương, nhân rộng các mô hình "Dân vận khéo" có hiệu quả.
signer: {name: Trần Văn B, role: deputy}
recipients:
  - {unit: so-noi-vu, purpose: báo cáo}
  - Giám đốc, các Phó Giám đốc Sở
archive: [VP]
"""


@pytest.fixture(scope="module")
def base_bytes(tmp_path_factory) -> bytes:
    folder = tmp_path_factory.mktemp("base")
    (folder / "units.yaml").write_bytes(UNITS.read_bytes())
    plan = folder / "bc.yaml"
    plan.write_text("units: units.yaml\ndocument:\n" + textwrap.indent(BASE_PLAN, "  "), encoding="utf-8")
    return render_plan(plan, folder).docx.read_bytes()


def problems(document) -> set[str]:
    report = check_document(document)
    return {r.rule.id for r in report.results if r.failed}


# ---------------------------------------------------------------- helpers to break a document

def paragraph(doc, text: str):
    for p in doc.element.body.iter(qn("w:p")):
        if paragraph_text(p).strip() == text:
            return p
    raise AssertionError(text)


def starting(doc, prefix: str):
    for p in doc.element.body.iter(qn("w:p")):
        if paragraph_text(p).startswith(prefix):
            return p
    raise AssertionError(prefix)


def run_props(p):
    for run in p.iter(qn("w:r")):
        rpr = run.find(qn("w:rPr"))
        if rpr is None:
            rpr = etree.Element(qn("w:rPr"))
            run.insert(0, rpr)
        yield rpr


def set_run(p, tag: str, value: str | None = None):
    for rpr in run_props(p):
        node = rpr.find(qn(tag))
        if node is None:
            node = etree.SubElement(rpr, qn(tag))
        if value is not None:
            node.set(qn("w:val"), value)


def ppr(p):
    node = p.find(qn("w:pPr"))
    if node is None:
        node = etree.Element(qn("w:pPr"))
        p.insert(0, node)
    return node


def set_ppr(p, tag: str, **attrs):
    node = ppr(p).find(qn(tag))
    if node is None:
        node = etree.SubElement(ppr(p), qn(tag))
    for key, value in attrs.items():
        node.set(qn(f"w:{key}"), value)


def set_text(p, text: str):
    nodes = [t for t in p.iter(qn("w:t")) if t.text] or list(p.iter(qn("w:t")))
    nodes[0].text = text
    for node in nodes[1:]:
        node.text = ""


def sect(doc):
    return doc.element.body.find(qn("w:sectPr"))


def margin(side: str, twips: int):
    return lambda doc: sect(doc).find(qn("w:pgMar")).set(qn(f"w:{side}"), str(twips))


def rule_paragraph_after(p):
    following = p.getnext()
    while following is not None and following.tag != qn("w:p"):
        following = following.getnext()
    return following


def remove_border(p):
    ppr(p).remove(ppr(p).find(qn("w:pStyle")))


def header_cells(doc):
    table = doc.element.body.find(qn("w:tbl"))
    return table, table.find(qn("w:tr")).findall(qn("w:tc"))


def narrow_right_column(doc):
    """A right column too narrow for the Quốc hiệu; the Tiêu ngữ rule is re-centred so it stays right."""
    from generator.metrics import text_width_twips

    table, cells = header_cells(doc)
    table.findall(f"{qn('w:tblGrid')}/{qn('w:gridCol')}")[1].set(qn("w:w"), "4000")
    for row in table.findall(qn("w:tr")):
        row.findall(qn("w:tc"))[1].find(f"{qn('w:tcPr')}/{qn('w:tcW')}").set(qn("w:w"), "4000")
    side = (4000 - 2 * 57 - text_width_twips("Độc lập - Tự do - Hạnh phúc", 13, bold=True)) // 2
    set_ppr(rule_paragraph_after(paragraph(doc, "Độc lập - Tự do - Hạnh phúc")), "w:ind", left=str(side), right=str(side))


def upper_trich_yeu(doc):
    from generator.derive import trich_yeu_rule_twips
    from generator.layout import default_layout

    p = starting(doc, "Kết quả thực hiện Kế hoạch")
    text = paragraph_text(p).upper()
    set_text(p, text)
    rule = rule_paragraph_after(p)
    side = (9355 - trich_yeu_rule_twips(text, default_layout())) // 2
    set_ppr(rule, "w:ind", left=str(side), right=str(side))


def default_fonts(font: str):
    def apply(doc):
        fonts = doc.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:rFonts')}")
        for attr in ("ascii", "hAnsi", "cs", "eastAsia"):
            fonts.set(qn(f"w:{attr}"), font)
    return apply


def decompose(doc):
    t = next(t for t in starting(doc, "Sở đã ban hành").iter(qn("w:t")) if t.text)
    t.text = unicodedata.normalize("NFD", t.text)


def remove(p):
    p.getparent().remove(p)


def header_part(doc, kind: str):
    for ref in sect(doc).findall(qn("w:headerReference")):
        if ref.get(qn("w:type")) == kind:
            return doc.part.related_parts[ref.get(qn("r:id"))]
    raise AssertionError(kind)


def left_page_number(doc):
    for p in header_part(doc, "default").element.iter(qn("w:p")):
        set_ppr(p, "w:jc", val="left")


BREAKAGES = {
    "trang.kho-giay": lambda d: (sect(d).find(qn("w:pgSz")).set(qn("w:w"), "12240"),
                                 sect(d).find(qn("w:pgSz")).set(qn("w:h"), "15840")),
    "trang.huong": lambda d: sect(d).find(qn("w:pgSz")).set(qn("w:orient"), "landscape"),
    "trang.le-tren": margin("top", 1701),
    "trang.le-duoi": margin("bottom", 850),
    "trang.le-trai": margin("left", 1134),
    "trang.le-phai": margin("right", 1247),
    "phong.ho-chu": default_fonts("Arial"),
    "phong.mau": lambda d: set_run(starting(d, "Sở đã ban hành"), "w:color", "FF0000"),
    "phong.unicode": decompose,
    "quoc-hieu.noi-dung": lambda d: set_text(paragraph(d, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
                                             "Cộng hòa xã hội chủ nghĩa Việt Nam"),
    "quoc-hieu.dinh-dang": lambda d: set_run(paragraph(d, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), "w:b", "0"),
    "tieu-ngu.noi-dung": lambda d: set_text(paragraph(d, "Độc lập - Tự do - Hạnh phúc"), "Độc lập – Tự do – Hạnh phúc"),
    "tieu-ngu.dinh-dang": lambda d: set_run(paragraph(d, "Độc lập - Tự do - Hạnh phúc"), "w:i"),
    "tieu-ngu.duong-ke": lambda d: remove_border(rule_paragraph_after(paragraph(d, "Độc lập - Tự do - Hạnh phúc"))),
    "tieu-de.mot-dong": narrow_right_column,
    "co-quan.dinh-dang": lambda d: set_run(paragraph(d, "SỞ TƯ PHÁP"), "w:b", "0"),
    "co-quan.duong-ke": lambda d: set_ppr(rule_paragraph_after(paragraph(d, "SỞ TƯ PHÁP")), "w:ind", left="0", right="0"),
    "so.dinh-dang": lambda d: set_run(paragraph(d, "Số: 07/BC-STP"), "w:i"),
    "so.so-0": lambda d: set_text(paragraph(d, "Số: 07/BC-STP"), "Số: 7/BC-STP"),
    "so.ky-hieu": lambda d: set_text(paragraph(d, "Số: 07/BC-STP"), "Số: 07/BC - STP"),
    "so.loai-van-ban": lambda d: set_text(paragraph(d, "Số: 07/BC-STP"), "Số: 07/KH-STP"),
    "ngay.ngay-0": lambda d: set_text(paragraph(d, "Gia Lai, ngày 05 tháng 3 năm 2021"), "Gia Lai, ngày 5 tháng 3 năm 2021"),
    "ngay.thang-0": lambda d: set_text(paragraph(d, "Gia Lai, ngày 05 tháng 3 năm 2021"), "Gia Lai, ngày 05 tháng 03 năm 2021"),
    "ngay.dinh-dang": lambda d: set_run(paragraph(d, "Gia Lai, ngày 05 tháng 3 năm 2021"), "w:i", "0"),
    "ten-loai.dinh-dang": lambda d: set_run(paragraph(d, "BÁO CÁO"), "w:b", "0"),
    "trich-yeu.dinh-dang": lambda d: set_run(starting(d, "Kết quả thực hiện Kế hoạch"), "w:b", "0"),
    "trich-yeu.chu-thuong": upper_trich_yeu,
    "trich-yeu.vv": lambda d: set_text(starting(d, "Kết quả thực hiện Kế hoạch"),
                                       "V/v kết quả thực hiện Kế hoạch dân vận 6 tháng đầu năm 2021"),
    "trich-yeu.duong-ke": lambda d: remove_border(rule_paragraph_after(starting(d, "Kết quả thực hiện Kế hoạch"))),
    "noi-dung.can-deu": lambda d: set_ppr(starting(d, "Sở đã ban hành"), "w:jc", val="left"),
    "noi-dung.co-chu": lambda d: set_run(starting(d, "Sở đã ban hành"), "w:sz", "26"),
    "noi-dung.thut-dau-dong": lambda d: set_ppr(starting(d, "Sở đã ban hành"), "w:ind", firstLine="0"),
    "noi-dung.khoang-cach-doan": lambda d: set_ppr(starting(d, "Sở đã ban hành"), "w:spacing", before="0"),
    "noi-dung.gian-dong": lambda d: set_ppr(starting(d, "Sở đã ban hành"), "w:spacing", line="480", lineRule="auto"),
    "noi-dung.danh-so": lambda d: set_text(starting(d, "b) Lồng ghép"), "c) Lồng ghép nội dung dân vận."),
    "noi-dung.ket-thuc": lambda d: set_text(starting(d, "Tiếp tục triển khai đầy đủ"), "Tiếp tục triển khai."),
    "chu-ky.quyen-han": lambda d: remove(paragraph(d, "KT. GIÁM ĐỐC")),
    "chu-ky.dinh-dang": lambda d: set_run(paragraph(d, "KT. GIÁM ĐỐC"), "w:b", "0"),
    "chu-ky.ho-ten": lambda d: set_text(paragraph(d, "Trần Văn B"), "TS. Trần Văn B"),
    "noi-nhan.nhan": lambda d: set_run(paragraph(d, "Nơi nhận:"), "w:i", "0"),
    "noi-nhan.dong": lambda d: set_run(paragraph(d, "- Sở Nội vụ (báo cáo);"), "w:sz", "26"),
    "noi-nhan.luu": lambda d: set_text(paragraph(d, "- Lưu: VT, VP."), "- Lưu VP"),
    "kinh-gui.nhu-tren": lambda d: remove(paragraph(d, "- Như trên;")),
    "so-trang.trang-dau": lambda d: sect(d).remove(sect(d).find(qn("w:titlePg"))),
    "so-trang.vi-tri": left_page_number,
}


def test_the_catalogue_has_at_least_30_rules_each_with_id_ref_severity_message_and_hint():
    rules = catalogue()
    assert len(rules) >= 30
    assert len({r.id for r in rules}) == len(rules)
    for rule in rules:
        assert rule.ref and rule.message and rule.hint and rule.severity in ("lỗi", "cảnh báo")


def test_every_rule_has_an_inspection_and_a_breakage_test():
    ids = {r.id for r in catalogue()}
    assert set(INSPECTIONS) == ids
    assert set(BREAKAGES) | PINNED_ELSEWHERE | PINNED_ELECTRONIC == ids


def test_the_conformant_base_document_breaks_no_rule(base_bytes):
    assert problems(Document(io.BytesIO(base_bytes))) == set()


@pytest.mark.parametrize("rule_id", sorted(BREAKAGES))
def test_each_breakage_is_caught_by_exactly_its_rule(base_bytes, rule_id):
    document = Document(io.BytesIO(base_bytes))
    BREAKAGES[rule_id](document)
    buffer = io.BytesIO()
    document.save(buffer)  # through a real file, as a user's document would come
    assert problems(Document(io.BytesIO(buffer.getvalue()))) == {rule_id}


def test_the_seed_plan_passes_every_rule(seed_output):
    report = check_docx(seed_output)
    assert report.ok and not report.warnings and not report.unobservable


# ---------------------------------------------------------------- hand-made conformant documents

def handmade_table_layout() -> bytes:
    """Built with python-docx alone: direct formatting, other column widths, runs split mid-word."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.shared import Cm, Mm, Pt
    from handmade import times_new_roman

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(25), Mm(20)
    section.left_margin, section.right_margin = Mm(35), Mm(20)
    section.different_first_page_header_footer = True
    times_new_roman(doc)

    def add(container, pieces, size, bold=False, italic=False, align=WD_ALIGN_PARAGRAPH.CENTER):
        p = container.add_paragraph()
        p.alignment = align
        p.paragraph_format.space_before = Pt(0)
        p.paragraph_format.space_after = Pt(0)
        for piece in pieces:
            run = p.add_run(piece)
            run.font.size, run.font.bold, run.font.italic = Pt(size), bold, italic
            run.font.name = "Times New Roman"
        return p

    def border_rule(container, length_mm, column_mm):
        p = add(container, [], 2)
        side = Mm((column_mm - length_mm) / 2)
        p.paragraph_format.left_indent = side
        p.paragraph_format.right_indent = side
        bdr = OxmlElement("w:pBdr")
        bottom = OxmlElement("w:bottom")
        for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
            bottom.set(qn(key), value)
        bdr.append(bottom)
        p._p.get_or_add_pPr().append(bdr)

    header = doc.add_table(rows=2, cols=2)
    header.alignment = WD_TABLE_ALIGNMENT.CENTER
    header.autofit = False
    widths = (Mm(62), Mm(98))
    for row in header.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = width
    left, right = header.rows[0].cells
    left.paragraphs[0]._p.getparent().remove(left.paragraphs[0]._p)
    right.paragraphs[0]._p.getparent().remove(right.paragraphs[0]._p)
    add(left, ["UBND TỈNH NGHỆ AN"], 12)
    add(left, ["SỞ GIÁO DỤC ", "VÀ ĐÀO TẠO"], 12, bold=True)
    border_rule(left, 20, 62 - 3.8)
    add(right, ["CỘNG HÒA XÃ HỘI CHỦ NG", "HĨA VIỆT NAM"], 12, bold=True)
    add(right, ["Độc lập - Tự do - ", "Hạnh phúc"], 14, bold=True)
    border_rule(right, 60.5, 98 - 3.8)
    number, date = header.rows[1].cells
    number.paragraphs[0].text = ""
    number.paragraphs[0].add_run("Số: 12/KH-SGDĐT").font.size = Pt(13)
    number.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = date.paragraphs[0].add_run("Nghệ An, ngày 05 tháng 3 năm 2021")
    run.font.size, run.font.italic = Pt(14), True
    date.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER

    add(doc, ["KẾ HOẠCH"], 14, bold=True).paragraph_format.space_before = Pt(12)
    add(doc, ["Tổ chức ngày hội ", "đọc sách năm 2021"], 14, bold=True)
    border_rule(doc, 25, 155)
    body = [
        ("I. MỤC ĐÍCH, YÊU CẦU", True),
        ("1. Mục đích", True),
        ("Khuyến khích học sinh đọc sách, xây dựng thói quen đọc trong nhà trường và gia đình, góp phần "
         "nâng cao chất lượng giáo dục toàn diện trên địa bàn tỉnh.", False),
        ("2. Yêu cầu", True),
        ("Tổ chức an toàn, tiết kiệm, thiết thực; huy động sự tham gia của các trường học, thư viện và "
         "gia đình học sinh trong toàn tỉnh./.", False),
    ]
    for text, heading in body:
        p = add(doc, [text[:7], text[7:]], 14, bold=heading, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        p.paragraph_format.first_line_indent = Cm(1.27)
        p.paragraph_format.space_before = Pt(6)

    footer = doc.add_table(rows=1, cols=2)
    footer.autofit = False
    left, right = footer.rows[0].cells
    left.width, right.width = Mm(70), Mm(85)
    left.paragraphs[0]._p.getparent().remove(left.paragraphs[0]._p)
    right.paragraphs[0]._p.getparent().remove(right.paragraphs[0]._p)
    add(left, ["Nơi nhận:"], 12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT)
    for entry in ("- UBND tỉnh (để b/c);", "- Các trường THPT;", "- Lưu: VT, GDTrH."):
        add(left, [entry], 11, align=WD_ALIGN_PARAGRAPH.LEFT)
    for line in ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"):
        add(right, [line], 14, bold=True)
    for _ in range(4):
        add(right, [""], 14)
    add(right, ["Nguyễn Văn A"], 14, bold=True)

    page = section.header.paragraphs[0]
    page.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, None), ("end", None)):
        run = page.add_run()
        run.font.size = Pt(14)
        if kind:
            node = OxmlElement("w:fldChar")
            node.set(qn("w:fldCharType"), kind)
            run._r.append(node)
        elif text:
            node = OxmlElement("w:instrText")
            node.text = text
            run._r.append(node)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def test_a_handmade_conformant_document_with_another_layout_has_no_errors():
    report = check_docx(handmade_table_layout(), "tu-lam.docx")
    assert [(r.rule.id, r.outcome.violations) for r in report.errors] == []
    assert not report.warnings


def test_an_unreadable_file_is_an_input_error(tmp_path, capsys):
    bogus = tmp_path / "khong-phai.docx"
    bogus.write_bytes(b"PK\x03\x04 not really a zip")
    assert main(["check", str(bogus)]) == 2
    assert "không phải tệp Word .docx hợp lệ" in capsys.readouterr().err


# ---------------------------------------------------------------- command line

def broken_copy(base_bytes, tmp_path, *rule_ids) -> str:
    document = Document(io.BytesIO(base_bytes))
    for rule_id in rule_ids:
        BREAKAGES[rule_id](document)
    path = tmp_path / "hong.docx"
    document.save(str(path))
    return str(path)


def test_check_prints_findings_grouped_by_element_with_text_and_fix_and_exits_1(base_bytes, tmp_path, capsys):
    path = broken_copy(base_bytes, tmp_path, "ngay.thang-0", "noi-nhan.nhan")
    assert main(["check", path]) == 1
    out = capsys.readouterr().out
    assert "KHÔNG ĐẠT (2 lỗi, 0 cảnh báo)" in out
    assert "  Địa danh, ngày tháng\n    ✗ lỗi [ngay.thang-0]" in out
    assert "«tháng 03» phải viết «tháng 3»" in out and "Cách sửa:" in out
    assert "  Nơi nhận\n" in out


def test_check_json_is_machine_readable(base_bytes, tmp_path, capsys):
    path = broken_copy(base_bytes, tmp_path, "so.so-0")
    assert main(["check", "--json", path]) == 1
    data = json.loads(capsys.readouterr().out)
    result = next(r for r in data["files"][0]["results"] if r["rule"] == "so.so-0")
    assert result["status"] == "lỗi" and result["violations"][0]["detail"] == "số «7» thiếu số 0"
    assert data["files"][0]["ok"] is False


def test_a_conformant_file_exits_0(seed_output, capsys):
    assert main(["check", str(seed_output)]) == 0
    assert "ĐẠT (0 lỗi, 0 cảnh báo)" in capsys.readouterr().out


def test_fix_repairs_the_safe_problems_and_says_what_it_changed(base_bytes, tmp_path, capsys):
    path = broken_copy(base_bytes, tmp_path, "phong.ho-chu", "ngay.thang-0", "tieu-ngu.noi-dung", "trang.le-tren",
                       "quoc-hieu.dinh-dang", "noi-nhan.dong", "phong.mau")
    fixed = tmp_path / "da-sua.docx"
    code = main(["check", path, "--fix", "-o", str(fixed)])
    out = capsys.readouterr().out
    assert code == 0, out
    for words in ("Phông chữ: đặt Times New Roman", "«Gia Lai, ngày 05 tháng 03 năm 2021» → «Gia Lai, ngày 05 tháng 3 năm 2021»",
                  "Tiêu ngữ: «Độc lập – Tự do – Hạnh phúc» → «Độc lập - Tự do - Hạnh phúc»", "Lề trên phần 1: 30.0 mm → 20 mm",
                  "Các dòng nơi nhận: đặt cỡ chữ 11", "Màu chữ: đặt màu đen"):
        assert words in out
    assert check_docx(fixed).ok


def test_fix_leaves_what_needs_a_person(base_bytes, tmp_path, capsys):
    path = broken_copy(base_bytes, tmp_path, "chu-ky.quyen-han")
    code = main(["check", path, "--fix", "-o", str(tmp_path / "x.docx")])
    out = capsys.readouterr().out
    assert code == 1 and "Không có gì sửa được tự động." in out and "[chu-ky.quyen-han]" in out


def test_fix_refuses_to_overwrite_the_original(base_bytes, tmp_path, capsys):
    path = broken_copy(base_bytes, tmp_path, "phong.mau")
    assert main(["check", path, "--fix", "-o", path]) == 2
    assert "phải khác tệp gốc" in capsys.readouterr().err


def test_text_in_a_text_box_is_not_observable_rather_than_passed(base_bytes):
    document = Document(io.BytesIO(base_bytes))
    qh = paragraph(document, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    run = next(qh.iter(qn("w:r")))
    run.remove(run.find(qn("w:t")))
    box = etree.fromstring(
        f'<w:pict xmlns:w="{qn("w:p")[1:].split("}")[0]}" xmlns:v="urn:schemas-microsoft-com:vml">'
        f'<v:shape><v:textbox><w:txbxContent xmlns:w="{qn("w:p")[1:].split("}")[0]}"><w:p><w:r>'
        "<w:t>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict>")
    run.append(box)
    report = check_document(document)
    statuses = {r.rule.id: r.status for r in report.results}
    assert statuses["quoc-hieu.noi-dung"] == "không đánh giá được"
    assert statuses["quoc-hieu.dinh-dang"] == "không đánh giá được"


def test_a_word_style_document_with_tab_layout_and_drawn_rules_is_read_and_passes():
    from handmade import tab_layout

    report = check_docx(tab_layout(), "tab.docx")
    assert [(r.rule.id, r.outcome.violations) for r in report.errors] == []
    statuses = {r.rule.id: r.status for r in report.results}
    assert statuses["tieu-ngu.duong-ke"] == "đạt"  # the underline is the rule
    assert statuses["co-quan.duong-ke"] == "đạt" and statuses["trich-yeu.duong-ke"] == "đạt"  # drawn lines
    assert statuses["chu-ky.quyen-han"] == "đạt" and statuses["noi-nhan.luu"] == "đạt"
    assert statuses["tieu-de.mot-dong"] == "không đánh giá được"  # no table, no column width in the file


def _border_on_tieu_ngu(document, indent: int):
    tieu_ngu = paragraph(document, "Độc lập - Tự do - Hạnh phúc")
    remove(rule_paragraph_after(tieu_ngu))
    bdr = etree.SubElement(ppr(tieu_ngu), qn("w:pBdr"))
    bottom = etree.SubElement(bdr, qn("w:bottom"))
    for key, value in (("val", "single"), ("sz", "6"), ("space", "1"), ("color", "000000")):
        bottom.set(qn(f"w:{key}"), value)
    set_ppr(tieu_ngu, "w:ind", left=str(indent), right=str(indent))
    return check_document(document)


def test_a_border_on_the_tieu_ngu_paragraph_itself_counts_as_its_rule(base_bytes):
    from generator.metrics import text_width_twips

    side = (5584 - 2 * 57 - text_width_twips("Độc lập - Tự do - Hạnh phúc", 13, bold=True)) // 2
    report = _border_on_tieu_ngu(Document(io.BytesIO(base_bytes)), side)
    assert {r.rule.id: r.status for r in report.results}["tieu-ngu.duong-ke"] == "đạt"


def test_a_rule_as_wide_as_the_whole_cell_is_refused(base_bytes):
    report = _border_on_tieu_ngu(Document(io.BytesIO(base_bytes)), 0)
    result = next(r for r in report.results if r.rule.id == "tieu-ngu.duong-ke")
    assert result.status == "lỗi" and "dài 96 mm" in result.outcome.violations[0].detail


def test_a_long_document_without_page_numbers_is_caught_even_if_a_template_says_one_page(base_bytes):
    document = Document(io.BytesIO(base_bytes))
    for ref in sect(document).findall(qn("w:headerReference")):
        sect(document).remove(ref)
    body = starting(document, "Sở đã ban hành")
    for _ in range(25):
        body.addnext(etree.fromstring(etree.tostring(body)))
    result = next(r for r in check_document(document).results if r.rule.id == "so-trang.vi-tri")
    assert result.status == "lỗi"


def test_a_short_document_without_page_numbers_needs_none(base_bytes):
    document = Document(io.BytesIO(base_bytes))
    for ref in sect(document).findall(qn("w:headerReference")):
        sect(document).remove(ref)
    result = next(r for r in check_document(document).results if r.rule.id == "so-trang.vi-tri")
    assert result.status == "không áp dụng"
