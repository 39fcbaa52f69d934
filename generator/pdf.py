"""PDF through LibreOffice: one headless soffice per worker converts many .docx files at a time.

Starting LibreOffice costs about a second; converting a document once it runs costs a tenth of that. So a
batch is split among a few workers, each with its own LibreOffice profile (two instances cannot share
one), and each worker hands soffice its documents in chunks. A chunk that fails or times out is retried
one document at a time, so one bad file costs only itself. LibreOffice substitutes Liberation Serif
(metric-compatible with Times New Roman) when Times New Roman is not installed and embeds it in the PDF.

Kinds of PDF (:data:`PdfKind`): a plain PDF, PDF/A-2b (the default: ISO 19005-2, TCVN 14159-2:2024, for the
archive; still "PDF 1.4 or later" as ND30 asks) and PDF/A-3b, which also carries the source .docx and any
sidecar files (the metadata XML) as associated files. LibreOffice writes the PDF/A itself (its export
filter's ``SelectPdfVersion``, tagged); then every PDF gets its Info and XMP metadata from the .docx's core
properties (title = trích yếu, author = cơ quan ban hành, subject, keywords), because LibreOffice splits
the keywords at every space. The PDF/A identification (``pdfaid:part``/``conformance``) is kept.

An empty signature field (:func:`add_signature_field`) is appended as an incremental update (pyHanko), in
the gap between the signer's title lines and name, where ND30 Phụ lục I puts the signature image, so a
signing tool signs there without moving anything; an AcroForm signature field is allowed in PDF/A-2 and -3.
:func:`merge_for_print` puts a batch's PDFs into one file to print.
"""

from __future__ import annotations

import io
import mimetypes
import os
import shutil
import subprocess
import tempfile
import unicodedata
import warnings
from collections.abc import Collection, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal, get_args


from .errors import ConversionError, InputError, Location, OutputError
from .ooxml.document import open_docx
from .output import write_atomic
from .signature import electronic
from .template_styles import HO_TEN, QUYEN_HAN

STARTUP_SECONDS = 60
SECONDS_PER_DOCUMENT = 20
CHUNK = 50

PdfKind = Literal["pdf", "pdfa-2b", "pdfa-3b"]
PDF_KINDS: tuple[PdfKind, ...] = get_args(PdfKind)
DEFAULT_KIND: PdfKind = "pdfa-2b"
SIGNATURE_FIELD = "ChuKyNguoiKy"

_LABELS = {"pdf": "PDF thường", "pdfa-2b": "PDF/A-2b (lưu trữ)",
           "pdfa-3b": "PDF/A-3b (lưu trữ, kèm tệp .docx gốc và tệp dữ liệu)"}
# LibreOffice's PDF export filter with its options as JSON (LibreOffice 7.4 and later): SelectPdfVersion
# 2 = PDF/A-2b, 3 = PDF/A-3b; tagged (a structure tree, the reading order for screen readers).
_FILTERS = {"pdf": "pdf", **{kind: 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"%s"},'
                                   '"UseTaggedPDF":{"type":"boolean","value":"true"}}' % part
                             for kind, part in (("pdfa-2b", "2"), ("pdfa-3b", "3"))}}
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_MIME = {".docx": DOCX_MIME, ".xml": "application/xml", ".json": "application/json", ".csv": "text/csv",
         ".pdf": "application/pdf", ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         ".txt": "text/plain", ".png": "image/png"}
# The signature box: at least this wide (points; 5 cm), centred over the name; this far from the lines
# around it; this tall when nothing stands above the name in its column.
SIGNATURE_MIN_WIDTH = 142.0
SIGNATURE_PADDING = 2.0
SIGNATURE_DEFAULT_HEIGHT = 56.0


@dataclass(frozen=True)
class Converted:
    docx: Path
    pdf: Path | None
    error: str | None = None

    @property
    def document(self) -> Path:
        return self.docx


def pdf_kind_label(kind: str) -> str:
    """How a kind of PDF is named to a person: "PDF/A-2b (lưu trữ)"."""
    return _LABELS[check_kind(kind)]


def check_kind(kind: str) -> PdfKind:
    """``kind`` if it is one of :data:`PDF_KINDS`; otherwise an input error naming the choices."""
    if kind not in PDF_KINDS:
        choices = "; ".join(f"{k}: {_LABELS[k]}" for k in PDF_KINDS)
        raise InputError(f"không có loại PDF «{kind}»", hint=f"chọn một trong: {choices}")
    return kind  # type: ignore[return-value]


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


def _run(executable: str, profile: Path, inputs: list[Path], outdir: Path, timeout: int,
         kind: PdfKind = "pdf") -> bool:
    command = [executable, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
               "--nolockcheck", "--convert-to", _FILTERS[kind], "--outdir", str(outdir), *map(str, inputs)]
    try:
        subprocess.run(command, capture_output=True, timeout=timeout, check=False)
        return True
    except subprocess.TimeoutExpired:
        return False


@dataclass(frozen=True)
class _Job:
    docx: Path
    target: Path
    kind: PdfKind
    attachments: tuple[Path, ...] = ()
    signature_field: bool = False
    signer: str | None = None


def _worker(executable: str, jobs: list[_Job], work: Path) -> list[Converted]:
    """Convert jobs with one LibreOffice profile of this worker's own (all jobs of a call share a kind)."""
    profile, staging, out = work / "profile", work / "in", work / "out"
    staging.mkdir(parents=True)
    out.mkdir()
    kind = jobs[0].kind if jobs else "pdf"
    # documents of different units share a file name: each is staged under its position
    staged = []
    for index, job in enumerate(jobs):
        link = staging / f"{index:06d}.docx"
        os.symlink(Path(job.docx).resolve(), link)
        staged.append((link, job))
    results: list[Converted] = []

    def collect(items) -> list:
        missing = []
        for link, job in items:
            produced = out / f"{link.stem}.pdf"
            if produced.is_file():
                results.append(_finish(job, produced.read_bytes()))
                produced.unlink()
            else:
                missing.append((link, job))
        return missing

    for start in range(0, len(staged), CHUNK):
        chunk = staged[start:start + CHUNK]
        _run(executable, profile, [c[0] for c in chunk], out, STARTUP_SECONDS + SECONDS_PER_DOCUMENT * len(chunk),
             kind)
        for link, job in collect(chunk):  # retry alone: one bad document costs only itself
            done = _run(executable, profile, [link], out, STARTUP_SECONDS + SECONDS_PER_DOCUMENT, kind)
            if not collect([(link, job)]):
                continue
            reason = "quá thời gian" if not done else "LibreOffice không chuyển được"
            results.append(Converted(job.docx, None, f"{reason}: {Path(job.docx).name}"))
    return results


def _finish(job: _Job, data: bytes) -> Converted:
    """LibreOffice's PDF made whole: metadata, attachments (PDF/A-3b), signature field; then written."""
    try:
        facts = _docx_facts(job.docx)
        signer = job.signer or facts.signer
        if job.signature_field and not signer and not facts.title_line:
            raise OutputError("không tìm thấy họ tên hay chức vụ người ký trong văn bản nên không đặt được ô chữ ký "
                              "số", Location(job.docx))
        data = _with_metadata(data, facts, job, producer=_signing_producer() if job.signature_field else None)
        if job.signature_field:
            # a draft whose signer is not named yet: the field goes in the area under the chức vụ line
            data = _with_signature_field(data, signer, SIGNATURE_FIELD, Location(job.target), producer_set=True,
                                         title_line=None if signer else facts.title_line)
        return Converted(job.docx, write_atomic(job.target, data))
    except (InputError, OutputError, ConversionError) as exc:
        return Converted(job.docx, None, str(exc))


def convert_many(documents: list[Path], *, workers: int = 2, kind: PdfKind = DEFAULT_KIND,
                 attachments: Mapping[Path, Sequence[Path]] | None = None,
                 signature_field: bool | Collection[Path] = False,
                 signers: Mapping[Path, str] | None = None) -> list[Converted]:
    """PDF beside each .docx (same name), with ``workers`` LibreOffice instances in parallel, in the order
    of ``documents``. A document that fails gets ``Converted(docx, None, error)``; the others are written.

    ``kind``: see :data:`PdfKind`. ``attachments``: per .docx, more files to embed in a PDF/A-3b (the .docx
    itself always is); ignored for the other kinds, which cannot carry files. ``signature_field``: an empty
    signature field named :data:`SIGNATURE_FIELD` above the signer's name — in every PDF (``True``) or only in
    those of the .docx files listed (a Phụ lục in a file of its own has no signer: a batch lists its main
    documents only); the name is ``signers[docx]`` or, when not given, read from the .docx (its paragraph in
    the "VB Họ tên người ký" style)."""
    executable = _require()
    kind = check_kind(kind)
    attachments = {Path(k): tuple(map(Path, v)) for k, v in (attachments or {}).items()}
    signers = {Path(k): v for k, v in (signers or {}).items()}
    signed = None if isinstance(signature_field, bool) else {Path(d) for d in signature_field}
    jobs = [_Job(Path(d), Path(d).with_suffix(".pdf"), kind,
                 attachments.get(Path(d), ()) if kind == "pdfa-3b" else (),
                 signature_field if signed is None else Path(d) in signed, signers.get(Path(d)))
            for d in documents]
    if not jobs:
        return []
    workers = max(1, min(workers, len(jobs)))
    shares = [jobs[i::workers] for i in range(workers)]
    with tempfile.TemporaryDirectory(prefix="vanban-pdf-") as work:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            futures = [pool.submit(_worker, executable, share, Path(work) / f"w{i}") for i, share in enumerate(shares)]
            results = [r for f in futures for r in f.result()]
    order = {job.docx: i for i, job in enumerate(jobs)}
    return sorted(results, key=lambda r: order[r.docx])


def convert_to_pdf(documents: list[Path], out_dir: Path, *, kind: PdfKind = DEFAULT_KIND,
                   attachments: Mapping[Path, Sequence[Path]] | None = None,
                   signature_field: bool | Collection[Path] = False,
                   signers: Mapping[Path, str] | None = None) -> list[Path]:
    """Convert ``documents`` to PDF files in ``out_dir`` (same names, .pdf); errors raise. The keywords are
    those of :func:`convert_many`."""
    results = convert_many(documents, workers=1, kind=kind, attachments=attachments,
                           signature_field=signature_field, signers=signers)
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


# ---------------------------------------------------------------- metadata and associated files


@dataclass(frozen=True)
class _DocxFacts:
    title: str
    creator: str
    subject: str
    keywords: str
    language: str
    signer: str | None
    title_line: str | None = None  # the signer's chức vụ, the last line above the signature area ("GIÁM ĐỐC")


def _docx_facts(docx: Path) -> _DocxFacts:
    """What the PDF's metadata and signature field need from the .docx: its core properties and the
    signer's name (the last paragraph in the name style of vanban's templates)."""
    document = open_docx(Path(docx))
    core = document.core_properties
    found = {HO_TEN: None, QUYEN_HAN: None}
    paragraphs = [p for table in document.tables for row in table.rows for cell in row.cells for p in cell.paragraphs]
    for paragraph in paragraphs + list(document.paragraphs):
        style = paragraph.style.style_id if paragraph.style is not None else None
        if style in found and paragraph.text.strip():
            found[style] = paragraph.text.strip().splitlines()[-1].strip()
    return _DocxFacts(core.title or "", core.author or "", core.subject or "", core.keywords or "",
                      core.language or "vi-VN", found[HO_TEN], found[QUYEN_HAN])


def _pdf_date(moment: datetime) -> str:
    return moment.strftime("D:%Y%m%d%H%M%SZ")


def _mime(path: Path) -> str:
    return _MIME.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def _with_metadata(data: bytes, facts: _DocxFacts, job: _Job, *, producer: str | None = None) -> bytes:
    """The PDF with its XMP and Info set from the .docx (the PDF/A identification kept) and, for PDF/A-3b,
    the .docx (relationship Source) and the attachments (Data) embedded as the document's associated files.
    ``producer`` replaces the producer in both (see :func:`_signing_producer`)."""
    import pikepdf  # heavy (qpdf): loaded when a PDF is made, not when the CLI starts

    extras = []
    for extra in job.attachments:
        try:
            extras.append((extra, extra.read_bytes()))
        except OSError:
            raise OutputError("không đọc được tệp cần đính kèm vào PDF/A-3b", Location(extra)) from None
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PdfError:
        raise ConversionError(f"LibreOffice tạo ra tệp PDF hỏng: {job.docx.name}") from None
    with pdf:
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=True) as meta:
            if facts.title:
                meta["dc:title"] = facts.title
            if facts.creator:
                meta["dc:creator"] = [facts.creator]
            if facts.subject:
                meta["dc:description"] = facts.subject
            if facts.keywords:
                meta["pdf:Keywords"] = facts.keywords
                meta["dc:subject"] = [k.strip() for k in facts.keywords.split(";") if k.strip()]
            meta["dc:language"] = [facts.language]
            if producer:
                meta["pdf:Producer"] = producer
        if job.kind == "pdfa-3b":
            now = _pdf_date(datetime.now(timezone.utc))
            files = [(job.docx, job.docx.read_bytes(), pikepdf.Name.Source, "Tệp .docx gốc của văn bản")]
            files += [(path, content, pikepdf.Name.Data, "Tệp dữ liệu kèm theo văn bản") for path, content in extras]
            associated = []
            for path, content, relationship, description in files:
                spec = pikepdf.AttachedFileSpec(pdf, content, description=description, filename=path.name,
                                                mime_type=_mime(path), creation_date=now, mod_date=now,
                                                relationship=relationship)
                pdf.attachments[path.name] = spec
                associated.append(spec.obj)
            pdf.Root.AF = pdf.make_indirect(pikepdf.Array(associated))
        out = io.BytesIO()
        pdf.save(out)
    return out.getvalue()


# ---------------------------------------------------------------- the signature field


@dataclass(frozen=True)
class _Box:
    page: int  # 0-based
    x0: float
    x1: float
    top: float  # from the top of the page, as pdfplumber measures
    bottom: float


def _normal(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


def _last_on_a_line(page, phrase: str) -> tuple[list[dict], _Box | None]:
    """The page's words in reading order, and where ``phrase`` stands the last time its words follow one another
    on one line of the page (the signature block closes a document), or None."""
    wanted = [_normal(w) for w in phrase.split()]
    words = sorted(page.extract_words(), key=lambda w: (round(w["top"]), w["x0"]))
    found = None
    for start, word in enumerate(words):
        if not wanted or _normal(word["text"]) != wanted[0]:
            continue
        run = [word]
        for following in words[start + 1:]:
            if len(run) == len(wanted):
                break
            if abs(following["top"] - word["top"]) < 1.0 and _normal(following["text"]) == wanted[len(run)]:
                run.append(following)
        if len(run) == len(wanted):
            found = run  # keep looking: the last one is wanted
    if found is None:
        return words, None
    return words, _Box(page.page_number - 1, min(w["x0"] for w in found), max(w["x1"] for w in found),
                       min(w["top"] for w in found), max(w["bottom"] for w in found))


def _columns_over(box: _Box, page) -> tuple[float, float]:
    """The signature field's left and right edges: centred on ``box``, at least SIGNATURE_MIN_WIDTH wide, on
    the page."""
    centre = (box.x0 + box.x1) / 2
    half = max(SIGNATURE_MIN_WIDTH, box.x1 - box.x0 + 20) / 2
    return max(0.0, centre - half), min(float(page.width), centre + half)


def _pdf_rect(page, x0: float, x1: float, top: float, bottom: float) -> tuple[float, float, float, float]:
    """A box measured as pdfplumber does (from the top left of the page) in PDF space (from the bottom left of
    its MediaBox)."""
    height, left, low = float(page.height), float(page.mediabox[0]), float(page.mediabox[1])
    return left + x0, low + height - bottom, left + x1, low + height - top


def _name_and_gap(data: bytes, signer_name: str) -> tuple[_Box, float, tuple[float, float, float, float]]:
    """Where the signer's name stands (the last time it is on a line of its own words) and the box for the
    signature above it: from under the nearest line above the name in its column to just over the name."""
    import pdfplumber  # heavy (pdfminer): loaded only when a signature field is placed

    if not signer_name.split():
        raise OutputError("họ tên người ký để trống nên không đặt được ô chữ ký số")
    with pdfplumber.open(io.BytesIO(data)) as document:
        for index in range(len(document.pages) - 1, -1, -1):
            page = document.pages[index]
            words, name = _last_on_a_line(page, signer_name)
            if name is None:
                continue
            above = [w["bottom"] for w in words
                     if w["bottom"] <= name.top - 1.0 and w["x1"] > name.x0 - 20 and w["x0"] < name.x1 + 20]
            top = max(above) + SIGNATURE_PADDING if above else name.top - SIGNATURE_DEFAULT_HEIGHT
            bottom = name.top - SIGNATURE_PADDING
            x0, x1 = _columns_over(name, page)
            return name, float(page.height), _pdf_rect(page, x0, x1, top, bottom)
    raise OutputError(f"không tìm thấy họ tên người ký «{signer_name}» trên các trang của bản PDF nên không đặt "
                      "được ô chữ ký số")


def _under_title(data: bytes, title_line: str) -> tuple[_Box, tuple[float, float, float, float]]:
    """The signature box of a document whose signer is not named yet (an electronic draft): in the signature area
    under the last line ``title_line`` stands on ("GIÁM ĐỐC"), from just under it down to the next words in its
    column, or as tall as the area vanban reserves there (``electronic-nd30.yaml``); where it stands, and the box."""
    import pdfplumber  # heavy (pdfminer): loaded only when a signature field is placed

    height_mm = electronic().signature_area.height_mm
    with pdfplumber.open(io.BytesIO(data)) as document:
        for index in range(len(document.pages) - 1, -1, -1):
            page = document.pages[index]
            words, title = _last_on_a_line(page, title_line)
            if title is None:
                continue
            x0, x1 = _columns_over(title, page)
            below = [w["top"] for w in words if w["top"] >= title.bottom + 1.0 and w["x1"] > x0 and w["x0"] < x1]
            top = title.bottom + SIGNATURE_PADDING
            bottom = min(below) - SIGNATURE_PADDING if below else title.bottom + height_mm * 72 / 25.4
            bottom = min(bottom, float(page.height) - SIGNATURE_PADDING)
            if bottom - top < 10:
                break  # no room under the title on its page: said below
            return title, _pdf_rect(page, x0, x1, top, bottom)
    raise OutputError(f"không tìm thấy khoảng trống dưới chức vụ người ký «{title_line}» trên các trang của bản PDF "
                      "nên không đặt được ô chữ ký số")


def _signing_producer() -> str:
    """The producer pyHanko writes into the XMP of the PDF it updates ("pyHanko 0.38.0"). It keeps an Info
    /Producer that already names it but would append itself to any other, and PDF/A wants the two equal:
    so the producer is set to this beforehand, in the XMP and the Info alike."""
    from pyhanko.pdf_utils.metadata.model import VENDOR  # heavy (pyHanko): only when a field is placed

    return VENDOR


def _prepared_for_field(data: bytes, field_name: str, where: Location, *, set_producer: bool) -> bytes:
    """``data`` checked to have no field named ``field_name`` and, with ``set_producer``, rewritten with
    :func:`_signing_producer` as its producer, unless it is already, or it is signed (a rewrite would break
    the signatures: then it is left as it is)."""
    import pikepdf  # heavy (qpdf): loaded when a PDF is made, not when the CLI starts

    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PdfError:
        raise OutputError("tệp PDF bị hỏng, không thêm được ô chữ ký số", where) from None
    with pdf:
        fields = list(pdf.Root.get("/AcroForm", {}).get("/Fields", []))
        if any(str(f.get("/T", "")) == field_name for f in fields):
            raise OutputError(f"bản PDF đã có ô chữ ký số «{field_name}»", where)
        producer = _signing_producer()
        if not set_producer or str(pdf.docinfo.get("/Producer", "")) == producer or any("/V" in f for f in fields):
            return data
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=True) as meta:
            meta["pdf:Producer"] = producer
        out = io.BytesIO()
        pdf.save(out)
    return out.getvalue()


def _with_signature_field(data: bytes, signer_name: str | None, field_name: str, where: Location, *,
                          producer_set: bool = False, title_line: str | None = None) -> bytes:
    """``data`` with an empty signature field above ``signer_name`` or, when ``title_line`` is given instead (a
    draft whose signer is not named yet), under the chức vụ line (:func:`_under_title`)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter  # heavy (pyHanko): field only
    from pyhanko.sign.fields import SigFieldSpec, append_signature_field  # heavy (0.8 s): only to place a field

    data = _prepared_for_field(data, field_name, where, set_producer=not producer_set)
    try:
        if signer_name:
            name, _, rect = _name_and_gap(data, signer_name)
        else:
            name, rect = _under_title(data, title_line or "")
    except OutputError as exc:
        raise OutputError(exc.message, where) from None
    stream = io.BytesIO(data)
    writer = IncrementalPdfFileWriter(stream, strict=False)
    readable = f"Chữ ký số của {signer_name}" if signer_name else f"Chữ ký số của {(title_line or '').lower()}"
    try:
        append_signature_field(writer, SigFieldSpec(field_name, on_page=name.page, box=rect,
                                                    readable_field_name=readable))
    except Exception:  # noqa: BLE001 - pyHanko's own errors, in English: said in Vietnamese
        raise OutputError(f"không thêm được ô chữ ký số «{field_name}» vào bản PDF", where) from None
    writer.write_in_place()
    return stream.getvalue()


def add_signature_field(pdf: Path, *, signer_name: str, field_name: str = SIGNATURE_FIELD) -> None:
    """Add an empty signature field named ``field_name`` to ``pdf`` (rewritten atomically, as an
    incremental update), on the page of ``signer_name`` and between the signer's title and name."""
    pdf = Path(pdf)
    try:
        data = pdf.read_bytes()
    except OSError:
        raise OutputError("không đọc được tệp PDF", Location(pdf)) from None
    write_atomic(pdf, _with_signature_field(data, signer_name, field_name, Location(pdf)))


# ---------------------------------------------------------------- one file to print


def merge_for_print(pdfs: list[Path], target: Path) -> Path:
    """All ``pdfs`` in one PDF at ``target``, in the order given (written atomically). Signature fields are
    left out: a print needs the pages only."""
    import pikepdf  # heavy (qpdf): loaded when a PDF is made, not when the CLI starts

    if not pdfs:
        raise ConversionError("không có tệp PDF nào để ghép thành bản in", Location(target))
    merged = pikepdf.Pdf.new()
    sources = []
    try:
        for path in pdfs:
            try:
                source = pikepdf.open(Path(path))
            except (pikepdf.PdfError, OSError):
                raise ConversionError("không mở được tệp PDF để ghép vào bản in", Location(path)) from None
            sources.append(source)
            with warnings.catch_warnings():  # forms are not carried over: the print needs no fields
                warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
                merged.pages.extend(source.pages)
        for page in merged.pages:
            if "/Annots" in page:
                kept = [a for a in page.Annots if not (a.get("/Subtype") == pikepdf.Name.Widget
                                                       and a.get("/FT") == pikepdf.Name.Sig)]
                page.Annots = merged.make_indirect(pikepdf.Array(kept))
        merged.docinfo["/Title"] = f"Bản in gộp {len(pdfs)} văn bản"
        out = io.BytesIO()
        merged.save(out)
    finally:
        for source in sources:
            source.close()
    return write_atomic(Path(target), out.getvalue())
