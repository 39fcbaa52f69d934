"""Writing .docx packages (zip files) byte-for-byte reproducibly.

A zip entry normally carries the time it was written; vanban fixes every entry's time, order,
permissions and compression so that the same document always gives the same bytes (a batch rerun,
an e-office system comparing sha256 sums).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable

FIXED_TIME = (1980, 1, 1, 0, 0, 0)
CONTENT_TYPES = "[Content_Types].xml"


def write_package(parts: Iterable[tuple[str, bytes]]) -> bytes:
    """Zip ``(name, data)`` pairs into .docx bytes; ``[Content_Types].xml`` goes first, as Word writes it."""
    ordered = sorted(parts, key=lambda item: (item[0] != CONTENT_TYPES,))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in ordered:
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 0
            archive.writestr(info, data, compresslevel=6)
    return buffer.getvalue()


def read_package(data: bytes) -> list[tuple[str, bytes]]:
    """The ``(name, data)`` pairs of a zip package, in stored order."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


def normalise_package(data: bytes) -> bytes:
    """Re-zip a package produced by another writer (python-docx stamps the current time on entries)."""
    return write_package(read_package(data))
