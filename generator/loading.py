"""Load and validate plan files and units registries: the first step of every pipeline.

Shapes and types are checked by the models; here we check what needs more than one value: unit ids
unique, kinds and parents known, the plan's issuer and recipients present in the registry, the
document type in Phụ lục III. Every problem of a file is reported at once, with its line.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


from . import resources
from .errors import InputError, InputErrors
from .layout import default_layout
from .metrics import text_width_twips
from .model import Plan, Registry, Unit, UnitKind
from .ooxml import twips_to_mm
from .validation import did_you_mean, validate
from .vocabulary import document_types
from .yamlio import YamlDocument, load


@lru_cache(maxsize=1)
def default_kinds() -> dict[str, UnitKind]:
    return {key: UnitKind.model_validate(value) for key, value in resources.data_yaml("unit-kinds.yaml").items()}


@dataclass(frozen=True)
class UnitsRegistry:
    """A validated registry: units by id, with their kind profiles resolved."""

    path: Path
    name: str
    units: dict[str, Unit]
    kinds: dict[str, UnitKind]

    def unit(self, unit_id: str) -> Unit:
        return self.units[unit_id]

    def kind_of(self, unit: Unit) -> UnitKind:
        return self.kinds[unit.kind]

    def head_title(self, unit: Unit) -> str:
        return unit.head_title or self.kind_of(unit).head_title

    def deputy_title(self, unit: Unit) -> str:
        return unit.deputy_title or self.kind_of(unit).deputy_title


def load_registry(path: Path) -> UnitsRegistry:
    source = load(path)
    registry = validate(Registry, source)
    kinds = {**default_kinds(), **registry.kinds}
    errors: list[InputError] = []
    seen: dict[str, int] = {}
    for index, unit in enumerate(registry.units):
        where = ("units", index)
        if unit.id in seen:
            errors.append(InputError(f"mã đơn vị «{unit.id}» bị trùng (đã dùng cho đơn vị thứ {seen[unit.id] + 1})",
                                     source.location(where + ("id",))))
        seen.setdefault(unit.id, index)
        if unit.kind not in kinds:
            errors.append(InputError(f"loại đơn vị «{unit.kind}» không có; các loại hiện có: {', '.join(sorted(kinds))}",
                                     source.location(where + ("kind",))))
    ids = {unit.id for unit in registry.units}
    errors += header_problems(registry, source)
    for index, unit in enumerate(registry.units):
        if unit.parent and unit.parent not in ids:
            errors.append(InputError(f"đơn vị cấp trên «{unit.parent}» không có trong sổ đơn vị",
                                     source.location(("units", index, "parent"))))
    if errors:
        raise InputErrors(errors)
    return UnitsRegistry(Path(path), registry.name, {unit.id: unit for unit in registry.units}, kinds)


def header_problems(registry: Registry, source: YamlDocument) -> list[InputError]:
    """Header lines wider than the issuer column would wrap in the document: each is refused with its width."""
    layout = default_layout()
    room = layout.header_table.left_content
    errors = []
    for index, unit in enumerate(registry.units):
        for key, size, bold in (("parent_header", layout.sizes.chu_quan, False), ("header", layout.sizes.ban_hanh, True)):
            for line_index, line in enumerate(getattr(unit, key)):
                width = text_width_twips(line, size, bold=bold)
                if width > room:
                    errors.append(InputError(
                        f"dòng tiêu đề «{line}» rộng {twips_to_mm(width):.0f} mm, cột tên cơ quan chỉ rộng "
                        f"{twips_to_mm(room):.0f} mm", source.location(("units", index, key, line_index)),
                        hint="chia thành hai dòng trong danh sách header"))
    return errors


@dataclass(frozen=True)
class LoadedPlan:
    path: Path
    source: YamlDocument
    plan: Plan
    registry: UnitsRegistry

    @property
    def slug(self) -> str:
        return self.plan.slug or self.path.stem


def registry_named(plan_path: Path, units: str) -> Path | None:
    """The registry a plan's «units:» names: a path from the plan's folder first, else a registry shipped
    with vanban by its name (``vn-2025/gia-lai``); None when there is neither."""
    beside = (Path(plan_path).parent / units).resolve()
    if beside.is_file():
        return beside
    built_in = resources.built_in_registry(units)
    return built_in.resolve() if built_in else None


def load_plan(path: Path) -> LoadedPlan:
    """The plan and its registry, validated; every problem of both files is reported in one go."""
    path = Path(path)
    source = load(path)
    errors: list[InputError] = []
    plan = registry = None
    try:
        plan = validate(Plan, source)
    except InputErrors as problems:
        errors += problems.errors
    units = plan.units if plan else (source.data.get("units") if isinstance(source.data, dict) else None)
    if isinstance(units, str):
        registry_path = registry_named(path, units)
        if registry_path is None:
            errors.append(InputError(f"không tìm thấy sổ đơn vị «{units}»", source.location(("units",)),
                                     hint="ghi đường dẫn tính từ thư mục của kế hoạch, hoặc tên một sổ có sẵn "
                                          "như vn-2025/gia-lai (xem: vanban units list)"))
        else:
            try:
                registry = load_registry(registry_path)
            except InputErrors as problems:
                errors += problems.errors
            except InputError as problem:
                errors.append(problem)
    if plan is not None and registry is not None:
        try:
            check_references(plan, source, registry)
        except InputErrors as problems:
            errors += problems.errors
    if errors:
        raise InputErrors(errors)
    return LoadedPlan(path, source, plan, registry)


def check_references(plan: Plan, source: YamlDocument, registry: UnitsRegistry) -> None:
    """What needs the whole plan and its registry: every unit named is defined, ids are unique, deadlines
    fall in the plan's year, every section has content. All problems are raised together."""
    doc = plan.document
    errors: list[InputError] = []

    def problem(message: str, where: tuple) -> None:
        errors.append(InputError(message, source.location(where)))

    def unknown_unit(unit_id: str, where: tuple, kinds_allowed: bool = False) -> None:
        known = [*registry.units, *(registry.kinds if kinds_allowed else ())]
        if unit_id not in known:
            what = "đơn vị hoặc loại đơn vị" if kinds_allowed else "đơn vị"
            problem(f"{what} «{unit_id}» không có trong sổ đơn vị {registry.path.name}"
                    f"{did_you_mean(unit_id, known)}", where)

    unknown_unit(doc.issuer, ("document", "issuer"))
    types = document_types()
    if doc.type not in types:
        problem(f"loại văn bản «{doc.type}» không có trong Phụ lục III Nghị định 30/2020/NĐ-CP "
                f"(ví dụ: KH = Kế hoạch, BC = Báo cáo)", ("document", "type"))
    for field in ("recipients", "kinh_gui"):
        for index, recipient in enumerate(getattr(doc, field)):
            if recipient.unit:
                unknown_unit(recipient.unit, ("document", field, index, "unit"))
    for index, section in enumerate(doc.sections):
        if not (section.text or section.paragraphs or section.items):
            problem(f"mục «{section.title}» chưa có nội dung (cần «paragraphs» hoặc «items»)",
                    ("document", "sections", index))
    for path, node in _nodes(doc.sections, ("document", "sections")):
        if node.assign:
            for role in ("lead", "support"):
                for index, unit_id in enumerate(getattr(node.assign, role)):
                    unknown_unit(unit_id, (*path, "assign", role, index), kinds_allowed=True)
    if plan.cascade:
        spec = plan.cascade
        for field in ("issuers", "exclude"):
            for index, unit_id in enumerate(getattr(spec, field)):
                unknown_unit(unit_id, ("cascade", field, index), kinds_allowed=True)
        unknown_unit(spec.consolidator, ("cascade", "consolidator"))
        for index, recipient in enumerate(spec.report_to):
            if recipient.unit:
                unknown_unit(recipient.unit, ("cascade", "report_to", index, "unit"))
        for field, what in (("periods", "kỳ báo cáo"), ("indicators", "chỉ tiêu")):
            seen: set[str] = set()
            for index, item in enumerate(getattr(spec, field)):
                if item.id in seen:
                    problem(f"mã {what} «{item.id}» bị trùng", ("cascade", field, index, "id"))
                seen.add(item.id)
        year = doc.issue_year
        for index, period in enumerate(spec.periods):
            if period.deadline.year not in (year, year + 1):
                problem(f"hạn báo cáo {period.deadline:%d/%m/%Y} của kỳ «{period.name}» không thuộc năm của kế "
                        f"hoạch ({year}) hay năm sau", ("cascade", "periods", index, "deadline"))
            elif doc.date and period.deadline < doc.date:
                problem(f"hạn báo cáo {period.deadline:%d/%m/%Y} của kỳ «{period.name}» trước ngày ban hành kế "
                        f"hoạch ({doc.date:%d/%m/%Y})", ("cascade", "periods", index, "deadline"))
            elif period.window and period.window.end > period.deadline:
                problem(f"thời gian chốt số liệu của kỳ «{period.name}» kết thúc ngày {period.window.end:%d/%m/%Y}, "
                        f"sau hạn gửi báo cáo ({period.deadline:%d/%m/%Y}): số liệu phải chốt trước khi gửi",
                        ("cascade", "periods", index, "window", "to"))
    if errors:
        raise InputErrors(errors)


def _nodes(nodes, path: tuple):
    for index, node in enumerate(nodes):
        yield (*path, index), node
        yield from _nodes(node.items, (*path, index, "items"))
