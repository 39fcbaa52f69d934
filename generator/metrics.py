"""Text widths in Times New Roman, from the metrics shipped in ``data/font_metrics.json``.

Used to size rules ("1/3 to 1/2 of the line above") and to tell whether a header line fits its
column without wrapping. Word does not kern by default, so summing advance widths is what it does.
"""

from __future__ import annotations

import json
from functools import lru_cache

from . import resources
from .ooxml import TWIPS_PER_PT


@lru_cache(maxsize=1)
def _metrics() -> dict:
    return json.loads(resources.data_text("font_metrics.json"))


def _style(bold: bool, italic: bool) -> str:
    if bold and italic:
        return "bold-italic"
    return "bold" if bold else "italic" if italic else "regular"


@lru_cache(maxsize=65536)  # words recur: the checker measures every line of every document
def _units(text: str, style: str) -> int:
    """Width of ``text`` in font units. Unknown characters count as an average letter."""
    widths = _metrics()["widths"][style]
    fallback = widths["n"]
    return sum(widths.get(ch, fallback) for ch in text)


def _twips(units: int, size_pt: float) -> int:
    return round(units * size_pt * TWIPS_PER_PT / _metrics()["units_per_em"])


def text_width_twips(text: str, size_pt: float, *, bold: bool = False, italic: bool = False) -> int:
    """Width of ``text`` on one line, in twips. Unknown characters count as an average letter."""
    style = _style(bold, italic)
    return _twips(sum(_units(word, style) for word in text.split(" ")) + _units(" ", style) * text.count(" "),
                  size_pt)


def wrap_lines(text: str, width_twips: int, size_pt: float, *, bold: bool = False, italic: bool = False) -> list[str]:
    """Greedy word wrap as Word does it for a centred paragraph: the lines ``text`` will occupy."""
    style = _style(bold, italic)
    space = _units(" ", style)
    lines: list[str] = []
    current, width = "", 0
    for word in text.split():
        word_width = _units(word, style)
        if current and _twips(width + space + word_width, size_pt) > width_twips:
            lines.append(current)
            current, width = word, word_width
        elif current:
            current, width = f"{current} {word}", width + space + word_width
        else:
            current, width = word, word_width
    if current:
        lines.append(current)
    return lines
