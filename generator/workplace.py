"""The workplace: one plan's whole cascade kept in the database (issue 17).

The Văn phòng uploads a plan, reviews the proposed cascade (which units do which items, who consolidates, the
reporting periods, the indicators), corrects it in forms, enters the parent's số and ngày once and publishes;
each unit fills, downloads and records its own sub-plan as issued, then submits a report for each period; the
consolidating office sees who reported, accepts or returns reports and downloads the consolidated report made
from the database.

Functions over a :class:`generator.store.Store` and the pipeline; they take a plan as its id (or anything with
an ``id``) and give plain data, never database objects, so a caller holds no session. Pipeline functions take
paths: :func:`plan_file` writes the current version of a plan into a working folder of the state directory.
Every mistake a person can make raises :class:`InputError` with a Vietnamese message naming the label they see.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import secrets
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import inline, pipeline, resources
from .cascade.subplan import under
from .errors import InputError, InputErrors, VanbanError
from .model import parse_date
from .results.model import Results, is_blank
from .store import audit
from .store import plans as plan_rows
from .store import reports as report_rows
from .store.models import Submission, User
from .validation import validate_fields
from .vietnamese import short_date, slugify

CONTENT_ID = "noi-dung"  # mục II: its items are what units lead or support
OWN_REGISTRY = "file:"  # registry_name of a plan whose registry is kept in the file store: "file:<sha>"
REGISTRY_FILE = "units.yaml"
MARKS = {"lead": "Chủ trì", "support": "Phối hợp"}
STATES = {"missing": "Chưa gửi", "submitted": "Đã gửi, chờ xem", "accepted": "Đã nhận", "returned": "Trả lại"}


# ---------------------------------------------------------------- plain views of the stored rows

@dataclass(frozen=True)
class PlanInfo:
    id: int
    slug: str
    title: str
    status: str  # "draft" | "published"
    issuer_unit_id: str
    registry_name: str
    version: int
    parent_number: int | None
    parent_date: dt.date | None
    created_at: dt.datetime
    published_at: dt.datetime | None
    review: list[str]
    source_name: str | None

    @property
    def published(self) -> bool:
        return self.status == "published"

    @property
    def citation(self) -> str | None:
        """«Kế hoạch số 58/KH-UBND ngày 10/3/2021» once published (the ký hiệu is the pipeline's)."""
        if self.parent_number is None or self.parent_date is None:
            return None
        return f"số {self.parent_number} ngày {short_date(self.parent_date)}"


@dataclass(frozen=True)
class SubmissionInfo:
    id: int
    unit_id: str
    period_id: str
    version: int
    results: dict
    has_workbook: bool
    submitted_at: dt.datetime
    status: str
    note: str | None
    reviewed_at: dt.datetime | None
    late: bool

    @property
    def state_label(self) -> str:
        return STATES[self.status]


def _plan_id(plan) -> int:
    return plan if isinstance(plan, int) else int(plan.id)


def _user(session, user):
    """The user row in this session (a user object may come from another session, or be None: the CLI)."""
    return None if user is None else session.get(User, user.id)


def _info(row) -> PlanInfo:
    current = row.current
    return PlanInfo(row.id, row.slug, row.title, row.status, row.issuer_unit_id, row.registry_name,
                    current.version, row.parent_number, row.parent_date, row.created_at, row.published_at,
                    list(current.review or []), min(row.versions, key=lambda v: v.version).source_name)


def plan_info(store, plan) -> PlanInfo:
    with store.session() as s:
        return _info(plan_rows.get_plan(s, _plan_id(plan)))


def all_plans(store) -> list[PlanInfo]:
    with store.session() as s:
        return [_info(row) for row in plan_rows.plans(s)]


def _late(submitted_at: dt.datetime, deadline: dt.date) -> bool:
    # the day it reached the consolidator, in Vietnam (UTC+7), after the deadline
    return (submitted_at + dt.timedelta(hours=7)).date() > deadline


def _submission(row: Submission, deadline: dt.date) -> SubmissionInfo:
    return SubmissionInfo(row.id, row.unit_id, row.period_id, row.version, dict(row.results or {}),
                          row.workbook_sha is not None, row.submitted_at, row.status, row.note, row.reviewed_at,
                          _late(row.submitted_at, deadline))


# ---------------------------------------------------------------- the plan file the pipeline reads

def _state_dir(store) -> Path:
    folder = getattr(store, "folder", None)
    if folder is None:  # the file store lives in <state>/files
        folder = Path(store.files.path("0" * 64)).parents[2]
    return Path(folder)


def plan_file(store, plan) -> Path:
    """The current version of ``plan`` as ``plan.yaml`` (and its own registry beside it) in a working folder
    of the state directory, named by the content's hash: written once, reused while the version stands."""
    with store.session() as s:
        row = plan_rows.get_plan(s, _plan_id(plan))
        yaml_sha, registry_name, plan_id = row.current.yaml_sha, row.registry_name, row.id
    key = hashlib.sha256(f"{yaml_sha}\n{registry_name}".encode()).hexdigest()[:24]
    folder = _state_dir(store) / "work" / f"plan-{plan_id}" / key
    target = folder / "plan.yaml"
    if target.is_file():
        return target
    folder.parent.mkdir(parents=True, exist_ok=True)
    trial = Path(tempfile.mkdtemp(prefix=".writing-", dir=folder.parent))
    try:
        data = yaml.safe_load(store.files.get(yaml_sha).decode("utf-8"))
        if registry_name.startswith(OWN_REGISTRY):
            (trial / REGISTRY_FILE).write_bytes(store.files.get(registry_name[len(OWN_REGISTRY):]))
            data["units"] = REGISTRY_FILE
        else:
            data["units"] = registry_name
        (trial / "plan.yaml").write_text(_dump(data), encoding="utf-8")
        try:
            os.rename(trial, folder)
        except OSError:  # another thread wrote the same content first
            shutil.rmtree(trial, ignore_errors=True)
    except BaseException:
        shutil.rmtree(trial, ignore_errors=True)
        raise
    return target


def _dump(data: dict) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=110)


def _plan_data(store, plan) -> tuple[dict, int]:
    with store.session() as s:
        row = plan_rows.get_plan(s, _plan_id(plan))
        sha, version = row.current.yaml_sha, row.current.version
    return yaml.safe_load(store.files.get(sha).decode("utf-8")), version


# ---------------------------------------------------------------- upload

def _registry_of(units: str, plan_path: Path) -> tuple[str | None, bytes | None]:
    """A shipped registry's name («gia-lai-2021/units»), else (None, the registry file's bytes) to be kept in
    the file store."""
    if resources.built_in_registry(units):
        return units, None
    path = Path(units) if Path(units).is_absolute() else (plan_path.parent / units)
    path = path.resolve()
    data_root = Path(resources.datasets()).resolve()
    if path.is_relative_to(data_root):
        name = path.relative_to(data_root).with_suffix("").as_posix()
        if resources.built_in_registry(name) and resources.built_in_registry(name).resolve() == path:
            return name, None
    return None, path.read_bytes()


def _slug(session, title: str) -> str:
    base = (slugify(title) or "ke-hoach")[:60].strip("-") or "ke-hoach"
    taken = {row.slug for row in plan_rows.plans(session)}
    return base if base not in taken else f"{base}-{secrets.token_hex(3)}"


@dataclass(frozen=True)
class ReadPlan:
    """An uploaded plan as read, before anything is stored: plain data, so that it crosses a process boundary
    (the web app reads uploads in a worker process, then stores them from the server)."""
    plan_yaml: str  # the plan data, validated
    review: tuple[str, ...]  # what a person must check (an imported plan's guesses)
    title: str  # «Kế hoạch …», as the plan list shows it
    issuer: str  # the issuing unit's id
    units: int  # how many units must make a sub-plan
    registry_name: str | None  # a shipped registry's name, else None and…
    registry_data: bytes | None  # …the plan's own registry file


def read_plan(data: bytes, suffix: str, registry: Path | None = None) -> ReadPlan:
    """The CPU part of an upload (reading a PDF or a scan takes seconds to minutes): any format
    :func:`pipeline.import_plan` reads, or plan YAML, read and validated; ``registry``: the registry file
    chosen, else the one its header implies. Touches no database."""
    with tempfile.TemporaryDirectory(prefix="vanban-upload-") as work:
        received = pipeline.receive_plan(data, suffix, Path(work), registry=registry)
        loaded, _, units = pipeline.unit_documents(received.path)
        text = received.path.read_text(encoding="utf-8")
        name, own = _registry_of(str(yaml.safe_load(text)["units"]), received.path)
        document = loaded.plan.document
        return ReadPlan(plan_yaml=text, review=tuple(received.review),
                        title=f"Kế hoạch {inline.plain(document.title)}", issuer=document.issuer, units=len(units),
                        registry_name=name, registry_data=own)


def store_plan(store, user, read: ReadPlan, data: bytes, suffix: str, *, source_name: str | None = None,
               along=None) -> PlanInfo:
    """The database part of an upload: the plan :func:`read_plan` read stored as version 1 of a new draft plan,
    with its review list and (unless it was YAML) the file it came from. ``along(s, info)``, when given, is
    written in the same transaction (the web's import job ends with it: a crash stores both or neither)."""
    content = yaml.safe_load(read.plan_yaml)
    registry_name = read.registry_name or OWN_REGISTRY + store.files.put(read.registry_data or b"")
    content["units"] = REGISTRY_FILE if registry_name.startswith(OWN_REGISTRY) else registry_name
    with store.session() as s:
        row = plan_rows.add_plan(s, store.files, yaml_text=_dump(content), slug=_slug(s, read.title),
                                 title=read.title, issuer_unit_id=read.issuer, registry_name=registry_name,
                                 source_name=source_name or f"tệp tải lên{suffix}",
                                 source=data if suffix not in (".yaml", ".yml") else None,
                                 review=list(read.review), by=_user(s, user))
        s.flush()
        audit.record(s, _user(s, user), "plan.upload", f"plan:{row.id}", suffix=suffix, units=read.units)
        info = _info(row)
        if along is not None:
            along(s, info)
        return info


def upload_plan(store, user, data: bytes, suffix: str, registry: Path | None = None, *,
                source_name: str | None = None) -> PlanInfo:
    """A received plan read and stored in one call (the CLI, tests): :func:`read_plan` then :func:`store_plan`.
    The web app runs the two apart, the first in a worker process (``web/jobs.py``)."""
    return store_plan(store, user, read_plan(data, suffix, registry), data, suffix, source_name=source_name)


# ---------------------------------------------------------------- review

@dataclass(frozen=True)
class Column:
    id: str  # a unit kind or a unit id
    label: str
    is_kind: bool


@dataclass(frozen=True)
class Row:
    position: int  # 1-based, as numbered in mục II
    id: str
    title: str
    everyone: bool  # no assignment: every issuing unit carries it out
    marks: dict  # column id → "lead" | "support"
    time: str | None = None
    product: str | None = None


@dataclass(frozen=True)
class Choice:
    id: str
    label: str
    checked: bool = False


@dataclass(frozen=True)
class PeriodView:
    position: int
    id: str
    name: str
    deadline: dt.date
    window: tuple[dt.date, dt.date] | None


@dataclass(frozen=True)
class ReviewView:
    plan: PlanInfo
    issuer: str  # the issuing body's name
    columns: list[Column]
    rows: list[Row]
    own_tasks: list[tuple[str, str]]  # (task, the units' names) from «Tổ chức thực hiện»
    issuers: list[Choice]  # kinds and units that issue a sub-plan (checked: now)
    units: list[tuple[str, str]]  # the issuing units now: (id, name)
    consolidator: str
    consolidators: list[Choice]
    periods: list[PeriodView]
    indicators: list  # model.Indicator
    review: list[str]
    marks: dict = field(default_factory=lambda: dict(MARKS))


def _target_label(name: str, registry) -> str:
    if name in registry.units:
        unit = registry.units[name]
        return unit.short_name or unit.name
    kind = registry.kinds.get(name)
    return (kind.plural or kind.label) if kind else name


def _content_items(document) -> list:
    section = next((s for s in document.sections if s.id == CONTENT_ID), None)
    return list(section.items) if section else []


def review(store, plan) -> ReviewView:
    """The proposed cascade for the Văn phòng's review page: mục II's items × the issuing kinds and units with
    lead and support marks, the issuers, the consolidator, the periods, the indicators and the review list."""
    info = plan_info(store, plan)
    loaded, context, units = pipeline.unit_documents(plan_file(store, plan))
    registry, document, spec = loaded.registry, loaded.plan.document, context.cascade
    items = _content_items(document)
    column_ids = list(dict.fromkeys([*spec.issuers, *(name for item in items if item.assign
                                                      for name in (*item.assign.lead, *item.assign.support))]))
    columns = [Column(c, _target_label(c, registry), c not in registry.units) for c in column_ids]
    rows = []
    for position, item in enumerate(items, 1):
        marks = {}
        if item.assign:
            marks.update({name: "support" for name in item.assign.support})
            marks.update({name: "lead" for name in item.assign.lead})
        title = inline.plain(item.title or item.text or "")
        rows.append(Row(position, item.id or f"muc-{position}", title, item.assign is None, marks,
                        inline.plain(item.time) if item.time else None,
                        inline.plain(item.product) if item.product else None))
    own_tasks = []
    for section in document.sections:
        for item in section.items:
            if item.own_task:
                names = ", ".join(_target_label(u, registry) for u in item.own_task.units)
                own_tasks.append((inline.plain(item.own_task.title), names))
    issuer = document.issuer
    kinds = list(dict.fromkeys(u.kind for u in registry.units.values() if under(u.id, issuer, registry)))
    choices = [Choice(k, _target_label(k, registry), k in spec.issuers) for k in kinds]
    choices += [Choice(u, registry.units[u].name, True) for u in spec.issuers if u in registry.units]
    consolidators = [Choice(u.id, u.name, u.id == spec.consolidator) for u in registry.units.values()
                     if under(u.id, issuer, registry) or u.id == spec.consolidator]
    periods = [PeriodView(i, p.id, inline.plain(p.name), p.deadline,
                          (p.window.start, p.window.end) if p.window else None)
               for i, p in enumerate(spec.periods, 1)]
    return ReviewView(info, registry.unit(issuer).name, columns, rows, own_tasks, choices,
                      [(u, registry.unit(u).name) for u in units], spec.consolidator, consolidators, periods,
                      list(spec.indicators), info.review)


# ---------------------------------------------------------------- corrections

def _values(form, key: str) -> list[str]:
    if hasattr(form, "getlist"):
        values = form.getlist(key)
    else:
        value = form.get(key)
        values = [] if value is None else value if isinstance(value, (list, tuple)) else [value]
    return [str(v).strip() for v in values if str(v).strip()]


def _value(form, key: str) -> str:
    values = _values(form, key)
    return values[-1] if values else ""


def _stale(form, version: int) -> None:
    sent = _value(form, "version")
    if sent and sent != str(version):
        raise InputError("kế hoạch vừa được sửa ở nơi khác (đã có phiên bản mới); hãy mở lại trang rồi sửa")


def _labels(data: dict) -> list[tuple[str, str]]:
    """Field-path prefixes of the plan data → the label the admin sees, longest first."""
    labels = [("cascade.issuers", "Đơn vị phải cụ thể hóa"), ("cascade.consolidator", "Đơn vị tổng hợp báo cáo"),
              ("cascade.periods", "Kỳ báo cáo"), ("cascade.indicators", "Chỉ tiêu"),
              ("document.number", "Số của kế hoạch"), ("document.date", "Ngày ban hành kế hoạch"),
              ("document.year", "Ngày ban hành kế hoạch")]
    spec = data.get("cascade") or {}
    for i, period in enumerate(spec.get("periods") or []):
        name = period.get("name", period.get("id"))
        labels += [(f"cascade.periods[{i}]", f"Kỳ báo cáo «{name}»"),
                   (f"cascade.periods[{i}].deadline", f"Hạn gửi của kỳ «{name}»"),
                   (f"cascade.periods[{i}].name", f"Tên kỳ «{name}»")]
    for i, indicator in enumerate(spec.get("indicators") or []):
        labels.append((f"cascade.indicators[{i}]", f"Chỉ tiêu «{indicator.get('name')}»"))
    for s_index, section in enumerate(data["document"].get("sections") or []):
        if section.get("id") == CONTENT_ID:
            for i, _ in enumerate(section.get("items") or []):
                labels.append((f"document.sections[{s_index}].items[{i}].assign",
                               f"Phân công nội dung {i + 1}"))
    return sorted(labels, key=lambda pair: -len(pair[0]))


def _validated(store, plan_id: int, data: dict, registry_name: str) -> None:
    """``data`` loads as a plan (written like :func:`plan_file` does); errors named by their labels."""
    with tempfile.TemporaryDirectory(prefix="vanban-check-") as work:
        trial = dict(data)
        if registry_name.startswith(OWN_REGISTRY):
            (Path(work) / REGISTRY_FILE).write_bytes(store.files.get(registry_name[len(OWN_REGISTRY):]))
            trial["units"] = REGISTRY_FILE
        else:
            trial["units"] = registry_name
        path = Path(work) / "plan.yaml"
        path.write_text(_dump(trial), encoding="utf-8")
        try:
            pipeline.unit_documents(path)
        except InputError as exc:
            errors = exc.errors if isinstance(exc, InputErrors) else [exc]
            labels = _labels(data)
            named = []
            for error in errors:
                where = error.location.field if error.location and error.location.field else ""
                label = next((text for prefix, text in labels if where.startswith(prefix)), None)
                named.append(InputError(f"{label}: {error.message}" if label else error.message, None, error.hint))
            raise InputErrors(named) from None


def _new_version(store, plan_id: int, data: dict, user, action: str, **detail) -> PlanInfo:
    with store.session() as s:
        row = plan_rows.get_plan(s, plan_id)
        review_list = list(row.current.review or [])
        plan_rows.add_version(s, store.files, row, _dump(data), _user(s, user), review=review_list)
        s.flush()
        s.refresh(row)
        audit.record(s, _user(s, user), action, f"plan:{plan_id}", version=row.current.version, **detail)
        return _info(row)


def correct(store, plan, form, user) -> PlanInfo:
    """The admin's corrections of the proposed cascade, from the review page's form (no YAML):
    ``issuer`` (checked kinds and units), ``consolidator``, ``period.<n>.name`` and ``period.<n>.deadline``,
    ``mark.<item n>.<column>`` ("lead", "support" or ""), ``everyone.<item n>`` (no assignment),
    ``indicator.remove`` (ids), ``indicator.new_name`` and ``indicator.new_unit``. A new version, validated."""
    plan_id = _plan_id(plan)
    data, version = _plan_data(store, plan_id)
    _stale(form, version)
    view = review(store, plan_id)
    with store.session() as s:
        registry_name = plan_rows.get_plan(s, plan_id).registry_name
    spec = data.setdefault("cascade", {})
    errors: list[InputError] = []
    allowed = {c.id for c in view.issuers}
    issuers = [v for v in _values(form, "issuer") if v in allowed]
    if not issuers:
        errors.append(InputError("Đơn vị phải cụ thể hóa: hãy chọn ít nhất một loại đơn vị hoặc đơn vị"))
    spec["issuers"] = issuers or spec.get("issuers", [])
    consolidator = _value(form, "consolidator")
    if consolidator:
        if consolidator not in {c.id for c in view.consolidators}:
            errors.append(InputError("Đơn vị tổng hợp báo cáo: hãy chọn một đơn vị trong danh sách"))
        else:
            spec["consolidator"] = consolidator
    for position, period in enumerate(spec.get("periods") or [], 1):
        old = period.get("name") or period.get("id")
        name = _value(form, f"period.{position}.name")
        if f"period.{position}.name" in form and not name:
            errors.append(InputError(f"Tên kỳ «{old}»: không được để trống"))
        elif name:
            period["name"] = name
        deadline = _value(form, f"period.{position}.deadline")
        if f"period.{position}.deadline" in form and not deadline:
            errors.append(InputError(f"Hạn gửi của kỳ «{old}»: không được để trống"))
        elif deadline:
            try:
                period["deadline"] = short_date(parse_date(deadline))
            except ValueError as exc:
                errors.append(InputError(f"Hạn gửi của kỳ «{old}»: {exc}"))
    sections = data["document"].get("sections") or []
    content = next((sec for sec in sections if sec.get("id") == CONTENT_ID), None)
    columns = [c.id for c in view.columns]
    sent = {str(key).split(".")[1] for key in form.keys() if str(key).startswith(("mark.", "everyone."))}
    if content is not None:
        for position, item in enumerate(content.get("items") or [], 1):
            if str(position) not in sent:  # a row the form did not show: left as it is
                continue
            if _value(form, f"everyone.{position}"):
                item.pop("assign", None)
                continue
            marks = {c: _value(form, f"mark.{position}.{c}") for c in columns}
            unknown = sorted({m for m in marks.values() if m and m not in MARKS})
            if unknown:
                errors.append(InputError(f"Phân công nội dung {position}: chỉ chọn «Chủ trì» hoặc «Phối hợp»"))
                continue
            lead = [c for c, m in marks.items() if m == "lead"]
            support = [c for c, m in marks.items() if m == "support"]
            if not lead and not support:
                errors.append(InputError(f"Phân công nội dung {position}: chưa có đơn vị chủ trì hay phối hợp "
                                         "(hoặc đánh dấu «Mọi đơn vị thực hiện»)"))
                continue
            item["assign"] = {"lead": lead, "support": support}
    indicators = spec.get("indicators") or []
    removed = set(_values(form, "indicator.remove"))
    indicators = [i for i in indicators if i.get("id") not in removed]
    new_name, new_unit = _value(form, "indicator.new_name"), _value(form, "indicator.new_unit")
    if new_name or new_unit:
        if not new_name or not new_unit:
            errors.append(InputError("Chỉ tiêu mới: hãy điền cả tên chỉ tiêu và đơn vị tính"))
        else:
            base = slugify(new_name)[:50].strip("-") or "chi-tieu"
            ident, n = base, 2
            while ident in {i.get("id") for i in indicators}:
                ident, n = f"{base}-{n}", n + 1
            indicators.append({"id": ident, "name": new_name, "unit": new_unit})
    spec["indicators"] = indicators
    if errors:
        raise InputErrors(errors)
    _validated(store, plan_id, data, registry_name)
    return _new_version(store, plan_id, data, user, "plan.correct")


def publish(store, plan, number, date, user) -> PlanInfo:
    """The parent's số and ngày, entered once: written into the plan (``document.number``, ``document.date``)
    as a new version, and the plan published; every sub-plan then cites «Kế hoạch số 58/KH-UBND ngày …»."""
    plan_id = _plan_id(plan)
    errors = []
    text = str(number if number is not None else "").strip()
    if not text.isdigit() or int(text) < 1:
        errors.append(InputError("Số của kế hoạch: phải là số nguyên dương, ví dụ 58"))
    try:
        when = date if isinstance(date, dt.date) else parse_date(str(date or "").strip())
        if when is None:
            errors.append(InputError("Ngày ban hành kế hoạch: chưa điền (ngày/tháng/năm, ví dụ 10/3/2021)"))
    except ValueError as exc:
        errors.append(InputError(f"Ngày ban hành kế hoạch: {exc}"))
        when = None
    if errors:
        raise InputErrors(errors)
    data, _ = _plan_data(store, plan_id)
    with store.session() as s:
        registry_name = plan_rows.get_plan(s, plan_id).registry_name
    data["document"]["number"] = int(text)
    data["document"]["date"] = short_date(when)
    data["document"].pop("year", None)
    _validated(store, plan_id, data, registry_name)
    _new_version(store, plan_id, data, user, "plan.version", reason="publish")
    with store.session() as s:
        row = plan_rows.get_plan(s, plan_id)
        plan_rows.publish(s, row, int(text), when, _user(s, user))
        audit.record(s, _user(s, user), "plan.publish", f"plan:{plan_id}", number=int(text), date=when.isoformat())
        s.flush()
        return _info(row)


# ---------------------------------------------------------------- a unit's sub-plan

def issuing_units(store, plan) -> list[tuple[str, str]]:
    """The units that issue a sub-plan of ``plan``: (id, name), in the registry's order."""
    loaded, _, units = pipeline.unit_documents(plan_file(store, plan))
    return [(u, loaded.registry.unit(u).name) for u in units]


def _require_unit(store, plan, unit_id: str) -> Path:
    path = plan_file(store, plan)
    _, _, units = pipeline.unit_documents(path)
    if unit_id not in units:
        raise InputError("đơn vị này không phải xây dựng kế hoạch cụ thể hóa của kế hoạch này")
    return path


def _require_published(store, plan) -> PlanInfo:
    info = plan_info(store, plan)
    if not info.published:
        raise InputError("kế hoạch chưa được Văn phòng ban hành; chưa thể ghi văn bản của đơn vị")
    return info


@dataclass(frozen=True)
class Draft:
    loaded: object  # loading.LoadedPlan
    document: object  # model.Document: the sub-plan with the saved fields
    number: int | None
    date: dt.date | None
    fields: dict  # signer_name, signer_role, extra_recipients
    issued: bool
    issued_at: dt.datetime | None
    has_pdf: bool

    @property
    def electronic(self) -> bool:
        """The unit makes it an electronic document (số and ngày given by the e-office)."""
        return bool(self.fields.get(ELECTRONIC_CHOICE))

    @property
    def has_appendix(self) -> bool:
        return getattr(self.document, "appendix", None) is not None

    @property
    def form(self) -> dict:
        """The saved fields as the form and :func:`pipeline.edits_from_form` read them."""
        return {"number": str(self.number or ""), "date": short_date(self.date) if self.date else "",
                **{k: str(v or "") for k, v in self.fields.items()}}


SUBPLAN_FIELDS = ("signer_name", "signer_role", "extra_recipients", pipeline.ELECTRONIC_FIELD)
ELECTRONIC_CHOICE = pipeline.ELECTRONIC_FIELD  # kept with the fields: "1" when the unit makes it electronic


def _subplan_row(store, plan_id: int, unit_id: str) -> dict | None:
    with store.session() as s:
        row = report_rows.unit_document(s, plan_rows.get_plan(s, plan_id), unit_id, "subplan", None)
        if row is None:
            return None
        return {"number": row.number, "date": row.date, "fields": dict(row.fields or {}), "issued": row.issued,
                "issued_at": row.issued_at, "docx_sha": row.docx_sha, "pdf_sha": row.pdf_sha}


def unit_draft(store, plan, unit_id: str) -> Draft:
    """The unit's sub-plan with the fields it saved (số, ngày, người ký, extra Nơi nhận)."""
    plan_id = _plan_id(plan)
    path = _require_unit(store, plan_id, unit_id)
    saved = _subplan_row(store, plan_id, unit_id) or {"number": None, "date": None, "fields": {}, "issued": False,
                                                       "issued_at": None, "pdf_sha": None}
    form = {"number": str(saved["number"] or ""), "date": short_date(saved["date"]) if saved["date"] else "",
            **saved["fields"]}
    loaded, document = pipeline.unit_subplan(path, unit_id, pipeline.edits_from_form(form))
    return Draft(loaded, document, saved["number"], saved["date"], saved["fields"], saved["issued"],
                 saved["issued_at"], saved["pdf_sha"] is not None)


def save_subplan_fields(store, plan, unit_id: str, fields, user) -> Draft:
    """Keep the unit's số, ngày, người ký and extra Nơi nhận (the fields :func:`pipeline.edits_from_form`
    reads), checked on the sub-plan itself. Once issued they stay (the same fields again change nothing)."""
    plan_id = _plan_id(plan)
    path = _require_unit(store, plan_id, unit_id)
    edits = pipeline.edits_from_form(fields)
    pipeline.unit_subplan(path, unit_id, edits)  # validates the date, the signer …
    kept = {name: str(fields.get(name) or "").strip() for name in SUBPLAN_FIELDS}
    kept[ELECTRONIC_CHOICE] = "1" if pipeline.electronic_from_form(fields) else ""
    when = parse_date(edits.date) if edits.date else None
    old = _subplan_row(store, plan_id, unit_id)
    if old is not None and old["issued"]:
        # the electronic choice is how the document is made, not what it says: an issued one may be downloaded
        # either way (the choice is not kept then)
        said = {name: old["fields"].get(name, "") for name in SUBPLAN_FIELDS if name != ELECTRONIC_CHOICE}
        if (old["number"], old["date"], said) == (edits.number, when,
                                                  {k: v for k, v in kept.items() if k != ELECTRONIC_CHOICE}):
            return unit_draft(store, plan_id, unit_id)
        raise InputError(f"kế hoạch của đơn vị đã ghi là đã ban hành (số {old['number']}, ngày "
                         f"{short_date(old['date'])}), không sửa được nữa")
    with store.session() as s:
        row = plan_rows.get_plan(s, plan_id)
        report_rows.save_unit_document(s, row, unit_id, "subplan", None, number=edits.number, date=when,
                                       fields=kept, docx_sha=None, pdf_sha=None, by=_user(s, user))
        audit.record(s, _user(s, user), "subplan.save", f"plan:{plan_id}/unit:{unit_id}")
    return unit_draft(store, plan_id, unit_id)


def render_subplan(store, plan, unit_id: str, *, pdf: bool = False, electronic: bool | None = None,
                   appendix: bool = False) -> pipeline.Made:
    """The unit's sub-plan with its saved fields, rendered (and as PDF); ``electronic``: for the e-office
    (default: as the unit chose and saved); ``appendix``: its Phụ lục as a file of its own."""
    draft = unit_draft(store, plan, unit_id)
    return pipeline.make_document(draft.document, draft.loaded.registry, pdf=pdf,
                                  electronic=draft.electronic if electronic is None else electronic,
                                  appendix=appendix)


def issue_subplan(store, plan, unit_id: str, user, *, pdf: bool | None = None) -> Draft:
    """Record the unit's sub-plan as issued with its saved số and ngày; its .docx (and PDF when LibreOffice is
    there) kept in the file store."""
    plan_id = _plan_id(plan)
    _require_published(store, plan_id)
    draft = unit_draft(store, plan_id, unit_id)
    if draft.number is None or draft.date is None:
        raise InputError("hãy điền và lưu «Số văn bản» và «Ngày ban hành» trước khi ghi là đã ban hành")
    made = pipeline.make_document(draft.document, draft.loaded.registry,
                                  pdf=pipeline.pdf_available() if pdf is None else pdf)
    if not made.report.ok:
        problems = "; ".join(r.rule.message for r in made.report.errors)
        raise VanbanError(f"văn bản tạo ra chưa đạt thể thức: {problems}")
    docx_sha = store.files.put(made.docx)
    pdf_sha = store.files.put(made.pdf) if made.pdf else None
    with store.session() as s:
        row = plan_rows.get_plan(s, plan_id)
        report_rows.save_unit_document(s, row, unit_id, "subplan", None, number=draft.number, date=draft.date,
                                       fields=dict(draft.fields), docx_sha=docx_sha, pdf_sha=pdf_sha,
                                       by=_user(s, user), issued=True)
        audit.record(s, _user(s, user), "subplan.issue", f"plan:{plan_id}/unit:{unit_id}", number=draft.number,
                     date=draft.date.isoformat())
    return unit_draft(store, plan_id, unit_id)


def issued_file(store, plan, unit_id: str, fmt: str = "docx") -> bytes:
    """The issued sub-plan as kept in the file store (.docx or .pdf)."""
    saved = _subplan_row(store, _plan_id(plan), unit_id)
    sha = saved and saved["issued"] and saved["pdf_sha" if fmt == "pdf" else "docx_sha"]
    if not sha:
        raise InputError("kế hoạch của đơn vị chưa được ghi là đã ban hành" if fmt == "docx"
                         else "không có bản PDF của kế hoạch đã ban hành")
    return store.files.get(sha)


def issued_subplans(store, plan) -> dict[str, dict]:
    """unit id → {number, date, issued, issued_at} of every unit that saved or issued its sub-plan."""
    plan_id = _plan_id(plan)
    found = {}
    with store.session() as s:
        row = plan_rows.get_plan(s, plan_id)
        for unit_id, _ in issuing_units(store, plan_id):
            doc = report_rows.unit_document(s, row, unit_id, "subplan", None)
            if doc is not None:
                found[unit_id] = {"number": doc.number, "date": doc.date, "issued": doc.issued,
                                  "issued_at": doc.issued_at}
    return found


def issued_documents(store, plan, unit_id: str | None = None) -> list[str]:
    """The units whose sub-plan of ``plan`` is recorded as issued (only ``unit_id``, when given), in the order
    they were issued."""
    plan_id = _plan_id(plan)
    with store.session() as s:
        row = plan_rows.get_plan(s, plan_id)
        issued = [(doc.issued_at, doc.unit_id) for doc in report_rows.unit_documents(s, row, "subplan")
                  if doc.issued and (unit_id is None or doc.unit_id == unit_id)]
    return [unit for _, unit in sorted(issued, key=lambda pair: (pair[0] is None, pair[0], pair[1]))]


def outgoing_register(store, plan, unit_id: str | None = None) -> bytes:
    """The sổ đăng ký văn bản đi (Nghị định 30/2020/NĐ-CP, Phụ lục IV) of the plan's issued sub-plans, as
    .xlsx bytes: every unit's (the Văn phòng), or ``unit_id``'s only; one row per document with the số and
    ngày the unit recorded, in the order they were issued."""
    plan_id = _plan_id(plan)
    info = plan_info(store, plan_id)
    if unit_id is not None:
        _require_unit(store, plan_id, unit_id)
    drafts = [unit_draft(store, plan_id, unit) for unit in issued_documents(store, plan_id, unit_id)]
    loaded, _, _ = pipeline.unit_documents(plan_file(store, plan_id))
    heading = f"Kế hoạch cụ thể hóa {info.title}" + (f" ({info.citation})" if info.citation else "")
    if unit_id is not None:
        heading = f"{loaded.registry.unit(unit_id).name} — {heading[:1].lower()}{heading[1:]}"
    return pipeline.outgoing_register([draft.document for draft in drafts], loaded.registry, heading=heading)


# ---------------------------------------------------------------- a unit's reports

@dataclass(frozen=True)
class ReportPage:
    form: pipeline.ReportForm
    subplan_number: int | None  # what the unit recorded for its own sub-plan: the report cites it
    subplan_date: dt.date | None
    history: list[SubmissionInfo]  # oldest first
    values: dict  # form field → the latest submission's answer, to start from


def _period(path: Path, unit_id: str, period_id: str) -> pipeline.ReportForm:
    return pipeline.report_form(path, period_id, unit_id)


def _form_values(form: pipeline.ReportForm, results: dict) -> dict:
    values = {}
    for question in form.questions:
        if not question.field:
            continue
        node = results
        for part in question.path:
            node = node.get(str(part)) if isinstance(node, dict) else None
        if node not in (None, ""):
            values[question.field] = short_date(parse_date(node)) if question.kind == "date" else str(node)
    for indicator_id, value in (results.get("indicators") or {}).items():
        if value is not None:
            values[f"indicator.{indicator_id}"] = str(value)
    return values


def report_page(store, plan, unit_id: str, period_id: str) -> ReportPage:
    plan_id = _plan_id(plan)
    path = _require_unit(store, plan_id, unit_id)
    form = _period(path, unit_id, period_id)
    saved = _subplan_row(store, plan_id, unit_id) or {}
    past = history(store, plan_id, unit_id, form.period.id)
    return ReportPage(form, saved.get("number"), saved.get("date"), past,
                      _form_values(form, past[-1].results) if past else {})


def submit_report(store, plan, unit_id: str, period_id: str, *, fields=None, workbook: bytes | None = None,
                  user) -> SubmissionInfo:
    """The unit's report for the period, from the page's fields or an uploaded workbook: a new version (the
    history is kept), citing the sub-plan the unit recorded; late when it arrives after the deadline."""
    plan_id = _plan_id(plan)
    _require_published(store, plan_id)
    path = _require_unit(store, plan_id, unit_id)
    period = _period(path, unit_id, period_id).period
    results = pipeline.unit_results(path, unit_id, period.id, fields=fields, workbook=workbook)
    if is_blank(results):
        raise InputError("báo cáo chưa có số liệu hay nội dung nào; hãy điền trước khi gửi")
    saved = _subplan_row(store, plan_id, unit_id) or {}
    data = results.model_dump(mode="json", exclude_none=True)
    if not results.sub_plan.number and saved.get("number"):
        data["sub_plan"] = {"number": saved["number"],
                            **({"date": saved["date"].isoformat()} if saved.get("date") else {})}
    workbook_sha = store.files.put(workbook) if workbook is not None else None
    with store.session() as s:
        row = plan_rows.get_plan(s, plan_id)
        made = report_rows.submit(s, row, unit_id, period.id, data, workbook_sha, _user(s, user))
        s.flush()
        audit.record(s, _user(s, user), "report.submit", f"plan:{plan_id}/unit:{unit_id}/period:{period.id}",
                     version=made.version, workbook=workbook is not None)
        return _submission(made, period.deadline)


def history(store, plan, unit_id: str, period_id: str) -> list[SubmissionInfo]:
    plan_id = _plan_id(plan)
    deadline = _period(plan_file(store, plan_id), unit_id, period_id).period.deadline
    with store.session() as s:
        rows = report_rows.history(s, plan_rows.get_plan(s, plan_id), unit_id, period_id)
        return sorted((_submission(r, deadline) for r in rows), key=lambda r: r.version)


def submitted_workbook(store, plan, submission_id: int) -> bytes:
    with store.session() as s:
        row = s.get(Submission, submission_id)
        if row is None or row.plan_id != _plan_id(plan) or row.workbook_sha is None:
            raise InputError("không có sổ Excel này")
        sha = row.workbook_sha
    return store.files.get(sha)


@dataclass(frozen=True)
class BoardRow:
    unit_id: str
    name: str
    state: str  # "missing" | "submitted" | "accepted" | "returned"
    latest: SubmissionInfo | None
    consolidator: bool  # its results are its own part of the consolidated report, never «chưa báo cáo»
    subplan: dict | None  # number, date, issued of its sub-plan

    @property
    def state_label(self) -> str:
        return STATES[self.state]

    @property
    def late(self) -> bool:
        return self.latest is not None and self.latest.late


@dataclass(frozen=True)
class Board:
    plan: PlanInfo
    period: object  # model.Period
    periods: list  # every period of the plan
    rows: list[BoardRow]

    def count(self, state: str) -> int:
        return sum(1 for r in self.rows if r.state == state and not r.consolidator)

    @property
    def reported(self) -> int:
        return sum(1 for r in self.rows if r.state != "missing" and not r.consolidator)

    @property
    def total(self) -> int:
        return sum(1 for r in self.rows if not r.consolidator)

    @property
    def late(self) -> int:
        return sum(1 for r in self.rows if r.late and r.state != "missing" and not r.consolidator)


def board(store, plan, period_id: str) -> Board:
    """Per issuing unit: its latest report for the period (when, which version, on time or late; accepted or
    returned with a note), or missing."""
    plan_id = _plan_id(plan)
    info = plan_info(store, plan_id)
    loaded, context, units = pipeline.unit_documents(plan_file(store, plan_id))
    period = next((p for p in context.cascade.periods if p.id == period_id), None)
    if period is None:
        raise InputError("kế hoạch không có kỳ báo cáo này")
    subplans = issued_subplans(store, plan_id)
    with store.session() as s:
        latest = report_rows.latest_submissions(s, plan_rows.get_plan(s, plan_id), period.id)
        latest = {u: _submission(r, period.deadline) for u, r in latest.items()}
    rows = [BoardRow(u, loaded.registry.unit(u).name, latest[u].status if u in latest else "missing", latest.get(u),
                     u == context.cascade.consolidator, subplans.get(u)) for u in units]
    return Board(info, period, list(context.cascade.periods), rows)


def review_submission(store, plan, submission_id: int, status: str, note: str | None, user) -> SubmissionInfo:
    """Accept a unit's report, or return it with a note saying what to change."""
    plan_id = _plan_id(plan)
    note = (note or "").strip() or None
    if status not in ("accepted", "returned"):
        raise InputError("chỉ có thể nhận hoặc trả lại báo cáo")
    if status == "returned" and not note:
        raise InputError("Lý do trả lại: hãy ghi cho đơn vị biết cần sửa gì")
    path = plan_file(store, plan_id)
    with store.session() as s:
        row = s.get(Submission, submission_id)
        if row is None or row.plan_id != plan_id:
            raise InputError("không có báo cáo này")
        deadline = _period(path, row.unit_id, row.period_id).period.deadline
        report_rows.review_submission(s, row, status, note, _user(s, user))
        audit.record(s, _user(s, user), f"report.{'accept' if status == 'accepted' else 'return'}",
                     f"plan:{plan_id}/unit:{row.unit_id}/period:{row.period_id}", version=row.version, note=note)
        s.flush()
        return _submission(row, deadline)


def submission_document(store, plan, submission_id: int, *, pdf: bool = False,
                        unit_id: str | None = None) -> tuple[str, str, pipeline.Made]:
    """A submitted report rendered from its stored results: (unit id, period id, the document). With
    ``unit_id`` (a unit downloading its own), another unit's report is as absent as one that never was."""
    plan_id = _plan_id(plan)
    with store.session() as s:
        row = s.get(Submission, submission_id)
        if row is None or row.plan_id != plan_id or (unit_id is not None and row.unit_id != unit_id):
            raise InputError("không có báo cáo này")
        unit_id, period_id, data = row.unit_id, row.period_id, dict(row.results)
    results = validate_fields(Results, data, label="báo cáo đã gửi")
    loaded, document = pipeline.unit_report_document(plan_file(store, plan_id), unit_id, period_id, results)
    return unit_id, period_id, pipeline.make_document(document, loaded.registry, pdf=pdf)


def counted_results(store, plan, period_id: str) -> dict[str, dict]:
    """unit id → the results that count for the period: its latest report not returned. Lateness is the
    board's: the day it was submitted counts, so a report dated before the deadline but sent after it is
    named late in the consolidated report too (and one left undated is dated the day it was sent)."""
    plan_id = _plan_id(plan)
    found = {}
    with store.session() as s:
        row = plan_rows.get_plan(s, plan_id)
        for unit_id in report_rows.latest_submissions(s, row, period_id):
            kept = [r for r in report_rows.history(s, row, unit_id, period_id) if r.status != "returned"]
            if not kept:
                continue
            best = max(kept, key=lambda r: r.version)
            results = dict(best.results)
            report = dict(results.get("report") or {})
            sent = (best.submitted_at + dt.timedelta(hours=7)).date()  # the day in Vietnam (UTC+7)
            dated = parse_date(report["date"]) if isinstance(report.get("date"), str) and report["date"] else None
            if dated is None or dated < sent:
                report["date"] = sent.isoformat()
            results["report"] = report
            found[unit_id] = results
    return found


def consolidated(store, plan, period_id: str) -> tuple[bytes, pipeline.Consolidated]:
    """The consolidated report for the period from the database: the counted results of each unit written as
    the results files :func:`pipeline.consolidate` reads, the report made, its bytes and who reported."""
    plan_id = _plan_id(plan)
    path = plan_file(store, plan_id)
    results = counted_results(store, plan_id, period_id)
    with tempfile.TemporaryDirectory(prefix="vanban-consolidate-") as work:
        folder = Path(work) / "ket-qua"
        folder.mkdir()
        for unit_id, data in results.items():
            (folder / f"{unit_id}.yaml").write_text(_dump(data), encoding="utf-8")
        made = pipeline.consolidate(path, period_id, folder, Path(work))
        return made.docx.read_bytes(), made


def audit_entries(store, limit: int = 200) -> list[dict]:
    with store.session() as s:
        return [{"at": e.at, "user_id": e.user_id, "action": e.action, "target": e.target,
                 "detail": dict(e.detail or {})} for e in audit.entries(s, limit)]

