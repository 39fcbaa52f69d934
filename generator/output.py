"""Writing output files atomically: a reader sees the old file or the new one, never half of one."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from .errors import Location, OutputError
from .ooxml.package import last_saved_by

_REASONS = {errno.ENOSPC: "ổ đĩa đã đầy", errno.EACCES: "không có quyền ghi", errno.EPERM: "không có quyền ghi",
            errno.EROFS: "ổ đĩa chỉ cho đọc", errno.ENOTDIR: "đường dẫn có một phần không phải thư mục",
            errno.EDQUOT: "đã hết hạn mức dung lượng"}


def reason(exc: OSError) -> str:
    return _REASONS.get(exc.errno, exc.strerror or str(exc))


def write_atomic(path: Path, data: bytes, *, durable: bool = True) -> Path:
    """Write ``data`` to a temporary file beside ``path``, flush it to disk, then rename it into place.

    A batch passes ``durable=False`` and syncs once at its end (:func:`sync`): the rename alone already
    protects against a killed process, and a rerun checks every file's sha256 before trusting it."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise OutputError(f"không tạo được thư mục hoặc tệp ({reason(exc)})", Location(path.parent)) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.chmod(temp_name, 0o644)
        os.replace(temp_name, path)
    except BaseException as exc:
        try:
            os.unlink(temp_name)
        except FileNotFoundError:
            pass
        if isinstance(exc, OSError):
            raise OutputError(f"không ghi được tệp ({reason(exc)})", Location(path)) from None
        raise
    return path


def append_line(path: Path, line: str) -> None:
    """Append one line to a journal, whole: one ``write`` on a file opened with O_APPEND, so that lines of
    several processes never interleave, and it is in the kernel (surviving a killed process) on return."""
    data = (line.rstrip("\n") + "\n").encode("utf-8")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            written = os.write(fd, data)
        finally:
            os.close(fd)
    except OSError as exc:
        raise OutputError(f"không ghi được tệp ({reason(exc)})", Location(path)) from None
    if written != len(data):
        raise OutputError("không ghi được tệp (ổ đĩa đã đầy)", Location(path))


def written_by_vanban(path: Path) -> bool:
    """Whether a .docx was last saved by vanban (Word and LibreOffice rewrite these properties on save)."""
    return last_saved_by(path) == ("vanban", "vanban")


# What a kept file is told with (documents refused by keep_edited, workbooks kept by results-template)
EDITED = "đã được sửa bằng phần mềm khác sau khi vanban tạo nên được giữ nguyên"
KEPT_HINT = "thêm --force để ghi đè, hoặc chọn thư mục khác bằng -o"


def edited_since_written(path: Path) -> bool:
    """Whether a file is there that another program (Word, Excel, LibreOffice) saved after vanban wrote it."""
    return path.exists() and not written_by_vanban(path)


def keep_edited(path: Path, force: bool, shown: str | Path | None = None) -> None:
    """Refuse to replace a document that a person has saved since vanban wrote it, unless ``force``."""
    if not force and edited_since_written(path):
        raise OutputError(EDITED, Location(shown or path), hint=KEPT_HINT)


def sync() -> None:
    """Flush everything written so far to disk (once per batch, before its manifest says it is done)."""
    if hasattr(os, "sync"):
        os.sync()
