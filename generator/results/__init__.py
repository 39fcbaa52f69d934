"""A unit's results for one reporting period: figures and texts, from YAML or from an Excel workbook.

``load_results(folder, context, period)`` reads every ``<unit id>.yaml`` / ``<unit id>.xlsx`` in a folder,
validates all of them, and reports every problem at once (file, line or sheet and cell, field).
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass
from pathlib import Path

from pydantic import Field, StrictInt, field_validator

from ..errors import InputError, InputErrors, Location
from ..model import Cell, Period, Signer, _Model, parse_date
from ..validation import validate
from ..yamlio import load


class NumberAndDate(_Model):
    number: int | None = Field(default=None, ge=1)
    date: dt.date | None = None

    _parse = field_validator("date", mode="before")(parse_date)


class Texts(_Model):
    """The written parts of a report; a missing part stays "…" for the secretary to write."""

    leadership: str | None = None  # công tác lãnh đạo, chỉ đạo, triển khai
    results: dict[str, Cell] = {}  # by content item number of the plan's section II: "1" … "9"
    strengths: str | None = None  # ưu điểm
    weaknesses: str | None = None  # tồn tại, hạn chế và nguyên nhân
    next_steps: str | None = None  # phương hướng, nhiệm vụ
    proposals: str | None = None  # đề xuất, kiến nghị


class Results(_Model):
    unit: str
    period: str
    report: NumberAndDate = NumberAndDate()
    sub_plan: NumberAndDate = NumberAndDate()  # the unit's own "cụ thể hóa" plan
    signer: Signer | None = None
    indicators: dict[str, StrictInt | None] = {}
    texts: Texts = Texts()


@dataclass(frozen=True)
class UnitResults:
    results: Results
    path: Path

    def late(self, period: Period) -> bool:
        day = self.results.report.date
        return day is not None and day > period.deadline


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
            errors.append(InputError(f"nội dung «{key}» không có: mục II của kế hoạch có các nội dung 1 đến {item_count}",
                                     where("texts", "results", key)))
    return errors


def load_yaml_results(path: Path, **expected) -> Results:
    source = load(path)
    results = validate(Results, source)
    errors = check_results(results, lambda *p: source.location(p), **expected)
    if errors:
        raise InputErrors(errors)
    return results


def load_results(folder: Path, *, units: list[str], period: Period, indicator_ids: list[str],
                 item_count: int, registry_ids: set[str]) -> dict[str, UnitResults]:
    """Every results file of ``folder`` for ``period``; all problems of all files are raised together."""
    from .workbook import read_workbook

    folder = Path(folder)
    if not folder.is_dir():
        raise InputError("không tìm thấy thư mục kết quả", Location(folder))
    found: dict[str, UnitResults] = {}
    errors: list[InputError] = []
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in (".yaml", ".yml", ".xlsx")
                   and not p.name.startswith((".", "~$")))
    for path in files:
        unit_id = path.stem
        if unit_id not in registry_ids:
            errors.append(InputError(f"tên tệp «{path.name}» không ứng với đơn vị nào trong sổ đơn vị "
                                     "(đặt tên tệp theo mã đơn vị, ví dụ so-tu-phap.xlsx)", Location(path)))
            continue
        if unit_id not in units:
            errors.append(InputError(f"đơn vị «{unit_id}» không thuộc danh sách phải báo cáo", Location(path)))
            continue
        if unit_id in found:
            errors.append(InputError(f"đơn vị «{unit_id}» có hai tệp kết quả ({found[unit_id].path.name} và "
                                     f"{path.name}); giữ lại một tệp", Location(path)))
            continue
        expected = dict(unit_id=unit_id, period=period, indicator_ids=indicator_ids, item_count=item_count)
        try:
            if path.suffix.lower() == ".xlsx":
                results = read_workbook(path, **expected)
            else:
                results = load_yaml_results(path, **expected)
            found[unit_id] = UnitResults(results, path)
        except InputErrors as many:
            errors.extend(many.errors)
        except InputError as one:
            errors.append(one)
    if errors:
        raise InputErrors(errors)
    return found
