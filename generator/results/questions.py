"""The questions a unit answers in its report, defined once in ``data/report-questions.yaml``.

The results model (``Texts``), the Excel workbook, the web form and its page all read this table; a
question the table does not list is asked nowhere and accepted nowhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache


from .. import resources

QUESTIONS_FILE = "report-questions.yaml"
PER_ITEM = "{so}"  # a question asked once per content item of the plan's section II


@dataclass(frozen=True)
class Question:
    key: str  # path in Results: "report.number", "texts.results.3" …
    label: str  # in the workbook
    kind: str  # number, date, text, role
    form_label: str | None = None  # on the web form; None: asked in the workbook only
    field: str | None = None  # the web form's field name
    html_id: str | None = None
    required: bool = False  # a report needs it: left empty in a partly filled results file, a warning names it

    @property
    def path(self) -> tuple[str, ...]:
        return tuple(self.key.split("."))


@cache
def table() -> tuple[Question, ...]:
    """The questions as written in the data file, per-item ones still with their ``{so}``, ``{ten}``."""
    return tuple(Question(key=entry["id"], label=entry["label"], kind=entry["kind"], form_label=entry.get("form"),
                          field=entry.get("field"), html_id=entry.get("html_id"),
                          required=bool(entry.get("required", False)))
                 for entry in resources.data_yaml(QUESTIONS_FILE))


def _expand(question: Question, number: int, title: str) -> Question:
    def fill(text: str | None) -> str | None:
        return None if text is None else text.replace(PER_ITEM, str(number)).replace("{ten}", title)

    return Question(fill(question.key), fill(question.label), question.kind, fill(question.form_label),
                    fill(question.field), fill(question.html_id), question.required)


def questions(item_titles: list[str]) -> list[Question]:
    """Every question of a report whose plan has these content items, in the workbook's order."""
    out: list[Question] = []
    for question in table():
        if PER_ITEM in question.key:
            out += [_expand(question, n, title) for n, title in enumerate(item_titles, 1)]
        else:
            out.append(question)
    return out


def text_parts() -> list[tuple[str, bool]]:
    """The written parts of a report (the fields of ``Texts``), in order; True for the per-item part."""
    parts: dict[str, bool] = {}
    for question in table():
        if question.path[0] == "texts":
            parts[question.path[1]] = PER_ITEM in question.key
    return list(parts.items())


def form_questions(item_titles: list[str]) -> list[Question]:
    """The questions the web form asks, in the workbook's order."""
    return [q for q in questions(item_titles) if q.field is not None]
