"""ND30 writing rules for dates, numbers, ký hiệu, capitals and slugs."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from generator.derive import diem_letter, numbering, roman
from generator.vietnamese import (
    date_line,
    end_mark,
    ky_hieu,
    nfc,
    short_date,
    slugify,
    so_ky_hieu,
    upper,
)


@pytest.mark.parametrize(("when", "expected"), [
    (date(2021, 1, 1), "Gia Lai, ngày 01 tháng 01 năm 2021"),
    (date(2021, 3, 5), "Gia Lai, ngày 05 tháng 3 năm 2021"),
    (date(2020, 2, 29), "Gia Lai, ngày 29 tháng 02 năm 2020"),
    (date(2021, 12, 31), "Gia Lai, ngày 31 tháng 12 năm 2021"),
    (date(2021, 9, 10), "Gia Lai, ngày 10 tháng 9 năm 2021"),
])
def test_date_line_pads_days_below_ten_and_only_months_one_and_two(when, expected):
    assert date_line("Gia Lai", when, when.year) == expected


def test_a_draft_date_line_leaves_day_and_month_blank():
    assert date_line("Gia Lai", None, 2021) == "Gia Lai, ngày      tháng      năm 2021"


def test_short_dates_in_running_text_follow_the_same_padding():
    assert short_date(date(2021, 2, 26)) == "26/02/2021"
    assert short_date(date(2016, 5, 16)) == "16/5/2016"
    assert short_date(date(2016, 1, 7)) == "07/01/2016"


@pytest.mark.parametrize(("number", "expected"), [
    (None, "Số:      /KH-UBND"), (7, "Số: 07/KH-UBND"), (10, "Số: 10/KH-UBND"), (1234, "Số: 1234/KH-UBND"),
])
def test_so_ky_hieu_pads_numbers_below_ten_and_leaves_drafts_blank(number, expected):
    assert so_ky_hieu(number, ky_hieu("KH", "UBND")) == expected


def test_ky_hieu_of_a_cong_van_has_no_type_abbreviation():
    assert ky_hieu(None, "UBND", "VX") == "UBND-VX"
    assert ky_hieu("BC", "SNV") == "BC-SNV"


def test_upper_handles_every_vietnamese_letter_and_normalises():
    assert upper("Sở Tư pháp") == "SỞ TƯ PHÁP"
    assert upper("ủy ban nhân dân tỉnh đắk lắk") == "ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK"
    decomposed = unicodedata.normalize("NFD", "Chư Sê")
    assert upper(decomposed) == "CHƯ SÊ" and unicodedata.is_normalized("NFC", upper(decomposed))


def test_nfc_composes_decomposed_text():
    assert nfc(unicodedata.normalize("NFD", "Kế hoạch")) == "Kế hoạch"


@pytest.mark.parametrize(("text", "expected"), [
    ("giải quyết.", "giải quyết./."),
    ("giải quyết", "giải quyết./."),
    ("giải quyết./.", "giải quyết./."),
    ("giải quyết. ", "giải quyết./."),
])
def test_end_mark(text, expected):
    assert end_mark(text) == expected


def test_slugify_drops_diacritics_and_keeps_d():
    assert slugify("Kế hoạch Dân vận năm 2021") == "ke-hoach-dan-van-nam-2021"
    assert slugify("Huyện Đăk Đoa") == "huyen-dak-doa"


def test_diem_letters_follow_the_vietnamese_alphabet():
    assert [diem_letter(i) for i in range(12)] == list("abcdđeghiklm")
    assert "f" not in "".join(diem_letter(i) for i in range(23))


def test_numbering_by_level():
    assert [numbering(0, i) for i in range(4)] == ["I.", "II.", "III.", "IV."]
    assert numbering(1, 8) == "9." and numbering(2, 4) == "đ)" and numbering(3, 0) == "-"
    assert roman(14) == "XIV"
