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


def text_width_twips(text: str, size_pt: float, *, bold: bool = False, italic: bool = False) -> int:
    """Width of ``text`` on one line, in twips. Unknown characters count as an average letter."""
    metrics = _metrics()
    widths = metrics["widths"][_style(bold, italic)]
    fallback = widths["n"]
    units = sum(widths.get(ch, fallback) for ch in text)
    return round(units * size_pt * TWIPS_PER_PT / metrics["units_per_em"])


def wrap_lines(text: str, width_twips: int, size_pt: float, *, bold: bool = False, italic: bool = False) -> list[str]:
    """Greedy word wrap as Word does it for a centred paragraph: the lines ``text`` will occupy."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if current and text_width_twips(candidate, size_pt, bold=bold, italic=italic) > width_twips:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines
