"""Build ``generator/data/font_metrics.json`` from the Liberation Serif fonts.

Liberation Serif has the advance widths of Times New Roman (it was made metric-compatible), so the
widths measured here are the widths Word and LibreOffice lay out with. vanban needs them to size the
rules under the header and the trích yếu and to tell whether a header line fits its column; shipping
the numbers as data keeps fontTools and the fonts out of the run-time dependencies.

Run: ``python -m generator.buildtools.font_metrics`` (needs fonttools and Debian's fonts-liberation2).
"""

from __future__ import annotations

import json
from pathlib import Path

from fontTools.ttLib import TTFont

from .. import resources

FONT_DIR = Path("/usr/share/fonts/truetype/liberation2")
FILES = {
    "regular": "LiberationSerif-Regular.ttf",
    "bold": "LiberationSerif-Bold.ttf",
    "italic": "LiberationSerif-Italic.ttf",
    "bold-italic": "LiberationSerif-BoldItalic.ttf",
}
# Printable ASCII, Latin-1, Latin Extended-A/B (Ơ, Ư, Đ …), Latin Extended Additional (Vietnamese
# precomposed letters) and the punctuation Vietnamese documents use.
RANGES = [(0x20, 0x7E), (0xA0, 0xFF), (0x100, 0x24F), (0x1EA0, 0x1EF9), (0x2010, 0x2026), (0x2070, 0x209F)]
OUT = resources.data_file("font_metrics.json")


def measure() -> dict:
    widths: dict[str, dict[str, int]] = {}
    units_per_em = None
    for style, filename in FILES.items():
        font = TTFont(FONT_DIR / filename)
        units_per_em = font["head"].unitsPerEm
        cmap = font.getBestCmap()
        hmtx = font["hmtx"]
        table: dict[str, int] = {}
        for start, end in RANGES:
            for code in range(start, end + 1):
                glyph = cmap.get(code)
                if glyph is not None:
                    table[chr(code)] = hmtx[glyph][0]
        widths[style] = table
    return {
        "source": "Liberation Serif 2 (metric-compatible with Times New Roman), fonts-liberation2",
        "units_per_em": units_per_em,
        "widths": widths,
    }


def main() -> None:
    OUT.write_text(json.dumps(measure(), ensure_ascii=False, sort_keys=True, indent=0) + "\n", encoding="utf-8")
    print(OUT)


if __name__ == "__main__":
    main()
