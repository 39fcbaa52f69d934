"""Derive what a template shows from a validated document: the render context.

Numbering (I., 1., a)), upper-casing, the "./." end mark, the số/ký hiệu and date lines, the rules'
lengths, the Nơi nhận lines and the signature block are all computed here, in domain terms; the
template only places them.
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from docxtpl import RichText

from . import inline
from . import template_styles as st
from .layout import Layout, default_layout
from .loading import UnitsRegistry
from .metrics import text_width_twips, wrap_lines
from .model import Appendix, Document, Node, Recipient
from .ooxml import RawXml, mm, rule_paragraph
from .ooxml.parts import DEFAULT_HEADER_RID, FIRST_HEADER_RID, data_table, section_break
from .signature import electronic as electronic_data
from .signature import signature_area, signature_block, unit_pictures
from .vietnamese import (DRAFT_BLANK, date_line, day_text, end_mark, figure, ky_hieu, month_text, number_text,
                         so_ky_hieu, upper)
from .vocabulary import (CONG_VAN_NAME, CONG_VAN_TYPE, DIEM_LETTERS, NHU_TREN, archive_line,  # noqa: F401
                         diem_letter, document_types, roman)


def numbering(depth: int, index: int) -> str:
    """The label of the ``index``-th node at ``depth``: "I.", "1.", "a)", then "-" and "+" lines."""
    if depth == 0:
        return f"{roman(index + 1)}."
    if depth == 1:
        return f"{index + 1}."
    if depth == 2:
        return f"{diem_letter(index)})"
    return "-" if depth == 3 else "+"


def rich(text: str, *, prefix: str = "", capitals: bool = False, closing: bool = False) -> RichText:
    """Inline markup → docxtpl RichText; runs without emphasis inherit the paragraph's style."""
    spans = inline.parse(text)
    if capitals:
        spans = [inline.Span(upper(s.text), s.italic, s.bold, s.superscript) for s in spans]
    if closing and spans:
        last = spans[-1]
        spans[-1] = inline.Span(end_mark(last.text), last.italic, last.bold, last.superscript)
    out = RichText()
    if prefix:
        out.add(prefix + " ")
    for span in spans:
        out.add(span.text, italic=span.italic, bold=span.bold, superscript=span.superscript)
    return out


@dataclass
class Block:
    """One paragraph of the content: its kind (which style) and its text."""

    loai: str  # muc, khoan, diem, doan, ket
    source: str
    prefix: str = ""
    capitals: bool = False


def _node_blocks(node: Node, depth: int, index: int) -> list[Block]:
    label = numbering(depth, index)
    blocks: list[Block] = []
    if node.title is not None:
        kind = {0: "muc", 1: "khoan", 2: "diem"}.get(depth, "doan")
        blocks.append(Block(kind, node.title, label, capitals=depth == 0))
    elif node.text is not None:
        blocks.append(Block("doan", node.text, label))
    blocks += [Block("doan", paragraph) for paragraph in node.paragraphs]
    for child_index, child in enumerate(node.items):
        blocks += _node_blocks(child, depth + 1, child_index)
    return blocks


def content_blocks(doc: Document) -> list[dict]:
    """The content (ô 6) as a flat list of styled paragraphs; the last ends with "./."."""
    blocks = [Block("doan", text) for text in doc.opening]
    for index, section in enumerate(doc.sections):
        blocks += _node_blocks(section, 0, index)
    blocks += [Block("ket", text) for text in doc.closing]
    if blocks and blocks[-1].loai == "doan":
        blocks[-1].loai = "ket"  # keeps the last sentence with the signature block
    out = []
    for position, block in enumerate(blocks):
        last = position == len(blocks) - 1
        out.append({
            "loai": block.loai,
            "van_ban": rich(block.source, prefix=block.prefix, capitals=block.capitals, closing=last),
        })
    return out


def recipient_name(recipient: Recipient, registry: UnitsRegistry) -> str:
    if recipient.unit:
        unit = registry.unit(recipient.unit)
        return unit.short_name or unit.name
    return recipient.to  # type: ignore[return-value]


def _with_purpose(recipient: Recipient, registry: UnitsRegistry) -> str:
    name = recipient_name(recipient, registry)
    return f"{name} ({recipient.purpose})" if recipient.purpose else name


def noi_nhan_lines(doc: Document, registry: UnitsRegistry) -> list[str]:
    """Ô 9b: "- X (báo cáo);" per recipient, "- Như trên;" first under a Kính gửi, "- Lưu: VT, …." last."""
    lines = [NHU_TREN] if doc.kinh_gui else []
    lines += [f"- {_with_purpose(r, registry)};" for r in doc.recipients]
    lines.append(archive_line(doc.archive))
    return lines


def kinh_gui_lines(doc: Document, registry: UnitsRegistry) -> list[str]:
    """Ô 9a: one recipient on the "Kính gửi:" line; several as "- X;" lines, the last ending "."."""
    names = [_with_purpose(r, registry) for r in doc.kinh_gui]
    if len(names) == 1:
        return [names[0].rstrip(".") + "."]
    return [f"- {name};" for name in names[:-1]] + [f"- {names[-1]}."] if names else []


def issuer_rule_twips(name_lines: list[str], layout: Layout) -> int:
    """The rule under the issuer's name: a fraction (1/3–1/2) of its longest line, as the checker measures it."""
    width = max(text_width_twips(line, layout.sizes.ban_hanh, bold=True) for line in name_lines)
    return round(width * layout.rules.issuer_fraction)


def trich_yeu_rule_twips(trich_yeu: str, layout: Layout) -> int:
    """The rule under the trích yếu: a fraction of its longest line as Word will wrap it."""
    lines = wrap_lines(trich_yeu, layout.page.text_width, layout.sizes.trich_yeu, bold=True)
    widest = max(text_width_twips(line, layout.sizes.trich_yeu, bold=True) for line in lines)
    return round(widest * layout.rules.trich_yeu_fraction)


@dataclass(frozen=True)
class PackagePart:
    """A part a document adds to the template's package (a picture, the custom properties), with the
    relationship that reaches it (from the document part, or from the package for ``docProps/``)."""

    name: str  # "word/media/vanban-chu-ky.png"
    data: bytes
    content_type: str
    rid: str
    relationship: str  # its relationship type
    owner: str = "word/document.xml"  # the part whose relationships hold it; "" for the package


# The key of the render context under which a document lists the parts it adds (fastrender.py adds them).
PACKAGE_PARTS = "phan_them_vao_goi"
IMAGE_RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
CUSTOM_RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
CUSTOM_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
CUSTOM_PART = "docProps/custom.xml"


def package_additions(parts: list[PackagePart], read) -> dict[str, bytes]:
    """The package entries that add ``parts`` to a template's package: each part, its relationship (in the
    relationships of its owner) and its content type. ``read(name)`` gives a template entry's text."""
    out: dict[str, bytes] = {part.name: part.data for part in parts}
    texts: dict[str, str] = {}
    for part in parts:
        folder, _, file = part.owner.rpartition("/")
        rels = f"{folder}/_rels/{file}.rels" if part.owner else "_rels/.rels"
        target = part.name[len(folder) + 1:] if part.owner and part.name.startswith(folder + "/") else part.name
        text = texts.get(rels) or read(rels)
        texts[rels] = text.replace("</Relationships>", f'<Relationship Id="{part.rid}" Type="{part.relationship}" '
                                                       f'Target="{target}"/></Relationships>')
        types = texts.get("[Content_Types].xml") or read("[Content_Types].xml")
        texts["[Content_Types].xml"] = types.replace(
            "</Types>", f'<Override PartName="/{part.name}" ContentType="{part.content_type}"/></Types>')
    out.update((name, text.encode("utf-8")) for name, text in texts.items())
    return out


def custom_properties(value: str) -> PackagePart:
    """``docProps/custom.xml`` naming the document an electronic draft (``data/electronic-nd30.yaml``,
    ``property``): `vanban check` reads it to judge the electronic variant of its rules."""
    name = electronic_data().property.name
    xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
           'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
           f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="2" name={quoteattr(name)}>'
           f'<vt:lpwstr>{escape(value)}</vt:lpwstr></property></Properties>')
    return PackagePart(CUSTOM_PART, xml.encode("utf-8"), CUSTOM_TYPE, "rIdVbDienTu", CUSTOM_RELATIONSHIP, owner="")


def _signature_area(doc: Document, registry: UnitsRegistry, layout: Layout):
    """Ô 7c and ô 8 of an electronic draft: the reserved area, with the unit's PNGs when it has them."""
    signature, seal = unit_pictures(registry.unit(doc.issuer), registry)
    column_mm = layout.footer_table.right_content * 25.4 / 1440
    area = signature_area(signature, seal, column_mm, st.KHOANG_KY)
    parts = [PackagePart(p.part, p.data, "image/png", p.rid, IMAGE_RELATIONSHIP) for p in area.pictures]
    return area, parts


def document_context(doc: Document, registry: UnitsRegistry, layout: Layout | None = None, *,
                     electronic: bool = False) -> dict:
    """Everything the Mẫu 1.4 templates show, for one document.

    ``electronic=True`` gives the electronic draft (``data/electronic-nd30.yaml``): số and ngày left blank for
    the e-office system, which gives them when the văn thư issues it (Điều 15.3; a number or date in the data
    is not printed); the signature area reserved between the chức vụ lines and the name, with the unit's
    signature and seal PNGs when its registry entry has them (``e_signing``; Phụ lục I, II.7.d, II.8.a); no
    Phụ lục in the file — it goes to a file of its own (:func:`appendix_document_context`, III.1.d); and the
    custom property that tells `vanban check` it is an electronic draft."""
    layout = layout or default_layout()
    unit = registry.unit(doc.issuer)
    signature = signature_block(doc.signer, unit, registry)
    trich_yeu_words = inline.plain(doc.title)
    number, date = (None, None) if electronic else (doc.number, doc.date)
    added: list[PackagePart] = []
    area = None
    if electronic:
        area, added = _signature_area(doc, registry, layout)
        added.append(custom_properties(electronic_data().property.main))
    context = {
        "co_quan": {
            "chu_quan": unit.parent_header,
            "ten": unit.header,
            "duong_ke": rule_paragraph(issuer_rule_twips(unit.header, layout),
                                       layout.header_table.left_content, st.DUONG_KE),
        },
        "so_ky_hieu": so_ky_hieu(number, ky_hieu(None if doc.type == CONG_VAN_TYPE else doc.type, unit.code)),
        "dia_danh_ngay": date_line(doc.place or unit.place, date, doc.issue_year),
        "ten_loai": upper(type_name(doc)),
        "trich_yeu": rich(doc.title),
        "duong_ke_trich_yeu": rule_paragraph(trich_yeu_rule_twips(trich_yeu_words, layout),
                                             layout.page.text_width, st.DUONG_KE_TRICH_YEU),
        "kinh_gui": kinh_gui_lines(doc, registry),
        "noi_dung": content_blocks(doc),
        "noi_nhan": noi_nhan_lines(doc, registry),
        "chu_ky": {"quyen_han": signature.authority_lines, "ho_ten": signature.name,
                   "khu_ky": area.paragraph if area else None},
        "phu_luc": appendix_context(doc, registry, layout) if doc.appendix and not electronic else None,
    }
    if added:
        context[PACKAGE_PARTS] = added
    return context


def appendix_document_context(doc: Document, registry: UnitsRegistry, layout: Layout | None = None) -> dict | None:
    """The Phụ lục of an electronic draft as a file of its own (Phụ lục I, III.1.d; Mẫu 2.2), or None without
    one: the top-right block where the văn thư's digital signature shows the số, ký hiệu and signing time
    (Times New Roman 10, II.8.b), then "Phụ lục", its title, the "(Kèm theo …)" line left unfilled (III.1.c)
    and the table. Rendered with the document's own template (``render.appendix_docx``)."""
    if doc.appendix is None:
        return None
    layout = layout or default_layout()
    unit = registry.unit(doc.issuer)
    block = electronic_data().appendix_block
    shown = appendix_context(doc.model_copy(update={"number": None, "date": None}), registry, layout)
    code = ky_hieu(None if doc.type == CONG_VAN_TYPE else doc.type, unit.code)
    shown.update(tep_rieng=True, ngat_phan="",
                 o_ky_so=[block.number_line.format(blank=DRAFT_BLANK, ky_hieu=code), block.time_line])
    return {"phu_luc": shown, PACKAGE_PARTS: [custom_properties(electronic_data().property.appendix)]}


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, int):
        return figure(value)
    return inline.plain(value)


def appendix_context(doc: Document, registry: UnitsRegistry, layout: Layout) -> dict:
    """Mẫu 2.1: "Phụ lục", its title, "(Kèm theo … số … ngày … của …)", a short rule and the table."""
    appendix: Appendix = doc.appendix  # type: ignore[assignment]
    unit = registry.unit(doc.issuer)
    number = number_text(doc.number) if doc.number else "…"
    when = (f"ngày {day_text(doc.date.day)} tháng {month_text(doc.date.month)} năm {doc.date.year}" if doc.date
            else f"ngày … tháng … năm {doc.issue_year}")
    title = upper(inline.plain(appendix.title))
    width = layout.landscape_text_width if appendix.landscape else layout.page.text_width
    fixed = sum(mm(c.width_mm) for c in appendix.columns if c.width_mm)
    free = [c for c in appendix.columns if not c.width_mm]
    share = (width - fixed) // len(free) if free else 0
    columns = [(c.name, mm(c.width_mm) if c.width_mm else share, c.numeric) for c in appendix.columns]
    table = data_table(columns, [[_cell(v) for v in row] for row in appendix.rows],
                       total=[_cell(v) for v in appendix.total] if appendix.total else None,
                       header_style=st.BANG_TIEU_DE, cell_style=st.BANG, number_style=st.BANG_SO,
                       total_style=st.BANG_TONG)
    title_width = max(text_width_twips(line, 14, bold=True) for line in wrap_lines(title, width, 14, bold=True))
    return {
        "ngat_phan": RawXml(section_break(layout.page_setup(), default_header=DEFAULT_HEADER_RID,
                                          first_header=FIRST_HEADER_RID)),
        "so": "Phụ lục",
        "tieu_de": title,
        "kem_theo": f"(Kèm theo {document_types()[doc.type]} số {number}/{ky_hieu(doc.type, unit.code)} "
                    f"{when} của {unit.name})",
        "duong_ke": rule_paragraph(round(title_width * layout.rules.trich_yeu_fraction), width, st.DUONG_KE_TRICH_YEU),
        "bang": RawXml(table),
        "tep_rieng": False,  # True: the Phụ lục alone, in a file of its own (electronic drafts)
        "o_ky_so": [],  # its top-right block (số, ký hiệu, thời gian ký) in a file of its own
    }


def document_title(doc: Document) -> str:
    """A title for the file's properties: "Kế hoạch: Triển khai …"."""
    return f"{type_name(doc)}: {inline.plain(doc.title)}"


def type_name(doc: Document) -> str:
    """"Kế hoạch", "Báo cáo" (Phụ lục III); "Công văn" for a công văn (type ``CV``, which has no tên loại line)."""
    return CONG_VAN_NAME if doc.type == CONG_VAN_TYPE else document_types()[doc.type]
