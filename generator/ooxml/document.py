"""Reading any .docx: open it safely, then see it as sections, paragraphs, tables, cells and runs.

The checker's anatomy and the importer both read a document through this module; what they get back is
in domain terms — a paragraph's visual lines (split at breaks), their tab-separated segments and the
(text, effective format, run) pieces of each, the content width of the cell a paragraph stands in, the
page size and margins of a section, the drawn lines, underlines and borders that can make a rule, the
PAGE fields of a header. Effective formats come from :class:`~.reading.FormatResolver` (style chain and
document defaults). The lxml elements stay handles: only ``generator.ooxml`` looks inside them.
"""

from __future__ import annotations

import bisect
import hashlib
import io
import re
import weakref
import zipfile
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property, lru_cache, reduce
from itertools import compress, repeat
from operator import add, and_, is_, or_
from pathlib import Path

from docx import Document
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.parser import oxml_parser
from lxml import etree

from ..errors import InputError, Location
from . import W_NS, first_child, qn
from .package import DocxView, unpack_problem
from .reading import FormatResolver, Numbering, ParagraphFormat, RunFormat

TEXTBOX = qn("w:txbxContent")
DRAWING_TAGS = (qn("w:drawing"), qn("w:pict"), qn("mc:AlternateContent"))
EMU_PER_TWIP = 635
EMU_PER_MM = 36000
DEFAULT_TEXT_WIDTH = 9355  # A4 with ND30 margins, when a file does not say
DEFAULT_CELL_MARGIN = 108  # Word's default left and right cell margin (0.19 cm)


def _guarded(source: Path | bytes, name: str | Path | None, opener):
    """``opener(data)`` on the bytes of a .docx after checking they are a sane zip (no bomb, not another
    format); a Vietnamese :class:`InputError` naming the file otherwise."""
    label = name or source if not isinstance(source, bytes) else name or "tệp tải lên"
    data = source if isinstance(source, bytes) else None
    try:
        if data is None:
            data = Path(source).read_bytes()
    except FileNotFoundError:
        raise InputError("không tìm thấy tệp", Location(label)) from None
    except OSError as exc:
        raise InputError(f"không đọc được tệp ({exc.strerror})", Location(label)) from None
    try:
        problem = unpack_problem(data)
        if problem:
            raise InputError(f"tệp .docx {problem} (nghi là tệp độc hại), không mở", Location(label))
        opened = opener(data)  # the very bytes the guard inflated
        _require_document_body(opened.element)
        return opened
    except InputError:
        raise
    # python-docx trusts the package's structure: a [Content_Types].xml or part without the OOXML
    # namespaces makes it fail with AttributeError/TypeError/IndexError instead of a parse error. The
    # opener only parses, so these mean "not a .docx", never a bug further on.
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError, etree.XMLSyntaxError,
            AttributeError, TypeError, IndexError):
        raise InputError("không phải tệp Word .docx hợp lệ (tệp .doc cũ hãy lưu lại dưới dạng .docx)",
                         Location(label)) from None


_DOCUMENT, _BODY = f"{{{W_NS}}}document", f"{{{W_NS}}}body"


def _require_document_body(element) -> None:
    """A main part that is not a ``w:document`` with a ``w:body`` is not a Word document, whatever the zip
    says: refused here rather than failing later on a missing body."""
    if element.tag != _DOCUMENT or element.find(_BODY) is None:
        raise ValueError("main part is not w:document with w:body")


def open_docx(source: Path | bytes, name: str | Path | None = None):
    """Open a .docx with python-docx (to change it) after checking it is a sane zip."""
    return _guarded(source, name, lambda data: Document(io.BytesIO(data)))


def read_docx(source: Path | bytes, name: str | Path | None = None) -> DocxView:
    """Open a .docx to read it (check it, import it) after checking it is a sane zip."""
    return _guarded(source, name, DocxView)


_RESOLVERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def resolver_of(document) -> FormatResolver:
    """The document's format resolver, made once per opened document (the anatomy and the inspections
    of one check share it)."""
    try:
        return _RESOLVERS[document]
    except (KeyError, TypeError):
        resolver = FormatResolver.for_document(document)
        try:
            _RESOLVERS[document] = resolver
        except TypeError:  # an object that cannot be weakly referenced: not kept
            pass
        return resolver


# ---------------------------------------------------------------- sections

# the names a section's properties are read by, made once (each rule of the page asks for them)
_PG_SZ, _PG_MAR, _W_W, _W_H, _ORIENT, _TITLE_PG, _W_VAL = (qn(tag) for tag in (
    "w:pgSz", "w:pgMar", "w:w", "w:h", "w:orient", "w:titlePg", "w:val"))
_SIDES = {side: qn(f"w:{side}") for side in ("top", "bottom", "left", "right", "header", "footer", "gutter")}


@dataclass(frozen=True)
class Section:
    """One section of the body (``w:sectPr``): page size, orientation, margins, header references."""

    element: etree._Element

    @cached_property  # every rule of the page asks; nothing edits a page's size once it is read
    def page(self) -> tuple[int, int, str | None] | None:
        """(width, height, orientation) in twips, or None when the file does not say."""
        size = self.element.find(_PG_SZ)
        if size is None:
            return None
        try:
            return int(size.get(_W_W)), int(size.get(_W_H)), size.get(_ORIENT)
        except (TypeError, ValueError):
            return None

    @property
    def has_margins(self) -> bool:
        return self.element.find(_PG_MAR) is not None

    def margin(self, side: str) -> int | None:
        """The ``top``/``bottom``/``left``/``right`` margin in twips as stored (may be negative), or None."""
        margins = self._margins
        if side in margins:
            return margins[side]
        element = self.element.find(_PG_MAR)
        value = element.get(qn(f"w:{side}")) if element is not None else None
        return int(value) if value is not None else None

    @cached_property  # read once for the rules of the page (a fix edits a section read afresh, see fix_document)
    def _margins(self) -> dict[str, int | None]:
        element = self.element.find(_PG_MAR)
        found = {}
        for side, name in _SIDES.items():
            value = element.get(name) if element is not None else None
            if value is None or value.lstrip("-").isdigit():  # anything else is read when asked, as it was stored
                found[side] = int(value) if value is not None else None
        return found

    @cached_property  # asked of every document checked; the documents of one template share their sections
    def text_width(self) -> int:
        """Page width less the left and right margins, in twips."""
        size = self.element.find(_PG_SZ)
        margin = self.element.find(_PG_MAR)
        try:
            width = int(size.get(_W_W))
            return width - int(margin.get(_SIDES["left"])) - int(margin.get(_SIDES["right"]))
        except (AttributeError, TypeError, ValueError):
            return DEFAULT_TEXT_WIDTH

    @property
    def title_page(self) -> bool:
        """Whether the first page has its own header and footer ("Different First Page")."""
        title = self.element.find(_TITLE_PG)
        return title is not None and title.get(_W_VAL) not in ("0", "false")


def sections(document) -> list[Section]:
    """The body's sections in order; for a document vanban has just written, read from the bytes without
    making the part's tree (each ``w:sectPr`` parsed on its own), once per opened document."""
    if isinstance(document, DocxView) and not document.parsed:
        known = getattr(document, "_sections", None)
        if known is not None:
            return list(known)
        source = body_source(document)
        spans = source.section_spans if source is not None else None
        if spans is not None:
            document._sections = _sections_of(source.root, source.root_name,
                                              tuple(source.blob[start:end] for start, end in spans))
            return list(document._sections)
    return [Section(s) for s in document.element.body.iter(qn("w:sectPr"))]


@lru_cache(maxsize=64)  # the documents of one template have the same sections: parsed once, only read
def _sections_of(root: bytes, root_name: bytes, sources: tuple[bytes, ...]) -> tuple[Section, ...]:
    return tuple(Section(element) for element in _parsed_alone(root, root_name, sources))


def _parsed_alone(root: bytes, root_name: bytes, fragments) -> list:
    """Whole elements cut from a part (paragraphs, section properties), parsed together under a copy of the
    part's root start tag, which declares the namespaces they use."""
    from docx.oxml.parser import parse_xml  # python-docx's parser and element classes, as for the part

    return list(parse_xml(b"".join([root, *fragments, b"</", root_name, b">"])))


_NEXT_SECTION_END = etree.XPath("(descendant::w:sectPr | following::w:sectPr)[1]", namespaces={"w": W_NS})


def section_index(all_sections: list[Section], paragraph) -> int:
    """Which of the sections a body paragraph belongs to: the one whose properties (``w:sectPr``) come first
    after it in document order (in its own properties when it ends a section)."""
    found = _NEXT_SECTION_END(paragraph)
    ends = {s.element: n for n, s in enumerate(all_sections)}
    return ends.get(found[0], len(all_sections) - 1) if found else len(all_sections) - 1


@dataclass(frozen=True)
class HeaderPart:
    kind: str  # default, first, even
    area: str  # header or footer
    root: etree._Element
    page_fields: tuple = ()  # its paragraphs that hold a PAGE field
    formats: dict = field(default_factory=dict, repr=False, compare=False)  # by styles: see page_field_formats

    def page_field_formats(self, resolver: FormatResolver) -> tuple[tuple[ParagraphFormat, tuple[RunFormat, ...]], ...]:
        """The effective format of each PAGE-field paragraph and of each of its runs, read once for the
        documents that share this header's bytes and their styles."""
        found = self.formats.get(resolver.styles_key)
        if found is None:
            found = self.formats[resolver.styles_key] = tuple(
                (resolver.paragraph_format(paragraph), tuple(resolver.run_format(paragraph, run)
                                                             for run in paragraph.iter(_R)))
                for paragraph in self.page_fields)
        return found


# headers and footers parsed, with their PAGE-field paragraphs, by their bytes: the documents of one template
# share them, and the checker only reads them (a part of more than 64 KB is parsed for its document alone)
_HEADER_ROOTS: OrderedDict[bytes, tuple] = OrderedDict()
_HEADER_ROOTS_KEPT, _HEADER_BYTES = 64, 65536


def _header_root(blob: bytes) -> tuple:
    found = _HEADER_ROOTS.get(blob)
    if found is None:
        root = etree.fromstring(blob, oxml_parser)
        found = (root, tuple(page_field_paragraphs(root)), {})
        if len(blob) <= _HEADER_BYTES:
            _HEADER_ROOTS[blob] = found
            if len(_HEADER_ROOTS) > _HEADER_ROOTS_KEPT:
                _HEADER_ROOTS.popitem(last=False)
    return found


def header_parts(document, section: Section) -> list[HeaderPart]:
    """The headers and footers a section refers to, parsed (unreadable ones left out)."""
    parts = []
    for tag, area in (("w:headerReference", "header"), ("w:footerReference", "footer")):
        for ref in section.element.findall(qn(tag)):
            try:
                rid = ref.get(qn("r:id"))
                blob = document.related(rid) if isinstance(document, DocxView) else document.part.related_parts[rid].blob
                if blob is None:
                    continue
                parts.append(HeaderPart(ref.get(qn("w:type")) or "default", area, *_header_root(blob)))
            except (KeyError, etree.XMLSyntaxError):
                continue
    return parts


def page_field_paragraphs(root) -> list:
    """Paragraphs of a header/footer part that hold a PAGE field."""
    out = []
    for paragraph in root.iter(qn("w:p")):
        instructions = [n.get(qn("w:instr"), "") for n in paragraph.iter(qn("w:fldSimple"))]
        instructions += [n.text or "" for n in paragraph.iter(qn("w:instrText"))]
        if any(re.search(r"\bPAGE\b", i) for i in instructions):
            out.append(paragraph)
    return out


@lru_cache(maxsize=64)  # the documents of one template carry the same properties part
def _stored_counts(blob: bytes) -> tuple[int, int] | None:
    """(pages, words) as docProps/app.xml stores them, or None when it does not store both."""
    root = etree.fromstring(blob, oxml_parser)
    pages, words = root.find(qn("ep:Pages")), root.find(qn("ep:Words"))
    if pages is None or words is None or not (pages.text or "").isdigit() or not (words.text or "").isdigit():
        return None
    return int(pages.text), int(words.text)


def stored_page_count(document) -> int | None:
    """The page count a word processor stored, when it was stored for this very text.

    Generators copy docProps/app.xml from a template ("<Pages>1</Pages>" with zero words), so the count is
    only trusted when the stored word count matches the document's words.
    """
    try:
        if isinstance(document, DocxView):
            blobs = [document.of_type("/extended-properties", package=True)]
        else:
            blobs = [rel.target_part.blob for rel in document.part.package.rels.values()
                     if rel.reltype.endswith("/extended-properties")][:1]
        for blob in blobs:
            if blob is not None:
                counts = (_stored_counts if len(blob) <= 65536 else _stored_counts.__wrapped__)(blob)
                if counts is None:
                    return None
                pages, words = counts
                # the texts alone, no element made for each of the body's thousand w:t
                actual = sum(len(text.split()) for text in document.element.body.itertext(qn("w:t"), with_tail=False))
                return pages if actual and abs(words - actual) <= 0.2 * actual else None
    except (AttributeError, KeyError, etree.XMLSyntaxError):
        return None
    return None


# ---------------------------------------------------------------- paragraphs, runs, tables

Piece = tuple[str, RunFormat, etree._Element]  # text, its effective format, the run it comes from


def _walk_runs(paragraph):
    """Runs of ``paragraph`` in order, skipping text boxes and drawings nested inside it."""
    stack = list(reversed(paragraph))
    while stack:
        node = stack.pop()
        if node.tag == qn("w:r"):
            yield node
        elif node.tag in DRAWING_TAGS or node.tag == TEXTBOX:
            continue
        else:
            stack.extend(reversed(node))


def _line_plan(paragraph, resolver: FormatResolver) -> tuple[list, tuple, list[str]]:
    """The paragraph's runs; its visual lines as (text, format, index of the run) pieces, where the text of a
    ``w:t`` is its number among the paragraph's ``w:t`` (see :func:`_filled`); and those texts, in order."""
    runs = list(_walk_runs(paragraph))
    lines: list[list[list]] = [[[]]]
    texts: list[str] = []
    for index, run in enumerate(runs):
        fmt = resolver.run_format(paragraph, run)
        for child in run:
            if child.tag == _T:
                lines[-1][-1].append((len(texts), fmt, index))
                texts.append(child.text or "")
            elif child.tag in _TABS:
                lines[-1].append([])
            elif child.tag in _BREAKS and child.get(_TYPE) not in ("page", "column"):
                lines.append([[]])
            elif child.tag == _NO_BREAK_HYPHEN:
                lines[-1][-1].append(("-", fmt, index))
    return runs, tuple(tuple(tuple(segment) for segment in line) for line in lines), texts


def _filled(plan: tuple, texts) -> tuple[tuple[tuple[tuple], ...], ...]:
    """A line plan with its texts in: the visual lines of a paragraph as (text, format, index of the run)."""
    return tuple(tuple(tuple((texts[text] if text.__class__ is int else text, fmt, run) for text, fmt, run in segment)
                       for segment in line) for line in plan)


def _line_shape(paragraph, resolver: FormatResolver) -> tuple[list, tuple[tuple[tuple[tuple], ...], ...]]:
    """The paragraph's runs, and its visual lines as (text, format, index of the run) pieces."""
    runs, plan, texts = _line_plan(paragraph, resolver)
    return runs, _filled(plan, texts)


_T, _TYPE, _NO_BREAK_HYPHEN = qn("w:t"), qn("w:type"), qn("w:noBreakHyphen")
_TABS, _BREAKS = (qn("w:tab"), qn("w:ptab")), (qn("w:br"), qn("w:cr"))

# How paragraphs read, by their bytes and the styles they are read against: the paragraphs of one cascade's
# documents recur from unit to unit (the same tasks, headings, signature lines), so each is read once.
_SHAPES: OrderedDict[tuple, tuple] = OrderedDict()
_SHAPES_KEPT = 8192
_SHAPE_BYTES = 16384  # a paragraph of vanban's runs to a few kilobytes


def _bound(shape, runs: list) -> list[list[list[Piece]]]:
    return [[[(text, fmt, runs[index]) for text, fmt, index in segment] for segment in line] for line in shape]


def visual_lines(paragraph, resolver: FormatResolver) -> list[list[list[Piece]]]:
    """Paragraph → visual lines (split at line breaks) → segments (split at tabs) → pieces.

    Page and column breaks do not start a line; a non-breaking hyphen is a "-".
    """
    runs, shape = _line_shape(paragraph, resolver)
    return _bound(shape, runs)


def paragraph_key(paragraph, resolver: FormatResolver) -> tuple:
    """What a paragraph's reading depends on: its own XML and the styles part it is read against."""
    return resolver.styles_key, etree.tostring(paragraph)


def reading_context(styles_key: tuple, prolog: bytes) -> bytes:
    """What a cut paragraph's reading depends on besides its bytes — the styles part and the prolog it is read
    under — as one bytes object, the same one for every document that shares them: its key is then a pair
    whose hash is two remembered hashes, compared by identity first (the documents of a batch look up a hundred
    paragraphs each)."""
    found = _CONTEXTS.get((styles_key, prolog))
    if found is None:
        found = _keep(_CONTEXTS, (styles_key, prolog), styles_key[0] + prolog + repr(styles_key[1:]).encode(), 64)
    return found


_CONTEXTS: OrderedDict[tuple, bytes] = OrderedDict()


def paragraph_runs(paragraph) -> list:
    """The runs of a paragraph that carry its own text (not those of text boxes and drawings in it)."""
    return list(_walk_runs(paragraph))


# The source of every paragraph, cut from the main part's bytes at each "<w:p" instead of serialised again
# for its key (serialising each paragraph cost a batch's check more than reading it from the cache). A cut
# runs to the next paragraph's start, so it holds its whole paragraph and a little of what follows: equal
# cuts, under the same prolog (root element, namespaces) and styles, are the same paragraph. Cut only
# where every "<w:p" is an element start of a paragraph that holds no other (no text box, comment,
# CDATA or processing instruction in the body), and only when the cuts and the paragraphs are as many.
_PARAGRAPH_CUT = re.compile(rb"<w:p[\s>/]")
_MATCH_START = re.Match.start
_W_DECLARATION = f'xmlns:w="{W_NS}"'.encode()
_EMPTY_PARAGRAPH = re.compile(rb"""<w:p(?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*/>""")  # a whole start tag
_PARAGRAPH_END = b"</w:p>"
_PLACEHOLDER = b"<w:p/>"


# What a cut holds that the reading of the whole body must know: what forbids cutting (a text box, VML, markup
# compatibility, comments, CDATA, processing instructions), a namespace declared below the root, a tracked
# change, a drawing, section properties; and where its paragraph ends. None of these marks has a "<" after its
# first byte, so none runs across the start of a cut (a "<w:p"): the body holds one exactly when one of its
# cuts does, or the bytes before the first. Found once per distinct cut (the cuts of a batch's documents recur:
# looking them up costs less than searching the whole part for each mark).
_UNCUTTABLE, _DECLARES, _CHANGES, _DRAWS, _SECTIONS = 1, 2, 4, 8, 16
_ANY_MARK = -1  # what is not known: every mark may be there
_CUT_MARKS = ((b"<!", _UNCUTTABLE), (b"<?", _UNCUTTABLE), (b"txbxContent", _UNCUTTABLE), (b"<w:pict", _UNCUTTABLE),
              (b"<mc:AlternateContent", _UNCUTTABLE), (b"xmlns", _DECLARES), (b"Change", _CHANGES),
              (b"<w:drawing", _DRAWS), (b"<w:object", _DRAWS), (b"<w:sectPr", _SECTIONS))
_CUT_FACTS: OrderedDict[bytes, tuple[int, int]] = OrderedDict()
_CUT_FACTS_KEPT = 8192
_CUT_FACT_BYTES = 4096  # longer cuts are read for their own document only (at most 32 MB kept)


def _marks_in(data: bytes) -> int:
    marks = 0
    for mark, bit in _CUT_MARKS:
        if data.find(mark) >= 0:  # (``mark in data`` first tries ``mark`` as a byte value: a TypeError each time)
            marks |= bit
    return marks


def _cut_facts(cut: bytes) -> tuple[int, int]:
    """(the marks the cut holds, where the one "</w:p>" it holds ends in it: -1 when it holds none, or more); also
    asked of the bytes before the first cut, which the documents of a template share."""
    found = _CUT_FACTS.get(cut)
    if found is None:
        end = cut.find(_PARAGRAPH_END)
        end = end + len(_PARAGRAPH_END) if end >= 0 and cut.find(_PARAGRAPH_END, end + 1) < 0 else -1
        found = (_marks_in(cut), end)
        if len(cut) <= _CUT_FACT_BYTES:
            _keep(_CUT_FACTS, cut, found, _CUT_FACTS_KEPT)
    return found


def key_bytes(key: tuple) -> int:
    """How many bytes of paragraph source a reading's key holds (a cut or a serialisation)."""
    return len(key[1])


@dataclass(frozen=True, eq=False)
class BodySource:
    """The body's paragraphs cut from the main part's bytes, in document order, and its skeleton: the part with
    every paragraph emptied to ``<w:p/>``, which holds the tables, rows and cells and nothing else. The
    documents of one template and as many rows share a skeleton, so where each paragraph stands is found once
    for all of them. A paragraph (or a section's properties) can be parsed on its own under the part's root
    start tag, which declares the namespaces, so the part's tree is made only when a reading needs it."""

    prolog: bytes  # digest of the part up to the body: the root element and its namespaces
    cuts: list[bytes]
    skeleton: bytes | None  # None when a paragraph's end could not be told from its cut
    blob: bytes = b""
    starts: tuple[int, ...] = ()  # where each cut starts in the part
    ends: tuple[int, ...] = ()  # where each paragraph ends (empty when the skeleton is None)
    root: bytes = b""  # the root element's start tag
    root_name: bytes = b""
    body: int = 0  # where the body starts and ends in the part
    body_end: int = 0
    marks: int = _ANY_MARK  # the marks the body holds (see _CUT_MARKS), from the body's start to the part's end
    cut_marks: tuple[int, ...] = ()  # each cut's, when the bytes before the first cut hold none

    def standalone(self, spans: list[tuple[int, int]]) -> list:
        """The elements ``blob[start:end]`` (whole paragraphs), parsed on their own, all in one parse."""
        return _parsed_alone(self.root, self.root_name, (self.blob[start:end] for start, end in spans))

    @cached_property
    def section_spans(self) -> tuple[tuple[int, int], ...] | None:
        """Where each ``w:sectPr`` stands in the part, in order; None where a tracked change may hold one in
        another (the tree is asked then)."""
        blob = self.blob
        if self.marks & _CHANGES:
            return None
        if self.cut_marks:  # searched for only in the cuts that hold one
            ends = (*self.starts[1:], len(blob))
            regions = [(start, min(end, self.body_end)) for start, end, marks in zip(self.starts, ends, self.cut_marks)
                       if marks & _SECTIONS]
        else:
            regions = [(self.body, self.body_end)]
        spans = []
        for region_start, region_end in regions:
            start = blob.find(_SECT_PR_START, region_start, region_end)
            while start >= 0:  # a search for the few of them, not a pattern run over the whole part
                if blob[start + len(_SECT_PR_START):start + len(_SECT_PR_START) + 1] in _AFTER_NAME:
                    empty = _EMPTY_SECT_PR.match(blob, start)
                    if empty is not None:
                        spans.append((start, empty.end()))
                    else:
                        end = blob.find(_SECT_PR_END, start)
                        if end < 0:
                            return None
                        spans.append((start, end + len(_SECT_PR_END)))
                start = blob.find(_SECT_PR_START, start + 1, region_end)
        return tuple(spans)

    def section_of(self, index: int) -> int | None:
        """Which section paragraph ``index`` belongs to: the first section properties after its start (its own,
        when it ends a section), as Word reads them; None when they cannot be told from the bytes."""
        spans = self.section_spans
        if not spans:
            return None
        return min(bisect.bisect_left([start for start, _ in spans], self.starts[index]), len(spans) - 1)


_SECT_PR_START = b"<w:sectPr"
_AFTER_NAME = (b" ", b"\t", b"\r", b"\n", b">", b"/")  # what may follow an element's name in its start tag
_EMPTY_SECT_PR = re.compile(rb"""<w:sectPr(?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*/>""")
_SECT_PR_END = b"</w:sectPr>"
_ROOT_START = re.compile(rb"""<([^\s?!/>]+)(?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*>""")
_W_BINDING = re.compile(rb"xmlns:w\s*=")  # every declaration of "w", "xmlns:w =" too (XML allows the spaces)


def body_source(document, paragraphs: list | None = None) -> BodySource | None:
    """The body's cuts and skeleton, or None when the main part cannot be cut safely (or was not read from
    bytes). ``paragraphs``: the body's paragraph elements, in document order, when the tree is at hand (their
    count is checked against the cuts); without them the bytes alone are read: in XML a "<w:p" can only start
    an element where there are no comments, CDATA or processing instructions, and "w" is WordprocessingML."""
    blob = getattr(document, "main_blob", None)
    if blob is None:
        return None
    found = getattr(document, "_body_source", False)
    source = _body_source(blob) if found is False else found
    if found is False and isinstance(document, DocxView):
        document._body_source = source  # one reading of the bytes per opened document
    if source is not None and paragraphs is not None and len(source.cuts) != len(paragraphs):
        return None
    return source


def _body_source(blob: bytes) -> BodySource | None:
    body = blob.find(b"<w:body")
    root = _ROOT_START.search(blob, 0, body) if body >= 0 else None
    if root is None or blob.find(b"<!", 0, body) >= 0 or not _in_utf8(blob):
        return None  # no DTD may expand entities into elements; a cut is parsed (or its texts read) as UTF-8,
        # without the part's declaration
    body_end = blob.rfind(b"</w:body>")
    body_end = len(blob) if body_end < body else body_end
    # (the lists below are made by map and zip, in C: a comprehension's loop costs as much as their work)
    starts = list(map(_MATCH_START, _PARAGRAPH_CUT.finditer(blob, body, body_end)))
    if not starts:
        return None
    cut_ends = starts[1:] + [len(blob)]
    cuts = list(map(blob.__getitem__, map(slice, starts, cut_ends)))
    facts = list(map(_CUT_FACTS.get, cuts))  # most are known
    if None in facts:
        facts = [found or _cut_facts(cut) for found, cut in zip(facts, cuts)]
    cut_marks, paragraph_ends = zip(*facts)
    head = blob[body:starts[0]]
    head_marks = _cut_facts(head)[0]
    marks = reduce(or_, set(cut_marks), head_marks)  # (the few distinct marks)
    if marks & _DECLARES or blob.find(b"xmlns", root.end(), body) >= 0:
        # what is declared below the root: up to the first cut, and the cuts that declare (no declaration runs
        # across a cut's start, nor across their joins, each before a "<")
        declared = b"".join([blob[:starts[0]], *compress(cuts, map(and_, cut_marks, repeat(_DECLARES)))])
    else:
        declared = blob[:root.end()]
    if (marks & _UNCUTTABLE or len(_W_BINDING.findall(declared)) != declared.count(_W_DECLARATION)
            or _W_DECLARATION not in root.group(0)):
        return None  # "w" must be WordprocessingML everywhere, declared on the root
    prolog = hashlib.blake2b(blob[:body], digest_size=16).digest()
    per_cut = () if head_marks & _SECTIONS else cut_marks
    # the last cut runs on past the body's end: its paragraph's end is looked for in the body
    last = blob.find(_PARAGRAPH_END, starts[-1], body_end)
    if last >= 0 and blob.find(_PARAGRAPH_END, last + 1, body_end) < 0 and head.find(_PARAGRAPH_END) < 0 \
            and -1 not in paragraph_ends[:-1]:
        # every paragraph closed by the one "</w:p>" of its cut (no empty <w:p/>): its end
        ends = [*map(add, starts, paragraph_ends[:-1]), last + len(_PARAGRAPH_END)]
        between = map(blob.__getitem__, map(slice, ends, starts[1:]))
        return BodySource(prolog, cuts, _PLACEHOLDER.join([blob[:starts[0]], *between, blob[ends[-1]:]]), blob,
                          tuple(starts), tuple(ends), root.group(0), root.group(1), body, body_end, marks, per_cut)
    skeleton = [blob[:starts[0]]]
    ends = []
    for start, cut in zip(starts, cuts):
        # no paragraph holds another here, so the only "</w:p>" of a cut ends its own paragraph; without one,
        # the paragraph is an empty element, its start tag read by XML's own grammar of attributes
        end = cut.rfind(_PARAGRAPH_END)  # the only one (found from the end: a cut ends soon after it)
        if end >= 0:
            end += len(_PARAGRAPH_END)
        else:
            empty = _EMPTY_PARAGRAPH.match(cut)
            if empty is None:
                skeleton = None
                break
            end = empty.end()
        skeleton += (_PLACEHOLDER, cut[end:])
        ends.append(start + end)
    return BodySource(prolog, cuts, b"".join(skeleton) if skeleton is not None else None, blob, tuple(starts),
                      tuple(ends) if skeleton is not None else (), root.group(0), root.group(1), body, body_end,
                      marks, per_cut)


_DECLARED_ENCODING = re.compile(rb"""(?:\xef\xbb\xbf)?<\?xml\s[^>]*?encoding\s*=\s*["']([^"']*)["']""")


def _in_utf8(blob: bytes) -> bool:
    """Whether the part is in UTF-8: its XML declaration says so, or says no encoding (UTF-8 then, or UTF-16
    with its byte order mark, where no "<w:p" of ASCII bytes would have been found to cut)."""
    declared = _DECLARED_ENCODING.match(blob)
    if declared is None:
        return not blob.startswith(b"<?xml") or b"encoding" not in blob[:blob.find(b"?>")]
    return declared.group(1).lower() in (b"utf-8", b"utf8")


def _reading(paragraph, resolver: FormatResolver,
             frame: tuple | None = None) -> tuple[ParagraphFormat, tuple, tuple, dict]:
    """(format, visual lines, facts, memo): the facts are, for each run, whether it shows text and whether it is
    underlined, and the paragraph's text outside its drawings (what is asked to find a rule under a line); the
    memo keeps what the checker derives from the reading alone (its lines), with it. ``frame``: the paragraph's
    frame and texts as its bytes tell them (:func:`_framed`), kept for the next paragraph of that frame when
    they read as the element does."""
    runs, plan, texts = _line_plan(paragraph, resolver)
    shape = _filled(plan, texts)
    underlines = tuple(underlined(run) for run in runs)
    facts = (tuple((bool(run_text(run).strip()), line) for run, line in zip(runs, underlines)),
             text_outside_drawings(paragraph))
    fmt = resolver.paragraph_format(paragraph)
    if frame is not None:
        frame_key, told = frame
        if list(told) == texts and _frame_facts(plan, told, underlines) == facts:
            _keep(_FRAMES, frame_key, (fmt, plan, underlines), _FRAMES_KEPT)
    return fmt, shape, facts, {}


def _keep(cache: OrderedDict, key: tuple, value, kept: int = _SHAPES_KEPT):
    cache[key] = value
    if len(cache) > kept:
        cache.popitem(last=False)
    return value


def _kept(key: tuple, reading: tuple) -> tuple | None:
    """``key``, its reading kept for the next documents; None when the key is too long to keep (the cache
    must not hold a hostile file's megabytes: such a paragraph is read for its own document only)."""
    if key_bytes(key) > _SHAPE_BYTES:
        return None
    _keep(_SHAPES, key, reading)
    return key


def _read_paragraph(paragraph, resolver: FormatResolver, key: tuple | None = None,
                    frame: tuple | None = None) -> tuple[tuple | None, ParagraphFormat, tuple, tuple, dict]:
    """(its key, or None when not kept, and its reading); ``key``: how its cut is looked up (see
    :func:`body_paragraphs`), else it is serialised for its key."""
    key = key if key is not None else paragraph_key(paragraph, resolver)
    cached = _SHAPES.get(key)
    if cached is None:
        cached = _reading(paragraph, resolver, frame if key_bytes(key) <= _SHAPE_BYTES else None)
        key = _kept(key, cached)
    return (key, *cached)


# A paragraph not seen before is most often one seen with other words in it: the same task given to another
# unit's divisions, another sở's line of the Nơi nhận. Its frame — its cut with the text of every ``w:t`` left
# out — recalls the formats and lines of the paragraph seen, and only its texts are read, from its bytes
# (no parse). A frame is kept only when the texts its bytes tell are exactly the element's, as lxml read
# them, and make the same facts; a paragraph with a drawing, an empty ``<w:t/>``, a character reference or
# anything else the bytes cannot tell plainly has no frame, and is parsed.
_FRAMES: OrderedDict[tuple, tuple] = OrderedDict()
_FRAMES_KEPT = 2048  # a cascade has some hundreds; at most 32 MB of frames kept, whatever is uploaded
_TEXT_ELEMENT = re.compile(rb"""<w:t(?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*>([^<]*)</w:t>""")
_TEXT_START = re.compile(rb"<w:t[\s>/]")
_ESCAPES = re.compile(rb"&(amp|lt|gt|quot|apos);")
_ESCAPED = {b"amp": b"&", b"lt": b"<", b"gt": b">", b"quot": b'"', b"apos": b"'"}
# what XML 1.0 allows in text, and no carriage return (which the parser turns into a line feed)
_NOT_PLAIN_TEXT = re.compile("[^\t\n\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _framed(context: bytes, cut: bytes) -> tuple[tuple, tuple[str, ...]] | None:
    """(the frame's key, the paragraph's ``w:t`` texts) of a cut, or None when its bytes do not tell them."""
    if cut.find(b"<w:drawing") >= 0 or cut.find(b"<w:object") >= 0:  # their text boxes' w:t are no text of the
        # paragraph (found, not "in": see _marks_in)
        return None
    frame, texts, last = [], [], 0
    for match in _TEXT_ELEMENT.finditer(cut):
        raw = match.group(1)
        if raw.find(b"&") >= 0:
            if raw.count(b"&") != len(_ESCAPES.findall(raw)):
                return None  # a character reference: parsed
            raw = _ESCAPES.sub(lambda m: _ESCAPED[m.group(1)], raw)
        try:
            text = raw.decode()
        except UnicodeDecodeError:
            return None
        if not text.isprintable() and _NOT_PLAIN_TEXT.search(text):  # (what is not allowed is not printable)
            return None
        frame.append(cut[last:match.start(1)])
        last = match.end(1)
        texts.append(text)
    if len(texts) != len(_TEXT_START.findall(cut)):
        return None  # a "<w:t/>", or a w:t the pattern did not read
    frame.append(cut[last:])
    return (context, b"".join(frame)), tuple(texts)


def _frame_facts(plan: tuple, texts, underlines: tuple) -> tuple:
    """The facts of a reading (see :func:`_reading`) from its plan and texts, for a paragraph without drawings."""
    shown = [False] * len(underlines)
    for line in plan:
        for segment in line:
            for text, _, run in segment:
                if text.__class__ is int and not shown[run] and texts[text].strip():
                    shown[run] = True
    return tuple(zip(shown, underlines)), "".join(texts)


def _recalled_frame(framed: tuple | None) -> tuple | None:
    """A reading made from the frame of a paragraph seen before and this paragraph's own texts, or None."""
    if framed is None:
        return None
    found = _FRAMES.get(framed[0])
    if found is None:
        return None
    fmt, plan, underlines = found
    texts = framed[1]
    return fmt, _filled(plan, texts), _frame_facts(plan, texts, underlines), {}


@dataclass(frozen=True)
class CellRef:
    table: int
    row: int
    column: int
    content_width: int  # twips available for text
    left: int = 0  # where the cell's text starts, twips from the left of the text area (estimated)


class BodyParagraphs:
    """The paragraphs of a body as read, by their order: their elements, made only when something asks for
    one (the part's tree is then parsed), the paragraphs that follow each in its container, its section."""

    def __init__(self, document, elements: list | None = None, source: BodySource | None = None,
                 following: tuple | None = None):
        self._document = document
        self._elements = elements
        self.source = source  # the cuts the paragraphs were read from, None when the tree was walked
        self.following = following  # per paragraph: the next paragraphs of its container (up to two)

    def element(self, index: int):
        if self._elements is None:
            self._elements = list(self._document.element.body.iter(_P))
        return self._elements[index]

    def section_of(self, index: int) -> int | None:
        return self.source.section_of(index) if self.source is not None else None


@dataclass(eq=False)  # one per paragraph of every document checked: not frozen, whose __init__ costs 4×
class ParagraphView:
    """A paragraph where it stands: its element, its effective format, its text, its cell if any."""

    body: BodyParagraphs
    index: int  # its place among the body's paragraphs
    fmt: ParagraphFormat
    shape: tuple  # its visual lines → segments → (text, format, index of the run among paragraph_runs) pieces
    cell: CellRef | None
    label: str | None = None  # the number Word displays before it (automatic numbering): "a)", "1.", "II."
    key: tuple | None = None  # its content (see paragraph_key): paragraphs with one key read the same
    facts: tuple = ((), "")  # per run (shows text, underlined); its text outside drawings (see _reading)
    memo: dict = field(default_factory=dict)  # shared by the paragraphs of one reading (see _reading)

    @property
    def element(self):
        return self.body.element(self.index)

    @cached_property
    def lines(self) -> list[list[list[Piece]]]:
        """Visual lines (split at line breaks) → segments (split at tabs) → (text, format, run) pieces."""
        return _bound(self.shape, paragraph_runs(self.element))


_P, _TBL, _SDT, _SDT_CONTENT, _TR, _TC = (qn("w:p"), qn("w:tbl"), qn("w:sdt"), qn("w:sdtContent"), qn("w:tr"),
                                         qn("w:tc"))
_TBL_GRID_COL = f"{qn('w:tblGrid')}/{qn('w:gridCol')}"
_TBL_IND, _TBL_JC, _TBL_CELL_MAR = (f"{qn('w:tblPr')}/{qn(tag)}" for tag in ("w:tblInd", "w:jc", "w:tblCellMar"))
_TC_PR, _GRID_SPAN, _TC_W = qn("w:tcPr"), qn("w:gridSpan"), qn("w:tcW")
_W, _W_TYPE, _VAL = qn("w:w"), qn("w:type"), qn("w:val")


class _BodyReader:
    """Walks a body in document order, descending into tables (each cell's place and content width) and
    content controls, and hands every paragraph with its cell to ``visit`` (a list is filled, not generators
    nested: a paragraph of a cell of a table stands three generator levels down, and a document has hundreds)."""

    def __init__(self, body_width: int, visit):
        self.body_width = body_width
        self.visit = visit
        self.tables = 0

    def read(self, container, cell: CellRef | None = None) -> None:
        for child in container:
            tag = child.tag
            if tag == _P:
                self.visit(child, cell)
            elif tag == _TBL:
                self.table(child, cell)
            elif tag == _SDT:
                content = child.find(_SDT_CONTENT)
                if content is not None:
                    self.read(content, cell)

    def table(self, table, within: CellRef | None = None) -> None:
        number = self.tables
        self.tables += 1
        grid = [int(c.get(_W, 0) or 0) for c in table.iterfind(_TBL_GRID_COL)]
        origin, room = (within.left, within.content_width) if within else (0, self.body_width)
        indent = table.find(_TBL_IND)
        align = table.find(_TBL_JC)
        if align is not None and align.get(_VAL) == "center":
            origin += (room - sum(grid)) // 2
        elif align is not None and align.get(_VAL) in ("right", "end"):
            origin += room - sum(grid)
        elif indent is not None and (indent.get(_W) or "").lstrip("-").isdigit() \
                and indent.get(_W_TYPE, "dxa") == "dxa":
            origin += int(indent.get(_W))
        margins = {side: DEFAULT_CELL_MARGIN for side in ("left", "right")}
        cell_mar = table.find(_TBL_CELL_MAR)
        if cell_mar is not None:
            for side in margins:
                node = cell_mar.find(qn(f"w:{side}"))
                if node is None:
                    node = cell_mar.find(qn("w:start" if side == "left" else "w:end"))
                if node is not None and (node.get(_W) or "").isdigit():
                    margins[side] = int(node.get(_W))
        for r, row in enumerate(table.iterchildren(_TR)):
            column = 0
            for tc in row.iterchildren(_TC):
                properties = first_child(tc, _TC_PR)
                span_node = first_child(properties, _GRID_SPAN)
                span = int(span_node.get(_VAL)) if span_node is not None else 1
                width_node = first_child(properties, _TC_W)
                width = None
                if width_node is not None and width_node.get(_W_TYPE, "dxa") == "dxa":
                    value = width_node.get(_W, "")
                    width = int(value) if value.isdigit() and int(value) > 0 else None
                if width is None and grid:
                    width = sum(grid[column:column + span])
                content = (width or self.body_width) - margins["left"] - margins["right"]
                left = origin + sum(grid[:column]) + margins["left"]
                self.read(tc, CellRef(number, r, column, content, left))
                column += span


# where each paragraph of a skeleton stands (its cell), by the skeleton and the text width: a batch's documents
# have a handful of skeletons among them; the cells of a body of thousands of paragraphs, or of a skeleton of
# more than 256 KB, are let go (at most some 32 MB kept, whatever is uploaded)
_CELLS: OrderedDict[tuple, tuple] = OrderedDict()
_CELLS_KEPT = 64
_CELLS_PARAGRAPHS = 2048
_CELLS_BYTES = 256 * 1024  # a skeleton is its own key


def _cells(skeleton: bytes, body_width: int) -> tuple[tuple, tuple] | None:
    """(the cell of every paragraph of a skeleton, the next paragraphs of each one's container), in order;
    None when the skeleton is no well-formed body."""
    key = (skeleton, body_width)  # the bytes themselves: Python's hash of them is cheaper than a digest
    found = _CELLS.get(key)
    if found is None:
        from docx.oxml.parser import parse_xml  # python-docx's parser, as the part itself was parsed

        try:
            root = parse_xml(skeleton)
        except etree.XMLSyntaxError:
            return None
        body = root.find(qn("w:body"))
        if body is None:
            return None
        cells: list[CellRef | None] = []
        _BodyReader(body_width, lambda paragraph, cell: cells.append(cell)).read(body)
        paragraphs = list(body.iter(_P))
        order = {paragraph: index for index, paragraph in enumerate(paragraphs)}
        following = []
        for paragraph in paragraphs:
            after, sibling = [], paragraph.getnext()
            while sibling is not None and len(after) < 2:
                if sibling.tag == _P:
                    after.append(order[sibling])
                sibling = sibling.getnext()
            following.append(tuple(after))
        found = (tuple(cells), tuple(following))
        if len(cells) <= _CELLS_PARAGRAPHS and len(skeleton) <= _CELLS_BYTES:
            _CELLS[key] = found
            if len(_CELLS) > _CELLS_KEPT:
                _CELLS.popitem(last=False)
    return found


def body_paragraphs(document, resolver: FormatResolver, body_width: int) -> Iterator[ParagraphView]:
    """Every paragraph of the body in document order, descending into tables (with their cells' content
    widths and places) and content controls, each with the number Word displays for it. A body that can be
    cut (:func:`body_source`) is read paragraph by paragraph from the cache, its cells from its skeleton's;
    a document vanban has just written is then read without making its tree (a paragraph not seen before is
    parsed on its own), unless it has lists to number."""
    numbering = Numbering.for_document(document, resolver)
    lazy = isinstance(document, DocxView) and not document.parsed and not numbering.instances
    elements = None if lazy else list(document.element.body.iter(_P))
    source = body_source(document, elements)
    layout = _cells(source.skeleton, body_width) if source is not None and source.skeleton is not None else None
    if layout is None or len(layout[0]) != len(source.cuts):
        walked: list = []
        views: list[ParagraphView] = []
        body = BodyParagraphs(document, walked)

        def visit(paragraph, cell: CellRef | None) -> None:
            key, fmt, shape, facts, memo = _read_paragraph(paragraph, resolver)
            views.append(ParagraphView(body, len(walked), fmt, shape, cell, numbering.label(paragraph), key, facts,
                                       memo))
            walked.append(paragraph)

        _BodyReader(body_width, visit).read(document.element.body)
        return iter(views)
    cells, following = layout
    body = BodyParagraphs(document, elements, source, following)
    context = reading_context(resolver.styles_key, source.prolog)
    label = numbering.label if numbering.instances else None  # a document without lists has no labels
    keys = list(zip(repeat(context), source.cuts))  # (made in C, as in _body_source)
    readings = list(map(_SHAPES.get, keys))  # what most paragraphs of a batch find (a cut too long to keep is
    # never found); those not seen before are read from their elements, parsed together when there is no tree
    unknown = list(compress(range(len(readings)), map(is_, readings, repeat(None))))
    if unknown:  # read from the frame of a paragraph seen with other words, or else from the element
        frames = {index: _framed(context, source.cuts[index]) for index in unknown}
        for index in unknown:
            readings[index] = _recalled_frame(frames.get(index))
            if readings[index] is not None:
                keys[index] = _kept(keys[index], readings[index])
        unknown = [index for index in unknown if readings[index] is None]
        parsed = source.standalone([(source.starts[i], source.ends[i]) for i in unknown]) \
            if elements is None and unknown else None
        for n, index in enumerate(unknown):
            key, *reading = _read_paragraph(parsed[n] if parsed is not None else elements[index], resolver,
                                            keys[index], frames.get(index))
            keys[index], readings[index] = key, reading
    formats, shapes, facts, memos = zip(*readings)
    labels = map(label, map(body.element, range(len(keys)))) if label else repeat(None)
    return iter(list(map(ParagraphView, repeat(body), range(len(keys)), formats, shapes, cells, labels, keys, facts,
                         memos)))


@dataclass(frozen=True)
class OutlineParagraph:
    """A paragraph of the body's top level, or of a cell of a top-level table."""

    element: etree._Element
    table: int | None  # which top-level table, None outside tables
    cell: int  # index of the cell in its row
    cells: int  # cells in that row


def body_outline(document) -> Iterator[OutlineParagraph]:
    """The body as a reader of a received plan sees it: top-level paragraphs, and the paragraphs standing
    directly in the cells of top-level tables (header and footer columns, Phụ lục tables)."""
    tables = 0
    for child in document.element.body:
        if child.tag == qn("w:p"):
            yield OutlineParagraph(child, None, 0, 1)
        elif child.tag == qn("w:tbl"):
            number = tables
            tables += 1
            for row in child.iterfind(qn("w:tr")):
                cells = row.findall(qn("w:tc"))
                for index, cell in enumerate(cells):
                    for paragraph in cell.iterfind(qn("w:p")):
                        yield OutlineParagraph(paragraph, number, index, len(cells))


def textbox_texts(document) -> list[str]:
    """The text of every text box of the body, one string per box."""
    if isinstance(document, DocxView) and not document.parsed and body_source(document) is not None:
        return []  # a body that can be cut holds no text box (see _CUT_MARKS)
    return [" ".join(t.text or "" for t in box.iter(qn("w:t"))) for box in document.element.body.iter(TEXTBOX)]


# ---------------------------------------------------------------- rules: underlines, borders, drawn lines

def run_text(run) -> str:
    return "".join(run.itertext(_T, with_tail=False))


_R, _RPR, _U = qn("w:r"), qn("w:rPr"), qn("w:u")


def underlined(run) -> bool:
    """Whether the run is underlined by its direct formatting."""
    rpr = run.find(_RPR)
    node = rpr.find(_U) if rpr is not None else None
    return node is not None and node.get(_VAL) not in ("none", None)


def following_paragraphs(paragraph, count: int) -> list:
    """``paragraph`` and the paragraphs that follow it in its container, ``count`` in all at most."""
    out = [paragraph]
    sibling = paragraph.getnext()
    while sibling is not None and len(out) < count:
        if sibling.tag == qn("w:p"):
            out.append(sibling)
        sibling = sibling.getnext()
    return out


def _in_drawing(node, paragraph) -> bool:
    parent = node.getparent()
    while parent is not None and parent is not paragraph:
        if parent.tag in DRAWING_TAGS or parent.tag == TEXTBOX:
            return True
        parent = parent.getparent()
    return False


def text_outside_drawings(paragraph) -> str:
    """The paragraph's text, leaving out what stands in its drawings and text boxes."""
    return "".join(t.text or "" for t in paragraph.iter(_T) if not _in_drawing(t, paragraph))


# ---------------------------------------------------------------- drawn shapes, where Word places them

@dataclass(frozen=True)
class DrawnShape:
    """A drawing anchored in a paragraph, with the place Word gives it.

    A rule is drawn anywhere: in the empty paragraph under the text, or in the "Số:" paragraph, the date
    paragraph or a paragraph of the next table row, pushed up by a negative vertical offset. Where it shows
    is its anchor paragraph plus its offsets, measured from the frame each offset names: horizontally
    ``column`` (the anchor's cell or text column), ``margin``, ``page``, ``character`` or ``inline``;
    vertically ``paragraph``, ``line``, ``margin``, ``page`` or ``inline``. Lengths and offsets are twips.
    """

    paragraph: etree._Element  # the paragraph it is anchored in
    line: bool  # a horizontal line: a line or connector shape, or a flat rectangle
    length: int | None  # horizontal extent
    x: int | None  # its left end from the origin of ``x_from``; None when placed by alignment
    x_from: str
    x_align: str | None  # "left", "center", "right" when placed by alignment
    y: int | None  # from the top of ``y_from``
    y_from: str


_HORIZONTAL_FROM = {"column": "column", "text": "column", "margin": "margin", "page": "page",
                    "character": "character", "char": "character", "leftMargin": "page",
                    "left-margin-area": "page", "insideMargin": "margin", "outsideMargin": "margin",
                    "inner-margin-area": "margin", "outer-margin-area": "margin"}
_VERTICAL_FROM = {"paragraph": "paragraph", "text": "paragraph", "line": "line", "margin": "margin",
                  "page": "page", "topMargin": "page", "top-margin-area": "page"}
_LINE_GEOMETRIES = {"line", "straightConnector1"}
_VML_UNITS = {"pt": 20.0, "in": 1440.0, "cm": 1440 / 2.54, "mm": 1440 / 25.4, "px": 15.0, "pc": 240.0,
              "emu": 1 / EMU_PER_TWIP, "": 15.0}


def _emu(text: str | None) -> int | None:
    return int(text) // EMU_PER_TWIP if text is not None and text.strip().lstrip("-").isdigit() else None


def _vml_length(text: str | None) -> int | None:
    """"45pt", "-3.75pt", "1in", "0" → twips (a bare number is in pixels, as VML says)."""
    match = re.fullmatch(r"\s*(-?\d*\.?\d+)\s*([a-z]*)\s*", text or "")
    if not match or match.group(2) not in _VML_UNITS:
        return None
    return round(float(match.group(1)) * _VML_UNITS[match.group(2)])


def _outside(node, paragraph, tags) -> bool:
    parent = node.getparent()
    while parent is not None and parent is not paragraph:
        if parent.tag in tags:
            return False
        parent = parent.getparent()
    return True


def _drawingml_shape(paragraph, anchor) -> DrawnShape:
    extent = anchor.find(qn("wp:extent"))
    cx = _emu(extent.get("cx")) if extent is not None else None
    cy = _emu(extent.get("cy")) if extent is not None else None
    geometry = next((g.get("prst") for g in anchor.iter(qn("a:prstGeom"))), None)
    rotation = next((int(x.get("rot") or 0) for x in anchor.iter(qn("a:xfrm")) if (x.get("rot") or "0").lstrip("-").isdigit()), 0)
    shapes = list(anchor.iter(qn("wps:wsp")))
    connector = any(s.find(qn("wps:cNvCnPr")) is not None for s in shapes)
    flat = cx is not None and cy is not None and cy * 10 <= cx
    horizontal = rotation % 10800000 == 0
    line = bool(shapes) and horizontal and flat and (geometry in _LINE_GEOMETRIES or connector or geometry == "rect")
    if anchor.tag == qn("wp:inline"):
        return DrawnShape(paragraph, line, cx, None, "inline", None, None, "inline")
    if anchor.get("simplePos") in ("1", "true"):
        simple = anchor.find(qn("wp:simplePos"))
        return DrawnShape(paragraph, line, cx, _emu(simple.get("x")) if simple is not None else None, "page", None,
                          _emu(simple.get("y")) if simple is not None else None, "page")
    placed = []
    for tag, frames in (("wp:positionH", _HORIZONTAL_FROM), ("wp:positionV", _VERTICAL_FROM)):
        position = anchor.find(qn(tag))
        frame = frames.get(position.get("relativeFrom", "")) if position is not None else None
        offset = position.find(qn("wp:posOffset")) if position is not None else None
        align = position.find(qn("wp:align")) if position is not None else None
        placed.append((frame or "unknown", _emu(offset.text) if offset is not None else None,
                       (align.text or "").strip() if align is not None else None))
    (x_from, x, x_align), (y_from, y, _) = placed
    return DrawnShape(paragraph, line, cx, x, x_from, x_align, y, y_from)


def _vml_shape(paragraph, node) -> DrawnShape:
    style = {}
    for item in (node.get("style") or "").split(";"):
        key, _, value = item.partition(":")
        style[key.strip().lower()] = value.strip()
    absolute = style.get("position") == "absolute"
    x, y = _vml_length(style.get("margin-left") or style.get("left") or "0"), \
        _vml_length(style.get("margin-top") or style.get("top") or "0")
    width, height = _vml_length(style.get("width")), _vml_length(style.get("height"))
    rotated = (style.get("rotation") or "0").strip() not in ("0", "180", "")
    if node.tag == qn("v:line"):
        try:
            (x1, y1), (x2, y2) = [[_vml_length(v) for v in (node.get(k) or "0,0").split(",")[:2]]
                                  for k in ("from", "to")]
            width, height = abs(x2 - x1), abs(y2 - y1)
            x, y = (x or 0) + min(x1, x2), (y or 0) + min(y1, y2)
        except (TypeError, ValueError):
            width = height = None
        kind = True
    else:
        kind = (node.tag == qn("v:rect") or node.get(qn("o:connectortype")) is not None
                or (node.get("type") or "").lstrip("#") in ("_x0000_t32", "_x0000_t20")
                or re.fullmatch(r"\s*m\s*0?,\s*0?\s*l\s*21600,\s*0?\s*e\s*", node.get("path") or "") is not None)
    line = kind and not rotated and width is not None and (height or 0) * 10 <= width
    if not absolute:
        return DrawnShape(paragraph, line, width, None, "inline", None, None, "inline")
    align = style.get("mso-position-horizontal")
    x_from = _HORIZONTAL_FROM.get(style.get("mso-position-horizontal-relative", "text"), "unknown")
    y_from = _VERTICAL_FROM.get(style.get("mso-position-vertical-relative", "text"), "unknown")
    placed = align if align in ("left", "center", "right") else None
    return DrawnShape(paragraph, line, width, None if placed else x, x_from, placed, y, y_from)


def forget_resolver(document) -> None:
    """After the document was edited: its formats are found afresh (the resolver caches what it found)."""
    _RESOLVERS.pop(document, None)


def has_drawings(document) -> bool:
    """Whether the body holds any drawing (DrawingML or VML): one pass in lxml, so a document without
    any is not laid out in search of a drawn rule."""
    if isinstance(document, DocxView) and not document.parsed:
        source = body_source(document)
        if source is not None and not source.marks & _DRAWS:
            return False  # a body that can be cut draws only in w:drawing (DrawingML) and w:object (VML)
    body = document.element.body
    return next(body.iter(qn("wp:anchor"), qn("wp:inline"), qn("v:line"), qn("v:shape"), qn("v:rect")),
                None) is not None


def drawn_shapes(paragraph) -> list[DrawnShape]:
    """The drawings anchored in ``paragraph`` (DrawingML anchors and inlines, VML shapes), each once: the VML
    fallback of a DrawingML shape is left out, and so is what stands inside text boxes."""
    out = []
    for anchor in paragraph.iter(qn("wp:anchor"), qn("wp:inline")):
        if _outside(anchor, paragraph, (TEXTBOX, qn("mc:Fallback"))):
            out.append(_drawingml_shape(paragraph, anchor))
    for node in paragraph.iter(qn("v:line"), qn("v:shape"), qn("v:rect")):
        if not _outside(node, paragraph, (TEXTBOX,)) or not _outside(node, paragraph, (qn("v:group"),)):
            continue
        fallback = next((p for p in node.iterancestors(qn("mc:Fallback"))), None)
        if fallback is not None and next(fallback.getparent().iter(qn("wp:anchor"), qn("wp:inline")), None) is not None:
            continue
        out.append(_vml_shape(paragraph, node))
    return out


# ---------------------------------------------------------------- pictures, custom document properties

_PICTURE_TYPES = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif",
                  "emf": "image/x-emf", "wmf": "image/x-wmf"}
_WP_INLINE, _WP_ANCHOR, _A_BLIP = qn("wp:inline"), qn("wp:anchor"), qn("a:blip")


@dataclass(frozen=True)
class Placement:
    """One axis of a floating picture's place: an offset (mm) or an alignment, from the frame it names."""

    relative_from: str | None
    offset_mm: float | None
    align: str | None


@dataclass(frozen=True)
class Picture:
    """A picture in a paragraph (Insert › Pictures), with its size, its place when it floats, and its bytes."""

    inline: bool
    width_mm: float
    height_mm: float
    horizontal: Placement | None  # None for an inline picture
    vertical: Placement | None
    data: bytes | None
    content_type: str | None
    name: str


def _placement(anchor, axis: str) -> Placement | None:
    position = anchor.find(qn(f"wp:position{axis}"))
    if position is None:
        return None
    offset = position.find(qn("wp:posOffset"))
    align = position.find(qn("wp:align"))
    value = int(offset.text) / EMU_PER_MM if offset is not None and (offset.text or "").lstrip("-").isdigit() else None
    return Placement(position.get("relativeFrom"), value, align.text if align is not None else None)


def _part_and_type(document, rid: str) -> tuple[bytes | None, str | None]:
    if isinstance(document, DocxView):
        target = document.rels.get(rid, ("", None))[1]
        return document.related(rid), _PICTURE_TYPES.get((target or "").rpartition(".")[2].lower())
    related = document.part.related_parts.get(rid)
    return (related.blob, related.content_type) if related is not None else (None, None)


def pictures(document, paragraph) -> list[Picture]:
    """The pictures drawn in a paragraph of ``document`` (inline or floating), in order."""
    out = []
    for drawing in paragraph.iter(_WP_INLINE, _WP_ANCHOR):
        blip = next(drawing.iter(_A_BLIP), None)
        extent = drawing.find(qn("wp:extent"))
        if blip is None or extent is None:
            continue
        rid = blip.get(qn("r:embed"))
        data, content_type = _part_and_type(document, rid) if rid else (None, None)
        doc_pr = drawing.find(qn("wp:docPr"))
        inline = drawing.tag == _WP_INLINE
        out.append(Picture(inline, int(extent.get("cx", 0) or 0) / EMU_PER_MM, int(extent.get("cy", 0) or 0) / EMU_PER_MM,
                           None if inline else _placement(drawing, "H"), None if inline else _placement(drawing, "V"),
                           data, content_type, (doc_pr.get("name") or "") if doc_pr is not None else ""))
    return out


CUSTOM_PROPERTIES = "/docProps/custom.xml"


def custom_property(document, name: str) -> str | None:
    """The value of a custom document property (File › Properties › Custom), or None."""
    if isinstance(document, DocxView):
        blob = document.of_type("/custom-properties", package=True)
    else:
        part = next((p for p in document.part.package.iter_parts() if str(p.partname) == CUSTOM_PROPERTIES), None)
        blob = part.blob if part is not None else None
    if not blob:
        return None
    try:
        root = etree.fromstring(blob, oxml_parser)
    except etree.XMLSyntaxError:
        return None
    return next(("".join(node.itertext()).strip() for node in root if node.get("name") == name), None)
