"""The results files of a folder (``<unit id>.yaml`` or ``.xlsx``), read and validated together."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..errors import InputError, InputErrors, Location
from ..model import Period
from ..validation import validate
from ..yamlio import load
from .model import Results, UnitResults, check_results
from .workbook import read_workbook


def load_yaml_results(path: Path, **expected) -> Results:
    source = load(path)
    results = validate(Results, source)
    errors = check_results(results, lambda *p: source.location(p), **expected)
    if errors:
        raise InputErrors(errors)
    return results


def load_results(folder: Path, *, units: list[str], period: Period, indicator_ids: list[str],
                 item_ids: Callable[[str], list[str]], registry_ids: set[str]) -> dict[str, UnitResults]:
    """Every results file of ``folder`` for ``period``; all problems of all files are raised together.
    ``item_ids(unit)`` gives the ids of the items of the unit's own plan, in its numbering."""
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
        expected = dict(unit_id=unit_id, period=period, indicator_ids=indicator_ids)
        try:
            ids = item_ids(unit_id)
            if path.suffix.lower() == ".xlsx":
                results = read_workbook(path, **expected, item_ids=ids)
            else:
                results = load_yaml_results(path, **expected, item_count=len(ids))
            found[unit_id] = UnitResults(results, path)
        except InputErrors as many:
            errors.extend(many.errors)
        except InputError as one:
            errors.append(one)
    if errors:
        raise InputErrors(errors)
    return found
