"""A unit's results typed into the web form: the same :class:`Results` the YAML and Excel paths build.

The fields are those of ``data/report-questions.yaml`` plus one ``indicator.<id>`` per indicator; they are
validated like a results file, and every error names the Vietnamese label the secretary sees.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from ..errors import InputError, InputErrors, Location
from ..model import Indicator, Period, parse_date
from ..validation import validate_fields
from .model import Results, check_results, no_such_item
from .questions import PER_ITEM, form_questions, table

FORM = "biểu mẫu"
# What a web form accepts, whoever posts it: ASCII digits only ("²" and "٣" are digits to Python), a bounded
# count of them (int() of 5,000 digits is refused by Python itself), dates a document of today can carry.
NUMBER_DIGITS = 6  # số of a document or a report
COUNT_DIGITS = 9  # a figure of an indicator
EARLIEST = dt.date(2000, 1, 1)
FORM_ROLES = ("head", "deputy")  # the signers a report form offers: cấp trưởng, cấp phó ký thay (KT.); "": the plan's


def whole_number(text: str, digits: int) -> bool:
    """Whether ``text`` is a whole number of 1 to ``digits`` ASCII digits."""
    return re.fullmatch(f"[0-9]{{1,{digits}}}", text) is not None


def shown(text: str) -> str:
    """A typed value as a message quotes it: never more than 20 characters."""
    return text if len(text) <= 20 else text[:20] + "…"


def date_problem(text: str, today: dt.date | None = None) -> str | None:
    """Why ``text`` typed in a form cannot be a document's date (not a date, before 2000, more than a year
    ahead of ``today``), or None."""
    try:
        day = parse_date(text)
    except ValueError as exc:
        return str(exc)
    latest = (today or dt.date.today()) + dt.timedelta(days=365)
    if day is not None and not EARLIEST <= day <= latest:
        return f"ngày {shown(text)} nằm ngoài khoảng nhận được (từ {_day(EARLIEST)} đến {_day(latest)})"
    return None


def _day(day: dt.date) -> str:
    return f"{day.day}/{day.month}/{day.year}"


def question_problem(kind: str, value: str) -> str | None:
    """Why a form's answer of ``kind`` (number, date, role, text) cannot be taken, or None."""
    if kind == "number" and not (whole_number(value, NUMBER_DIGITS) and int(value) > 0):
        return f"«{shown(value)}» phải là số nguyên dương, tối đa {NUMBER_DIGITS} chữ số"
    if kind == "date":
        return date_problem(value)
    if kind == "role" and value not in FORM_ROLES:
        return "hãy chọn người ký trong danh sách (cấp trưởng hoặc cấp phó ký thay)"
    return None


def _text(fields: Mapping, name: str) -> str:
    return str(fields.get(name) or "").strip()


def from_form(fields: Mapping, *, unit_id: str, period: Period, indicators: list[Indicator],
              item_titles: list[str]) -> Results:
    """The results of ``unit_id`` for ``period`` from the form ``fields``; all problems raised at once."""
    asked = form_questions(item_titles)
    labels = {question.key: question.form_label for question in asked}
    labels.update({f"indicators.{i.id}": i.name for i in indicators})
    where = lambda *path: Location(FORM, field=labels.get(".".join(map(str, path)), ".".join(map(str, path))))  # noqa: E731
    errors: list[InputError] = []
    data: dict = {"unit": unit_id, "period": period.id, "indicators": {}}
    for indicator in indicators:
        value = _text(fields, f"indicator.{indicator.id}")
        if value and not whole_number(value, COUNT_DIGITS):
            errors.append(InputError(f"số liệu «{shown(value)}» phải là số nguyên không âm, tối đa {COUNT_DIGITS} chữ số",
                                     where("indicators", indicator.id)))
        elif value:
            data["indicators"][indicator.id] = int(value)
    # a per-item answer for a number the unit's own plan does not have (a page kept open while the plan changed)
    asked_fields = {question.field for question in asked}
    for template in (q.field for q in table() if q.field and PER_ITEM in q.field):
        before, after = template.split(PER_ITEM, 1)
        for name in sorted(str(n) for n in fields.keys()):
            number = name[len(before):len(name) - len(after) if after else None]
            if (name.startswith(before) and name.endswith(after) and number.isdigit() and name not in asked_fields
                    and _text(fields, name)):
                errors.append(InputError(no_such_item(number, len(item_titles)), Location(FORM, field=name)))
    for question in asked:
        value = _text(fields, question.field)
        problem = question_problem(question.kind, value) if value else None
        if problem:
            errors.append(InputError(problem, where(*question.path)))
        elif value:
            *parents, last = question.path
            target = data
            for part in parents:
                target = target.setdefault(part, {})
            target[last] = value
    if errors:
        raise InputErrors(errors)
    try:
        results = validate_fields(Results, data, label=FORM)
    except InputErrors as many:
        raise InputErrors([InputError(e.message, where(e.location.field) if e.location else None, e.hint)
                           for e in many.errors]) from None
    problems = check_results(results, where, unit_id=unit_id, period=period,
                             indicator_ids=[i.id for i in indicators], item_count=len(item_titles))
    if problems:
        raise InputErrors(problems)
    return results
