"""Build the registry of today's units (since 01/7/2025) and the merger table for migrating old data.

Writes ``data/vn-2025/<province>.yaml`` — one registry per province: its UBND, its sở, ban, ngành (from the
template ``generator/data/agencies-2025.yaml``), and every UBND xã, phường, đặc khu with GSO code, header
lines, địa danh and ký hiệu — and ``data/vn-2025/migration.json``, which maps every pre-2025 huyện and xã
(GSO codes) to the 2025 commune-level units that replaced it. Run once, commit the result: vanban reads
these files and never imports the source packages at run time.

Sources: the PyPI packages vietnam-provinces (34 provinces, 3,321 units; GSO) and vietnamadminunits
(legacy 63-province data and the merger table of sapnhap.bando.com.vn).
Run: ``make national-units``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sqlite3
from pathlib import Path

import yaml

from .. import resources
from ..layout import default_layout
from ..metrics import text_width_twips, wrap_lines
from ..vietnamese import slugify, upper

OUT = resources.national()
SCOPE = {"xã": "xã", "phường": "phường", "đặc khu": "đặc khu"}
SUB_AREAS = {"xã": "thôn, tổ dân phố", "phường": "tổ dân phố", "đặc khu": "thôn, tổ dân phố"}
# Communes on the national border (registry field «border»), by GSO code. Gia Lai (52), on the border with
# Cambodia: the xã of the former border huyện Ia Grai (Ia O 23782, Ia Chia 23788), Đức Cơ (Ia Dom 23872, Ia Nan
# 23884, Ia Pnôn 23881) and Chư Prông (Ia Púch 23917, Ia Mơ 23737), which Nghị quyết 1664/NQ-UBTVQH15 kept
# unchanged (../shared/reference/gia-lai-2021.md, mục 3). That these seven are exactly the border communes is
# chưa xác minh (not checked against a list of border communes); other provinces: none filled yet.
BORDER_COMMUNES = {52: {"23782", "23788", "23872", "23884", "23881", "23917", "23737"}}


# where a văn thư breaks a header name that does not fit one line, best first: before the locality that
# ends it ("BỘ CHỈ HUY QUÂN SỰ / TỈNH AN GIANG"), before "VÀ" ("SỞ NÔNG NGHIỆP / VÀ MÔI TRƯỜNG"), after the
# hyphen of a joined name ("PHƯỜNG XUÂN HƯƠNG - / ĐÀ LẠT"), after a comma, and after the word that opens a
# commune's name so the name stays whole ("PHƯỜNG / TRƯƠNG QUANG TRỌNG"); never inside a word of two
# syllables ("MÔI / TRƯỜNG"), which a greedy wrap does
_LOCALITIES = ("TỈNH ", "THÀNH PHỐ ", "XÃ ", "PHƯỜNG ", "ĐẶC KHU ")


def _break_rank(words: list[str], at: int) -> int | None:
    rest = " ".join(words[at:]) + " "
    if rest.startswith(_LOCALITIES):
        return 0
    if words[at] == "VÀ":
        return 1
    if words[at - 1] == "-":
        return 2
    if words[at - 1].endswith(","):
        return 3
    if at == 1 or " ".join(words[:at]) == "ĐẶC KHU":
        return 4
    return None


def fit(text: str, *, bold: bool, size: float) -> list[str]:
    """Header lines that fit the issuer column: the text whole if it fits, else broken where a văn thư
    breaks it (see _break_rank; the most even split among the best), and greedily only when no such place
    gives lines that fit."""
    room = default_layout().header_table.left_content
    if not text or text_width_twips(text, size, bold=bold) <= room:
        return [text]
    words = text.split()
    found = []
    for at in range(1, len(words)):
        rank = _break_rank(words, at)
        head, tail = " ".join(words[:at]), " ".join(words[at:])
        if rank is None or text_width_twips(head, size, bold=bold) > room:
            continue
        rest = fit(tail, bold=bold, size=size)
        if all(text_width_twips(line, size, bold=bold) <= room for line in rest):
            uneven = abs(text_width_twips(head, size, bold=bold) - text_width_twips(rest[0], size, bold=bold))
            found.append((rank, len(rest), uneven, [head, *rest]))
    return min(found)[3] if found else wrap_lines(text, room, size, bold=bold)


def chu_quan_lines(area_line: str, size: float) -> list[str]:
    """The chủ quản above a sở's name: "UBND TỈNH GIA LAI" on one line; where that does not fit, written
    out on two as the UBND writes its own ("ỦY BAN NHÂN DÂN" / "THÀNH PHỐ HỒ CHÍ MINH")."""
    short = f"UBND {area_line}"
    lines = fit(short, bold=False, size=size)
    return lines if len(lines) == 1 else ["ỦY BAN NHÂN DÂN", *fit(area_line, bold=False, size=size)]


def province_names(province: dict) -> tuple[str, str, str, str]:
    """(header line "TỈNH GIA LAI", running-text name "tỉnh Gia Lai", địa danh, kind word)."""
    name = province["name"]
    if province["division_type"] == "tỉnh":
        return f"TỈNH {upper(name)}", f"tỉnh {name}", name, "tỉnh"
    short = name.removeprefix("Thành phố ")
    place = name if short == "Hồ Chí Minh" else short  # ND30: a unit named after a person is written in full
    return upper(name), f"thành phố {short}", place, "thành phố"


def ward_place(ward: dict) -> str:
    bare = ward["name"].split(" ", 1)[1] if ward["division_type"] != "đặc khu" else ward["name"][len("Đặc khu "):]
    return ward["name"] if bare[:1].isdigit() else bare  # "Phường 1" stays whole


def build_province(province: dict, agencies: list[dict]) -> dict:
    layout = default_layout()
    header_line, running, place, kind_word = province_names(province)
    units = [{
        "id": "ubnd-tinh",
        "kind": "ubnd-tinh",
        "name": f"Ủy ban nhân dân {running}",
        "short_name": f"UBND {running.split(' ', 1)[0] if kind_word == 'tỉnh' else kind_word}",
        "header": ["ỦY BAN NHÂN DÂN"] + fit(header_line, bold=True, size=layout.sizes.ban_hanh),
        "code": "UBND",
        "place": place,
        "gso_code": f"{province['code']:02d}",
        **({"scope": "thành phố", "sub_areas": "xã, phường"} if kind_word == "thành phố" else {"sub_areas": "xã, phường"}),
    }]
    chu_quan = chu_quan_lines(header_line, layout.sizes.chu_quan)
    for agency in agencies:
        name = agency["name"].replace(" tỉnh", f" {kind_word}") if agency["name"].endswith(" tỉnh") else agency["name"]
        if agency["id"] == "van-phong-ubnd-tinh":
            name = f"Văn phòng Ủy ban nhân dân {kind_word}"
        unit = {
            "id": agency["id"],
            "kind": agency.get("kind", "co-quan-chuyen-mon"),
            "name": name if agency.get("chu_quan", True) else f"{name} {province['name'].removeprefix('Thành phố ')}",
            "short_name": agency.get("short_name", name).replace(" tỉnh", f" {kind_word}"),
            "header": agency.get("header") or fit(upper(name) if agency.get("chu_quan", True)
                                                  else upper(f"{name} {province['name'].removeprefix('Thành phố ')}"),
                                                  bold=True, size=layout.sizes.ban_hanh),
            "code": agency["code"],
            "place": place,
            "parent": "ubnd-tinh",
        }
        if agency.get("chu_quan", True):
            unit["parent_header"] = list(chu_quan)
        for key in ("head_title", "deputy_title"):
            if key in agency:
                unit[key] = agency[key]
        units.append(unit)
    seen: dict[str, int] = {}
    for ward in province["wards"]:
        slug = slugify(ward["name"])
        seen[slug] = seen.get(slug, 0) + 1
    for ward in province["wards"]:
        slug = slugify(ward["name"])
        kind = ward["division_type"]
        units.append({
            "id": f"ubnd-{slug}" + (f"-{ward['code']}" if seen[slug] > 1 else ""),
            "kind": "ubnd-xa",
            "name": f"Ủy ban nhân dân {ward['name'][0].lower()}{ward['name'][1:]}",
            "short_name": f"UBND {ward['name'][0].lower()}{ward['name'][1:]}",
            "header": ["ỦY BAN NHÂN DÂN"] + fit(upper(ward["name"]), bold=True, size=layout.sizes.ban_hanh),
            "code": "UBND",
            "place": ward_place(ward),
            "parent": "ubnd-tinh",
            "gso_code": f"{ward['code']:05d}",
            "scope": SCOPE[kind],
            "sub_areas": SUB_AREAS[kind],
            **({"border": True} if f"{ward['code']:05d}" in BORDER_COMMUNES.get(province["code"], ()) else {}),
        })
    for unit in units:
        for line in unit["header"]:
            assert text_width_twips(line, layout.sizes.ban_hanh, bold=True) <= layout.header_table.left_content, line
    registry = {"name": f"{province['name']} (từ 01/7/2025)", "units": units}
    if kind_word == "thành phố":
        registry["kinds"] = city_kinds()
    return registry


def city_kinds() -> dict:
    """The province-level kinds as a thành phố trực thuộc trung ương names them ("Công an thành phố", "các
    sở, ban, ngành thành phố"): the plans of a city, its Nơi nhận and the importer's keywords say so."""
    kinds = {}
    for key, kind in resources.data_yaml("unit-kinds.yaml").items():
        if key.startswith("ubnd-"):
            continue
        city = {field: _city_words(value) for field, value in kind.items()}
        if city != kind:
            kinds[key] = city
    return kinds


def _city_words(value):
    if isinstance(value, list):
        return [_city_words(item) for item in value]
    return re.sub(r"\btỉnh\b", "thành phố", value) if isinstance(value, str) else value


def migration_table() -> dict:
    """Old huyện and xã (GSO codes) → the 2025 commune-level units that took them over."""
    import vietnamadminunits  # only in the "data" extra (make national-units), never needed at run time

    base = Path(vietnamadminunits.__file__).parent / "data"
    db = sqlite3.connect(base / "dataset.db")
    old = {f"{pk}_{dk}_{wk}": (pc, dc, wc, p, d, w) for pk, dk, wk, pc, dc, wc, p, d, w in db.execute(
        "select provinceKey, districtKey, wardKey, provinceCode, districtCode, wardCode, province, district, ward "
        "from admin_units_legacy")}
    new = {(pk, wk): wc for pk, wk, wc in db.execute("select provinceKey, wardKey, wardCode from admin_units")}
    converter = json.loads((base / "converter_2025.json").read_text(encoding="utf-8"))
    wards: dict[str, dict] = {}
    for province_key, mapping in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_key, olds in mapping.items():
            for old_key in olds:
                if old_key in old and (province_key, new_key) in new:
                    wards.setdefault(old_key, set()).add(new[(province_key, new_key)])
    divided = set()
    for province_key, mapping in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_key, targets in mapping.items():
            for target in targets:
                if old_key in old and (province_key, target["newWardKey"]) in new:
                    wards.setdefault(old_key, set()).add(new[(province_key, target["newWardKey"])])
                    divided.add(old_key)
    out_wards, out_districts = {}, {}
    for old_key, codes in sorted(wards.items()):
        pc, dc, wc, p, d, w = old[old_key]
        out_wards[wc] = {"name": w, "district": dc, "province": pc, "new": sorted(codes),
                         **({"divided": True} if old_key in divided else {})}
        district = out_districts.setdefault(dc, {"name": d, "province": pc, "new": set()})
        district["new"].update(codes)
    for district in out_districts.values():
        district["new"] = sorted(district["new"])
    return {"wards": out_wards, "districts": out_districts}


def main() -> None:
    # the "data" extra's packages (make national-units): vanban never needs them at run time
    import vietnam_provinces
    import vietnamadminunits  # noqa: I001 - see above

    source = (f"vietnam-provinces {vietnam_provinces.__version__} (dữ liệu {vietnam_provinces.__data_version__}), "
              f"vietnamadminunits {getattr(vietnamadminunits, '__version__', '1.0.4')}; sinh ngày {dt.date.today()}")
    template = resources.data_yaml("agencies-2025.yaml")
    provinces = json.loads(Path(vietnam_provinces.NESTED_DIVISIONS_JSON_PATH).read_text(encoding="utf-8"))
    OUT.mkdir(parents=True, exist_ok=True)
    index = []
    for province in provinces:
        slug = province["codename"].replace("_", "-")
        for ward in province["wards"]:  # the source writes a few names with a doubled or leading space
            ward["name"] = " ".join(ward["name"].split())
        changes = template.get("provinces", {}).get(slug, {})
        agencies = [a for a in template["agencies"] if a["id"] not in changes.get("remove", [])] + changes.get("add", [])
        registry = build_province(province, agencies)
        head = (f"# Sổ đơn vị {province['name']} từ 01/7/2025: UBND, sở, ban, ngành và "
                f"{len(province['wards'])} đơn vị hành chính cấp xã.\n# Nguồn: {source}.\n"
                "# Sinh bằng `make national-units`; sửa mẫu sở, ban, ngành ở generator/data/agencies-2025.yaml.\n")
        (OUT / f"{slug}.yaml").write_text(head + yaml.safe_dump(registry, allow_unicode=True, sort_keys=False,
                                                                width=120), encoding="utf-8")
        index.append({"id": slug, "name": province["name"], "gso_code": f"{province['code']:02d}",
                      "kind": province["division_type"], "communes": len(province["wards"]), "file": f"{slug}.yaml"})
    (OUT / "index.yaml").write_text(
        f"# 34 tỉnh, thành phố từ 01/7/2025. Nguồn: {source}.\n"
        + yaml.safe_dump({"source": source, "provinces": index}, allow_unicode=True, sort_keys=False), encoding="utf-8")
    table = migration_table()
    table = {"source": source, **table}
    (OUT / "migration.json").write_text(json.dumps(table, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
                                        + "\n", encoding="utf-8")
    print(f"{len(index)} tỉnh, {sum(p['communes'] for p in index)} đơn vị cấp xã → {OUT}")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
