"""A part's XML as text: the few string operations the compiled render path does on a template's parts.

The compiled path (``fastrender.py``) renders a part's body as a Jinja template over its XML text, as
docxtpl does, without parsing it; the markup it needs to find or mark lives here.
"""

from __future__ import annotations

import re

from . import esc

XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_PARAGRAPH_START = re.compile(r"<w:p([ >])")
_MARKED_PARAGRAPH_START = re.compile(r"\n<w:p([ >])")
_TITLE = re.compile(r"<dc:title>.*?</dc:title>|<dc:title/>", re.S)
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


def with_title(core_xml: str, title: str) -> str:
    """The core properties part (``docProps/core.xml``) with ``dc:title`` set to ``title``."""
    return _TITLE.sub(f"<dc:title>{esc(title)}</dc:title>", core_xml, count=1)
