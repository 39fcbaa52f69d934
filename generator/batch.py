"""The batch engine: one document per unit — its sub-plan, or its report for a period — in parallel,
atomically, deterministically, resumably, with a manifest (and a zip, PDFs).

What a batch makes is a typed job (:class:`SubplanJob`, :class:`UnitReportJob`): it knows each unit's
document, its file name, the zip's name and what of it goes into the inputs' fingerprint. Each worker
process loads the plan, registry and profiles once, then makes the units it is given through the one
produce step (:func:`generator.produce.produce`). A unit that fails (bad override, a document that does
not pass `vanban check`) is reported with its reason and does not stop the others.

Crash safety: every document is written to a temporary file and renamed into place, and its journal line
(``manifest.partial.jsonl``: the inputs' fingerprint and the manifest entry with the file's sha256) is
appended by the process that writes it *before* the rename — so a document is never on disk without the
record that lets a rerun trust it. A rerun with the same fingerprint keeps every file whose sha256 matches.

What a văn thư registers goes with the documents (:mod:`generator.records`): each entry carries its Phụ lục VI
record (in the journal too, so a resumed batch has every record without rendering again); once the documents
(and PDFs) are there, the batch writes beside each one its ``<stem>.metadata.xml`` (and ``<stem>.edxml``), then
the register ``so-dang-ky-van-ban-di.xlsx`` and the print file, each atomically and only when its bytes
changed, before the manifest says the batch is done. Two documents of one body with the same số and ký hiệu
stop the batch before anything is written.

Electronic mode: a document with a Phụ lục has it in a file of its own, ``<stem>-phu-luc.docx`` beside it
(Nghị định 30/2020/NĐ-CP, Phụ lục I, III.1.d), checked like the document (a failing Phụ lục fails the unit) and
written under the same guarantees: its sha256 is in the same journal line, it is renamed into place after that
line and before the document, and a rerun trusts a unit only when both files match. It has its PDF (no
signature field: the văn thư signs it with the body's signature at its top-right block), goes into the
envelope as a second attachment, the manifest, the zip, the print file after its document, and the register's
«Ghi chú».
"""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import json
import os
import signal
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field, replace
from importlib import metadata
from pathlib import Path

from . import edxml as edxml_
from . import inline, records
from .cascade.profiles import SHIPPED
from .cascade.subplan import CascadeContext, issuing_units, load_context, subplan
from .check import DocumentReport
from .errors import ExitCode, InputError, InputErrors, Location, OutputError, TemplateError, VanbanError
from .loading import LoadedPlan, load_plan
from .model import Document
from .ooxml.package import write_package
from .derive import type_name
from .output import EDITED, KEPT_HINT, append_line, edited_since_written, keep_edited, reason, sync, write_atomic
from .pdf import DEFAULT_KIND, PdfKind, check_kind, convert_many, merge_for_print
from .produce import Produced, deliver, produce, produce_appendix
from .records import Record
from .render import templates_dir
from .reports import period_of, unit_report
from .results import Results
from .results.model import Notice
from .vietnamese import ky_hieu, short_date, so_ky_hieu


@dataclass(frozen=True)
class Entry:
    """One written document, as an e-office system registers it."""

    unit: str
    unit_name: str
    file: str  # relative to the output folder
    type: str
    ky_hieu: str
    so_ky_hieu: str
    trich_yeu: str
    noi_nhan: list[str]
    signer: list[str]
    sha256: str
    check: str  # "đạt", or "không kiểm tra" when the batch ran with --no-check
    pdf: str | None = None
    date: str = ""  # ngày tháng văn bản, "10/3/2021"; "" for a draft
    organ_id: str = ""  # mã định danh of the issuing body ("" when the registry does not have it)
    pages: int | None = None  # from the PDF; None when none was made
    metadata: str | None = None  # the Phụ lục VI sidecar, <stem>.metadata.xml
    edxml: str | None = None  # the edXML envelope, <stem>.edxml (with --edxml)
    record: dict = field(default_factory=dict)  # the Phụ lục VI record (records.Record.to_json)
    appendix: str | None = None  # the Phụ lục in a file of its own, <stem>-phu-luc.docx (electronic mode)
    appendix_sha256: str | None = None
    appendix_pdf: str | None = None

    def files(self) -> list[str]:
        """Every file of the entry that exists (relative), the documents first."""
        return [name for name in (self.file, self.appendix, self.pdf, self.appendix_pdf, self.metadata, self.edxml)
                if name]


@dataclass(frozen=True)
class Failure:
    unit: str
    reason: str
    bad_input: bool  # the data or the template is at fault (exit code 2), not the machine


@dataclass
class BatchResult:
    out_dir: Path
    entries: list[Entry] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    zip_path: Path | None = None
    fingerprint: str = ""
    interrupted: bool = False
    skipped: int = 0  # documents already up to date from an earlier run
    notices: list = field(default_factory=list)  # results.Notice lines: the inputs (blank or partly filled
    #                                              files), the metadata (missing mã định danh, page counts)
    register_path: Path | None = None  # the sổ đăng ký văn bản đi of the batch
    print_path: Path | None = None  # every PDF of the batch in one file (--print-pdf)
    pdf_kind: str | None = None  # what kind of PDF was made, when PDFs were

    @property
    def exit_code(self) -> int:
        if any(f.bad_input for f in self.failures):
            return ExitCode.BAD_INPUT
        return ExitCode.FAILED if self.failures else ExitCode.OK


# ---------------------------------------------------------------- what a batch makes

class BatchJob(ABC):
    """What a batch writes for each unit. Jobs are frozen dataclasses: they travel to the worker processes
    (pickled) and what they hold goes into the inputs' fingerprint."""

    check: bool  # every document through `vanban check` before it is written
    force: bool  # overwrite files that a person has edited since vanban wrote them
    electronic: bool  # for the e-office: số and ngày left to it, the signature areas reserved

    @abstractmethod
    def document(self, context: CascadeContext, unit_id: str) -> Document:
        """The unit's document."""

    @abstractmethod
    def file_name(self, context: CascadeContext, unit_id: str) -> str:
        """Where the unit's document goes, relative to the output folder."""

    @abstractmethod
    def zip_suffix(self) -> str:
        """The end of the zip's name: ``<plan>-<suffix>.zip``."""

    @abstractmethod
    def fingerprint_data(self) -> list:
        """What of the job the documents depend on (JSON), for :func:`fingerprint`."""

    @abstractmethod
    def register_heading(self, context: CascadeContext) -> str:
        """The line under the title of the batch's register: what these documents are."""

    def numbered(self, context: CascadeContext, unit_id: str) -> Document | None:
        """The unit's document when it will carry a số (for the duplicate check, made before anything is
        written), None when it is a draft. By default the document itself; a job that knows cheaply that its
        documents are drafts says so."""
        return self.document(context, unit_id)

    def number_source(self, unit_id: str) -> Location | None:
        """Where the unit's số comes from, to point a duplicate at (None: the registry)."""
        return None


@dataclass(frozen=True)
class SubplanJob(BatchJob):
    """Each unit's sub-plan (kế hoạch cụ thể hóa) of the plan."""

    check: bool = True
    force: bool = False
    electronic: bool = False

    def document(self, context: CascadeContext, unit_id: str) -> Document:
        return subplan(unit_id, context)

    def numbered(self, context: CascadeContext, unit_id: str) -> Document | None:
        return None  # a sub-plan is always a draft: its số is the unit's văn thư's to give

    def register_heading(self, context: CascadeContext) -> str:
        parent = context.parent
        issuer = context.registry.unit(parent.issuer)
        return (f"Kế hoạch cụ thể hóa {type_name(parent)} {inline.plain(parent.title)[:1].lower()}"
                f"{inline.plain(parent.title)[1:]} của {issuer.name}")

    def file_name(self, context: CascadeContext, unit_id: str) -> str:
        return f"{unit_id}/{context.loaded.slug}.docx"

    def zip_suffix(self) -> str:
        return "cascade"

    def fingerprint_data(self) -> list:
        return ["subplan", None, self.check, {}, self.electronic]


@dataclass(frozen=True)
class UnitReportJob(BatchJob):
    """Each unit's report for the period ``period`` (an id of the plan's periods), filled from its
    ``results`` where it has some, else a blank form."""

    period: str
    results: Mapping[str, Results] = field(default_factory=dict)
    check: bool = True
    force: bool = False
    electronic: bool = False
    sources: Mapping[str, str] = field(default_factory=dict)  # unit → its results file (where its số is written)

    def document(self, context: CascadeContext, unit_id: str) -> Document:
        return unit_report(context, unit_id, period_of(context, self.period), self.results.get(unit_id))

    def numbered(self, context: CascadeContext, unit_id: str) -> Document | None:
        results = self.results.get(unit_id)
        if results is None or results.report.number is None:
            return None  # a blank form, or a report whose số is still to be given
        return self.document(context, unit_id)

    def number_source(self, unit_id: str) -> Location | None:
        return Location(self.sources[unit_id]) if unit_id in self.sources else None

    def register_heading(self, context: CascadeContext) -> str:
        parent = context.parent
        issuer = context.registry.unit(parent.issuer)
        return (f"Báo cáo {period_of(context, self.period).name} kết quả thực hiện {type_name(parent)} "
                f"{inline.plain(parent.title)[:1].lower()}{inline.plain(parent.title)[1:]} của {issuer.name}")

    def file_name(self, context: CascadeContext, unit_id: str) -> str:
        return f"{unit_id}/bao-cao-{self.period}-{context.loaded.slug}.docx"

    def zip_suffix(self) -> str:
        return f"bao-cao-{self.period}"

    def fingerprint_data(self) -> list:
        return ["report", self.period, self.check,
                {u: r.model_dump(mode="json") for u, r in sorted(self.results.items())}, self.electronic]


# ---------------------------------------------------------------- one unit (runs in a worker)

JOURNAL = "manifest.partial.jsonl"

_context: CascadeContext | None = None


def _init_worker(plan_path: str) -> None:
    global _context
    # a forked worker inherits the command's SIGTERM handler (stop like Ctrl-C, say what was done); the pool
    # terminates its workers when one of them dies, and they must then just end, not print a traceback
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _context = load_context(load_plan(Path(plan_path)))


APPENDIX_SUFFIX = "-phu-luc"


def appendix_name(docx_file: str) -> str:
    """``so-tu-phap/ke-hoach.docx`` → ``so-tu-phap/ke-hoach-phu-luc.docx``: where an electronic document's Phụ lục
    goes, a file of its own."""
    path = Path(docx_file)
    return str(path.with_name(path.stem + APPENDIX_SUFFIX + path.suffix))


@dataclass(frozen=True)
class Made:
    """A unit's document made in memory: the document and, in electronic mode, its Phụ lục file's bytes."""

    produced: Produced
    appendix: bytes | None = None


def _problems(report: DocumentReport) -> str:
    """Each problem as the text report says it: what is wrong and the text it is about."""
    return "; ".join(f"[{r.rule.id}] {r.outcome.violations[0].finding if r.outcome.violations else ''}"
                     for r in report.errors)


def _make(unit_id: str, job: BatchJob, context: CascadeContext) -> Made | Failure:
    """The unit's document (and its Phụ lục file, in electronic mode) rendered and, if the job says so, checked,
    in memory."""
    name = job.file_name(context, unit_id)
    produced = produce(job.document(context, unit_id), context.registry, name=name, check=job.check,
                       electronic=job.electronic)
    if not produced.passed:
        return Failure(unit_id, f"văn bản không đạt thể thức: {_problems(produced.report)}", bad_input=False)
    made = produce_appendix(produced.document, context.registry, name=appendix_name(name),
                            check=job.check) if job.electronic else None
    appendix, report = made if made is not None else (None, None)
    if report is not None and not report.ok:
        return Failure(unit_id, f"phụ lục (tệp riêng {appendix_name(name)}) không đạt thể thức: "
                                f"{_problems(report)}", bad_input=False)
    return Made(produced, appendix)


def _entry(unit_id: str, relative: str, made: Made, context: CascadeContext, checked: bool) -> Entry:
    produced = made.produced
    document, shown = produced.document, produced.shown
    unit = context.registry.unit(unit_id)
    appendix = appendix_name(relative) if made.appendix is not None else None
    record = records.record_of(produced, context.registry, relative, electronic=produced.electronic,
                               appendix_file=appendix or "")
    return Entry(
        unit=unit_id,
        unit_name=unit.name,
        file=relative,
        type=document.type,
        ky_hieu=ky_hieu(document.type, unit.code),
        so_ky_hieu=so_ky_hieu(None if produced.electronic else document.number, ky_hieu(document.type, unit.code)),
        trich_yeu=inline.plain(document.title),
        noi_nhan=shown["noi_nhan"],
        signer=[*shown["chu_ky"]["quyen_han"], shown["chu_ky"]["ho_ten"]],
        sha256=hashlib.sha256(produced.data).hexdigest(),
        check="đạt" if checked else "không kiểm tra",
        date=short_date(record.date) if record.date else "",
        organ_id=record.organ_id,
        pages=record.page_amount,
        metadata=records.sidecar_name(relative),
        record=record.to_json(),
        appendix=appendix,
        appendix_sha256=hashlib.sha256(made.appendix).hexdigest() if made.appendix is not None else None,
    )


def _write(unit_id: str, made: Made | Failure, out_dir: Path, job: BatchJob, stamp: str,
           context: CascadeContext) -> Entry | Failure:
    """Write a made document; its journal line goes to disk first, then its Phụ lục file (if any) and the
    document are renamed into place. Neither is replaced when a person has edited it (unless ``force``)."""
    if isinstance(made, Failure):
        return made
    relative = job.file_name(context, unit_id)
    entry = _entry(unit_id, relative, made, context, job.check)
    record = json.dumps({"fingerprint": stamp, "entry": asdict(entry)}, ensure_ascii=False)

    # a run on paper into a folder an electronic run wrote: the Phụ lục is back inside the document, and its
    # file of its own (and that file's PDF) would be sent or filed by mistake
    stale = out_dir / appendix_name(relative) if entry.appendix is None else None

    def before_write(_) -> None:  # after the guard on the document, before it is renamed into place
        if entry.appendix is not None:
            keep_edited(out_dir / entry.appendix, job.force, shown=entry.appendix)
        if stale is not None and stale.exists():
            keep_edited(stale, job.force, shown=appendix_name(relative))
        append_line(out_dir / JOURNAL, record)
        if entry.appendix is not None:
            write_atomic(out_dir / entry.appendix, made.appendix, durable=False)
        if stale is not None:
            for old in (stale, stale.with_suffix(".pdf")):
                old.unlink(missing_ok=True)

    deliver(made.produced, out_dir / relative, name=relative, force=job.force, durable=False,  # synced once at the end
            before_write=before_write)
    return entry


def _failure(unit_id: str, error: BaseException) -> Failure:
    if isinstance(error, VanbanError):
        return Failure(unit_id, str(error), bad_input=isinstance(error, (InputError, TemplateError)))
    return Failure(unit_id, f"lỗi không lường trước: {error!r}", bad_input=False)


def render_unit(unit_id: str, out_dir: str, job: BatchJob, stamp: str,
                context: CascadeContext | None = None) -> Entry | Failure:
    """Make, check and write one unit's document; problems become a :class:`Failure` so that one unit
    cannot stop the batch."""
    context = context or _context
    try:
        return _write(unit_id, _make(unit_id, job, context), Path(out_dir), job, stamp, context)
    except Exception as error:  # noqa: BLE001 - one unit's crash must not stop the batch
        return _failure(unit_id, error)


# ---------------------------------------------------------------- the batch

# What files a unit's entry stands for: a journal or manifest of an earlier layout (before an electronic
# document's Phụ lục had a file of its own) is not trusted, even under the same vanban version.
FILES_OF_A_UNIT = 2


def fingerprint(loaded: LoadedPlan, context: CascadeContext, job: BatchJob) -> str:
    """What the documents depend on: when none of it changed, a document already written is up to date."""
    digest = hashlib.sha256()
    try:
        digest.update(metadata.version("vanban").encode())
    except metadata.PackageNotFoundError:
        pass
    digest.update(f"files-of-a-unit:{FILES_OF_A_UNIT}".encode())
    digest.update(json.dumps(job.fingerprint_data(), ensure_ascii=False, sort_keys=True).encode())
    files = [loaded.path, loaded.registry.path, SHIPPED, *sorted(templates_dir().glob("*.docx"))]
    if context.cascade.profiles:
        files.append(loaded.path.parent / context.cascade.profiles)
    if context.overrides and context.overrides.is_dir():
        files += sorted(context.overrides.glob("*.yaml"))
    for path in files:
        digest.update(str(Path(path).name).encode())
        digest.update(Path(path).read_bytes())
    return digest.hexdigest()


def _previous(out_dir: Path, stamp: str) -> dict[str, Entry]:
    """Entries of an earlier run with the same inputs whose files are still there, unchanged."""
    found: dict[str, dict] = {}
    manifest = out_dir / "manifest.json"
    if manifest.is_file():
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
            if data.get("fingerprint") == stamp:
                found.update({d["unit"]: d for d in data.get("documents", [])})
        except (json.JSONDecodeError, OSError, KeyError, TypeError):
            pass
    journal = out_dir / JOURNAL
    if journal.is_file():
        for line in journal.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue  # the last line of a killed run may be cut short
            if record.get("fingerprint") == stamp:
                found[record["entry"]["unit"]] = record["entry"]
    kept = {}
    for unit_id, entry in found.items():
        files = [(entry.get("file", ""), entry.get("sha256"))]
        if entry.get("appendix"):  # the Phụ lục file of its own: the unit is done only when both are there
            files.append((entry["appendix"], entry.get("appendix_sha256")))
        if all(_holds(out_dir / name, digest) for name, digest in files):
            kept[unit_id] = Entry(**{k: v for k, v in entry.items() if k in Entry.__dataclass_fields__})
    return kept


def _holds(path: Path, digest: str | None) -> bool:
    """Whether ``path`` is a file whose sha256 is ``digest``."""
    try:
        return bool(digest) and hashlib.sha256(path.read_bytes()).hexdigest() == digest
    except OSError:
        return False


def _prepare(out_dir: Path) -> None:
    """The output folder exists and takes files; half-written files of a killed run are cleared away."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        probe = tempfile.NamedTemporaryFile(dir=out_dir, prefix=".vanban-", suffix=".tmp", delete=True)
        probe.close()
    except OSError as exc:
        raise OutputError(f"không ghi được vào thư mục ({reason(exc)})", Location(out_dir)) from None
    for stale in out_dir.rglob(".*.tmp"):
        try:
            stale.unlink()
        except OSError:
            pass


def _run(units: list[str], out_dir: Path, plan_path: Path, context: CascadeContext, workers: int,
         job: BatchJob, stamp: str) -> Iterable:
    if workers <= 1 or len(units) <= 2:
        for unit_id in units:
            yield render_unit(unit_id, str(out_dir), job, stamp, context)
        return
    with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(str(plan_path),)) as pool:
        chunk = max(1, min(16, len(units) // (workers * 4)))
        count = len(units)
        yield from pool.map(render_unit, units, [str(out_dir)] * count, [job] * count, [stamp] * count,
                            chunksize=chunk)


def run_batch(plan_path: Path, out_dir: Path, job: BatchJob, *, units: list[str] | None = None,
              workers: int | None = None, make_zip: bool = False,
              progress: Callable[[int, int, Entry | Failure], None] | None = None, loaded: LoadedPlan | None = None,
              pdf: bool = False, pdf_kind: PdfKind = DEFAULT_KIND, edxml: bool = False,
              print_pdf: bool = False) -> BatchResult:
    """Write the ``job``'s document of every issuing unit (or of ``units``) under ``out_dir``, each with its
    Phụ lục VI sidecar, plus the register of outgoing documents and the manifest (and the zip; the PDFs of
    ``pdf_kind``, with an empty signature field in an electronic job; the edXML envelopes; the print file of
    every PDF in the manifest's order). ``print_pdf`` implies ``pdf``.

    Two documents of one issuing body with the same số and ký hiệu stop the batch before anything is
    written (:class:`InputErrors`, each naming both)."""
    pdf = pdf or print_pdf
    pdf_kind = check_kind(pdf_kind)
    loaded = loaded or load_plan(Path(plan_path))
    context = load_context(loaded)
    targets = issuing_units(context)
    if units:
        unknown = [u for u in units if u not in targets]
        if unknown:
            raise InputError(f"đơn vị {', '.join(unknown)} không thuộc danh sách phải xây dựng kế hoạch "
                             f"(mục cascade.issuers)", loaded.source.location(("cascade", "issuers")))
        targets = [u for u in targets if u in units]
    out_dir = Path(out_dir)
    workers = workers or os.cpu_count() or 1
    result = BatchResult(out_dir)
    stamp = fingerprint(loaded, context, job)
    result.fingerprint = stamp
    by_unit: dict[str, Entry | Failure] = {}
    for unit_id in [u for u in targets if u in context.invalid]:  # found before anything was rendered
        by_unit[unit_id] = Failure(unit_id, "; ".join(str(e) for e in context.invalid[unit_id]), bad_input=True)
    by_unit.update({u: e for u, e in _previous(out_dir, stamp).items() if u in targets and u not in by_unit})
    result.skipped = sum(isinstance(v, Entry) for v in by_unit.values())
    if not job.electronic:  # an electronic document's số is the e-office's to give: nothing to clash yet
        _refuse_duplicates(targets, context, job)
    targets_to_render = [u for u in targets if u not in by_unit]
    # The first document is made here, before the folder is touched or any worker starts: a broken template
    # stops the run with one message (instead of one per unit) and nothing written.
    first_made = [_first(u, job, context) for u in targets_to_render[:1]]
    _prepare(out_dir)
    try:
        done = len(by_unit)
        first = [_guarded(lambda: _write(u, made, out_dir, job, stamp, context), u) for u, made in first_made]
        rest = _run(targets_to_render[1:], out_dir, Path(plan_path), context, workers, job, stamp)
        for outcome in itertools.chain(first, rest):
            by_unit[outcome.unit] = outcome
            done += 1
            if progress:
                progress(done, len(targets), outcome)
    except BrokenProcessPool:
        for unit_id in targets:
            by_unit.setdefault(unit_id, Failure(unit_id, "tiến trình xử lý bị dừng đột ngột; chạy lại lệnh để làm "
                                                         "tiếp phần còn lại", bad_input=False))
    except BaseException:  # Ctrl-C, SIGTERM: say what was done, then stop
        _collect(result, targets, by_unit)
        result.interrupted = True
        write_manifest(result, loaded)
        raise
    _collect(result, targets, by_unit)
    if pdf and result.entries:
        _make_pdfs(result, job, pdf_kind, workers)
    _write_records(result, loaded, context, job, edxml=edxml, print_pdf=print_pdf)
    sync()
    write_manifest(result, loaded)
    (out_dir / JOURNAL).unlink(missing_ok=True)  # the manifest now says it all
    if make_zip:
        result.zip_path = write_zip(result, loaded, job)
    return result


def _refuse_duplicates(targets: list[str], context: CascadeContext, job: BatchJob) -> None:
    """Stop the batch, before anything is written, when two of its documents of one body share a số and ký
    hiệu (Phụ lục VI, Phần I, III.1.h). A unit whose document cannot be made is left to fail on its own."""
    found = []
    for unit_id in targets:
        if unit_id in context.invalid:
            continue
        try:
            document = job.numbered(context, unit_id)
        except VanbanError:
            continue  # reported as that unit's failure when the batch makes it
        if document is not None:
            found.append(records.numbered(document, context.registry, job.file_name(context, unit_id),
                                          job.number_source(unit_id)))
    errors = records.duplicates(f for f in found if f is not None)
    if errors:
        raise InputErrors(errors)


def _make_pdfs(result: BatchResult, job: BatchJob, kind: PdfKind, workers: int) -> None:
    """The PDF of every document and of every Phụ lục file of its own (an empty signature field above the
    signer's name on a document of an electronic job, none on a Phụ lục; a PDF/A-3b also carries the document's
    metadata file), in one LibreOffice run, and each record's page count from them: the document's pages and
    its Phụ lục's, as when the Phụ lục is in the document."""
    out_dir = result.out_dir
    docx = [out_dir / e.file for e in result.entries]
    appendices = [out_dir / e.appendix for e in result.entries if e.appendix]
    sidecars = {}
    for path, entry in zip(docx, result.entries):
        # written before the PDF so that a PDF/A-3b carries it; its page count is filled in after (below)
        _refresh(out_dir / entry.metadata, records.metadata_xml(Record.from_json(entry.record)))
        sidecars[path] = [out_dir / entry.metadata]
    signers = {path: Record.from_json(e.record).full_name for path, e in zip(docx, result.entries)
               if e.record.get("full_name")}
    converted = convert_many(docx + appendices, workers=workers, kind=kind,
                             attachments=sidecars if kind == "pdfa-3b" else None,
                             signature_field=docx if job.electronic else False, signers=signers or None)
    result.pdf_kind = kind
    by_docx = {item.docx: item for item in converted}
    for index, entry in enumerate(result.entries):
        item = by_docx[out_dir / entry.file]
        if item.pdf is None:
            result.failures.append(Failure(entry.unit, f"không tạo được PDF: {item.error}", bad_input=False))
            continue
        pages = records.pdf_pages(item.pdf)
        appendix_pdf = None
        if entry.appendix:
            attached = by_docx[out_dir / entry.appendix]
            if attached.pdf is None:
                result.failures.append(Failure(entry.unit, f"không tạo được PDF của phụ lục: {attached.error}",
                                               bad_input=False))
                continue
            appendix_pdf = str(attached.pdf.relative_to(out_dir))
            extra = records.pdf_pages(attached.pdf)
            pages = None if pages is None or extra is None else pages + extra
        record = Record.from_json(entry.record).with_pages(pages)
        result.entries[index] = replace(entry, pdf=str(item.pdf.relative_to(out_dir)), appendix_pdf=appendix_pdf,
                                        pages=pages, record=record.to_json())


def _refresh(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` atomically unless the file already holds exactly that (a resumed batch
    rewrites nothing that is right); whether it wrote."""
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    write_atomic(path, data, durable=False)  # synced once with the manifest
    return True


def _write_records(result: BatchResult, loaded: LoadedPlan, context: CascadeContext, job: BatchJob, *,
                   edxml: bool, print_pdf: bool) -> None:
    """Beside each document its Phụ lục VI sidecar (and edXML envelope); the batch's register and print file;
    one notice per thing a person should know (units without mã định danh, pages not counted, cut fields)."""
    out_dir = result.out_dir
    batch_records = []
    gaps: dict[str, int] = {}
    for index, entry in enumerate(result.entries):
        record = Record.from_json(entry.record)
        batch_records.append(record)
        _refresh(out_dir / entry.metadata, records.metadata_xml(record))
        for rule, length in records.too_long(record):
            result.notices.append(Notice(f"{rule.label.lower()} dài {length} ký tự, quá {rule.length} ký tự của dữ "
                                         f"liệu đặc tả (Phụ lục VI Nghị định 30/2020/NĐ-CP): phần thừa được cắt "
                                         f"trong tệp dữ liệu đặc tả và gói tin edXML", Location(entry.file)))
        if edxml:
            attachments = [edxml_.Attachment(Path(name).name, (out_dir / name).read_bytes(), description)
                           for name, description in ((entry.file, "Văn bản"), (entry.pdf, "Bản PDF của văn bản"),
                                                     (entry.appendix, "Phụ lục của văn bản (tệp riêng)"),
                                                     (entry.appendix_pdf, "Bản PDF của phụ lục"))
                           if name]
            name = edxml_.envelope_name(entry.file)
            _refresh(out_dir / name, edxml_.envelope(record, attachments))
            result.entries[index] = replace(entry, edxml=name)
            for gap in edxml_.missing(record):
                gaps[gap] = gaps.get(gap, 0) + 1
    issuers = {e.unit for e in result.entries} | {f.unit for f in result.failures}
    without = sorted(u for u in issuers if u in context.registry.units and not context.registry.unit(u).organ_id)
    if without:
        result.notices.append(Notice(
            f"{len(without)}/{len(issuers)} đơn vị chưa có mã định danh điện tử trong sổ đơn vị: mã cơ quan trong "
            "dữ liệu đặc tả" + (" và gói tin edXML" if edxml else "") + " để trống (ghi mã vào trường organ_id "
            "của đơn vị khi có mã được công bố)", Location(context.registry.path), warning=False))
    unpaged = sum(1 for r in batch_records if r.page_amount is None)
    if unpaged:
        result.notices.append(Notice(
            f"số trang của {unpaged} văn bản để trống trong dữ liệu đặc tả vì "
            + ("không tạo được PDF" if result.pdf_kind else "không tạo PDF (thêm --pdf để ghi số trang)"),
            warning=False))
    if gaps:
        result.notices.append(Notice(
            "gói tin edXML còn để trống " + "; ".join(f"{gap} ({count} văn bản)" for gap, count in gaps.items())
            + ": hệ thống quản lý văn bản điền trước khi gửi", warning=False))
    register = out_dir / records.rules().register_file
    if not job.force and edited_since_written(register):
        result.notices.append(Notice(f"{EDITED} ({KEPT_HINT})", Location(register)))
    else:
        _refresh(register, records.register_workbook(batch_records, heading=job.register_heading(context)))
    result.register_path = register
    if print_pdf:  # each document followed by its Phụ lục
        pdfs = [out_dir / name for e in result.entries for name in (e.pdf, e.appendix_pdf) if name]
        if pdfs:
            result.print_path = merge_for_print(pdfs, out_dir / f"{loaded.slug}-ban-in.pdf")


def _first(unit_id: str, job: BatchJob, context: CascadeContext) -> tuple[str, Made | Failure]:
    """The first unit's document, made in memory; a broken template raises (it would break every unit)."""
    try:
        return unit_id, _make(unit_id, job, context)
    except TemplateError:
        raise
    except Exception as error:  # noqa: BLE001 - one unit's crash must not stop the batch
        return unit_id, _failure(unit_id, error)


def _guarded(write: Callable[[], Entry | Failure], unit_id: str) -> Entry | Failure:
    try:
        return write()
    except Exception as error:  # noqa: BLE001 - one unit's crash must not stop the batch
        return _failure(unit_id, error)


def _collect(result: BatchResult, targets: list[str], by_unit: dict) -> None:
    result.entries, result.failures = [], []
    for unit_id in targets:  # registry order, whatever order the workers finished in
        outcome = by_unit.get(unit_id)
        if outcome is not None:
            (result.entries if isinstance(outcome, Entry) else result.failures).append(outcome)


MANIFEST_COLUMNS = ["unit", "unit_name", "organ_id", "file", "type", "ky_hieu", "so_ky_hieu", "date", "trich_yeu",
                    "noi_nhan", "signer", "pages", "sha256", "check", "pdf", "metadata", "edxml", "appendix",
                    "appendix_pdf"]
# manifest.csv is opened in Excel by a văn thư: its headings are Vietnamese (manifest.json keeps the keys above,
# and each document's whole Phụ lục VI record under "record")
MANIFEST_HEADINGS = {"unit": "Mã đơn vị", "unit_name": "Tên đơn vị", "organ_id": "Mã định danh cơ quan",
                     "file": "Tệp", "type": "Loại văn bản", "ky_hieu": "Ký hiệu", "so_ky_hieu": "Số, ký hiệu",
                     "date": "Ngày tháng văn bản", "trich_yeu": "Trích yếu", "noi_nhan": "Nơi nhận",
                     "signer": "Người ký", "pages": "Số trang", "sha256": "Mã SHA-256", "check": "Kiểm tra thể thức",
                     "pdf": "Tệp PDF", "metadata": "Tệp dữ liệu đặc tả", "edxml": "Tệp edXML",
                     "appendix": "Tệp phụ lục", "appendix_pdf": "Tệp PDF phụ lục"}


def write_manifest(result: BatchResult, loaded: LoadedPlan) -> None:
    parent = loaded.plan.document
    manifest = {
        "plan": loaded.slug,
        "fingerprint": result.fingerprint,
        "interrupted": result.interrupted,
        "parent": {"issuer": parent.issuer, "type": parent.type, "title": inline.plain(parent.title)},
        "documents": [asdict(e) for e in result.entries],
        "failures": [asdict(f) for f in result.failures],
        "register": result.register_path.name if result.register_path else None,
        "print": result.print_path.name if result.print_path else None,
        "pdf_kind": result.pdf_kind,
    }
    write_atomic(result.out_dir / "manifest.json",
                 (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([MANIFEST_HEADINGS[c] for c in MANIFEST_COLUMNS])
    for entry in result.entries:
        row = asdict(entry)
        row["noi_nhan"] = " | ".join(row["noi_nhan"])
        row["signer"] = " | ".join(line for line in row["signer"] if line)
        writer.writerow(["" if row[c] is None else row[c] for c in MANIFEST_COLUMNS])
    # UTF-8 with BOM so that Excel opens the Vietnamese text correctly
    write_atomic(result.out_dir / "manifest.csv", ("\ufeff" + buffer.getvalue()).encode("utf-8"))


def write_zip(result: BatchResult, loaded: LoadedPlan, job: BatchJob) -> Path:
    """Every file of the batch: documents, PDFs, sidecars, envelopes, the register, the print file, the
    manifest."""
    names = [name for e in result.entries for name in e.files()]
    names += [p.name for p in (result.register_path, result.print_path) if p] + ["manifest.json", "manifest.csv"]
    parts = [(name, (result.out_dir / name).read_bytes()) for name in sorted(names)]
    return write_atomic(result.out_dir / f"{loaded.slug}-{job.zip_suffix()}.zip", write_package(parts))
