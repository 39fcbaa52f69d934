"""`vanban check --fix`: repair what is safe and unambiguous, and say what changed.

Safe means the fix cannot change what the document says: fonts, colours, sizes, margins, the zero
padding of the date and the hyphens of the Tiêu ngữ. Everything else (a missing "KT.", a wrong ký
hiệu, a Nơi nhận in the wrong order) needs a person and is only reported.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable

from ..layout import Emphasis, default_layout
from ..ooxml.editing import (replace_text, set_colour_black_everywhere, set_font_everywhere, set_margin,
                             set_run_emphasis, set_run_size)
from ..ooxml.document import forget_resolver
from ..ooxml.package import normalise_package
from ..vocabulary import DATE_PARTS, DAY_MONTH_DIGITS, TIEU_NGU
from . import DocumentReport, check_document, open_docx, subject_of
from .anatomy import Line
from .catalogue import catalogue
from .inspections import Subject

FIXES: dict[str, Callable[[Subject, dict], list[str]]] = {}
FONT = "Times New Roman"


def fix(rule_id: str):
    def register(function):
        FIXES[rule_id] = function
        return function
    return register


def _runs(lines: list[Line]) -> list:
    return [run for line in lines for run in line.runs]


def _format_fix(label: str, lines_of: Callable[[Subject], list[Line]], size_pt: float,
                emphasis: Emphasis | None, safe: tuple[str, ...]):
    """Sizes out of the rule's range → the layout's size for the element; the emphases in ``safe`` → what
    ND30 prescribes for the element (``layout-nd30.yaml``, ``format``)."""
    def apply(subject: Subject, params: dict) -> list[str]:
        lines = [l for l in lines_of(subject) if l is not None]
        low, high = params.get("min_pt"), params.get("max_pt")
        out = []
        wrong = [l for l in lines if any(not low <= (s or 10) <= high for s in l.sizes)]
        if wrong:
            set_run_size(_runs(wrong), size_pt)
            out.append(f"{label}: đặt cỡ chữ {size_pt:g} cho {len(wrong)} dòng")
        for attribute, word in (("bold", "in đậm"), ("italic", "in nghiêng")):
            wanted = getattr(emphasis, attribute) if emphasis is not None and attribute in safe else None
            if wanted is None:
                continue
            if wanted:
                off = [l for l in lines if not l.all(attribute)]
            else:
                off = [l for l in lines if l.any(attribute)]
            if off:
                set_run_emphasis(_runs(off), attribute, wanted)
                out.append(f"{label}: {'' if wanted else 'bỏ '}{word}")
        return out
    return apply


BOTH = ("bold", "italic")
# rule id → (label, lines, element of the layout's sizes and formats, emphases safe to set). The issuer's
# emphasis is not set: which line is the chủ quản is a guess; a trích yếu may hold italic words of its own.
_FORMATTED = {
    "quoc-hieu.dinh-dang": ("Quốc hiệu", lambda s: [s.anatomy.quoc_hieu], "quoc_hieu", BOTH),
    "tieu-ngu.dinh-dang": ("Tiêu ngữ", lambda s: [s.anatomy.tieu_ngu], "tieu_ngu", BOTH),
    "co-quan.dinh-dang": ("Tên cơ quan", lambda s: s.anatomy.issuer, "ban_hanh", ()),
    "so.dinh-dang": ("Số, ký hiệu", lambda s: [s.anatomy.so], "so_ky_hieu", BOTH),
    "ngay.dinh-dang": ("Địa danh, ngày tháng", lambda s: [s.anatomy.date], "dia_danh_ngay", BOTH),
    "ten-loai.dinh-dang": ("Tên loại", lambda s: [s.anatomy.ten_loai], "ten_loai", BOTH),
    "trich-yeu.dinh-dang": ("Trích yếu", lambda s: s.anatomy.trich_yeu, "trich_yeu", ("bold",)),
    "noi-dung.co-chu": ("Nội dung", lambda s: s.anatomy.content, "body", ()),
    "chu-ky.dinh-dang": ("Quyền hạn, chức vụ", lambda s: s.anatomy.authority, "quyen_han", BOTH),
    "chu-ky.ho-ten": ("Họ tên người ký", lambda s: [s.anatomy.signer], "ho_ten", BOTH),
    "noi-nhan.nhan": ("Nơi nhận", lambda s: [s.anatomy.noi_nhan_label], "noi_nhan_label", BOTH),
    "noi-nhan.dong": ("Các dòng nơi nhận", lambda s: s.anatomy.noi_nhan, "noi_nhan", BOTH),
}
_LAYOUT = default_layout()
for _rule_id, (_label, _lines_of, _element, _safe) in _FORMATTED.items():
    FIXES[_rule_id] = _format_fix(_label, _lines_of, getattr(_LAYOUT.sizes, _element),
                                  getattr(_LAYOUT.format, _element, None), _safe)


@fix("phong.ho-chu")
def fonts(subject: Subject, params: dict) -> list[str]:
    changed = set_font_everywhere(subject.document, FONT)
    return [f"Phông chữ: đặt Times New Roman ({changed} chỗ)"] if changed else ["Phông chữ: đặt Times New Roman"]


@fix("phong.mau")
def colours(subject: Subject, params: dict) -> list[str]:
    changed = set_colour_black_everywhere(subject.document)
    return [f"Màu chữ: đặt màu đen ({changed} chỗ)"] if changed else []


def _margin_fix(side: str, label: str):
    """A margin out of the rule's range → the layout's margin (``layout-nd30.yaml``, ``page``)."""
    target = getattr(default_layout().page, f"{side}_mm")

    def apply(subject: Subject, params: dict) -> list[str]:
        low, high = params["min_mm"], params["max_mm"]
        out = []
        for number, section in enumerate(subject.sections, 1):
            margin = section.margin(side)
            if margin is None:
                continue
            value = abs(margin) / (1440 / 25.4)
            if not low - 0.3 <= value <= high + 0.3:
                set_margin(section, side, round(target * 1440 / 25.4))
                out.append(f"Lề {label} phần {number}: {value:.1f} mm → {target:g} mm")
        return out
    return apply


for _side, _label, _id in (("top", "trên", "trang.le-tren"), ("bottom", "dưới", "trang.le-duoi"),
                           ("left", "trái", "trang.le-trai"), ("right", "phải", "trang.le-phai")):
    FIXES[_id] = _margin_fix(_side, _label)


def _rewrite(line: Line, new_text: str) -> bool:
    """Put ``new_text`` into the line's first text node and empty the others (same format only)."""
    formats = {(f.bold, f.italic, f.size_pt, f.font) for t, f in line.pieces if t.strip()}
    if len(formats) > 1 or line.split:
        return False
    return replace_text(line.runs, new_text)


@fix("ngay.ngay-0")
def date_day(subject: Subject, params: dict) -> list[str]:
    return _fix_date(subject)


@fix("ngay.thang-0")
def date_month(subject: Subject, params: dict) -> list[str]:
    return _fix_date(subject)


def _fix_date(subject: Subject) -> list[str]:
    line = subject.anatomy.date
    if line is None:
        return []
    raw = "".join(t for t, _ in line.pieces)
    def pad(match):
        day, month = match.group("day"), match.group("month")
        return (f"ngày {int(day):02d}" if day.isdigit() else f"ngày {day}") + " tháng " + (
            (f"{int(month):02d}" if int(month) <= 2 else str(int(month))) if month.isdigit() else month)
    fixed = DAY_MONTH_DIGITS.sub(pad, raw)
    if fixed == raw or not DATE_PARTS.match(" ".join(fixed.split())):
        return []
    if _rewrite(line, fixed):
        line.pieces = [(fixed, line.pieces[0][1])]
        return [f"Ngày tháng: «{' '.join(raw.split())}» → «{' '.join(fixed.split())}»"]
    return ["Ngày tháng: không tự sửa được vì dòng có nhiều định dạng khác nhau"]


@fix("tieu-ngu.noi-dung")
def tieu_ngu(subject: Subject, params: dict) -> list[str]:
    line = subject.anatomy.tieu_ngu
    if line is None:
        return []
    raw = "".join(t for t, _ in line.pieces)
    words = re.sub(r"\s*[-–—‐‑]\s*", " - ", " ".join(raw.split()))
    if words.lower() != TIEU_NGU.lower() or words == raw:
        return []  # only the hyphens and spaces are ours to change
    if _rewrite(line, TIEU_NGU):
        return [f"Tiêu ngữ: «{raw.strip()}» → «{TIEU_NGU}»"]
    return []


def fix_document(source, name=None) -> tuple[bytes, list[str], DocumentReport]:
    """Apply the safe fixes of every violated rule; returns the new .docx bytes, the changes and the new report."""
    document = open_docx(source, name)
    changes: list[str] = []
    report = check_document(document, name or "")
    rules = {r.id: r for r in catalogue()}
    # fonts and colours first: they change every run, so the anatomy is rebuilt afterwards
    order = sorted((r for r in report.results if r.failed and r.rule.id in FIXES),
                   key=lambda r: r.rule.id not in ("phong.ho-chu", "phong.mau"))
    for result in order:
        forget_resolver(document)  # the last fix changed formats: read them afresh
        subject = subject_of(document)
        changes += FIXES[result.rule.id](subject, rules[result.rule.id].params)
    buffer = io.BytesIO()
    document.save(buffer)
    data = normalise_package(buffer.getvalue())
    return data, changes, check_document(open_docx(data, name), name or "")
