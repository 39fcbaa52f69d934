"""The công văn đôn đốc: the consolidator's letter to the units that have not reported for a period.

One ordinary Document of type ``CV`` (a công văn: no tên loại line, the trích yếu "V/v …" under the số),
issued by the plan's consolidator (Sở Nội vụ), addressed with "Kính gửi" to every unit that must report and
has no results for the period (``reports.report_status``: the units that send to the consolidator, in the
registry's official order), by full name, one per line. It cites the
plan, the period and its deadline, says how many units have reported, names in a separate sentence those
that reported after the deadline, and asks for the reports by a new date. "Submitted" is whatever the
results loader says: a unit is missing when ``found`` has no results for it. The consolidator never writes
to itself. Every sentence comes from ``data/reminder-wording.yaml``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from . import resources
from .cascade.profiles import load_override
from .cascade.subplan import CascadeContext, parent_citation, wording_for
from .cascade.wording import Wording, lower_first
from .errors import InputError, Location
from .model import Document, Period, Signer
from .reports import report_status
from .results import UnitResults
from .vietnamese import short_date
from .vocabulary import CONG_VAN_TYPE

WORDING_FILE = "reminder-wording.yaml"
WHERE = Location(WORDING_FILE)


class ReminderWording(BaseModel):
    model_config = ConfigDict(extra="forbid")

    extra_days: int = Field(ge=1, le=60)
    title: str
    opening: str
    situation: str
    late: str
    incomplete: str
    request: str
    closing: str
    late_purpose: str
    incomplete_purpose: str


def reminder_wording() -> ReminderWording:
    return resources.data_model(ReminderWording, WORDING_FILE)


@dataclass(frozen=True)
class Reminder:
    document: Document | None  # None when every unit has reported: nothing to send
    missing: list[str]  # unit ids the công văn is addressed to
    late: list[str]  # units that reported after the deadline
    reported: list[str]
    incomplete: list[str]  # units whose report leaves required answers empty
    total: int
    by: dt.date


def new_deadline(period: Period, by: dt.date | None) -> dt.date:
    """The date the công văn asks for: ``by``, else the period's deadline plus the wording's extra days.
    ``by`` must fall after the period's deadline (the công văn follows a deadline that has passed)."""
    if by is None:
        return period.deadline + dt.timedelta(days=reminder_wording().extra_days)
    if by <= period.deadline:
        raise InputError(f"hạn mới {short_date(by)} phải sau hạn báo cáo của kỳ «{period.name}» "
                         f"({short_date(period.deadline)})", Location("--by"))
    return by


def reminder(context: CascadeContext, period: Period, found: dict[str, UnitResults],
             by: dt.date | None = None) -> Reminder:
    """The consolidator's công văn đôn đốc for ``period``, to the units without results in ``found``."""
    registry = context.registry
    consolidator = registry.unit(context.cascade.consolidator)
    # the same count as the consolidated report's: the units that send to the consolidator, in official order
    status = report_status(context, period, found)
    reported, late, missing, total = status.reported, status.late, status.missing, len(status.expected)
    incomplete = [u for u in reported if found[u].notices]  # a partly filled file: required answers left empty
    when = new_deadline(period, by)
    if not missing:
        return Reminder(None, [], late, reported, incomplete, total, when)
    words = reminder_wording()
    profile = context.profiles.for_kind(consolidator.kind,
                                        Location(registry.path, field=f"units[{consolidator.id}].kind"))
    override = load_override(context.overrides, consolidator.id)
    base = wording_for(consolidator, context, profile, override)
    wording = Wording({
        "ke_hoach_cap_tren": parent_citation(context),
        "trich_yeu_cap_tren_thuong": lower_first(context.parent.title),
        "cap_tren": registry.unit(context.parent.issuer).name,
        "ten_don_vi": consolidator.name,
        "ky_bao_cao": period.name,
        "han_bao_cao": short_date(period.deadline),
        "so_lieu": (f" (số liệu tính từ ngày {short_date(period.window.start)} đến ngày "
                    f"{short_date(period.window.end)})" if period.window else ""),
        "noi_nhan_bao_cao": period.send_to or f"{registry.unit(context.parent.issuer).name} (qua {consolidator.name})",
        "phuong_thuc": f" {period.method}" if period.method else "",
        "han_moi": short_date(when),
        "so_bao_cao": str(len(reported)),
        "tong_so_don_vi": str(total),
        "danh_sach": "; ".join(registry.unit(u).name for u in late),
        "danh_sach_chua_du": "; ".join(registry.unit(u).name for u in incomplete),
    })
    paragraphs = [wording.fill(words.opening, WHERE), wording.fill(words.situation, WHERE)]
    if late:
        paragraphs.append(wording.fill(words.late, WHERE))
    if incomplete:
        paragraphs.append(wording.fill(words.incomplete, WHERE))
    paragraphs.append(wording.fill(words.request, WHERE))
    archive = override.model.archive if override and override.model.archive else profile.model.archive
    document = Document.model_validate({
        "issuer": consolidator.id, "type": CONG_VAN_TYPE, "year": period.deadline.year,
        "title": wording.fill(words.title, WHERE),
        "kinh_gui": [{"to": registry.unit(u).name} for u in missing],
        "opening": paragraphs,
        "closing": [wording.fill(words.closing, WHERE)],
        "signer": Signer(role=profile.model.signer_role).model_dump(),
        "recipients": [{"to": base.fill("{lanh_dao}", WHERE)}]
        + [{"to": registry.unit(u).name, "purpose": words.late_purpose} for u in late]
        + [{"to": registry.unit(u).name, "purpose": words.incomplete_purpose} for u in incomplete if u not in late],
        "archive": [base.fill(a, WHERE) for a in archive],
    })
    return Reminder(document, missing, late, reported, incomplete, total, when)
