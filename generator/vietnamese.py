"""Vietnamese writing rules of ND30 as small pure functions.

Dates ("ngày 05 tháng 3 năm 2021"), số/ký hiệu ("Số: 07/KH-UBND"), upper-casing names for headers,
NFC normalisation and file-name slugs. Each is pinned by tests; nothing here knows about .docx.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from .vocabulary import END_MARK, SO_LABEL

# Blank fields of a draft, to be filled in by the văn thư at registration (Điều 15).
DRAFT_BLANK = " " * 6


def nfc(text: str) -> str:
    """Precomposed Unicode (TCVN 6909:2001 text is NFC); decomposed input from Mac or web copies is fixed."""
    return unicodedata.normalize("NFC", text)


# old tone placement ("hoà", "uỷ", "khoẻ") → the placement ND30's samples use ("hòa", "ủy", "khỏe"): only at
# the end of a syllable ("hoàn" is the same in both), never after q ("quý" is written one way)
_OLD_TONE = re.compile(r"(?<![qQ])([oOuU])([aAeEyY])([\u0300\u0301\u0303\u0309\u0323])(?![^\W\d_])")


def modern_tones(text: str) -> str:
    """"CỘNG HOÀ", "UỶ BAN" (old tone placement, NFC or NFD) → "CỘNG HÒA", "ỦY BAN", in NFC."""
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", _OLD_TONE.sub(r"\1\3\2", decomposed))


def letters_only(text: str) -> str:
    """The bare letters of a text, capitals, without marks or spaces: how a fixed phrase is recognised whatever
    its tone placement, composition or spacing ("Cộng hoà  xã hội…" → "CONGHOAXAHOI…")."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if c.isalnum() and not unicodedata.combining(c)).upper()


def upper(text: str) -> str:
    """Upper-case a Vietnamese name for a header line: "Sở Tư pháp" → "SỞ TƯ PHÁP"."""
    return nfc(nfc(text).upper())


def all_capitals(text: str, min_letters: int = 7) -> bool:
    """Text typed in capitals throughout ("KẾ HOẠCH TRIỂN KHAI …"), where ND30 wants ordinary case."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= min_letters and all(c.isupper() for c in letters)


def day_text(day: int) -> str:
    """Days 1–9 take a leading zero (Phụ lục I, II.4.b)."""
    return f"{day:02d}"


def month_text(month: int) -> str:
    """Only months 1 and 2 take a leading zero: "tháng 01", "tháng 02", "tháng 3" … "tháng 12"."""
    return f"{month:02d}" if month <= 2 else str(month)


def date_line(place: str, when: date | None, year: int) -> str:
    """The địa danh and date line (ô 4); a draft leaves day and month blank for the văn thư."""
    if when is None:
        return f"{place}, ngày{DRAFT_BLANK}tháng{DRAFT_BLANK}năm {year}"
    return f"{place}, ngày {day_text(when.day)} tháng {month_text(when.month)} năm {when.year}"


def short_date(when: date) -> str:
    """A date cited in running text, as UBND documents write it: "26/02/2021", "16/5/2016"."""
    return f"{day_text(when.day)}/{month_text(when.month)}/{when.year}"


def number_text(number: int) -> str:
    """Numbers below 10 take a leading zero (Phụ lục I, II.3.c)."""
    return f"{number:02d}"


def ky_hieu(type_code: str | None, issuer_code: str, drafting_unit: str | None = None) -> str:
    """The ký hiệu after "/": "KH-UBND" for a văn bản có tên loại; "UBND-VX" for a công văn."""
    if type_code:
        return f"{type_code}-{issuer_code}"
    return f"{issuer_code}-{drafting_unit}" if drafting_unit else issuer_code


def so_ky_hieu(number: int | None, ky_hieu_text: str) -> str:
    """"Số: 07/KH-UBND"; a draft leaves the number blank: "Số:      /KH-UBND"."""
    shown = DRAFT_BLANK if number is None else number_text(number)
    separator = "" if number is None else " "
    return f"{SO_LABEL}{separator}{shown}/{ky_hieu_text}"


def end_mark(text: str) -> str:
    """Close the content with "./." after the last sentence, as every Phụ lục III sample does."""
    text = text.rstrip()
    if text.endswith(END_MARK):
        return text
    if text.endswith("."):
        return text + "/."
    return text + END_MARK


_SLUG_DROP = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    """A file-name-safe ASCII slug: "Kế hoạch Dân vận 2021" → "ke-hoach-dan-van-2021"."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    ascii_text = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    return _SLUG_DROP.sub("-", ascii_text).strip("-")


def figure(value: int) -> str:
    """A whole number as Vietnamese documents write it, with "." between thousands: 1.234."""
    return f"{value:,}".replace(",", ".")
