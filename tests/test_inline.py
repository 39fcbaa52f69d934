"""Inline emphasis markup of plan texts."""

from __future__ import annotations

import pytest

from generator.inline import MarkupError, Span, parse, plain


def test_italic_bold_and_superscript_spans():
    assert parse("chủ đề “*Dân vận khéo*”, **đậm** và ^a^") == [
        Span("chủ đề “"), Span("Dân vận khéo", italic=True), Span("”, "), Span("đậm", bold=True),
        Span(" và "), Span("a", superscript=True),
    ]


def test_unicode_superscript_markers_become_superscript_text():
    assert parse("như: ⁽¹⁾ Quyết định") == [Span("như: "), Span("(1)", superscript=True), Span(" Quyết định")]


def test_escaped_markers_are_literal():
    assert plain(r"3 \* 4 \^ 2") == "3 * 4 ^ 2"


@pytest.mark.parametrize("text", ["*không đóng", "**đậm", "^số"])
def test_unbalanced_markers_are_refused_with_a_vietnamese_message(text):
    with pytest.raises(MarkupError, match="thiếu dấu"):
        parse(text)
