"""A received plan as a flat list of blocks: one line of text each, with its inline markup and its look.

Text files (web copies, extracted PDFs) and .docx files come in very different shapes; both are reduced
here to the same blocks, with the repairs that real copies need: paragraphs cut by page breaks joined
again, header columns that a web copy flattened with "|" or tabs split apart, stray and non-breaking
spaces removed. The parser then reads the document from blocks alone.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .. import inline
from ..ooxml.document import body_outline, resolver_of, visual_lines
from ..ooxml.reading import FormatResolver
from ..vocabulary import AUTHORITY_PREFIXES, DIEM

END_OF_SENTENCE = tuple('.;:!?”")]…')
# a rule line: "-----", "___" (or "\_\_\_" from a Markdown copy), "---o0o---"
SEPARATOR = re.compile(r"^(?:[\s\-_–—=*.·\\]{3,}|[\s\-_–—=*.·]*o\s*[0O]\s*o[\s\-_–—=*.·]*)$")
LIST_ITEM = DIEM  # "a) …": a new điểm, never the continuation of a sentence


@dataclass
class Block:
    text: str  # with inline markup: *nghiêng*, **đậm**, ⁽¹⁾ / ^chỉ số trên^
    bold: bool = False  # the whole block is bold
    italic: bool = False  # the whole block is italic
    centred: bool = False
    column: int = 0  # 0 left (or full width), 1 right: header and footer columns
    table: int | None = None  # which table of a .docx the block stands in
    line: int | None = None  # where it came from (line of a text file, paragraph of a .docx, line of a page)
    page: int | None = None  # page of a PDF or a scan, for the review list
    rows: list[list[str]] | None = None  # a data table (Phụ lục): its rows of cell texts; text is its first row

    @property
    def plain(self) -> str:
        try:
            return inline.plain(self.text)
        except inline.MarkupError:
            return self.text


def clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("\u00a0", " ").replace("\u200b", "")
    return re.sub(r"[ \t]+", " ", text).strip()


def _continues(previous: str, following: str) -> bool:
    """A paragraph cut in two by a page break: no end of sentence before, a lower-case word after."""
    return (bool(previous) and not previous.rstrip().endswith(END_OF_SENTENCE) and following[:1].islower()
            and not LIST_ITEM.match(following))


# how a header or footer column starts: "Số:", "Nơi nhận", "<địa danh>, ngày", an authority prefix, "- "
_COLUMN = re.compile(rf"^(s[ốo]\s*:|nơi nhận|[^,]{{2,40}},\s*ngày\b|({'|'.join(AUTHORITY_PREFIXES)})\.\s|-\s)", re.I)


def _column_like(part: str) -> bool:
    letters = [c for c in part if c.isalpha()]
    return bool(_COLUMN.match(part.strip())) or (bool(letters) and all(c.isupper() for c in letters))


def from_text(text: str) -> list[Block]:
    """Blocks of a plain-text copy: blank lines separate paragraphs; single line breaks separate lines
    (list entries, header lines) unless the next line plainly continues the sentence."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    blocks: list[Block] = []
    for number, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        columns = [c for c in re.split(r"\s*\|\s*", raw.strip()) if c.strip()]
        if len(columns) == 1 and "|" in raw:
            # "| Độc lập - Tự do - Hạnh phúc": one cell of a flattened table, the right one if "|" leads
            blocks.append(Block(clean(columns[0]), column=1 if raw.strip().startswith("|") else 0, line=number))
            continue
        if len(columns) == 1:
            # tabs or wide gaps separate columns only in a header or footer line, not inside a sentence
            spaced = [c for c in re.split(r"\t+| {4,}", raw.strip()) if c.strip()]
            if len(spaced) > 1 and all(_column_like(c) for c in spaced):
                columns = spaced
        if len(columns) > 1:
            for index, column in enumerate(columns):
                blocks.append(Block(clean(column), column=min(index, 1), line=number))
            continue
        line = clean(raw)
        if blocks and blocks[-1].column == 0 and _continues(blocks[-1].text, line) and not SEPARATOR.match(line):
            blocks[-1].text = f"{blocks[-1].text} {line}"
        else:
            blocks.append(Block(line, line=number))
    return blocks


def _markup(pieces: list[tuple[str, bool, bool, bool]], whole_bold: bool, whole_italic: bool) -> str:
    """Runs → inline markup; emphasis that covers the whole block is a property of the block instead."""
    groups: list[list] = []
    for text, bold, italic, superscript in pieces:
        key = (bold and not whole_bold, italic and not whole_italic, superscript)
        if groups and groups[-1][0] == key:
            groups[-1][1] += text
        else:
            groups.append([key, text])
    out = []
    for (bold, italic, superscript), text in groups:
        text = text.replace("\\", "\\\\").replace("*", "\\*").replace("^", "\\^")
        if superscript:
            digits = re.fullmatch(r"\(?\d+\)?", text)
            text = text.translate(str.maketrans("0123456789()", "⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾")) if digits else f"^{text}^"
        core = text.strip()
        if core and (italic or bold):
            marker = ("**" if bold else "") + ("*" if italic else "")
            closing = ("*" if italic else "") + ("**" if bold else "")
            lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()):]
            text = f"{lead}{marker}{core}{closing}{trail}"
        out.append(text)
    return "".join(out)


def _paragraph_blocks(paragraph, resolver: FormatResolver, *, column: int, table: int | None,
                      order: int) -> list[Block]:
    fmt = resolver.paragraph_format(paragraph)
    blocks = []
    for line in visual_lines(paragraph, resolver):
        segments = [[(t, f.bold, f.italic, f.superscript) for t, f, _ in segment] for segment in line]
        filled = [s for s in segments if "".join(p[0] for p in s).strip()]
        for index, segment in enumerate(filled):
            visible = [p for p in segment if p[0].strip()]
            whole_bold = bool(visible) and all(p[1] for p in visible)
            whole_italic = bool(visible) and all(p[2] for p in visible)
            text = clean(_markup(segment, whole_bold, whole_italic))
            if text:
                blocks.append(Block(text, whole_bold, whole_italic, fmt.align == "center",
                                    column if len(filled) == 1 else min(index, 1), table, order))
    return blocks


def from_docx(document) -> list[Block]:
    """Blocks of a .docx: paragraphs in order; table cells tell the column (header, footer); a data table
    (Phụ lục) is one block of its rows of cell texts."""
    resolver = resolver_of(document)
    blocks: list[Block] = []
    order = 0
    data: Block | None = None  # the data table being read
    last_cell = -1
    for paragraph in body_outline(document):
        if paragraph.cells > 2:  # a data table: more columns than a header or a footer has
            if data is None or data.table != paragraph.table:
                data = Block("|", table=paragraph.table, line=order, rows=[])
                blocks.append(data)
            if not data.rows or paragraph.cell < last_cell:  # cells come row by row, left to right
                data.rows.append([])
            row = data.rows[-1]
            row += [""] * (paragraph.cell + 1 - len(row))
            texts = [b.text for b in _paragraph_blocks(paragraph.element, resolver, column=0, table=paragraph.table,
                                                       order=order)]
            row[paragraph.cell] = " ".join(t for t in (row[paragraph.cell], *texts) if t)
            data.text = " | ".join(c for c in data.rows[0] if c) or "|"
            last_cell = paragraph.cell
            order += 1
            continue
        column = 0 if paragraph.cells == 1 else min(paragraph.cell, 1)
        blocks += _paragraph_blocks(paragraph.element, resolver, column=column, table=paragraph.table, order=order)
        order += 1
    return blocks
