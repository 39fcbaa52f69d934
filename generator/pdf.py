"""PDF through LibreOffice: one headless soffice call converts a whole list of .docx files.

LibreOffice substitutes Liberation Serif (metric-compatible with Times New Roman) when Times New Roman
is not installed and embeds it in the PDF, so the layout matches what Word shows.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from .errors import ConversionError
from .output import write_atomic

SECONDS_PER_DOCUMENT = 30
STARTUP_SECONDS = 60


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_pdf(documents: list[Path], out_dir: Path) -> list[Path]:
    """Convert ``documents`` to PDF files in ``out_dir`` (same names, .pdf); each written atomically."""
    executable = soffice()
    if executable is None:
        raise ConversionError(
            "chưa cài LibreOffice nên không tạo được PDF",
            hint="cài bằng lệnh: apt-get install libreoffice-writer-nogui fonts-liberation2",
        )
    with tempfile.TemporaryDirectory(prefix="vanban-pdf-") as work:
        work_dir = Path(work)
        command = [
            executable,
            f"-env:UserInstallation={(work_dir / 'profile').as_uri()}",
            "--headless", "--norestore", "--nolockcheck",
            "--convert-to", "pdf", "--outdir", str(work_dir / "pdf"),
            *[str(Path(d).resolve()) for d in documents],
        ]
        timeout = STARTUP_SECONDS + SECONDS_PER_DOCUMENT * len(documents)
        try:
            subprocess.run(command, capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise ConversionError(f"LibreOffice không chuyển xong sau {timeout} giây") from None
        written = []
        for document in documents:
            produced = work_dir / "pdf" / (Path(document).stem + ".pdf")
            if not produced.is_file():
                raise ConversionError(f"LibreOffice không chuyển được {Path(document).name} sang PDF")
            written.append(write_atomic(Path(out_dir) / produced.name, produced.read_bytes()))
        return written
