"""Render every unit's sub-plan: in parallel, atomically, deterministically, with a manifest.

Each worker process loads the plan, registry and profiles once, then renders the units it is given. A
unit that fails (bad override, a document that does not pass `vanban check`) is reported with its
reason and does not stop the others.
"""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import json
import os
import tempfile
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from .. import derive, inline, render
from ..check import check_docx
from ..errors import InputError, Location, OutputError, TemplateError, VanbanError
from ..loading import LoadedPlan, load_plan
from ..model import Document
from ..results import Results
from ..ooxml.package import write_package
from ..output import keep_edited, reason, sync, write_atomic
from ..vietnamese import ky_hieu, so_ky_hieu
from .subplan import CascadeContext, issuing_units, load_context, subplan


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
class CascadeResult:
    out_dir: Path
    entries: list[Entry] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    zip_path: Path | None = None
    fingerprint: str = ""
    interrupted: bool = False
    skipped: int = 0  # documents already up to date from an earlier run

    @property
    def exit_code(self) -> int:
        if any(f.bad_input for f in self.failures):
            return 2
        return 1 if self.failures else 0


# ---------------------------------------------------------------- one unit (runs in a worker)

@dataclass(frozen=True)
class Job:
    """What to write for each unit: its sub-plan, or its report for a period (with its results, if any)."""

    kind: str = "subplan"  # subplan | report
    period: str | None = None
    results: dict[str, Results] = field(default_factory=dict)
    check: bool = True  # every document through `vanban check` before it is written
    force: bool = False  # overwrite files that a person has edited since vanban wrote them

    def document(self, unit_id: str, context: CascadeContext) -> Document:
        if self.kind == "report":
            from ..reports import period_of, unit_report

            return unit_report(context, unit_id, period_of(context, self.period), self.results.get(unit_id))
        return subplan(unit_id, context)

    def file_name(self, context: CascadeContext, unit_id: str) -> str:
        if self.kind == "report":
            return f"{unit_id}/bao-cao-{self.period}-{context.loaded.slug}.docx"
        return f"{unit_id}/{context.loaded.slug}.docx"


_context: CascadeContext | None = None


def _init_worker(plan_path: str) -> None:
    global _context
    _context = load_context(load_plan(Path(plan_path)))


def render_unit(unit_id: str, out_dir: str, job: Job = Job(), context: CascadeContext | None = None,
                template_errors_raise: bool = False) -> Entry | Failure:
    """Render, check and write one unit's document; problems become a :class:`Failure` so that one unit
    cannot stop the batch — except a broken template when ``template_errors_raise``."""
    context = context or _context
    try:
        document = job.document(unit_id, context)
        registry = context.registry
        unit = registry.unit(unit_id)
        shown = derive.document_context(document, registry)
        data = render.render_docx(render.template_for(document), shown, title=derive.document_title(document))
        relative = job.file_name(context, unit_id)
        if job.check:
            report = check_docx(data, relative)
            if not report.ok:
                problems = "; ".join(f"[{r.rule.id}] {r.outcome.violations[0].detail if r.outcome.violations else ''}"
                                     for r in report.errors)
                return Failure(unit_id, f"văn bản không đạt thể thức: {problems}", bad_input=False)
        target = Path(out_dir) / relative
        keep_edited(target, job.force, shown=relative)
        write_atomic(target, data, durable=False)  # synced once before the manifest
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
            sha256=hashlib.sha256(data).hexdigest(),
            check="đạt" if job.check else "không kiểm tra",
        )
    except VanbanError as error:
        if template_errors_raise and isinstance(error, TemplateError):
            raise
        return Failure(unit_id, str(error), bad_input=isinstance(error, (InputError, TemplateError)))
    except Exception as error:  # noqa: BLE001 - one unit's crash must not stop the batch
        return Failure(unit_id, f"lỗi không lường trước: {error!r}", bad_input=False)


# ---------------------------------------------------------------- the batch

JOURNAL = "manifest.partial.jsonl"


def fingerprint(loaded: LoadedPlan, context: CascadeContext, job: Job) -> str:
    """What the documents depend on: when none of it changed, a document already written is up to date."""
    from importlib import metadata

    from ..cascade.profiles import SHIPPED
    from ..render import templates_dir

    digest = hashlib.sha256()
    try:
        digest.update(metadata.version("vanban").encode())
    except metadata.PackageNotFoundError:
        pass
    digest.update(json.dumps([job.kind, job.period, job.check,
                              {u: r.model_dump(mode="json") for u, r in sorted(job.results.items())}],
                             ensure_ascii=False, sort_keys=True).encode())
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
         job: Job) -> Iterable:
    if workers <= 1 or len(units) <= 2:
        for unit_id in units:
            yield render_unit(unit_id, str(out_dir), job, context)
        return
    with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(str(plan_path),)) as pool:
        chunk = max(1, min(16, len(units) // (workers * 4)))
        yield from pool.map(render_unit, units, [str(out_dir)] * len(units), [job] * len(units), chunksize=chunk)


def run_cascade(plan_path: Path, out_dir: Path, *, units: list[str] | None = None, workers: int | None = None,
                make_zip: bool = False, progress: Callable[[int, int, Entry | Failure], None] | None = None,
                loaded: LoadedPlan | None = None, job: Job = Job(), pdf: bool = False) -> CascadeResult:
    """Write the sub-plan (or the ``job``'s document) of every issuing unit (or of ``units``) under
    ``out_dir``, plus the manifest."""
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
    result = CascadeResult(out_dir)
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
    first = [render_unit(u, str(out_dir), job, context, template_errors_raise=True) for u in targets_to_render[:1]]
    _prepare(out_dir)
    journal = open(out_dir / JOURNAL, "a", encoding="utf-8")
    try:
        done = len(by_unit)
        rest = _run(targets_to_render[1:], out_dir, Path(plan_path), context, workers, job)
        for outcome in itertools.chain(first, rest):
            by_unit[outcome.unit] = outcome
            done += 1
            if isinstance(outcome, Entry):  # what is done survives a killed run: the next one resumes from it
                journal.write(json.dumps({"fingerprint": stamp, "entry": asdict(outcome)}, ensure_ascii=False) + "\n")
                journal.flush()
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
    finally:
        journal.close()
    _collect(result, targets, by_unit)
    if pdf and result.entries:
        from ..pdf import convert_many

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


def _collect(result: CascadeResult, targets: list[str], by_unit: dict) -> None:
    result.entries, result.failures = [], []
    for unit_id in targets:  # registry order, whatever order the workers finished in
        outcome = by_unit.get(unit_id)
        if outcome is not None:
            (result.entries if isinstance(outcome, Entry) else result.failures).append(outcome)


MANIFEST_COLUMNS = ["unit", "unit_name", "file", "type", "ky_hieu", "so_ky_hieu", "trich_yeu", "noi_nhan",
                    "signer", "sha256", "check", "pdf"]


def write_manifest(result: CascadeResult, loaded: LoadedPlan) -> None:
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
    writer.writerow(MANIFEST_COLUMNS)
    for entry in result.entries:
        row = asdict(entry)
        row["noi_nhan"] = " | ".join(row["noi_nhan"])
        row["signer"] = " | ".join(line for line in row["signer"] if line)
        writer.writerow([row[c] for c in MANIFEST_COLUMNS])
    # UTF-8 with BOM so that Excel opens the Vietnamese text correctly
    write_atomic(result.out_dir / "manifest.csv", ("\ufeff" + buffer.getvalue()).encode("utf-8"))


def write_zip(result: CascadeResult, loaded: LoadedPlan, job: Job) -> Path:
    names = [e.file for e in result.entries] + ["manifest.json", "manifest.csv"]
    parts = [(name, (result.out_dir / name).read_bytes()) for name in sorted(names)]
    suffix = "cascade" if job.kind == "subplan" else f"bao-cao-{job.period}"
    return write_atomic(result.out_dir / f"{loaded.slug}-{suffix}.zip", write_package(parts))
