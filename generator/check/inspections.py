"""One inspection per rule of the catalogue, registered by rule id.

Each inspection looks at the :class:`Subject` (the anatomy of the document plus its sections and
header parts) and returns an :class:`Outcome`: passed, violated (with the offending text), not
applicable, or not observable — never a pass for something it could not see. Thresholds (what the decree
allows) come from the rule's ``params`` in the catalogue; how each element is written (bold, italic,
capitals, centred) from the layout profile (``layout-nd30.yaml``, ``format``), which the fixes share.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from ..layout import default_layout
from ..metrics import text_width_twips, wrap_lines
from ..ooxml.document import HeaderPart, Section
from ..ooxml.reading import FormatResolver
from ..vietnamese import all_capitals, modern_tones
from ..vocabulary import (ACADEMIC_TITLE, ARCHIVE, AUTHORITY_PARTS, AUTHORITY_PREFIXES, CONG_VAN, DATE_PARTS,
                          DEPUTY, DIEM_LETTERS, END_MARK, HEADING, KY_HIEU, KY_THAY, NHU_TREN, NOI_NHAN_LABEL,
                          PARTY_PREFIX, QUOC_HIEU, ROMAN_NUMERALS, SO_LABEL, SO_PARTS, THAY_MAT, TIEU_NGU,
                          TIEU_NGU_SPAN, authority, document_types, type_codes_by_name)
from ..vocabulary import DIVISION
from .anatomy import Anatomy, Line, is_caps, normal, widest_line
from .catalogue import Outcome, Rule, Violation, not_applicable, passed, rule_with_id, unobservable, verdict
from .inspections_electronic import install as install_electronic

A4 = (11906, 16838)
TWIPS_PER_MM = 1440 / 25.4
DEFAULT_SIZE = 10.0  # what Word uses when no layer sets w:sz
LEGACY_FONT = re.compile(r"^(\.vn|vni[- ]|vn[a-z]*times|vntime)", re.I)


@dataclass
class Subject:
    document: object
    anatomy: Anatomy
    resolver: FormatResolver
    sections: list[Section] = field(default_factory=list)  # in order
    parts: list[HeaderPart] = field(default_factory=list)  # of the first section
    title_page: bool = False
    page_count: int | None = None  # from docProps/app.xml when a word processor wrote it
    found: dict = field(default_factory=dict, repr=False, compare=False)  # see recall

    def recall(self, name: str, derive):
        """``derive()`` — what several rules find in this document (its content paragraphs, its Phụ lục) —
        found once per check."""
        if name not in self.found:
            self.found[name] = derive()
        return self.found[name]


INSPECTIONS: dict[str, Callable[[Subject, Rule], Outcome]] = {}


def inspection(rule_id: str):
    def register(function):
        INSPECTIONS[rule_id] = function
        return function
    return register


# ---------------------------------------------------------------- helpers

def size_of(line: Line) -> frozenset[float]:
    """The sizes of the line's visible text (Word's default where none is set), recalled with its reading."""
    return line.recall("sizes", _sizes, line)


def _sizes(line: Line) -> frozenset[float]:
    return frozenset({s if s is not None else DEFAULT_SIZE for s in line.sizes})


def size_problem(line: Line, low: float, high: float) -> str | None:
    sizes = size_of(line)
    if all(low <= s <= high for s in sizes):
        return None
    return "cỡ chữ " + ", ".join(f"{s:g}" for s in sorted(sizes))


def emphasis_problems(line: Line, *, bold: bool | None = None, italic: bool | None = None) -> tuple[str, ...]:
    """What is wrong with the line's bold and italic, recalled with its reading (the format rules ask it of
    every line of their element)."""
    key = ("emphasis", bold, italic)
    return line.recall(key, _emphasis_problems, line, bold, italic)


def _emphasis_problems(line: Line, bold: bool | None, italic: bool | None) -> tuple[str, ...]:
    out = []
    if bold is True and not line.all("bold"):
        out.append("chưa in đậm" if not line.any("bold") else "có chữ không đậm")
    if bold is False and line.any("bold"):
        out.append("không được in đậm")
    if italic is True and not line.all("italic"):
        out.append("chưa in nghiêng")
    if italic is False and line.any("italic"):
        out.append("không được in nghiêng")
    return tuple(out)  # recalled with the line's reading: kept as it was found


def prescribed(element: str) -> dict:
    """How ND30 writes ``element`` (``layout-nd30.yaml``, ``format``): bold, italic (True, False or None when
    free), capitals and centring (checked when True)."""
    emphasis = getattr(default_layout().format, element)
    return {"bold": emphasis.bold, "italic": emphasis.italic, "caps": emphasis.caps, "centred": emphasis.centred}


def format_check(lines: list[Line], rule: Rule, *, bold=None, italic=None, caps=False, centred=False) -> Outcome:
    low, high = rule.params.get("min_pt", 0), rule.params.get("max_pt", 99)
    # what is wrong with a line's format, recalled with its reading (its pieces and its paragraph's format):
    # the header and signature lines of a cascade recur from document to document
    key = ("format", low, high, bold, italic, caps, centred)
    violations = []
    for line in lines:
        problems = line.recall(key, _format_problems, line, low, high, bold, italic, caps, centred)
        if problems:
            violations.append(Violation(line.text, problems, line.order))
    return verdict(violations)


def _format_problems(line: Line, low: float, high: float, bold, italic, caps: bool, centred: bool) -> str:
    size = size_problem(line, low, high)
    problems = [size] if size else []
    problems += emphasis_problems(line, bold=bold, italic=italic)
    if caps and not is_caps(line.text):
        problems.append("chưa in hoa")
    if centred and line.fmt.align not in ("center",):
        problems.append("chưa căn giữa")
    return "; ".join(problems)


def missing(subject: Subject, what: str, pattern: str) -> Outcome:
    if subject.anatomy.in_textbox(pattern):
        return unobservable(f"{what} nằm trong hộp văn bản (text box), không đọc được định dạng")
    return unobservable(f"không tìm thấy {what}")


def mm(twips: int) -> float:
    return twips / TWIPS_PER_MM


def rule_length_check(rule_found, reference_width: int, low: float, high: float, what: str,
                      subject_text: str) -> Outcome:
    if rule_found is None:
        return verdict([Violation(subject_text, f"không có đường kẻ dưới {what}")])
    if rule_found.kind == "underscores":
        return verdict([Violation(subject_text, "đường kẻ được gõ bằng chuỗi dấu gạch dưới (_), không phải nét kẻ")])
    if rule_found.length is None:
        return unobservable(f"đường kẻ dưới {what} là hình vẽ không đo được độ dài")
    ratio = rule_found.length / reference_width if reference_width else 0
    if not low <= ratio <= high:
        return verdict([Violation(subject_text, f"đường kẻ dài {mm(rule_found.length):.0f} mm, bằng "
                                                f"{ratio:.0%} dòng chữ phía trên ({mm(reference_width):.0f} mm)")])
    return passed()


# ---------------------------------------------------------------- page

@inspection("trang.kho-giay")
def paper(subject: Subject, rule: Rule) -> Outcome:
    violations = []
    for number, sect in enumerate(subject.sections, 1):
        page = sect.page
        if page is None:
            return unobservable("không có kích thước trang trong tệp")
        w, h, _ = page
        if sorted((w, h)) != sorted(A4) and not (abs(min(w, h) - A4[0]) <= 30 and abs(max(w, h) - A4[1]) <= 30):
            violations.append(Violation(f"phần {number}", f"khổ {mm(w):.0f} × {mm(h):.0f} mm"))
    return verdict(violations)


@inspection("trang.huong")
def orientation(subject: Subject, rule: Rule) -> Outcome:
    page = subject.sections[0].page if subject.sections else None
    if page is None:
        return unobservable("không có kích thước trang trong tệp")
    w, h, orient = page
    if w > h or orient == "landscape":
        return verdict([Violation("phần 1", "trang nằm ngang")])
    return passed()


def _margin(side: str):
    def check(subject: Subject, rule: Rule) -> Outcome:
        violations = []
        low, high = rule.params["min_mm"], rule.params["max_mm"]
        for number, sect in enumerate(subject.sections, 1):
            value = sect.margin(side)
            if value is None:
                return unobservable("không có lề trang trong tệp")
            page = sect.page
            if number > 1 and page and page[0] > page[1]:
                continue  # ND30 sets no margins for landscape appendix pages
            size = mm(abs(value))
            if not low - 0.3 <= size <= high + 0.3:
                violations.append(Violation(f"phần {number}", f"lề {size:.1f} mm"))
        return verdict(violations)
    return check


for _side, _id in (("top", "trang.le-tren"), ("bottom", "trang.le-duoi"), ("left", "trang.le-trai"),
                   ("right", "trang.le-phai")):
    INSPECTIONS[_id] = _margin(_side)


# ---------------------------------------------------------------- font

def _all_lines(subject: Subject) -> list[Line]:
    return subject.recall("lines with text", lambda: [l for l in subject.anatomy.lines if l.text])


def _fonts(line: Line) -> frozenset:
    """The fonts of a line's visible text (None: not named), recalled with its reading."""
    return line.recall("fonts", _visible_fonts, line)


def _visible_fonts(line: Line) -> frozenset:
    return frozenset(f.font for f in line.visible)


def _font_reading(line: Line, wanted: str) -> tuple[bool, str | None, str | None, str | None]:
    """(whether the line names a font, what is wrong with its fonts, its colours, its encoding — None when
    nothing)."""
    fonts = _fonts(line)
    wrong = sorted(f for f in fonts if f is not None and f != wanted)
    return (bool(fonts - {None}), ("phông " + ", ".join(wrong)) if wrong else None, _colour_problem(line),
            _encoding_problem(line))


def _line_problems(subject: Subject, wanted: str) -> tuple[bool, list, list, list]:
    """(whether any line names a font, and the violations of the font, colour and encoding rules): one pass
    over the lines for the three rules of the font, each line's reading recalled with it."""
    def derive():
        named, fonts, colours, encodings = False, [], [], []
        key = ("font", wanted)
        for line in _all_lines(subject):
            names, font, colour, encoding = line.recall(key, _font_reading, line, wanted)
            named = named or names
            if font:
                fonts.append(Violation(line.text, font, line.order))
            if colour:
                colours.append(Violation(line.text, colour, line.order))
            if encoding:
                encodings.append(Violation(line.text, encoding, line.order))
        return named, fonts, colours, encodings
    return subject.recall(("line problems", wanted), derive)


def _wanted_font() -> str:
    return rule_with_id("phong.ho-chu").params["font"]


@inspection("phong.ho-chu")
def font_family(subject: Subject, rule: Rule) -> Outcome:
    named, violations, _, _ = _line_problems(subject, rule.params["font"])
    if not named:
        return unobservable("tệp không ghi tên phông chữ; phông hiển thị tùy phần mềm và máy tính")
    return verdict(list(violations))


def _colour_problem(line: Line) -> str | None:
    colours = frozenset(f.color for f in line.visible) - {None, "000000", "auto"}
    return "màu " + ", ".join(sorted(colours)) if colours else None


@inspection("phong.mau")
def font_colour(subject: Subject, rule: Rule) -> Outcome:
    return verdict(list(_line_problems(subject, _wanted_font())[2]))


def _encoding_problem(line: Line) -> str | None:
    fonts = sorted(f for f in _fonts(line) if f and LEGACY_FONT.match(f))
    if fonts:
        return "phông cũ " + ", ".join(fonts)
    if not unicodedata.is_normalized("NFC", "".join(t for t, _ in line.pieces)):
        return "chữ tổ hợp (Unicode tổ hợp), không phải dựng sẵn"
    return None


@inspection("phong.unicode")
def unicode_text(subject: Subject, rule: Rule) -> Outcome:
    return verdict(list(_line_problems(subject, _wanted_font())[3]))


# ---------------------------------------------------------------- Quốc hiệu, Tiêu ngữ

def _shown_text(line: Line, shown: Callable[[str], str]) -> str:
    return shown(normal("".join(t for t, _ in line.pieces)))


def _exact_text(line_of: Callable[[Anatomy], Line | None], what: str, pattern: str,
                expected: str, shown: Callable[[str], str]) -> Callable[[Subject, Rule], Outcome]:
    """An element is present and reads exactly ``expected`` (after ``shown`` picks the part to compare)."""
    def inspect(subject: Subject, rule: Rule) -> Outcome:
        line = line_of(subject.anatomy)
        if line is None:
            if subject.anatomy.in_textbox(pattern):
                return unobservable(f"{what} nằm trong hộp văn bản (text box)")
            return verdict([Violation("", f"không có {what}")])
        text = line.recall(("shown", shown), _shown_text, line, shown)
        if text != expected:
            return verdict([Violation(line.text, f"viết là «{text}»", line.order)])
        return passed()
    return inspect


def _element_format(line_of: Callable[[Anatomy], Line | None], what: str, pattern: str,
                    **emphasis) -> Callable[[Subject, Rule], Outcome]:
    """An element's size within the rule's range and its emphasis as ND30 prescribes."""
    def inspect(subject: Subject, rule: Rule) -> Outcome:
        line = line_of(subject.anatomy)
        if line is None:
            return missing(subject, what, pattern)
        return format_check([line], rule, **emphasis)
    return inspect


def _tieu_ngu_part(text: str) -> str:
    match = TIEU_NGU_SPAN.search(text)
    return match.group(0) if match else text


INSPECTIONS["quoc-hieu.noi-dung"] = _exact_text(
    lambda a: a.quoc_hieu, "Quốc hiệu", "xã hội chủ nghĩa", QUOC_HIEU, modern_tones)
INSPECTIONS["quoc-hieu.dinh-dang"] = _element_format(
    lambda a: a.quoc_hieu, "Quốc hiệu", "xã hội chủ nghĩa", **prescribed("quoc_hieu"))
INSPECTIONS["tieu-ngu.noi-dung"] = _exact_text(lambda a: a.tieu_ngu, "Tiêu ngữ", "hạnh phúc", TIEU_NGU, _tieu_ngu_part)
INSPECTIONS["tieu-ngu.dinh-dang"] = _element_format(
    lambda a: a.tieu_ngu, "Tiêu ngữ", "hạnh phúc", **prescribed("tieu_ngu"))


@inspection("tieu-ngu.duong-ke")
def tieu_ngu_rule(subject: Subject, rule: Rule) -> Outcome:
    line = subject.anatomy.tieu_ngu
    if line is None:
        return missing(subject, "Tiêu ngữ", "hạnh phúc")
    tolerance = rule.params["tolerance"]
    found = subject.anatomy.rules.get("tieu_ngu")
    return rule_length_check(found, line.width(), 1 - tolerance, 1 + tolerance, "Tiêu ngữ", line.text)


def _laid_out_width(line: Line) -> float:
    """The line's width measured piece by piece as laid out: its own size and emphasis, condensed or expanded
    spacing, scale."""
    pieces = [(unicodedata.normalize("NFC", t), f) for t, f in line.pieces]
    return sum(text_width_twips(t, f.size_pt or DEFAULT_SIZE, bold=f.bold, italic=f.italic) * f.scale / 100
               + f.spacing * len(t) for t, f in pieces) or line.width()


@inspection("tieu-de.mot-dong")
def header_one_line(subject: Subject, rule: Rule) -> Outcome:
    a = subject.anatomy
    lines = [l for l in (a.quoc_hieu, a.tieu_ngu, a.date) if l is not None]
    if not lines:
        return unobservable("không tìm thấy Quốc hiệu, Tiêu ngữ và dòng ngày tháng")
    violations, seen = [], False
    margin = rule.params.get("margin", 0.03)
    for line in lines:
        if line.cell is None:
            continue  # without a table the column width is not written in the file
        seen = True
        width = line.recall("laid-out width", _laid_out_width, line)
        room = line.cell.content_width
        if width > room * (1 + margin):
            violations.append(Violation(line.text, f"cần {mm(width):.0f} mm nhưng cột chỉ rộng {mm(room):.0f} mm",
                                        line.order))
        elif width > room:  # over by a few percent: Word or LibreOffice may still keep it on one line
            violations.append(Violation(line.text, f"có thể xuống dòng: cần {mm(width):.1f} mm, cột rộng "
                                                   f"{mm(room):.1f} mm", line.order))
    if not seen:
        return unobservable("tiêu đề không đặt trong bảng nên không biết độ rộng cột")
    return verdict(violations)


# ---------------------------------------------------------------- issuer

def _chu_quan_split(lines: list[Line]) -> tuple[list[Line], list[Line]]:
    """(chủ quản lines, issuing-body lines): the lines not in bold above the bold name ("ỦY BAN NHÂN DÂN" /
    "THÀNH PHỐ HỒ CHÍ MINH" / "SỞ NỘI VỤ"); when no line is bold, or the first is, an abbreviated "UBND …"
    or a non-bold first line alone."""
    plain = next((index for index, line in enumerate(lines) if line.any("bold")), len(lines))
    if 0 < plain < len(lines):
        return lines[:plain], lines[plain:]
    if len(lines) >= 2 and (lines[0].text.startswith("UBND ") or not lines[0].any("bold")):
        return lines[:1], lines[1:]
    return [], lines


@inspection("co-quan.dinh-dang")
def issuer_format(subject: Subject, rule: Rule) -> Outcome:
    lines = subject.anatomy.issuer
    if not lines:
        return missing(subject, "tên cơ quan ban hành", "ủy ban|ubnd|sở ")
    chu_quan, ban_hanh = _chu_quan_split(lines)
    first = format_check(chu_quan, rule, **prescribed("chu_quan"))
    second = format_check(ban_hanh, rule, **prescribed("ban_hanh"))
    return verdict(first.violations + second.violations)


@inspection("co-quan.duong-ke")
def issuer_rule(subject: Subject, rule: Rule) -> Outcome:
    lines = subject.anatomy.issuer
    if not lines:
        return missing(subject, "tên cơ quan ban hành", "ủy ban|ubnd|sở ")
    # the rule stands under the issuing body's name; on two lines ("ỦY BAN NHÂN DÂN" / "TỈNH GIA LAI") it is
    # measured against the longer one, as the eye does; offices that size it from the last line are right too
    _, name = _chu_quan_split(lines)
    outcomes = [rule_length_check(subject.anatomy.rules.get("issuer"), line.width(), rule.params["min_fraction"],
                                  rule.params["max_fraction"], "tên cơ quan ban hành", line.text)
                for line in sorted(name or lines, key=lambda l: -l.width())]
    return next((o for o in outcomes if not o.violations), outcomes[0])


# ---------------------------------------------------------------- số, ký hiệu

def _so(subject: Subject):
    line = subject.anatomy.so
    return line, (SO_PARTS.match(line.text) if line else None)


@inspection("so.dinh-dang")
def so_format(subject: Subject, rule: Rule) -> Outcome:
    line, _ = _so(subject)
    if line is None:
        return missing(subject, "dòng số, ký hiệu", r"số\s*:")
    result = format_check([line], rule, **prescribed("so_ky_hieu"))
    if not line.text.startswith(SO_LABEL):
        result = verdict(result.violations + [Violation(line.text, f"phải viết «{SO_LABEL}»", line.order)])
    return result


@inspection("so.so-0")
def so_padding(subject: Subject, rule: Rule) -> Outcome:
    line, match = _so(subject)
    if line is None or match is None:
        return missing(subject, "dòng số, ký hiệu", r"số\s*:")
    number = match.group("number")
    if not number:
        return not_applicable("bản dự thảo chưa có số")
    if int(number) < 10 and len(number) < 2:
        return verdict([Violation(line.text, f"số «{number}» thiếu số 0", line.order)])
    return passed()


@inspection("so.ky-hieu")
def so_ky_hieu(subject: Subject, rule: Rule) -> Outcome:
    line, match = _so(subject)
    if line is None:
        return missing(subject, "dòng số, ký hiệu", r"số\s*:")
    raw = normal("".join(t for t, _ in line.pieces))
    if "/" not in raw:
        return verdict([Violation(line.text, "thiếu dấu «/» giữa số và ký hiệu", line.order)])
    ky_hieu = raw.split("/", 1)[1]
    problems = []
    if ky_hieu != ky_hieu.strip() or " " in ky_hieu.strip() or re.search(r"\d\s+/|/\s", raw):
        problems.append("có dấu cách trong ký hiệu")
    if not KY_HIEU.match(ky_hieu.strip().replace(" ", "")):
        problems.append("các nhóm chữ viết tắt phải nối bằng dấu «-»")
    groups = [g for g in ky_hieu.strip().replace(" ", "").split("-") if g]
    codes = set(document_types())
    if any(g not in codes and not g.isupper() and not g.isdigit() for g in groups):
        problems.append("ký hiệu phải in hoa")
    if problems:
        return verdict([Violation(line.text, "; ".join(problems), line.order)])
    return passed()


@inspection("so.loai-van-ban")
def so_type(subject: Subject, rule: Rule) -> Outcome:
    line, match = _so(subject)
    ten_loai = subject.anatomy.ten_loai
    if line is None or match is None:
        return missing(subject, "dòng số, ký hiệu", r"số\s*:")
    if ten_loai is None and subject.anatomy.cong_van:
        return not_applicable("công văn không có chữ viết tắt tên loại")
    if ten_loai is None:
        return unobservable("không tìm thấy tên loại văn bản để đối chiếu")
    codes = type_codes_by_name()
    expected = codes.get(ten_loai.text.upper())
    if expected is None:
        return not_applicable("công văn không có chữ viết tắt tên loại")
    first = match.group("ky_hieu").strip().split("-")[0].strip()
    if first != expected:
        return verdict([Violation(line.text, f"{ten_loai.text} viết tắt là «{expected}», không phải «{first}»",
                                  line.order)])
    return passed()


# ---------------------------------------------------------------- date

def _date(subject: Subject):
    line = subject.anatomy.date
    return line, (DATE_PARTS.match(line.text) if line else None)


@inspection("ngay.ngay-0")
def date_day(subject: Subject, rule: Rule) -> Outcome:
    line, match = _date(subject)
    if match is None:
        return missing(subject, "dòng địa danh, ngày tháng", "ngày.*tháng")
    day = match.group("day")
    if not day.isdigit():
        return not_applicable("bản dự thảo chưa ghi ngày")
    if int(day) < 10 and len(day) < 2:
        return verdict([Violation(line.text, f"«ngày {day}» thiếu số 0", line.order)])
    return passed()


@inspection("ngay.thang-0")
def date_month(subject: Subject, rule: Rule) -> Outcome:
    line, match = _date(subject)
    if match is None:
        return missing(subject, "dòng địa danh, ngày tháng", "ngày.*tháng")
    month = match.group("month")
    if not month.isdigit():
        return not_applicable("bản dự thảo chưa ghi tháng")
    value = int(month)
    expected = f"{value:02d}" if value <= 2 else str(value)
    if month != expected:
        return verdict([Violation(line.text, f"«tháng {month}» phải viết «tháng {expected}»", line.order)])
    return passed()


@inspection("ngay.dinh-dang")
def date_format(subject: Subject, rule: Rule) -> Outcome:
    line, match = _date(subject)
    if match is None:
        return missing(subject, "dòng địa danh, ngày tháng", "ngày.*tháng")
    result = format_check([line], rule, **prescribed("dia_danh_ngay"))
    if not match.group("comma"):
        result = verdict(result.violations + [Violation(line.text, "thiếu dấu phẩy sau địa danh", line.order)])
    return result


# ---------------------------------------------------------------- tên loại, trích yếu

@inspection("ten-loai.dinh-dang")
def ten_loai_format(subject: Subject, rule: Rule) -> Outcome:
    line = subject.anatomy.ten_loai
    if line is None and subject.anatomy.cong_van:
        return not_applicable("công văn không có tên loại văn bản (Phụ lục I, mục II.5.b)")
    if line is None:
        return unobservable("không tìm thấy tên loại văn bản (KẾ HOẠCH, BÁO CÁO…)")
    return format_check([line], rule, **prescribed("ten_loai"))


def _is_cong_van(subject: Subject) -> bool:
    return subject.anatomy.ten_loai is None or subject.anatomy.ten_loai.text.upper() == CONG_VAN


@inspection("trich-yeu.dinh-dang")
def trich_yeu_format(subject: Subject, rule: Rule) -> Outcome:
    lines = subject.anatomy.trich_yeu
    if not lines:
        return unobservable("không tìm thấy trích yếu dưới tên loại")
    if subject.anatomy.cong_van:  # Phụ lục I, mục II.5.b: under the số, centred, ordinary letters, upright, 12–13 pt
        sizes = {"min_pt": rule.params["cong_van_min_pt"], "max_pt": rule.params["cong_van_max_pt"]}
        return format_check(lines, rule.model_copy(update={"params": sizes}), bold=False, italic=False, centred=True)
    return format_check(lines, rule, **prescribed("trich_yeu"))


@inspection("trich-yeu.chu-thuong")
def trich_yeu_case(subject: Subject, rule: Rule) -> Outcome:
    lines = subject.anatomy.trich_yeu
    if not lines:
        return unobservable("không tìm thấy trích yếu dưới tên loại")
    text = " ".join(l.text for l in lines)
    if all_capitals(text):
        return verdict([Violation(text, "trích yếu in hoa toàn bộ", lines[0].order)])
    return passed()


@inspection("trich-yeu.vv")
def trich_yeu_vv(subject: Subject, rule: Rule) -> Outcome:
    if _is_cong_van(subject):
        return not_applicable("công văn có «V/v» trước trích yếu")
    lines = subject.anatomy.trich_yeu
    if not lines:
        return unobservable("không tìm thấy trích yếu dưới tên loại")
    if re.match(r"^v/v\b", lines[0].text, re.I):
        return verdict([Violation(lines[0].text, "có «V/v» ở đầu trích yếu", lines[0].order)])
    return passed()


@inspection("trich-yeu.duong-ke")
def trich_yeu_rule(subject: Subject, rule: Rule) -> Outcome:
    lines = subject.anatomy.trich_yeu
    if not lines:
        return unobservable("không tìm thấy trích yếu dưới tên loại")
    if subject.anatomy.cong_van:
        return not_applicable("trích yếu công văn không có đường kẻ bên dưới (Phụ lục I, mục II.5.b)")
    size = next(iter(size_of(lines[-1])), 14)
    reference = max(widest_line(l.text, subject.anatomy.body_width, size, True) for l in lines)
    return rule_length_check(subject.anatomy.rules.get("trich_yeu"), reference, rule.params["min_fraction"],
                             rule.params["max_fraction"], "trích yếu", lines[-1].text)


# ---------------------------------------------------------------- content

def _paragraphs(subject: Subject) -> list[Line]:
    """Content lines as paragraphs (one per paragraph, body level)."""
    return subject.recall("content paragraphs", lambda: _first_lines(subject.anatomy.content))


def _first_lines(lines: list[Line]) -> list[Line]:
    seen, out = set(), []
    for line in lines:
        if id(line.view) not in seen and not line.cell:
            seen.add(id(line.view))
            out.append(line)
    return out


def _is_heading(line: Line) -> bool:
    return line.recall("heading", _looks_like_heading, line)


def _looks_like_heading(line: Line) -> bool:
    return line.all("bold") or (len(line.text) < 120 and is_caps(line.text))


def _free_layout(line: Line) -> bool:
    """A paragraph the body's indent and spacing do not bind: centred (a note, a heading), or laid out with Tabs
    (Tab-indented, tab columns)."""
    return line.fmt.align == "center" or line.tabbed


def _content_or_unobservable(subject: Subject):
    lines = _paragraphs(subject)
    return lines, (None if lines else unobservable("không tìm thấy phần nội dung"))


@inspection("noi-dung.can-deu")
def content_justified(subject: Subject, rule: Rule) -> Outcome:
    lines, none = _content_or_unobservable(subject)
    if none:
        return none
    return verdict([Violation(l.text, "căn " + {"left": "trái", "start": "trái", "center": "giữa", "right": "phải"}
                              .get(l.fmt.align or "left", l.fmt.align or "trái"), l.order)
                    for l in lines if l.fmt.align not in ("both", "distribute") and len(l.text) > 80 and not _is_heading(l)])


@inspection("noi-dung.co-chu")
def content_size(subject: Subject, rule: Rule) -> Outcome:
    lines, none = _content_or_unobservable(subject)
    if none:
        return none
    low, high = rule.params["min_pt"], rule.params["max_pt"]
    sizes = {}
    for line in lines:
        for pt in size_of(line):
            sizes.setdefault(pt, line)
    violations = [Violation(line.text, f"cỡ {pt:g}", line.order) for pt, line in sizes.items() if not low <= pt <= high]
    if not violations and len(sizes) > 1:
        common = max(sizes, key=lambda s: sum(s in size_of(l) for l in lines))
        violations = [Violation(line.text, f"cỡ {pt:g}, khác cỡ {common:g} của phần còn lại", line.order)
                      for pt, line in sizes.items() if pt != common]
    return verdict(violations)


@inspection("noi-dung.thut-dau-dong")
def content_indent(subject: Subject, rule: Rule) -> Outcome:
    lines, none = _content_or_unobservable(subject)
    if none:
        return none
    low, high = rule.params["min_twips"], rule.params["max_twips"]
    violations = []
    for line in lines:
        indent = (line.fmt.first_line or 0) + (line.fmt.left or 0)
        if low <= indent <= high or _is_heading(line) or _free_layout(line):
            continue
        violations.append(Violation(line.text, f"thụt đầu dòng {indent / 567:.2f} cm", line.order))
    return verdict(violations)


@inspection("noi-dung.khoang-cach-doan")
def content_spacing(subject: Subject, rule: Rule) -> Outcome:
    lines, none = _content_or_unobservable(subject)
    if none:
        return none
    minimum = rule.params["min_twips"]
    violations = []
    for previous, line in zip(lines, lines[1:]):
        if _free_layout(line) or _free_layout(previous):
            continue
        gap = (line.fmt.before or 0) + (previous.fmt.after or 0)
        if gap < minimum:
            violations.append(Violation(line.text, f"cách đoạn trên {gap / 20:g} pt", line.order))
    return verdict(violations)


@inspection("noi-dung.gian-dong")
def content_line_spacing(subject: Subject, rule: Rule) -> Outcome:
    lines, none = _content_or_unobservable(subject)
    if none:
        return none
    violations = []
    for line in lines:
        value, kind = line.fmt.line, line.fmt.line_rule or "auto"
        if value is None:
            continue
        if kind == "auto":
            if not 235 <= value <= 360:
                violations.append(Violation(line.text, f"giãn dòng {value / 240:.2f} dòng", line.order))
            continue
        size = max(size_of(line) or {14})
        if not size * 20 <= value <= size * 20 * 1.15 * 1.5:
            shown = f"{'chính xác' if kind == 'exact' else 'tối thiểu'} {value / 20:g} pt"
            violations.append(Violation(line.text, f"giãn dòng {shown}", line.order))
    return verdict(violations)


def _numbering_of(text: str) -> tuple[str | None, str | None, str | None]:
    """(the division a line opens — "chuong", "muc", "dieu" — or None; else its heading's level and label)."""
    division = DIVISION.match(text)
    if division:
        return division.lastgroup, None, None
    match = HEADING.match(text)
    return (None, match.lastgroup, match.group(match.lastgroup)) if match else (None, None, None)


@inspection("noi-dung.danh-so")
def content_numbering(subject: Subject, rule: Rule) -> Outcome:
    lines, none = _content_or_unobservable(subject)
    if none:
        return none
    expected = {"muc": 0, "khoan": 0, "diem": 0}
    violations = []
    for line in lines:
        division, level, label = line.recall("numbering", _numbering_of, line.text)
        if division:  # each Chương (its mục too), Mục and Điều numbers its khoản and điểm anew
            expected.update(khoan=0, diem=0, **({"muc": 0} if division == "chuong" else {}))
            continue
        if not level:
            continue
        if level == "muc":
            index = ROMAN_NUMERALS.index(label) if label in ROMAN_NUMERALS else -1
            want = ROMAN_NUMERALS[expected["muc"]] if expected["muc"] < len(ROMAN_NUMERALS) else None
            expected.update(muc=expected["muc"] + 1, khoan=0, diem=0)
            if index != expected["muc"] - 1:
                violations.append(Violation(line.text, f"mục «{label}.» đứng sau mục thứ {expected['muc'] - 1}; "
                                                       f"phải là «{want}.»", line.order))
                expected["muc"] = index + 1 if index >= 0 else expected["muc"]
        elif level == "khoan":
            expected.update(khoan=expected["khoan"] + 1, diem=0)
            if int(label) != expected["khoan"]:
                violations.append(Violation(line.text, f"khoản «{label}.» phải là «{expected['khoan']}.»", line.order))
                expected["khoan"] = int(label)
        else:
            want = DIEM_LETTERS[expected["diem"]] if expected["diem"] < len(DIEM_LETTERS) else "?"
            expected["diem"] += 1
            if label != want:
                violations.append(Violation(line.text, f"điểm «{label})» phải là «{want})»", line.order))
                if label in DIEM_LETTERS:
                    expected["diem"] = DIEM_LETTERS.index(label) + 1
    return verdict(violations)


@inspection("noi-dung.ket-thuc")
def content_end(subject: Subject, rule: Rule) -> Outcome:
    lines, none = _content_or_unobservable(subject)
    if none:
        return none
    last = lines[-1]
    if not last.text.endswith(END_MARK):
        return verdict([Violation(last.text[-60:], f"câu cuối chưa có «{END_MARK}»", last.order)])
    return passed()


# ---------------------------------------------------------------- signature

KNOWN_PREFIXES = set(AUTHORITY_PREFIXES)
KT, TM = f"{KY_THAY}.", f"{THAY_MAT}."


@inspection("chu-ky.quyen-han")
def signature_authority(subject: Subject, rule: Rule) -> Outcome:
    lines = subject.anatomy.authority
    if not lines:
        return unobservable("không tìm thấy khối chữ ký")
    violations = []
    texts = [l.text for l in lines]
    for position, line in enumerate(lines):
        text = line.text
        match = PARTY_PREFIX.match(text)
        if match:
            violations.append(Violation(text, f"viết «{match.group(1)}» là kiểu văn bản Đảng; văn bản hành chính "
                                              f"viết «{match.group(1).replace('/', '')}.»", line.order))
            continue
        match = AUTHORITY_PARTS.match(text)
        if match and not match.group(2) and match.group(1) in KNOWN_PREFIXES and len(text.split()) > 1 \
                and text.split()[0] == match.group(1):
            violations.append(Violation(text, f"thiếu dấu chấm sau «{match.group(1)}»", line.order))
        signing = authority()  # each head's deputies (data/authority.yaml, Điều 13)
        prefixed = match is not None and text.split()[0].rstrip(".") == match.group(1)
        if prefixed and match.group(1) != THAY_MAT and signing.is_deputy(match.group(3)):
            head = signing.head_of(match.group(3)) or "…"
            violations.append(Violation(text, f"«{match.group(1)}.» đứng trước chức vụ cấp trưởng, không trước "
                                              f"chức vụ cấp phó: viết «{KT} {head}» rồi «{match.group(3)}» ở dòng "
                                              f"dưới", line.order))
        elif signing.is_deputy(text):
            previous = texts[position - 1] if position else ""
            head = signing.head_of(text) or "…"
            if not previous.startswith(KT):
                violations.append(Violation(text, f"cấp phó ký thay cấp trưởng phải có dòng «{KT} {head}» ngay "
                                                  "phía trên", line.order))
            elif not signing.is_deputy_of(text, previous[len(KT):].strip()):
                violations.append(Violation(text, f"«{previous}» không khớp chức vụ «{text}»: cấp phó của "
                                                  f"{previous[len(KT):].strip()} là «"
                                                  f"{'», «'.join(signing.deputies_of(previous[len(KT):].strip()))}»",
                                            line.order))
        if text.startswith(KT) and position + 1 < len(texts) and not signing.is_deputy(texts[position + 1]):
            wanted = "», «".join(signing.deputies_of(text[len(KT):].strip()))
            violations.append(Violation(text, f"sau dòng «{text}» phải là chức vụ của cấp phó («{wanted}»)",
                                        line.order))
        if text.startswith(TM) and position + 1 < len(texts) and texts[position + 1].startswith(DEPUTY):
            pass  # reported on the PHÓ line
    return verdict(violations)


@inspection("chu-ky.dinh-dang")
def signature_format(subject: Subject, rule: Rule) -> Outcome:
    lines = subject.anatomy.authority
    if not lines:
        return unobservable("không tìm thấy khối chữ ký")
    return format_check(lines, rule, **prescribed("quyen_han"))


@inspection("chu-ky.ho-ten")
def signature_name(subject: Subject, rule: Rule) -> Outcome:
    line = subject.anatomy.signer
    if not subject.anatomy.authority:
        return unobservable("không tìm thấy khối chữ ký")
    if line is None:
        return not_applicable("chưa ghi họ tên người ký (bản dự thảo)")
    result = format_check([line], rule, **prescribed("ho_ten"))
    problems = list(result.violations)
    if ACADEMIC_TITLE.match(line.text):
        problems.append(Violation(line.text, "có học hàm, học vị trước tên", line.order))
    return verdict(problems)


# ---------------------------------------------------------------- Nơi nhận

@inspection("noi-nhan.nhan")
def noi_nhan_label(subject: Subject, rule: Rule) -> Outcome:
    line = subject.anatomy.noi_nhan_label
    if line is None:
        return missing(subject, "«Nơi nhận:»", "nơi nhận")
    result = format_check([line], rule, **prescribed("noi_nhan_label"))
    if line.text != NOI_NHAN_LABEL:
        result = verdict(result.violations + [Violation(line.text, f"phải viết «{NOI_NHAN_LABEL}»", line.order)])
    return result


@inspection("noi-nhan.dong")
def noi_nhan_entries(subject: Subject, rule: Rule) -> Outcome:
    lines = subject.anatomy.noi_nhan
    if subject.anatomy.noi_nhan_label is None:
        return missing(subject, "«Nơi nhận:»", "nơi nhận")
    if not lines:
        return verdict([Violation(NOI_NHAN_LABEL, "không có nơi nhận nào")])
    violations = []
    low, high = rule.params["min_pt"], rule.params["max_pt"]
    entry = prescribed("noi_nhan")
    last = len(lines) - 1
    for position, line in enumerate(lines):
        # what is wrong with an entry, recalled with its reading: a cascade's Nơi nhận lines recur
        problems = line.recall(("noi-nhan entry", low, high, position == last), _entry_problems, line, low, high,
                               position == last, entry)
        if problems:
            violations.append(Violation(line.text, problems, line.order))
    return verdict(violations)


def _entry_problems(line: Line, low: float, high: float, last: bool, entry: dict) -> str:
    problems = []
    size = size_problem(line, low, high)
    if size:
        problems.append(size)
    if not line.text.startswith("-"):
        problems.append("không bắt đầu bằng «-»")
    if not last and not line.text.endswith(";"):
        problems.append("không kết thúc bằng «;»")
    problems += emphasis_problems(line, bold=entry["bold"], italic=entry["italic"])
    return "; ".join(problems)


@inspection("noi-nhan.luu")
def noi_nhan_archive(subject: Subject, rule: Rule) -> Outcome:
    lines = subject.anatomy.noi_nhan
    if subject.anatomy.noi_nhan_label is None:
        return missing(subject, "«Nơi nhận:»", "nơi nhận")
    if not lines:
        return verdict([Violation(NOI_NHAN_LABEL, "không có dòng «- Lưu: VT, …»")])
    last = lines[-1]
    if not ARCHIVE.match(last.text):
        return verdict([Violation(last.text, _archive_problem(last.text), last.order)])
    return passed()


def _archive_problem(text: str) -> str:
    """What to change in a Lưu line: only what is wrong (the drafter's initials after the unit are allowed,
    "- Lưu: VT, NC.Châu"; Phụ lục III, Mẫu 1.4, ghi chú 9–10)."""
    match = re.match(r"^(?P<dash>[-–]?)\s*(?P<word>Lưu|lưu|LƯU)\b\s*(?P<colon>:?)\s*(?P<rest>.*)$", text)
    if not match:
        return "dòng cuối phải là «- Lưu: VT, ….»"
    problems = []
    if match["dash"] != "-":
        problems.append("thiếu gạch đầu dòng «-»" if not match["dash"] else "gạch đầu dòng phải là «-»")
    if match["word"] != "Lưu":
        problems.append("viết «Lưu» (chữ L hoa, còn lại thường)")
    if not match["colon"]:
        problems.append("thiếu dấu hai chấm sau «Lưu»")
    if not re.match(r"^VT\b", match["rest"]):
        problems.append("thiếu «VT» (văn thư) ngay sau «Lưu:»")
    if not text.endswith("."):
        problems.append("thiếu dấu chấm cuối dòng Lưu")
    return "; ".join(problems) or "dòng cuối phải là «- Lưu: VT, ….»"


@inspection("kinh-gui.nhu-tren")
def kinh_gui(subject: Subject, rule: Rule) -> Outcome:
    a = subject.anatomy
    if not a.kinh_gui:
        return not_applicable("văn bản không có phần «Kính gửi»")
    if a.noi_nhan_label is None:
        return missing(subject, "«Nơi nhận:»", "nơi nhận")
    if not a.noi_nhan or a.noi_nhan[0].text != NHU_TREN:
        first = a.noi_nhan[0].text if a.noi_nhan else NOI_NHAN_LABEL
        return verdict([Violation(first, f"dòng đầu phải là «{NHU_TREN}»",
                                  a.noi_nhan[0].order if a.noi_nhan else None)])
    return passed()


# ---------------------------------------------------------------- page numbers

@inspection("so-trang.trang-dau")
def page_number_first(subject: Subject, rule: Rule) -> Outcome:
    kind = "first" if subject.title_page else "default"
    parts = [p for p in subject.parts if p.kind == kind]
    if any(p.page_fields for p in parts):
        where = "đầu trang" if any(p.area == "header" and p.page_fields for p in parts) else "chân trang"
        return verdict([Violation("trang 1", f"trang 1 có số trang ở {where}")])
    return passed()


def _looks_single_page(subject: Subject) -> bool:
    """One page? From the stored page count when trustworthy, else estimated by wrapping the content with
    Times New Roman metrics: a line is 1.15 × its size, a paragraph adds its spacing; header and title
    take about 60 mm, the footer its Nơi nhận or its signature block; an A4 page with ND30 margins holds
    257 mm of text."""
    if subject.page_count is not None:
        return subject.page_count <= 1
    a = subject.anatomy
    height_pt = 0.0
    for line in a.content:
        size = max(size_of(line) or {14})
        width = a.body_width - (line.fmt.left or 0) - max(line.fmt.first_line or 0, 0)
        rows = len(wrap_lines(line.text, width, size, bold=line.all("bold"))) or 1
        height_pt += rows * size * 1.15 + ((line.fmt.before or 0) + (line.fmt.after or 0)) / 20
    footer_mm = max(len(a.noi_nhan) * 4.5 + 5, (len(a.authority) + 5) * 5.7)
    return height_pt * 25.4 / 72 + 60 + footer_mm <= 257


@inspection("so-trang.vi-tri")
def page_number_position(subject: Subject, rule: Rule) -> Outcome:
    defaults = [p for p in subject.parts if p.kind == "default"]
    fields = [(p, formats) for p in defaults for formats in p.page_field_formats(subject.resolver)]
    if not fields:
        if _looks_single_page(subject):
            return not_applicable("văn bản một trang")
        return verdict([Violation("trang 2 trở đi", "không có số trang")])
    violations = []
    low, high = rule.params["min_pt"], rule.params["max_pt"]
    for part, (fmt, run_formats) in fields:
        if part.area != "header":
            violations.append(Violation("số trang", "số trang ở chân trang, phải ở lề trên"))
            continue
        if fmt.align != "center":
            violations.append(Violation("số trang", "số trang chưa căn giữa"))
        sizes = {run_format.size_pt or DEFAULT_SIZE for run_format in run_formats}
        if any(not low <= s <= high for s in sizes):
            violations.append(Violation("số trang", "cỡ chữ " + ", ".join(f"{s:g}" for s in sorted(sizes))))
    return verdict(violations)


# every rule above gets its electronic variant, and the electronic rules join (inspections_electronic.py)
install_electronic(INSPECTIONS)
