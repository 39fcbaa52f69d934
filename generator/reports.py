"""Báo cáo kết quả thực hiện: each unit's report for a period, and the consolidated report.

Both are ordinary Documents of type BC, addressed upward with "Kính gửi" (the renderer then puts
"- Như trên;" first in Nơi nhận), with a Phụ lục of the indicators when the plan has any. A unit's report
is built from the plan, the unit's cascade wording (profile and override) and its results; a part with no
result holds the placeholder of ``data/report-wording.yaml`` ("…") for the secretary to fill. The
consolidated report is built from the plan and every unit's results. Sentences and section titles come
from ``data/report-wording.yaml``.
"""

from __future__ import annotations

from functools import lru_cache

import yaml
from pydantic import BaseModel, ConfigDict

from . import resources
from .cascade.profiles import load_override
from .cascade.subplan import CascadeContext, issuing_units, wording_for
from .cascade.wording import Wording, lower_first
from .derive import _cell
from .errors import InputError, Location
from .model import Appendix, AppendixColumn, Document, Node, Period, Signer
from .results import Results, UnitResults
from .vietnamese import ky_hieu, number_text, short_date
from .vocabulary import document_types

WORDING_FILE = "report-wording.yaml"


class _Texts(BaseModel):
    model_config = ConfigDict(extra="forbid")

    opening: str
    leadership: str
    results_intro: str
    closing: str
    missing: str | None = None
    late: str | None = None


class _Sections(BaseModel):
    model_config = ConfigDict(extra="forbid")

    leadership: str
    results: str
    assessment: str
    strengths: str
    weaknesses: str
    next_steps: str
    proposals: str


class ReportWording(BaseModel):
    model_config = ConfigDict(extra="forbid")

    placeholder: str
    title: str
    appendix_title: str
    unit: _Texts
    consolidated: _Texts
    sections: _Sections


@lru_cache(maxsize=1)
def report_wording() -> ReportWording:
    text = resources.data_text(WORDING_FILE)
    return ReportWording.model_validate(yaml.safe_load(text))


WHERE = Location(WORDING_FILE)


def period_of(context: CascadeContext, period_id: str) -> Period:
    for period in context.cascade.periods:
        if period.id == period_id:
            return period
    known = ", ".join(p.id for p in context.cascade.periods)
    raise InputError(f"kỳ báo cáo «{period_id}» không có trong kế hoạch; các kỳ: {known}",
                     context.where("periods"))


def content_items(context: CascadeContext) -> list[Node]:
    """The items of the plan's content section — the section with id ``noi-dung``, else the last section that
    is not «Tổ chức thực hiện»; every report has one subsection per item."""
    sections = [s for s in context.parent.sections
                if not (s.id == "to-chuc-thuc-hien" or (s.title or "").lower().startswith("tổ chức thực hiện"))]
    chosen = next((s for s in sections if s.id == "noi-dung"), sections[-1] if sections else None)
    return list(chosen.items) if chosen else []


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
    return {"ky_bao_cao": period.name, "ky_tiep_theo": period.next_name or "thời gian tới",
            "han_bao_cao": short_date(period.deadline), "ten_don_vi": unit_name}


def _sections(context: CascadeContext, wording: Wording, leadership: list[str], results_intro: list[str],
              item_texts: list[list[str]], texts) -> list[dict]:
    words = report_wording()
    blank = words.placeholder
    s = words.sections

    def text(value: str | None) -> list[str]:
        return [value] if value else [blank]

    results_items = [{"title": item.title or item.text or "", "paragraphs": paragraphs or [blank]}
                     for item, paragraphs in zip(content_items(context), item_texts)]
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
    return [f"- {i.name}: {_cell(values[i.id]) if values.get(i.id) is not None else '…'} {i.unit};"
            for i in context.cascade.indicators]


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
    results_intro = ([wording.fill(words.results_intro, WHERE)] + indicators) if indicators else []
    item_texts = [[results.texts.results[str(n)]] if str(n) in results.texts.results else []
                  for n in range(1, len(content_items(context)) + 1)]
    consolidator = registry.unit(context.cascade.consolidator)
    parent_unit = registry.unit(context.parent.issuer)
    kinh_gui = {"to": parent_unit.name}
    if unit.id != consolidator.id:
        kinh_gui["purpose"] = f"qua {consolidator.short_name or consolidator.name}"
    recipients = [{"to": base.fill("{lanh_dao}", WHERE)}]
    data = {
        "issuer": unit.id, "type": "BC", "year": year,
        "number": results.report.number, "date": results.report.date,
        "title": wording.fill(report_wording().title, WHERE),
        "kinh_gui": [kinh_gui],
        "opening": [wording.fill(words.opening, WHERE)],
        "sections": _sections(context, wording, leadership, results_intro, item_texts, texts),
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
    name = lambda unit_id: registry.unit(unit_id).short_name or registry.unit(unit_id).name  # noqa: E731
    reported = [u for u in units if u in found]
    missing = [u for u in units if u not in found]
    late = [u for u in reported if found[u].late(period)]
    wording = Wording({
        **_period_values(context, period, issuer.name),
        "ke_hoach_cap_tren_day_du": full_citation,
        "trich_yeu_cap_tren_thuong": lower_first(parent.title),
        "so_bao_cao": str(len(reported)), "tong_so_don_vi": str(len(units)),
    })
    leadership = [wording.fill(words.leadership, WHERE)]
    if missing and words.missing:
        leadership.append(Wording({**wording.values, "danh_sach": ", ".join(name(u) for u in missing)})
                          .fill(words.missing, WHERE))
    if late and words.late:
        leadership.append(Wording({**wording.values, "danh_sach": ", ".join(name(u) for u in late)})
                          .fill(words.late, WHERE))
    totals = {i.id: sum(found[u].results.indicators.get(i.id) or 0 for u in reported) for i in indicators}
    lines = _indicator_lines(context, totals) if indicators else []
    if lines:
        lines[-1] = lines[-1].rstrip(";") + "."
    results_intro = ([wording.fill(words.results_intro, WHERE)] + lines) if lines else []
    item_texts = []
    for number in range(1, len(content_items(context)) + 1):
        item_texts.append([f"- {name(u)}: {found[u].results.texts.results[str(number)]}"
                           for u in reported if str(number) in found[u].results.texts.results])
    blank = Results(unit=parent.issuer, period=period.id)
    report_to = context.cascade.report_to or [r for r in parent.recipients if (r.purpose or "").startswith("báo cáo")]
    others = [r for r in parent.recipients if not (r.purpose or "").startswith("báo cáo")]
    appendix = None
    if indicators:
        appendix = Appendix(
            title=wording.fill(report_wording().appendix_title, WHERE) + " của các cơ quan, đơn vị, địa phương",
            columns=[AppendixColumn(name="STT", width_mm=12, numeric=True), AppendixColumn(name="Cơ quan, đơn vị",
                                                                                          width_mm=55)]
            + [AppendixColumn(name=f"{i.name} ({i.unit})", numeric=True) for i in indicators],
            rows=[[n, name(u) + ("" if u in found else " (chưa báo cáo)"),
                   *[found[u].results.indicators.get(i.id) if u in found else None for i in indicators]]
                  for n, u in enumerate(units, 1)],
            total=[None, "Tổng cộng", *[totals[i.id] for i in indicators]],
            landscape=True,
        )
    data = {
        "issuer": parent.issuer, "type": "BC", "year": period.deadline.year,
        "title": wording.fill(report_wording().title, WHERE),
        "kinh_gui": [r.model_dump(exclude_none=True) for r in report_to],
        "opening": [wording.fill(words.opening, WHERE)],
        "sections": _sections(context, wording, leadership, results_intro, item_texts, blank.texts),
        "closing": [wording.fill(words.closing, WHERE)],
        "signer": parent.signer.model_dump(),
        "recipients": [r.model_dump(exclude_none=True) for r in others],
        "archive": list(parent.archive),
        "appendix": appendix.model_dump() if appendix else None,
    }
    return Document.model_validate(data)

