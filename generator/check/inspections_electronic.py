"""The electronic variant of the rules: an electronic draft, made for the e-office (Hệ thống quản lý văn bản).

An electronic draft is recognised from the document itself: the custom property vanban writes
(``data/electronic-nd30.yaml``, ``property``), or, for a Phụ lục in a file of its own made elsewhere, its
top-right block ("Thời gian ký") above "Phụ lục" with no Quốc hiệu. A paper document is judged as before.

What changes for an electronic draft (Nghị định 30/2020/NĐ-CP):
- số and ngày are left to the system (Điều 15.3): blank is right, a typed number or day is an error
  (``dien-tu.so-ngay``); the paper rules on the leading zero of the số, the day and the month do not apply;
- the signature area (ô 7c, Phụ lục I, II.7.d) is reserved between the chức vụ lines and the name, and a
  signature picture stands there, centred; a seal picture (ô 8, II.8.a) covers about the left third of the
  signature (``dien-tu.chu-ky``); pictures are transparent PNGs, the signature blue, the seal red
  (``dien-tu.hinh-anh``);
- a Phụ lục in a file of its own (III.1.d) has the top-right block (số, ký hiệu, thời gian ký; Times New Roman
  10, upright, black) and no header, signature or Nơi nhận: in such a file only the page, font and page-number
  rules of the document apply (``dien-tu.phu-luc-rieng`` lists them).

This module imports nothing of ``inspections.py``: ``inspections.py`` calls :func:`install` once its rules are
registered, which are the rules with a variant; ``inspections_more`` chooses each rule's variant with its type
gate (``rules_for``).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from fnmatch import fnmatch

from ..ooxml.document import Placement, custom_property, pictures
from ..signature import electronic
from ..vocabulary import DATE_PARTS, SO_LINE, SO_PARTS
from .anatomy import Line
from .catalogue import Outcome, Rule, Violation, not_applicable, rule_with_id, unobservable, verdict

MAIN, APPENDIX = "main", "appendix"
TWIPS_PER_MM = 1440 / 25.4
APPENDIX_LABEL = re.compile(r"^phụ lục(\s+[IVXLC\d]+)?\s*[.:]?$", re.I)
APPENDIX_RULE = "dien-tu.phu-luc-rieng"
PAPER = "văn bản giấy: không có dấu hiệu văn bản điện tử (thuộc tính «{}» vanban ghi)"
FILE_REASON = "tệp phụ lục riêng của văn bản điện tử (Phụ lục I, mục III.1.d): không có thành phần này"
BLANK_REASON = "văn bản điện tử: số, ngày do Hệ thống quản lý văn bản cấp khi phát hành (Điều 15.3)"


# ---------------------------------------------------------------- is it an electronic draft?

def _looks_like_appendix_file(subject) -> bool:
    """A Phụ lục alone (Mẫu 2.2) made elsewhere: no Quốc hiệu, and a "Thời gian ký" line among the first
    lines, above the "Phụ lục" label."""
    a = subject.anatomy
    if a.quoc_hieu is not None:
        return False
    head = [l for l in a.lines[:12] if l.text][:6]
    label = next((i for i, l in enumerate(head) if APPENDIX_LABEL.match(l.text)), None)
    time_word = electronic().appendix_block.time_line.split(":")[0].strip().lower()
    return label is not None and any(l.text.lower().startswith(time_word) for l in head[:label])


def kind_of(subject) -> str | None:
    """MAIN for an electronic draft, APPENDIX for a Phụ lục in a file of its own, None for paper; once."""
    found = subject.found
    if _KIND not in found:
        found[_KIND] = _electronic_kind(subject)
    return found[_KIND]


_KIND = "electronic kind"


def _electronic_kind(subject) -> str | None:
    data = electronic().property
    value = custom_property(subject.document, data.name)
    kind = {data.main: MAIN, data.appendix: APPENDIX}.get(value or "")
    if kind is None and _looks_like_appendix_file(subject):
        kind = APPENDIX
    return kind


def _paper(rule: Rule) -> Outcome:
    return not_applicable(PAPER.format(electronic().property.name))


# ---------------------------------------------------------------- ô 3, ô 4: số and ngày left to the system

def so_ngay(subject, rule: Rule) -> Outcome:
    kind = kind_of(subject)
    if kind is None:
        return _paper(rule)
    a = subject.anatomy
    violations = []
    so = a.so
    if so is None:
        return unobservable("không tìm thấy dòng số, ký hiệu")
    match = SO_PARTS.match(so.text)
    if match and match.group("number"):
        violations.append(Violation(so.text, f"văn bản điện tử để trống số (đã ghi số «{match.group('number')}»): "
                                             "Hệ thống cấp số khi văn thư phát hành", so.order))
    date = DATE_PARTS.match(a.date.text) if a.date is not None else None
    if kind == MAIN and date and (date.group("day").isdigit() or date.group("month").isdigit()):
        violations.append(Violation(a.date.text, "văn bản điện tử để trống ngày, tháng: thời gian ban hành là "
                                                 "thời gian ký số trên Hệ thống", a.date.order))
    return verdict(violations)


# ---------------------------------------------------------------- ô 7c, ô 8: the signature area and pictures

@dataclass
class Picture:
    """A picture in the signature column: where it stands in that column (mm) and what it is."""

    line: Line  # the line of its paragraph
    inline: bool
    left: float | None  # from the left of the column's text; None when it cannot be told
    top: float | None  # from the top of its paragraph
    width: float
    height: float
    data: bytes | None
    content_type: str | None
    name: str
    kind: str = "signature"  # or "seal"


def _offset(placement: Placement | None, axis: str, column: float, size: float) -> float | None:
    """A floating picture's place in the signature column (mm), when it is measured from the column (or the
    paragraph, vertically)."""
    if placement is None:
        return None
    if placement.relative_from not in (("column", "margin", "character") if axis == "H" else ("paragraph", "line")):
        return None
    if placement.offset_mm is not None:
        return placement.offset_mm
    if placement.align is not None and axis == "H":
        return {"left": 0.0, "center": (column - size) / 2, "right": column - size}.get(placement.align)
    return None


def _pictures(subject, lines: list[Line], column: float) -> list[Picture]:
    out, seen = [], set()
    for line in lines:
        if id(line.paragraph) in seen:
            continue
        seen.add(id(line.paragraph))
        for picture in pictures(subject.document, line.paragraph):
            width, height = picture.width_mm, picture.height_mm
            fmt = line.fmt
            if picture.inline:
                align = fmt.align or "left"
                left = {"center": (column - width) / 2, "right": column - width, "end": column - width}.get(
                    align, (fmt.left or 0) / TWIPS_PER_MM)
                top = (fmt.before or 0) / TWIPS_PER_MM
            else:
                left = _offset(picture.horizontal, "H", column, width)
                top = _offset(picture.vertical, "V", column, height)
            out.append(Picture(line, picture.inline, left, top, width, height, picture.data, picture.content_type,
                               picture.name))
    return out


def _colour(data: bytes | None) -> str | None:
    """"red", "blue" or None: the dominant colour of the opaque pixels."""
    if not data:
        return None
    # Pillow comes with pdfplumber (a dependency); loaded only when a picture is to be judged
    from PIL import Image
    try:
        image = Image.open(io.BytesIO(data)).convert("RGBA")
    except Exception:  # noqa: BLE001 - not a picture Pillow can read: no colour to tell
        return None
    image.thumbnail((64, 64))
    raw = image.tobytes()
    opaque = [raw[i:i + 3] for i in range(0, len(raw), 4) if raw[i + 3] > 128]
    if not opaque:
        return None
    r, g, b = (sum(p[i] for p in opaque) / len(opaque) for i in range(3))
    if r > g + 30 and r > b + 30:
        return "red"
    if b > r + 20 and b >= g:
        return "blue"
    return None


def _transparent(data: bytes | None) -> bool | None:
    if not data:
        return None
    from PIL import Image  # Pillow: as in _colour
    try:
        image = Image.open(io.BytesIO(data))
    except Exception:  # noqa: BLE001 - not a picture Pillow can read
        return None
    return image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info


def _classify(pictures: list[Picture]) -> None:
    for picture in pictures:
        colour = _colour(picture.data)
        lowered = picture.name.lower()
        if colour == "red" or (colour is None and ("dấu" in lowered or "seal" in lowered or not picture.inline)):
            picture.kind = "seal"


@dataclass
class _Column:
    authority: list[Line]
    area: list[Line]  # the lines between the last chức vụ line and the name
    name: Line | None
    lines: list[Line]  # every line of the signature column
    width: float  # mm


def _signature_column(subject) -> _Column | None:
    a = subject.anatomy
    if not a.authority:
        return None
    last = a.authority[-1]
    if last.cell is not None:
        same = [l for l in a.lines if l.cell is not None and (l.cell.table, l.cell.column) ==
                (last.cell.table, last.cell.column)]
        width = last.cell.content_width / TWIPS_PER_MM
    else:
        same = [l for l in a.lines if l.order >= a.authority[0].order][:30]
        width = a.body_width / TWIPS_PER_MM
    end = a.signer.order if a.signer is not None else max(l.order for l in same) + 1
    area = [l for l in same if last.order < l.order < end]
    return _Column(a.authority, area, a.signer, same, width)


def _height(subject, lines: list[Line], pictures: list[Picture]) -> float:
    """The height (mm) the area's paragraphs take: their spacing and lines, pictures in line included."""
    total, seen = 0.0, set()
    for line in lines:
        if id(line.paragraph) in seen:
            continue
        seen.add(id(line.paragraph))
        fmt = line.fmt
        size = max([s for s in line.sizes if s] or [subject.resolver.mark_format(line.paragraph).size_pt or 14])
        natural = size * 20 * 1.15
        inline = max([p.height * TWIPS_PER_MM for p in pictures if p.inline and p.line.paragraph is line.paragraph]
                     or [0])
        if fmt.line and fmt.line_rule == "exact":
            height = fmt.line
        elif fmt.line and fmt.line_rule == "atLeast":
            height = max(fmt.line, natural, inline)
        else:
            height = max(natural * (fmt.line or 240) / 240, inline)
        total += height + max(fmt.before or 0, 0) + max(fmt.after or 0, 0)
    return total / TWIPS_PER_MM


def signature_area(subject, rule: Rule) -> Outcome:
    if kind_of(subject) is None:
        return _paper(rule)
    if kind_of(subject) == APPENDIX:
        return not_applicable(FILE_REASON)
    column = _signature_column(subject)
    if column is None:
        return unobservable("không tìm thấy khối chữ ký")
    params = rule.params
    pictures = _pictures(subject, column.lines, column.width)
    _classify(pictures)
    violations = []
    where = column.authority[-1]
    height = _height(subject, column.area, pictures)
    if height < params["min_height_mm"]:
        violations.append(Violation(where.text, f"chưa chừa khu vực chữ ký số giữa chức vụ và họ tên người ký: chỉ "
                                                f"cao {height:.0f} mm, cần ít nhất {params['min_height_mm']:g} mm",
                                    where.order))
    area = {id(l.paragraph) for l in column.area}
    signatures = [p for p in pictures if p.kind == "signature"]
    seals = [p for p in pictures if p.kind == "seal"]
    tolerance = params["centre_tolerance_mm"]
    for picture in signatures:
        if id(picture.line.paragraph) not in area:
            violations.append(Violation(picture.line.text or where.text, "hình chữ ký phải đặt giữa dòng chức vụ và "
                                        "họ tên người ký (ô 7c)", picture.line.order))
        elif picture.left is not None and abs(picture.left + picture.width / 2 - column.width / 2) > tolerance:
            shift = picture.left + picture.width / 2 - column.width / 2
            violations.append(Violation(where.text, f"hình chữ ký lệch {'phải' if shift > 0 else 'trái'} {abs(shift):.0f} "
                                                    "mm: đặt canh giữa chức vụ và họ tên người ký", where.order))
    signature = signatures[0] if signatures else None
    low, high = params["seal_cover_min"], params["seal_cover_max"]
    for seal in seals:
        if signature is None or signature.left is None or seal.left is None:
            continue
        overlap = min(seal.left + seal.width, signature.left + signature.width) - max(seal.left, signature.left)
        share = max(overlap, 0) / signature.width if signature.width else 0
        on_left = seal.left + seal.width / 2 < signature.left + signature.width / 2
        vertical = True
        if seal.top is not None and signature.top is not None and seal.line.paragraph is signature.line.paragraph:
            vertical = seal.top < signature.top + signature.height and signature.top < seal.top + seal.height
        if not (low <= share <= high and on_left and vertical):
            what = (f"trùm {share:.0%} hình chữ ký" + ("" if on_left else ", về bên phải")
                    + ("" if vertical else ", không ngang hình chữ ký"))
            violations.append(Violation(where.text, f"hình dấu phải trùm lên khoảng 1/3 hình chữ ký về bên trái "
                                                    f"(ô 8): đang {what}", seal.line.order))
    outside = [p for p in _pictures(subject, [l for l in subject.anatomy.lines if l not in column.lines], column.width)
               if _colour(p.data) in ("red", "blue")]
    for picture in outside:
        violations.append(Violation(picture.line.text, "hình chữ ký hoặc hình dấu đặt ngoài khối chữ ký: đặt vào khu "
                                                       "vực giữa chức vụ và họ tên người ký", picture.line.order))
    return verdict(violations)


def pictures_format(subject, rule: Rule) -> Outcome:
    if kind_of(subject) is None:
        return _paper(rule)
    column = _signature_column(subject)
    if column is None:
        return not_applicable(FILE_REASON) if kind_of(subject) == APPENDIX else unobservable("không tìm thấy khối chữ ký")
    pictures = _pictures(subject, column.lines, column.width)
    if not pictures:
        return not_applicable("chưa có hình chữ ký, hình dấu (Hệ thống thêm khi ký số)")
    _classify(pictures)
    violations = []
    for picture in pictures:
        what = "hình dấu" if picture.kind == "seal" else "hình chữ ký"
        problems = []
        if picture.content_type != "image/png":
            problems.append("định dạng PNG (.png)")
        elif _transparent(picture.data) is False:
            problems.append("nền trong suốt")
        colour = _colour(picture.data)
        want = "red" if picture.kind == "seal" else "blue"
        if colour is not None and colour != want:
            problems.append("màu đỏ" if want == "red" else "màu xanh")
        if problems:
            violations.append(Violation(column.authority[-1].text, f"{what} phải có {', '.join(problems)}",
                                        picture.line.order))
    return verdict(violations)


# ---------------------------------------------------------------- a Phụ lục in a file of its own

def appendix_file(subject, rule: Rule) -> Outcome:
    kind = kind_of(subject)
    if kind is None:
        return _paper(rule)
    if kind == MAIN:
        return not_applicable("văn bản chính; phụ lục cùng tệp không ký số riêng (Phụ lục I, mục II.8.b)")
    a = subject.anatomy
    head = [l for l in a.lines[:12] if l.text][:6]
    label = next((i for i, l in enumerate(head) if APPENDIX_LABEL.match(l.text)), None)
    if label is None:
        first = head[0] if head else None
        return verdict([Violation(first.text if first else "", "tệp phụ lục riêng phải có dòng «Phụ lục» dưới khối "
                                  "số, ký hiệu và thời gian ký", first.order if first else None)])
    block = head[:label]
    violations = []
    number = next((l for l in block if SO_LINE.match(l.text)), None)
    time_word = electronic().appendix_block.time_line.split(":")[0].strip()
    timing = next((l for l in block if l.text.lower().startswith(time_word.lower())), None)
    at = head[label]
    if number is None:
        violations.append(Violation(at.text, "thiếu dòng số, ký hiệu văn bản ở góc trên, bên phải trang đầu "
                                             "(«Số:      /KH-…»)", at.order))
    if timing is None:
        violations.append(Violation(at.text, f"thiếu dòng «{time_word}:» ở góc trên, bên phải trang đầu", at.order))
    size, width = rule.params["size_pt"], a.body_width
    for line in (l for l in (number, timing) if l is not None):
        problems = []
        sizes = {s for s in line.sizes if s}
        if sizes and sizes != {size}:
            problems.append(f"cỡ chữ {', '.join(f'{s:g}' for s in sorted(sizes))} (phải là {size:g})")
        if line.any("bold") or line.any("italic"):
            problems.append("chữ đứng, không đậm")
        right = line.fmt.align in ("right", "end") or (line.fmt.left or 0) >= width / 2
        if not right:
            problems.append("đặt ở góc trên, bên phải")
        if problems:
            violations.append(Violation(line.text, "; ".join(problems), line.order))
    following = [l.text for l in head[label + 1:]] + [l.text for l in a.lines[12:20] if l.text]
    if not any(t.startswith("(") and "kèm theo" in t.lower() for t in following):
        violations.append(Violation(at.text, "thiếu dòng «(Kèm theo <tên loại> số …/… ngày … của …)» dưới tên phụ lục",
                                    at.order))
    return verdict(violations)


# ---------------------------------------------------------------- the variants of the paper rules

def _blank(subject, rule_id: str) -> bool:
    """The element the rule is about is blank in the document (a number or a date left to the system)."""
    a = subject.anatomy
    if rule_id.startswith("so."):
        match = SO_PARTS.match(a.so.text) if a.so is not None else None
        return match is not None and not match.group("number")
    match = DATE_PARTS.match(a.date.text) if a.date is not None else None
    part = "day" if rule_id == "ngay.ngay-0" else "month"
    return match is not None and not match.group(part).isdigit()


_BLANK_OK = frozenset({"so.so-0", "ngay.ngay-0", "ngay.thang-0"})  # a blank số or date is right (Điều 15.3)
_VARIED: set[str] = set()  # the paper rules (those of inspections.py), whose electronic variant is chosen here


def variant(rule_id: str, kind: str | None, paper: Callable) -> Callable:
    """What checks ``rule_id`` in a document of this electronic ``kind`` (None: paper): the paper rule ``paper``
    itself; in a Phụ lục's own file, for a rule the catalogue does not list for it, "không áp dụng"; in an
    electronic draft, for a rule on the số or the date, "không áp dụng" when that is blank. Chosen once per
    kind, not asked by each rule of each document."""
    if kind is None or rule_id not in _VARIED:
        return paper
    if kind == APPENDIX and not any(fnmatch(rule_id, p) for p in _file_rules()):
        return _not_in_file
    if kind == MAIN and rule_id in _BLANK_OK:
        def inspect(subject, rule: Rule) -> Outcome:
            return not_applicable(BLANK_REASON) if _blank(subject, rule_id) else paper(subject, rule)
        return inspect
    return paper


def _not_in_file(subject, rule: Rule) -> Outcome:
    return not_applicable(FILE_REASON)


def _file_rules() -> list[str]:
    return rule_with_id(APPENDIX_RULE).params["rules_in_file"]


RULES = {"dien-tu.so-ngay": so_ngay, "dien-tu.chu-ky": signature_area, "dien-tu.hinh-anh": pictures_format,
         APPENDIX_RULE: appendix_file}


def install(inspections: dict) -> None:
    """The rules registered so far are the paper rules that have an electronic variant (:func:`variant`);
    register the electronic rules."""
    _VARIED.update(inspections)
    inspections.update(RULES)


__all__ = ["APPENDIX", "MAIN", "install", "kind_of", "variant"]
