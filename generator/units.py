"""Browsing the units registries: the 2021 ones shipped with plans and the 34 provinces of 2025."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from . import resources
from .errors import InputError, Location
from .loading import UnitsRegistry, load_registry
from .model import Unit
from .vietnamese import slugify

NATIONAL = resources.national()


@dataclass(frozen=True)
class Found:
    registry: UnitsRegistry
    province: str | None
    unit: Unit


def national_index(folder: Path = NATIONAL) -> list[dict]:
    path = folder / "index.yaml"
    if not path.is_file():
        raise InputError("không có sổ đơn vị toàn quốc (data/vn-2025/index.yaml)", Location(path))
    return yaml.safe_load(path.read_text(encoding="utf-8"))["provinces"]


def province_file(name: str, folder: Path = NATIONAL) -> Path:
    """A province by id, name or GSO code, diacritics and case ignored ("gia lai", "Gia Lai", "52")."""
    wanted = slugify(name)
    for entry in national_index(folder):
        if wanted in (entry["id"], slugify(entry["name"]), entry["gso_code"]) or \
                wanted == slugify(entry["name"].removeprefix("Thành phố ")):
            return folder / entry["file"]
    names = ", ".join(e["id"] for e in national_index(folder))
    raise InputError(f"không có tỉnh, thành phố «{name}»; các mã: {names}")


def registries(province: str | None, registry: Path | None) -> list[tuple[str | None, UnitsRegistry]]:
    if registry is not None:
        return [(None, load_registry(registry))]
    if province is not None:
        path = province_file(province)
        return [(path.stem, load_registry(path))]
    return [(entry["id"], load_registry(NATIONAL / entry["file"])) for entry in national_index()]


def matches(unit: Unit, search: str) -> bool:
    wanted = slugify(search)
    haystack = [unit.id, unit.name, unit.short_name or "", unit.gso_code or "", *unit.aliases]
    return any(wanted in slugify(text) for text in haystack if text)


def find_units(*, province: str | None = None, kind: str | None = None, search: str | None = None,
               registry: Path | None = None) -> list[Found]:
    out = []
    for name, reg in registries(province, registry):
        if kind and kind not in reg.kinds:
            raise InputError(f"không có loại đơn vị «{kind}»; các loại: {', '.join(sorted(reg.kinds))}")
        for unit in reg.units.values():
            if (kind is None or unit.kind == kind) and (search is None or matches(unit, search)):
                out.append(Found(reg, name, unit))
    return out


def show_unit(unit_id: str, *, province: str | None = None, registry: Path | None = None) -> Found:
    if "/" in unit_id and province is None and registry is None:
        province, unit_id = unit_id.split("/", 1)
    found = [f for f in find_units(province=province, registry=registry) if f.unit.id == unit_id]
    if not found:
        raise InputError(f"không có đơn vị «{unit_id}»", hint="tìm bằng: vanban units list --search …")
    if len(found) > 1:
        provinces = ", ".join(f"{f.province}/{unit_id}" for f in found)
        raise InputError(f"mã «{unit_id}» có ở nhiều tỉnh; ghi rõ: {provinces}")
    return found[0]
