"""Find the ND30 elements of any .docx: header, số, date, tên loại, trích yếu, content, signature, Nơi nhận.

Documents come from vanban, from Word templates and from years of copy-and-paste, so elements are found
by what they say and where they stand, never by style names: a header may be a borderless table or
paragraphs split by tabs; runs may be split anywhere; a rule may be a paragraph border, an underline or
a drawn line. What cannot be seen (text in text boxes, a drawn line of unknown length) is reported as
such, not guessed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from lxml import etree

from ..metrics import text_width_twips, wrap_lines
from ..ooxml import qn
from ..ooxml.reading import FormatResolver, ParagraphFormat, RunFormat

W_TXBX = qn("w:txbxContent")
_WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
_V = "urn:schemas-microsoft-com:vml"
DRAWING_TAGS = (qn("w:drawing"), qn("w:pict"), "{http://schemas.openxmlformats.org/markup-compatibility/2006}AlternateContent")
EMU_PER_TWIP = 635


def normal(text: str) -> str:
    """NFC, non-breaking spaces as spaces, one space between words."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text).replace("\u00a0", " ")).strip()


@dataclass(frozen=True)
class CellRef:
    table: int
    row: int
    column: int
    content_width: int  # twips available for text


@dataclass
class Line:
    """One visual line of text: a paragraph, or one tab- or break-separated piece of it."""

    order: int
    paragraph: etree._Element
    text: str
    pieces: list[tuple[str, RunFormat]]
    fmt: ParagraphFormat
    cell: CellRef | None
    split: bool = False  # a piece of a paragraph that holds other pieces (tab layout)
    runs: list = field(default_factory=list)  # the w:r elements this line's text comes from
    column: int = 0  # 0 for the first tab-separated piece of a visual line, 1 for the next…

    @property
    def sizes(self) -> set[float | None]:
        return {f.size_pt for t, f in self.pieces if t.strip()}

    def all(self, attribute: str) -> bool:
        visible = [f for t, f in self.pieces if t.strip()]
        return bool(visible) and all(getattr(f, attribute) for f in visible)

    def any(self, attribute: str) -> bool:
        return any(getattr(f, attribute) for t, f in self.pieces if t.strip())

    def width(self, size_pt: float | None = None, bold: bool | None = None) -> int:
        """Width of the text as laid out in its own (first) size and emphasis."""
        size = size_pt or next(iter(s for s in self.sizes if s), 13)
        return text_width_twips(self.text, size, bold=self.all("bold") if bold is None else bold,
                                italic=self.all("italic"))


@dataclass(frozen=True)
class Rule:
    """A horizontal rule under an element."""

    kind: str  # border, underline, shape, underscores
    length: int | None  # twips; None when it cannot be measured


@dataclass
class Anatomy:
    lines: list[Line]
    body_width: int
    textbox_text: str = ""
    issuer: list[Line] = field(default_factory=list)
    quoc_hieu: Line | None = None
    tieu_ngu: Line | None = None
    so: Line | None = None
    date: Line | None = None
    ten_loai: Line | None = None
    trich_yeu: list[Line] = field(default_factory=list)
    kinh_gui: list[Line] = field(default_factory=list)
    content: list[Line] = field(default_factory=list)
    noi_nhan_label: Line | None = None
    noi_nhan: list[Line] = field(default_factory=list)
    authority: list[Line] = field(default_factory=list)
    signer: Line | None = None
    rules: dict[str, Rule | None] = field(default_factory=dict)

    def in_textbox(self, pattern: str) -> bool:
        return re.search(pattern, self.textbox_text, re.IGNORECASE) is not None


# ------------------------------------------------------------------ reading lines


def _walk_runs(paragraph):
    """Runs of ``paragraph`` in order, skipping text boxes nested inside it."""
    stack = list(reversed(paragraph))
    while stack:
        node = stack.pop()
        if node.tag == qn("w:r"):
            yield node
        elif node.tag in DRAWING_TAGS or node.tag == W_TXBX:
            continue
        else:
            stack.extend(reversed(node))


def _pieces(paragraph, resolver: FormatResolver) -> list[list[list[tuple[str, RunFormat]]]]:
    """Paragraph → visual lines (split at breaks) → segments (split at tabs) → (text, format) pieces."""
    lines: list[list[list]] = [[[]]]
    for run in _walk_runs(paragraph):
        fmt = resolver.run_format(paragraph, run)
        for child in run:
            if child.tag == qn("w:t"):
                lines[-1][-1].append((child.text or "", fmt, run))
            elif child.tag in (qn("w:tab"), qn("w:ptab")):
                lines[-1].append([])
            elif child.tag in (qn("w:br"), qn("w:cr")) and child.get(qn("w:type")) not in ("page", "column"):
                lines.append([[]])
            elif child.tag == qn("w:noBreakHyphen"):
                lines[-1][-1].append(("-", fmt, run))
    return lines


def _column_numbers(segments: list[list]) -> list[int]:
    """Column of each tab-separated segment. Tabs before the first text only centre it, unless the text
    stands alone (a signer's name pushed right with tabs): "\tA\tB" → A, B in columns 0, 1."""
    filled = [i for i, segment in enumerate(segments) if "".join(t for t, _, _ in segment).strip()]
    shift = filled[0] if len(filled) >= 2 else 0
    return [i - shift for i in range(len(segments))]


class _Reader:
    def __init__(self, document, resolver: FormatResolver, body_width: int):
        self.resolver = resolver
        self.lines: list[Line] = []
        self.body_width = body_width
        self.tables = 0

    def read(self, container, cell: CellRef | None = None) -> None:
        for child in container:
            if child.tag == qn("w:p"):
                self.paragraph(child, cell)
            elif child.tag == qn("w:tbl"):
                self.table(child)
            elif child.tag == qn("w:sdt"):
                content = child.find(qn("w:sdtContent"))
                if content is not None:
                    self.read(content, cell)

    def table(self, table) -> None:
        number = self.tables
        self.tables += 1
        grid = [int(c.get(qn("w:w"), 0) or 0) for c in table.iterfind(f"{qn('w:tblGrid')}/{qn('w:gridCol')}")]
        margins = {side: 108 for side in ("left", "right")}
        cell_mar = table.find(f"{qn('w:tblPr')}/{qn('w:tblCellMar')}")
        if cell_mar is not None:
            for side in margins:
                node = cell_mar.find(qn(f"w:{side}"))
                if node is None:
                    node = cell_mar.find(qn("w:start" if side == "left" else "w:end"))
                if node is not None and (node.get(qn("w:w")) or "").isdigit():
                    margins[side] = int(node.get(qn("w:w")))
        for r, row in enumerate(table.iterfind(qn("w:tr"))):
            column = 0
            for tc in row.iterfind(qn("w:tc")):
                span_node = tc.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}")
                span = int(span_node.get(qn("w:val"))) if span_node is not None else 1
                width_node = tc.find(f"{qn('w:tcPr')}/{qn('w:tcW')}")
                width = None
                if width_node is not None and width_node.get(qn("w:type"), "dxa") == "dxa":
                    value = width_node.get(qn("w:w"), "")
                    width = int(value) if value.isdigit() and int(value) > 0 else None
                if width is None and grid:
                    width = sum(grid[column:column + span])
                content = (width or self.body_width) - margins["left"] - margins["right"]
                self.read(tc, CellRef(number, r, column, content))
                column += span

    def paragraph(self, paragraph, cell: CellRef | None) -> None:
        fmt = self.resolver.paragraph_format(paragraph)
        visual = _pieces(paragraph, self.resolver)
        segments = [(segment, len(line) > 1 or len(visual) > 1, column)
                    for line in visual for segment, column in zip(line, _column_numbers(line))]
        emitted = False
        for segment, split, column in segments:
            text = normal("".join(t for t, _, _ in segment))
            if text or not emitted:
                if not text and split:
                    continue
                runs = list(dict.fromkeys(r for _, _, r in segment))
                pieces = [(t, f) for t, f, _ in segment]
                self.lines.append(Line(len(self.lines), paragraph, text, pieces, fmt, cell, split, runs, column))
                emitted = True


# ------------------------------------------------------------------ patterns

QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
QUOC_HIEU_PATTERN = re.compile(r"c[ộo]ng\s*h[òo]a\s+x[ãa]\s*h[ộo]i\s+ch[ủu]\s*ngh[ĩi]a\s+vi[ệe]t\s*nam", re.I)
TIEU_NGU_PATTERN = re.compile(r"độc\s*lập\s*\S?\s*tự\s*do\s*\S?\s*hạnh\s*phúc", re.I)
SO_PATTERN = re.compile(r"^s[ốo]\s*:?\s*[\d .…_]*/", re.I)
DATE_PATTERN = re.compile(r"ngày.*tháng.*năm", re.I)
AUTHORITY_PREFIX = re.compile(r"^(TM|KT|Q|TL|TUQ|T/M|K/T|T/L)[.\s]", re.I)


def is_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


class Anatomist:
    """Builds the :class:`Anatomy` of a python-docx ``Document``."""

    def __init__(self, document):
        self.document = document
        self.resolver = FormatResolver.for_document(document)
        body = document.element.body
        # the first section holds the header, the content and the signature; a Phụ lục may follow in another
        sect = next(body.iter(qn("w:sectPr")), None)
        self.body_width = _text_width(sect) if sect is not None else 9355
        reader = _Reader(document, self.resolver, self.body_width)
        reader.read(body)
        textboxes = [" ".join(t.text or "" for t in box.iter(qn("w:t"))) for box in body.iter(W_TXBX)]
        self.anatomy = Anatomy(reader.lines, self.body_width, normal(" ".join(textboxes)))

    def build(self) -> Anatomy:
        a = self.anatomy
        lines = a.lines
        head = lines[:40]
        a.quoc_hieu = next((l for l in head if QUOC_HIEU_PATTERN.search(l.text)), None)
        a.tieu_ngu = next((l for l in head if TIEU_NGU_PATTERN.search(l.text)), None)
        a.so = next((l for l in head if SO_PATTERN.match(l.text)), None)
        anchor = a.tieu_ngu or a.quoc_hieu
        a.date = next((l for l in head if DATE_PATTERN.search(l.text) and "," in l.text
                       and (anchor is None or l.order > anchor.order)), None)
        header_end = max([l.order for l in (a.quoc_hieu, a.tieu_ngu, a.so, a.date) if l] or [-1])
        self._issuer(header_end)
        self._title(header_end)
        self._footer()
        self._content()
        a.rules = {
            "issuer": self._rule_after(a.issuer[-1]) if a.issuer else None,
            "tieu_ngu": self._rule_after(a.tieu_ngu) if a.tieu_ngu else None,
            "trich_yeu": self._rule_after(a.trich_yeu[-1]) if a.trich_yeu else None,
        }
        return a

    # -- header
    def _issuer(self, header_end: int) -> None:
        a = self.anatomy
        special = {id(x) for x in (a.quoc_hieu, a.tieu_ngu, a.so, a.date) if x}
        candidates = [l for l in a.lines[:header_end + 1] if l.text and id(l) not in special
                      and not TIEU_NGU_PATTERN.search(l.text) and not QUOC_HIEU_PATTERN.search(l.text)]
        if a.so is not None and a.so.cell is not None:
            # table layout: the issuer stands in the same column as the số
            candidates = [l for l in candidates if l.cell and l.cell.table == a.so.cell.table
                          and l.cell.column == a.so.cell.column and l.order < a.so.order]
        elif a.so is not None:
            candidates = [l for l in candidates if l.order < a.so.order]
        a.issuer = [l for l in candidates if is_caps(l.text) and "_" not in l.text]

    def _title(self, header_end: int) -> None:
        from ..loading import document_types

        a = self.anatomy
        names = {n.upper(): code for code, n in document_types().items()}
        names["CÔNG VĂN"] = None
        after = [l for l in a.lines if l.order > header_end]
        for position, line in enumerate(after[:8]):
            if line.text.upper() in names and not line.cell:
                a.ten_loai = line
                rest = after[position + 1:]
                for following in rest:
                    if not following.text:
                        if a.trich_yeu:
                            break
                        continue
                    if following.text.lower().startswith("kính gửi") or (
                            a.trich_yeu and following.fmt.align not in ("center",)):
                        break
                    if a.trich_yeu and following.fmt.align == "center" and _is_section_heading(following.text):
                        break
                    a.trich_yeu.append(following)
                    if following.fmt.align != "center":
                        break
                break
        start = (a.trich_yeu[-1].order if a.trich_yeu else a.ten_loai.order if a.ten_loai else header_end)
        gui = [l for l in a.lines if l.order > start and l.text][:4]
        gui = [l for l in gui if l.text.lower().startswith("kính gửi")]
        if gui:
            a.kinh_gui = [gui[0]]
            for line in a.lines[gui[0].order + 1:]:
                if line.text.startswith(("-", "–", "+")) and line.fmt.left and line.fmt.left > 1000:
                    a.kinh_gui.append(line)
                else:
                    break

    # -- footer
    def _footer(self) -> None:
        a = self.anatomy
        label = next((l for l in reversed(a.lines) if re.match(r"^n[ơo]i\s*nh[ậa]n\s*:?$", l.text, re.I)), None)
        a.noi_nhan_label = label
        if label is None:
            pool = [l for l in a.lines[-12:]]
        elif label.cell:
            # table layout: entries under the label in its cell, the signature in the other column
            a.noi_nhan = [l for l in a.lines[label.order + 1:] if l.text and l.cell
                          and (l.cell.table, l.cell.column) == (label.cell.table, label.cell.column)]
            pool = [l for l in a.lines if l.cell and l.cell.table == label.cell.table
                    and l.cell.column != label.cell.column]
        elif label.split:
            # tab layout: "Nơi nhận:<tab>TM. …", "- …;<tab>KT. …": entries left, signature right
            after = [l for l in a.lines[label.order:] if l.text and l is not label]
            a.noi_nhan = [l for l in after if l.column == 0]
            pool = [l for l in after if l.column >= 1]
        else:
            # paragraphs: entries follow the label until the signature block starts
            pool = []
            for line in a.lines[label.order + 1:]:
                if not line.text:
                    continue
                if pool or (is_caps(line.text) and not line.text.startswith("-")):
                    pool.append(line)
                else:
                    a.noi_nhan.append(line)
        texts = [l for l in pool if l.text and not l.text.startswith("-")]
        caps = [l for l in texts if is_caps(l.text) and not SO_PATTERN.match(l.text)]
        if caps:
            first = caps[0]
            block = [l for l in texts if l.order >= first.order]
            a.authority = [l for l in block if is_caps(l.text)]
            names = [l for l in block if not is_caps(l.text) and l.order > a.authority[-1].order]
            a.signer = names[-1] if names else None

    # -- content
    def _content(self) -> None:
        a = self.anatomy
        begin = max([l.order for l in (a.ten_loai, *a.trich_yeu, *a.kinh_gui, a.date, a.so) if l] or [-1])
        ends = [l.order for l in (a.noi_nhan_label, *(a.authority[:1])) if l is not None]
        end = min(ends) if ends else len(a.lines)
        footer_tables = {l.cell.table for l in (a.noi_nhan_label, *a.authority) if l is not None and l.cell}
        a.content = [l for l in a.lines[begin + 1:end] if l.text and not (l.cell and l.cell.table in footer_tables)
                     and "_" * 5 not in l.text]

    # -- rules
    def _rule_after(self, line: Line) -> Rule | None:
        paragraph = line.paragraph
        visible = [run for run in line.runs if "".join(t.text or "" for t in run.iter(qn("w:t"))).strip()]
        if visible and all(_underlined(run) for run in visible):
            return Rule("underline", line.width())
        container_width = line.cell.content_width if line.cell else self.body_width
        candidates = [paragraph]
        sibling = paragraph.getnext()
        while sibling is not None and len(candidates) < 3:
            if sibling.tag == qn("w:p"):
                candidates.append(sibling)
            sibling = sibling.getnext()
        for index, candidate in enumerate(candidates):
            text = normal("".join(t.text or "" for t in candidate.iter(qn("w:t")) if not _in_drawing(t, candidate)))
            if index > 0 and text and not set(text) <= {"_", "-", " "}:
                break
            if text and set(text) <= {"_", " "} and len(text) >= 3:
                return Rule("underscores", None)
            shapes = _shapes(candidate)
            if line.split:
                # a drawn line in a tab layout belongs to the column it stands over
                half = self.body_width / 2
                shapes = [(x, w) for x, w in shapes if x is None or ((x + (w or 0) / 2) < half) == (line.column == 0)]
            if shapes:
                return Rule("shape", shapes[0][1])
            fmt = self.resolver.paragraph_format(candidate)
            if fmt.border_bottom and not line.split:
                length = container_width - max(fmt.left or 0, 0) - max(fmt.right or 0, 0)
                return Rule("border", length)
        return None


def _underlined(run) -> bool:
    rpr = run.find(qn("w:rPr"))
    node = rpr.find(qn("w:u")) if rpr is not None else None
    return node is not None and node.get(qn("w:val")) not in ("none", None)


def _in_drawing(node, paragraph) -> bool:
    parent = node.getparent()
    while parent is not None and parent is not paragraph:
        if parent.tag in DRAWING_TAGS or parent.tag == W_TXBX:
            return True
        parent = parent.getparent()
    return False


def _shapes(paragraph) -> list[tuple[int | None, int | None]]:
    """Drawn lines anchored in ``paragraph``: (horizontal offset, length) in twips where known."""
    out = []
    for anchor in paragraph.iter(f"{{{_WP}}}anchor", f"{{{_WP}}}inline"):
        extent = anchor.find(f"{{{_WP}}}extent")
        length = int(extent.get("cx")) // EMU_PER_TWIP if extent is not None and (extent.get("cx") or "").isdigit() else None
        offset = anchor.find(f"{{{_WP}}}positionH/{{{_WP}}}posOffset")
        x = int(offset.text) // EMU_PER_TWIP if offset is not None and (offset.text or "").lstrip("-").isdigit() else None
        out.append((x, length))
    if not out:
        for line in paragraph.iter(f"{{{_V}}}line"):
            try:
                x1 = float(line.get("from", "0,0").split(",")[0].rstrip("pt"))
                x2 = float(line.get("to", "0,0").split(",")[0].rstrip("pt"))
                out.append((round(min(x1, x2) * 20), round(abs(x2 - x1) * 20)))
            except ValueError:
                out.append((None, None))
    if not out and any(paragraph.iter(*DRAWING_TAGS)):
        out.append((None, None))
    return out


def _is_section_heading(text: str) -> bool:
    return bool(re.match(r"^([IVXLC]+\.|\d+\.|[a-zđ]\))\s", text))


def _text_width(sect) -> int:
    size = sect.find(qn("w:pgSz"))
    margin = sect.find(qn("w:pgMar"))
    try:
        width = int(size.get(qn("w:w")))
        return width - int(margin.get(qn("w:left"))) - int(margin.get(qn("w:right")))
    except (AttributeError, TypeError, ValueError):
        return 9355


def anatomy_of(document) -> Anatomy:
    return Anatomist(document).build()


def widest_line(text: str, width: int, size: float, bold: bool) -> int:
    lines = wrap_lines(text, width, size, bold=bold) or [text]
    return max(text_width_twips(l, size, bold=bold) for l in lines)
