"""Turn pydantic's validation errors into Vietnamese errors with file, line and field.

All problems of a file are collected and reported together (``InputErrors``), so a secretary fixes
her YAML in one pass instead of one error per run.
"""

from __future__ import annotations

import difflib
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from .errors import InputError, InputErrors, Location
from .yamlio import YamlDocument, format_path

M = TypeVar("M", bound=BaseModel)

_MESSAGES = {
    "missing": "thiếu trường bắt buộc",
    "string_too_short": "không được để trống",
    "string_type": "phải là một đoạn chữ",
    "int_type": "phải là số nguyên",
    "int_parsing": "phải là số nguyên",
    "int_from_float": "phải là số nguyên, không có phần thập phân",
    "float_parsing": "phải là một số",
    "bool_type": "phải là có/không (true/false)",
    "bool_parsing": "phải là có/không (true/false)",
    "list_type": "phải là một danh sách (mỗi mục bắt đầu bằng «- »)",
    "dict_type": "phải là một nhóm trường (tên: giá trị)",
    "model_type": "phải là một nhóm trường (tên: giá trị)",
    "model_attributes_type": "phải là một nhóm trường (tên: giá trị)",
    "date_type": "phải là ngày dạng ngày/tháng/năm",
    "none_required": "phải để trống",
}


def did_you_mean(word: str, choices) -> str:
    """"; có phải ý bạn là «…»?" for the closest of ``choices``, or nothing."""
    close = difflib.get_close_matches(str(word), list(choices), n=1)
    return f"; có phải ý bạn là «{close[0]}»?" if close else ""


def _message(error: dict, model: type[BaseModel], loc: tuple) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    if kind == "extra_forbidden":
        known = _known_fields(model, loc[:-1])
        hint = did_you_mean(loc[-1], known) or (f"; các trường được phép: {', '.join(known)}" if known else "")
        return f"trường «{loc[-1]}» không có trong mẫu dữ liệu{hint}"
    if kind == "string_type" and error.get("input") is None:
        return "không được để trống"
    if kind == "string_type" and isinstance(error.get("input"), dict) and len(error["input"]) == 1:
        # "… như sau:" at the end of a line makes YAML read the paragraph as a key; the commonest slip.
        return ("phải là một đoạn chữ, nhưng YAML đọc dòng này thành «tên: giá trị» vì có dấu hai chấm ở cuối "
                "dòng hoặc «: » giữa dòng; đặt cả đoạn trong dấu ngoặc kép \"…\" hoặc viết «>-» rồi xuống dòng")
    if kind == "int_type" and isinstance(error.get("input"), str) and error["input"].strip().isdigit():
        return (f"phải là số nguyên; «{error['input']}» đang là chữ vì nằm trong dấu ngoặc kép hoặc nháy đơn: "
                "bỏ dấu ngoặc đi")
    if kind == "literal_error":
        return f"phải là một trong các giá trị: {str(ctx.get('expected', '')).replace(' or ', ' hoặc ')}"
    if kind == "too_long" and not isinstance(error.get("input"), str):
        return f"có quá nhiều phần tử (tối đa {ctx.get('max_length')})"
    if kind in ("string_too_long", "too_long"):
        return f"dài {len(str(error.get('input', '')))} ký tự, quá giới hạn {ctx.get('max_length')} ký tự"
    if kind in ("greater_than_equal", "greater_than"):
        return f"phải lớn hơn hoặc bằng {ctx.get('ge', ctx.get('gt'))}"
    if kind in ("less_than_equal", "less_than"):
        return f"phải nhỏ hơn hoặc bằng {ctx.get('le', ctx.get('lt'))}"
    if kind == "too_short":
        return "không được để trống"
    if kind == "string_pattern_mismatch":
        return f"giá trị «{error.get('input')}» không đúng dạng (chỉ dùng chữ thường không dấu, số và dấu «-»)" \
            if "a-z" in str(ctx.get("pattern", "")) else f"giá trị «{error.get('input')}» không đúng dạng"
    return _MESSAGES.get(kind, error["msg"])


def _known_fields(model: type[BaseModel], loc: tuple) -> list[str]:
    """Field names allowed at ``loc`` (walking nested models and lists of models)."""
    current: type[BaseModel] | None = model
    for part in loc:
        if current is None:
            return []
        if isinstance(part, int):
            continue
        field = current.model_fields.get(str(part))
        if field is None:
            return []
        current = _model_in(field.annotation)
    return list(current.model_fields) if current else []


def _model_in(annotation) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _model_in(arg)
        if found:
            return found
    return None


def _clean_loc(loc: tuple) -> tuple:
    # pydantic adds pseudo-steps such as "function-after[...]" for validators; they are not YAML keys.
    return tuple(part for part in loc if not (isinstance(part, str) and ("[" in part or part.startswith("function"))))


def validate(model: type[M], source: YamlDocument, data=None, prefix: tuple = ()) -> M:
    """Validate ``data`` (default: the whole document) as ``model``; raise every problem at once."""
    try:
        return model.model_validate(source.data if data is None else data)
    except ValidationError as exc:
        errors = []
        for error in exc.errors(include_url=False):
            loc = _clean_loc(tuple(error["loc"]))
            errors.append(InputError(_message(error, model, loc), source.location(prefix + loc)))
        raise InputErrors(errors) from None


def validate_fields(model: type[M], data, label: str = "biểu mẫu") -> M:
    """Validate data that came from a form rather than a file: locations are field paths only."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InputErrors([
            InputError(_message(error, model, _clean_loc(tuple(error["loc"]))),
                       Location(label, field=format_path(_clean_loc(tuple(error["loc"])))))
            for error in exc.errors(include_url=False)
        ]) from None
