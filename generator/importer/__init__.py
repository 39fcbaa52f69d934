"""`vanban import`: a received plan (.docx, .txt, .md) → plan data (YAML) a secretary reviews.

read (encoding repair) → blocks (layout repair) → parse (structure) → resolve the issuer against a units
registry, or describe it in a registry of its own → write the plan YAML (with the cascade hints marked for
review) and, when needed, the registry.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..encodings import read_text_file
from ..errors import InputError, Location
from ..loading import load_plan, load_registry
from ..ooxml.document import open_docx
from ..output import write_atomic
from ..vietnamese import slugify
from .blocks import from_docx, from_text
from .parse import Parser, guess_unit, match_unit, units_named

SUFFIXES = (".docx", ".txt", ".md")


@dataclass
class ImportResult:
    plan: Path
    units: Path
    issuer: str
    warnings: list[str] = field(default_factory=list)


def read_blocks(source: Path):
    suffix = source.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(f"chỉ nhập được tệp {', '.join(SUFFIXES)}; tệp .doc hoặc .pdf hãy lưu lại dưới dạng .docx "
                         "hoặc chép nội dung ra tệp .txt", Location(source))
    if suffix == ".docx":
        return from_docx(open_docx(source)), [], True
    text, notes = read_text_file(source)
    return from_text(text), notes, False


def _dump(data) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100, default_flow_style=False)


def import_plan(source: Path, out: Path, *, units: Path | None = None, issuer: str | None = None,
                force: bool = False) -> ImportResult:
    source, out = Path(source), Path(out)
    if out.exists() and not force:
        raise InputError("tệp đã có; thêm --force để ghi đè", Location(out))
    blocks, notes, from_word = read_blocks(source)
    imported = Parser(blocks, from_docx=from_word).parse()
    warnings = notes + imported.warnings
    registry = load_registry(units) if units else None
    unit_id = issuer
    if registry is not None and unit_id is None:
        unit_id = match_unit(imported.issuer, registry)
    if registry is not None and unit_id is not None:
        if unit_id not in registry.units:
            raise InputError(f"đơn vị «{unit_id}» không có trong sổ đơn vị", Location(units))
        units_path = Path(units)
    else:
        if registry is not None:
            warnings.append("không tìm thấy đơn vị ban hành trong sổ đơn vị đã cho; đã tạo sổ đơn vị riêng")
        unit = guess_unit(imported.issuer)
        if not imported.issuer.get("header"):
            warnings.append("văn bản không có phần tiêu đề (tên cơ quan, số, ngày): hãy sửa đơn vị ban hành "
                            f"trong sổ đơn vị {out.stem}.units.yaml")
        unit_id = unit["id"]
        units_path = out.with_name(f"{out.stem}.units.yaml")
        if units_path.exists() and not force:
            raise InputError("tệp đã có; thêm --force để ghi đè", Location(units_path))
        header = ("# Sổ đơn vị do vanban import tạo từ phần tiêu đề và khối chữ ký của văn bản; hãy soát lại.\n")
        write_atomic(units_path, (header + _dump({"name": "Đơn vị ban hành (nhập từ văn bản)", "units": [unit]}))
                     .encode("utf-8"))
    document = dict(imported.document, issuer=unit_id)
    default_place = registry.units[unit_id].place if registry is not None and unit_id in registry.units \
        else imported.issuer.get("place")
    if document.get("place") == default_place:
        document.pop("place", None)  # the unit's own place: not repeated in the plan
    if registry is not None:
        imported.suggestions["organisation"] = [
            {"title": title, "units": units_named(title, registry)} for title in imported.suggestions["organisation"]]
    plan = {
        "units": os.path.relpath(units_path.resolve(), out.resolve().parent),
        "slug": None,
        "document": {k: v for k, v in document.items() if v not in (None, [], "")},
        "suggestions": imported.suggestions,
    }
    plan["slug"] = slugify(out.stem) or "ke-hoach"
    comment = [f"# Dữ liệu kế hoạch do vanban import tạo từ {source.name}; hãy soát lại trước khi dùng."]
    if warnings:
        comment.append("# Cần xem lại:")
        comment += [f"#   - {w}" for w in warnings]
    comment.append("# Mục «suggestions»: các văn bản được trích dẫn, hạn báo cáo và đơn vị ở phần Tổ chức thực hiện")
    comment.append("# tìm thấy trong văn bản, gợi ý để lập mục «cascade»; vanban không dùng mục này khi tạo văn bản.")
    write_atomic(out, ("\n".join(comment) + "\n" + _dump(plan)).encode("utf-8"))
    load_plan(out)  # what we wrote must be valid plan data
    return ImportResult(out, units_path, unit_id, warnings)
