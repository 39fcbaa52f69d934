"""PDF through LibreOffice: one headless soffice per worker converts many .docx files at a time.

Starting LibreOffice costs about a second; converting a document once it runs costs a tenth of that. So a
batch is split among a few workers, each with its own LibreOffice profile (two instances cannot share
one), and each worker hands soffice its documents in chunks. A chunk that fails or times out is retried
one document at a time, so one bad file costs only itself. LibreOffice substitutes Liberation Serif
(metric-compatible with Times New Roman) when Times New Roman is not installed and embeds it in the PDF.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .errors import ConversionError
from .output import write_atomic

STARTUP_SECONDS = 60
SECONDS_PER_DOCUMENT = 20
CHUNK = 50


@dataclass(frozen=True)
class Converted:
    docx: Path
    pdf: Path | None
    error: str | None = None


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _require() -> str:
    executable = soffice()
    if executable is None:
        raise ConversionError(
            "chưa cài LibreOffice nên không tạo được PDF",
            hint="cài bằng lệnh: apt-get install libreoffice-writer-nogui fonts-liberation2",
        )
    return executable


def _run(executable: str, profile: Path, inputs: list[Path], outdir: Path, timeout: int) -> bool:
    command = [executable, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
               "--nolockcheck", "--convert-to", "pdf", "--outdir", str(outdir), *map(str, inputs)]
    try:
        subprocess.run(command, capture_output=True, timeout=timeout, check=False)
        return True
    except subprocess.TimeoutExpired:
        return False


def _worker(executable: str, jobs: list[tuple[Path, Path]], work: Path) -> list[Converted]:
    """Convert ``(docx, target pdf)`` pairs with one LibreOffice profile of this worker's own."""
    profile, staging, out = work / "profile", work / "in", work / "out"
    staging.mkdir(parents=True)
    out.mkdir()
    # documents of different units share a file name: each is staged under its position
    staged = []
    for index, (docx, target) in enumerate(jobs):
        link = staging / f"{index:06d}.docx"
        os.symlink(Path(docx).resolve(), link)
        staged.append((link, docx, target))
    results: list[Converted] = []

    def collect(items) -> list:
        missing = []
        for link, docx, target in items:
            produced = out / f"{link.stem}.pdf"
            if produced.is_file():
                results.append(Converted(docx, write_atomic(target, produced.read_bytes())))
                produced.unlink()
            else:
                missing.append((link, docx, target))
        return missing

    for start in range(0, len(staged), CHUNK):
        chunk = staged[start:start + CHUNK]
        _run(executable, profile, [c[0] for c in chunk], out, STARTUP_SECONDS + SECONDS_PER_DOCUMENT * len(chunk))
        for link, docx, target in collect(chunk):  # retry alone: one bad document costs only itself
            done = _run(executable, profile, [link], out, STARTUP_SECONDS + SECONDS_PER_DOCUMENT)
            if not collect([(link, docx, target)]):
                continue
            reason = "quá thời gian" if not done else "LibreOffice không chuyển được"
            results.append(Converted(docx, None, f"{reason}: {Path(docx).name}"))
    return results


def convert_many(documents: list[Path], *, workers: int = 2) -> list[Converted]:
    """PDF beside each .docx (same name), with ``workers`` LibreOffice instances in parallel."""
    executable = _require()
    jobs = [(Path(d), Path(d).with_suffix(".pdf")) for d in documents]
    workers = max(1, min(workers, len(jobs)))
    shares = [jobs[i::workers] for i in range(workers)]
    with tempfile.TemporaryDirectory(prefix="vanban-pdf-") as work:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            futures = [pool.submit(_worker, executable, share, Path(work) / f"w{i}") for i, share in enumerate(shares)]
            results = [r for f in futures for r in f.result()]
    order = {d: i for i, (d, _) in enumerate(jobs)}
    return sorted(results, key=lambda r: order[r.docx])


def convert_to_pdf(documents: list[Path], out_dir: Path) -> list[Path]:
    """Convert ``documents`` to PDF files in ``out_dir`` (same names, .pdf); errors raise."""
    results = convert_many(documents, workers=1)
    failed = [r.error for r in results if r.pdf is None]
    if failed:
        raise ConversionError("; ".join(failed))
    written = []
    for result in results:
        target = Path(out_dir) / result.pdf.name
        if target.resolve() != result.pdf.resolve():
            write_atomic(target, result.pdf.read_bytes())
            result.pdf.unlink()
        written.append(target)
    return written
