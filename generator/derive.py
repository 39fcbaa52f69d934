"""Derive what a template shows from a validated document: the render context.

Numbering (I., 1., a)), upper-casing, the "./." end mark, the số/ký hiệu and date lines, the rules'
lengths, the Nơi nhận lines and the signature block are all computed here, in domain terms; the
template only places them.
"""

from __future__ import annotations

from dataclasses import dataclass

from docxtpl import RichText

from . import inline
from . import template_styles as st
from .layout import Layout, default_layout
from .loading import UnitsRegistry
from .metrics import text_width_twips, wrap_lines
from .model import Appendix, Document, Node, Recipient
from .ooxml import RawXml, mm, rule_paragraph
from .ooxml.parts import DEFAULT_HEADER_RID, FIRST_HEADER_RID, data_table, section_break
from .signature import signature_block
from .vietnamese import date_line, day_text, end_mark, figure, ky_hieu, month_text, number_text, so_ky_hieu, upper
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


def document_context(doc: Document, registry: UnitsRegistry, layout: Layout | None = None) -> dict:
    """Everything the Mẫu 1.4 templates show, for one document."""
    layout = layout or default_layout()
    unit = registry.unit(doc.issuer)
    signature = signature_block(doc.signer, unit, registry)
    trich_yeu_words = inline.plain(doc.title)
    return {
        "co_quan": {
            "chu_quan": unit.parent_header,
            "ten": unit.header,
            "duong_ke": rule_paragraph(issuer_rule_twips(unit.header, layout),
                                       layout.header_table.left_content, st.DUONG_KE),
        },
        "so_ky_hieu": so_ky_hieu(doc.number, ky_hieu(None if doc.type == CONG_VAN_TYPE else doc.type, unit.code)),
        "dia_danh_ngay": date_line(doc.place or unit.place, doc.date, doc.issue_year),
        "ten_loai": upper(type_name(doc)),
        "trich_yeu": rich(doc.title),
        "duong_ke_trich_yeu": rule_paragraph(trich_yeu_rule_twips(trich_yeu_words, layout),
                                             layout.page.text_width, st.DUONG_KE_TRICH_YEU),
        "kinh_gui": kinh_gui_lines(doc, registry),
        "noi_dung": content_blocks(doc),
        "noi_nhan": noi_nhan_lines(doc, registry),
        "chu_ky": {"quyen_han": signature.authority_lines, "ho_ten": signature.name},
        "phu_luc": appendix_context(doc, registry, layout) if doc.appendix else None,
    }


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
    }


def document_title(doc: Document) -> str:
    """A title for the file's properties: "Kế hoạch: Triển khai …"."""
    return f"{type_name(doc)}: {inline.plain(doc.title)}"


def type_name(doc: Document) -> str:
    """"Kế hoạch", "Báo cáo" (Phụ lục III); "Công văn" for a công văn (type ``CV``, which has no tên loại line)."""
    return CONG_VAN_NAME if doc.type == CONG_VAN_TYPE else document_types()[doc.type]
