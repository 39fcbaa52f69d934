"""One unit's "cụ thể hóa" sub-plan, derived from the parent plan as an ordinary Document.

The sub-plan keeps the parent's I. and II. (adapted to the unit's scope, with only the tasks the unit
leads or joins), replaces "Tổ chức thực hiện" with the unit's own organisation and deadlines, and takes
its header, signature and Nơi nhận from the unit and its kind. All wording comes from the kind's profile
and the unit's override file; this module only decides what goes where.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from .. import inline
from ..errors import InputError, InputErrors, Location
from ..loading import LoadedPlan, UnitsRegistry
from ..model import Appendix, AppendixColumn, Cascade, Document, Node, Signer, Unit
from ..validation import did_you_mean
from ..vietnamese import ky_hieu, number_text, short_date
from ..vocabulary import document_types, is_organisation_title, is_purpose_title
from .profiles import ProfileBook, Sourced, load_override, load_profiles
from .wording import Wording, capitalise, lower_first, placeholders

ORGANISATION_TITLE = "Tổ chức thực hiện"
CONTENT_ID = "noi-dung"  # the content section (mục II) of a plan and of every sub-plan
PURPOSE_ID = "muc-dich-yeu-cau"  # mục I: replaced by the unit's own purposes
ORGANISATION_ID = "to-chuc-thuc-hien"  # the last mục: replaced by the unit's own organisation


def item_id(node: Node, position: int) -> str:
    """The id of a content item: its own, else ``muc-<n>`` (n: its 1-based position in the parent)."""
    return node.id or f"muc-{position}"


def content_section(document: Document) -> Node | None:
    """The section with ``id: noi-dung`` (mục II, whose items are the tasks), or None."""
    return next((section for section in document.sections if section.id == CONTENT_ID), None)


@dataclass(frozen=True)
class CascadeContext:
    """Everything shared by the sub-plans of one plan: loaded once per process."""

    loaded: LoadedPlan
    cascade: Cascade
    profiles: ProfileBook
    overrides: Path | None
    resolved: dict = field(default_factory=dict)  # (names, within) → unit ids: a kind is resolved once
    invalid: dict = field(default_factory=dict)  # unit id → the problems of its wording data (found up front)

    def targets(self, names: list[str], where, within: str | None) -> set[str]:
        key = (tuple(names), within)
        if key not in self.resolved:
            self.resolved[key] = set(resolve_targets(names, self.registry, where, within))
        return self.resolved[key]

    @property
    def registry(self) -> UnitsRegistry:
        return self.loaded.registry

    @property
    def parent(self) -> Document:
        return self.loaded.plan.document

    def where(self, *path) -> Location:
        return self.loaded.source.location(("cascade",) + path)


def ancestors(unit_id: str, registry: UnitsRegistry) -> list[str]:
    """The units above ``unit_id``, nearest first, up to the top of the registry (a loop of parents ends)."""
    found: list[str] = []
    current = registry.units[unit_id].parent
    while current and current not in found and current != unit_id:
        found.append(current)
        current = registry.units[current].parent if current in registry.units else None
    return found


def under(unit_id: str, ancestor: str | None, registry: UnitsRegistry) -> bool:
    """Whether ``unit_id`` stands under ``ancestor`` (a kind in a plan means the issuer's own units of it)."""
    return ancestor is None or ancestor in ancestors(unit_id, registry)


def resolve_targets(names: list[str], registry: UnitsRegistry, where, within: str | None = None) -> list[str]:
    """Unit ids and unit kinds → unit ids, in registry order; a kind stands for its units under ``within``."""
    wanted: set[str] = set()
    for index, name in enumerate(names):
        if name in registry.units:
            wanted.add(name)
        elif name in registry.kinds:
            wanted.update(u.id for u in registry.units.values() if u.kind == name and under(u.id, within, registry))
        else:
            raise InputError(f"«{name}» không phải mã đơn vị hay loại đơn vị trong sổ đơn vị", where(index))
    return [unit_id for unit_id in registry.units if unit_id in wanted]


def issuing_units(context: CascadeContext) -> list[str]:
    """The units that must issue a sub-plan."""
    spec = context.cascade
    within = context.parent.issuer
    issuers = resolve_targets(spec.issuers, context.registry, lambda i: context.where("issuers", i), within)
    excluded = set(resolve_targets(spec.exclude, context.registry, lambda i: context.where("exclude", i), within))
    return [u for u in issuers if u not in excluded]


def _names(targets: list[str], registry: UnitsRegistry) -> str:
    names = []
    for target in targets:
        if target in registry.units:
            names.append(registry.units[target].name)
        else:
            kind = registry.kinds[target]
            names.append(kind.plural or kind.label)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " và " + names[-1]


def _deadlines(context: CascadeContext, lead_days: int) -> tuple[str, str]:
    """("trước ngày 05/5/2021 (báo cáo 6 tháng …) và …" for sub-units, the same with the parent's dates)."""
    def phrase(shift: int) -> str:
        parts = [f"trước ngày {short_date(p.deadline - dt.timedelta(days=shift))} (báo cáo {p.name})"
                 for p in context.cascade.periods]
        return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " và " + parts[-1]
    return phrase(lead_days), phrase(0)


def parent_citation(context: CascadeContext) -> str:
    """"Kế hoạch số 45/KH-UBND ngày 05/3/2021 của Ủy ban nhân dân tỉnh Gia Lai về triển khai …"."""
    parent = context.parent
    issuer = context.registry.unit(parent.issuer)
    number = number_text(parent.number) if parent.number else "…"
    when = short_date(parent.date) if parent.date else f"…/…/{parent.issue_year}"
    name = document_types()[parent.type]
    return (f"{name} số {number}/{ky_hieu(parent.type, issuer.code)} ngày {when} của {issuer.name} "
            f"về {lower_first(parent.title)}")


# the province's party committee by the province's own word for itself: a tỉnh has its Tỉnh ủy, a thành phố
# trực thuộc trung ương its Thành ủy ("Ban Dân vận Thành ủy", not "Tỉnh ủy", for the sở of Hà Nội)
PARTY_COMMITTEE = {"tỉnh": "Tỉnh ủy", "thành phố": "Thành ủy"}


def province_word(unit: Unit, registry: UnitsRegistry) -> str:
    """"tỉnh", or "thành phố" for a thành phố trực thuộc trung ương: the scope of the UBND at the top of the
    registry above ``unit``."""
    above = [u for u in ancestors(unit.id, registry) if u in registry.units]
    top = registry.units[above[-1]] if above else unit
    return next((s for s in (top.scope, registry.kind_of(top).scope) if s in PARTY_COMMITTEE), "tỉnh")


def wording_for(unit: Unit, context: CascadeContext, profile: Sourced, override: Sourced | None) -> Wording:
    registry = context.registry
    kind = registry.kind_of(unit)
    parent_unit = registry.unit(context.parent.issuer)
    consolidator = registry.unit(context.cascade.consolidator)
    lead_days = context.cascade.internal_lead_days
    if override and override.model.internal_lead_days is not None:
        lead_days = override.model.internal_lead_days
    internal, upward = _deadlines(context, lead_days)
    via = "" if unit.id == consolidator.id else f" (qua {consolidator.short_name or consolidator.name})"
    area = unit.name[len("Ủy ban nhân dân "):] if unit.name.startswith("Ủy ban nhân dân ") else unit.name
    tinh = province_word(unit, registry)
    values = {
        "tinh": tinh,
        "tinh_uy": PARTY_COMMITTEE[tinh],
        "ten_don_vi": unit.name,
        "ten_ngan": unit.short_name or unit.name,
        "ten_dia_ban": area,
        "pham_vi": unit.scope or kind.scope or "",
        "xa_phuong": unit.sub_areas or kind.sub_areas or "",
        "cap_tren": parent_unit.name,
        "cap_tren_ngan": parent_unit.short_name or parent_unit.name,
        "ke_hoach_cap_tren": parent_citation(context),
        "trich_yeu_cap_tren": context.parent.title,
        "trich_yeu_cap_tren_thuong": lower_first(context.parent.title),
        "bao_cao_cap_tren": f"{parent_unit.name}{via}",
        "dau_moi_tong_hop": consolidator.short_name or consolidator.name,
        "han_noi_bo": internal,
        "han_cap_tren": upward,
        "nam": str(context.parent.issue_year),
        **profile.model.values,
    }
    values.update(profile.model.by_scope.get(values["pham_vi"], {}))
    values.update(override.model.values if override else {})
    return Wording(values)


QUOTED = re.compile(r'"([^"\n]+)"')


def typographic_quotes(text: str) -> str:
    """"Dân vận khéo" → “Dân vận khéo”: straight quotes in copied or added text become typographic."""
    return QUOTED.sub(r"“\1”", text)


def _join(names: list[str]) -> str:
    names = list(dict.fromkeys(n for n in names if n))
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " và " + names[-1] if names else ""


@dataclass(frozen=True)
class Task:
    """One row of the Phụ lục phân công nhiệm vụ: a content item of the unit's plan."""

    id: str
    title: str
    division: str
    partners: str
    time: str
    product: str


class _Adapter:
    """Copies the parent's sections for one unit: its tasks only, the unit as actor, its scope's words."""

    def __init__(self, unit: Unit, context: CascadeContext, wording: Wording, profile: Sourced,
                 override: Sourced | None):
        self.unit = unit
        self.context = context
        self.wording = wording
        self.profile = profile
        model = profile.model
        self.replacements = [
            (pair["from"], wording.fill(pair["to"], profile.location("replacements", i, "to")))
            for i, pair in enumerate(model.replacements)
        ]
        self.actors = [
            (pair["from"], wording.fill(pair["to"], profile.location("actors", i, "to")))
            for i, pair in enumerate(model.actors)
        ]
        extra = override.model if override else None
        self.divisions = {key: (value, profile, "divisions") for key, value in model.divisions.items()}
        self.item_paragraphs = {key: [(t, profile, ("item_paragraphs", key, i)) for i, t in enumerate(v)]
                                for key, v in model.item_paragraphs.items()}
        self.extra_tasks = [(task, profile, ("tasks", i)) for i, task in enumerate(model.tasks)]
        if extra is not None:
            self.divisions.update({key: (value, override, "divisions") for key, value in extra.divisions.items()})
            for key, texts in extra.item_paragraphs.items():
                self.item_paragraphs.setdefault(key, []).extend(
                    (t, override, ("item_paragraphs", key, i)) for i, t in enumerate(texts))
            self.extra_tasks += [(task, override, ("tasks", i)) for i, task in enumerate(extra.tasks)]
        self.tasks: list[Task] = []

    # -- words
    def words(self, text: str | None) -> str | None:
        if text is None:
            return None
        for old, new in self.replacements:
            text = text.replace(old, new)
        return typographic_quotes(text)

    def acted(self, text: str) -> str:
        """A paragraph of the parent with the unit (its head, its divisions) as the actor."""
        for old, new in self.actors:
            text = text.replace(old, new)
        return self.words(text)

    def fill(self, text: str, source: Sourced, *path, **extra) -> str:
        values = Wording({**self.wording.values, **extra}) if extra else self.wording
        return typographic_quotes(values.fill(text, source.location(*path)))

    # -- who does what
    def counterpart(self, name: str) -> str | None:
        """The parent's lead or supporter ``name`` as the unit names it at its own level (None: not named)."""
        parts = self.profile.model.counterparts
        if name in parts:
            part = parts[name]
            if part.name is None or (part.border and not self.unit.border):
                return None
            return self.fill(part.name, self.profile, "counterparts", name)
        return _names([name], self.context.registry)

    def targets(self, names: list[str], path: tuple, key: str) -> set[str]:
        where = lambda i: self.context.loaded.source.location(path + ("assign", key, i))  # noqa: E731
        return self.context.targets(names, where, self.context.parent.issuer)

    def role(self, node: Node, path: tuple) -> str | None:
        if node.only_for and self.unit.kind not in node.only_for:
            return None
        if node.assign is None:
            return "all"
        if self.unit.id in self.targets(node.assign.lead, path, "lead"):
            return "lead"
        if self.unit.id in self.targets(node.assign.support, path, "support"):
            return "support"
        return None

    def paragraphs(self, node: Node) -> list[str]:
        return [self.acted(p) for i, p in enumerate(node.paragraphs)
                if not node.paragraph_kinds(i) or self.unit.kind in node.paragraph_kinds(i)]

    def node(self, node: Node, path: tuple) -> dict | None:
        """A part of the parent below the content items: kept when the unit has a part in it."""
        role = self.role(node, path)
        if role is None:
            return None
        children = [self.node(child, path + ("items", i)) for i, child in enumerate(node.items)]
        children = [c for c in children if c]
        if node.items and not children and not (node.paragraphs or node.text):
            return None
        out = {"id": node.id, "title": self.words(node.title), "text": self.words(node.text),
               "paragraphs": self.paragraphs(node), "items": children}
        return {k: v for k, v in out.items() if v not in (None, [])}

    def task(self, node: Node, position: int, path: tuple) -> dict | None:
        """A content item of the parent as a task of the unit: who leads, who joins, which division."""
        role = self.role(node, path)
        if role is None:
            return None
        ident = item_id(node, position)
        model = self.profile.model
        leads = node.assign.lead if node.assign else []
        supports = node.assign.support if node.assign else []
        partners_given = self._partners(ident)
        if role == "support" and any(name in model.own_lead for name in leads):
            role = "lead"  # the parent's lead for the province; the unit leads it in its own area
            others = [self.counterpart(n) for n in leads if n not in model.own_lead]
        elif role == "lead":  # the other leads and the supporters; never the unit itself (nor its own kind alone)
            others = [self.counterpart(n) for n in leads + supports
                      if self.targets([n], path, "lead") != {self.unit.id}]
        else:
            others = [self.counterpart(n) for n in leads]
        division = self._division(ident)
        if role == "support":
            chu_tri = _join(others) or "các đơn vị chủ trì"
            partners = chu_tri + " (chủ trì)"
            template, key = model.support_intro, "support_intro"
        else:
            chu_tri = ""
            partners = partners_given or _join(others) or self.fill("{truc_thuoc}", self.profile)
            template, key = (model.lead_intro, "lead_intro") if role == "lead" else (model.own_intro, "own_intro")
        paragraphs = self.paragraphs(node) + [self.fill(t, src, *where) for t, src, where in
                                              self.item_paragraphs.get(ident, [])]
        children = [self.node(child, path + ("items", i)) for i, child in enumerate(node.items)]
        children = [c for c in children if c]
        if node.items and not children and not paragraphs:
            return None
        if paragraphs or children:
            paragraphs.insert(0, self.fill(template, self.profile, key, chu_tri=chu_tri, phoi_hop=partners,
                                           phong_chu_tri=division))
        else:
            paragraphs = [self.fill(model.task_line, self.profile, "task_line", phoi_hop=partners,
                                    phong_chu_tri=division)]
        title = self.words(node.title or node.text)
        self.tasks.append(Task(ident, inline.plain(title), division, partners, node.time or model.time,
                               node.product or model.product))
        out = {"id": ident, "title": self.words(node.title), "text": self.words(node.text), "paragraphs": paragraphs,
               "items": children}
        return {k: v for k, v in out.items() if v not in (None, [])}

    def _division(self, ident: str) -> str:
        if ident in self.divisions:
            value, source, key = self.divisions[ident]
            return self.fill(value, source, key, ident)
        return self.fill("{dau_moi}", self.profile)

    def _partners(self, ident: str) -> str | None:
        given = self.profile.model.partners.get(ident)
        return self.fill(given, self.profile, "partners", ident) if given else None

    def own_task(self, ident: str, title: str, paragraphs: list[str], division: str, partners: str,
                 time: str, product: str) -> dict:
        """A task that is the unit's own (named for it by the parent, or added by its kind or override)."""
        intro = self.fill(self.profile.model.own_intro if paragraphs else self.profile.model.task_line,
                          self.profile, "own_intro", phoi_hop=partners, phong_chu_tri=division)
        self.tasks.append(Task(ident, inline.plain(title), division, partners, time, product))
        return {"id": ident, "title": title, "paragraphs": [intro, *paragraphs] if paragraphs else [intro]}

    def named_tasks(self, organisation: Node | None, path: tuple) -> list[dict]:
        """Tasks the parent's "Tổ chức thực hiện" gives this unit by name (``own_task`` on its items)."""
        found = []
        for index, item in enumerate(organisation.items if organisation else []):
            spec = item.own_task
            if spec is None:
                continue
            where = lambda i, index=index: self.context.loaded.source.location(  # noqa: E731
                path + ("items", index, "own_task", "units", i))
            if self.unit.id not in self.context.targets(spec.units, where, self.context.parent.issuer):
                continue
            ident = f"rieng-{spec.id}"
            found.append(self.own_task(ident, self.words(spec.title), self.paragraphs(item), self._division(ident),
                                       self._partners(ident) or self.fill("{truc_thuoc}", self.profile),
                                       spec.time or self.profile.model.time, spec.product or self.profile.model.product))
        return found

    def added_tasks(self) -> list[dict]:
        found = []
        for task, source, where in self.extra_tasks:
            ident = f"rieng-{task.id}"
            fill = lambda text, *more: self.fill(text, source, *where, *more)  # noqa: E731
            found.append(self.own_task(
                ident, fill(task.title, "title"), [fill(p, "paragraphs", i) for i, p in enumerate(task.paragraphs)],
                fill(task.division, "division") if task.division else self._division(ident),
                fill(task.partners, "partners") if task.partners else self.fill("{truc_thuoc}", self.profile),
                fill(task.time or self.profile.model.time, "time"),
                fill(task.product or self.profile.model.product, "product")))
        return found


def _is_purpose(node: Node, index: int) -> bool:
    return node.id == PURPOSE_ID or (index == 0 and is_purpose_title(node.title or ""))


def is_organisation(node: Node) -> bool:
    """The «Tổ chức thực hiện» section, by its id or its title (an imported plan may have no ids)."""
    return node.id == ORGANISATION_ID or is_organisation_title(node.title or "")


def subplan(unit_id: str, context: CascadeContext) -> Document:
    """The draft Kế hoạch of ``unit_id`` that makes the parent plan concrete for it."""
    registry = context.registry
    unit = registry.unit(unit_id)
    profile = context.profiles.for_kind(unit.kind, registry_location(context, unit_id))
    override = load_override(context.overrides, unit_id)
    wording = wording_for(unit, context, profile, override)

    def pick(field: str):
        """The override's value of ``field`` if it has one, else the profile's; with where it came from."""
        if override is not None and getattr(override.model, field) is not None:
            return getattr(override.model, field), override
        return getattr(profile.model, field), profile

    def fill(text: str, source: Sourced, *path) -> str:
        return wording.fill(text, source.location(*path))

    adapter = _Adapter(unit, context, wording, profile, override)
    sections = []
    organisation_title = ORGANISATION_TITLE
    parent_sections = context.parent.sections
    organisation_index = next((i for i, s in enumerate(parent_sections) if is_organisation(s)), None)
    organisation = parent_sections[organisation_index] if organisation_index is not None else None
    content_index = next((i for i, s in enumerate(parent_sections) if s.id == CONTENT_ID), None)
    if content_index is None:  # a plan without ids: its first section after mục I that is not mục III
        content_index = next((i for i, s in enumerate(parent_sections)
                              if not _is_purpose(s, i) and not is_organisation(s)), None)
    for index, section in enumerate(parent_sections):
        path = ("document", "sections", index)
        if is_organisation(section):
            organisation_title = section.title or ORGANISATION_TITLE
            continue
        if _is_purpose(section, index):
            purposes, purposes_source = pick("purposes")
            sections.append({"id": section.id, "title": section.title,
                             "items": [{"text": adapter.fill(text, purposes_source, "purposes", i)}
                                       for i, text in enumerate(purposes)]})
            continue
        if index != content_index:
            adapted = adapter.node(section, path)
            if adapted:
                sections.append(adapted)
            continue
        tasks = [adapter.task(item, position, path + ("items", position - 1))
                 for position, item in enumerate(section.items, start=1)]
        tasks = [t for t in tasks if t]
        own = adapter.named_tasks(organisation, ("document", "sections", organisation_index)) + adapter.added_tasks()
        last = context.cascade.last_item
        at = next((i for i, t in enumerate(tasks) if last and t["id"] == last), len(tasks))
        tasks[at:at] = own
        adapter.tasks.sort(key=lambda t: [x["id"] for x in tasks].index(t.id))
        sections.append({"id": CONTENT_ID, "title": adapter.words(section.title), "items": tasks})
    items, source = pick("organisation")
    sections.append({
        "title": organisation_title,
        "items": [{"title": fill(item.title, source, "organisation", i, "title"),
                   "paragraphs": [fill(p, source, "organisation", i, "paragraphs", j)
                                  for j, p in enumerate(item.paragraphs)]}
                  for i, item in enumerate(items)],
    })
    title, title_source = pick("title")
    opening, opening_source = pick("opening")
    closing, closing_source = pick("closing")
    archive, archive_source = pick("archive")
    signer = override.model.signer if override and override.model.signer else Signer(role=profile.model.signer_role)
    recipients = []
    own_names = {unit.name, unit.short_name}
    for source, key, entries in ((profile, "recipients", profile.model.recipients),
                                 (profile, "border_recipients", profile.model.border_recipients if unit.border else []),
                                 (override, "extra_recipients", override.model.extra_recipients if override else [])):
        for i, recipient in enumerate(entries):
            entry = recipient.model_dump(exclude_none=True)
            if recipient.to:
                entry["to"] = capitalise(fill(recipient.to, source, key, i, "to"))
                if entry["to"] in own_names:
                    continue  # the consolidator does not send its own plan to itself
            if recipient.unit == unit.id:
                continue
            recipients.append(entry)
    data = {
        "issuer": unit.id,
        "type": "KH",
        "year": context.parent.issue_year,
        "title": fill(title, title_source, "title"),
        "opening": [fill(opening, opening_source, "opening")],
        "sections": sections,
        "closing": [fill(text, closing_source, "closing", i) for i, text in enumerate(closing)],
        "signer": signer.model_dump(),
        "recipients": recipients,
        "archive": [fill(text, archive_source, "archive", i) for i, text in enumerate(archive)],
        "appendix": task_appendix(adapter.tasks, fill(profile.model.appendix_title, profile, "appendix_title")),
    }
    try:
        return Document.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        field = ".".join(str(p) for p in first["loc"])
        raise InputError(f"kế hoạch của đơn vị «{unit_id}» không hợp lệ ở «{field}»: "
                         f"{first.get('ctx', {}).get('error', first['msg'])}",
                         (override or profile).location()) from None


def task_appendix(tasks: list[Task], title: str) -> dict | None:
    """Phụ lục phân công nhiệm vụ: one row per task of mục II (nội dung, chủ trì, phối hợp, thời gian, sản phẩm)."""
    if not tasks:
        return None
    columns = [AppendixColumn(name="STT", width_mm=12, numeric=True), AppendixColumn(name="Nội dung nhiệm vụ"),
               AppendixColumn(name="Đơn vị chủ trì", width_mm=42), AppendixColumn(name="Đơn vị phối hợp", width_mm=52),
               AppendixColumn(name="Thời gian thực hiện", width_mm=30), AppendixColumn(name="Sản phẩm", width_mm=38)]
    rows = [[number, task.title, capitalise(task.division), capitalise(task.partners), task.time, task.product]
            for number, task in enumerate(tasks, start=1)]
    return Appendix(title=title, columns=columns, rows=rows, landscape=True).model_dump()


def registry_location(context: CascadeContext, unit_id: str) -> Location:
    return Location(context.registry.path, field=f"units[{unit_id}].kind")


def load_context(loaded: LoadedPlan) -> CascadeContext:
    """Profiles and overrides for the plan's cascade; errors when the plan has no cascade section."""
    spec = loaded.plan.cascade
    if spec is None:
        raise InputError("kế hoạch chưa có mục «cascade» (đơn vị nào phải cụ thể hóa, hạn báo cáo)",
                         loaded.source.location(()),
                         hint="xem data/gia-lai-2021/ke-hoach-dan-van-2021.yaml")
    base = loaded.path.parent
    profiles = load_profiles((base / spec.profiles).resolve() if spec.profiles else None)
    overrides = (base / spec.overrides).resolve() if spec.overrides else None
    context = CascadeContext(loaded, spec, profiles, overrides)
    check_plan_marks(context)
    context.invalid.update(check_wording(context))
    return context


def check_plan_marks(context: CascadeContext) -> None:
    """The cascade fields of the plan's nodes: ``for`` names unit kinds, ``own_task`` units or kinds, and
    ``cascade.last_item`` a content item. All problems are raised together, each at its file, line, field."""
    registry = context.registry
    source = context.loaded.source
    errors: list[InputError] = []

    def kind_problem(name: str, path: tuple) -> None:
        if name not in registry.kinds:
            errors.append(InputError(f"«{name}» không phải mã loại đơn vị trong sổ đơn vị"
                                     f"{did_you_mean(name, sorted(registry.kinds))}", source.location(path)))

    def walk(nodes, path):
        for index, node in enumerate(nodes):
            here = (*path, index)
            for i, name in enumerate(node.only_for):
                kind_problem(name, (*here, "for", i))
            for number, kinds in node.marked_paragraphs.items():
                for i, name in enumerate(kinds):
                    kind_problem(name, (*here, "paragraphs", number, "for", i))
            if node.own_task:
                for i, name in enumerate(node.own_task.units):
                    if name not in registry.units and name not in registry.kinds:
                        errors.append(InputError(f"«{name}» không phải mã đơn vị hay loại đơn vị trong sổ đơn vị"
                                                 f"{did_you_mean(name, [*registry.units, *registry.kinds])}",
                                                 source.location((*here, "own_task", "units", i))))
            walk(node.items, (*here, "items"))

    walk(context.parent.sections, ("document", "sections"))
    last = context.cascade.last_item
    content = content_section(context.parent)
    if last and not (content and any(item.id == last for item in content.items)):
        known = [item.id for item in content.items if item.id] if content else []
        errors.append(InputError(f"«{last}» không phải mã một khoản của mục nội dung (id: {CONTENT_ID})"
                                 f"{did_you_mean(last, known)}", source.location(("cascade", "last_item"))))
    if errors:
        raise InputErrors(errors)


BASE_NAMES = {"tinh", "tinh_uy", "ten_don_vi", "ten_ngan", "ten_dia_ban", "pham_vi", "xa_phuong", "cap_tren", "cap_tren_ngan",
              "ke_hoach_cap_tren", "trich_yeu_cap_tren", "trich_yeu_cap_tren_thuong", "bao_cao_cap_tren",
              "dau_moi_tong_hop", "han_noi_bo", "han_cap_tren", "nam"}


def _texts(model, path: tuple = ()):
    """(path, text) for every string of a profile or override model."""
    if isinstance(model, str):
        yield path, model
    elif isinstance(model, dict):
        for key, value in model.items():
            yield from _texts(value, path + (key,))
    elif isinstance(model, list):
        for index, value in enumerate(model):
            yield from _texts(value, path + (index,))
    elif hasattr(model, "model_dump"):
        yield from _texts(model.model_dump(exclude_none=True), path)


def check_wording(context: CascadeContext) -> dict[str, list[InputError]]:
    """Every override file of the issuing units is read, and every {chỗ trống} of every profile and override
    in use is checked, before any document is written. Returns the problems by unit: a bad override fails
    its unit, a bad profile every unit of its kind; the other units go on."""
    problems: dict[str, list[InputError]] = {}
    units = issuing_units(context)
    overrides = {}
    for unit_id in units:
        try:
            overrides[unit_id] = load_override(context.overrides, unit_id)
        except InputErrors as many:
            problems.setdefault(unit_id, []).extend(many.errors)
        except InputError as one:
            problems.setdefault(unit_id, []).append(one)

    def unknown(sourced, names: set[str]) -> list[InputError]:
        found = []
        for path, text in _texts(sourced.model):
            if path[:1] in (("replacements",), ("actors",)) and path[-1:] == ("from",):
                continue
            for name in sorted(placeholders(text) - names):
                close = difflib.get_close_matches(name, sorted(names), n=1)
                found.append(InputError(f"chỗ trống {{{name}}} không có", sourced.location(*path),
                                        hint=f"có phải ý bạn là {{{close[0]}}}?" if close else None))
        return found

    for kind in sorted({context.registry.unit(u).kind for u in units}):
        members = [u for u in units if context.registry.unit(u).kind == kind]
        try:
            profile = context.profiles.for_kind(kind, registry_location(context, members[0]))
        except InputError as one:
            for unit_id in members:
                problems.setdefault(unit_id, []).append(one)
            continue
        scoped = {name for values in profile.model.by_scope.values() for name in values}
        allowed = BASE_NAMES | set(profile.model.values) | scoped | {"chu_tri", "phoi_hop", "phong_chu_tri"}
        shared = unknown(profile, allowed)
        for unit_id in members:
            own = []
            override = overrides.get(unit_id)
            if override is not None:
                own = unknown(override, allowed | set(override.model.values))
                used = set().union(*(placeholders(t) for _, t in _texts(override.model)), *(
                    placeholders(t) for _, t in _texts(profile.model)))
                for name in sorted(set(override.model.values) - BASE_NAMES - set(profile.model.values) - used):
                    own.append(InputError(f"giá trị «{name}» không được dùng ở chỗ trống nào"
                                          f"{did_you_mean(name, sorted(allowed - BASE_NAMES))}",
                                          override.location("values", name)))
            if shared or own:
                problems.setdefault(unit_id, []).extend(shared + own)
    return problems
