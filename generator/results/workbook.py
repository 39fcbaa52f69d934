"""Excel workbooks for a unit's results: written for a secretary to fill, read back with strict checks.

Sheet "Chỉ tiêu" holds the figures (one row per indicator, only the "Số liệu" column open for typing,
whole numbers ≥ 0 enforced by Excel's data validation); sheet "Nội dung" holds the report's numbers and
dates and the texts, one question per row. A hidden sheet records which plan, unit and period the
workbook belongs to and the row of every indicator and question, so a workbook whose layout was
changed is refused with the sheet and cell, never misread.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from ..errors import InputError, InputErrors, Location
from ..model import Indicator, Period, parse_date
from ..ooxml.package import normalise_package, unpack_problem
from ..vietnamese import short_date
from .model import Results, check_results, no_such_item
from .questions import PER_ITEM, questions, table

MARKER = "vanban-ket-qua"
VERSION = "2"  # 2: the hidden sheet's column D holds the item id of each per-item question
FIGURES = "Chỉ tiêu"
TEXTS = "Nội dung"
META = "_vanban"
RESULTS_KEY = "texts.results"  # the per-item answers: "texts.results.<number in the unit's own plan>"
FIRST_ROW = 6
# The column headings (row FIRST_ROW - 1) of each sheet; reading checks them, so a column inserted or moved
# is said to be one instead of being read as wrong figures.
COLUMNS = {FIGURES: ["STT", "Chỉ tiêu", "Đơn vị tính", "Số liệu"], TEXTS: ["STT", "Nội dung", "Trả lời"]}

_thin = Side(style="thin", color="000000")
_BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
_HEADER = PatternFill("solid", fgColor="DDDDDD")
_INPUT = PatternFill("solid", fgColor="FFF9DB")
_FONT = "Times New Roman"
# A date typed in the sheet shows as the documents write it in running text: 10/5/2021, 05/3/2021
# (vietnamese.short_date; a number format cannot give January and February their leading zero)
DATE_FORMAT = "DD/M/YYYY"


ROLES = {"Cấp trưởng": "head", "Cấp phó (ký thay)": "deputy"}


def _style_header(cell) -> None:
    cell.font = Font(name=_FONT, bold=True, size=12)
    cell.fill = _HEADER
    cell.border = _BORDER
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def build_workbook(*, plan_slug: str, unit_id: str, unit_name: str, period: Period, indicators: list[Indicator],
                   item_titles: list[str], item_ids: list[str]) -> bytes:
    """The workbook of ``unit_id``: ``item_titles`` and ``item_ids`` are the items of the unit's own plan (mục II of
    its sub-plan), in its numbering; the hidden sheet records each per-item question's item id."""
    workbook = Workbook()
    figures = workbook.active
    figures.title = FIGURES
    texts = workbook.create_sheet(TEXTS)
    meta = workbook.create_sheet(META)
    meta.sheet_state = "hidden"
    for sheet, title in ((figures, "KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU"), (texts, "NỘI DUNG BÁO CÁO")):
        sheet["A1"] = title
        sheet["A1"].font = Font(name=_FONT, bold=True, size=14)
        sheet["A2"] = f"Đơn vị: {unit_name}"
        sheet["A3"] = f"Kỳ báo cáo: {period.name} (gửi trước ngày {short_date(period.deadline)})"
        if period.window:  # thời gian chốt số liệu (Nghị định 09/2019/NĐ-CP)
            sheet["A3"] = (f"{sheet['A3'].value}; số liệu tính từ ngày {short_date(period.window.start)} đến ngày "
                           f"{short_date(period.window.end)}")
        sheet["A4"] = "Chỉ điền vào các ô màu vàng; không thêm, xóa hay đổi chỗ dòng, cột."
        for ref in ("A2", "A3", "A4"):
            sheet[ref].font = Font(name=_FONT, italic=ref == "A4", size=12)
    headers = {figures: COLUMNS[FIGURES], texts: COLUMNS[TEXTS]}
    for sheet, names in headers.items():
        for column, name in enumerate(names, 1):
            _style_header(sheet.cell(row=FIRST_ROW - 1, column=column, value=name))
    figures.column_dimensions["A"].width = 6
    figures.column_dimensions["B"].width = 48
    figures.column_dimensions["C"].width = 14
    figures.column_dimensions["D"].width = 14
    texts.column_dimensions["A"].width = 6
    texts.column_dimensions["B"].width = 48
    texts.column_dimensions["C"].width = 80

    whole = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                           showErrorMessage=True, errorTitle="Số liệu không hợp lệ",
                           error="Nhập số nguyên không âm (0, 1, 2 …).")
    figures.add_data_validation(whole)
    meta["A1"], meta["B1"] = MARKER, VERSION
    meta["A2"], meta["B2"] = "plan", plan_slug
    meta["A3"], meta["B3"] = "unit", unit_id
    meta["A4"], meta["B4"] = "period", period.id
    if period.window:  # read back by recorded_window: consolidation flags a workbook of another window
        meta["A5"], meta["B5"] = "window", f"{period.window.start:%Y-%m-%d}/{period.window.end:%Y-%m-%d}"
    meta_row = 6
    for index, indicator in enumerate(indicators):
        row = FIRST_ROW + index
        for column, value in enumerate([index + 1, indicator.name, indicator.unit], 1):
            cell = figures.cell(row=row, column=column, value=value)
            cell.font = Font(name=_FONT, size=12)
            cell.border = _BORDER
            cell.alignment = Alignment(vertical="center", wrap_text=True, horizontal="center" if column != 2 else None)
        value_cell = figures.cell(row=row, column=4)
        value_cell.protection = Protection(locked=False)
        value_cell.fill = _INPUT
        value_cell.border = _BORDER
        value_cell.font = Font(name=_FONT, size=12)
        whole.add(value_cell)
        meta.cell(row=meta_row, column=1, value=FIGURES)
        meta.cell(row=meta_row, column=2, value=row)
        meta.cell(row=meta_row, column=3, value=indicator.id)
        meta_row += 1

    roles = DataValidation(type="list", formula1='"' + ",".join(ROLES) + '"', allow_blank=True)
    dates = DataValidation(type="date", operator="greaterThan", formula1="1", allow_blank=True,
                           showErrorMessage=True, error="Nhập ngày dạng ngày/tháng/năm.")
    numbers = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="1", allow_blank=True,
                             showErrorMessage=True, error="Nhập số nguyên dương.")
    for validation in (roles, dates, numbers):
        texts.add_data_validation(validation)
    for index, question in enumerate(questions(item_titles)):
        row = FIRST_ROW + index
        texts.cell(row=row, column=1, value=index + 1)
        texts.cell(row=row, column=2, value=question.label)
        answer = texts.cell(row=row, column=3)
        answer.protection = Protection(locked=False)
        answer.fill = _INPUT
        if question.kind == "date":
            answer.number_format = DATE_FORMAT
            dates.add(answer)
        elif question.kind == "number":
            numbers.add(answer)
        elif question.kind == "role":
            roles.add(answer)
        for cell in (texts.cell(row=row, column=1), texts.cell(row=row, column=2), answer):
            cell.font = Font(name=_FONT, size=12)
            cell.border = _BORDER
            cell.alignment = Alignment(vertical="top", wrap_text=True)
        if question.kind == "text":
            texts.row_dimensions[row].height = 60
        meta.cell(row=meta_row, column=1, value=TEXTS)
        meta.cell(row=meta_row, column=2, value=row)
        meta.cell(row=meta_row, column=3, value=question.key)
        number = _item_number(question.key)
        if number is not None:
            meta.cell(row=meta_row, column=4, value=item_ids[number - 1])
        meta_row += 1
    for sheet in (figures, texts):
        sheet.protection.sheet = True  # headers and labels locked; only the yellow cells are open
        sheet.freeze_panes = f"A{FIRST_ROW}"
    workbook.properties.creator = workbook.properties.lastModifiedBy = "vanban"
    workbook.properties.created = dt.datetime(2000, 1, 1)
    buffer = io.BytesIO()
    workbook.save(buffer)  # openpyxl stamps the save time as "modified": pinned to "created" below
    # docProps/app.xml says vanban wrote it (openpyxl writes its own name): Excel, LibreOffice and openpyxl
    # itself put theirs there on save, which is how results-template knows a workbook was opened and saved
    return normalise_package(buffer.getvalue(), modified="2000-01-01T00:00:00Z", application="vanban")


FILLED = "đã có số liệu hoặc nội dung do đơn vị điền nên được giữ nguyên"


def has_data(path: Path) -> bool:
    """Whether any answer cell (yellow) of the workbook at ``path`` is filled. A file that is not a readable
    vanban workbook counts as filled: it is someone's, never ours to replace."""
    try:
        workbook = _open(Path(path))
        meta = workbook[META]
        for sheet_name, row_number, *_ in meta.iter_rows(min_row=6, values_only=True):
            if sheet_name is None:
                continue
            value = workbook[sheet_name].cell(row=row_number, column=4 if sheet_name == FIGURES else 3).value
            if value is not None and not (isinstance(value, str) and not value.strip()):
                return True
    except (InputError, KeyError, TypeError, ValueError):
        return True
    return False


def _label_prefix() -> str:
    """"Kết quả: " — the words before the item's number in a per-item question's label."""
    return next((q.label.split(PER_ITEM, 1)[0] for q in table() if PER_ITEM in q.key), "")


def _item_number(key: str) -> int | None:
    """3 for "texts.results.3" (the answer on item 3 of the unit's plan); None for the other questions."""
    head, _, number = key.rpartition(".")
    return int(number) if head == RESULTS_KEY and number.isdigit() else None


# ---------------------------------------------------------------- reading back

def _open(path: Path, **options):
    """The workbook at ``path``, read once: openpyxl gets the very bytes the zip guard inflated."""
    try:
        data = Path(path).read_bytes()
        problem = unpack_problem(data)
        if problem:
            raise InputError(f"tệp Excel {problem} (nghi là tệp độc hại), không mở", Location(path))
        return load_workbook(io.BytesIO(data), **({"data_only": True} | options))
    except InputError:
        raise
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError):
        raise InputError("không phải tệp Excel .xlsx hợp lệ", Location(path)) from None


def read_workbook(path: Path, *, unit_id: str, period: Period, indicator_ids: list[str],
                  item_ids: list[str]) -> Results:
    """The results of a filled workbook; ``item_ids`` are the ids of the items of the unit's own plan, in its
    numbering. An answer is keyed by the item id the workbook recorded, so it lands on that item even when the
    unit's plan was renumbered since; an answer on an item the plan no longer has is refused at its cell."""
    return read_workbook_cells(path, unit_id=unit_id, period=period, indicator_ids=indicator_ids,
                               item_ids=item_ids)[0]


def read_workbook_cells(path: Path, *, unit_id: str, period: Period, indicator_ids: list[str],
                        item_ids: list[str]) -> tuple[Results, dict[str, tuple[Location, str]]]:
    """:func:`read_workbook`, and where each answer is: its dotted key ("indicators.<id>", "texts.leadership",
    "texts.results.3" in the unit's numbering) → the location of its cell and the label beside it."""
    cells: dict[str, tuple[Location, str]] = {}
    workbook = _open(path)
    where = lambda sheet, cell: Location(path, sheet=sheet, cell=cell)  # noqa: E731
    if META not in workbook.sheetnames or workbook[META]["A1"].value != MARKER:
        raise InputError("không phải sổ kết quả do vanban tạo (thiếu trang tính ẩn _vanban); "
                         "hãy tạo lại bằng lệnh vanban results-template", Location(path))
    meta = workbook[META]
    errors: list[InputError] = []
    for sheet in (FIGURES, TEXTS):
        if sheet not in workbook.sheetnames:
            errors.append(InputError(f"thiếu trang tính «{sheet}» (đã bị đổi tên hoặc xóa)", Location(path)))
    for sheet, names in COLUMNS.items():
        if sheet not in workbook.sheetnames:
            continue
        found = [workbook[sheet].cell(row=FIRST_ROW - 1, column=column).value
                 for column in range(1, len(names) + 2)]
        for column, (name, value) in enumerate(zip([*names, None], found), 1):
            if (value or None) != name:
                errors.append(InputError("bố cục trang tính đã bị thay đổi (thêm, xóa hoặc đổi chỗ cột); hãy tạo lại "
                                         "tệp bằng vanban results-template",
                                         Location(path, sheet=sheet, cell=f"{chr(64 + column)}{FIRST_ROW - 1}")))
                break
    if errors:
        raise InputErrors(errors)
    data: dict = {"unit": meta["B3"].value, "period": meta["B4"].value, "indicators": {},
                  "texts": {"results": {}}}
    for row in meta.iter_rows(min_row=6, values_only=True):
        sheet_name, row_number, key = row[:3]
        item_id = row[3] if len(row) > 3 else None
        if sheet_name is None:
            continue
        sheet = workbook[sheet_name]
        if sheet_name == FIGURES:
            label = sheet.cell(row=row_number, column=1).value
            if label != row_number - FIRST_ROW + 1:
                errors.append(InputError("bố cục trang tính đã bị thay đổi (thêm, xóa hoặc đổi chỗ dòng); "
                                         "hãy tạo lại tệp bằng vanban results-template",
                                         where(sheet_name, f"A{row_number}")))
                continue
            value = sheet.cell(row=row_number, column=4).value
            cell = f"D{row_number}"
            cells[f"indicators.{key}"] = (where(sheet_name, cell), str(sheet.cell(row=row_number, column=2).value))
            data["indicators"][key] = None  # the row is there, even when its figure is refused below
            if value is None or value == "":
                pass
            elif isinstance(value, bool) or not isinstance(value, (int, float)):
                errors.append(InputError(f"số liệu «{value}» phải là số nguyên không âm", where(sheet_name, cell),
                                         hint=f"chỉ tiêu {key}"))
            elif value != int(value) or value < 0:
                errors.append(InputError(f"số liệu {value:g} phải là số nguyên không âm", where(sheet_name, cell),
                                         hint=f"chỉ tiêu {key}"))
            else:
                data["indicators"][key] = int(value)
        else:
            if sheet.cell(row=row_number, column=1).value != row_number - FIRST_ROW + 1:
                errors.append(InputError("bố cục trang tính đã bị thay đổi (thêm, xóa hoặc đổi chỗ dòng); "
                                         "hãy tạo lại tệp bằng vanban results-template",
                                         where(sheet_name, f"A{row_number}")))
                continue
            value = sheet.cell(row=row_number, column=3).value
            number = _item_number(str(key))
            if number is not None and item_id in item_ids:
                key = f"{RESULTS_KEY}.{item_ids.index(item_id) + 1}"
            cells.setdefault(str(key), (where(sheet_name, f"C{row_number}"),
                                        str(sheet.cell(row=row_number, column=2).value)))
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            if number is not None and item_id not in item_ids and (item_id is not None or number > len(item_ids)):
                label = sheet.cell(row=row_number, column=2).value
                errors.append(InputError(no_such_item(str(label).removeprefix(_label_prefix()), len(item_ids)),
                                         where(sheet_name, f"C{row_number}"),
                                         hint="hãy tạo lại sổ bằng vanban results-template"))
                continue
            problem = _put(data, key, value)
            if problem:
                errors.append(InputError(problem, where(sheet_name, f"C{row_number}")))
    missing = [i for i in indicator_ids if i not in data["indicators"]]
    if missing and not any(e.location and e.location.cell and e.location.cell.startswith("A") for e in errors):
        # (a changed layout, already reported, explains the missing rows)
        errors.append(InputError(f"sổ thiếu chỉ tiêu {', '.join(missing)} của kế hoạch; hãy tạo lại tệp",
                                 Location(path, sheet=FIGURES)))
    if errors:
        raise InputErrors(errors)
    try:
        results = Results.model_validate(data)
    except Exception as exc:  # pydantic: a value of the wrong kind in a text cell
        raise InputError(f"dữ liệu không hợp lệ: {exc.errors()[0]['msg'] if hasattr(exc, 'errors') else exc}",
                         Location(path, sheet=TEXTS)) from None
    problems = check_results(results, lambda *p: Location(path, field=".".join(map(str, p))),
                             unit_id=unit_id, period=period, indicator_ids=indicator_ids, item_count=len(item_ids))
    if problems:
        raise InputErrors(problems)
    return results, cells


def _put(data: dict, key: str, value) -> str | None:
    """Store one answer at its dotted key; returns a Vietnamese problem, or None."""
    parts = key.split(".")
    if parts[-1] in ("number",):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value) or value < 1:
            return f"«{value}» phải là số nguyên dương"
        value = int(value)
    elif parts[-1] == "date":
        if isinstance(value, dt.datetime):
            value = value.date()
        elif isinstance(value, str):
            try:
                value = parse_date(value)
            except ValueError as exc:
                return str(exc)
        if not isinstance(value, dt.date):
            return f"«{value}» phải là ngày dạng ngày/tháng/năm"
    elif parts[-1] == "role":
        if value not in ROLES:
            return f"chọn một trong: {', '.join(ROLES)}"
        value = ROLES[value]
    else:
        value = str(value)
    target = data
    for part in parts[:-1]:
        target = target.setdefault(part, {})
    target[parts[-1]] = value
    return None


def recorded_window(path: Path) -> tuple[dt.date, dt.date] | None:
    """The data window the workbook was made for (hidden sheet, B5), or None (no window, not readable)."""
    try:
        value = _open(Path(path), read_only=True)[META]["B5"].value
        start, end = (dt.date.fromisoformat(part) for part in str(value).split("/"))
    except Exception:  # an older workbook, or one the reading has already refused with its own message
        return None
    return start, end
