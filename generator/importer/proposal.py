"""The cascade an imported plan implies, proposed from its text: who issues a sub-plan, who consolidates,
the reporting periods and their deadlines, and the leads and supporters the text names for an item.

Everything here is read from wording (generator/data/import-cascade.yaml) and matched against a units
registry; nothing is certain, so every proposal comes with a ``Review`` line saying what was guessed from
which words, and where in the plan data it went (the writer puts it there as a YAML comment).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict

from .. import inline, resources
from ..loading import UnitsRegistry
from ..vietnamese import slugify
from ..cascade.subplan import CONTENT_ID, ORGANISATION_ID, PURPOSE_ID  # the ids the cascade looks for
from ..vocabulary import is_organisation_title, is_purpose_title, roman

DATE = r"(?P<date>\d{1,2}/\d{1,2}/\d{4})"


class _Wording(BaseModel):
    model_config = ConfigDict(extra="forbid")

    class PeriodWords(BaseModel):
        id: str
        words: list[str]
        name: str
        next_name: str
        window: dict[str, str] | None = None

    duty: list[str]
    consolidator: list[str]
    lead: list[str]
    support: list[str]
    deadline: list[str]
    last_item: list[str] = []
    periods: list[PeriodWords]
    methods: list[str] = []


def wording() -> _Wording:
    return resources.data_model(_Wording, "import-cascade.yaml")


@dataclass
class Review:
    """One thing a person must check: a sentence in plain Vietnamese, and where it belongs in the plan data
    (a field path; () for the file as a whole)."""

    text: str
    path: tuple = ()
    guess: bool = False  # something vanban inferred (a unit, a deadline), not a reading problem


def _guess(text: str, path: tuple = ()) -> Review:
    return Review(text, path, guess=True)


@dataclass
class Proposal:
    cascade: dict | None
    review: list[Review] = field(default_factory=list)


def _phrases(words: list[str]) -> re.Pattern:
    """Any of ``words`` as whole words, longest first; never a number's unit ("năm 2021" is not "năm")."""
    ordered = sorted(words, key=len, reverse=True)
    return re.compile(r"(?<!\w)(" + "|".join(re.escape(w) for w in ordered) + r")(?!\w)(?!\s*\d)", re.I)


def _plain(text: str) -> str:
    try:
        return inline.plain(text)
    except inline.MarkupError:
        return text


def _node_text(node: dict) -> str:
    parts = [node.get("title") or "", node.get("text") or ""]
    parts += [p if isinstance(p, str) else p.get("text", "") for p in node.get("paragraphs", [])]
    return " ".join(_plain(p) for p in parts if p)


def _walk(nodes: list[dict], path: tuple):
    for index, node in enumerate(nodes):
        here = path + (index,)
        yield node, here
        yield from _walk(node.get("items", []), here + ("items",))


# the long and the short way plans write the same body ("Ủy ban nhân dân các xã" = "UBND các xã")
_SHORT_FORMS = {"uy-ban-nhan-dan": "ubnd", "hoi-dong-nhan-dan": "hdnd", "thanh-pho": "tp"}


def _short_forms(slug: str) -> str:
    for long, short in _SHORT_FORMS.items():
        slug = slug.replace(long, short)
    return slug


class UnitNames:
    """The units and unit kinds of a registry, found by name in a sentence (diacritics and case ignored)."""

    def __init__(self, registry: UnitsRegistry, issuer: str | None):
        self.registry = registry
        self.issuer = issuer
        populated = {unit.kind for unit in registry.units.values()}
        self.names: list[tuple[str, str]] = []  # (slug of a name, unit id or kind id)
        for kind_id, kind in registry.kinds.items():
            for name in [kind.plural or "", *kind.keywords]:
                if name:
                    self.names.append((_short_forms(slugify(name)), kind_id))
        for unit in registry.units.values():
            for name in [unit.name, unit.short_name or "", *unit.aliases]:
                if name:
                    self.names.append((_short_forms(slugify(name)), unit.id))
        self.names.sort(key=lambda pair: len(pair[0]), reverse=True)
        self.empty_kinds = set(registry.kinds) - populated

    def in_text(self, text: str) -> list[str]:
        """Ids named in ``text``, in the order they are written. A longer name hides the shorter names inside
        it ("UBND các huyện, thị xã, thành phố" is not also a "thành phố"); a unit's own name hides a kind
        spelt the same ("Công an tỉnh"); kinds sharing a word all count ("sở, ban, ngành")."""
        slug = _short_forms(f"-{slugify(text)}-")
        spans: dict[tuple[int, int], list[str]] = {}
        for name, ident in self.names:  # longest first
            for match in re.finditer(re.escape(f"-{name}-"), slug):
                span = (match.start(), match.end())
                # neighbouring names share the hyphen between them: that is not an overlap
                if any(s < span[1] - 1 and span[0] < e - 1 for s, e in spans if (s, e) != span):
                    continue
                spans.setdefault(span, []).append(ident)
        ordered: list[str] = []
        for span in sorted(spans):
            # a word two kinds share ("sở, ban, ngành") means the kind this registry has units of
            idents = [i for i in spans[span] if i not in self.empty_kinds] or spans[span]
            units = [i for i in idents if i in self.registry.units]
            for ident in units or idents:
                if ident not in ordered and ident != self.issuer:
                    ordered.append(ident)
        return ordered

    def label(self, ident: str) -> str:
        if ident in self.registry.units:
            return self.registry.units[ident].name
        kind = self.registry.kinds[ident]
        return kind.plural or kind.label

    def labels(self, idents: list[str]) -> str:
        return "; ".join(self.label(i) for i in idents)


def _section(sections: list[dict], test) -> int | None:
    return next((i for i, s in enumerate(sections) if test(s)), None)


def mark_sections(document: dict) -> list[Review]:
    """Give mục I, the content section and «Tổ chức thực hiện» the ids the cascade looks for."""
    sections = document.get("sections", [])
    review: list[Review] = []
    organisation = _section(sections, lambda s: is_organisation_title(_plain(s.get("title", ""))))
    purpose = 0 if sections and is_purpose_title(_plain(sections[0].get("title", ""))) else None
    content = next((i for i in range(len(sections)) if i not in (purpose, organisation)), None)
    for index, ident in ((purpose, PURPOSE_ID), (content, CONTENT_ID), (organisation, ORGANISATION_ID)):
        if index is not None and not sections[index].get("id"):
            sections[index] = {"id": ident, **sections[index]}
    if content is not None and len(sections) > 3:
        review.append(_guess(f"kế hoạch có {len(sections)} mục: đã lấy mục «{_plain(sections[content]['title'])}» "
                             "làm phần nội dung mà các đơn vị cụ thể hóa", ("document", "sections", content, "id")))
    return review


def propose(document: dict, registry: UnitsRegistry, issuer: str) -> Proposal:
    """The cascade section the plan implies, and the ``assign``/``own_task`` its items imply (written into
    ``document`` in place), each with its review line."""
    names = UnitNames(registry, issuer)
    words = wording()
    review = mark_sections(document)
    sections = document.get("sections", [])
    organisation = _section(sections, lambda s: s.get("id") == ORGANISATION_ID)
    items = sections[organisation].get("items", []) if organisation is not None else []
    where = ("document", "sections", organisation, "items") if organisation is not None else ()
    year = int(document.get("year") or dt.date.today().year)

    issuers, consolidator = _issuers(items, names, words, review, where)
    if consolidator is None:
        consolidator = _consolidator_in_text(document, names, words, review)
    review += _assignments(sections, organisation, names, words)
    review += _own_tasks(items, names, issuers, registry, issuer, where)
    periods = _periods(document, words, year, review)

    if not issuers:
        review.append(_guess("không tìm thấy ở phần «Tổ chức thực hiện» đơn vị nào phải xây dựng kế hoạch cụ thể "
                             "hóa (có trong sổ đơn vị): chưa lập được phần cụ thể hóa; hãy ghi các đơn vị đó trước "
                             "khi tạo kế hoạch của các đơn vị"))
        return Proposal(None, review)
    if consolidator is None:
        consolidator = issuer
        review.append(_guess("văn bản không nêu đơn vị làm đầu mối tổng hợp báo cáo: đã ghi chính đơn vị ban "
                             f"hành ({names.label(issuer)})", ("cascade", "consolidator")))
    if not periods:
        return Proposal(None, review + [_guess(
            "không tìm thấy hạn gửi báo cáo (ví dụ «báo cáo 6 tháng (trước ngày 10/5/2021)»): chưa lập được "
            "phần cụ thể hóa; hãy ghi các kỳ báo cáo và hạn gửi trước khi tạo kế hoạch của các đơn vị")])
    send_to = registry.units[issuer].name
    if consolidator != issuer and consolidator in registry.units:
        send_to = f"{send_to} (qua {registry.units[consolidator].name})"
    for period in periods:
        period["send_to"] = send_to
    review.append(_guess(f"nơi nhận báo cáo các kỳ ghi «{send_to}» (suy ra từ đơn vị ban hành và đơn vị tổng hợp)",
                         ("cascade", "periods")))
    cascade = {"issuers": issuers, "consolidator": consolidator, "periods": periods}
    last = _last_item(sections, words)
    if last:
        cascade["last_item"] = last
        review.append(_guess("khoản sơ kết, tổng kết đứng cuối phần nội dung của kế hoạch mỗi đơn vị (nhiệm vụ riêng "
                             "của đơn vị xếp trước khoản này)", ("cascade", "last_item")))
    return Proposal(cascade, review)


def _last_item(sections: list[dict], words: _Wording) -> str | None:
    """The content section's last item when it is the sơ kết, tổng kết: it stays last in every sub-plan."""
    content = next((s for s in sections if s.get("id") == CONTENT_ID), None)
    if not content or not content.get("items") or not words.last_item:
        return None
    last = content["items"][-1]
    if not _phrases(words.last_item).match(_plain(last.get("title") or last.get("text") or "")):
        return None
    content["items"][-1] = last = {"id": last.get("id") or "so-ket-tong-ket", **last}
    return last["id"]


def _issuers(items, names: UnitNames, words: _Wording, review: list[Review], where: tuple):
    """Units named by the items of «Tổ chức thực hiện» that are asked to make the plan concrete, and the
    one asked to consolidate the reports."""
    duty, gathers = _phrases(words.duty), _phrases(words.consolidator)
    issuers: list[str] = []
    named_anywhere: list[str] = []
    consolidator = None
    for index, item in enumerate(items):
        heading = _plain(item.get("title") or "") or _node_text(item)[:200]
        named = names.in_text(heading)
        text = _node_text(item)
        named_anywhere += [n for n in named if n not in named_anywhere]
        unknown = [n for n in named if n in names.empty_kinds]
        if unknown:
            review.append(_guess(f"khoản «{heading[:80]}» nêu {names.labels(unknown)} mà sổ đơn vị không có đơn vị "
                                 "nào thuộc loại này: không tạo kế hoạch cho các đơn vị đó"))
        named = [n for n in named if n not in names.empty_kinds]
        if named and duty.search(text):
            issuers += [n for n in named if n not in issuers]
            review.append(_guess(f"khoản «{heading[:80]}» giao «{duty.search(text).group(0)}»: đã ghi "
                                 f"{names.labels(named)} là đơn vị phải cụ thể hóa kế hoạch",
                                 ("cascade", "issuers")))
        units_only = [n for n in named if n in names.registry.units]
        if consolidator is None and len(units_only) == 1 and gathers.search(text):
            consolidator = units_only[0]
            review.append(_guess(f"khoản «{heading[:80]}» giao «{gathers.search(text).group(0)}»: đã ghi "
                                 f"{names.label(consolidator)} là đơn vị tổng hợp báo cáo", ("cascade", "consolidator")))
    if not issuers and named_anywhere:
        issuers = [n for n in named_anywhere if n not in names.empty_kinds]
        if issuers:
            review.append(_guess("phần «Tổ chức thực hiện» không có câu giao xây dựng kế hoạch: đã ghi mọi đơn vị "
                                 f"được nêu ({names.labels(issuers)}) là đơn vị phải cụ thể hóa", ("cascade", "issuers")))
    return _covered(issuers, names.registry), consolidator


def _covered(idents: list[str], registry: UnitsRegistry) -> list[str]:
    """Drop a unit named beside its own kind (Sở Nội vụ beside «các sở, ban, ngành»): the kind covers it."""
    kinds = {i for i in idents if i in registry.kinds}
    return [i for i in idents if i in kinds or registry.units[i].kind not in kinds]


def _consolidator_in_text(document: dict, names: UnitNames, words: _Wording, review: list[Review]) -> str | None:
    """«… gửi về UBND tỉnh (qua Sở Nội vụ) …», or a sentence asking a unit to consolidate."""
    gathers = _phrases(words.consolidator)
    texts = [_node_text(node) for node, _ in _walk(document.get("sections", []), ())]
    texts += [_plain(t) for t in document.get("closing", [])]
    for text in texts:
        for match in re.finditer(r"\(qua ([^()]{3,80})\)", text):
            units = [n for n in names.in_text(match.group(1)) if n in names.registry.units]
            if units:
                review.append(_guess(f"văn bản ghi «{match.group(0)}»: đã ghi {names.label(units[0])} là đơn vị tổng "
                                     "hợp báo cáo", ("cascade", "consolidator")))
                return units[0]
    for text in texts:
        for sentence in re.split(r"[.;]\s", text):
            if gathers.search(sentence):
                units = [n for n in names.in_text(sentence) if n in names.registry.units]
                if len(units) == 1:
                    review.append(_guess(f"câu «{sentence[:100]}…»: đã ghi {names.label(units[0])} là đơn vị tổng "
                                         "hợp báo cáo", ("cascade", "consolidator")))
                    return units[0]
    return None


def _assignments(sections: list[dict], organisation: int | None, names: UnitNames, words: _Wording) -> list[Review]:
    """``assign: {lead, support}`` on the items whose text names who leads (chủ trì) and who supports."""
    lead_words, support_words = _phrases(words.lead), _phrases(words.support)
    review = []
    for index, section in enumerate(sections):
        if index == organisation or section.get("id") == PURPOSE_ID:
            continue
        for node, path in _walk(section.get("items", []), ("document", "sections", index, "items")):
            if node.get("assign"):
                continue
            lead, support = [], []
            for clause in re.split(r"[.;()\n]", _node_text(node)):
                found = lead_words.search(clause)
                if found:
                    lead += [u for u in names.in_text(clause[:found.start()]) if u not in lead]
                    after = support_words.search(clause, found.end())
                    if after:
                        support += [u for u in names.in_text(clause[after.end():]) if u not in support + lead]
                elif lead and support_words.search(clause):
                    before = clause[:support_words.search(clause).start()]
                    support += [u for u in names.in_text(before) if u not in support + lead]
            if lead:
                node["assign"] = {"lead": lead, "support": support} if support else {"lead": lead}
                who = names.labels(lead) + (f"; phối hợp: {names.labels(support)}" if support else "")
                title = _plain(node.get("title") or node.get("text") or "")[:70]
                review.append(_guess(f"nội dung «{title}»: đã ghi chủ trì: {who} (theo câu «chủ trì … phối hợp» "
                                     "của văn bản)", path + ("assign",)))
    return review


def _own_tasks(items, names: UnitNames, issuers: list[str], registry: UnitsRegistry, issuer: str,
               where: tuple) -> list[Review]:
    """An item of «Tổ chức thực hiện» headed by one unit that issues a sub-plan: its duties become a task
    of that unit's own plan (``own_task``), whose paragraphs are the item's."""
    review = []
    covered = set(_resolve(issuers, registry))
    section = roman(where[2] + 1) if where else ""
    for index, item in enumerate(items):
        if item.get("own_task"):
            continue
        named = names.in_text(_plain(item.get("title") or ""))
        if len(named) != 1 or named[0] not in registry.units or named[0] not in covered:
            continue
        unit = registry.units[named[0]]
        # the item's sentences follow as the task's paragraphs: the title only says where they come from
        title = f"Thực hiện các nhiệm vụ được giao tại mục {section} Kế hoạch của {registry.units[issuer].name}"
        item["own_task"] = {"units": [unit.id], "id": "nhiem-vu-duoc-giao", "title": title}
        review.append(_guess(f"khoản «{unit.name}» của phần «Tổ chức thực hiện» thành một nhiệm vụ trong phần nội "
                             f"dung của kế hoạch {unit.name} («{title}»); hãy đặt tên nhiệm vụ, thời gian và sản "
                             "phẩm cho cụ thể", where + (index, "own_task")))
    return review


def _resolve(idents: list[str], registry: UnitsRegistry) -> list[str]:
    return [u.id for u in registry.units.values() if u.id in idents or u.kind in idents]


def _periods(document: dict, words: _Wording, year: int, review: list[Review]) -> list[dict]:
    """Reporting periods with their deadlines: «định kỳ 06 tháng (trước ngày 10/5/2021), 01 năm (trước ngày
    30/10/2021)» → 6 tháng đầu năm 2021 by 10/5/2021, năm 2021 by 30/10/2021."""
    deadline = re.compile(r"(?:" + "|".join(re.escape(w) for w in sorted(words.deadline, key=len, reverse=True))
                          + r")\s*:?\s*" + DATE, re.I)
    kinds = [(p, _phrases(p.words)) for p in words.periods]
    method = _phrases(words.methods)
    texts = [_node_text(node) for node, _ in _walk(document.get("sections", []), ())]
    found: dict[str, dict] = {}
    for text in texts:
        if "báo cáo" not in text.lower():
            continue
        previous = 0
        for match in deadline.finditer(text):
            segment = text[previous:match.start()]
            sentence_start = max(segment.rfind(". "), segment.rfind("; "))
            segment = segment[sentence_start + 1:] if sentence_start >= 0 else segment
            previous = match.end()
            best = None
            for spec, pattern in kinds:
                for hit in pattern.finditer(segment):
                    if best is None or hit.start() > best[1]:
                        best = (spec, hit.start(), hit.group(0))
            if best is None or best[0].id in found:
                continue
            spec, _, phrase = best
            when = _date(match.group("date"))
            if when is None:
                continue
            values = {"year": year, "previous": year - 1, "next": year + 1}
            period = {"id": spec.id, "name": spec.name.format(**values), "next_name": spec.next_name.format(**values),
                      "deadline": f"{when.day}/{when.month}/{when.year}"}
            if spec.window:
                start, end = (_date(spec.window[k].format(**values)) for k in ("from", "to"))
                if start and end and end < when:
                    period["window"] = {"from": _short(start), "to": _short(end)}
            used = method.search(text)
            if used:
                period["method"] = f"qua {used.group(0)}"
            found[spec.id] = period
    periods = sorted(found.values(), key=lambda p: _date(p["deadline"]))
    for index, period in enumerate(periods):
        note = "" if "window" in period else "; văn bản không ghi thời gian chốt số liệu, hãy bổ sung nếu cần"
        review.append(_guess(f"kỳ báo cáo «{period['name']}», hạn gửi {period['deadline']}: đọc từ câu về chế độ báo "
                             f"cáo của văn bản{note}", ("cascade", "periods", index)))
    return periods


def _date(text: str) -> dt.date | None:
    day, month, year = (int(part) for part in text.split("/"))
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _short(day: dt.date) -> str:
    return f"{day.day}/{day.month}/{day.year}"
