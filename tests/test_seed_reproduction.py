"""The rendered seed plan reproduces the seed text word for word, italics and superscripts included."""

from __future__ import annotations

import difflib
import re

from generator.inline import SUPERSCRIPT_CHARS
from generator.ooxml.reading import paragraph_text, runs

from conftest import SEED_TEXT

HEADER_WORDS = (
    "ỦY BAN NHÂN DÂN TỈNH GIA LAI CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc "
    "Số: /KH-UBND Gia Lai, ngày tháng năm 2021"
).split()


def seed_words() -> list[str]:
    text = SEED_TEXT.read_text(encoding="utf-8").replace("*", "").translate(SUPERSCRIPT_CHARS)
    return text.split()


def document_words(facts) -> list[str]:
    return " ".join(facts.texts()).split()


def test_every_seed_word_is_in_the_document_in_order(seed_facts):
    seed = seed_words()
    matcher = difflib.SequenceMatcher(None, seed, document_words(seed_facts), autojunk=False)
    matched = sum(block.size for block in matcher.get_matching_blocks())
    assert matched / len(seed) >= 0.995


def test_the_only_differences_are_the_header_the_kt_prefix_and_the_end_mark(seed_facts):
    seed, doc = seed_words(), document_words(seed_facts)
    matcher = difflib.SequenceMatcher(None, seed, doc, autojunk=False)
    differences = [(tag, seed[i1:i2], doc[j1:j2]) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"]
    assert differences == [
        ("insert", [], HEADER_WORDS),
        ("replace", ["quyết."], ["quyết./."]),
        ("insert", [], ["KT."]),
    ]


def italic_spans(facts) -> list[str]:
    """Runs of italic text inside the content (the date line and "Nơi nhận:" are italic by rule)."""
    spans: list[str] = []
    content_styles = {"VBNoiDung", "VBMuc", "VBKhoan", "VBDiem", "VBKetThuc", "VBTrichYeu"}
    for paragraph in facts.paragraphs:
        if facts.resolver.paragraph_style_id(paragraph) not in content_styles:
            continue
        current = ""
        for run in runs(paragraph):
            text = "".join(t.text or "" for t in run.iter(run.tag.replace("}r", "}t")))
            if facts.resolver.run_format(paragraph, run).italic:
                current += text
            elif current:
                spans.append(current)
                current = ""
        if current:
            spans.append(current)
    return spans


def test_all_sixteen_italic_spans_are_italic_and_nothing_else_is(seed_facts):
    expected = re.findall(r"\*([^*]+)\*", SEED_TEXT.read_text(encoding="utf-8"))
    assert len(expected) == 16
    assert italic_spans(seed_facts) == expected


def test_the_six_reference_markers_are_superscript(seed_facts):
    paragraph = seed_facts.find_starting("Tiếp tục tuyên truyền, quán triệt")
    superscripts = [
        "".join(t.text for t in run.iter(run.tag.replace("}r", "}t")))
        for run in runs(paragraph)
        if seed_facts.resolver.run_format(paragraph, run).superscript
    ]
    assert superscripts == [f"({n})" for n in range(1, 7)]


def test_numbering_is_derived_from_position(seed_facts):
    texts = seed_facts.texts()
    headings = [t for t in texts if re.match(r"^(I|II|III)\. ", t)]
    assert headings == ["I. MỤC ĐÍCH, YÊU CẦU", "II. NỘI DUNG TRIỂN KHAI THỰC HIỆN", "III. TỔ CHỨC THỰC HIỆN"]
    assert any(t.startswith("9. Sơ kết, tổng kết Kế hoạch dân vận năm 2021") for t in texts)
    assert paragraph_text(seed_facts.find_starting("Trên đây là Kế hoạch")).endswith("giải quyết./.")
