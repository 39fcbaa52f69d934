"""One unit's "cụ thể hóa" sub-plan, derived from the parent plan as an ordinary Document.

The sub-plan keeps the parent's I. and II. (adapted to the unit's scope, with only the tasks the unit
leads or joins), replaces "Tổ chức thực hiện" with the unit's own organisation and deadlines, and takes
its header, signature and Nơi nhận from the unit and its kind. All wording comes from the kind's profile
and the unit's override file; this module only decides what goes where.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from ..errors import InputError, InputErrors, Location
from ..loading import LoadedPlan, UnitsRegistry
from ..model import Cascade, Document, Node, Signer, Unit
from ..validation import did_you_mean
from ..vietnamese import ky_hieu, number_text, short_date
from ..vocabulary import document_types
from .profiles import ProfileBook, Sourced, load_override, load_profiles
from .wording import Wording, capitalise, lower_first, placeholders

ORGANISATION_TITLE = "Tổ chức thực hiện"
CONTENT_ID = "noi-dung"  # the content section (mục II) of a plan and of every sub-plan


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


def under(unit_id: str, ancestor: str | None, registry: UnitsRegistry) -> bool:
    """Whether ``unit_id`` stands under ``ancestor`` (a kind in a plan means the issuer's own units of it)."""
    if ancestor is None:
        return True
    seen = set()
    current = registry.units[unit_id].parent
    while current and current not in seen:
        if current == ancestor:
            return True
        seen.add(current)
        current = registry.units[current].parent if current in registry.units else None
    return False


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
    values = {
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
        **(override.model.values if override else {}),
    }
    return Wording(values)


class _Adapter:
    """Copies the parent's sections for one unit: its tasks only, its scope's words."""

    def __init__(self, unit: Unit, context: CascadeContext, wording: Wording, profile: Sourced):
        self.unit = unit
        self.context = context
        self.wording = wording
        self.profile = profile
        self.replacements = [
            (pair["from"], wording.fill(pair["to"], profile.location("replacements", i, "to")))
            for i, pair in enumerate(profile.model.replacements)
        ]

    def words(self, text: str | None) -> str | None:
        if text is None:
            return None
        for old, new in self.replacements:
            text = text.replace(old, new)
        return text

    def role(self, node: Node, path: tuple) -> str | None:
        if node.assign is None:
            return "all"
        registry = self.context.registry
        where = lambda key: lambda i: self.context.loaded.source.location(path + ("assign", key, i))  # noqa: E731
        within = self.context.parent.issuer
        if self.unit.id in self.context.targets(node.assign.lead, where("lead"), within):
            return "lead"
        if self.unit.id in self.context.targets(node.assign.support, where("support"), within):
            return "support"
        return None

    def node(self, node: Node, path: tuple) -> dict | None:
        role = self.role(node, path)
        if role is None:
            return None
        children = [self.node(child, path + ("items", i)) for i, child in enumerate(node.items)]
        if node.id == CONTENT_ID:  # the tasks keep the parent's ids, so reports can follow them
            children = [c and {**c, "id": item_id(child, i + 1)} for i, child in enumerate(node.items)
                        for c in [children[i]]]
        children = [c for c in children if c]
        if node.items and not children and not (node.paragraphs or node.text):
            return None
        paragraphs = [self.words(p) for p in node.paragraphs]
        if role == "support":
            leads = _names(node.assign.lead, self.context.registry) if node.assign.lead else "các đơn vị chủ trì"
            intro = Wording({**self.wording.values, "chu_tri": leads}).fill(
                self.profile.model.support_intro, self.profile.location("support_intro"))
            paragraphs.insert(0, intro)
        out = {"id": node.id, "title": self.words(node.title), "text": self.words(node.text), "paragraphs": paragraphs,
               "items": children}
        return {k: v for k, v in out.items() if v not in (None, [])}


def _is_organisation(node: Node) -> bool:
    return node.id == "to-chuc-thuc-hien" or (node.title or "").lower().startswith("tổ chức thực hiện")


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

    adapter = _Adapter(unit, context, wording, profile)
    sections = []
    organisation_title = ORGANISATION_TITLE
    for index, section in enumerate(context.parent.sections):
        if _is_organisation(section):
            organisation_title = section.title or ORGANISATION_TITLE
            continue
        adapted = adapter.node(section, ("document", "sections", index))
        if adapted:
            sections.append(adapted)
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
    }
    try:
        return Document.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        field = ".".join(str(p) for p in first["loc"])
        raise InputError(f"kế hoạch của đơn vị «{unit_id}» không hợp lệ ở «{field}»: "
                         f"{first.get('ctx', {}).get('error', first['msg'])}",
                         (override or profile).location()) from None


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
    context.invalid.update(check_wording(context))
    return context


BASE_NAMES = {"ten_don_vi", "ten_ngan", "ten_dia_ban", "pham_vi", "xa_phuong", "cap_tren", "cap_tren_ngan",
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
            if path[:1] == ("replacements",) and path[-1:] == ("from",):
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
        allowed = BASE_NAMES | set(profile.model.values) | {"chu_tri"}
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
