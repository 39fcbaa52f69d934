"""Inline emphasis inside a paragraph of plan data.

The plan YAML writes emphasis the way the seed text does, so a secretary can paste from it:

- ``*nghiêng*`` → italic, ``**đậm**`` → bold, ``^chỉ số trên^`` → superscript;
- superscript characters such as ``⁽¹⁾`` (common in web copies of documents) → a superscript "(1)";
- ``\\*``, ``\\^`` and ``\\\\`` stand for the characters themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

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


def parse(text: str) -> list[Span]:
    """Split ``text`` into spans of uniform emphasis; adjacent spans with equal emphasis are merged."""
    spans: list[Span] = []
    italic = bold = sup = False
    buffer: list[str] = []

    def flush(unicode_sup: bool = False) -> None:
        if buffer:
            chunk = "".join(buffer)
            add(Span(chunk, italic, bold, sup or unicode_sup))
            buffer.clear()

    def add(span: Span) -> None:
        if spans and (spans[-1].italic, spans[-1].bold, spans[-1].superscript) == (
            span.italic, span.bold, span.superscript
        ):
            spans[-1] = Span(spans[-1].text + span.text, span.italic, span.bold, span.superscript)
        else:
            spans.append(span)

    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text) and text[i + 1] in "*^\\":
            buffer.append(text[i + 1])
            i += 2
            continue
        if ch == "*":
            flush()
            if text.startswith("**", i):
                bold = not bold
                i += 2
            else:
                italic = not italic
                i += 1
            continue
        if ch == "^":
            flush()
            sup = not sup
            i += 1
            continue
        if ch in _SUPERSCRIPTS:
            flush()
            j = i
            while j < len(text) and text[j] in _SUPERSCRIPTS:
                j += 1
            buffer.append(text[i:j].translate(SUPERSCRIPT_CHARS))
            flush(unicode_sup=True)
            i = j
            continue
        buffer.append(ch)
        i += 1
    flush()
    if italic:
        raise MarkupError("thiếu dấu * đóng phần chữ nghiêng (*…*)")
    if bold:
        raise MarkupError("thiếu dấu ** đóng phần chữ đậm (**…**)")
    if sup:
        raise MarkupError("thiếu dấu ^ đóng phần chỉ số trên (^…^)")
    return spans


def plain(text: str) -> str:
    """The words of ``text`` without markup, as they appear in the document."""
    return "".join(span.text for span in parse(text))
