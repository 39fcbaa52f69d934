"""Inline emphasis inside a paragraph of plan data.

The plan YAML writes emphasis the way the seed text does, so a secretary can paste from it:

- ``*nghiêng*`` → italic, ``**đậm**`` → bold, ``^chỉ số trên^`` → superscript;
- superscript characters such as ``⁽¹⁾`` (common in web copies of documents) → a superscript "(1)";
- ``\\*``, ``\\^`` and ``\\\\`` stand for the characters themselves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

SUPERSCRIPT_CHARS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾⁺⁻", "0123456789()+-")
_SUPERSCRIPTS = set("⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾⁺⁻")


@dataclass(frozen=True)
class Span:
    text: str
    italic: bool = False
    bold: bool = False
    superscript: bool = False


class MarkupError(ValueError):
    """Unbalanced emphasis markers; the message is Vietnamese and names the marker."""


_TOKEN = re.compile(r"(\\[*^\\]|\*\*|\*|\^|[⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾⁺⁻]+)")


def parse(text: str) -> list[Span]:
    """Split ``text`` into spans of uniform emphasis; adjacent spans with equal emphasis are merged."""
    return list(_parse(text))


@lru_cache(maxsize=8192)
def _parse(text: str) -> tuple[Span, ...]:
    # Plans repeat the same paragraphs in every unit's document: parsed once, reused.
    spans: list[Span] = []
    italic = bold = sup = False

    def add(chunk: str, superscript: bool) -> None:
        if not chunk:
            return
        key = (italic, bold, superscript)
        if spans and (spans[-1].italic, spans[-1].bold, spans[-1].superscript) == key:
            spans[-1] = Span(spans[-1].text + chunk, *key)
        else:
            spans.append(Span(chunk, *key))

    for token in _TOKEN.split(text):
        if not token:
            continue
        if token[0] == "\\" and len(token) == 2:
            add(token[1], sup)
        elif token == "**":
            bold = not bold
        elif token == "*":
            italic = not italic
        elif token == "^":
            sup = not sup
        elif token[0] in _SUPERSCRIPTS:
            add(token.translate(SUPERSCRIPT_CHARS), True)
        else:
            add(token, sup)
    if italic:
        raise MarkupError("thiếu dấu * đóng phần chữ nghiêng (*…*)")
    if bold:
        raise MarkupError("thiếu dấu ** đóng phần chữ đậm (**…**)")
    if sup:
        raise MarkupError("thiếu dấu ^ đóng phần chỉ số trên (^…^)")
    return tuple(spans)


def plain(text: str) -> str:
    """The words of ``text`` without markup, as they appear in the document."""
    return "".join(span.text for span in parse(text))
