"""The content-addressed file store: every file under its sha256, ``files/ab/abcdef…``, written atomically."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from ..errors import InputError
from ..output import write_atomic

_SHA = re.compile(r"[0-9a-f]{64}")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class FileStore:
    """Files kept by their content: the same bytes are stored once, and a name can never be overwritten."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def path(self, sha: str) -> Path:
        if not isinstance(sha, str) or not _SHA.fullmatch(sha):
            raise InputError(f"mã tệp «{sha}» không đúng dạng")
        return self.root / sha[:2] / sha

    def put(self, data: bytes) -> str:
        sha = sha256(data)
        path = self.path(sha)
        if not path.is_file():  # idempotent: the same content has the same name
            write_atomic(path, data)
        return sha

    def get(self, sha: str) -> bytes:
        path = self.path(sha)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise InputError(f"không có tệp {sha[:12]}… trong kho tệp") from None
        if sha256(data) != sha:
            raise InputError(f"tệp {sha[:12]}… trong kho tệp đã bị hỏng (nội dung không khớp mã)")
        return data

    def __contains__(self, sha: str) -> bool:
        return self.path(sha).is_file()

    def remove(self, sha: str) -> None:
        """Forget a file nothing refers to any more (the caller checks that: :func:`jobs.file_in_use`)."""
        self.path(sha).unlink(missing_ok=True)
