"""A unit's results typed into the web form: the same :class:`Results` the YAML and Excel paths build.

The fields are those of ``data/report-questions.yaml`` plus one ``indicator.<id>`` per indicator; they are
validated like a results file, and every error names the Vietnamese label the secretary sees.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..errors import InputError, InputErrors, Location
from ..model import Indicator, Period
from ..validation import validate_fields
from .model import Results, check_results, no_such_item
from .questions import PER_ITEM, form_questions, table

FORM = "biểu mẫu"


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
        if value and not value.isdigit():
            errors.append(InputError(f"số liệu «{value}» phải là số nguyên không âm", where("indicators", indicator.id)))
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
        if value:
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
