"""The public pipeline: load → validate → produce (derive → render → check → write). The CLI and web app
call these."""

from __future__ import annotations

import tempfile
import threading
from collections import OrderedDict
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import yaml

from . import importer, resources, yamlio
from . import units as units_
from .batch import BatchResult, SubplanJob, UnitReportJob, run_batch
from .cascade.subplan import issuing_units, load_context, subplan
from .check import DocumentReport, check_docx
from .check.comments import Commented, comment_document
from .check.fixes import fix_document
from .errors import ConversionError, InputError, Location
from .importer import ImportedPlan, SavedImport
from .loading import load_plan
from .migrate import MigrationReport, migrate_file
from .model import Document, Indicator, Period, Signer, parse_date
from .output import EDITED, KEPT_HINT, edited_since_written, write_atomic  # KEPT_HINT: for the shells
from .pdf import DEFAULT_KIND, PDF_KINDS, convert_many, convert_to_pdf, pdf_kind_label, soffice  # (kinds: shells)
from .produce import produce, produce_appendix
from .records import record_of, register_workbook
from .reports import consolidated_report, period_of, report_status, unit_items, unit_report, window_notices
from .reminders import reminder
from .results import Question, Results, form_questions, from_form
from .results import form as form_input
from .results.files import FoundResults, load_results
from .results.workbook import FILLED, build_workbook, read_workbook
from .results.workbook import has_data as workbook_has_data
from .signature import signature_block
from .validation import validate_fields
from .vietnamese import date_line, ky_hieu, so_ky_hieu


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


def comment_file(source: Path | bytes, target: Path | None = None, *, name: str | None = None,
                 force: bool = False) -> Commented:
    """A copy of the .docx ``source`` (a path, or an upload's bytes named ``name``) with each ND30 finding as
    a Word comment on what it concerns; written atomically to ``target`` when given, never over the source
    and over an existing file only with ``force``."""
    if target is not None:
        target = Path(target)
        if not isinstance(source, bytes) and target.resolve() == Path(source).resolve():
            raise InputError("tệp có ghi chú (-o) phải khác tệp gốc để giữ nguyên bản gốc", Location(target))
        if target.exists() and not force:
            raise InputError("tệp đã có; thêm --force để ghi đè", Location(target))
    commented = comment_document(source if isinstance(source, bytes) else Path(source), name)
    if target is not None:
        write_atomic(target, commented.data)
    return commented


def cascade(plan_path: Path, out_dir: Path, *, units: list[str] | None = None, workers: int | None = None,
            make_zip: bool = False, progress=None, check: bool = True, pdf: bool = False,
            force: bool = False, pdf_kind: str | None = None, edxml: bool = False, print_pdf: bool = False,
            electronic: bool = False) -> BatchResult:
    """Every assigned unit's sub-plan under ``out_dir/<unit>/``, each with its Phụ lục VI metadata file, plus
    the register of outgoing documents and manifest.json/.csv (and a zip, PDFs, edXML envelopes, the print
    file). A rerun with the same inputs keeps the documents already written; files a person edited are kept
    unless ``force``. See :func:`batch_options` for how the PDF options combine."""
    job = SubplanJob(check=check, force=force, electronic=electronic)
    return run_batch(plan_path, out_dir, job, units=units, workers=workers, make_zip=make_zip, progress=progress,
                     edxml=edxml, **batch_options(pdf, pdf_kind, print_pdf))


def batch_options(pdf: bool, pdf_kind: str | None, print_pdf: bool) -> dict:
    """The PDF options of a batch: choosing a kind of PDF (``pdf_kind``) or the print file asks for PDFs too;
    PDF/A-2b unless told otherwise."""
    return {"pdf": pdf or pdf_kind is not None or print_pdf, "pdf_kind": pdf_kind or DEFAULT_KIND,
            "print_pdf": print_pdf}


# ---------------------------------------------------------------- reports

def _report_inputs(plan_path: Path, period_id: str, results_dir: Path | None):
    """Plan, cascade context, period and every unit's validated results (all problems raised at once)."""
    loaded = load_plan(plan_path)
    context = load_context(loaded)
    period = period_of(context, period_id)
    found = FoundResults()  # .notices: the blank files and the empty required answers, for the shells to show
    if results_dir is not None:
        found = load_results(Path(results_dir), units=issuing_units(context), period=period,
                             indicator_ids=[i.id for i in context.cascade.indicators],
                             item_ids=lambda unit_id: [item.id for item in unit_items(context, unit_id)],
                             registry_ids=set(loaded.registry.units))
    return loaded, context, period, found


class Workbooks(list):
    """The path of each unit's workbook, in the units' order, and ``kept``: those left as they were, each with
    why (a unit filled it in, or it was saved by Excel or LibreOffice since vanban wrote it)."""

    def __init__(self, paths=(), kept: list[tuple[Path, str]] = ()):
        super().__init__(paths)
        self.kept = list(kept)


def results_templates(plan_path: Path, period_id: str, out_dir: Path, *, units: list[str] | None = None,
                      force: bool = False) -> Workbooks:
    """One Excel workbook per unit for ``period_id``: the indicators and questions of its report, one question per
    item of the unit's own sub-plan (its numbers and titles). A workbook already there that has data in it or
    was saved by another program is kept, unless ``force``; the others are (re)written."""
    loaded, context, period, _ = _report_inputs(plan_path, period_id, None)
    targets = issuing_units(context)
    if units:
        unknown = sorted(set(units) - set(targets))
        if unknown:
            raise InputError(f"đơn vị {', '.join(unknown)} không thuộc danh sách phải báo cáo")
        targets = [u for u in targets if u in units]
    written = Workbooks()
    for unit_id in targets:
        target = Path(out_dir) / f"{unit_id}.xlsx"
        why = None if force else EDITED if edited_since_written(target) else (
            FILLED if target.exists() and workbook_has_data(target) else None)
        if why:
            written.append(target)
            written.kept.append((target, why))
            continue
        items = unit_items(context, unit_id)
        data = build_workbook(plan_slug=loaded.slug, unit_id=unit_id, unit_name=loaded.registry.unit(unit_id).name,
                              period=period, indicators=context.cascade.indicators,
                              item_titles=[item.plain_title for item in items], item_ids=[item.id for item in items])
        written.append(write_atomic(target, data))
    return written


def unit_reports(plan_path: Path, period_id: str, out_dir: Path, *, results_dir: Path | None = None,
                 units: list[str] | None = None, workers: int | None = None, make_zip: bool = False,
                 progress=None, check: bool = True, pdf: bool = False, force: bool = False,
                 pdf_kind: str | None = None, edxml: bool = False, print_pdf: bool = False,
                 electronic: bool = False) -> BatchResult:
    """Each unit's report for the period: filled from ``results_dir`` where a unit has a file, else blank;
    with the same companions as :func:`cascade`. Two reports of one body with the same số (from the results
    files) stop the run before anything is written."""
    loaded, _, period, found = _report_inputs(plan_path, period_id, results_dir)
    job = UnitReportJob(period.id, {u: r.results for u, r in found.items()}, check=check, force=force,
                        electronic=electronic, sources={u: str(r.path) for u, r in found.items()})
    result = run_batch(plan_path, out_dir, job, units=units, workers=workers, make_zip=make_zip, progress=progress,
                       loaded=loaded, edxml=edxml, **batch_options(pdf, pdf_kind, print_pdf))
    # blank files left out, empty required answers (for the shells to show), before the batch's own notices
    result.notices = list(found.notices) + result.notices
    return result


@dataclass(frozen=True)
class Consolidated:
    docx: Path
    report: DocumentReport
    reported: list[str]
    missing: list[str]
    late: list[str]
    names: dict[str, str]  # unit id → the name a secretary reads
    notices: tuple = ()  # results.Notice: blank files left out, empty required answers (for stderr / the page)


def consolidate(plan_path: Path, period_id: str, results_dir: Path, out_dir: Path) -> Consolidated:
    """The issuer's consolidated report for the period, with totals and the units that did not report."""
    loaded, context, period, found = _report_inputs(plan_path, period_id, results_dir)
    target = Path(out_dir) / f"bao-cao-tong-hop-{period.id}-{loaded.slug}.docx"
    # force: the consolidated report is made again from the results each time, edited or not (as before)
    report = produce(consolidated_report(context, period, found), loaded.registry, target=target, force=True).report
    # reported, missing, late: the units that send to the consolidator; its own results are its own part
    status = report_status(context, period, found)
    names = {u: loaded.registry.unit(u).name for u in status.units}
    return Consolidated(target, report, status.reported, status.missing, status.late, names,
                        notices=tuple(found.notices) + tuple(window_notices(period, found)))


@dataclass(frozen=True)
class Reminded:
    docx: Path | None  # None when every unit has reported: no công văn to send
    report: DocumentReport | None
    missing: list[str]
    late: list[str]
    reported: list[str]
    total: int
    by: date
    names: dict[str, str]  # unit id → full name
    incomplete: list[str] = ()  # units whose report leaves required answers empty


def remind(plan_path: Path, period_id: str, results_dir: Path, out_dir: Path, *, by: str | None = None,
           force: bool = False) -> Reminded:
    """The consolidator's công văn đôn đốc for the period, to the units that have not reported, asking for their
    reports by ``by`` ("15/5/2021"; default: the period's deadline plus the days of reminder-wording.yaml).
    Nothing is written when every unit has reported; a công văn edited since vanban wrote it is kept unless
    ``force``."""
    try:
        when = parse_date(by) if by else None
    except ValueError as exc:
        raise InputError(str(exc), Location("--by")) from None
    loaded, context, period, found = _report_inputs(plan_path, period_id, results_dir)
    made = reminder(context, period, found, when)
    names = {u: loaded.registry.unit(u).name for u in issuing_units(context)}
    if made.document is None:
        return Reminded(None, None, [], made.late, made.reported, made.total, made.by, names, made.incomplete)
    target = Path(out_dir) / f"cong-van-don-doc-{period.id}-{loaded.slug}.docx"
    produced = produce(made.document, loaded.registry, target=target, force=force)
    return Reminded(target, produced.report, made.missing, made.late, made.reported, made.total, made.by, names,
                    made.incomplete)


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


# Plans loaded for the shells, kept while none of their files changed: the web app serves many documents
# of one plan, and loading a plan with its registry and profiles costs far more than deriving one document.
_LOADED: OrderedDict[Path, tuple[tuple, tuple]] = OrderedDict()
_LOADED_MAX = 16
_LOADED_LOCK = threading.Lock()


def _files_of(context) -> tuple:
    """What a loaded plan was built from (plan, registry, profiles, overrides), as (path, mtime, size)."""
    loaded, spec = context.loaded, context.cascade
    paths = [loaded.path, loaded.registry.path]
    if spec.profiles:
        paths.append(loaded.path.parent / spec.profiles)
    if context.overrides is not None and context.overrides.is_dir():
        paths += sorted(context.overrides.glob("*.yaml"))
    return tuple(_identity(path) for path in paths)


def _identity(path: Path) -> tuple:
    try:
        status = Path(path).stat()
    except OSError:
        return (str(path), None, None)
    return (str(path), status.st_mtime_ns, status.st_size)


def unit_documents(plan_path: Path):
    """The plan, its cascade context and its issuing units (for choosing a unit). Kept in memory while
    none of the plan's files changed; callers must not change what they get."""
    path = Path(plan_path).resolve()
    with _LOADED_LOCK:
        hit = _LOADED.get(path)
    if hit is not None and _files_of(hit[1][1]) == hit[0]:
        return hit[1]
    loaded = load_plan(path)
    context = load_context(loaded)
    found = (loaded, context, issuing_units(context))
    with _LOADED_LOCK:
        _LOADED[path] = (_files_of(context), found)
        _LOADED.move_to_end(path)
        while len(_LOADED) > _LOADED_MAX:
            _LOADED.popitem(last=False)
    return found


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


def make_document(document, registry, *, pdf: bool = False, electronic: bool = False,
                  appendix: bool = False) -> Made:
    """A document rendered, checked and (optionally) converted to PDF, all in memory. ``electronic``: for the
    e-office (số and ngày left to it, the signature area reserved; its PDF with an empty signature field).
    ``appendix``: instead of the document, its Phụ lục as the file of its own an electronic document sends
    with it (Nghị định 30/2020/NĐ-CP, Phụ lục I, III.1.d); refused when the document has none."""
    if appendix:
        made = produce_appendix(document, registry)
        if made is None:
            raise InputError("văn bản này không có phụ lục")
        data, report = made
    else:
        produced = produce(document, registry, name="van-ban.docx", electronic=electronic)
        data, report = produced.data, produced.report
    pdf_bytes = None
    if pdf:
        with tempfile.TemporaryDirectory(prefix="vanban-") as work:
            path = Path(work) / "van-ban.docx"
            path.write_bytes(data)
            converted = convert_many([path], workers=1, signature_field=electronic and not appendix)[0]
            if converted.pdf is None:
                raise ConversionError(converted.error or "không tạo được PDF")
            pdf_bytes = converted.pdf.read_bytes()
    return Made(data, report, pdf_bytes)


def make_subplan(plan_path: Path, unit_id: str, edits: UnitEdits | None = None, *, pdf: bool = False,
                 electronic: bool = False, appendix: bool = False) -> Made:
    """A unit's sub-plan with its secretary's edits, rendered, checked (and converted), in memory (electronic,
    or its Phụ lục's own file: :func:`make_document`). Plain arguments in and bytes out, so a worker process
    can run it."""
    loaded, document = unit_subplan(plan_path, unit_id, edits)
    return make_document(document, loaded.registry, pdf=pdf, electronic=electronic, appendix=appendix)


def make_unit_report(plan_path: Path, unit_id: str, period_id: str, *, fields: dict | None = None,
                     workbook: bytes | None = None, pdf: bool = False, electronic: bool = False,
                     appendix: bool = False) -> Made:
    """A unit's report for the period from its form fields or its workbook, rendered and checked in memory."""
    results = unit_results(plan_path, unit_id, period_id, fields=fields, workbook=workbook)
    loaded, document = unit_report_document(plan_path, unit_id, period_id, results)
    return make_document(document, loaded.registry, pdf=pdf, electronic=electronic, appendix=appendix)


# ---------------------------------------------------------------- for the shells (CLI and web app)
# What the CLI and the web app need around the functions above; neither shell calls the modules below
# pipeline for it. Form fields become the same model objects as the YAML and Excel paths build.

def import_plan(source: Path, *, units: Path | None = None, issuer: str | None = None) -> ImportedPlan:
    """A received plan (.docx, .pdf, a scan, .txt, .md) as plan data, with what a person must review:
    ``plan, review = import_plan(path)``. The cascade its «Tổ chức thực hiện» implies is proposed against the
    registry of the issuing province on the document's date (or ``units``)."""
    return importer.import_plan(Path(source), units=units, issuer=issuer)


def save_import(imported: ImportedPlan, out: Path, *, source_name: str, force: bool = False) -> SavedImport:
    """Write an imported plan as YAML at ``out`` (and its own registry beside it when it needs one), every
    guess marked where it stands; nothing is written unless the whole is valid plan data."""
    return importer.save(imported, Path(out), source_name, force=force)


UPLOADED = "tải lên"  # how an uploaded file is named in a message ("tệp tải lên: …")


@dataclass
class ReceivedPlan:
    path: Path  # the plan data, validated
    review: list[str]  # what a person must check (an imported plan's guesses), in plain Vietnamese


def receive_plan(data: bytes, suffix: str, folder: Path, *, registry: Path | None) -> ReceivedPlan:
    """An uploaded plan written as ``folder/plan.yaml`` and validated. It may use only ``registry`` or, when
    that is None, a registry vanban ships (chosen from the document's header and date): a YAML plan's own
    «units», profiles and overrides are replaced or dropped, never followed as paths."""
    target = Path(folder) / "plan.yaml"
    review: list[str] = []
    if suffix in (".yaml", ".yml"):
        content = yamlio.load_bytes(data, UPLOADED).data  # bounded: an upload may be an alias bomb
        if not isinstance(content, dict) or "document" not in content:
            raise InputError("tệp YAML không phải dữ liệu kế hoạch (thiếu mục document)")
        if registry is None:
            if not (isinstance(content.get("units"), str) and resources.built_in_registry(content["units"])):
                raise InputError("hãy chọn sổ đơn vị cho kế hoạch này")
        else:
            content["units"] = str(registry)
        if isinstance(content.get("cascade"), dict):
            content["cascade"].pop("profiles", None)
            content["cascade"].pop("overrides", None)
        target.write_text(yaml.safe_dump(content, allow_unicode=True, sort_keys=False), encoding="utf-8")
    else:
        source = Path(folder) / f"nhan-duoc{suffix}"
        source.write_bytes(data)
        try:
            imported = import_plan(source, units=registry)
        except InputError as problem:
            if problem.location is not None and problem.location.file == source:
                # the upload's name in this folder is ours: the user knows it as the file she sent
                problem.location = replace(problem.location, file=UPLOADED)
            raise
        finally:
            source.unlink()
        if "cascade" not in imported.plan:
            # the proposal says last why it could not tell who issues sub-plans or when they report
            raise InputError(f"đã đọc được kế hoạch nhưng {imported.review[-1].text}")
        save_import(imported, target, source_name=f"tệp tải lên{suffix}", force=True)
        review = [item.text for item in imported.review]
    load_plan(target)
    return ReceivedPlan(target, review)


def search_units(registry, unit_ids: list[str], query: str = "") -> list:
    """The units ``unit_ids`` of ``registry`` whose name matches ``query`` (without diacritics)."""
    found = [registry.unit(u) for u in unit_ids]
    return [u for u in found if units_.matches(u, query)] if query else found


def find_units(*, province: str | None = None, kind: str | None = None, search: str | None = None,
               registry: Path | None = None) -> list[units_.Found]:
    """Units of the national registry (or of ``registry``), filtered by province, kind and name."""
    return units_.find_units(province=province, kind=kind, search=search, registry=registry)


def describe_unit(unit_id: str, *, province: str | None = None, registry: Path | None = None) -> list[str]:
    """One unit as a secretary checks it: name, header, số/ký hiệu, place and date line, who signs."""
    found = units_.show_unit(unit_id, province=province, registry=registry)
    unit, reg = found.unit, found.registry
    kind = reg.kind_of(unit)
    lines = [
        f"Mã: {unit.id}" + (f" ({found.province})" if found.province else ""),
        f"Tên: {unit.name}" + (f" — tên ngắn: {unit.short_name}" if unit.short_name else ""),
        f"Loại: {unit.kind} ({kind.label})" + (f"; mã GSO {unit.gso_code}" if unit.gso_code else ""),
        "Tiêu đề: " + " / ".join([*unit.parent_header, *unit.header]),
        f"Số, ký hiệu: {so_ky_hieu(None, ky_hieu('KH', unit.code))}",
        f"Địa danh: {date_line(unit.place, None, 2026)}",
        "Cấp trưởng ký: " + " / ".join(signature_block(Signer(role='head'), unit, reg).authority_lines),
        "Cấp phó ký: " + " / ".join(signature_block(Signer(role='deputy'), unit, reg).authority_lines),
    ]
    if unit.parent:
        lines.append(f"Cấp trên: {unit.parent}")
    return lines


def migrate_units(source: Path, to: str, out: Path, *, old_units: Path | None = None,
                  force: bool = False) -> MigrationReport:
    """A plan or results file moved from pre-2025 units to those of ``to`` (a province, or a registry file)."""
    target = Path(to) if to.endswith((".yaml", ".yml")) else units_.province_file(to)
    return migrate_file(Path(source), target, Path(out), old_units=old_units, force=force)


def national_registries() -> list[dict]:
    """The provinces of the national registry from 01/7/2025: id, name and registry file of each."""
    return [{"id": e["id"], "name": e["name"], "path": units_.NATIONAL / e["file"]} for e in units_.national_index()]


def pdf_available() -> bool:
    """Whether LibreOffice is there to make PDFs."""
    return soffice() is not None


def check_document(data: bytes, name: str) -> DocumentReport:
    """Check a .docx given as bytes (an upload) against the ND30 rule catalogue."""
    return check_docx(data, name)


def _field(fields, name: str) -> str:
    return str(fields.get(name) or "").strip()


SUBPLAN_FORM_ROLES = ("head", "deputy", "acting")  # the signers the sub-plan form offers


ELECTRONIC_FIELD = "electronic"  # the forms' checkbox «Văn bản điện tử»


def electronic_from_form(fields) -> bool:
    """Whether the form asks for the electronic document (số and ngày given by the e-office)."""
    return _field(fields, ELECTRONIC_FIELD) not in ("", "0")


def edits_from_form(fields) -> UnitEdits:
    """A secretary's edits of her unit's draft from the web form's fields."""
    number, date, role = _field(fields, "number"), _field(fields, "date"), _field(fields, "signer_role")
    if number and not (form_input.whole_number(number, form_input.NUMBER_DIGITS) and int(number) > 0):
        raise InputError(f"số văn bản phải là số nguyên dương, tối đa {form_input.NUMBER_DIGITS} chữ số")
    if date and (problem := form_input.date_problem(date)):
        raise InputError(f"ngày ban hành: {problem}")
    if role and role not in SUBPLAN_FORM_ROLES:
        raise InputError("hãy chọn người ký trong danh sách (cấp trưởng, cấp phó ký thay hoặc quyền cấp trưởng)")
    return UnitEdits(
        signer_name=_field(fields, "signer_name") or None,
        signer_role=role or None,
        number=int(number) if number else None,
        date=date or None,
        extra_recipients=tuple(line.strip() for line in str(fields.get("extra_recipients") or "").splitlines()
                               if line.strip()),
    )


@dataclass(frozen=True)
class ReportForm:
    """What a unit's report for one period asks: the figures, the items of the unit's own sub-plan (its
    numbers and titles) and the questions."""

    period: Period
    indicators: list[Indicator]
    item_titles: list[str]
    item_ids: list[str]
    questions: list[Question]  # those of data/report-questions.yaml the web form asks


def report_form(plan_path: Path, period_id: str, unit_id: str) -> ReportForm:
    _, context, units = unit_documents(plan_path)
    if unit_id not in units:
        raise InputError(f"đơn vị «{unit_id}» không phải báo cáo kế hoạch này")
    period = period_of(context, period_id)
    items = unit_items(context, unit_id)
    titles = [item.plain_title for item in items]
    return ReportForm(period, list(context.cascade.indicators), titles, [item.id for item in items],
                      form_questions(titles))


def unit_results(plan_path: Path, unit_id: str, period_id: str, *, fields=None,
                 workbook: bytes | None = None) -> Results:
    """A unit's results for the period, from an uploaded workbook (its bytes) or else from form fields;
    validated like a results file of ``vanban report --results``."""
    form = report_form(plan_path, period_id, unit_id)
    if workbook is not None:
        with tempfile.TemporaryDirectory(prefix="vanban-web-") as work:
            path = Path(work) / f"{unit_id}.xlsx"
            path.write_bytes(workbook)
            return read_workbook(path, unit_id=unit_id, period=form.period,
                                 indicator_ids=[i.id for i in form.indicators], item_ids=form.item_ids)
    return from_form(fields or {}, unit_id=unit_id, period=form.period, indicators=form.indicators,
                     item_titles=form.item_titles)


def outgoing_register(documents, registry, *, heading: str | None = None, electronic: bool = False) -> bytes:
    """The sổ đăng ký văn bản đi (Nghị định 30/2020/NĐ-CP, Phụ lục IV) of ``documents`` — Documents of
    ``registry``, in the order to register them (the web app's issued documents) — as .xlsx bytes."""
    found = [record_of(produce(document, registry, check=False, electronic=electronic), registry, "",
                       electronic=electronic) for document in documents]
    return register_workbook(found, heading=heading)
