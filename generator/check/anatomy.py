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
from functools import lru_cache
from itertools import islice

from ..metrics import text_width_twips, wrap_lines
from ..ooxml.document import (DEFAULT_TEXT_WIDTH, CellRef, DrawnShape, ParagraphView, body_paragraphs, drawn_shapes,
                              following_paragraphs, has_drawings, paragraph_runs, resolver_of, sections,
                              text_outside_drawings, textbox_texts)
from ..ooxml.reading import ParagraphFormat, RunFormat
from ..vietnamese import letters_only, modern_tones
from ..vocabulary import SECRECY_LINE, URGENCY_LINE
from ..vocabulary import (AUTHORITY_PARTS, CONG_VAN, DATE_LINE, END_MARK, KINH_GUI_WORDS, NOI_NHAN, PARTY_PREFIX,
                          QUOC_HIEU, QUOC_HIEU_PATTERN, SO_LINE, TIEU_NGU_PATTERN, is_caps, is_section_heading,
                          type_codes_by_name)

__all__ = ["Anatomy", "CellRef", "Line", "Rule", "anatomy_of", "is_caps", "normal", "widest_line"]


_QUOC_HIEU_LETTERS = letters_only(QUOC_HIEU)


def is_quoc_hieu(text: str) -> bool:
    """The Quốc hiệu however it is typed: "HÒA" or "HOÀ", precomposed or decomposed, marks misplaced."""
    # the header lines of a batch's documents recur: recalled by their text (long lines are not kept)
    return (_is_quoc_hieu if len(text) <= 400 else _is_quoc_hieu.__wrapped__)(text)


@lru_cache(maxsize=4096)
def _is_quoc_hieu(text: str) -> bool:
    return bool(QUOC_HIEU_PATTERN.search(modern_tones(text))) or _QUOC_HIEU_LETTERS in letters_only(text)


def normal(text: str) -> str:
    """NFC, non-breaking spaces as spaces, one space between words."""
    # str.split() splits at what the regex \s matches (no-break spaces among them), in a quarter of its time; a
    # text already spaced so (most are) is not cut into words and joined again. Every space but " " is a control
    # or a separator, which a printable text holds none of: only a text that is not is searched for them.
    text = unicodedata.normalize("NFC", text)
    if "  " in text or text[:1] == " " or text[-1:] == " " or not text.isprintable() and _OTHER_SPACE.search(text):
        return " ".join(text.split())
    return text


# a rule typed as characters ("-----------", "_______") under the trích yếu, as documents copied from the
# web have it: not a line of the trích yếu (and not a rule either: ND30 draws it)
_TYPED_RULE = re.compile(r"[-_–—=\s]*[-_–—=]{3}[-_–—=\s]*")

# every character str.split() splits at, but " "
_OTHER_SPACE = re.compile("[\t-\r\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]")


_UNKNOWN = object()  # a fact not found yet (None is a fact: "no problem")


@dataclass(slots=True)  # some hundred per document checked
class Line:
    """One visual line of text: a paragraph, or one tab- or break-separated piece of it."""

    order: int
    view: ParagraphView  # the paragraph it comes from, as read
    text: str
    pieces: list[tuple[str, RunFormat]]
    fmt: ParagraphFormat
    cell: CellRef | None
    split: bool = False  # a piece of a paragraph that holds other pieces (tab layout)
    run_indices: tuple[int, ...] = ()  # which of the paragraph's runs (paragraph_runs) its text comes from
    column: int = 0  # 0 for the first tab-separated piece of a visual line, 1 for the next…
    tabbed: bool = False  # its visual line holds tabs: Tab-indented, or laid out in tab columns

    @property
    def paragraph(self):
        """The paragraph's element in the document (for the rules and the fixes that need the tree)."""
        return self.view.element

    @property
    def runs(self) -> list:
        """The w:r elements this line's text comes from."""
        runs = paragraph_runs(self.paragraph)
        return [runs[i] for i in self.run_indices if i < len(runs)]

    # (pieces, their visible formats): found with the paragraph's reading and recalled with it
    known_visible: tuple | None = field(default=None, repr=False, compare=False)

    @property
    def visible(self) -> tuple[RunFormat, ...]:
        """The formats of the pieces that show text (not spaces), in order; the rules ask for them again
        and again, so they are found once per ``pieces`` (a fix that sets new pieces is seen)."""
        known = self.known_visible
        if known is None or known[0] is not self.pieces:
            known = self.known_visible = (self.pieces, tuple(f for t, f in self.pieces if t.strip()))
        return known[1]

    # what rules derived from the pieces alone, shared by every line read from the same paragraph source
    known_facts: tuple | None = field(default=None, repr=False, compare=False)

    def recall(self, name, derive, *args):
        """``derive(*args)`` — a fact of this line's pieces only (its fonts, its colours; its paragraph's format
        is part of its reading too) — found once for every line with the same reading, in this document and the
        next; a fix that sets new pieces is seen. The rules ask for facts of every line: passing the function
        and its arguments, not a closure, makes nothing for a fact already found."""
        known = self.known_facts
        if known is None or known[0] is not self.pieces:
            known = self.known_facts = (self.pieces, {})
        facts = known[1]
        found = facts.get(name, _UNKNOWN)
        if found is _UNKNOWN:
            found = facts[name] = derive(*args)
        return found

    @property
    def sizes(self) -> set[float | None]:
        return {f.size_pt for f in self.visible}

    def all(self, attribute: str) -> bool:
        visible = self.visible
        return bool(visible) and all(getattr(f, attribute) for f in visible)

    def any(self, attribute: str) -> bool:
        return any(getattr(f, attribute) for f in self.visible)

    def width(self, size_pt: float | None = None, bold: bool | None = None) -> int:
        """Width of the text as laid out in its own (first) size and emphasis, recalled with its reading."""
        return self.recall(("width", size_pt, bold), self._width, size_pt, bold)

    def _width(self, size_pt: float | None, bold: bool | None) -> int:
        return text_width_twips(self.text, size_pt or next(iter(s for s in self.sizes if s), 13),
                                bold=self.all("bold") if bold is None else bold, italic=self.all("italic"))


@dataclass(frozen=True)
class _Box:
    """Where a paragraph stands on the first pages, estimated: twips from the top of the text area and from
    its left edge (the paragraph's column: its cell, or the text area)."""

    top: int
    text_top: int  # after its space before
    text_bottom: int  # under its last line of text
    bottom: int
    left: int
    right: int
    line_height: int
    view: ParagraphView


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
    cong_van: bool = False  # no tên loại line; the trích yếu "V/v …" under the số (Phụ lục I, mục II.5.b)
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


def _column_numbers(filled: list[bool]) -> list[int]:
    """Column of each tab-separated segment (``filled``: whether each shows text). Tabs before the first text only
    centre it, unless the text stands alone (a signer's name pushed right with tabs): "\tA\tB" → A, B in columns
    0, 1."""
    shown = [i for i, full in enumerate(filled) if full]
    shift = shown[0] if len(shown) >= 2 else 0
    return [i - shift for i in range(len(filled))]


def _line_specs(view: ParagraphView) -> tuple[tuple, ...]:
    """A paragraph's lines, without their place in the document: (text, pieces, split, run indices, column,
    tabbed, (pieces, visible formats), (pieces, facts the rules derived)) each."""
    specs = []
    emitted = False
    several = len(view.shape) > 1
    for line in view.shape:
        joined = ["".join([t for t, _, _ in segment]) for segment in line]
        tabbed = len(line) > 1
        split = tabbed or several
        for segment, raw, column in zip(line, joined, _column_numbers([bool(j.strip()) for j in joined])):
            text = normal(raw)
            if text and view.label and not emitted:
                text = normal(f"{view.label.strip()} {text}")
            if text or not emitted:
                if not text and split:
                    continue
                pieces = tuple([(t, f) for t, f, _ in segment])
                specs.append((text, pieces, split, tuple(dict.fromkeys([i for _, _, i in segment])), column, tabbed,
                              (pieces, tuple([f for t, f in pieces if t.strip()])), (pieces, {})))
                emitted = True
    return tuple(specs)


def _specs_of(view: ParagraphView) -> tuple[tuple, ...]:
    """A paragraph's line specs, kept with its reading (``ParagraphView.memo``): a cascade's paragraphs recur
    from unit to unit. A paragraph with a number Word displays is read for itself (the number is not in its
    reading), and so is one whose reading is not kept (no key)."""
    if view.key is None or view.label:
        return _line_specs(view)
    found = view.memo.get(_SPECS)
    if found is None:
        found = view.memo[_SPECS] = _line_specs(view)
    return found


_SPECS = "line specs"


def _lines(views: list[ParagraphView]) -> list[Line]:
    """Every paragraph of the body as lines: one per paragraph, or one per tab- or break-separated piece.
    The number Word displays for an automatically numbered paragraph starts its first line's text."""
    lines: list[Line] = []
    for view in views:
        # the specs kept with the reading, when kept (most paragraphs of a batch: no call made for them)
        specs = view.memo.get(_SPECS) if view.key is not None and not view.label else None
        for text, pieces, split, run_indices, column, tabbed, visible, facts in specs or _specs_of(view):
            lines.append(Line(len(lines), view, text, pieces, view.fmt, view.cell, split, run_indices,
                              column, tabbed, visible, facts))
    return lines


class Anatomist:
    """Builds the :class:`Anatomy` of a python-docx ``Document``."""

    def __init__(self, document):
        self.document = document
        self.resolver = resolver_of(document)
        # the first section holds the header, the content and the signature; a Phụ lục may follow in another
        first = next(iter(sections(document)), None)
        self.body_width = first.text_width if first is not None else DEFAULT_TEXT_WIDTH
        self.first_section = first
        self.views = list(body_paragraphs(document, self.resolver, self.body_width))
        lines = _lines(self.views)
        self.anatomy = Anatomy(lines, self.body_width, normal(" ".join(textbox_texts(document))))
        self._boxes: dict[int, _Box] | None = None
        self._placed: list[tuple[DrawnShape, list[float], float]] | None = None
        self._drawings = has_drawings(document)  # none: no drawn rule to look for, nothing to lay out

    def build(self) -> Anatomy:
        a = self.anatomy
        lines = a.lines
        head = lines[:40]
        a.quoc_hieu = next((l for l in head if is_quoc_hieu(l.text)), None)
        a.tieu_ngu = next((l for l in head if TIEU_NGU_PATTERN.search(l.text)), None)
        a.so = next((l for l in head if SO_LINE.match(l.text)), None)
        anchor = a.tieu_ngu or a.quoc_hieu
        a.date = next((l for l in head if DATE_LINE.search(l.text) and "," in l.text
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
                      and not TIEU_NGU_PATTERN.search(l.text) and not is_quoc_hieu(l.text)]
        if a.so is not None and a.so.cell is not None:
            # table layout: the issuer stands in the same column as the số
            candidates = [l for l in candidates if l.cell and l.cell.table == a.so.cell.table
                          and l.cell.column == a.so.cell.column and l.order < a.so.order]
        elif a.so is not None:
            candidates = [l for l in candidates if l.order < a.so.order]
        a.issuer = [l for l in candidates if is_caps(l.text) and "_" not in l.text]

    def _title(self, header_end: int) -> None:
        a = self.anatomy
        names: dict[str, str | None] = dict(type_codes_by_name())
        names[CONG_VAN] = None
        after = a.lines[header_end + 1:]  # (a line's order is its index)
        for position, line in enumerate(after[:8]):
            if line.text.upper() in names and not line.cell:
                a.ten_loai = line
                rest = after[position + 1:]
                for following in rest:
                    if not following.text:
                        if a.trich_yeu:
                            break
                        continue
                    if following.text.lower().startswith(KINH_GUI_WORDS) or (
                            a.trich_yeu and following.fmt.align not in ("center",)):
                        break
                    if a.trich_yeu and following.fmt.align == "center" and is_section_heading(following.text):
                        break
                    if _TYPED_RULE.fullmatch(following.text):
                        break
                    a.trich_yeu.append(following)
                    if following.fmt.align != "center":
                        break
                break
        if a.ten_loai is None and a.so is not None:
            self._cong_van_trich_yeu()
        start = (a.trich_yeu[-1].order if a.trich_yeu else a.ten_loai.order if a.ten_loai else header_end)
        gui = list(islice((l for l in a.lines[start + 1:] if l.text), 4))
        gui = [l for l in gui if l.text.lower().startswith(KINH_GUI_WORDS)]
        if gui:
            a.kinh_gui = [gui[0]]
            for line in a.lines[gui[0].order + 1:]:
                # the recipients under "Kính gửi:": "- …;" lines pushed right by an indent, by Tabs, or centred
                placed = (line.fmt.left or 0) > 1000 or line.tabbed or line.column > 0 or line.fmt.align == "center"
                if line.text.startswith(("-", "–", "+")) and (placed or len(line.text) <= 150):
                    a.kinh_gui.append(line)
                else:
                    break

    def _cong_van_trich_yeu(self) -> None:
        """A công văn's trích yếu: the lines from one starting "V/v" right under the số, in the số's cell (or the
        paragraph after it), up to an empty line."""
        a = self.anatomy
        so = a.so
        near = [l for l in a.lines[so.order + 1:] if l.cell == so.cell] if so.cell else a.lines[so.order + 1:]
        texts = [l for l in near if l.text][:1]
        if not texts or not re.match(r"^v/v\b", texts[0].text, re.I):
            return
        a.cong_van = True
        for line in near[near.index(texts[0]):]:
            if not line.text or URGENCY_LINE.match(line.text) or SECRECY_LINE.match(line.text):
                break  # a dấu độ mật, mức độ khẩn under the trích yếu (ô 10a, 10b) is no part of it
            a.trich_yeu.append(line)
            if not so.cell:
                break

    # -- footer
    def _footer(self) -> None:
        a = self.anatomy
        label = next((l for l in reversed(a.lines) if NOI_NHAN.match(l.text)), None)
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
        above = label is not None and not pool and not label.cell and not label.split
        if above:  # paragraphs: the signature block may stand above "Nơi nhận:", as many offices place it
            pool = a.lines[max(0, label.order - 12):label.order]
        texts = [l for l in pool if l.text and not l.text.startswith("-")]
        caps = [l for l in texts if is_caps(l.text) and not SO_LINE.match(l.text)]
        if label is None or above:  # no block beside Nơi nhận: it starts at an authority line, never at a heading
            prefixed = [l for l in caps if AUTHORITY_PARTS.match(l.text) or PARTY_PREFIX.match(l.text)]
            ended = max([l.order for l in pool if l.text.endswith(END_MARK)] or [-1])  # after the content's end
            caps = prefixed or [l for l in caps if not is_section_heading(l.text) and l.order > ended]
        if caps:
            first = caps[0]
            block = [l for l in texts if l.order >= first.order]
            a.authority = [l for l in block if is_caps(l.text)]
            a.signer = self._signer(a.authority[-1], [l for l in block if l.order > a.authority[-1].order])

    @staticmethod
    def _signer(title: Line, after: list[Line]) -> Line | None:
        """The signer's name: the last name-like line under the title line, in its column, before the block
        ends (a sentence, a list line, a caps heading, or another column)."""
        name = None
        for line in after:
            same_column = (line.cell == title.cell if title.cell else line.cell is None
                           and (line.column > 0) == (title.column > 0))
            if not same_column or is_caps(line.text) or line.text.startswith(("-", "–", "+")):
                break
            if line.text.startswith("(") and line.text.endswith(")"):
                continue  # "(Đã ký)", "(Ký, ghi rõ họ tên)"
            if len(line.text.split()) > 8 or line.text.endswith((".", ";", ":", ",")) and not line.text.endswith(
                    tuple(f" {c}." for c in "ABCDĐEGHIKLMNOPQRSTUVXY")):
                break
            name = line
        return name

    # -- content
    def _content(self) -> None:
        a = self.anatomy
        begin = max([l.order for l in (a.ten_loai, *a.trich_yeu, *a.kinh_gui, a.date, a.so) if l] or [-1])
        ends = [l.order for l in (a.noi_nhan_label, *(a.authority[:1])) if l is not None]
        end = min(ends) if ends else len(a.lines)
        footer_tables = {l.cell.table for l in (a.noi_nhan_label, *a.authority) if l is not None and l.cell}
        a.content = [l for l in a.lines[begin + 1:end] if l.text and not (l.cell and l.cell.table in footer_tables)
                     and "_" * 5 not in l.text]

    # -- where paragraphs and drawn shapes stand on the first page
    LAID_OUT = 150  # paragraphs laid out: the header, the title and the first page of content

    def _layout(self) -> dict[int, _Box]:
        """Every paragraph of the first pages as a box, stacked as Word stacks them: paragraph after
        paragraph, the cells of a table row side by side, the row as tall as its tallest cell."""
        if self._boxes is not None:
            return self._boxes
        boxes: dict[int, _Box] = {}
        y, row, row_top, cells = 0, None, 0, {}
        for view in self.views[:self.LAID_OUT]:
            key = (view.cell.table, view.cell.row) if view.cell else None
            if key != row:
                if row is not None:
                    y = max([row_top, *cells.values()])
                row, row_top, cells = key, y, {}
            left, width = (view.cell.left, view.cell.content_width) if view.cell else (0, self.body_width)
            fmt = view.fmt
            sizes = [f.size_pt for line in view.lines for segment in line for t, f, _ in segment if t.strip() and f.size_pt]
            size = max(sizes) if sizes else self.resolver.mark_format(view.element).size_pt or 10
            natural = round(size * 20 * 1.15)
            if fmt.line and fmt.line_rule == "exact":
                height = fmt.line
            elif fmt.line and fmt.line_rule == "atLeast":
                height = max(fmt.line, natural)
            else:
                height = round(natural * (fmt.line or 240) / 240)
            room = max(width - max(fmt.left or 0, 0) - max(fmt.right or 0, 0), 1000)
            count = 0
            for visual in view.lines:
                text = normal(" ".join("".join(t for t, _, _ in segment) for segment in visual))
                count += (len(wrap_lines(text, room, size)) or 1) if text else 1
            top = cells.get(view.cell.column, row_top) if view.cell else y
            text_top = top + max(fmt.before or 0, 0)
            text_bottom = text_top + count * height
            bottom = text_bottom + max(fmt.after or 0, 0)
            boxes[id(view.element)] = _Box(top, text_top, text_bottom, bottom, left + max(fmt.left or 0, 0),
                                           left + width - max(fmt.right or 0, 0), height, view)
            if view.cell:
                cells[view.cell.column] = bottom
            else:
                y = bottom
        self._boxes = boxes
        return boxes

    def _shapes(self) -> list[tuple[DrawnShape, list[float], float]]:
        """The drawn shapes of the first pages: each with the places its centre may have across the page (more
        than one when the file leaves room for reading) and its height on the page."""
        if self._placed is not None:
            return self._placed
        section = self.first_section
        left_margin = (section.margin("left") if section else None) or 1701
        top_margin = (section.margin("top") if section else None) or 1134
        page_width = self.body_width + left_margin + ((section.margin("right") if section else None) or 850)
        placed = []
        for box in self._layout().values():
            for shape in drawn_shapes(box.view.element):
                cell = box.view.cell
                column = (cell.left, cell.content_width) if cell else (0, self.body_width)
                length = shape.length or 0
                frames = {"column": column, "margin": (0, self.body_width), "page": (-left_margin, page_width),
                          "character": (box.left, box.right - box.left)}
                xs: list[float] = []
                if shape.x_from == "inline":
                    align = box.view.fmt.align
                    if align == "center":
                        xs.append((box.left + box.right) / 2)
                    elif align in ("right", "end"):
                        xs.append(box.right - length / 2)
                    else:
                        xs.append(box.left + max(box.view.fmt.first_line or 0, 0) + length / 2)
                else:
                    origins = [frames[shape.x_from]] if shape.x_from in frames else []
                    if cell and shape.x_from in ("margin", "page"):
                        origins.append(column)  # laid out in the table cell, as Word 2013 and later do
                    for origin, width in origins:
                        if shape.x_align in ("left", "center", "right"):
                            xs.append(origin + {"left": length / 2, "center": width / 2,
                                                "right": width - length / 2}[shape.x_align])
                        elif shape.x is not None:
                            xs.append(origin + shape.x + length / 2)
                y = None if shape.y is None else {
                    "paragraph": box.top + shape.y, "line": box.text_top + shape.y, "margin": shape.y,
                    "page": shape.y - top_margin}.get(shape.y_from)
                if shape.y_from == "inline" or y is None:
                    y = box.text_top + box.line_height * 0.8  # on its paragraph's first line
                placed.append((shape, xs, y))
        self._placed = placed
        return placed

    def _span(self, line: Line) -> tuple[float, float]:
        """The stretch across the page a line's column takes: its cell, its tab column, or the text area."""
        if line.cell:
            return line.cell.left - 200, line.cell.left + line.cell.content_width + 200
        if line.split:
            half = self.body_width / 2
            return (-10 ** 6, half) if line.column == 0 else (half, 10 ** 6)
        return -10 ** 6, 10 ** 6

    def _drawn_rule(self, line: Line) -> Rule | None:
        """A drawn line under ``line``: in its column, lower than its text and above the next text of that
        column, wherever it is anchored. A line of known length wins over another drawing."""
        if not self._drawings:
            return None
        boxes = self._layout()
        own = boxes.get(id(line.paragraph))
        if own is None:
            return None
        span = self._span(line)
        low = own.text_bottom - 0.4 * own.line_height
        high = own.text_bottom + 3 * own.line_height
        for later in self.anatomy.lines[line.order + 1:line.order + 60]:
            box = boxes.get(id(later.paragraph))
            if later.paragraph is line.paragraph or box is None or not later.text or set(later.text) <= {"_", "-", " "}:
                continue
            other = self._span(later)
            if other[0] < span[1] and span[0] < other[1] and box.text_top >= own.text_bottom - own.line_height / 2:
                high = box.text_top + 0.4 * box.line_height
                break
        best = None
        for shape, xs, y in self._shapes():
            if not low <= y <= high or (xs and not any(span[0] <= x <= span[1] for x in xs)):
                continue
            key = (not (shape.line and shape.length), abs(y - own.text_bottom))
            if best is None or key < best[0]:
                best = (key, shape)
        if best is None:
            return None
        shape = best[1]
        return Rule("shape", shape.length if shape.line else None)

    # -- rules
    def _rule_after(self, line: Line) -> Rule | None:
        view = line.view
        runs = view.facts[0]  # per run: (shows text, underlined), as read with the paragraph
        visible = [runs[i] for i in line.run_indices if i < len(runs) and runs[i][0]]
        if visible and all(underline for _, underline in visible):
            return Rule("underline", line.width())
        container_width = line.cell.content_width if line.cell else self.body_width
        drawn = self._drawn_rule(line)
        if drawn is not None:
            return drawn
        following = view.body.following
        if following is not None:  # the paragraph and those after it in its container, as read
            candidates = [(other.facts[1], other.fmt) for other in
                          (self.views[i] for i in (view.index, *following[view.index]))]
        else:
            candidates = [(text_outside_drawings(p), self.resolver.paragraph_format(p))
                          for p in following_paragraphs(view.element, 3)]
        for index, (own_text, fmt) in enumerate(candidates):
            text = normal(own_text)
            if index > 0 and text and not set(text) <= {"_", "-", " "}:
                break
            if text and set(text) <= {"_", " "} and len(text) >= 3:
                return Rule("underscores", None)
            if fmt.border_bottom and not line.split:
                length = container_width - max(fmt.left or 0, 0) - max(fmt.right or 0, 0)
                return Rule("border", length)
        return None


def anatomy_of(document) -> Anatomy:
    return Anatomist(document).build()


def widest_line(text: str, width: int, size: float, bold: bool) -> int:
    """The width of the widest line ``text`` wraps to in a column ``width`` wide (a header's name, a trích yếu)."""
    # a header's lines recur from document to document; a long text is measured for its own document only
    return (_widest_line if len(text) <= 4000 else _widest_line.__wrapped__)(text, width, size, bold)


@lru_cache(maxsize=4096)
def _widest_line(text: str, width: int, size: float, bold: bool) -> int:
    lines = wrap_lines(text, width, size, bold=bold) or [text]
    return max(text_width_twips(l, size, bold=bold) for l in lines)
