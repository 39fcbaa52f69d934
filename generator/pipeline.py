"""The public pipeline: load → validate → produce (derive → render → check → write). The CLI and web app
call these."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import inline
from .batch import BatchResult, SubplanJob, UnitReportJob, run_batch
from .cascade.subplan import issuing_units, load_context, subplan
from .check import DocumentReport, check_docx
from .check.fixes import fix_document
from .errors import ConversionError, InputError
from .loading import load_plan
from .model import Document
from .output import write_atomic
from .pdf import convert_many, convert_to_pdf
from .produce import produce
from .reports import consolidated_report, content_items, period_of, unit_report
from .results.files import load_results
from .results.workbook import build_workbook
from .validation import validate_fields


@dataclass(frozen=True)
class Rendered:
    docx: Path
    report: DocumentReport
    pdf: Path | None = None


def render_plan(plan_path: Path, out_dir: Path, *, pdf: bool = False, force: bool = False) -> Rendered:
    """Render the plan at ``plan_path`` as ``out_dir/<slug>.docx`` (and .pdf)."""
    loaded = load_plan(plan_path)  # load + validate
    target = Path(out_dir) / f"{loaded.slug}.docx"
    produced = produce(loaded.plan.document, loaded.registry, target=target, force=force)  # derive → … → write
    pdf_path = convert_to_pdf([target], Path(out_dir))[0] if pdf else None
    return Rendered(target, produced.report, pdf_path)


def check_files(paths: list[Path]) -> list[DocumentReport]:
    """Check each .docx against the ND30 rule catalogue."""
    return [check_docx(Path(path)) for path in paths]


@dataclass(frozen=True)
class Fixed:
    target: Path
    changes: list[str]
    report: DocumentReport


def fix_file(path: Path, target: Path) -> Fixed:
    """Write a copy of ``path`` with the safe ND30 fixes applied, and the check of that copy."""
    data, changes, report = fix_document(Path(path), Path(target))
    write_atomic(Path(target), data)
    return Fixed(Path(target), changes, report)


def cascade(plan_path: Path, out_dir: Path, *, units: list[str] | None = None, workers: int | None = None,
            make_zip: bool = False, progress=None, check: bool = True, pdf: bool = False,
            force: bool = False) -> BatchResult:
    """Every assigned unit's sub-plan under ``out_dir/<unit>/``, with manifest.json/.csv (and a zip, PDFs).
    A rerun with the same inputs keeps the documents already written; files a person edited are kept
    unless ``force``."""
    return run_batch(plan_path, out_dir, SubplanJob(check=check, force=force), units=units, workers=workers,
                     make_zip=make_zip, progress=progress, pdf=pdf)


# ---------------------------------------------------------------- reports

def _report_inputs(plan_path: Path, period_id: str, results_dir: Path | None):
    """Plan, cascade context, period and every unit's validated results (all problems raised at once)."""
    loaded = load_plan(plan_path)
    context = load_context(loaded)
    period = period_of(context, period_id)
    found = {}
    if results_dir is not None:
        found = load_results(Path(results_dir), units=issuing_units(context), period=period,
                             indicator_ids=[i.id for i in context.cascade.indicators],
                             item_count=len(content_items(context)), registry_ids=set(loaded.registry.units))
    return loaded, context, period, found


def results_templates(plan_path: Path, period_id: str, out_dir: Path, *, units: list[str] | None = None) -> list[Path]:
    """One Excel workbook per unit for ``period_id``: the indicators and questions of its report."""
    loaded, context, period, _ = _report_inputs(plan_path, period_id, None)
    targets = issuing_units(context)
    if units:
        unknown = sorted(set(units) - set(targets))
        if unknown:
            raise InputError(f"đơn vị {', '.join(unknown)} không thuộc danh sách phải báo cáo")
        targets = [u for u in targets if u in units]
    titles = [inline.plain(item.title or item.text or "") for item in content_items(context)]
    written = []
    for unit_id in targets:
        data = build_workbook(plan_slug=loaded.slug, unit_id=unit_id, unit_name=loaded.registry.unit(unit_id).name,
                              period=period, indicators=context.cascade.indicators, item_titles=titles)
        written.append(write_atomic(Path(out_dir) / f"{unit_id}.xlsx", data))
    return written


def unit_reports(plan_path: Path, period_id: str, out_dir: Path, *, results_dir: Path | None = None,
                 units: list[str] | None = None, workers: int | None = None, make_zip: bool = False,
                 progress=None, check: bool = True, pdf: bool = False, force: bool = False) -> BatchResult:
    """Each unit's report for the period: filled from ``results_dir`` where a unit has a file, else blank."""
    loaded, _, period, found = _report_inputs(plan_path, period_id, results_dir)
    job = UnitReportJob(period.id, {u: r.results for u, r in found.items()}, check=check, force=force)
    return run_batch(plan_path, out_dir, job, units=units, workers=workers, make_zip=make_zip, progress=progress,
                     loaded=loaded, pdf=pdf)


@dataclass(frozen=True)
class Consolidated:
    docx: Path
    report: DocumentReport
    reported: list[str]
    missing: list[str]
    late: list[str]
    names: dict[str, str]  # unit id → the name a secretary reads


def consolidate(plan_path: Path, period_id: str, results_dir: Path, out_dir: Path) -> Consolidated:
    """The issuer's consolidated report for the period, with totals and the units that did not report."""
    loaded, context, period, found = _report_inputs(plan_path, period_id, results_dir)
    target = Path(out_dir) / f"bao-cao-tong-hop-{period.id}-{loaded.slug}.docx"
    # force: the consolidated report is made again from the results each time, edited or not (as before)
    report = produce(consolidated_report(context, period, found), loaded.registry, target=target, force=True).report
    units = issuing_units(context)
    names = {u: loaded.registry.unit(u).short_name or loaded.registry.unit(u).name for u in units}
    return Consolidated(target, report, [u for u in units if u in found], [u for u in units if u not in found],
                        [u for u in units if u in found and found[u].late(period)], names)


# ---------------------------------------------------------------- one document at a time (the web app)

@dataclass(frozen=True)
class UnitEdits:
    """What a secretary may change on her unit's draft before downloading it."""

    signer_name: str | None = None
    signer_role: str | None = None
    number: int | None = None
    date: str | None = None  # "05/3/2021"
    extra_recipients: tuple[str, ...] = ()


def apply_edits(document, edits: UnitEdits | None):
    """The document with the edits applied, validated as a whole (errors name the field)."""
    if edits is None:
        return document
    data = document.model_dump(exclude_none=True)
    if edits.signer_name is not None:
        data["signer"]["name"] = edits.signer_name or None
    if edits.signer_role:
        data["signer"]["role"] = edits.signer_role
    if edits.number is not None:
        data["number"] = edits.number
    if edits.date:
        data["date"] = edits.date
        data.pop("year", None)
    data["recipients"] = data.get("recipients", []) + [{"to": r} for r in edits.extra_recipients if r.strip()]
    return validate_fields(Document, data)


def unit_documents(plan_path: Path):
    """The plan, its cascade context and its issuing units (for choosing a unit)."""
    loaded = load_plan(plan_path)
    context = load_context(loaded)
    return loaded, context, issuing_units(context)


def unit_subplan(plan_path: Path, unit_id: str, edits: UnitEdits | None = None):
    loaded, context, units = unit_documents(plan_path)
    if unit_id not in units:
        raise InputError(f"đơn vị «{unit_id}» không phải xây dựng kế hoạch cụ thể hóa của kế hoạch này")
    return loaded, apply_edits(subplan(unit_id, context), edits)


def unit_report_document(plan_path: Path, unit_id: str, period_id: str, results=None, edits: UnitEdits | None = None):
    loaded, context, units = unit_documents(plan_path)
    if unit_id not in units:
        raise InputError(f"đơn vị «{unit_id}» không phải báo cáo kế hoạch này")
    return loaded, apply_edits(unit_report(context, unit_id, period_of(context, period_id), results), edits)


@dataclass(frozen=True)
class Made:
    docx: bytes
    report: DocumentReport
    pdf: bytes | None = None


def make_document(document, registry, *, pdf: bool = False) -> Made:
    """A document rendered, checked and (optionally) converted to PDF, all in memory."""
    produced = produce(document, registry, name="van-ban.docx")
    data, report = produced.data, produced.report
    pdf_bytes = None
    if pdf:
        with tempfile.TemporaryDirectory(prefix="vanban-") as work:
            path = Path(work) / "van-ban.docx"
            path.write_bytes(data)
            converted = convert_many([path], workers=1)[0]
            if converted.pdf is None:
                raise ConversionError(converted.error or "không tạo được PDF")
            pdf_bytes = converted.pdf.read_bytes()
    return Made(data, report, pdf_bytes)
