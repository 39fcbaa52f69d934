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
"""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import json
import os
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field, replace
from importlib import metadata
from pathlib import Path

from . import inline
from .cascade.profiles import SHIPPED
from .cascade.subplan import CascadeContext, issuing_units, load_context, subplan
from .errors import ExitCode, InputError, Location, OutputError, TemplateError, VanbanError
from .loading import LoadedPlan, load_plan
from .model import Document
from .ooxml.package import write_package
from .output import append_line, reason, sync, write_atomic
from .pdf import convert_many
from .produce import Produced, deliver, produce
from .render import templates_dir
from .reports import period_of, unit_report
from .results import Results
from .vietnamese import ky_hieu, so_ky_hieu


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
    notices: list = field(default_factory=list)  # results.Notice lines about the inputs (blank or partly filled files)

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


@dataclass(frozen=True)
class SubplanJob(BatchJob):
    """Each unit's sub-plan (kế hoạch cụ thể hóa) of the plan."""

    check: bool = True
    force: bool = False

    def document(self, context: CascadeContext, unit_id: str) -> Document:
        return subplan(unit_id, context)

    def file_name(self, context: CascadeContext, unit_id: str) -> str:
        return f"{unit_id}/{context.loaded.slug}.docx"

    def zip_suffix(self) -> str:
        return "cascade"

    def fingerprint_data(self) -> list:
        return ["subplan", None, self.check, {}]


@dataclass(frozen=True)
class UnitReportJob(BatchJob):
    """Each unit's report for the period ``period`` (an id of the plan's periods), filled from its
    ``results`` where it has some, else a blank form."""

    period: str
    results: Mapping[str, Results] = field(default_factory=dict)
    check: bool = True
    force: bool = False

    def document(self, context: CascadeContext, unit_id: str) -> Document:
        return unit_report(context, unit_id, period_of(context, self.period), self.results.get(unit_id))

    def file_name(self, context: CascadeContext, unit_id: str) -> str:
        return f"{unit_id}/bao-cao-{self.period}-{context.loaded.slug}.docx"

    def zip_suffix(self) -> str:
        return f"bao-cao-{self.period}"

    def fingerprint_data(self) -> list:
        return ["report", self.period, self.check,
                {u: r.model_dump(mode="json") for u, r in sorted(self.results.items())}]


# ---------------------------------------------------------------- one unit (runs in a worker)

JOURNAL = "manifest.partial.jsonl"

_context: CascadeContext | None = None


def _init_worker(plan_path: str) -> None:
    global _context
    _context = load_context(load_plan(Path(plan_path)))


def _make(unit_id: str, job: BatchJob, context: CascadeContext) -> Produced | Failure:
    """The unit's document rendered and (if the job says so) checked, in memory."""
    produced = produce(job.document(context, unit_id), context.registry, name=job.file_name(context, unit_id),
                       check=job.check)
    if not produced.passed:
        # each problem as the text report says it: what is wrong and the text it is about
        problems = "; ".join(f"[{r.rule.id}] {r.outcome.violations[0].finding if r.outcome.violations else ''}"
                             for r in produced.report.errors)
        return Failure(unit_id, f"văn bản không đạt thể thức: {problems}", bad_input=False)
    return produced


def _entry(unit_id: str, relative: str, produced: Produced, context: CascadeContext, checked: bool) -> Entry:
    document, shown = produced.document, produced.shown
    unit = context.registry.unit(unit_id)
    return Entry(
        unit=unit_id,
        unit_name=unit.name,
        file=relative,
        type=document.type,
        ky_hieu=ky_hieu(document.type, unit.code),
        so_ky_hieu=so_ky_hieu(document.number, ky_hieu(document.type, unit.code)),
        trich_yeu=inline.plain(document.title),
        noi_nhan=shown["noi_nhan"],
        signer=[*shown["chu_ky"]["quyen_han"], shown["chu_ky"]["ho_ten"]],
        sha256=hashlib.sha256(produced.data).hexdigest(),
        check="đạt" if checked else "không kiểm tra",
    )


def _write(unit_id: str, made: Produced | Failure, out_dir: Path, job: BatchJob, stamp: str,
           context: CascadeContext) -> Entry | Failure:
    """Write a made document; its journal line goes to disk first, then the file is renamed into place."""
    if isinstance(made, Failure):
        return made
    relative = job.file_name(context, unit_id)
    entry = _entry(unit_id, relative, made, context, job.check)
    record = json.dumps({"fingerprint": stamp, "entry": asdict(entry)}, ensure_ascii=False)
    deliver(made, out_dir / relative, name=relative, force=job.force, durable=False,  # synced once before the manifest
            before_write=lambda _: append_line(out_dir / JOURNAL, record))
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

def fingerprint(loaded: LoadedPlan, context: CascadeContext, job: BatchJob) -> str:
    """What the documents depend on: when none of it changed, a document already written is up to date."""
    digest = hashlib.sha256()
    try:
        digest.update(metadata.version("vanban").encode())
    except metadata.PackageNotFoundError:
        pass
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
        path = out_dir / entry.get("file", "")
        if path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() == entry.get("sha256"):
            kept[unit_id] = Entry(**{k: v for k, v in entry.items() if k in Entry.__dataclass_fields__})
    return kept


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
              pdf: bool = False) -> BatchResult:
    """Write the ``job``'s document of every issuing unit (or of ``units``) under ``out_dir``, plus the
    manifest (and the zip, the PDFs)."""
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
        converted = convert_many([out_dir / e.file for e in result.entries], workers=workers)
        for index, (entry, item) in enumerate(zip(result.entries, converted)):
            if item.pdf is None:
                result.failures.append(Failure(entry.unit, f"không tạo được PDF: {item.error}", bad_input=False))
            else:
                result.entries[index] = replace(entry, pdf=str(item.pdf.relative_to(out_dir)))
    sync()
    write_manifest(result, loaded)
    (out_dir / JOURNAL).unlink(missing_ok=True)  # the manifest now says it all
    if make_zip:
        result.zip_path = write_zip(result, loaded, job)
    return result


def _first(unit_id: str, job: BatchJob, context: CascadeContext) -> tuple[str, Produced | Failure]:
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


MANIFEST_COLUMNS = ["unit", "unit_name", "file", "type", "ky_hieu", "so_ky_hieu", "trich_yeu", "noi_nhan",
                    "signer", "sha256", "check", "pdf"]
# manifest.csv is opened in Excel by a văn thư: its headings are Vietnamese (manifest.json keeps the keys above)
MANIFEST_HEADINGS = {"unit": "Mã đơn vị", "unit_name": "Tên đơn vị", "file": "Tệp", "type": "Loại văn bản",
                     "ky_hieu": "Ký hiệu", "so_ky_hieu": "Số, ký hiệu", "trich_yeu": "Trích yếu", "noi_nhan": "Nơi nhận",
                     "signer": "Người ký", "sha256": "Mã SHA-256", "check": "Kiểm tra thể thức", "pdf": "Tệp PDF"}


def write_manifest(result: BatchResult, loaded: LoadedPlan) -> None:
    parent = loaded.plan.document
    manifest = {
        "plan": loaded.slug,
        "fingerprint": result.fingerprint,
        "interrupted": result.interrupted,
        "parent": {"issuer": parent.issuer, "type": parent.type, "title": inline.plain(parent.title)},
        "documents": [asdict(e) for e in result.entries],
        "failures": [asdict(f) for f in result.failures],
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
        writer.writerow([row[c] for c in MANIFEST_COLUMNS])
    # UTF-8 with BOM so that Excel opens the Vietnamese text correctly
    write_atomic(result.out_dir / "manifest.csv", ("\ufeff" + buffer.getvalue()).encode("utf-8"))


def write_zip(result: BatchResult, loaded: LoadedPlan, job: BatchJob) -> Path:
    names = [e.file for e in result.entries] + ["manifest.json", "manifest.csv"]
    parts = [(name, (result.out_dir / name).read_bytes()) for name in sorted(names)]
    return write_atomic(result.out_dir / f"{loaded.slug}-{job.zip_suffix()}.zip", write_package(parts))
