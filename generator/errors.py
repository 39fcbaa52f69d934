"""The one exceptions module of vanban.

Every error a user can see is a :class:`VanbanError`: a Vietnamese message plus, where the problem
comes from a file, a :class:`Location` (file, line, field path). The CLI and the web app print
``str(error)``; nothing else in the package formats errors for people.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path


class ExitCode(IntEnum):
    """What the ``vanban`` command returns: the one list of exit codes."""

    OK = 0
    FAILED = 1  # a check failed, or a file or a PDF could not be written
    BAD_INPUT = 2  # a plan, registry, results file or template that cannot be used
    INTERRUPTED = 130  # Ctrl+C (128 + SIGINT, as shells report it)


@dataclass(frozen=True)
class Location:
    """Where a problem is: a file, optionally a line (1-based), a column and a field path."""

    file: Path | str | None = None
    line: int | None = None
    column: int | None = None
    field: str | None = None
    sheet: str | None = None  # Excel workbooks: the sheet and the cell ("D7")
    cell: str | None = None

    def __str__(self) -> str:
        parts: list[str] = []
        if self.file is not None:
            parts.append(f"tệp {self.file}")
        if self.line is not None:
            parts.append(f"dòng {self.line}")
        if self.sheet:
            parts.append(f"trang tính «{self.sheet}»")
        if self.cell:
            parts.append(f"ô {self.cell}")
        if self.field:
            parts.append(f"trường «{self.field}»")
        return ", ".join(parts)


class VanbanError(Exception):
    """Base of every error vanban reports to a user. ``exit_code`` is what the CLI returns."""

    exit_code = ExitCode.FAILED

    def __init__(self, message: str, location: Location | None = None, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.location = location
        self.hint = hint

    def __reduce__(self):
        # whole, across processes (the web app's workers): Exception would pickle the message alone
        return (self.__class__, (self.message, self.location, self.hint))

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}" if self.location else self.message
        if self.hint:
            text += f" ({self.hint})"
        return text

    def sentence(self, end: str = "") -> str:
        """The error as a sentence on a web page: a capital first, then ``end`` (".")."""
        text = str(self)
        return text[:1].upper() + text[1:] + end


class InputError(VanbanError):
    """Bad input data: a plan, a units registry, a results file. Exit code 2."""

    exit_code = ExitCode.BAD_INPUT


class WrongPassword(InputError):
    """The password given to prove who is asking is not theirs (counted against guessing, like a login)."""


class InputErrors(InputError):
    """Several input problems found in one pass; all are reported together."""

    def __init__(self, errors: list[InputError]):
        self.errors = errors
        super().__init__(f"{len(errors)} lỗi trong dữ liệu đầu vào")

    def __reduce__(self):
        return (self.__class__, (self.errors,))

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)


class TemplateError(VanbanError):
    """A .docx template that cannot be used (missing, broken, or with a bad tag). Exit code 2."""

    exit_code = ExitCode.BAD_INPUT


class OutputError(VanbanError):
    """A file could not be written (folder not writable, disk full). Exit code 1."""


class ConversionError(VanbanError):
    """PDF conversion failed or LibreOffice is missing. Exit code 1."""
