"""Filling the {chỗ trống} of profile texts: plain names only, no attribute access, unknown names refused.

Profiles are data a secretary edits; ``str.format`` would let "{x.__class__}" reach Python internals, so the
placeholders are matched by a regular expression and looked up in a dictionary of text values.
"""

from __future__ import annotations

import difflib
import re

from ..errors import InputError, Location

PLACEHOLDER = re.compile(r"\{([a-z_]+)(\^?)\}")
_ANY_BRACE = re.compile(r"[{}]")


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def lower_first(text: str) -> str:
    """"Triển khai công tác …" → "triển khai công tác …" (for use in the middle of a sentence)."""
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


class Wording:
    """The values of one unit's placeholders; ``fill`` substitutes them into a profile text."""

    def __init__(self, values: dict[str, str]):
        self.values = dict(values)

    def fill(self, template: str, where: Location, depth: int = 0) -> str:
        def replace(match: re.Match) -> str:
            name, upper = match.group(1), match.group(2)
            if name not in self.values:
                close = difflib.get_close_matches(name, list(self.values), n=1)
                hint = f"có phải ý bạn là {{{close[0]}}}?" if close else "xem danh sách chỗ trống ở đầu tệp cascade-profiles.yaml"
                raise InputError(f"chỗ trống {{{name}}} không có", where, hint=hint)
            value = self.values[name]
            if depth < 3 and PLACEHOLDER.search(value):
                value = self.fill(value, where, depth + 1)
            return capitalise(value) if upper else value

        filled = PLACEHOLDER.sub(replace, template)
        if depth == 0 and _ANY_BRACE.search(PLACEHOLDER.sub("", template)):
            raise InputError("dấu ngoặc nhọn { } chỉ dùng cho chỗ trống dạng {ten_cho_trong}", where)
        return filled


def placeholders(template: str) -> set[str]:
    return {match.group(1) for match in PLACEHOLDER.finditer(template)}
