"""Báo cáo kết quả thực hiện: each unit's report for a period, and the consolidated report.

Both are ordinary Documents of type BC, addressed upward with "Kính gửi" (the renderer then puts
"- Như trên;" first in Nơi nhận), with a Phụ lục of the indicators when the plan has any. A unit's report
is built from the plan, the unit's cascade wording (profile and override) and its results; a part with no
result holds the placeholder of ``data/report-wording.yaml`` ("…") for the secretary to fill. The
consolidated report is built from the plan and every unit's results. Sentences and section titles come
from ``data/report-wording.yaml``.
"""

from __future__ import annotations

import difflib
import weakref
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict

from . import inline, resources
from .cascade.profiles import load_override
from .cascade.subplan import (CascadeContext, content_section, is_organisation, issuing_units, item_id,
                              province_word, subplan, wording_for)
from .cascade.wording import Wording, lower_first
from .errors import InputError, Location
from .model import Appendix, AppendixColumn, Document, Node, Period, Signer
from .results import Results, UnitResults
from .results.model import Notice
from .results.workbook import recorded_window
from .vietnamese import figure, ky_hieu, number_text, short_date
from .vocabulary import document_types

WORDING_FILE = "report-wording.yaml"


class _Texts(BaseModel):
    model_config = ConfigDict(extra="forbid")

    opening: str
    leadership: str
    results_intro: str
    closing: str
    window: str | None = None  # "Số liệu tính từ ngày … đến ngày …", first line of mục II
    count: str | None = None  # the consolidated report: how many units sent their report
    count_none: str | None = None
    own: str | None = None  # the consolidator's own results are in the report
    missing: str | None = None
    late: str | None = None
    results_intro_partial: str | None = None  # totals of only some units: never "trên toàn tỉnh"
    results_intro_none: str | None = None


class _Sections(BaseModel):
    model_config = ConfigDict(extra="forbid")

    leadership: str
    results: str
    assessment: str
    strengths: str
    weaknesses: str
    next_steps: str
    proposals: str
    own_tasks: str  # the consolidated report's part for the units' own tasks


class ReportWording(BaseModel):
    model_config = ConfigDict(extra="forbid")

    placeholder: str
    title: str
    appendix_title: str
    unit: _Texts
    consolidated: _Texts
    sections: _Sections


def report_wording() -> ReportWording:
    return resources.data_model(ReportWording, WORDING_FILE)


WHERE = Location(WORDING_FILE)


def period_of(context: CascadeContext, period_id: str) -> Period:
    for period in context.cascade.periods:
        if period.id == period_id:
            return period
    known = ", ".join(p.id for p in context.cascade.periods)
    raise InputError(f"kỳ báo cáo «{period_id}» không có trong kế hoạch; các kỳ: {known}",
                     context.where("periods"))


def _content_section(document: Document) -> Node | None:
    """The content section of a plan or sub-plan: the section with id ``noi-dung``; for a plan that gives no
    ids (an imported one), the last section that is not «Tổ chức thực hiện»."""
    found = content_section(document)
    if found is not None:
        return found
    sections = [s for s in document.sections if not is_organisation(s)]
    return sections[-1] if sections else None


def content_items(context: CascadeContext) -> list[Node]:
    """The items of the parent plan's content section (mục II); the consolidated report has one
    subsection per item."""
    chosen = _content_section(context.parent)
    return list(chosen.items) if chosen else []


@dataclass(frozen=True)
class ReportItem:
    """One item of a unit's report: an item of the content section of the unit's OWN sub-plan."""

    number: int  # its number in the unit's plan: the key of ``texts.results`` the unit fills
    id: str  # the parent item's id (``muc-<n>`` where the parent gives none), or the unit's own task id
    title: str  # as the unit's plan words it (inline markup kept)
    parent_number: int | None  # its number in the parent plan; None for a task of the unit's own

    @property
    def plain_title(self) -> str:
        return inline.plain(self.title)


def _title(node: Node) -> str:
    return node.title or node.text or ""


def parent_item_ids(context: CascadeContext) -> list[str]:
    """The id of every item of the parent's content section, ``muc-<n>`` where the plan gives none."""
    return [item_id(item, n) for n, item in enumerate(content_items(context), 1)]


def _matched_ids(nodes: list[Node], context: CascadeContext) -> list[str]:
    """Ids of the sub-plan's items: their own, else the parent item they were copied from (the sub-plan keeps
    the parent's order; titles may differ by the unit's scope words), else ``rieng-<n>``."""
    parents = [inline.plain(_title(item)) for item in content_items(context)]
    ids = parent_item_ids(context)
    out, start = [], 0
    for index, node in enumerate(nodes, 1):
        if node.id:
            out.append(node.id)
            if node.id in ids:
                start = ids.index(node.id) + 1
            continue
        title = inline.plain(_title(node))
        ratios = [(difflib.SequenceMatcher(None, title, parents[k]).ratio(), k) for k in range(start, len(parents))]
        best = max(ratios, key=lambda pair: (pair[0], -pair[1]), default=(0.0, -1))
        if best[0] >= 0.75:
            out.append(ids[best[1]])
            start = best[1] + 1
        else:
            out.append(f"rieng-{index}")
    return out


_CACHE: dict[int, tuple[weakref.ref, dict[str, list[ReportItem]]]] = {}


def unit_items(context: CascadeContext, unit_id: str) -> list[ReportItem]:
    """The items a unit reports on: exactly those of its own sub-plan's content section, in its order, with its
    numbers and titles (its own tasks included, the items it was not given left out). Cached per context and
    unit: a batch makes one report per unit and the consolidation reads every unit's items."""
    key = id(context)
    entry = _CACHE.get(key)
    if entry is None or entry[0]() is not context:
        for stale in [k for k, (ref, _) in _CACHE.items() if ref() is None]:
            del _CACHE[stale]
        entry = _CACHE[key] = (weakref.ref(context), {})
    cache = entry[1]
    if unit_id not in cache:
        section = _content_section(subplan(unit_id, context))
        nodes = list(section.items) if section else []
        ids = parent_item_ids(context)
        cache[unit_id] = [ReportItem(number=n, id=own_id, title=_title(node),
                                     parent_number=ids.index(own_id) + 1 if own_id in ids else None)
                          for n, (node, own_id) in enumerate(zip(nodes, _matched_ids(nodes, context)), 1)]
    return cache[unit_id]


def _citation(name: str, number: int | None, date, type_code: str, unit_code: str, year: int) -> str:
    shown_number = number_text(number) if number else "…"
    when = short_date(date) if date else f"…/…/{year}"
    return f"{name} số {shown_number}/{ky_hieu(type_code, unit_code)} ngày {when}"


def _indicator_appendix(context: CascadeContext, period: Period, wording: Wording,
                        values: dict[str, int | None]) -> Appendix:
    indicators = context.cascade.indicators
    return Appendix(
        title=wording.fill(report_wording().appendix_title, WHERE),
        columns=[AppendixColumn(name="STT", width_mm=12, numeric=True), AppendixColumn(name="Chỉ tiêu", width_mm=85),
                 AppendixColumn(name="Đơn vị tính", width_mm=30), AppendixColumn(name="Kết quả", numeric=True)],
        rows=[[n, i.name, i.unit, values.get(i.id)] for n, i in enumerate(indicators, 1)],
    )


def _period_values(context: CascadeContext, period: Period, unit_name: str) -> dict[str, str]:
    window = period.window
    return {"ky_bao_cao": period.name, "ky_tiep_theo": period.next_name or "thời gian tới",
            "han_bao_cao": short_date(period.deadline), "ten_don_vi": unit_name,
            "tu_ngay": short_date(window.start) if window else "…",
            "den_ngay": short_date(window.end) if window else "…"}


def _window_line(texts: _Texts, wording: Wording, period: Period) -> list[str]:
    """["Số liệu tính từ ngày 15/12/2020 đến ngày 30/4/2021."] when the period has its data window."""
    return [wording.fill(texts.window, WHERE)] if period.window and texts.window else []


@dataclass(frozen=True)
class Status:
    """Who reported for a period. ``expected`` are the units that send their report to the consolidator (every
    issuing unit but the consolidator itself, in the registry's order); the consolidator's own results
    (``own``) are its own part of the consolidated report, never "chưa báo cáo"."""

    units: list[str]
    consolidator: str
    expected: list[str]
    reported: list[str]
    missing: list[str]
    late: list[str]
    own: bool

    @property
    def summed(self) -> list[str]:
        """The units whose figures are in the totals, in order: those that reported and the consolidator."""
        return [u for u in self.units if u in self.reported or (u == self.consolidator and self.own)]

    @property
    def complete(self) -> bool:
        return not self.missing and (self.own or self.consolidator not in self.units)


def report_status(context: CascadeContext, period: Period, found) -> Status:
    units = issuing_units(context)
    consolidator = context.cascade.consolidator
    expected = [u for u in units if u != consolidator]
    reported = [u for u in expected if u in found]
    return Status(units=units, consolidator=consolidator, expected=expected, reported=reported,
                  missing=[u for u in expected if u not in found],
                  late=[u for u in reported if found[u].late(period)], own=consolidator in found)


def window_notices(period: Period, found) -> list[Notice]:
    """One warning per results file whose recorded data window is not the period's (a workbook made before
    the plan's window changed): its figures may cover other dates."""
    if period.window is None:
        return []
    out = []
    for unit_id, unit_results in found.items():
        recorded = recorded_window(unit_results.path) if unit_results.path.suffix.lower() == ".xlsx" else None
        if recorded is not None and recorded != (period.window.start, period.window.end):
            out.append(Notice(f"sổ ghi số liệu tính từ ngày {short_date(recorded[0])} đến ngày "
                              f"{short_date(recorded[1])}, kỳ «{period.name}» của kế hoạch tính từ ngày "
                              f"{short_date(period.window.start)} đến ngày {short_date(period.window.end)}; hãy "
                              "kiểm tra lại số liệu với đơn vị", Location(unit_results.path)))
    return out


def _sections(wording: Wording, leadership: list[str], results_intro: list[str],
              items: list[tuple[str, list[str]]], texts) -> list[dict]:
    """The report's sections; ``items`` are the (title, paragraphs) of mục II's subsections, in order."""
    words = report_wording()
    blank = words.placeholder
    s = words.sections

    def text(value: str | None) -> list[str]:
        return [value] if value else [blank]

    results_items = [{"title": title, "paragraphs": paragraphs or [blank]} for title, paragraphs in items]
    return [
        {"title": s.leadership, "paragraphs": leadership},
        {"title": s.results, "paragraphs": results_intro, "items": results_items},
        {"title": s.assessment, "items": [{"title": s.strengths, "paragraphs": text(texts.strengths)},
                                          {"title": s.weaknesses, "paragraphs": text(texts.weaknesses)}]},
        {"title": wording.fill(s.next_steps, WHERE), "paragraphs": text(texts.next_steps)},
        {"title": s.proposals, "paragraphs": text(texts.proposals)},
    ]


def _indicator_lines(context: CascadeContext, values: dict[str, int | None]) -> list[str]:
    """One line "- <indicator>: <value> <unit>;" per indicator of the plan, "…" where there is no value."""
    return [f"- {i.name}: {figure(values[i.id]) if values.get(i.id) is not None else '…'} {i.unit};"
            for i in context.cascade.indicators]


def _list(names) -> str:
    """Unit names in running text, separated by semicolons: a name may hold a comma ("Sở Văn hóa, Thể thao và
    Du lịch")."""
    return "; ".join(names)


def unit_report(context: CascadeContext, unit_id: str, period: Period, results: Results | None) -> Document:
    """One unit's report for ``period``, filled from ``results``; without results (or for the parts they leave
    out) the placeholders stay, a form for the unit to fill. Raises when the unit's override is invalid."""
    registry = context.registry
    unit = registry.unit(unit_id)
    profile = context.profiles.for_kind(unit.kind, Location(registry.path, field=f"units[{unit_id}].kind"))
    override = load_override(context.overrides, unit_id)
    base = wording_for(unit, context, profile, override)
    results = results or Results(unit=unit_id, period=period.id)
    year = period.deadline.year
    own_plan = _citation("Kế hoạch", results.sub_plan.number, results.sub_plan.date, "KH", unit.code,
                         context.parent.issue_year)
    wording = Wording({**base.values, **_period_values(context, period, unit.name), "ke_hoach_don_vi": own_plan})
    words = report_wording().unit
    texts = results.texts
    leadership = [wording.fill(words.leadership, WHERE)] + ([texts.leadership] if texts.leadership else [])
    indicators = _indicator_lines(context, results.indicators) if context.cascade.indicators else []
    if indicators:
        indicators[-1] = indicators[-1].rstrip(";") + "."
    results_intro = _window_line(words, wording, period) + (
        ([wording.fill(words.results_intro, WHERE)] + indicators) if indicators else [])
    # the items of the unit's own plan, with its numbers: what the unit carries out is what it reports on
    items = [(item.title, [results.texts.results[str(item.number)]] if str(item.number) in results.texts.results
              else []) for item in unit_items(context, unit_id)]
    consolidator = registry.unit(context.cascade.consolidator)
    parent_unit = registry.unit(context.parent.issuer)
    kinh_gui = {"to": parent_unit.name}
    if unit.id != consolidator.id:
        kinh_gui["purpose"] = f"qua {consolidator.name}"
    recipients = [{"to": base.fill("{lanh_dao}", WHERE)}]
    data = {
        "issuer": unit.id, "type": "BC", "year": year,
        "number": results.report.number, "date": results.report.date,
        "title": wording.fill(report_wording().title, WHERE),
        "kinh_gui": [kinh_gui],
        "opening": [wording.fill(words.opening, WHERE)],
        "sections": _sections(wording, leadership, results_intro, items, texts),
        "closing": [wording.fill(words.closing, WHERE)],
        "signer": (results.signer or Signer(role=profile.model.signer_role)).model_dump(),
        "recipients": recipients,
        "archive": [base.fill(a, WHERE) for a in (override.model.archive if override and override.model.archive
                                                  else profile.model.archive)],
        "appendix": _indicator_appendix(context, period, wording, results.indicators).model_dump()
        if context.cascade.indicators else None,
    }
    return Document.model_validate(data)


def consolidated_report(context: CascadeContext, period: Period, found: dict[str, UnitResults]) -> Document:
    """The issuer's report for ``period`` from the units' results in ``found``: indicator totals, each unit's
    text under each content item, the units that reported late or not at all, and (when the plan has
    indicators) a landscape Phụ lục with one row per unit and a total row."""
    registry = context.registry
    parent = context.parent
    issuer = registry.unit(parent.issuer)
    units = issuing_units(context)
    indicators = context.cascade.indicators
    words = report_wording().consolidated
    full_citation = (f"{document_types()[parent.type]} số "
                     f"{number_text(parent.number) if parent.number else '…'}/{ky_hieu(parent.type, issuer.code)} "
                     f"ngày {short_date(parent.date) if parent.date else f'…/…/{parent.issue_year}'} của "
                     f"{issuer.name} về {lower_first(parent.title)}")
    # a report to Văn phòng Chính phủ names every body in full (Unit.name), never "Sở TT&TT"
    name = lambda unit_id: registry.unit(unit_id).name  # noqa: E731
    status = report_status(context, period, found)
    summed = status.summed
    wording = Wording({
        **_period_values(context, period, issuer.name),
        "ke_hoach_cap_tren_day_du": full_citation,
        "trich_yeu_cap_tren_thuong": lower_first(parent.title),
        "so_bao_cao": str(len(status.reported)), "tong_so_don_vi": str(len(status.expected)),
        "so_tong_hop": str(len(summed)), "don_vi_tong_hop": name(status.consolidator),
        "tinh": province_word(issuer, registry),
    })
    leadership = [wording.fill(words.leadership, WHERE)]
    count = words.count if status.reported or not words.count_none else words.count_none
    if count:
        leadership.append(wording.fill(count, WHERE))
    if status.own and words.own:  # the consolidator's own results: its own part, in the totals too
        leadership.append(wording.fill(words.own, WHERE))
    if status.missing and words.missing:
        leadership.append(Wording({**wording.values, "danh_sach": _list(name(u) for u in status.missing)})
                          .fill(words.missing, WHERE))
    if status.late and words.late:
        leadership.append(Wording({**wording.values, "danh_sach": _list(name(u) for u in status.late)})
                          .fill(words.late, WHERE))
    totals = {i.id: sum(found[u].results.indicators.get(i.id) or 0 for u in summed) for i in indicators}
    lines = _indicator_lines(context, totals) if indicators and summed else []
    if lines:
        lines[-1] = lines[-1].rstrip(";") + "."
    if not indicators:
        results_intro = []
    elif not summed:
        results_intro = [wording.fill(words.results_intro_none or words.results_intro, WHERE)]
    else:  # "trên toàn tỉnh" only over every unit; otherwise "của 3 cơ quan, đơn vị, địa phương đã báo cáo"
        intro = words.results_intro if status.complete else (words.results_intro_partial or words.results_intro)
        results_intro = [wording.fill(intro, WHERE)] + lines
    results_intro = _window_line(words, wording, period) + results_intro
    # Per PARENT item: each unit's result is keyed by the number of the item in its own plan, and that item
    # maps back to the parent's by its id. Results on a unit's own tasks (not in the parent plan) go to one
    # last part, unit by unit: the province reports on its own plan's items, and a task it did not set is not
    # claimed as the result of one of them.
    by_parent: dict[str, list[str]] = {parent_id: [] for parent_id in parent_item_ids(context)}
    own: list[str] = []
    for u in summed:
        answers = found[u].results.texts.results
        for item in unit_items(context, u):
            answer = answers.get(str(item.number))
            if answer is None:
                continue
            if item.parent_number is not None:
                by_parent[item.id].append(f"- {name(u)}: {answer}")
            else:
                own.append(f"- {name(u)} ({lower_first(item.title)}): {answer}")
    items = [(_title(item), by_parent[parent_id]) for item, parent_id in zip(content_items(context), by_parent)]
    if own:
        items.append((report_wording().sections.own_tasks, own))
    blank = Results(unit=parent.issuer, period=period.id)
    # Kính gửi: the recipients only, one per line, written out (units by their full name); their purpose
    # notes ("báo cáo") belong to Nơi nhận, where "- Như trên;" stands for them
    report_to = context.cascade.report_to or [r for r in parent.recipients if (r.purpose or "").startswith("báo cáo")]
    kinh_gui = [{"to": registry.unit(r.unit).name if r.unit else r.to} for r in report_to]
    others = [r for r in parent.recipients if not (r.purpose or "").startswith("báo cáo")]
    appendix = None
    if indicators:
        appendix = Appendix(
            title=wording.fill(report_wording().appendix_title, WHERE) + " của các cơ quan, đơn vị, địa phương",
            columns=[AppendixColumn(name="STT", width_mm=12, numeric=True), AppendixColumn(name="Cơ quan, đơn vị",
                                                                                          width_mm=55)]
            + [AppendixColumn(name=f"{i.name} ({i.unit})", numeric=True) for i in indicators],
            rows=[[n, name(u) + ("" if u in found or u == status.consolidator else " (chưa báo cáo)"),
                   *[found[u].results.indicators.get(i.id) if u in found else None for i in indicators]]
                  for n, u in enumerate(units, 1)],
            total=[None, "Tổng cộng", *[totals[i.id] if summed else None for i in indicators]],
            landscape=True,
        )
    data = {
        "issuer": parent.issuer, "type": "BC", "year": period.deadline.year,
        "title": wording.fill(report_wording().title, WHERE),
        "kinh_gui": kinh_gui,
        "opening": [wording.fill(words.opening, WHERE)],
        "sections": _sections(wording, leadership, results_intro, items, blank.texts),
        "closing": [wording.fill(words.closing, WHERE)],
        "signer": parent.signer.model_dump(),
        "recipients": [r.model_dump(exclude_none=True) for r in others],
        "archive": list(parent.archive),
        "appendix": appendix.model_dump() if appendix else None,
    }
    return Document.model_validate(data)

