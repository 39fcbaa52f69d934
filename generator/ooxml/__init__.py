"""Raw WordprocessingML lives here and only here.

Everything else in vanban speaks of headers, rules, signature blocks and Nơi nhận; this package turns
those into twips, ``w:pPr`` and zip entries, and back. ``document`` reads any .docx (the checker and the
importer both go through it), ``reading`` resolves effective formats, ``editing`` changes a document for
the checker's fixes, ``parts`` and ``package`` write. Lengths enter as millimetres or points and leave as
twips (1/20 pt) or half-points, the units OOXML stores.
"""

from __future__ import annotations

from functools import lru_cache

from xml.sax.saxutils import escape as _escape

# The one namespace map of vanban: every prefix a .docx part uses that vanban reads or writes.
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
V_NS = "urn:schemas-microsoft-com:vml"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
EP_NS = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
XML_NS = "http://www.w3.org/XML/1998/namespace"
WPS_NS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
PIC_NS = "http://schemas.openxmlformats.org/drawingml/2006/picture"
O_NS = "urn:schemas-microsoft-com:office:office"
NS = {"w": W_NS, "r": R_NS, "wp": WP_NS, "a": A_NS, "v": V_NS, "mc": MC_NS, "ep": EP_NS, "xml": XML_NS,
      "wps": WPS_NS, "pic": PIC_NS, "o": O_NS}

TWIPS_PER_MM = 1440 / 25.4
TWIPS_PER_PT = 20


def mm(value: float) -> int:
    """Millimetres to twips, rounded."""
    return round(value * TWIPS_PER_MM)


def pt(value: float) -> int:
    """Points to twips."""
    return round(value * TWIPS_PER_PT)


def half_points(size_pt: float) -> int:
    """Font size in points to ``w:sz`` half-points."""
    return round(size_pt * 2)


def twips_to_mm(twips: float) -> float:
    return twips / TWIPS_PER_MM


def esc(text: str) -> str:
    """Escape text for an XML text node or attribute."""
    return _escape(text, {'"': "&quot;"})


@lru_cache(maxsize=None)  # a few dozen tags, looked up tens of thousands of times per checked document
@lru_cache(maxsize=1024)  # asked thousands of times per document checked, of the few names the code uses
def qn(tag: str) -> str:
    """``w:p`` → ``{namespace}p`` for lxml lookups (any prefix of :data:`NS`)."""
    prefix, local = tag.split(":")
    return "{%s}%s" % (NS[prefix], local)


def first_child(element, tag: str):
    """The first child of ``element`` with this tag, or None: what ``element.find(tag)`` finds, without the
    path search lxml runs in Python for it (asked for every paragraph, run and cell read)."""
    if element is not None:
        for child in element.iterchildren(tag):
            return child
    return None


class RawXml:
    """A fragment of WordprocessingML handed to docxtpl as-is (``{{p x}}`` or ``{{r x}}`` tags).

    ``__html__`` tells Jinja's autoescape that the fragment is already markup.
    """

    __slots__ = ("xml",)

    def __init__(self, xml: str):
        self.xml = xml

    def __str__(self) -> str:
        return self.xml

    def __html__(self) -> str:
        return self.xml

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RawXml) and other.xml == self.xml

    def __repr__(self) -> str:
        return f"RawXml({self.xml!r})"


def rule_paragraph(rule_twips: int, column_twips: int, style_id: str) -> RawXml:
    """A short solid rule centred in its column: an empty paragraph whose bottom border is the rule.

    The border spans the paragraph between its indents, so equal left/right indents give a centred
    line of exactly ``rule_twips`` — a real line a secretary can drag in Word, not underscores.
    """
    side = max(0, (column_twips - rule_twips) // 2)
    return RawXml(
        f'<w:p><w:pPr><w:pStyle w:val="{style_id}"/>'
        f'<w:ind w:left="{side}" w:right="{side}"/></w:pPr></w:p>'
    )
