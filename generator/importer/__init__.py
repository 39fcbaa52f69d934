"""`vanban import`: a received plan — Word, PDF, a scan, a web copy — → plan data a secretary reviews.

read (a text layer, OCR, encoding repair) → blocks (layout repair) → parse (structure) → choose the units
registry of the issuing province on the document's date → propose the cascade the text implies → return
the plan data and the review list. ``save`` writes it as YAML, every guess marked where it stands.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..encodings import read_text_file
from ..errors import InputError, InputErrors, Location
from ..loading import UnitsRegistry, default_kinds, load_plan, load_registry
from ..model import Unit
from ..ooxml.document import open_docx
from ..output import write_atomic
from ..vietnamese import slugify
from ..yamlio import load as load_yaml
from . import registries
from .blocks import from_docx, from_text
from .pages import blocks_from_pages
from .ocr import IMAGE_SUFFIXES, low_confidence, ocr_image, ocr_pdf_pages
from .pdftext import read_pages
from .parse import Parser, guess_unit, match_unit
from .proposal import Review, propose

SUFFIXES = (".docx", ".pdf", *IMAGE_SUFFIXES, ".txt", ".md")


@dataclass
class ImportedPlan:
    """What a received plan says, as plan data, and what a person must check. Unpacks as (plan, review)."""

    plan: dict  # plan data: units, slug, document, cascade
    review: list[Review]
    issuer: str  # the issuing unit's id
    units: Path | str | None  # the registry: a file given by the user, a shipped name, or None (own registry)
    own_registry: dict | None = None  # written beside the plan when no registry knows the issuer

    def __iter__(self):
        return iter((self.plan, self.review))


@dataclass
class SavedImport:
    plan: Path
    units: Path | None  # the registry written beside the plan, if any
    issuer: str
    review: list[Review] = field(default_factory=list)

    @property
    def warnings(self) -> list[str]:
        return [item.text for item in self.review]


def read_blocks(source: Path):
    """The blocks of ``source``, the review lines its reading gave, and whether its formatting is known."""
    suffix = source.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(f"chỉ nhập được tệp {', '.join(SUFFIXES)}; tệp .doc hãy lưu lại dưới dạng .docx",
                         Location(source))
    if suffix == ".docx":
        return from_docx(open_docx(source)), [], True
    if suffix == ".pdf":
        pages = read_pages(source)
        scanned = [page.number for page in pages if page.scanned]
        if not scanned:
            return blocks_from_pages(pages), [], True
        read = {page.number: page for page in ocr_pdf_pages(source, scanned)}
        pages = [read.get(page.number, page) for page in pages]
        numbers = ", ".join(str(n) for n in scanned) if len(scanned) < len(pages) else "mọi trang"
        review = [Review(f"tệp PDF là bản quét ({numbers}): chữ được nhận dạng (OCR); hãy so với bản quét")]
        # a scan shows no fonts: bold is not known, so headings are told by their wording
        return blocks_from_pages(pages), review + _unsure(read.values()), len(scanned) < len(pages)
    if suffix in IMAGE_SUFFIXES:
        pages = ocr_image(source)
        review = [Review("ảnh quét: chữ được nhận dạng (OCR); hãy so với bản quét")]
        return blocks_from_pages(pages), review + _unsure(pages), False
    text, notes = read_text_file(source)
    return from_text(text), [Review(n) for n in notes], False


def _unsure(pages) -> list[Review]:
    return [Review(line) for line in low_confidence(list(pages))]


def import_plan(source: Path, *, units: Path | None = None, issuer: str | None = None) -> ImportedPlan:
    """A received plan as plan data and its review list: the one import both shells use."""
    source = Path(source)
    blocks, review, formatted = read_blocks(source)
    imported = Parser(blocks, formatted=formatted).parse()
    if not any(imported.document.get(part) for part in ("opening", "sections", "closing")):
        raise InputError("không tìm thấy nội dung văn bản (không có đoạn nào giữa phần tiêu đề và chữ ký); tệp "
                         "trống, hoặc chữ nằm trong ảnh hay hộp văn bản mà vanban không đọc", Location(source))
    review += [Review(w) for w in imported.warnings]
    registry, units_name, unit_id = _registry(imported, units, issuer, review)
    own = None
    if unit_id is None:
        unit = guess_unit(imported.issuer)
        if not imported.issuer.get("header"):
            review.append(Review("văn bản không có phần tiêu đề (tên cơ quan, số, ngày): hãy sửa đơn vị ban hành "
                                 "trong sổ đơn vị viết kèm kế hoạch"))
        unit_id = unit["id"]
        registry, own = _with_unit(registry, unit)
        units_name = None
    document = dict(imported.document, issuer=unit_id)
    if document.get("place") == registry.units[unit_id].place:
        document.pop("place", None)  # the unit's own place: not repeated in the plan
    document = {k: v for k, v in document.items() if v not in (None, [], "")}
    proposal = propose(document, registry, unit_id)
    plan = {"units": None, "slug": None, "document": document}
    if proposal.cascade is not None:
        plan["cascade"] = proposal.cascade
    return ImportedPlan(plan, review + proposal.review, unit_id, units_name, own)


def _registry(imported, units: Path | None, issuer: str | None, review: list[Review]):
    """The registry to read the plan against, what the plan calls it, and the issuer's id in it."""
    if units is not None:
        registry = load_registry(units)
        unit_id = issuer or match_unit(imported.issuer, registry)
        if unit_id is not None and unit_id not in registry.units:
            raise InputError(f"đơn vị «{unit_id}» không có trong sổ đơn vị", Location(units))
        if unit_id is None:
            review.append(Review("không tìm thấy đơn vị ban hành trong sổ đơn vị đã cho; đã thêm đơn vị vào sổ đơn "
                                 "vị riêng viết kèm kế hoạch"))
        return registry, Path(units), unit_id
    chosen = registries.choose(imported.issuer, imported.document)
    if chosen is None:
        review.append(Review("vanban chưa có sổ đơn vị của tỉnh ban hành vào thời điểm của văn bản: đã tạo sổ đơn vị "
                             "riêng chỉ có đơn vị ban hành; các đơn vị phải cụ thể hóa hãy thêm vào sổ đó"))
        return _own_registry(), None, None
    if issuer is not None and issuer not in chosen.registry.units:
        raise InputError(f"đơn vị «{issuer}» không có trong {chosen.why}")
    unit_id = issuer or chosen.unit
    review.append(Review(f"đã dùng {chosen.why} ({chosen.name}) để nhận ra các đơn vị; nếu không đúng, hãy "
                         "chọn sổ đơn vị khác (lệnh vanban import: tùy chọn --units)", ("units",), guess=True))
    if unit_id is None:
        review.append(Review(f"không tìm thấy đơn vị ban hành trong {chosen.why}; đã chép sổ đó thành sổ đơn vị "
                             "riêng viết kèm kế hoạch và thêm đơn vị ban hành vào cuối"))
    return chosen.registry, chosen.name, unit_id


def _own_registry() -> UnitsRegistry:
    return UnitsRegistry(None, "Đơn vị ban hành (nhập từ văn bản)", {}, default_kinds())


def _with_unit(registry: UnitsRegistry | None, unit: dict) -> tuple[UnitsRegistry, dict]:
    """``registry`` with the issuer ``unit`` added, and the YAML data of that registry to write."""
    registry = registry or _own_registry()
    base, number = unit["id"], 2
    while unit["id"] in registry.units:  # never replace a unit of the copied registry
        unit["id"], number = f"{base}-{number}", number + 1
    units = {**registry.units, unit["id"]: Unit.model_validate(unit)}
    data = {"name": "Đơn vị ban hành (nhập từ văn bản)", "units": [unit]}
    if registry.path is not None:
        shipped = load_yaml(Path(registry.path)).data  # a shipped registry or the user's --units: bounded
        data = {**shipped, "units": [*shipped["units"], unit]}
    return UnitsRegistry(registry.path, registry.name, units, registry.kinds), data


# ---------------------------------------------------------------- writing

def _dump(data) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100, default_flow_style=False)


def _plan_text(imported: ImportedPlan, out: Path, source_name: str, units_file: Path | None) -> str:
    plan = dict(imported.plan)
    if units_file is not None:
        plan["units"] = os.path.relpath(units_file.resolve(), out.resolve().parent)
    else:
        plan["units"] = str(imported.units)
    plan["slug"] = slugify(out.stem) or "ke-hoach"
    head = [f"# Dữ liệu kế hoạch do vanban import tạo từ {source_name}; hãy soát lại trước khi dùng."]
    general = [item for item in imported.review if not item.path]
    if general:
        head.append("# Cần xem lại:")
        head += [f"#   - {item.text}" for item in general]
    if "cascade" in plan:
        head.append("# Mục «cascade» (đơn vị phải cụ thể hóa, đơn vị tổng hợp, kỳ báo cáo) do vanban đề xuất từ phần")
        head.append("# «Tổ chức thực hiện»: các dòng «# cần xem lại» cho biết vanban đã đoán gì.")
    return "\n".join(head) + "\n" + _commented(_dump(plan), [i for i in imported.review if i.path])


def _commented(text: str, review: list[Review]) -> str:
    """``text`` (YAML) with each review line as a comment above the line its path starts on."""
    with tempfile.TemporaryDirectory() as folder:
        probe = Path(folder) / "plan.yaml"
        probe.write_text(text, encoding="utf-8")
        lines_of = load_yaml(probe)
    lines = text.split("\n")
    notes: dict[int, list[str]] = {}
    for item in review:
        line = lines_of.line_of(item.path)
        if line is not None:
            notes.setdefault(line, []).append(item.text)
    out = []
    for number, line in enumerate(lines, 1):
        indent = line[: len(line) - len(line.lstrip())]
        out += [f"{indent}# cần xem lại: {note}" for note in notes.get(number, [])]
        out.append(line)
    return "\n".join(out)


def save(imported: ImportedPlan, out: Path, source_name: str, *, force: bool = False) -> SavedImport:
    """Write the plan YAML (and its own registry when it needs one) at ``out``, validated before anything
    is in place; an existing file is kept unless ``force``."""
    out = Path(out)
    own = out.with_name(f"{out.stem}.units.yaml") if imported.own_registry is not None else None
    for path in (out, own):
        if path is not None and path.exists() and not force:
            raise InputError("tệp đã có; thêm --force để ghi đè", Location(path))
    registry_text = None
    if imported.own_registry is not None:
        registry_text = ("# Sổ đơn vị do vanban import tạo từ phần tiêu đề và khối chữ ký của văn bản; hãy soát "
                         "lại.\n" + _dump(imported.own_registry))
    given = Path(imported.units) if isinstance(imported.units, Path) else None
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".vanban-import-") as folder:
        trial = Path(folder) / out.name
        trial_units = Path(folder) / own.name if own else given
        if own is not None:
            trial_units.write_text(registry_text, encoding="utf-8")
        trial.write_text(_plan_text(imported, trial, source_name, trial_units), encoding="utf-8")
        try:
            load_plan(trial)  # what we write must be valid plan data
        except InputError as problem:
            # the trial file is gone with its folder: name the document read, not a temporary path
            problems = problem.errors if isinstance(problem, InputErrors) else [problem]
            raise InputErrors([InputError(f"đọc được văn bản nhưng dữ liệu ghi ra chưa hợp lệ: {p.message}",
                                          Location(source_name), hint="không có tệp nào được ghi; hãy báo cho nhóm "
                                          "phát triển kèm văn bản này") for p in problems]) from None
    if own is not None:
        write_atomic(own, registry_text.encode("utf-8"))
    write_atomic(out, _plan_text(imported, out, source_name, own or given).encode("utf-8"))
    return SavedImport(out, own, imported.issuer, imported.review)
