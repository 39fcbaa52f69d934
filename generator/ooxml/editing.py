"""Changing a .docx in place, in domain terms: a run's size or emphasis, the font and colour of the whole
document, a section's margin, the text of a line.

``check.fixes`` decides what is safe to repair; this module knows where Word keeps it. Every setter writes
direct formatting (the strongest link of the style chain), so the fix shows whatever the styles say.
"""

from __future__ import annotations

from lxml import etree

from . import half_points, qn
from .document import Section


def _rpr(run):
    rpr = run.find(qn("w:rPr"))
    if rpr is None:
        rpr = etree.SubElement(run, qn("w:rPr"))
        run.remove(rpr)
        run.insert(0, rpr)
    return rpr


def _set(rpr, tag: str, attrs: dict[str, str]) -> None:
    node = rpr.find(qn(tag))
    if node is None:
        node = etree.SubElement(rpr, qn(tag))
    for key, value in attrs.items():
        node.set(qn(key), value)


def set_run_size(runs, size_pt: float) -> None:
    """Set the size of ``runs`` (Latin and complex script) to ``size_pt``."""
    value = str(half_points(size_pt))
    for run in runs:
        rpr = _rpr(run)
        _set(rpr, "w:sz", {"w:val": value})
        _set(rpr, "w:szCs", {"w:val": value})


_EMPHASIS_TAGS = {"bold": "w:b", "italic": "w:i"}


def set_run_emphasis(runs, emphasis: str, on: bool) -> int:
    """Turn ``bold`` or ``italic`` on or off in ``runs``; returns how many runs were set."""
    tag = _EMPHASIS_TAGS[emphasis]
    changed = 0
    for run in runs:
        rpr = _rpr(run)
        _set(rpr, tag, {"w:val": "1" if on else "0"})
        _set(rpr, tag + "Cs", {"w:val": "1" if on else "0"})
        changed += 1
    return changed


def set_font_everywhere(document, font: str) -> int:
    """Name ``font`` in every font setting of the body and the styles (theme fonts dropped), and in the
    document defaults; returns how many settings changed."""
    root = document.element
    styles = document.styles.element
    changed = 0
    for tree in (root, styles):
        for node in tree.iter(qn("w:rFonts")):
            for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
                node.attrib.pop(qn(theme), None)
            for attr in ("w:ascii", "w:hAnsi", "w:cs"):
                if node.get(qn(attr)) != font:
                    node.set(qn(attr), font)
                    changed += 1
    defaults = styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}")
    if defaults is not None:
        rpr = defaults.find(qn("w:rPr"))
        if rpr is None:
            rpr = etree.SubElement(defaults, qn("w:rPr"))
        _set(rpr, "w:rFonts", {"w:ascii": font, "w:hAnsi": font, "w:cs": font})
    return changed


def set_colour_black_everywhere(document) -> int:
    """Make every coloured text of the body and the styles black; returns how many settings changed."""
    changed = 0
    for tree in (document.element, document.styles.element):
        for node in tree.iter(qn("w:color")):
            if node.get(qn("w:val")) not in ("000000", "auto"):
                node.set(qn("w:val"), "000000")
                node.attrib.pop(qn("w:themeColor"), None)
                changed += 1
    return changed


def set_margin(section: Section, side: str, twips: int) -> None:
    """Set a section's ``top``/``bottom``/``left``/``right`` page margin."""
    section.element.find(qn("w:pgMar")).set(qn(f"w:{side}"), str(twips))


def replace_text(runs, new_text: str) -> bool:
    """Put ``new_text`` into the first text node of ``runs`` and empty the others; False when they hold
    no text node."""
    texts = [t for run in runs for t in run.iter(qn("w:t"))]
    if not texts:
        return False
    texts[0].text = new_text
    texts[0].set(qn("xml:space"), "preserve")
    for node in texts[1:]:
        node.text = ""
    return True
