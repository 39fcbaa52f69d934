"""Properties that must hold for every input, not just the ones we thought of (hypothesis): the date,
number, ký hiệu and text helpers, and "any valid plan → a .docx that opens and passes vanban check"."""

from __future__ import annotations

import datetime as dt
import re
import tempfile
import unicodedata
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator import inline
from generator.check import check_docx
from generator.model import clean_text, parse_date
from generator.pipeline import render_plan
from generator.vocabulary import HEADING
from generator.vietnamese import all_capitals, date_line, end_mark, ky_hieu, short_date, slugify, so_ky_hieu

from conftest import UNITS, DocxFacts

dates = st.dates(min_value=dt.date(1945, 1, 1), max_value=dt.date(2100, 12, 31))

LOWER = "aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
VIETNAMESE = LOWER + LOWER.upper()
word = st.text(alphabet=VIETNAMESE, min_size=1, max_size=9)
punctuation = st.sampled_from([",", ";", ":", " &", " <", ">", ' "', "'", " (", ")", " –", " 2021", " 05/3"])


@st.composite
def sentence(draw, max_words: int = 25) -> str:
    parts = []
    for _ in range(draw(st.integers(1, max_words))):
        parts.append(draw(word))
        if draw(st.integers(0, 5)) == 0:
            parts[-1] += draw(punctuation)
    return " ".join(parts)


# ---------------------------------------------------------------- dates

@given(dates)
def test_a_short_date_reads_back_as_the_same_date(day):
    assert parse_date(short_date(day)) == day


@given(dates)
def test_the_date_line_pads_days_below_ten_and_only_months_one_and_two(day):
    line = date_line("Gia Lai", day, day.year)
    found = re.fullmatch(r"Gia Lai, ngày (\d\d) tháng (\d+) năm (\d{4})", line)
    assert found, line
    assert int(found[1]) == day.day
    assert found[2] == (f"{day.month:02d}" if day.month <= 2 else str(day.month))
    assert int(found[3]) == day.year


@given(st.text(max_size=30))
def test_parse_date_returns_a_date_or_a_vietnamese_value_error(text):
    try:
        result = parse_date(text)
    except ValueError as error:
        assert "ngày" in str(error)
    else:
        assert result is None or isinstance(result, dt.date)


@given(st.integers(1, 31), st.integers(1, 12), st.integers(1945, 2100))
def test_every_day_month_year_is_a_date_or_said_not_to_exist(day, month, year):
    try:
        expected = dt.date(year, month, day)
    except ValueError:
        expected = None
    text = f"{day}/{month}/{year}"
    if expected is None:
        try:
            parse_date(text)
        except ValueError as error:
            assert str(error) == f"ngày {text} không tồn tại"
        else:
            raise AssertionError(f"{text} accepted")
    else:
        assert parse_date(text) == expected


# ---------------------------------------------------------------- số, ký hiệu

codes = st.from_regex(r"[A-ZĐ][A-ZĐ0-9&]{0,7}", fullmatch=True)
types = st.sampled_from(["KH", "BC", "QĐ", "TB", "CT", "TTr", "HD"])


@given(st.integers(1, 99999), types, codes)
def test_so_ky_hieu_pads_numbers_below_ten_and_reads_back(number, type_code, code):
    text = so_ky_hieu(number, ky_hieu(type_code, code))
    found = re.fullmatch(r"Số: (\d+)/([^-/ ]+)-([^-/ ]+)", text)
    assert found, text
    assert int(found[1]) == number and (len(found[1]) == 2 if number < 10 else not found[1].startswith("0"))
    assert (found[2], found[3]) == (type_code, code)


@given(types, codes)
def test_a_draft_leaves_the_number_blank_but_keeps_the_ky_hieu(type_code, code):
    text = so_ky_hieu(None, ky_hieu(type_code, code))
    assert text.startswith("Số:") and text.endswith(f"/{type_code}-{code}")
    assert not re.search(r"\d", text.split("/")[0])


# ---------------------------------------------------------------- text

@given(st.text(max_size=60))
def test_clean_text_gives_nfc_single_spaced_text_or_a_vietnamese_error(text):
    try:
        cleaned = clean_text(text)
    except ValueError as error:
        assert re.search(r"ký tự|bảng mã", str(error)), str(error)
        return
    assert cleaned == unicodedata.normalize("NFC", cleaned) == cleaned.strip()
    assert "  " not in cleaned and not re.search(r"[\x00-\x1f\x7f\u200b]", cleaned)
    assert clean_text(cleaned) == cleaned


def escaped(text: str) -> str:
    return re.sub(r"([*^\\])", r"\\\1", text)


@given(st.text(alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾⁺⁻"),
               max_size=40))
def test_any_text_with_its_markers_escaped_comes_out_as_typed(text):
    assert inline.plain(escaped(text)) == text


@given(st.lists(st.tuples(st.text(alphabet=VIETNAMESE + " ,.", min_size=1, max_size=12),
                          st.booleans(), st.booleans()), min_size=1, max_size=6))
def test_italic_and_bold_markup_parses_back_to_its_spans(pieces):
    merged: list[tuple[str, bool, bool]] = []  # as a person writes them: "*a b*", not "*a**b*"
    for text, italic, bold in pieces:
        if merged and merged[-1][1:] == (italic, bold):
            merged[-1] = (merged[-1][0] + text, italic, bold)
        else:
            merged.append((text, italic, bold))
    pieces = merged
    markup, italic_on, bold_on = "", False, False
    for text, italic, bold in pieces:  # a marker where the emphasis changes, as "*a **b***" is written
        markup += ("**" if bold != bold_on else "") + ("*" if italic != italic_on else "") + text
        italic_on, bold_on = italic, bold
    markup += ("**" if bold_on else "") + ("*" if italic_on else "")
    spans = inline.parse(markup)
    assert "".join(s.text for s in spans) == "".join(t for t, _, _ in pieces)
    position = 0
    for text, italic, bold in pieces:  # every character keeps the emphasis it was given
        for span in spans:
            start = sum(len(s.text) for s in spans[: spans.index(span)])
            if start <= position < start + len(span.text):
                assert (span.italic, span.bold) == (italic, bold)
        position += len(text)


@given(st.text(max_size=40))
def test_slugs_are_safe_file_names(text):
    slug = slugify(text)
    assert re.fullmatch(r"([a-z0-9]+(-[a-z0-9]+)*)?", slug)


@given(sentence())
def test_the_end_mark_is_added_once(text):
    marked = end_mark(text)
    assert marked.endswith("./.") and end_mark(marked) == marked


# ---------------------------------------------------------------- any valid plan

ISSUERS = ["ubnd-tinh", "so-tu-phap", "so-noi-vu", "ubnd-huyen-chu-se", "ubnd-thanh-pho-pleiku", "cong-an-tinh",
           "bch-quan-su-tinh", "ban-quan-ly-khu-kinh-te"]


@st.composite
def plans(draw) -> dict:
    # A text that itself begins "e) " or "3. " is typed numbering: the reader sees a label, and the checker
    # judges it as one (test_typed_numbering_in_a_paragraph_is_judged_as_the_reader_sees_it), so valid
    # plans here do not start their texts with one.
    prose = sentence().filter(lambda t: not HEADING.match(t))

    def node(depth: int) -> dict:
        item: dict = {"title": draw(sentence(12))} if draw(st.booleans()) else {"text": draw(prose)}
        if draw(st.booleans()):
            item["paragraphs"] = draw(st.lists(prose, min_size=1, max_size=2))
        if depth < 2 and draw(st.integers(0, 2)) == 0:
            item["items"] = [node(depth + 1) for _ in range(draw(st.integers(1, 3)))]
        return item

    issuer = draw(st.sampled_from(ISSUERS))
    day = draw(st.none() | st.dates(dt.date(2021, 1, 1), dt.date(2021, 12, 31)))
    document = {
        "issuer": issuer,
        "type": draw(st.sampled_from(["KH", "BC"])),
        "number": draw(st.none() | st.integers(1, 999)),
        "date": short_date(day) if day else None,
        "year": 2021,
        "title": draw(sentence(20).filter(lambda t: not all_capitals(t))),  # ND30: not all in capitals
        "opening": draw(st.lists(prose, max_size=2)),
        "sections": [{"title": draw(sentence(8)), "items": [node(1) for _ in range(draw(st.integers(1, 3)))]}
                     for _ in range(draw(st.integers(1, 4)))],
        "closing": draw(st.lists(prose, max_size=2)),
        "signer": {"role": draw(st.sampled_from(["head", "deputy", "acting"])),
                   "name": draw(st.none() | st.sampled_from(["Nguyễn Văn A", "Trần Thị Bích Ngọc", "Võ Ngọc Thành"]))},
        "recipients": [{"to": draw(sentence(6)), "purpose": draw(st.sampled_from(["báo cáo", "thực hiện", "phối hợp"]))}
                       for _ in range(draw(st.integers(1, 4)))],
        "archive": draw(st.lists(st.sampled_from(["NC", "VX", "KT", "TH"]), max_size=2, unique=True)),
    }
    return {"units": str(UNITS), "slug": "ke-hoach-thu", "document": document}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans())
def test_any_valid_plan_renders_to_a_docx_that_opens_and_passes_check(plan):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ke-hoach.yaml"
        path.write_text(yaml.safe_dump(plan, allow_unicode=True, sort_keys=False), encoding="utf-8")
        rendered = render_plan(path, Path(folder) / "out")
        facts = DocxFacts(rendered.docx)  # python-docx opens it
        assert clean_text(plan["document"]["title"]) in facts.texts()
        report = check_docx(rendered.docx.read_bytes(), rendered.docx.name)
        assert report.ok, [(r.rule.id, [v.detail for v in r.outcome.violations]) for r in report.errors]


def test_typed_numbering_in_a_paragraph_is_judged_as_the_reader_sees_it(tmp_path):
    plan = {"units": str(UNITS), "slug": "ke-hoach-thu", "document": {
        "issuer": "so-tu-phap", "type": "KH", "year": 2021, "title": "Kế hoạch thử",
        "sections": [{"title": "Mục đích", "items": [
            {"text": "Tuyên truyền pháp luật.", "paragraphs": ["e) nội dung gõ tay như một điểm."]}]}],
        "signer": {"role": "head"}, "recipients": [{"to": "UBND tỉnh", "purpose": "báo cáo"}]}}
    path = tmp_path / "ke-hoach.yaml"
    path.write_text(yaml.safe_dump(plan, allow_unicode=True, sort_keys=False), encoding="utf-8")
    rendered = render_plan(path, tmp_path / "out")
    report = check_docx(rendered.docx.read_bytes(), rendered.docx.name)
    numbering = [r for r in report.errors if r.rule.id == "noi-dung.danh-so"]
    assert [(v.text[:2], v.detail) for v in numbering[0].outcome.violations] == [("e)", "điểm «e)» phải là «a)»")]
