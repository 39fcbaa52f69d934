"""The results files of a folder (``<unit id>.yaml`` or ``.xlsx``), read and validated together."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..errors import InputError, InputErrors, Location
from ..model import Period
from ..validation import validate
from ..yamlio import load
from .model import Notice, Results, UnitResults, check_results, empty_required, is_blank
from .questions import PER_ITEM, table
from .workbook import read_workbook_cells

BLANK = "không có số liệu, nội dung nào nên được coi là đơn vị chưa báo cáo"


class FoundResults(dict):
    """The units' results by unit id (a unit whose file is blank is not there), with ``notices``: one line per
    blank file (information) and per empty required answer of a partly filled one (warning), in file order,
    and ``blank``: the units whose file has nothing filled in."""

    def __init__(self, found: dict[str, UnitResults] = (), notices: list[Notice] = (), blank: list[str] = ()):
        super().__init__(found)
        self.notices = list(notices)
        self.blank = list(blank)


def load_yaml_results(path: Path, **expected) -> Results:
    source = load(path)
    results = validate(Results, source)
    errors = check_results(results, lambda *p: source.location(p), **expected)
    if errors:
        raise InputErrors(errors)
    return results


def _labels() -> dict[str, str]:
    """The workbook's label of each question that is not per item (for YAML files, which have none beside)."""
    return {q.key: q.label for q in table() if PER_ITEM not in q.key}


def empty_notices(results: Results, cells: dict, path: Path, *, indicator_ids: list[str],
                  item_count: int) -> list[Notice]:
    """A warning per empty required answer: at its cell with its label (workbook), else at its field (YAML)."""
    notices = []
    for key in empty_required(results, indicator_ids=indicator_ids, item_count=item_count):
        if key in cells:
            location, label = cells[key]
        else:
            location = Location(path, field=key)
            head, _, number = key.rpartition(".")
            label = (f"kết quả nội dung {number}" if head == "texts.results" else
                     f"chỉ tiêu {number}" if head == "indicators" else _labels().get(key, key))
        what = "số liệu " if key.startswith("indicators.") else ""
        notices.append(Notice(f"chưa điền {what}«{label}»", location))
    return notices


def load_results(folder: Path, *, units: list[str], period: Period, indicator_ids: list[str],
                 item_ids: Callable[[str], list[str]], registry_ids: set[str]) -> FoundResults:
    """Every results file of ``folder`` for ``period``; all problems of all files are raised together.
    ``item_ids(unit)`` gives the ids of the items of the unit's own plan, in its numbering. A file with no
    figure and no text is left out ("chưa báo cáo", with an information notice); a partly filled one is
    taken, with a warning per empty required answer (see :class:`FoundResults`)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError("không tìm thấy thư mục kết quả", Location(folder))
    found: dict[str, UnitResults] = {}
    notices: list[Notice] = []
    blank: list[str] = []
    seen: dict[str, Path] = {}
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
        if unit_id in seen:
            errors.append(InputError(f"đơn vị «{unit_id}» có hai tệp kết quả ({seen[unit_id].name} và "
                                     f"{path.name}); giữ lại một tệp", Location(path)))
            continue
        seen[unit_id] = path
        expected = dict(unit_id=unit_id, period=period, indicator_ids=indicator_ids)
        try:
            ids = item_ids(unit_id)
            if path.suffix.lower() == ".xlsx":
                results, cells = read_workbook_cells(path, **expected, item_ids=ids)
            else:
                results, cells = load_yaml_results(path, **expected, item_count=len(ids)), {}
            if is_blank(results):
                blank.append(unit_id)
                notices.append(Notice(BLANK, Location(path), warning=False))
                continue
            warnings = empty_notices(results, cells, path, indicator_ids=indicator_ids, item_count=len(ids))
            notices += warnings
            found[unit_id] = UnitResults(results, path, tuple(warnings))
        except InputErrors as many:
            errors.extend(many.errors)
        except InputError as one:
            errors.append(one)
    if errors:
        raise InputErrors(errors)
    return FoundResults(found, notices, blank)
