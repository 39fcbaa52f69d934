"""Build the .docx templates in ``templates_docx/`` from the ND30 layout profile.

The templates are ordinary Word documents with docxtpl tags; this script is how they are made,
reproducibly (the same layout gives the same bytes, and a test holds the committed files to that).
A secretary may still open and edit a template in Word: everything is in named styles.

Run: ``python -m generator.buildtools.templates`` (or ``make templates``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .. import resources
from .. import template_styles as st
from ..layout import Layout, default_layout
from ..metrics import text_width_twips
from ..ooxml import mm, pt, rule_paragraph
from ..ooxml.package import write_package
from ..ooxml.parts import (
    APP_PROPERTIES_XML,
    CONTENT_TYPES_XML,
    DEFAULT_HEADER_RID,
    DOCUMENT_RELS_XML,
    FIRST_HEADER_RID,
    FONT_TABLE_XML,
    PACKAGE_RELS_XML,
    SETTINGS_XML,
    Cell,
    ParagraphFormat,
    Style,
    borderless_table,
    core_properties,
    document_part,
    header_part,
    page_number_paragraph,
    paragraph,
    section_properties,
    styles_part,
    tag_paragraph,
)
from ..signature import electronic
from ..vocabulary import QUOC_HIEU, TIEU_NGU

TEMPLATES_DIR = resources.templates()


# Body block kinds → the style each is rendered in. The derive step emits these kinds.
BLOCK_STYLES = {
    "muc": st.MUC,
    "khoan": st.KHOAN,
    "diem": st.DIEM,
    "ket": st.KET_THUC,
    "doan": st.NOI_DUNG,
}


@dataclass(frozen=True)
class TemplateSpec:
    filename: str
    title: str
    kinh_gui: bool  # a Báo cáo sent upward carries "Kính gửi" (ô 9a)
    appendix_landscape: bool = False  # the Phụ lục section (the last one) is landscape
    cong_van: bool = False  # a công văn: no tên loại line, its trích yếu "V/v …" under the số (Phụ lục I, II.5.b)


SPECS = [
    TemplateSpec("ke-hoach.docx", "Mẫu kế hoạch (Nghị định 30/2020/NĐ-CP, Mẫu 1.4)", kinh_gui=False),
    TemplateSpec("bao-cao.docx", "Mẫu báo cáo (Nghị định 30/2020/NĐ-CP, Mẫu 1.4, 2.1)", kinh_gui=True),
    TemplateSpec("bao-cao-ngang.docx", "Mẫu báo cáo có phụ lục trang ngang (Nghị định 30/2020/NĐ-CP, Mẫu 1.4, 2.1)",
                 kinh_gui=True, appendix_landscape=True),
    TemplateSpec("cong-van.docx", "Mẫu công văn (Nghị định 30/2020/NĐ-CP, Mẫu 1.5)", kinh_gui=True, cong_van=True),
]

# Phụ lục I, mục II.5.b: the trích yếu of a công văn stands under the số, 6 pt below it, centred, in ordinary
# letters, upright, 12–13 pt. Only the công văn template carries this style.
TRICH_YEU_CONG_VAN = "VBTrichYeuCongVan"
TRICH_YEU_CONG_VAN_PT = 12


def cong_van_styles() -> list[Style]:
    return [Style(TRICH_YEU_CONG_VAN, "VB Trích yếu công văn", ParagraphFormat(
        align="center", size_pt=TRICH_YEU_CONG_VAN_PT, before=pt(6), after=pt(6)))]


def _loop(var: str, iterable: str, style: str, text: str) -> list[str]:
    return [
        tag_paragraph(f"{{%p for {var} in {iterable} %}}", st.TAG),
        paragraph(style, text),
        tag_paragraph("{%p endfor %}", st.TAG),
    ]


def header_block(layout: Layout, cong_van: bool = False) -> str:
    """Ô 1–4: issuer and Quốc hiệu side by side, then số/ký hiệu level with địa danh and date; a công văn's
    trích yếu (ô 5b) under its số."""
    table = layout.header_table
    tieu_ngu_rule = rule_paragraph(
        text_width_twips(TIEU_NGU, layout.sizes.tieu_ngu, bold=True), table.right_content, st.DUONG_KE
    )
    left = [
        *_loop("dong", "co_quan.chu_quan", st.CHU_QUAN, "{{ dong }}"),
        *_loop("dong", "co_quan.ten", st.BAN_HANH, "{{ dong }}"),
        paragraph(st.DUONG_KE, "{{p co_quan.duong_ke }}"),
    ]
    right = [paragraph(st.QUOC_HIEU, QUOC_HIEU), paragraph(st.TIEU_NGU, TIEU_NGU), tieu_ngu_rule.xml]
    return borderless_table(
        [
            [Cell(table.left, left), Cell(table.right, right)],
            [Cell(table.left, [paragraph(st.SO_KY_HIEU, "{{ so_ky_hieu }}")]
                  + ([paragraph(TRICH_YEU_CONG_VAN, "{{r trich_yeu }}")] if cong_van else [])),
             Cell(table.right, [paragraph(st.DIA_DANH_NGAY, "{{ dia_danh_ngay }}")])],
        ],
        indent=mm(table.indent_mm),
        cell_margin=table.cell_margin,
    )


def title_block() -> list[str]:
    """Ô 5a: tên loại, trích yếu and the short rule under it."""
    return [
        paragraph(st.TEN_LOAI, "{{ ten_loai }}"),
        paragraph(st.TRICH_YEU, "{{r trich_yeu }}"),
        paragraph(st.DUONG_KE_TRICH_YEU, "{{p duong_ke_trich_yeu }}"),
    ]


def kinh_gui_block() -> list[str]:
    """Ô 9a: one recipient on the "Kính gửi:" line, several as a dashed list under it."""
    return [
        tag_paragraph("{%p if kinh_gui|length == 1 %}", st.TAG),
        paragraph(st.KINH_GUI, "Kính gửi: {{ kinh_gui[0] }}"),
        tag_paragraph("{%p elif kinh_gui %}", st.TAG),
        paragraph(st.KINH_GUI, "Kính gửi:"),
        *_loop("dong", "kinh_gui", st.KINH_GUI_DONG, "{{ dong }}"),
        tag_paragraph("{%p endif %}", st.TAG),
    ]


def body_block() -> list[str]:
    """Ô 6: the content as a loop over blocks, each kind in its own style."""
    out = [tag_paragraph("{%p for khoi in noi_dung %}", st.TAG)]
    for index, (kind, style) in enumerate(BLOCK_STYLES.items()):
        keyword = "if" if index == 0 else "elif"
        out.append(tag_paragraph(f'{{%p {keyword} khoi.loai == "{kind}" %}}', st.TAG))
        out.append(paragraph(style, "{{r khoi.van_ban }}"))
    out.append(tag_paragraph("{%p endif %}", st.TAG))
    out.append(tag_paragraph("{%p endfor %}", st.TAG))
    return out


def footer_block(layout: Layout) -> str:
    """Ô 7–9b: Nơi nhận beside the signature block, in one row that never splits across pages."""
    table = layout.footer_table
    left = [paragraph(st.NOI_NHAN_NHAN, "Nơi nhận:"), *_loop("dong", "noi_nhan", st.NOI_NHAN, "{{ dong }}")]
    right = [
        *_loop("dong", "chu_ky.quyen_han", st.QUYEN_HAN, "{{ dong }}"),
        # an electronic draft: the reserved area for the signature and seal pictures (ô 7c, ô 8), one paragraph
        tag_paragraph("{%p if chu_ky.khu_ky %}", st.TAG),
        paragraph(st.KHOANG_KY, "{{p chu_ky.khu_ky }}"),
        tag_paragraph("{%p else %}", st.TAG),
        *[paragraph(st.KHOANG_KY) for _ in range(layout.signature_blank_lines)],
        tag_paragraph("{%p endif %}", st.TAG),
        paragraph(st.HO_TEN, "{{ chu_ky.ho_ten }}"),
    ]
    return borderless_table(
        [[Cell(table.left, left), Cell(table.right, right)]],
        cell_margin=table.cell_margin,
        top_margin=240,
    )


# Phụ lục I, mục II.8.b and III.1.d: the top-right block of a Phụ lục in a file of its own (số, ký hiệu, thời
# gian ký), Times New Roman 10, upright, black, where the văn thư's digital signature shows them.
KY_SO_PHU_LUC = "VBKySoPhuLuc"


def appendix_styles() -> list[Style]:
    block = electronic().appendix_block
    return [Style(KY_SO_PHU_LUC, "VB Chữ ký số phụ lục", ParagraphFormat(align="right", size_pt=block.size_pt,
                                                                      bold=False, italic=False))]


def appendix_block() -> list[str]:
    """Mẫu 2.1: a Phụ lục in its own section (numbered on its own), after the signature; Mẫu 2.2 in an
    electronic draft: the Phụ lục alone in a file of its own, under its top-right block."""
    return [
        tag_paragraph("{%p if phu_luc %}", st.TAG),
        paragraph(st.TAG, "{{p phu_luc.ngat_phan }}"),
        *_loop("dong", "phu_luc.o_ky_so", KY_SO_PHU_LUC, "{{ dong }}"),
        paragraph(st.PHU_LUC, "{{ phu_luc.so }}"),
        paragraph(st.PHU_LUC_TIEU_DE, "{{ phu_luc.tieu_de }}"),
        paragraph(st.PHU_LUC_KEM_THEO, "{{ phu_luc.kem_theo }}"),
        paragraph(st.DUONG_KE_TRICH_YEU, "{{p phu_luc.duong_ke }}"),
        paragraph(st.TAG, "{{p phu_luc.bang }}"),
        tag_paragraph("{%p endif %}", st.TAG),
    ]


def build(spec: TemplateSpec, layout: Layout) -> bytes:
    with_appendix = spec.kinh_gui and not spec.cong_van
    # the Phụ lục of an electronic draft is rendered alone (phu_luc.tep_rieng): the document itself is skipped
    body = [tag_paragraph("{%p if not phu_luc or not phu_luc.tep_rieng %}", st.TAG)] if with_appendix else []
    body += [header_block(layout, spec.cong_van), *([] if spec.cong_van else title_block())]
    if spec.kinh_gui:
        body += kinh_gui_block()
    body += body_block()
    body.append(footer_block(layout))
    if with_appendix:
        body.append(tag_paragraph("{%p endif %}", st.TAG))
        body += appendix_block()
    body.append(section_properties(layout.page_setup(), default_header=DEFAULT_HEADER_RID,
                                   first_header=FIRST_HEADER_RID, landscape=spec.appendix_landscape))
    parts = [
        ("[Content_Types].xml", CONTENT_TYPES_XML),
        ("_rels/.rels", PACKAGE_RELS_XML),
        ("docProps/core.xml", core_properties(spec.title)),
        ("docProps/app.xml", APP_PROPERTIES_XML),
        ("word/document.xml", document_part("".join(body))),
        ("word/_rels/document.xml.rels", DOCUMENT_RELS_XML),
        ("word/styles.xml", styles_part(st.styles(layout) + (cong_van_styles() if spec.cong_van else [])
                                        + (appendix_styles() if with_appendix else []), layout.sizes.body)),
        ("word/settings.xml", SETTINGS_XML),
        ("word/fontTable.xml", FONT_TABLE_XML),
        ("word/header1.xml", header_part(page_number_paragraph(st.SO_TRANG))),
        ("word/header2.xml", header_part(paragraph(st.SO_TRANG))),
    ]
    return write_package((name, xml.encode("utf-8")) for name, xml in parts)


def build_all(target: Path = TEMPLATES_DIR, layout: Layout | None = None) -> list[Path]:
    layout = layout or default_layout()
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for spec in SPECS:
        path = target / spec.filename
        path.write_bytes(build(spec, layout))
        written.append(path)
    return written


if __name__ == "__main__":
    for written_path in build_all():
        print(written_path)
