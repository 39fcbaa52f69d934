"""A unit's results for one reporting period: figures and texts, from YAML, an Excel workbook or the web form.

- ``files.load_results(folder, units=…, period=…, indicator_ids=…, item_ids=…, registry_ids=…)`` reads
  every ``<unit id>.yaml`` / ``.yml`` / ``.xlsx`` of a folder (hidden files and Excel's ``~$`` lock files
  skipped), validates all of them against the plan and raises every problem of every file at once (file,
  line or sheet and cell, field);
- ``workbook.py`` writes the Excel workbook a unit fills and reads it back;
- ``form.from_form`` builds the same :class:`Results` from the web form's fields.

All three validate with the same model and cross-checks (``model.py``). The questions a unit answers are
defined once, in ``data/report-questions.yaml`` (read by ``questions.py``).

The per-item answers (``texts.results``) are keyed by the number of the item in the unit's OWN sub-plan (the
items it was given and its own tasks, as its plan numbers them); the caller passes that plan's item ids.
"""

from __future__ import annotations

from .form import from_form
from .model import NumberAndDate, Results, Texts, UnitResults, check_results
from .questions import Question, form_questions, questions

__all__ = ["NumberAndDate", "Question", "Results", "Texts", "UnitResults", "check_results", "form_questions",
           "from_form", "questions"]
