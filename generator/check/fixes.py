"""`vanban check --fix`: repair what is safe and unambiguous, and say what changed.

Safe means the fix cannot change what the document says: fonts, colours, sizes, margins, the zero
padding of the date and the hyphens of the Tiêu ngữ. Everything else (a missing "KT.", a wrong ký
hiệu, a Nơi nhận in the wrong order) needs a person and is only reported.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable

from lxml import etree

from ..ooxml import qn
from . import DocumentReport, check_document, open_docx, subject_of
from .anatomy import Line
from .inspections import DATE, TIEU_NGU, Subject

FIXES: dict[str, Callable[[Subject, dict], list[str]]] = {}
FONT = "Times New Roman"


def fix(rule_id: str):
    def register(function):
        FIXES[rule_id] = function
        return function
    return register


def _rpr(run):
    rpr = run.find(qn("w:rPr"))
    if rpr is None:
        rpr = etree.SubElement(run, qn("w:rPr"))
        run.remove(rpr)
        run.insert(0, rpr)
    return rpr


def _set(rpr, tag: str, attrs: dict[str, str]) -> None:
    node = rpr.find(qn(tag))
    if node is None:
        node = etree.SubElement(rpr, qn(tag))
    for key, value in attrs.items():
        node.set(qn(key), value)


def _set_size(lines: list[Line], size_pt: float) -> None:
    value = str(round(size_pt * 2))
    for line in lines:
        for run in line.runs:
            rpr = _rpr(run)
            _set(rpr, "w:sz", {"w:val": value})
            _set(rpr, "w:szCs", {"w:val": value})


def _set_emphasis(lines: list[Line], tag: str, on: bool) -> int:
    changed = 0
    for line in lines:
        for run in line.runs:
            rpr = _rpr(run)
            _set(rpr, tag, {"w:val": "1" if on else "0"})
            _set(rpr, tag + "Cs", {"w:val": "1" if on else "0"})
            changed += 1
    return changed


def _format_fix(element: str, lines_of: Callable[[Subject], list[Line]], bold: bool | None, italic: bool | None):
    """Sizes out of range → the rule's ``fix_pt``; bold/italic → what ND30 prescribes for the element."""
    def apply(subject: Subject, params: dict) -> list[str]:
        lines = [l for l in lines_of(subject) if l is not None]
        low, high, target = params.get("min_pt"), params.get("max_pt"), params.get("fix_pt")
        out = []
        wrong = [l for l in lines if any(not low <= (s or 10) <= high for s in l.sizes)]
        if wrong and target is not None:
            _set_size(wrong, target)
            out.append(f"{element}: đặt cỡ chữ {target:g} cho {len(wrong)} dòng")
        for tag, wanted, word in (("w:b", bold, "in đậm"), ("w:i", italic, "in nghiêng")):
            if wanted is None:
                continue
            attribute = "bold" if tag == "w:b" else "italic"
            if wanted:
                off = [l for l in lines if not l.all(attribute)]
            else:
                off = [l for l in lines if l.any(attribute)]
            if off:
                _set_emphasis(off, tag, wanted)
                out.append(f"{element}: {'' if wanted else 'bỏ '}{word}")
        return out
    return apply


# element → (lines, bold, italic) as ND30 prescribes; None leaves the emphasis alone.
_FORMATTED = {
    "quoc-hieu.dinh-dang": ("Quốc hiệu", lambda s: [s.anatomy.quoc_hieu], True, False),
    "tieu-ngu.dinh-dang": ("Tiêu ngữ", lambda s: [s.anatomy.tieu_ngu], True, False),
    "co-quan.dinh-dang": ("Tên cơ quan", lambda s: s.anatomy.issuer, None, None),
    "so.dinh-dang": ("Số, ký hiệu", lambda s: [s.anatomy.so], False, False),
    "ngay.dinh-dang": ("Địa danh, ngày tháng", lambda s: [s.anatomy.date], False, True),
    "ten-loai.dinh-dang": ("Tên loại", lambda s: [s.anatomy.ten_loai], True, False),
    "trich-yeu.dinh-dang": ("Trích yếu", lambda s: s.anatomy.trich_yeu, True, None),
    "noi-dung.co-chu": ("Nội dung", lambda s: s.anatomy.content, None, None),
    "chu-ky.dinh-dang": ("Quyền hạn, chức vụ", lambda s: s.anatomy.authority, True, False),
    "chu-ky.ho-ten": ("Họ tên người ký", lambda s: [s.anatomy.signer], True, False),
    "noi-nhan.nhan": ("Nơi nhận", lambda s: [s.anatomy.noi_nhan_label], True, True),
    "noi-nhan.dong": ("Các dòng nơi nhận", lambda s: s.anatomy.noi_nhan, False, False),
}
for _rule_id, (_element, _lines_of, _bold, _italic) in _FORMATTED.items():
    FIXES[_rule_id] = _format_fix(_element, _lines_of, _bold, _italic)


@fix("phong.ho-chu")
def fonts(subject: Subject, params: dict) -> list[str]:
    root = subject.document.element
    styles = subject.document.styles.element
    changed = 0
    for tree in (root, styles):
        for node in tree.iter(qn("w:rFonts")):
            for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
                node.attrib.pop(qn(theme), None)
            for attr in ("w:ascii", "w:hAnsi", "w:cs"):
                if node.get(qn(attr)) != FONT:
                    node.set(qn(attr), FONT)
                    changed += 1
    defaults = styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}")
    if defaults is not None:
        rpr = defaults.find(qn("w:rPr"))
        if rpr is None:
            rpr = etree.SubElement(defaults, qn("w:rPr"))
        _set(rpr, "w:rFonts", {"w:ascii": FONT, "w:hAnsi": FONT, "w:cs": FONT})
    return [f"Phông chữ: đặt Times New Roman ({changed} chỗ)"] if changed else ["Phông chữ: đặt Times New Roman"]


@fix("phong.mau")
def colours(subject: Subject, params: dict) -> list[str]:
    changed = 0
    for tree in (subject.document.element, subject.document.styles.element):
        for node in tree.iter(qn("w:color")):
            if node.get(qn("w:val")) not in ("000000", "auto"):
                node.set(qn("w:val"), "000000")
                node.attrib.pop(qn("w:themeColor"), None)
                changed += 1
    return [f"Màu chữ: đặt màu đen ({changed} chỗ)"] if changed else []


def _margin_fix(side: str, label: str):
    def apply(subject: Subject, params: dict) -> list[str]:
        low, high, target = params["min_mm"], params["max_mm"], params["fix_mm"]
        out = []
        for number, sect in enumerate(subject.sections, 1):
            margins = sect.find(qn("w:pgMar"))
            if margins is None or margins.get(qn(f"w:{side}")) is None:
                continue
            value = abs(int(margins.get(qn(f"w:{side}")))) / (1440 / 25.4)
            if not low - 0.3 <= value <= high + 0.3:
                margins.set(qn(f"w:{side}"), str(round(target * 1440 / 25.4)))
                out.append(f"Lề {label} phần {number}: {value:.1f} mm → {target:g} mm")
        return out
    return apply


for _side, _label, _id in (("top", "trên", "trang.le-tren"), ("bottom", "dưới", "trang.le-duoi"),
                           ("left", "trái", "trang.le-trai"), ("right", "phải", "trang.le-phai")):
    FIXES[_id] = _margin_fix(_side, _label)


def _rewrite(line: Line, new_text: str) -> bool:
    """Put ``new_text`` into the line's first text node and empty the others (same format only)."""
    texts = [t for run in line.runs for t in run.iter(qn("w:t"))]
    formats = {(f.bold, f.italic, f.size_pt, f.font) for t, f in line.pieces if t.strip()}
    if not texts or len(formats) > 1 or line.split:
        return False
    texts[0].text = new_text
    texts[0].set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    for node in texts[1:]:
        node.text = ""
    return True


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
    fixed = re.sub(r"ngày\s*(?P<day>\d+)\s*tháng\s*(?P<month>\d+)", pad, raw)
    if fixed == raw or not DATE.match(" ".join(fixed.split())):
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
    from .catalogue import catalogue

    document = open_docx(source, name)
    changes: list[str] = []
    report = check_document(document, name or "")
    rules = {r.id: r for r in catalogue()}
    # fonts and colours first: they change every run, so the anatomy is rebuilt afterwards
    order = sorted((r for r in report.results if r.failed and r.rule.id in FIXES),
                   key=lambda r: r.rule.id not in ("phong.ho-chu", "phong.mau"))
    for result in order:
        subject = subject_of(document)
        changes += FIXES[result.rule.id](subject, rules[result.rule.id].params)
    buffer = io.BytesIO()
    document.save(buffer)
    data = buffer.getvalue()
    from ..ooxml.package import normalise_package

    data = normalise_package(data)
    return data, changes, check_document(open_docx(data, name), name or "")
