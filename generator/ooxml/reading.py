"""Reading the effective format of paragraphs and runs in any .docx.

Word resolves a run's look through a chain: document defaults → paragraph style (and the styles it
is based on) → character style → direct formatting. Hand-made documents use every link of it, so the
tests and the ND30 checker read formats through :class:`FormatResolver`, never from one link alone.
"""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

from docx.oxml.parser import oxml_parser as _PARSER, parse_xml

from . import first_child, qn
from .package import DocxView

_ON = {"1", "true", "on", None}


def _flag(element) -> bool | None:
    """A toggle property (``<w:b/>``, ``<w:b w:val="0"/>``): True, False, or None when absent."""
    if element is None:
        return None
    return element.get(qn("w:val")) in _ON


def _number(element, default: int) -> int:
    value = element.get(qn("w:val")) if element is not None else None
    return int(value) if value is not None and value.lstrip("-").isdigit() else default


def _children_by_tag(element) -> dict:
    """Each tag among an element's children with its first child of that tag — what ``element.find(tag)``
    finds, for every tag at once (lxml's ``find`` runs ElementPath in Python each time it is asked)."""
    found: dict = {}
    for child in element:
        found.setdefault(child.tag, child)
    return found


@dataclass(frozen=True)
class RunFormat:
    font: str | None
    size_pt: float | None
    bold: bool
    italic: bool
    color: str | None
    superscript: bool
    caps: bool
    spacing: int = 0  # twips added to (or, condensed, taken from) every character
    scale: int = 100  # character width in percent (w:w)


@dataclass(frozen=True)
class ParagraphFormat:
    style_id: str | None
    align: str | None
    first_line: int | None  # twips; negative for a hanging indent
    left: int | None
    right: int | None
    before: int | None
    after: int | None
    line: int | None
    line_rule: str | None
    keep_next: bool
    border_bottom: bool


_PPR, _PSTYLE, _VAL, _RPR = qn("w:pPr"), qn("w:pStyle"), qn("w:val"), qn("w:rPr")  # asked for every paragraph
_RFONTS, _KEEP_NEXT, _PBDR, _BOTTOM = qn("w:rFonts"), qn("w:keepNext"), qn("w:pBdr"), qn("w:bottom")

# resolved formats per distinct styles part (see FormatResolver.__init__), the most recently used kept
# the digests of the styles parts last read, by the bytes object: the renderer hands every document of a
# template the template's own styles part, so it is hashed once, not once per document checked
_DIGESTS: OrderedDict[int, tuple[bytes, bytes]] = OrderedDict()


def _digest(source: bytes) -> bytes:
    found = _DIGESTS.get(id(source))
    if found is not None and found[0] is source:  # the entry holds the object: its id is not reused meanwhile
        return found[1]
    digest = hashlib.blake2b(source, digest_size=16).digest()
    if len(source) <= _SHARED_STYLE_BYTES:
        _DIGESTS[id(source)] = (source, digest)
        if len(_DIGESTS) > 8:
            _DIGESTS.popitem(last=False)
    return digest


_SHARED: OrderedDict[tuple, dict] = OrderedDict()
_SHARED_STYLES = 32
_SHARED_STYLE_BYTES = 2 * 1024 * 1024  # Word's own styles parts are tens to hundreds of kilobytes


class FormatResolver:
    """Resolves effective paragraph and run formats against a document's styles part."""

    def __init__(self, styles_element, theme_fonts: dict[str, str] | None = None):
        self._setup(etree.tostring(styles_element) if styles_element is not None else None, theme_fonts)

    @classmethod
    def from_styles_xml(cls, source: bytes | None, theme_fonts: dict[str, str] | None = None) -> FormatResolver:
        """From the bytes of a styles part (None: no styles part), parsed only when no document read before
        had the very same bytes."""
        resolver = cls.__new__(cls)
        resolver._setup(source, theme_fonts)
        return resolver

    def _setup(self, source: bytes | None, theme_fonts: dict[str, str] | None) -> None:
        self.theme_fonts = theme_fonts or {}
        self._style_ids: dict = {}  # per document: keyed by its paragraph elements
        # What follows depends only on the styles part and the theme's fonts: documents whose styles are the
        # same bytes (every document rendered from one template) share it, so a batch resolves each distinct
        # format once instead of once per document.
        key = (_digest(source or b""), tuple(sorted(self.theme_fonts.items())))
        self.styles_key = key
        shared = _SHARED.get(key)
        if shared is not None:
            _SHARED.move_to_end(key)
            self.__dict__.update(shared)
            return
        self._styles: dict[str, etree._Element] = {}
        self._chains: dict[str | None, list] = {}
        self._run_formats: dict[tuple, RunFormat] = {}
        self._paragraph_formats: dict[tuple, ParagraphFormat] = {}
        self._default_paragraph_style: str | None = None
        self._defaults_rpr = None
        self._defaults_ppr = None
        if source is not None:
            # parsed here, a private copy: the fixes edit a document's own styles, never the ones others share
            self._read_styles(etree.fromstring(source, _PARSER))
        if source is not None and len(source) > _SHARED_STYLE_BYTES:
            return  # resolved for this document only: the cache must not hold a hostile file's megabytes
        _SHARED[key] = {name: value for name, value in self.__dict__.items()
                        if name not in ("_style_ids", "theme_fonts", "styles_key")}
        while len(_SHARED) > _SHARED_STYLES:
            _SHARED.popitem(last=False)

    def _read_styles(self, styles_element) -> None:
        defaults = styles_element.find(qn("w:docDefaults"))
        if defaults is not None:
            self._defaults_rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
            self._defaults_ppr = defaults.find(f"{qn('w:pPrDefault')}/{qn('w:pPr')}")
        for style in styles_element.findall(qn("w:style")):
            style_id = style.get(qn("w:styleId"))
            self._styles[style_id] = style
            if style.get(qn("w:type")) == "paragraph" and style.get(qn("w:default")) in ("1", "true"):
                self._default_paragraph_style = style_id

    @classmethod
    def for_document(cls, document) -> FormatResolver:
        """From a python-docx ``Document`` or a :class:`~.package.DocxView`, with theme fonts ("minorHAnsi" →
        "Calibri") resolved."""
        if isinstance(document, DocxView):
            return cls.from_styles_xml(document.of_type("/styles"), theme_fonts(document))
        try:
            styles = document.styles.element
        except (KeyError, AttributeError, NotImplementedError):
            styles = None
        return cls(styles, theme_fonts(document))


    def _chain(self, style_id: str | None) -> list:
        """The style and the styles it is based on, nearest first (cycles cut); found once per style (a
        document's paragraphs ask for the same few styles thousands of times)."""
        if style_id not in self._chains:
            self._chains[style_id] = self._find_chain(style_id)
        return self._chains[style_id]

    def _find_chain(self, style_id: str | None) -> list:
        chain, seen = [], set()
        while style_id and style_id in self._styles and style_id not in seen:
            seen.add(style_id)
            style = self._styles[style_id]
            chain.append(style)
            based = style.find(qn("w:basedOn"))
            style_id = based.get(qn("w:val")) if based is not None else None
        return chain

    def paragraph_style_id(self, paragraph) -> str | None:
        try:
            return self._style_ids[paragraph]
        except KeyError:
            style = first_child(first_child(paragraph, _PPR), _PSTYLE)
            found = style.get(_VAL) if style is not None else self._default_paragraph_style
            self._style_ids[paragraph] = found  # the element is kept by the key: its identity is never reused
            return found

    def style_name(self, style_id: str | None) -> str | None:
        style = self._styles.get(style_id or "")
        name = style.find(qn("w:name")) if style is not None else None
        return name.get(qn("w:val")) if name is not None else None

    def _rpr_layers(self, paragraph, run) -> list:
        """rPr elements from strongest to weakest."""
        layers = []
        direct = first_child(run, _RPR)
        if direct is not None:
            layers.append(direct)
            rstyle = direct.find(qn("w:rStyle"))
            if rstyle is not None:
                layers += [s.find(qn("w:rPr")) for s in self._chain(rstyle.get(qn("w:val")))]
        layers += [first_child(s, _RPR) for s in self._chain(self.paragraph_style_id(paragraph))]
        layers.append(self._defaults_rpr)
        return [layer for layer in layers if layer is not None]

    def _ppr_layers(self, paragraph) -> list:
        layers = [first_child(paragraph, _PPR)]
        layers += [first_child(s, _PPR) for s in self._chain(self.paragraph_style_id(paragraph))]
        layers.append(self._defaults_ppr)
        return [layer for layer in layers if layer is not None]

    def run_format(self, paragraph, run) -> RunFormat:
        """The run's effective format. Runs with the same properties in paragraphs of the same style have the
        same format: found once (a checked document asks for it thousands of times)."""
        rpr = first_child(run, _RPR)
        key = (self.paragraph_style_id(paragraph), etree.tostring(rpr) if rpr is not None else None)
        found = self._run_formats.get(key)
        if found is None:
            found = self._run_formats[key] = self._resolve_run(paragraph, run)
        return found

    def _resolve_run(self, paragraph, run) -> RunFormat:
        layers = [_children_by_tag(layer) for layer in self._rpr_layers(paragraph, run)]

        def first(tag: str):
            tag = qn(tag)
            for children in layers:
                found = children.get(tag)
                if found is not None:
                    return found
            return None

        font = None
        for children in layers:  # the nearest layer that names a Latin font, directly or by theme
            fonts = children.get(_RFONTS)
            if fonts is None:
                continue
            named = fonts.get(qn("w:ascii")) or fonts.get(qn("w:hAnsi"))
            theme = fonts.get(qn("w:asciiTheme")) or fonts.get(qn("w:hAnsiTheme"))
            if theme:
                font = self.theme_fonts.get(theme, f"theme:{theme}")
                break
            if named:
                font = named
                break
        size = first("w:sz")
        color = first("w:color")
        vert = first("w:vertAlign")
        return RunFormat(
            font=font,
            size_pt=int(size.get(qn("w:val"))) / 2 if size is not None else None,
            bold=bool(_flag(first("w:b"))),
            italic=bool(_flag(first("w:i"))),
            color=color.get(qn("w:val")) if color is not None else None,
            superscript=vert is not None and vert.get(qn("w:val")) == "superscript",
            caps=bool(_flag(first("w:caps"))),
            spacing=_number(first("w:spacing"), 0),
            scale=_number(first("w:w"), 100),
        )

    def mark_format(self, paragraph) -> RunFormat:
        """The format of the paragraph mark: what sizes an empty paragraph."""
        ppr = paragraph.find(qn("w:pPr"))
        mark = ppr.find(qn("w:rPr")) if ppr is not None else None
        if mark is None:
            return self.run_format(paragraph, None)
        run = etree.Element(qn("w:r"))
        run.append(etree.fromstring(etree.tostring(mark)))
        return self.run_format(paragraph, run)

    def paragraph_format(self, paragraph) -> ParagraphFormat:
        """The paragraph's effective format, found once per distinct paragraph properties and style."""
        ppr = first_child(paragraph, _PPR)
        key = (self.paragraph_style_id(paragraph), etree.tostring(ppr) if ppr is not None else None)
        found = self._paragraph_formats.get(key)
        if found is None:
            found = self._paragraph_formats[key] = self._resolve_paragraph(paragraph)
        return found

    def _resolve_paragraph(self, paragraph) -> ParagraphFormat:
        elements = self._ppr_layers(paragraph)
        layers = [_children_by_tag(layer) for layer in elements]

        def attr(tag: str, name: str) -> str | None:
            tag, name = qn(tag), qn(name)
            for children in layers:
                found = children.get(tag)
                if found is not None:
                    value = found.get(name)
                    if value is not None:
                        return value
            return None

        def number(tag: str, name: str) -> int | None:
            value = attr(tag, name)
            return int(value) if value is not None and value.lstrip("-").isdigit() else None

        first_line = number("w:ind", "w:firstLine")
        hanging = number("w:ind", "w:hanging")
        left, right = number("w:ind", "w:left"), number("w:ind", "w:right")
        if hanging:
            first_line = -hanging
        keep = None
        border = False
        for layer, children in zip(elements, layers):
            if keep is None and children.get(_KEEP_NEXT) is not None:
                keep = _flag(children[_KEEP_NEXT])
            bdr = next((b for borders in layer.iterchildren(_PBDR) for b in borders.iterchildren(_BOTTOM)), None)
            if bdr is not None and bdr.get(qn("w:val")) not in ("nil", "none"):
                border = True
                break
        return ParagraphFormat(
            style_id=self.paragraph_style_id(paragraph),
            align=attr("w:jc", "w:val"),
            first_line=first_line,
            left=left if left is not None else number("w:ind", "w:start"),
            right=right if right is not None else number("w:ind", "w:end"),
            before=number("w:spacing", "w:before"),
            after=number("w:spacing", "w:after"),
            line=number("w:spacing", "w:line"),
            line_rule=attr("w:spacing", "w:lineRule"),
            keep_next=bool(keep),
            border_bottom=border,
        )


def paragraph_text(paragraph) -> str:
    """The visible text of a ``w:p`` element: runs' text, tabs and breaks, in order."""
    out = []
    for node in paragraph.iter(qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:instrText")):
        if node.tag == qn("w:t"):
            out.append(node.text or "")
        elif node.tag == qn("w:tab"):
            out.append("\t")
        elif node.tag == qn("w:br"):
            out.append("\n")
    return "".join(out)


def runs(paragraph) -> Iterator:
    """The ``w:r`` elements of a paragraph, including those inside hyperlinks and fields."""
    return paragraph.iter(qn("w:r"))


def body_paragraphs(body) -> Iterator:
    """Every ``w:p`` of a body or cell in document order, descending into tables."""
    for child in body:
        if child.tag == qn("w:p"):
            yield child
        elif child.tag == qn("w:tbl"):
            for cell in child.iter(qn("w:tc")):
                yield from (p for p in cell if p.tag == qn("w:p"))
        elif child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from body_paragraphs(content)


def theme_fonts(document) -> dict[str, str]:
    """The Latin typefaces of the document theme, keyed as ``w:asciiTheme`` names them."""
    try:
        if isinstance(document, DocxView):
            blobs = [document.of_type("/theme")]
        else:
            blobs = [rel.target_part.blob for rel in document.part.rels.values()
                     if rel.reltype.endswith("/theme") and not rel.is_external][:1]
        for blob in blobs:
            if blob is not None:
                root = etree.fromstring(blob, _PARSER)
                out = {}
                for kind, keys in (("majorFont", ("majorHAnsi", "majorAscii")),
                                   ("minorFont", ("minorHAnsi", "minorAscii"))):
                    latin = root.find(f".//{qn('a:' + kind)}/{qn('a:latin')}")
                    if latin is not None:
                        out.update(dict.fromkeys(keys, latin.get("typeface")))
                return out
    except (etree.XMLSyntaxError, AttributeError, KeyError, ValueError):
        pass
    return {}


# ---------------------------------------------------------------- automatic numbering (numbering.xml)

def _roman(number: int) -> str:
    out = []
    for value, letters in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"),
                           (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        count, number = divmod(number, value)
        out.append(letters * count)
    return "".join(out)


def _letters(number: int) -> str:
    """Word's letter numbering: a … z, then aa … zz (the letter repeated)."""
    if number < 1:
        return ""
    return chr(ord("a") + (number - 1) % 26) * ((number - 1) // 26 + 1)


def _formatted(number: int, fmt: str) -> str:
    if fmt == "lowerLetter":
        return _letters(number)
    if fmt == "upperLetter":
        return _letters(number).upper()
    if fmt == "lowerRoman":
        return _roman(number)
    if fmt == "upperRoman":
        return _roman(number).upper()
    if fmt == "decimalZero":
        return f"{number:02d}"
    if fmt == "none":
        return ""
    return str(number)


@dataclass(frozen=True)
class _Level:
    start: int
    fmt: str
    text: str
    restart: int | None  # restart after a use of a level above this one (1-based); 0: never; None: any
    legal: bool  # isLgl: the numbers of higher levels shown as decimals
    suffix: str  # what stands between the number and the text: "\t", " " or ""


def _level(lvl) -> _Level:
    def val(tag: str, default: str | None = None) -> str | None:
        node = lvl.find(qn(tag))
        return node.get(qn("w:val"), default) if node is not None else default

    start = val("w:start", "1")
    restart = val("w:lvlRestart")
    return _Level(int(start) if start.lstrip("-").isdigit() else 1, val("w:numFmt", "decimal"), val("w:lvlText", ""),
                  int(restart) if restart and restart.isdigit() else None, lvl.find(qn("w:isLgl")) is not None,
                  {"space": " ", "nothing": ""}.get(val("w:suff", "tab"), "\t"))


class Numbering:
    """The numbers Word displays for automatically numbered paragraphs (``w:numPr`` → numbering.xml).

    Fed the paragraphs in document order, it keeps Word's counters: one list per abstract numbering shared
    by the ``w:num`` instances that point at it, a level restarting after a use of a higher level, a
    ``w:startOverride`` restarting the list where its instance is first used. ``label`` gives the text
    Word puts before the paragraph ("a)", "1.", "II."), or None for a paragraph without numbering.
    """

    def __init__(self, numbering_element, resolver: FormatResolver):
        self.resolver = resolver
        self.abstract: dict[str, dict[int, _Level]] = {}
        self.instances: dict[str, tuple[str, dict[int, int], dict[int, _Level]]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self.started: set[str] = set()
        if numbering_element is None:
            return
        for abstract in numbering_element.iterfind(qn("w:abstractNum")):
            levels = {}
            for lvl in abstract.iterfind(qn("w:lvl")):
                index = lvl.get(qn("w:ilvl"), "0")
                if index.isdigit():
                    levels[int(index)] = _level(lvl)
            self.abstract[abstract.get(qn("w:abstractNumId"))] = levels
        for num in numbering_element.iterfind(qn("w:num")):
            ref = num.find(qn("w:abstractNumId"))
            starts, redefined = {}, {}
            for override in num.iterfind(qn("w:lvlOverride")):
                index = override.get(qn("w:ilvl"), "0")
                if not index.isdigit():
                    continue
                start = override.find(qn("w:startOverride"))
                if start is not None and (start.get(qn("w:val")) or "").isdigit():
                    starts[int(index)] = int(start.get(qn("w:val")))
                lvl = override.find(qn("w:lvl"))
                if lvl is not None:
                    redefined[int(index)] = _level(lvl)
            if ref is not None:
                self.instances[num.get(qn("w:numId"))] = (ref.get(qn("w:val")), starts, redefined)

    @classmethod
    def for_document(cls, document, resolver: FormatResolver) -> Numbering:
        try:
            if isinstance(document, DocxView):
                blob = document.of_type("/numbering")
                element = parse_xml(blob) if blob is not None else None
            else:
                element = document.part.numbering_part.element
        except (KeyError, AttributeError, NotImplementedError, etree.XMLSyntaxError):
            element = None
        return cls(element, resolver)

    def _reference(self, paragraph) -> tuple[str, int] | None:
        if not self.instances:
            return None  # a document without lists: nothing to look up, paragraph after paragraph
        num_id = level = None
        for layer in self.resolver._ppr_layers(paragraph):
            numpr = layer.find(qn("w:numPr"))
            if numpr is None:
                continue
            if num_id is None and numpr.find(qn("w:numId")) is not None:
                num_id = numpr.find(qn("w:numId")).get(qn("w:val"))
            if level is None and numpr.find(qn("w:ilvl")) is not None:
                level = numpr.find(qn("w:ilvl")).get(qn("w:val"))
        if num_id is None or num_id == "0" or num_id not in self.instances:
            return None
        return num_id, int(level) if level and level.isdigit() else 0

    def label(self, paragraph) -> str | None:
        reference = self._reference(paragraph)
        if reference is None:
            return None
        num_id, level = reference
        abstract_id, starts, redefined = self.instances[num_id]
        levels = {**self.abstract.get(abstract_id, {}), **redefined}
        if level not in levels:
            return None
        counters = self.counters.setdefault(abstract_id, {})
        if num_id not in self.started:
            self.started.add(num_id)
            for index, start in starts.items():
                counters[index] = start - 1
                for deeper in [k for k in counters if k > index]:
                    del counters[deeper]
        counters[level] = counters[level] + 1 if level in counters else levels[level].start
        for deeper in [k for k in counters if k > level]:
            restart = levels[deeper].restart if deeper in levels else None
            if restart != 0 and (restart is None or level < restart):
                del counters[deeper]
        this = levels[level]
        if this.fmt == "bullet":  # a Symbol-font dash shows as "-"; any other bullet as "•"
            text = this.text.replace("\uf02d", "-")
            return "".join(c if c.isprintable() and not "\ue000" <= c <= "\uf8ff" else "•" for c in text) + this.suffix

        def number(match) -> str:
            index = int(match.group(1)) - 1
            shown = levels.get(index)
            value = counters.get(index, shown.start if shown else 1)
            fmt = "decimal" if this.legal and index < level else (shown.fmt if shown else "decimal")
            return _formatted(value, fmt)

        text = re.sub(r"%([1-9])", number, this.text)
        return text + this.suffix if text else None
