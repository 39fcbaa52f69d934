"""The results model: what a unit reports for one period, and the cross-checks a model cannot make alone.

YAML files, Excel workbooks and the web form all become a :class:`Results` and pass :func:`check_results`.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass
from pathlib import Path

from pydantic import Field, StrictInt, create_model, field_validator

from ..errors import InputError, Location
from ..model import Cell, Period, Signer, _Model, parse_date
from .questions import questions, text_parts


class NumberAndDate(_Model):
    number: int | None = Field(default=None, ge=1)
    date: dt.date | None = None

    _parse = field_validator("date", mode="before")(parse_date)


# One field per question «texts.…» of data/report-questions.yaml; the per-item part ("results") is keyed
# by the number of the item in section II of the unit's OWN sub-plan ("1" … "8" for a unit given 8 items).
Texts = create_model(
    "Texts", __base__=_Model, __module__=__name__,
    __doc__='The written parts of a report; a missing part stays "…" for the secretary to write.',
    **{name: ((dict[str, Cell], {}) if per_item else (str | None, None)) for name, per_item in text_parts()},
)


class Results(_Model):
    unit: str
    period: str
    report: NumberAndDate = NumberAndDate()
    sub_plan: NumberAndDate = NumberAndDate()  # the unit's own "cụ thể hóa" plan
    signer: Signer | None = None
    indicators: dict[str, StrictInt | None] = {}
    texts: Texts = Texts()


@dataclass(frozen=True)
class Notice:
    """What a person is told about a results file that is still used (or left out) without stopping the run:
    an empty required answer of a partly filled file (a warning), a file with nothing filled in (information).
    The CLI prints ``str(notice)`` on stderr; the web app can show the same line."""

    message: str
    location: Location | None = None
    warning: bool = True

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        return f"{'Cảnh báo' if self.warning else 'Thông tin'}: {where}{self.message}"


@dataclass(frozen=True)
class UnitResults:
    results: Results
    path: Path
    notices: tuple[Notice, ...] = ()  # the warnings on this unit's file (empty required answers)

    def late(self, period: Period) -> bool:
        day = self.results.report.date
        return day is not None and day > period.deadline


def no_such_item(key: str, item_count: int) -> str:
    """The message for an answer on item ``key`` when the unit's OWN plan (the items it was given and its own
    tasks, which is what the unit sees numbered) has ``item_count`` items."""
    have = f"có các nội dung 1 đến {item_count}" if item_count else "không có nội dung nào"
    return f"nội dung «{key}» không có trong kế hoạch cụ thể hóa của đơn vị: mục II của kế hoạch đó {have}"


def check_results(results: Results, where, *, unit_id: str, period: Period, indicator_ids: list[str],
                  item_count: int) -> list[InputError]:
    """Cross-checks a model cannot make alone; ``where(*path)`` gives the location of a field."""
    errors = []
    if results.unit != unit_id:
        errors.append(InputError(f"tệp của đơn vị «{unit_id}» lại ghi đơn vị «{results.unit}»", where("unit")))
    if results.period != period.id:
        errors.append(InputError(f"tệp ghi kỳ «{results.period}», không phải kỳ «{period.id}» đang lập báo cáo",
                                 where("period")))
    for key, value in results.indicators.items():
        if key not in indicator_ids:
            close = difflib.get_close_matches(key, indicator_ids, n=1)
            hint = f"có phải ý bạn là «{close[0]}»?" if close else f"các chỉ tiêu: {', '.join(indicator_ids)}"
            errors.append(InputError(f"chỉ tiêu «{key}» không có trong kế hoạch", where("indicators", key), hint=hint))
        elif value is not None and value < 0:
            errors.append(InputError(f"số liệu phải là số nguyên không âm, không phải {value}", where("indicators", key)))
    for key in results.texts.results:
        if not key.isdigit() or not 1 <= int(key) <= item_count:
            errors.append(InputError(no_such_item(key, item_count), where("texts", "results", key)))
    return errors


def _empty(value) -> bool:
    if isinstance(value, dict):
        return all(_empty(v) for v in value.values())
    return value is None or (isinstance(value, str) and not value.strip())


def _answer(results: Results, key: str):
    value = results.model_dump()
    for part in key.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def is_blank(results: Results) -> bool:
    """Whether a results file has no figure and no text at all: a blank workbook or results file is not a report
    ("chưa báo cáo"), whatever its numbers, dates and signer say."""
    return _empty(results.indicators) and _empty(results.texts.model_dump())


def empty_required(results: Results, *, indicator_ids: list[str], item_count: int) -> list[str]:
    """The dotted keys of the required answers ``results`` leaves empty, in the workbook's order: every
    indicator ("indicators.<id>"), then the questions marked ``required`` in data/report-questions.yaml."""
    keys = [f"indicators.{i}" for i in indicator_ids if results.indicators.get(i) is None]
    return keys + [q.key for q in questions([""] * item_count) if q.required and _empty(_answer(results, q.key))]
