"""Vietnamese for the parts of the command line that Typer writes itself.

Typer (and the Click it vendors) prints "Usage:", "Options", "Show this message and exit." and its
usage errors in English with no translation hook. Secretaries read none of that: the command classes
here write the usage line and the help option in Vietnamese, the panels get Vietnamese titles, and
usage errors are turned into Vietnamese messages by :func:`usage_error_message`.
"""

from __future__ import annotations

import difflib
import re

import typer
from typer.core import TyperCommand, TyperGroup

OPTIONS_PANEL = "Tùy chọn"
ARGUMENTS_PANEL = "Tham số"
COMMANDS_PANEL = "Lệnh"
HELP_TEXT = "Hiện hướng dẫn này rồi thoát."

_USAGE_WORDS = {"[OPTIONS]": "[TÙY CHỌN]", "COMMAND": "LỆNH", "[ARGS]...": "[THAM SỐ]..."}

# Texts Typer's rich help reads from module settings when it draws the panels.
_RICH_TEXTS = {
    "REQUIRED_LONG_STRING": "[bắt buộc]",
    "DEFAULT_STRING": "[mặc định: {}]",
    "ENVVAR_STRING": "[biến môi trường: {}]",
    "DEPRECATED_STRING": "(không dùng nữa) ",
    "ARGUMENTS_PANEL_TITLE": ARGUMENTS_PANEL,
    "OPTIONS_PANEL_TITLE": OPTIONS_PANEL,
    "COMMANDS_PANEL_TITLE": COMMANDS_PANEL,
    "ERRORS_PANEL_TITLE": "Lỗi",
    "ABORTED_TEXT": "Đã dừng.",
    "RICH_HELP": "Chạy [blue]'{command_path} {help_option}'[/] để xem hướng dẫn.",
}


# The type column of the help panels: Typer writes "<path>", "<bool>", "[x>=1]".
_TYPE_WORDS = {"<path>": "<đường dẫn>", "<file>": "<tệp>", "<directory>": "<thư mục>", "<int>": "<số>",
               "<text>": "<chữ>", "<str>": "<chữ>", "<float>": "<số>", "<bool>": None}


def _vietnamese_range(low, high) -> str | None:
    if low is None and high is None:
        return None
    if low is None:
        return f"≤ {high}"
    return f"≥ {low}" if high is None else f"{low}–{high}"


def install_rich_texts() -> None:
    from typer import core, rich_utils  # rich_utils loads rich: only when the CLI actually starts

    for name, text in _RICH_TEXTS.items():
        if hasattr(rich_utils, name):
            setattr(rich_utils, name, text)
    # Typer has no hook for these; where its internals differ (another version), the English stays.
    parameter = getattr(core, "_TyperParameter", None)
    if parameter is not None and hasattr(parameter, "display_type") and not hasattr(parameter, "_vanban"):
        english = parameter.display_type

        def display_type(self, ctx):
            shown = english(self, ctx)
            return _TYPE_WORDS.get(shown, shown)

        parameter.display_type = display_type
        parameter._vanban = True
    if hasattr(core, "describe_number_range"):
        core.describe_number_range = _vietnamese_range


# The base class of Typer's usage errors, whichever Click it runs on (vendored or not).
UsageError = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "UsageError")


class _VietnameseHelp:
    def format_usage(self, ctx, formatter) -> None:
        usage = " ".join(self.collect_usage_pieces(ctx))  # type: ignore[attr-defined]
        for english, vietnamese in _USAGE_WORDS.items():
            usage = usage.replace(english, vietnamese)
        formatter.write_usage(ctx.command_path, usage, prefix="Cách dùng: ")

    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = HELP_TEXT
            option.metavar = ""
            option.rich_help_panel = OPTIONS_PANEL
        return option


class VietnameseCommand(_VietnameseHelp, TyperCommand):
    pass


class VietnameseGroup(_VietnameseHelp, TyperGroup):
    pass


def usage_error_message(error: Exception, commands: list[str] = ()) -> str:
    """A Vietnamese sentence for a Typer/Click usage error; ``commands`` feed "did you mean"."""
    kind = type(error).__name__
    param = getattr(error, "param", None)
    hint = getattr(error, "param_hint", None) or (
        (getattr(param, "metavar", None) or getattr(param, "name", None)) if param is not None else None)
    if isinstance(hint, (list, tuple)):
        hint = " / ".join(hint)
    if kind == "MissingParameter":
        what = "tham số" if getattr(param, "param_type_name", "") == "argument" else "tùy chọn"
        return f"thiếu {what} «{hint}»"
    if kind == "NoSuchOption":
        name = getattr(error, "option_name", "")
        possible = list(getattr(error, "possibilities", None) or [])
        close = possible
        suffix = f"; có phải ý bạn là «{close[0]}»?" if close else ""
        return f"không có tùy chọn «{name}»{suffix}"
    if kind == "BadParameter":
        return f"giá trị không hợp lệ cho «{hint}»"
    if kind in ("BadOptionUsage", "BadArgumentUsage"):
        return f"cách dùng «{getattr(error, 'option_name', '') or hint or ''}» không đúng"
    message = getattr(error, "message", "") or str(error)
    unknown = re.match(r"No such command '([^']*)'", message)
    if unknown:
        close = difflib.get_close_matches(unknown.group(1), list(commands), n=1)
        suffix = f"; có phải ý bạn là «{close[0]}»?" if close else ""
        return f"không có lệnh «{unknown.group(1)}»{suffix}"
    if message.startswith("Missing command"):
        return "thiếu tên lệnh"
    if "Got unexpected extra argument" in message:
        return "có tham số thừa: " + message.split("(", 1)[-1].rstrip(")")
    return f"cách dùng không đúng ({message})"
