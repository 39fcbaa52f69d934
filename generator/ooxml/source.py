"""A part's XML as text: the few string operations the compiled render path does on a template's parts.

The compiled path (``fastrender.py``) renders a part's body as a Jinja template over its XML text, as
docxtpl does, without parsing it; the markup it needs to find or mark lives here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from . import esc

XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_PARAGRAPH_START = re.compile(r"<w:p([ >])")
_MARKED_PARAGRAPH_START = re.compile(r"\n<w:p([ >])")
_BODY_OPEN, _BODY_CLOSE = "<w:body", "</w:body>"


def body_bounds(document_xml: str) -> tuple[int, int]:
    """Where the ``w:body`` element of the main document part starts and ends in its text."""
    return document_xml.index(_BODY_OPEN), document_xml.rindex(_BODY_CLOSE) + len(_BODY_CLOSE)


def is_body(xml: str) -> bool:
    return _BODY_OPEN in xml


def paragraphs_on_lines(xml: str) -> str:
    """Each paragraph on a line of its own, so that a template error's line number is a paragraph number."""
    return _PARAGRAPH_START.sub(r"\n<w:p\1", xml)


def paragraphs_joined(xml: str) -> str:
    """The inverse of :func:`paragraphs_on_lines`, on rendered XML."""
    return _MARKED_PARAGRAPH_START.sub(r"<w:p\1", xml)


# The document's core properties (docProps/core.xml): what Word shows under File > Info and what LibreOffice
# carries into a PDF's Info and XMP (title, author, subject, keywords). An element that is there gets its
# text replaced; one that is not is appended at the end, as python-docx does, so that both render paths agree.
CORE_ELEMENTS = {"title": "dc:title", "creator": "dc:creator", "subject": "dc:subject", "keywords": "cp:keywords"}
_CORE_END = "</cp:coreProperties>"


def with_core_properties(core_xml: str, properties: Mapping[str, str]) -> str:
    """``core_xml`` with each of ``properties`` (keys of :data:`CORE_ELEMENTS`) set."""
    for key, value in properties.items():
        tag = CORE_ELEMENTS[key]
        element = f"<{tag}>{esc(value)}</{tag}>"
        pattern = re.compile(rf"<{tag}>.*?</{tag}>|<{tag}/>", re.S)
        if pattern.search(core_xml):
            core_xml = pattern.sub(lambda _: element, core_xml, count=1)
        elif _CORE_END in core_xml:
            core_xml = core_xml.replace(_CORE_END, element + _CORE_END, 1)
    return core_xml
