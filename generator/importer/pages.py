"""Pages of positioned words — what a PDF's text layer and an OCR'd scan both give — and their layout.

A PDF (pdfplumber) and a scan (Tesseract) know where each word stands on the page, and for a text layer
its font; neither knows paragraphs, columns or tables. Both are reduced here to the same ``Page`` of
``Word`` s, and ``blocks_from_pages`` turns pages into the importer's blocks (see blocks.py): header columns
recovered by position, page numbers and running headers dropped, lines joined into paragraphs, tables kept.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field

from .blocks import END_OF_SENTENCE, Block, _markup, clean


@dataclass
class Word:
    text: str
    x0: float  # points from the left edge of the page
    x1: float
    top: float  # points from the top edge of the page
    bottom: float
    bold: bool = False
    italic: bool = False
    size: float | None = None  # font size in points, when known
    confidence: float | None = None  # OCR confidence 0–100; None for a text layer


@dataclass
class Table:
    """A ruled table found on a page: its bounding box and its rows of cell texts."""

    x0: float
    top: float
    x1: float
    bottom: float
    rows: list[list[str]]


@dataclass
class Page:
    number: int  # 1-based
    width: float
    height: float
    words: list[Word] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    scanned: bool = False  # read by OCR


# ---------------------------------------------------------------- layout: pages → blocks
#
# Everything below works from positions alone (fonts only give emphasis), so that a text layer and an OCR'd
# scan come out the same. Distances are in ems of the line's own text (its words' median height), which a
# scan knows as well as a text layer does.

COLUMN_GAP = 3.0  # ems of empty space that separate two columns (a justified line's widest space is ~1 em)
NUMBERED = re.compile(r"^([IVX]{1,4}\.|\d{1,2}(\.\d{1,2})*[.)]|[a-zđ]\)|[-–+•])\s")
PAGE_NUMBER = re.compile(r"^(trang\s+)?[-–—]?\s*\d{1,3}\s*[-–—]?(\s*/\s*\d{1,3})?$", re.I)
FOOTNOTE_MARK = re.compile(r"^\(?\d{1,3}\)?$|^\*$")
EDGE_LINES = 3  # how many lines at the top and the bottom of a page may be a running header or footer


@dataclass
class _Line:
    words: list[Word]
    number: int = 0  # 1-based, on its page

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def x1(self) -> float:
        return max(w.x1 for w in self.words)

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @property
    def em(self) -> float:
        return statistics.median(_height(w) for w in self.words)

    @property
    def baseline(self) -> float:
        return statistics.median(w.bottom for w in self.words)

    @property
    def text(self) -> str:
        return _joined(self.words)


@dataclass
class _Region:
    """Lines set in two columns side by side (the header, the Nơi nhận and signature): each column in turn."""

    columns: tuple[list[_Line], list[_Line]]
    top: float


def _height(word: Word) -> float:
    return max(word.bottom - word.top, word.size or 0.0, 1.0)


def _glued(before: Word, after: Word) -> bool:
    """No space between two words: a text layer splits a word where its font changes ("sở" + "”")."""
    return after.x0 - before.x1 < 0.12 * min(_height(before), _height(after))


def _joined(words: list[Word]) -> str:
    out = []
    for index, word in enumerate(words):
        if index and not _glued(words[index - 1], word):
            out.append(" ")
        out.append(word.text)
    return "".join(out)


def _lines(words: list[Word]) -> list[_Line]:
    """Words grouped by their vertical middle: one line of text each, left to right. A raised footnote number
    stays on its line (its middle is within a third of an em of the line's)."""
    lines: list[list[Word]] = []
    middles: list[float] = []
    for word in sorted(words, key=lambda w: (w.top + w.bottom) / 2):
        middle = (word.top + word.bottom) / 2
        if lines and middle - middles[-1] <= 0.4 * max(_height(word), statistics.median(_height(w) for w in lines[-1])):
            lines[-1].append(word)
            normal = [(w.top + w.bottom) / 2 for w in lines[-1]]
            middles[-1] = statistics.median(normal)
        else:
            lines.append([word])
            middles.append(middle)
    return [_Line(sorted(line, key=lambda w: w.x0)) for line in lines]


def _split(line: _Line) -> tuple[list[Word], list[Word]] | None:
    """A line's two columns, at its widest gap when that gap is wide enough to be a gutter."""
    gaps = [(line.words[i + 1].x0 - line.words[i].x1, i) for i in range(len(line.words) - 1)]
    if not gaps:
        return None
    gap, at = max(gaps)
    if gap < COLUMN_GAP * line.em:
        return None
    return line.words[:at + 1], line.words[at + 1:]


def _page_lines(page: Page) -> list[_Line]:
    lines = _lines(page.words)
    for number, line in enumerate(lines, 1):
        line.number = number
    return lines


def _key(line: _Line) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", line.text.lower()))


def _drop_page_furniture(pages: list[Page], lines: list[list[_Line]]) -> list[list[_Line]]:
    """Without page numbers and running headers and footers: a number alone in the first or last lines of a
    page, or the same words at the same height at the top or the bottom of several pages."""
    def edge(page_lines: list[_Line]) -> list[_Line]:
        return page_lines[:EDGE_LINES] + page_lines[-EDGE_LINES:]

    seen: dict[str, list[tuple[int, float]]] = {}
    for index, page_lines in enumerate(lines):
        for line in {id(l): l for l in edge(page_lines)}.values():
            seen.setdefault(_key(line), []).append((index, line.top))
    repeated = set()
    for key, places in seen.items():
        for index, top in places:
            tolerance = max(4.0, 0.01 * pages[index].height)
            if len({i for i, t in places if abs(t - top) <= tolerance}) >= 2:
                repeated.add((key, index, round(top, 1)))
    kept = []
    for index, page_lines in enumerate(lines):
        at_edge = {id(l) for l in edge(page_lines)}
        kept.append([line for line in page_lines if id(line) not in at_edge or not (
            PAGE_NUMBER.match(line.text.strip()) or (_key(line), index, round(line.top, 1)) in repeated)])
    return kept


def _regions(lines: list[_Line]) -> list[_Line | _Region]:
    """Lines in order, with each run of two-column lines gathered into a region: a line split by a gutter
    starts one; the lines below it that keep to one side of the gutter, close under it, belong to it."""
    items: list[_Line | _Region] = []
    index = 0
    while index < len(lines):
        split = _split(lines[index])
        if split is None:
            items.append(lines[index])
            index += 1
            continue
        left_edge = max(w.x1 for w in split[0])  # the gutter lies between these
        right_edge = min(w.x0 for w in split[1])
        left, right = list(split[0]), list(split[1])
        axis = [(split[1][0].x0 + split[1][-1].x1) / 2]  # the middles of the right column's lines
        previous = lines[index]
        index += 1
        while index < len(lines):
            line = lines[index]
            parts = _split(line)
            gap = line.top - previous.bottom
            # the signer's name stands under the space left for the signature and the seal, on the
            # axis of the authority lines above it
            on_axis = parts is None and line.x0 > left_edge and \
                abs((line.x0 + line.x1) / 2 - statistics.median(axis)) < line.em and gap < 10 * line.em
            if gap > 0.6 * min(line.em, previous.em) and parts is None and not on_axis:
                break
            if parts is not None and max(w.x1 for w in parts[0]) < right_edge and min(w.x0 for w in parts[1]) > left_edge:
                left += parts[0]
                right += parts[1]
                left_edge = max(left_edge, max(w.x1 for w in parts[0]))
                right_edge = min(right_edge, min(w.x0 for w in parts[1]))
                axis.append((parts[1][0].x0 + parts[1][-1].x1) / 2)
            elif parts is None and line.x1 < right_edge:
                left += line.words
                left_edge = max(left_edge, line.x1)
            elif parts is None and line.x0 > left_edge:
                right += line.words
                right_edge = min(right_edge, line.x0)
                axis.append((line.x0 + line.x1) / 2)
            else:
                break
            previous = line
            index += 1
        items.append(_Region((_numbered(_lines(left), lines), _numbered(_lines(right), lines)),
                             min(w.top for w in left + right)))
    return items


def _numbered(column: list[_Line], page_lines: list[_Line]) -> list[_Line]:
    """Lines of a column keep the number of the page line they came from (for the review list)."""
    for line in column:
        line.number = next((l.number for l in page_lines if any(w is line.words[0] for w in l.words)), 0)
    return column


@dataclass
class _Margins:
    left: float
    right: float


def _margins(lines: list[_Line], fallback: _Margins | None) -> _Margins:
    if len(lines) < 8 and fallback is not None:
        return fallback
    starts = sorted(l.x0 for l in lines)
    ends = sorted(l.x1 for l in lines)
    cut = len(lines) // 10
    return _Margins(starts[cut], ends[-cut - 1])


def _first_word_width(line: _Line) -> float:
    width_end = line.words[0].x1
    for before, after in zip(line.words, line.words[1:]):
        if not _glued(before, after):
            break
        width_end = after.x1
    return width_end - line.x0


def _centred(line: _Line, margins: _Margins) -> bool:
    inset_left, inset_right = line.x0 - margins.left, margins.right - line.x1
    return inset_left > 2 and abs(inset_left - inset_right) <= max(4.0, 0.3 * line.em)


def _would_have_fit(previous: _Line, following: _Line, margins: _Margins) -> bool:
    """The next line's first word had room at the end of the previous line: the previous line ended there on
    purpose (end of a paragraph, a line break), it did not wrap."""
    space = 0.25 * previous.em
    needed = _first_word_width(following) + space
    if _centred(previous, margins):
        return (previous.x1 - previous.x0) + needed < margins.right - margins.left
    return previous.x1 + needed < margins.right


def _all(line: _Line, attribute: str) -> bool:
    return all(getattr(w, attribute) for w in line.words)


def _starts_paragraph(previous: _Line, line: _Line, margins: _Margins, usual_gap: float | None) -> bool:
    if usual_gap is not None and line.top - previous.bottom > usual_gap + 0.45 * min(line.em, previous.em):
        return True
    if _would_have_fit(previous, line, margins):
        return True
    if NUMBERED.match(line.text) and previous.text.rstrip().endswith(END_OF_SENTENCE):
        return True
    if _centred(previous, margins) and _centred(line, margins):
        return False  # a wrapped centred title: its second line is not an indent
    if line.x0 > margins.left + 0.7 * line.em:
        return True
    return _all(previous, "bold") and not any(w.bold for w in line.words)


def _usual_gap(lines: list[_Line]) -> float | None:
    gaps = [b.top - a.bottom for a, b in zip(lines, lines[1:]) if b.top > a.bottom - 0.5 * a.em]
    return statistics.median(gaps) if len(gaps) >= 3 else None


def _superscript(word: Word, line: list[Word]) -> bool:
    if not FOOTNOTE_MARK.match(word.text):
        return False
    if word.confidence is not None and not word.text.startswith("("):
        return False  # OCR boxes of digits ("01 năm") sit lower and smaller than accented letters: only ⁽¹⁾ counts
    heights = statistics.median(_height(w) for w in line)
    base = statistics.median(w.bottom for w in line)
    return _height(word) < 0.8 * heights and word.bottom < base - 0.15 * heights


def _broken_after(text: str) -> bool:
    """A line that ends inside a word: a number and sign broken after its hyphen or slash ("348-CTr/BDVTU-")."""
    return len(text) > 1 and text[-1] in "-/" and text[-2].isalnum()


def _block(lines: list[_Line], page: int, *, column: int = 0, centred: bool = False,
           table: int | None = None) -> Block:
    words = [w for line in lines for w in line.words]
    pieces: list[tuple[str, bool, bool, bool]] = []
    for line_index, line in enumerate(lines):
        for index, word in enumerate(line.words):
            before = line.words[index - 1] if index else lines[line_index - 1].words[-1] if line_index else None
            if before is not None and not (_glued(before, word) if index else _broken_after(before.text)):
                pieces.append((" ", before.bold and word.bold, before.italic and word.italic, False))
            pieces.append((word.text, word.bold, word.italic, _superscript(word, line.words)))
    visible = [w for w in words if w.text.strip()]
    whole_bold = bool(visible) and all(w.bold for w in visible)
    whole_italic = bool(visible) and all(w.italic for w in visible)
    text = clean(_markup(pieces, whole_bold, whole_italic))
    return Block(text, whole_bold, whole_italic, centred, column, table, lines[0].number, page)


def _paragraph_centred(lines: list[_Line], margins: _Margins) -> bool:
    def full(line: _Line) -> bool:
        return line.x0 - margins.left < 0.5 * line.em and margins.right - line.x1 < 0.5 * line.em
    return _centred(lines[-1], margins) and all(_centred(l, margins) or full(l) for l in lines[:-1])


def _column_blocks(column: list[_Line], page: int, index: int, table: int) -> list[Block]:
    """The lines of one column: each its own block (header lines, recipients, authority lines), unless it
    plainly continues the line above (a lower-case start, not a new entry)."""
    groups: list[list[_Line]] = []
    for line in column:
        text = line.text
        if groups and text[:1].islower() and not NUMBERED.match(text) \
                and line.top - groups[-1][-1].bottom < 0.6 * line.em:
            groups[-1].append(line)
        else:
            groups.append([line])
    middles = [(g[0].x0 + g[0].x1) / 2 for g in groups]
    middle = statistics.median(middles) if middles else 0.0
    starts = {round(g[0].x0) for g in groups}
    blocks = []
    for group, centre in zip(groups, middles):
        # a column whose lines share a middle but not a start is set centred (the header, the signature)
        centred = len(starts) > 1 and abs(centre - middle) < 0.5 * group[0].em
        blocks.append(_block(group, page, column=index, centred=centred, table=table))
    return blocks


def _table_block(table: Table, page: int, line: int, index: int) -> Block:
    rows = [[_markup([(cell, False, False, False)], False, False) for cell in row] for row in table.rows]  # escaped
    return Block(" | ".join(c for c in rows[0] if c) or "|", table=index, line=line, page=page, rows=rows)


def blocks_from_pages(pages: list[Page]) -> list[Block]:
    """The blocks of a document read as positioned words (a PDF's text layer or OCR): header and footer
    columns, paragraphs rejoined across lines and pages, tables as rows, page numbers and running headers
    dropped."""
    page_lines = _drop_page_furniture(pages, [_page_lines(p) for p in pages])
    everything = [line for lines in page_lines for line in lines]
    usual_gap = _usual_gap(everything)
    # a page of a few lines tells little of its margins: the extremes of the whole document then
    edges = [(l.x0, l.x1) for l in everything] + [(t.x0, t.x1) for p in pages for t in p.tables]
    fallback = _Margins(min(e[0] for e in edges), max(e[1] for e in edges)) if edges else None
    blocks: list[Block] = []
    paragraph: list[_Line] = []  # the last paragraph, open until a line is known to start another
    paragraph_page, paragraph_margins = 0, fallback
    counter = 0  # regions and tables, numbered like a .docx's tables

    def close() -> None:
        if paragraph:
            blocks.append(_block(paragraph, paragraph_page, centred=_paragraph_centred(paragraph, paragraph_margins)))
            paragraph.clear()

    for page, lines in zip(pages, page_lines):
        items = _regions(lines)
        margins = _margins([i for i in items if isinstance(i, _Line)], fallback)
        ordered: list[_Line | _Region | Table] = sorted([*items, *page.tables], key=lambda item: item.top)
        first = True  # a paragraph open at the bottom of the last page may go on at the top of this one
        for item in ordered:
            if isinstance(item, _Line):
                # across a page break the vertical gap says nothing
                if paragraph and not _starts_paragraph(paragraph[-1], item, paragraph_margins,
                                                       None if first else usual_gap):
                    paragraph.append(item)
                else:
                    close()
                    paragraph.append(item)
                    paragraph_page = page.number
                paragraph_margins = margins
            elif isinstance(item, _Region):
                close()
                for index, column in enumerate(item.columns):
                    blocks += _column_blocks(column, page.number, index, counter)
                counter += 1
            else:
                close()
                carried = blocks[-1] if first and blocks and blocks[-1].rows is not None else None
                if carried is not None and len(carried.rows[0]) == len(item.rows[0]):
                    # a table carried over a page break, its header row repeated or not
                    carried.rows += item.rows[1:] if item.rows[0] == carried.rows[0] else item.rows
                else:
                    line = next((l.number for l in lines if l.top > item.top), len(lines) + 1)
                    blocks.append(_table_block(item, page.number, line, counter))
                    counter += 1
            first = False
    close()
    return blocks
