"""The words and patterns of the ND30 format, written once.

Nghị định 30/2020/NĐ-CP fixes what a document says in many places: the Quốc hiệu and Tiêu ngữ, the
"Số: 07/KH-UBND" line, the "Gia Lai, ngày 05 tháng 3 năm 2021" line, the authority prefixes of the
signature (TM., KT., Q., TL., TUQ.), "Nơi nhận:", "- Lưu: VT, …." and "Kính gửi", the numbering of mục,
khoản and điểm, and the names and codes of the loại văn bản (Phụ lục III). The renderer writes them, the
checker (``check.anatomy``, ``check.inspections``) and the importer (``importer.blocks``,
``importer.parse``) read them — all from here. Patterns are matched against text already NFC-normalised,
with one space between words.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cached_property, lru_cache
from types import MappingProxyType
from typing import Literal

from pydantic import BaseModel, ConfigDict, model_validator

from . import resources

# ---------------------------------------------------------------- ô 1: Quốc hiệu, Tiêu ngữ

QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"
# "HÒA" or, in the old tone placement, "HOÀ"
QUOC_HIEU_PATTERN = re.compile(r"c[ộo]ng\s*h(?:òa|oà|oa)\s+x[ãa]\s*h[ộo]i\s+ch[ủu]\s*ngh[ĩi]a\s+vi[ệe]t\s*nam", re.I)
TIEU_NGU_PATTERN = re.compile(r"độc\s*lập\s*\S?\s*tự\s*do\s*\S?\s*hạnh\s*phúc", re.I)
TIEU_NGU_SPAN = re.compile(r"độc.*phúc", re.I)  # the Tiêu ngữ part of a line that holds more

# ---------------------------------------------------------------- ô 3: số, ký hiệu

SO_LABEL = "Số:"
# a line that is the số line: "Số: 07/KH-UBND", "Số:      /KH-UBND", "So 7/…"
SO_LINE = re.compile(r"^s[ốo]\s*:?\s*[\d .…_]*/", re.I)
# the same line in parts, to inspect it: the number (empty in a draft) and everything after "/"
SO_PARTS = re.compile(r"^s[ốo]\s*:?\s*(?P<number>[\d]*)[\s.…_]*/\s*(?P<ky_hieu>.*)$", re.I)
# the same line read by the importer: the ký hiệu ends at the first space (a date may follow on the line)
SO_READ = re.compile(r"^s[ốo]\s*:?\s*(?P<number>\d*)[\s.…_]*/\s*(?P<ky_hieu>[^\s]+)", re.I)
# a ký hiệu: groups of letters and digits joined by "-" ("KH-UBND", "UBND-VX")
KY_HIEU = re.compile(r"^[0-9A-ZĐa-zđ&]+(?:-[0-9A-ZĐa-zđ&]+)*$")

# ---------------------------------------------------------------- ô 4: địa danh, ngày tháng

# a line that may be the date line (it must also hold a comma after the địa danh)
DATE_LINE = re.compile(r"ngày.*tháng.*năm", re.I)
# the date line in parts, to inspect it: địa danh, the comma after it, day and month as written
DATE_PARTS = re.compile(r"^(?P<place>[^,]*?)(?P<comma>,?)\s*ngày\s*(?P<day>[^\s]*)\s*tháng\s*(?P<month>[^\s]*)\s*năm",
                        re.I)
# the date line read by the importer: địa danh, day, month (blank in a draft) and year
DATE_READ = re.compile(r"^(?P<place>[^,]{2,40}),\s*ngày\s*(?P<day>[\d.…_ ]*?)\s*tháng\s*(?P<month>[\d.…_ ]*?)\s*"
                       r"năm\s*(?P<year>\d{4})", re.I)
# … and found anywhere in a line (a web copy puts "Số: …" and the date on one line)
DATE_ANYWHERE = re.compile(DATE_READ.pattern.lstrip("^").replace("[^,]{2,40}", r"[^,|/]{2,40}?"), re.I)
# "ngày 5 tháng 3" with digits, to pad day and month
DAY_MONTH_DIGITS = re.compile(r"ngày\s*(?P<day>\d+)\s*tháng\s*(?P<month>\d+)")

# ---------------------------------------------------------------- ô 7: chữ ký

# Điều 13: thay mặt, ký thay, quyền, thừa lệnh, thừa ủy quyền
THAY_MAT, KY_THAY, QUYEN, THUA_LENH, THUA_UY_QUYEN = "TM", "KT", "Q", "TL", "TUQ"
AUTHORITY_PREFIXES = (THAY_MAT, KY_THAY, QUYEN, THUA_LENH, THUA_UY_QUYEN)
_PREFIX_GROUP = "|".join(AUTHORITY_PREFIXES)
# an authority line written correctly: "KT. CHỦ TỊCH"
AUTHORITY = re.compile(rf"^({_PREFIX_GROUP})\.\s")
# an authority line with or without its full stop, to inspect it: prefix, the stop, the rest
AUTHORITY_PARTS = re.compile(rf"^({_PREFIX_GROUP})(\.?)\s*(\S.*)$")
# the Party's way of writing them (T/M, K/T, T/L), wrong in an administrative document
PARTY_PREFIX = re.compile(r"^(T/M|K/T|T/L)\s")
DEPUTY = "PHÓ "  # a deputy's title: "PHÓ CHỦ TỊCH"
ACADEMIC_TITLE = re.compile(r"^(GS|PGS|TS|ThS|BS|KS|CN|TSKH)\.\s", re.I)  # not written before a signer's name


def authority_line(prefix: str, title: str) -> str:
    """"KT." + "CHỦ TỊCH" → "KT. CHỦ TỊCH"."""
    return f"{prefix}. {title}"


# ---------------------------------------------------------------- ô 9: Kính gửi, Nơi nhận

KINH_GUI = re.compile(r"^kính\s*gửi\s*:?\s*(?P<rest>.*)$", re.I)
KINH_GUI_WORDS = "kính gửi"  # how a Kính gửi line starts, in lower case
NOI_NHAN_LABEL = "Nơi nhận:"
NOI_NHAN = re.compile(r"^n[ơo]i\s*nh[ậa]n\s*:?\s*$", re.I)
NHU_TREN = "- Như trên;"  # first line of Nơi nhận under a Kính gửi
ARCHIVE_LABEL = "- Lưu: "
ARCHIVE_OFFICE = "VT"  # văn thư
ARCHIVE = re.compile(r"^- ?Lưu: ?VT\b.*\.$")


def archive_line(units: list[str]) -> str:
    """The last line of Nơi nhận: "- Lưu: VT, NC."."""
    return ARCHIVE_LABEL + ", ".join([ARCHIVE_OFFICE, *units]) + "."


# ---------------------------------------------------------------- ô 6: numbering of the content

# mục I., II. (Roman); khoản 1., 2.; điểm a), b), c), d), đ), e), g)… (Phụ lục I, mục II.6.d)
DIEM_LETTERS = "abcdđeghiklmnopqrstuvxy"
ROMAN_NUMERALS = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV"]
HEADING = re.compile(r"^(?:(?P<muc>[IVXLC]+)\.|(?P<khoan>\d+)\.|(?P<diem>[a-zđ])\))\s")
MUC = re.compile(r"^(?P<label>[IVX]{1,4})\.\s+(?P<rest>.+)$")
KHOAN = re.compile(r"^(?P<label>\d{1,2})\.\s+(?P<rest>.+)$")
DIEM = re.compile(r"^(?P<label>[a-zđ])\)\s+(?P<rest>.+)$")
END_MARK = "./."  # after the last sentence of the content
# the parts of a Quyết định, a Quy chế: "Chương I", "Mục 1", "Điều 3."; khoản and điểm are numbered anew in each
DIVISION = re.compile(r"^(?:(?P<chuong>chương)\s+[IVXLC\d]+\b|(?P<muc_named>mục)\s+\d+\b|(?P<dieu>điều)\s+\d+[a-zđ]?\s*[.:])",
                      re.I)

_ROMAN_VALUES = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                 (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]


def roman(number: int) -> str:
    out = []
    for value, letters in _ROMAN_VALUES:
        count, number = divmod(number, value)
        out.append(letters * count)
    return "".join(out)


def diem_letter(index: int) -> str:
    """0 → "a", 4 → "đ", 5 → "e", 6 → "g"; after "y" the letters double ("aa", "ab"…)."""
    n = len(DIEM_LETTERS)
    return DIEM_LETTERS[index] if index < n else diem_letter(index // n - 1) + DIEM_LETTERS[index % n]


def is_section_heading(text: str) -> bool:
    """A numbered heading: "I. …", "1. …", "a) …"."""
    return bool(re.match(r"^([IVXLC]+\.|\d+\.|[a-zđ]\))\s", text))


# ---------------------------------------------------------------- loại văn bản (Phụ lục III)

CONG_VAN = "CÔNG VĂN"  # a công văn has no tên loại line and no type code in its ký hiệu
CONG_VAN_TYPE = "CV"  # how a Document says it is a công văn (not a Phụ lục III code: a công văn has none)
CONG_VAN_NAME = "Công văn"


@lru_cache(maxsize=1)
def document_types() -> dict[str, str]:
    """Phụ lục III: type abbreviation → type name ("KH" → "Kế hoạch")."""
    return dict(resources.data_yaml("nd30-loai-van-ban.yaml")["types"])


@lru_cache(maxsize=1)
def type_codes_by_name() -> Mapping[str, str]:
    """The tên loại as printed (capitals) → its code: "KẾ HOẠCH" → "KH" (read-only: every check asks)."""
    return MappingProxyType({name.upper(): code for code, name in document_types().items()})


# ---------------------------------------------------------------- capitals

def is_caps(text: str) -> bool:
    """Every letter a capital (header lines, authority lines, tên loại)."""
    # asked of the same header and signature lines in every document of a batch: recalled by text
    return (_is_caps if len(text) <= 400 else _is_caps.__wrapped__)(text)


@lru_cache(maxsize=8192)
def _is_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


# ---------------------------------------------------------------- ô 7: who signs for whom (data/authority.yaml)

class AuthorityForm(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    meaning: str  # "ký thay"
    before: Literal["collective", "head"]  # TM. stands before a collective body, the others before a head's title
    ref: str


class SigningPosition(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    head: str  # "BỘ TRƯỞNG"
    deputies: tuple[str, ...]  # "THỨ TRƯỞNG": the line under "KT. BỘ TRƯỞNG"
    forms: tuple[str, ...]  # the prefixes written before the head's title: KT, Q, TL, TUQ


class Authority(BaseModel):
    """Điều 13 and Phụ lục I, mục II.7.b as data: each head position, its deputies and its prefixes. A title
    may run on ("PHÓ TRƯỞNG BAN THƯỜNG TRỰC"); a head that is not listed has the deputy "PHÓ <head>"."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    ref: str
    forms: dict[str, AuthorityForm]
    positions: tuple[SigningPosition, ...]

    @model_validator(mode="after")
    def _known_forms(self):
        unknown = {f for p in self.positions for f in p.forms} - set(self.forms)
        if unknown:
            raise ValueError(f"quyền hạn không có trong forms: {', '.join(sorted(unknown))}")
        return self

    def position(self, title: str) -> SigningPosition | None:
        """The head position ``title`` names: "GIÁM ĐỐC", "GIÁM ĐỐC SỞ TƯ PHÁP" → GIÁM ĐỐC."""
        shown = _shown(title)
        found = [p for p in self.positions if _named(shown, p.head)]
        return max(found, key=lambda p: len(p.head)) if found else None

    def deputies_of(self, head: str) -> tuple[str, ...]:
        position = self.position(head)
        return position.deputies if position else (DEPUTY + head.strip(),)

    def is_deputy_of(self, title: str, head: str) -> bool:
        """Whether ``title`` is a deputy of ``head``: THỨ TRƯỞNG of BỘ TRƯỞNG, PHÓ GIÁM ĐỐC of GIÁM ĐỐC."""
        shown = _shown(title)
        return any(_named(shown, deputy) for deputy in self.deputies_of(head))

    def is_deputy(self, title: str) -> bool:
        if title.startswith(DEPUTY):
            return True
        # a deputy's title, or one that runs on after it: what _named asks of each deputy, asked of the title's
        # word-by-word beginnings (a signature block's lines are asked, every document)
        deputies = self._deputies
        words = _shown(title).split(" ")
        return any(" ".join(words[:n]) in deputies for n in range(1, len(words) + 1))

    @cached_property
    def _deputies(self) -> frozenset[str]:
        return frozenset(d for p in self.positions for d in p.deputies)

    def head_of(self, deputy: str) -> str | None:
        """The head a deputy signs for: THỨ TRƯỞNG → BỘ TRƯỞNG, PHÓ GIÁM ĐỐC → GIÁM ĐỐC."""
        shown = _shown(deputy)
        found = [(d, p.head) for p in self.positions for d in p.deputies if _named(shown, d)]
        if found:
            return max(found, key=lambda pair: len(pair[0]))[1]
        return deputy[len(DEPUTY):].strip() if deputy.startswith(DEPUTY) else None

    def deputy_for(self, head: str, fallback: str) -> str:
        """The deputy title to print under "KT. <head>": ``fallback`` when it is one, else the data's first."""
        return fallback if self.is_deputy_of(fallback, head) else self.deputies_of(head)[0]


def _shown(title: str) -> str:
    """A title as the data writes it: capitals, one space between words."""
    return " ".join(title.split()).upper()


def _named(shown: str, position: str) -> bool:
    """Whether a title (as :func:`_shown` gives it) is ``position``, or starts with it: "GIÁM ĐỐC SỞ …"."""
    return shown == position or shown.startswith(position + " ")


def authority() -> Authority:
    return resources.data_model(Authority, "authority.yaml")


# ---------------------------------------------------------------- ô 10a, 10b: dấu chỉ độ mật, mức độ khẩn

# as typed lines (Phụ lục I, mục III.2); the old "HỎA TỐC HẸN GIỜ" and "KHẨN CẤP" are read to be refused
URGENCY_LINE = re.compile(r"^(h[oỏ][aả] tốc( hẹn giờ)?|thượng khẩn|khẩn( cấp)?)$", re.I)
SECRECY_LINE = re.compile(r"^(tuyệt mật|tối mật|mật)$", re.I)
MARK_LINE_LENGTH = 16  # no line either pattern matches is longer («hỏa tốc hẹn giờ», and a final line feed)


def is_purpose_title(title: str) -> bool:
    """"Mục đích, yêu cầu" (mục I of a plan), however it is capitalised."""
    return title.strip().lower().startswith("mục đích")


def is_organisation_title(title: str) -> bool:
    """"Tổ chức thực hiện" (the last mục of a plan), however it is capitalised."""
    return title.strip().lower().startswith("tổ chức thực hiện")
