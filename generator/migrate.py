"""`vanban units migrate`: move a plan or a results file from pre-2025 units to today's.

Every unit a file names is looked up in its old registry and followed to its successor in the new one:
huyện and old xã through the official merger table (``data/vn-2025/migration.json``, by GSO code),
sở, ban, ngành through ``generator/data/agency-mergers-2025.yaml``, unit kinds through the same file. The
report says what kept its place, what was merged into what, and what needs a person to decide (a huyện
split among several xã, a sở divided among several), so nothing is guessed silently.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from . import resources
from .errors import InputError, Location
from .loading import UnitsRegistry, load_registry, registry_named
from .model import Unit
from .output import write_atomic
from .units import NATIONAL
from .yamlio import load

KEPT, MERGED, DECIDE, MISSING = "giữ nguyên", "sáp nhập", "cần quyết định", "không tìm thấy"


@dataclass(frozen=True)
class Mapping:
    old: str
    old_name: str
    new: tuple[str, ...]
    status: str
    where: str  # the field of the file

    def line(self, names: dict[str, str]) -> str:
        target = ", ".join(f"{names.get(n, n)} ({n})" for n in self.new) or "—"
        return f"[{self.status}] {self.where}: {self.old_name} ({self.old}) → {target}"


@dataclass
class MigrationReport:
    out: Path
    mappings: list[Mapping] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)

    @property
    def decisions(self) -> list[Mapping]:
        return [m for m in self.mappings if m.status in (DECIDE, MISSING)]

    def text(self) -> str:
        return "\n".join(m.line(self.names) for m in self.mappings)


@lru_cache(maxsize=1)
def merger_table() -> dict:
    return json.loads((NATIONAL / "migration.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def agency_mergers() -> dict:
    return resources.data_yaml("agency-mergers-2025.yaml")


class Migrator:
    def __init__(self, old: UnitsRegistry, new: UnitsRegistry):
        self.old, self.new = old, new
        self.by_code = {u.gso_code: u.id for u in new.units.values() if u.gso_code}
        self.by_name = {u.name: u.id for u in new.units.values()}
        self.mappings: list[Mapping] = []

    def successors(self, unit: Unit) -> tuple[list[str], str]:
        if unit.id in self.new.units and self.new.units[unit.id].name == unit.name:
            return [unit.id], KEPT
        if unit.name in self.by_name:
            return [self.by_name[unit.name]], KEPT
        if unit.kind == "ubnd-tinh" and "ubnd-tinh" in self.new.units:
            return ["ubnd-tinh"], MERGED
        table = merger_table()
        code = unit.gso_code or ""
        codes: list[str] = []
        divided = False
        if len(code) == 3 and code in table["districts"]:
            codes = table["districts"][code]["new"]
        elif len(code) == 5 and code in table["wards"]:
            codes = table["wards"][code]["new"]
            divided = bool(table["wards"][code].get("divided"))
        ids = [self.by_code[c] for c in codes if c in self.by_code]
        if not ids:
            names = agency_mergers()["mergers"].get(unit.name, [])
            ids = [self.by_name[n] for n in names if n in self.by_name]
        if not ids:
            return [], MISSING
        return ids, (DECIDE if len(ids) > 1 or divided else MERGED)

    def single(self, value: str, where: str) -> str:
        """A field that names one unit: its successor; the first candidate when a person must choose."""
        if value not in self.old.units:
            if value in self.new.units:
                return value
            raise InputError(f"đơn vị «{value}» không có trong sổ đơn vị cũ {self.old.path.name}", Location(field=where))
        ids, status = self.successors(self.old.units[value])
        self.mappings.append(Mapping(value, self.old.units[value].name, tuple(ids), status, where))
        return ids[0] if ids else value

    def many(self, values: list[str], where: str) -> list[str]:
        """A list of units or kinds: each replaced by all its successors (a huyện by all its xã)."""
        kinds = agency_mergers()["kinds"]
        out: list[str] = []
        for index, value in enumerate(values):
            if value in self.old.kinds and value not in self.old.units:
                new_kind = kinds.get(value, value)
                if new_kind not in self.new.kinds:
                    self.mappings.append(Mapping(value, f"loại {value}", (), MISSING, f"{where}[{index}]"))
                    continue
                if new_kind != value:
                    self.mappings.append(Mapping(value, f"loại {value}", (new_kind,), MERGED, f"{where}[{index}]"))
                out.append(new_kind)
                continue
            if value not in self.old.units:
                out.append(value)
                continue
            ids, status = self.successors(self.old.units[value])
            # in a list every successor takes part, so a split is no decision here
            status = MERGED if status == DECIDE else status
            self.mappings.append(Mapping(value, self.old.units[value].name, tuple(ids), status, f"{where}[{index}]"))
            out += [i for i in ids if i not in out]
        return list(dict.fromkeys(out))


def _nodes(nodes: list, path: str, migrator: Migrator) -> None:
    for index, node in enumerate(nodes or []):
        here = f"{path}[{index}]"
        assign = node.get("assign") if isinstance(node, dict) else None
        if assign:
            for key in ("lead", "support"):
                if key in assign:
                    assign[key] = migrator.many(assign[key], f"{here}.assign.{key}")
        if isinstance(node, dict):
            _nodes(node.get("items", []), f"{here}.items", migrator)


def migrate_file(path: Path, to: Path, out: Path, *, old_units: Path | None = None, force: bool = False) -> MigrationReport:
    path, to, out = Path(path), Path(to), Path(out)
    if out.exists() and not force:
        raise InputError("tệp đã có; thêm --force để ghi đè", Location(out))
    source = load(path)
    data = source.data
    if not isinstance(data, dict):
        raise InputError("không phải tệp kế hoạch hay tệp kết quả", Location(path))
    is_plan = "document" in data
    if is_plan:
        old_registry = load_registry(registry_named(path, data["units"]) or (path.parent / data["units"]).resolve())
    elif old_units is None:
        raise InputError("tệp kết quả không ghi sổ đơn vị cũ; thêm --old-units SỔ_ĐƠN_VỊ_CŨ.yaml", Location(path))
    else:
        old_registry = load_registry(old_units)
    new_registry = load_registry(to)
    migrator = Migrator(old_registry, new_registry)
    if is_plan:
        document = data["document"]
        data["units"] = os.path.relpath(to.resolve(), out.resolve().parent)
        document["issuer"] = migrator.single(document["issuer"], "document.issuer")
        for key in ("recipients", "kinh_gui"):
            for index, entry in enumerate(document.get(key) or []):
                if isinstance(entry, dict) and entry.get("unit"):
                    entry["unit"] = migrator.single(entry["unit"], f"document.{key}[{index}].unit")
        _nodes(document.get("sections", []), "document.sections", migrator)
        cascade = data.get("cascade")
        if cascade:
            for key in ("issuers", "exclude"):
                if key in cascade:
                    cascade[key] = migrator.many(cascade[key], f"cascade.{key}")
            cascade["consolidator"] = migrator.single(cascade["consolidator"], "cascade.consolidator")
            cascade.pop("overrides", None)  # per-unit wording was written for the old units
    else:
        data["unit"] = migrator.single(data["unit"], "unit")
    report = MigrationReport(out, migrator.mappings,
                             {u.id: u.name for u in new_registry.units.values()})
    header = [f"# Chuyển từ {path.name} sang sổ đơn vị {to.name} bằng vanban units migrate.",
              "# Chú thích của tệp gốc không được giữ lại. Kết quả chuyển đổi:"]
    header += [f"#   {line}" for line in report.text().splitlines()]
    write_atomic(out, ("\n".join(header) + "\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False,
                                                                   width=100)).encode("utf-8"))
    return report
