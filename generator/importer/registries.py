"""Which units registry an imported plan belongs to: the issuing province's, before or after 01/7/2025.

A plan names its units in its own words ("Các Sở, ban, ngành, UBND các huyện, thị xã, thành phố"); those
words mean the units of the province as it stood on the plan's date. vanban ships the 34 provinces of
2025 (data/vn-2025) and, for some provinces, the registry of an earlier year (data/<tỉnh>-<năm>/units.yaml).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from .. import resources
from ..errors import VanbanError
from ..loading import UnitsRegistry, load_registry
from ..units import NATIONAL, national_index
from ..vietnamese import slugify
from .parse import match_unit

REFORM = dt.date(2025, 7, 1)  # the provinces and communes of Nghị quyết 202/2025/QH15 and 76/2025/UBTVQH15
_PROVINCE_LINE = re.compile(r"^(?:UBND|ỦY BAN NHÂN DÂN|HĐND|HỘI ĐỒNG NHÂN DÂN)?\s*(?:TỈNH|THÀNH PHỐ)\s+(?P<name>.+)$")
_EARLIER = re.compile(r"^(?P<province>[a-z0-9-]+)-(?P<year>20\d\d)$")


@dataclass(frozen=True)
class Chosen:
    registry: UnitsRegistry
    name: str  # what the plan's «units» says: a built-in name (vn-2025/gia-lai, gia-lai-2021/units)
    unit: str | None  # the issuer's id in it, when the header names one of its units
    why: str  # for the review list


def province_names(issuer: dict) -> list[str]:
    """Province names the header says: "TỈNH GIA LAI", "UBND TỈNH GIA LAI", the place of the date line."""
    names = []
    for line in [*issuer.get("parent_header", []), *issuer.get("header", [])]:
        found = _PROVINCE_LINE.match(line.strip())
        if found:
            names.append(found.group("name"))
    if issuer.get("place"):
        names.append(issuer["place"])
    return names


def _earlier_registries() -> list[tuple[str, int, Path]]:
    found = []
    for folder in sorted(resources.datasets().iterdir()):
        match = _EARLIER.match(folder.name)
        if match and (folder / "units.yaml").is_file():
            found.append((match["province"], int(match["year"]), folder / "units.yaml"))
    return found


def _same_parent(issuer: dict, parent_header: list[str]) -> bool:
    wanted = issuer.get("parent_header") or []
    return not wanted or not parent_header or slugify(" ".join(wanted)) == slugify(" ".join(parent_header))


def issued_before_reform(document: dict) -> bool | None:
    """True before 01/7/2025, False after, None when only the year 2025 is known."""
    date = document.get("date")
    if date:
        day, month, year = (int(part) for part in date.split("/"))
        return dt.date(year, month, day) < REFORM
    year = document.get("year")
    if not year or int(year) == REFORM.year:
        return None
    return int(year) < REFORM.year


def choose(issuer: dict, document: dict) -> Chosen | None:
    """The shipped registry of the issuing province as it was on the document's date, or None."""
    before = issued_before_reform(document)
    wanted = {slugify(name) for name in province_names(issuer)}
    candidates: list[tuple[Path, str, str, bool]] = []  # path, name for the plan, why, only if the issuer is in it
    if before is not False:
        for province, year, path in _earlier_registries():
            if province in wanted:
                candidates.append((path, f"{path.parent.name}/units",
                                   f"sổ đơn vị tỉnh năm {year} (văn bản ban hành trước 01/7/2025)", False))
    if before is not True:
        for entry in national_index():
            if {entry["id"], slugify(entry["name"]), slugify(entry["name"].removeprefix("Thành phố "))} & wanted:
                candidates.append((NATIONAL / entry["file"], f"{NATIONAL.name}/{Path(entry['file']).stem}",
                                   f"sổ đơn vị {entry['name']} từ 01/7/2025", False))
    if not candidates and before is not False:
        # a district names no province in its header: look for its header (and chủ quản) in each registry
        candidates = [(path, f"{path.parent.name}/units", f"sổ đơn vị tỉnh năm {year}", True)
                      for _, year, path in _earlier_registries()]
    for path, name, why, only_with_issuer in candidates:
        try:
            registry = load_registry(path)
        except VanbanError:  # a broken shipped registry is reported when a plan uses it, not here
            continue
        unit = match_unit(issuer, registry)
        if unit is not None and not _same_parent(issuer, registry.units[unit].parent_header):
            unit = None  # "SỞ TƯ PHÁP" under another province's UBND
        if unit is not None or not only_with_issuer:
            return Chosen(registry, name, unit, why)
    return None
