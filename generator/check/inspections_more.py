"""More inspections: the type of the document first, then the parts only some documents have.

The type is recognised before anything is judged (``regime_of``): from the tên loại line, the "V/v" of a
công văn, or the first group of the ký hiệu (Phụ lục III). A Party document (Hướng dẫn 36-HD/VPTW: "ĐẢNG CỘNG
SẢN VIỆT NAM" instead of the Quốc hiệu, "Số 05-KH/TU") is another regime and is not judged at all; a document
whose type cannot be told (an Điều lệ, a speech, a table alone) is judged only by the rules the
``loai-van-ban.xac-dinh`` rule lists in its ``params`` (the page, the font). Every inspection of the catalogue
passes through that gate (``rules_for``), so no rule has to know about it.

Then the rules of the parts some documents have: the căn cứ (Phụ lục I, mục II.6.a), "Kính gửi" (II.9.b),
the place of a công văn's trích yếu (II.5.b), the dấu chỉ độ mật and mức độ khẩn (III.2), the Phụ lục (III.1)
and capitals in the middle of a sentence (Phụ lục II, with ``data/capitalisation.yaml``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, partial
from fnmatch import fnmatch

from pydantic import BaseModel, ConfigDict

from .. import resources
from ..ooxml.document import section_index
from ..vietnamese import upper
from ..vocabulary import (CONG_VAN_TYPE, MARK_LINE_LENGTH, SECRECY_LINE, URGENCY_LINE, authority, document_types,
                          type_codes_by_name)
from .anatomy import Line, is_caps
from .catalogue import (Outcome, Rule, Violation, catalogue, not_applicable, passed, rule_with_id, unobservable,
                        verdict)
from .inspections import INSPECTIONS, Subject, format_check, inspection, size_problem
from .inspections_electronic import kind_of, variant

TYPE_RULE = "loai-van-ban.xac-dinh"
PARTY_RULE = "van-ban-dang.the-thuc"
PARTY_HEADER = re.compile(r"đảng\s+cộng\s+sản\s+việt\s+nam", re.I)
PARTY_NUMBER = re.compile(r"^s[ốo]\s*\d*\s*-\s*[0-9A-ZĐa-zđ]+/[0-9A-ZĐa-zđ-]+", re.I)  # "Số 127-QĐ/TW", "Số 05-KH/TU"
PARTY_REASON = "văn bản của Đảng (Hướng dẫn 36-HD/VPTW): vanban không kiểm tra thể thức loại này"
UNKNOWN_REASON = "không xác định được loại văn bản"
VV = re.compile(r"^v/v\b", re.I)


# ---------------------------------------------------------------- the type of the document, first

@dataclass(frozen=True)
class Regime:
    party: bool = False
    code: str | None = None  # "KH", "BC", "CV" (công văn); None when it cannot be told
    how: str = ""  # how it was told, for the report


def _head(subject: Subject) -> list[Line]:
    return [l for l in subject.anatomy.lines[:40] if l.text]


def _find_regime(subject: Subject) -> Regime:
    a = subject.anatomy
    head = _head(subject)
    if a.quoc_hieu is None:
        party = next((l for l in head if PARTY_HEADER.search(l.text)), None) or \
            next((l for l in head if PARTY_NUMBER.match(l.text)), None)
        if party is not None:
            return Regime(party=True, how=f"«{party.text}»")
    if a.ten_loai is not None:
        code = type_codes_by_name().get(a.ten_loai.text.upper())
        if code:
            return Regime(code=code, how=f"tên loại «{a.ten_loai.text}»")
    if a.cong_van:
        return Regime(code=CONG_VAN_TYPE, how=f"trích yếu «{a.trich_yeu[0].text}» dưới số, ký hiệu")
    stray = _stray_vv(subject)
    if stray is not None:
        return Regime(code=CONG_VAN_TYPE, how=f"trích yếu «{stray.text}»")
    if a.so is not None and "/" in a.so.text:
        first = a.so.text.split("/", 1)[1].strip().split("-")[0].strip()
        if first in document_types():
            return Regime(code=first, how=f"ký hiệu «{a.so.text}»")
    return Regime()


def regime_of(subject: Subject) -> Regime:
    """The document's regime and type, found once per subject."""
    return subject.recall("regime", lambda: _find_regime(subject))


def _type_rule() -> Rule:
    return rule_with_id(TYPE_RULE)


def _skipped(rule_id: str, regime: Regime) -> str | None:
    """Why ``rule_id`` does not apply to a document of this regime and type, or None when it does."""
    if rule_id in (TYPE_RULE, PARTY_RULE):
        return None
    if regime.party:
        return PARTY_REASON
    params = _type_rule().params
    if regime.code is None:
        if not any(fnmatch(rule_id, p) for p in params["when_unknown"]):
            return f"{UNKNOWN_REASON}: chỉ kiểm tra trang giấy và phông chữ"
        return None
    if any(fnmatch(rule_id, p) for p in params.get("not_for_type", {}).get(regime.code, [])):
        name = document_types().get(regime.code, "công văn")
        return f"{name} không có thành phần này (Phụ lục III, mục II)"
    return None


@lru_cache(maxsize=64)
def _skip_table(party: bool, code: str | None) -> dict[str, str | None]:
    """Why each rule does not apply to a document of this regime and type (None: it applies); by what
    :func:`_skipped` reads of the regime, not how it was told (which quotes the document)."""
    regime = Regime(party=party, code=code)
    return {rule_id: _skipped(rule_id, regime) for rule_id in INSPECTIONS}


def rules_for(subject: Subject) -> tuple[tuple[Rule, Callable[[Subject, Rule], Outcome]], ...]:
    """Every rule of the catalogue with what checks it in this document: its inspection (the electronic
    variant of it for an electronic draft), or what says why it does not apply to the document's regime and
    type. The gate every rule passes, so that no rule has to know about it; chosen once per regime, type and
    electronic kind, not asked by each rule of each document."""
    regime = regime_of(subject)
    return _rules_for(regime.party, regime.code, kind_of(subject))


@lru_cache(maxsize=64)
def _rules_for(party: bool, code: str | None, kind: str | None) -> tuple[tuple[Rule, Callable], ...]:
    skipped = _skip_table(party, code)
    chosen = []
    for rule in catalogue():
        inspect = INSPECTIONS.get(rule.id)
        reason = skipped.get(rule.id)
        if inspect is None:
            chosen.append((rule, _not_inspected))
        elif reason:
            chosen.append((rule, partial(_not_for_document, reason)))
        else:
            chosen.append((rule, variant(rule.id, kind, inspect)))
    return tuple(chosen)


def _not_inspected(subject: Subject, rule: Rule) -> Outcome:
    return unobservable("chưa có bước kiểm tra cho quy tắc này")


def _not_for_document(reason: str, subject: Subject, rule: Rule) -> Outcome:
    return not_applicable(reason)


@inspection(TYPE_RULE)
def document_type(subject: Subject, rule: Rule) -> Outcome:
    regime = regime_of(subject)
    if regime.party:
        return not_applicable(PARTY_REASON)
    if regime.code is None:
        first = next((l for l in _head(subject)), None)
        return verdict([Violation(first.text if first else "", f"{UNKNOWN_REASON} (không thấy tên loại, «V/v» "
                                  "của công văn hay chữ viết tắt tên loại trong ký hiệu): chỉ kiểm tra trang giấy "
                                  "và phông chữ", first.order if first else None)])
    return passed()


@inspection(PARTY_RULE)
def party_document(subject: Subject, rule: Rule) -> Outcome:
    regime = regime_of(subject)
    if not regime.party:
        return not_applicable("văn bản hành chính (Nghị định 30/2020/NĐ-CP)")
    line = next((l for l in _head(subject) if regime.how == f"«{l.text}»"), None)
    return verdict([Violation(line.text if line else "", PARTY_REASON, line.order if line else None)])


# ---------------------------------------------------------------- trích yếu of a công văn: under the số

def _stray_vv(subject: Subject) -> Line | None:
    """A "V/v …" line of a công văn that is not under the số (centred below the header, like a tên loại)."""
    a = subject.anatomy
    if a.cong_van or a.ten_loai is not None or a.so is None:
        return None
    return next((l for l in a.lines[a.so.order + 1:a.so.order + 15] if l.text and VV.match(l.text)), None)


@inspection("trich-yeu.cong-van-vi-tri")
def cong_van_trich_yeu_place(subject: Subject, rule: Rule) -> Outcome:
    a = subject.anatomy
    if a.cong_van:
        return passed()
    stray = _stray_vv(subject)
    if stray is None:
        return not_applicable("không phải công văn")
    return verdict([Violation(stray.text, "trích yếu công văn phải đặt ngay dưới dòng số, ký hiệu (ô 5b, cùng cột "
                                          "với số), không đặt giữa trang như tên loại", stray.order)])


# ---------------------------------------------------------------- căn cứ ban hành

CAN_CU_START = re.compile(r"^(căn cứ|theo đề nghị|xét đề nghị|xét tờ trình)\b", re.I)


def can_cu_lines(subject: Subject) -> list[Line]:
    """The căn cứ at the head of the content: "Căn cứ …;" lines and a last "Theo đề nghị …", up to the first
    other paragraph; an opening sentence that only starts with "Căn cứ" ("…, Sở ban hành Kế hoạch như sau:")
    is not one."""
    out: list[Line] = []
    for line in subject.anatomy.content:
        if line.cell or not line.text:
            continue
        if not CAN_CU_START.match(line.text) or line.text.endswith(":") or "như sau" in line.text:
            break
        out.append(line)
    return out


@inspection("can-cu.trinh-bay")
def can_cu(subject: Subject, rule: Rule) -> Outcome:
    if regime_of(subject).code not in rule.params["types"]:
        return not_applicable("chỉ nghị quyết, quyết định có phần căn cứ ban hành (Mẫu 1.1–1.3); «Căn cứ …» của "
                              "văn bản khác là lời mở đầu của nội dung")
    lines = can_cu_lines(subject)
    if not lines:
        return not_applicable("văn bản không có căn cứ ban hành")
    low, high = rule.params["min_pt"], rule.params["max_pt"]
    violations = []
    for position, line in enumerate(lines):
        problems = []
        size = size_problem(line, low, high)
        if size:
            problems.append(size)
        if not line.all("italic"):
            problems.append("chưa in nghiêng")
        last = position == len(lines) - 1
        end = line.text[-1]
        if last and end != ".":
            problems.append("căn cứ cuối cùng phải kết thúc bằng dấu chấm «.»"
                            + (f", không phải «{end}»" if end in ";,:" else ""))
        if not last and end != ";":
            problems.append("mỗi căn cứ kết thúc bằng dấu chấm phẩy «;» rồi xuống dòng"
                            + (f", không phải «{end}»" if end in ".,:" else ""))
        if problems:
            violations.append(Violation(line.text, "; ".join(problems), line.order))
    return verdict(violations)


# ---------------------------------------------------------------- Kính gửi

KINH_GUI_PARTS = re.compile(r"^(?P<words>kính\s*gửi)(?P<colon>\s*:)?\s*(?P<rest>.*)$", re.I)
DASHES = ("-", "–", "—", "+", "•")


def kinh_gui_lines(subject: Subject) -> tuple[Line | None, list[Line]]:
    """The "Kính gửi" line and the recipient lines under it (each starting with a dash)."""
    a = subject.anatomy
    if not a.kinh_gui:
        return None, []
    first = a.kinh_gui[0]
    entries = []
    for line in a.lines[first.order + 1:]:
        if not line.text:
            continue
        if not line.text.startswith(DASHES):
            break
        entries.append(line)
    return first, entries


@inspection("kinh-gui.trinh-bay")
def kinh_gui_layout(subject: Subject, rule: Rule) -> Outcome:
    first, entries = kinh_gui_lines(subject)
    if first is None:
        return not_applicable("văn bản không có phần «Kính gửi»")
    match = KINH_GUI_PARTS.match(first.text)
    violations: list[Violation] = []
    problems = []
    if match["words"] != "Kính gửi":
        problems.append(f"viết «Kính gửi», không phải «{match['words']}»")
    if not match["colon"]:
        problems.append("thiếu dấu hai chấm sau «Kính gửi»")
    elif match["colon"] != ":":
        problems.append("dấu hai chấm viết liền sau «Kính gửi»")
    rest = match["rest"].strip()
    if rest and entries:
        problems.append("nhiều nơi nhận thì xuống dòng ngay sau «Kính gửi:», mỗi nơi nhận một dòng")
    elif rest and ";" in rest.rstrip(".;"):
        problems.append("nhiều nơi nhận thì xuống dòng sau «Kính gửi:», mỗi nơi nhận một dòng bắt đầu bằng «-»")
    elif not rest and not entries:
        problems.append("chưa ghi nơi nhận sau «Kính gửi:»")
    elif not rest and len(entries) == 1:
        problems.append(f"chỉ một nơi nhận thì viết cùng dòng: «Kính gửi: {entries[0].text.lstrip(''.join(DASHES)).strip().rstrip('.;')}»")
    problems += _plain_problems(first, rule)
    if problems:
        violations.append(Violation(first.text, "; ".join(problems), first.order))
    for position, line in enumerate(entries):
        problems = []
        if not line.text.startswith("-") or line.text.startswith("--"):
            problems.append(f"gạch đầu dòng phải là «-», không phải «{line.text[0]}»")
        last = position == len(entries) - 1
        if last and not line.text.endswith("."):
            problems.append("nơi nhận cuối cùng kết thúc bằng dấu chấm «.»")
        if not last and not line.text.endswith(";"):
            problems.append("mỗi nơi nhận kết thúc bằng dấu chấm phẩy «;»")
        problems += _plain_problems(line, rule)
        if problems:
            violations.append(Violation(line.text, "; ".join(problems), line.order))
    return verdict(violations)


def _plain_problems(line: Line, rule: Rule) -> list[str]:
    problems = []
    size = size_problem(line, rule.params["min_pt"], rule.params["max_pt"])
    if size:
        problems.append(size)
    if line.any("bold"):
        problems.append("không in đậm")
    if line.any("italic"):
        problems.append("chữ đứng, không in nghiêng")
    return problems


# ---------------------------------------------------------------- dấu chỉ độ mật, mức độ khẩn

URGENCY, SECRECY = URGENCY_LINE, SECRECY_LINE
URGENCY_WORDS = ("HỎA TỐC", "HOẢ TỐC", "THƯỢNG KHẨN", "KHẨN")
SECRECY_WORDS = ("TUYỆT MẬT", "TỐI MẬT", "MẬT")


def _marks(subject: Subject, pattern: re.Pattern) -> list[Line]:
    """The lines above the footer that are a mark of ``pattern``'s kind (asked by both marks' rules)."""
    def derive() -> list[Line]:
        a = subject.anatomy
        footer = [l.order for l in (a.noi_nhan_label, *a.authority) if l is not None]
        end = min(footer) if footer else 40
        # a mark is a short line: the long ones are not matched (most lines of the head are long)
        return [l for l in a.lines[:end] if 0 < len(l.text) <= MARK_LINE_LENGTH and pattern.match(l.text)]
    return subject.recall(("marks", pattern.pattern), derive)


def _mark_check(subject: Subject, rule: Rule, pattern: re.Pattern, words: tuple[str, ...], what: str,
                box: str) -> Outcome:
    a = subject.anatomy
    marks = _marks(subject, pattern)
    if not marks:
        if a.textbox_text and re.search(r"\b(" + "|".join(words) + r")\b", a.textbox_text):
            return unobservable(f"{what} nằm trong hộp văn bản (text box), không đọc được định dạng")
        return not_applicable(f"văn bản không có {what}")
    violations = []
    for line in marks:
        problems = []
        text = upper(line.text)
        if text not in words:
            problems.append(f"Nghị định 30 chỉ có «{'», «'.join(w for w in words if w != 'HOẢ TỐC')}»")
        if not is_caps(line.text):
            problems.append(f"in hoa: «{text}»")
        result = format_check([line], rule, bold=True)
        problems += [v.detail for v in result.violations]
        if a.so is not None and line.order < a.so.order:
            problems.append(f"đặt dưới số, ký hiệu ({box}), không đặt trên đầu văn bản")
        elif a.so is not None and a.so.cell is not None and line.cell is not None and \
                (line.cell.table, line.cell.column) != (a.so.cell.table, a.so.cell.column):
            problems.append(f"đặt ở cột bên trái, dưới số, ký hiệu ({box})")
        elif line.cell is None and (line.fmt.align == "right" or (line.split and line.column > 0)):
            problems.append(f"đặt bên trái, dưới số, ký hiệu ({box}), không đặt bên phải")
        if problems:
            violations.append(Violation(line.text, "; ".join(problems), line.order))
    return verdict(violations)


@inspection("do-khan.trinh-bay")
def urgency(subject: Subject, rule: Rule) -> Outcome:
    result = _mark_check(subject, rule, URGENCY, URGENCY_WORDS, "dấu chỉ mức độ khẩn", "ô 10b")
    secret = _marks(subject, SECRECY)
    urgent = _marks(subject, URGENCY)
    if secret and urgent and urgent[0].order < secret[0].order:
        result = verdict(result.violations + [Violation(urgent[0].text, f"dấu mức độ khẩn đặt dưới dấu độ mật "
                                                                        f"«{secret[0].text}» (ô 10b dưới ô 10a)",
                                                        urgent[0].order)])
    return result


@inspection("do-mat.trinh-bay")
def secrecy(subject: Subject, rule: Rule) -> Outcome:
    return _mark_check(subject, rule, SECRECY, SECRECY_WORDS, "dấu chỉ độ mật", "ô 10a")


# ---------------------------------------------------------------- Phụ lục

APPENDIX_LABEL = re.compile(r"^(?P<word>phụ lục)(?:\s+(?:số\s+)?(?P<number>[IVXLC]+|\d+))?\s*[.:]?$", re.I)
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV"]


@dataclass
class Appendix:
    label: Line
    number: str | None
    title: list[Line]
    kem_theo: Line | None
    has_table: bool


def appendices(subject: Subject) -> list[Appendix]:
    """The Phụ lục after the signature (Mẫu 2.1): its label line, title lines, "(Kèm theo …)" line."""
    return subject.recall("appendices", lambda: _appendices(subject))


def _appendices(subject: Subject) -> list[Appendix]:
    a = subject.anatomy
    footer = [l.order for l in (a.noi_nhan_label, *a.noi_nhan, *a.authority, a.signer) if l is not None]
    if not footer:
        return []
    lines = [l for l in a.lines[max(footer) + 1:] if l.text]
    labels = [i for i, l in enumerate(lines) if not l.cell and APPENDIX_LABEL.match(l.text)]
    found = []
    for n, index in enumerate(labels):
        end = labels[n + 1] if n + 1 < len(labels) else len(lines)
        part = lines[index + 1:end]
        title, kem_theo = [], None
        for line in part[:6]:
            if line.cell:
                break
            if line.text.startswith("("):
                kem_theo = line if re.search(r"kèm\s+theo", line.text, re.I) else None
                break
            if len(title) < 3 and not set(line.text) <= {"_", "-", " "}:
                title.append(line)
        found.append(Appendix(lines[index], APPENDIX_LABEL.match(lines[index].text)["number"], title, kem_theo,
                              any(l.cell for l in part)))
    return found


def _appendices_or_none(subject: Subject):
    found = appendices(subject)
    return found, (None if found else not_applicable("văn bản không có phụ lục"))


@inspection("phu-luc.nhan")
def appendix_label(subject: Subject, rule: Rule) -> Outcome:
    found, none = _appendices_or_none(subject)
    if none:
        return none
    violations = []
    for position, appendix in enumerate(found):
        line, problems = appendix.label, []
        word = APPENDIX_LABEL.match(line.text)["word"]
        if word != "Phụ lục":
            problems.append(f"viết «Phụ lục{' ' + appendix.number if appendix.number else ''}» (chữ thường, "
                            f"chữ P hoa), không phải «{word}»")
        if len(found) > 1:
            want = ROMAN[position] if position < len(ROMAN) else None
            if appendix.number != want:
                problems.append(f"có {len(found)} phụ lục thì đánh số La Mã theo thứ tự: phụ lục thứ {position + 1} "
                                f"là «Phụ lục {want}»")
        elif appendix.number and appendix.number.isdigit():
            problems.append(f"số phụ lục viết bằng chữ số La Mã: «Phụ lục {ROMAN[int(appendix.number) - 1]}»"
                            if 0 < int(appendix.number) <= len(ROMAN) else "số phụ lục viết bằng chữ số La Mã")
        problems += [v.detail for v in format_check([line], rule, bold=True, italic=False, centred=True).violations]
        if problems:
            violations.append(Violation(line.text, "; ".join(problems), line.order))
    return verdict(violations)


@inspection("phu-luc.ten")
def appendix_title(subject: Subject, rule: Rule) -> Outcome:
    found, none = _appendices_or_none(subject)
    if none:
        return none
    violations = []
    for appendix in found:
        if not appendix.title:
            violations.append(Violation(appendix.label.text, "phụ lục chưa có tên (dòng in hoa, đậm dưới chữ "
                                                             "«Phụ lục»)", appendix.label.order))
            continue
        violations += format_check(appendix.title, rule, bold=True, italic=False, caps=True, centred=True).violations
    return verdict(violations)


KEM_THEO = re.compile(r"^\(Kèm theo\s+(?P<what>.+?)\s+số\s+(?P<number>\S+)\s+(?P<date>ngày.+?)\s+của\s+(?P<who>.+)\)$")


@inspection("phu-luc.kem-theo")
def appendix_kem_theo(subject: Subject, rule: Rule) -> Outcome:
    found, none = _appendices_or_none(subject)
    if none:
        return none
    violations = []
    for appendix in found:
        line = appendix.kem_theo
        if line is None:
            last = (appendix.title or [appendix.label])[-1]
            violations.append(Violation(last.text, "thiếu dòng «(Kèm theo <tên loại> số …/… ngày … tháng … năm … "
                                                   "của …)» dưới tên phụ lục", last.order))
            continue
        problems = []
        match = KEM_THEO.match(line.text)
        if not match:
            missing = [w for w, p in (("«Kèm theo»", r"^\(Kèm theo\b"), ("«số …»", r"\bsố\b"),
                                      ("«ngày …»", r"\bngày\b"), ("«của …»", r"\bcủa\b"), ("dấu «)» cuối dòng", r"\)$"))
                       if not re.search(p, line.text)]
            problems.append("ghi đủ «(Kèm theo <tên loại> số …/… ngày … của <cơ quan>)»"
                            + (f": thiếu {', '.join(missing)}" if missing else ""))
        problems += [v.detail for v in format_check([line], rule, italic=True, centred=True).violations]
        if line.any("bold"):
            problems.append("không in đậm")
        if problems:
            violations.append(Violation(line.text, "; ".join(problems), line.order))
    return verdict(violations)


def _section_of(subject: Subject, line: Line) -> int:
    """Index of the section the paragraph of ``line`` belongs to: told by where it stands in the part's bytes
    when the body was read from them, else by the tree."""
    found = line.view.body.section_of(line.view.index)
    return found if found is not None else section_index(subject.sections, line.paragraph)


@inspection("phu-luc.huong")
def appendix_orientation(subject: Subject, rule: Rule) -> Outcome:
    found, none = _appendices_or_none(subject)
    if none:
        return none
    violations = []
    for appendix in found:
        number = _section_of(subject, appendix.label)
        if number >= len(subject.sections) or subject.sections[number].page is None:
            continue
        w, h, orient = subject.sections[number].page
        if (w > h or orient == "landscape") and not appendix.has_table:
            violations.append(Violation(appendix.label.text, "phụ lục không có bảng biểu mà đặt trang nằm ngang; "
                                                             "đặt trang đứng", appendix.label.order))
    return verdict(violations)


# ---------------------------------------------------------------- capitals in the middle of a sentence

class Capitalisation(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    ref: str
    names: tuple[str, ...]
    documents: tuple[str, ...]
    organisations: tuple[str, ...]
    before_names: tuple[str, ...]
    function_words: tuple[str, ...]


def capitalisation() -> Capitalisation:
    return resources.data_model(Capitalisation, "capitalisation.yaml")


def _title_case(word: str) -> bool:
    return len(word) > 1 and word[0].isupper() and word[1:].islower()


def _allowed_names() -> list[list[str]]:
    data = capitalisation()
    titles = {p.head for p in authority().positions} | {d for p in authority().positions for d in p.deputies}
    names = [*data.names, *(t.capitalize() if not t.startswith("PHÓ ") else "Phó " + t[4:].capitalize()
                            for t in titles)]
    return [n.split() for n in names]


def _name_openers() -> list[list[str]]:
    """Words a proper name follows: an organisation ("Sở Tư pháp") or a document ("Luật Đất đai")."""
    data = capitalisation()
    return [o.split() for o in (*data.organisations, *data.documents, *document_types().values())]


def _documents() -> list[list[str]]:
    return [d.split() for d in (*capitalisation().documents, *document_types().values())]


QUOTED = re.compile(r"[\"“«][^\"”»]*[\"”»]|\([^)]*\)")
TOKEN = re.compile(r"[^\W\d_]+|\d+|[^\w\s]", re.U)


def tokens_of(text: str) -> list[str]:
    """``TOKEN.findall(text)``, word by word: no token spans a space (str.split's and the pattern's spaces are
    the same set), and a word of letters only is one token, told by ``isalpha`` many times faster than the
    pattern reads it (the pattern's Unicode classes are tested a character at a time)."""
    found: list[str] = []
    for word in text.split():
        if word.isalpha():
            found.append(word)
        else:
            found += TOKEN.findall(word)
    return found


@dataclass(frozen=True)
class _Phrases:
    """Word sequences kept as tuples, with the lengths they come in by their first and by their last word:
    a text is matched word by word with a few set lookups, however many names the data holds."""

    phrases: frozenset
    lengths_by_first: dict
    lengths_by_last: dict
    lower_first: bool  # whether a phrase starts with a word in lower case (else no such word starts one)

    @classmethod
    def of(cls, phrases: list[list[str]]) -> "_Phrases":
        first: dict[str, set[int]] = {}
        last: dict[str, set[int]] = {}
        for phrase in phrases:
            if phrase:
                first.setdefault(phrase[0], set()).add(len(phrase))
                last.setdefault(phrase[-1], set()).add(len(phrase))
        return cls(frozenset(tuple(p) for p in phrases if p), first, last, any(w.islower() for w in first))

    def starts(self, tokens: list[str], i: int) -> bool:
        lengths = self.lengths_by_first.get(tokens[i])  # most words start no phrase: no tuple is built for them
        return lengths is not None and any(tuple(tokens[i:i + n]) in self.phrases for n in lengths)

    def ends(self, tokens: list[str], i: int) -> bool:
        """A phrase ends just before ``tokens[i]``."""
        return i > 0 and any(i >= n and tuple(tokens[i - n:i]) in self.phrases
                             for n in self.lengths_by_last.get(tokens[i - 1], ()))


@lru_cache(maxsize=1)
def _function_words() -> frozenset[str]:
    """The words a name does not run on through (looked up at most words of a sentence: a set, not the list)."""
    return frozenset(capitalisation().function_words)


@lru_cache(maxsize=1)
def _phrase_sets() -> tuple[_Phrases, _Phrases, _Phrases, _Phrases]:
    """Names, openers, cited documents and the words names follow, indexed once (the data does not change)."""
    return (_Phrases.of(_allowed_names()), _Phrases.of(_name_openers()), _Phrases.of(_documents()),
            _Phrases.of([b.split() for b in capitalisation().before_names]))


def _letter(char: str) -> bool:
    """What the pattern class [^\\W\\d_] matches: a letter, or a number that is not a decimal digit."""
    return char.isalnum() and not char.isdecimal()


# the Latin blocks Vietnamese is written in: their capitals are listed, anything outside them may be one
_LATIN_BLOCKS = ((0x0000, 0x0250), (0x1E00, 0x1F00))


@lru_cache(maxsize=1)
def _space_before_capital() -> re.Pattern:
    """A space (after a comma or not) before what may be a capital: a pattern matches at the few capitals of a
    line, not at every space, and Python tells the letters on either side (str.isupper, str.islower)."""
    spans, start = [], None
    for low, high in _LATIN_BLOCKS:
        for code in range(low, high + 1):
            capital = code < high and chr(code).isupper()
            if capital and start is None:
                start = code
            elif not capital and start is not None:
                spans.append(re.escape(chr(start)) + (f"-{re.escape(chr(code - 1))}" if code - 1 > start else ""))
                start = None
    outside = "".join(f"{re.escape(chr(low))}-{re.escape(chr(high - 1))}" for low, high in _LATIN_BLOCKS)
    return re.compile(rf",?\s+(?=([{''.join(spans)}]|[^{outside}]))")


def _capital_after_lower(text: str) -> bool:
    """Whether a lower-case letter, a comma or not and spaces, then a capital letter stand in ``text``: what a
    slip needs (most lines have none)."""
    for match in _space_before_capital().finditer(text):
        at = match.start()
        if at:
            before, after = text[at - 1], match.group(1)
            if before.islower() and after.isupper() and _letter(before) and _letter(after):
                return True
    return False


def capital_slips(text: str) -> list[str]:
    """The capitalised word pairs of ``text`` that are not at a sentence start and begin no known name:
    "Tuyên truyền Cải cách hành chính" → ["Cải cách"]."""
    # long lines are not kept in the cache (a hostile file's megabytes must not stay in memory)
    return list(_capital_slips(text) if len(text) <= 4000 else _capital_slips.__wrapped__(text))


def _may_slip(tokens: list[str], i: int, function_words, names: _Phrases, openers: _Phrases,
              before: _Phrases) -> bool:
    """What a slip at the title-case word ``tokens[i]`` needs of the words around it (what :func:`_capital_slips`
    asks besides whether a name or a cited document runs through it)."""
    previous = tokens[i - 1]
    following = tokens[i + 1] if i + 1 < len(tokens) else ""
    start = not previous[0].isalnum() and previous in ".!?:;-–…" or previous[0].isdigit() or len(previous) == 1
    return not (start or _title_case(previous) or previous.isupper()) and following[:1].isalpha() \
        and following.islower() and following not in function_words and not openers.starts(tokens, i) \
        and not before.ends(tokens, i) and not names.starts(tokens, i)


@lru_cache(maxsize=16384)  # the lines of a cascade's documents recur from unit to unit
def _capital_slips(text: str) -> tuple[str, ...]:
    if not _capital_after_lower(text):
        return ()
    # after ".", ";", "!" or "?" nothing read before matters (no name or cited document runs on, none of the
    # data's phrases holds one): each sentence is read for itself, and the sentences a new line shares with
    # others (a task's text with another unit's name in one of them) are recalled. Each of these marks is a
    # token of its own, so the sentences' tokens are the line's.
    slips: list[str] = []
    for sentence in _SENTENCES.findall(QUOTED.sub(" . ", text)):
        slips += (_sentence_slips if len(sentence) <= 4000 else _sentence_slips.__wrapped__)(sentence)
    return tuple(slips)


# each sentence with the mark that ends it (what splitting after every mark gives, without its empty pieces)
_SENTENCES = re.compile(r"[^.;!?]*[.;!?]|[^.;!?]+")


@lru_cache(maxsize=16384)
def _sentence_slips(sentence: str) -> tuple[str, ...]:
    tokens = tokens_of(sentence)
    if not tokens:
        return ()
    function_words = _function_words()
    names, openers, documents, before = _phrase_sets()
    # (a word all in lower case, most of them, is passed over with one call)
    if not any(_may_slip(tokens, i, function_words, names, openers, before) for i, token in enumerate(tokens)
               if not token.islower() and i and len(token) > 1 and token[0].isupper() and token[1:].islower()):
        return ()  # no word passes what a slip needs of its neighbours: the walk through the names is not needed
    slips, in_name, citing = [], False, False
    # a word in lower case (most of them) starts no name or cited document of the data, and is no slip: only
    # a function word after a name changes what follows
    lower_passes = not (documents.lower_first or openers.lower_first)
    for i, token in enumerate(tokens):
        previous = tokens[i - 1] if i else "."
        if lower_passes and token.islower() and token[0].isalpha():
            if token in function_words and not (previous == "về" and citing):
                in_name = in_name and token == "và" and _title_case(tokens[i + 1] if i + 1 < len(tokens) else "")
            continue
        if not token[0].isalpha():
            following = tokens[i + 1] if i + 1 < len(tokens) else ""
            # "Kết luận số 114-KL/TW"; "Sở Văn hóa, Thể thao và Du lịch": a name may run on after a comma
            in_name = in_name and (token in "-/" or (token == "," and _title_case(following)))
            citing = citing and token not in ".;!?"
            continue
        citing = citing or documents.starts(tokens, i)
        if openers.starts(tokens, i):
            in_name = True  # "Sở Tư pháp", "Hội Liên hiệp Phụ nữ Việt Nam": the name runs to a function word
            continue
        if previous == "về" and citing:
            continue  # the trích yếu of a cited document, as it was written
        if token.lower() in function_words and not _title_case(token):
            following = tokens[i + 1] if i + 1 < len(tokens) else ""
            in_name = in_name and token == "và" and _title_case(following)  # "Sở Giáo dục và Đào tạo"
            continue
        if not _title_case(token) or in_name:
            continue
        start = not previous[0].isalnum() and previous in ".!?:;-–…" or previous[0].isdigit() or len(previous) == 1
        if i == 0 or start or _title_case(previous) or previous.isupper():
            continue
        if before.ends(tokens, i):
            continue
        if names.starts(tokens, i):
            continue
        following = tokens[i + 1] if i + 1 < len(tokens) else ""
        if not following[:1].isalpha() or not following.islower() or following in function_words:
            continue
        slips.append(f"{token} {following}")
    return tuple(slips)


@inspection("viet-hoa.danh-tu-chung")
def capitals(subject: Subject, rule: Rule) -> Outcome:
    a = subject.anatomy
    lines = [*a.trich_yeu, *[l for l in a.content if not l.cell]]
    if not lines:
        return unobservable("không tìm thấy trích yếu và phần nội dung")
    violations = []
    for line in lines:
        text = line.text  # (capital_slips without its copy: asked of every content line)
        slips = _capital_slips(text) if len(text) <= 4000 else _capital_slips.__wrapped__(text)
        if slips:
            violations.append(Violation(line.text, "viết hoa danh từ chung giữa câu: " + ", ".join(
                f"«{s}» viết «{s[0].lower() + s[1:]}»" for s in slips), line.order))
    return verdict(violations)


__all__ = ["Appendix", "Regime", "appendices", "can_cu_lines", "capital_slips", "kinh_gui_lines", "regime_of",
           "rules_for"]
