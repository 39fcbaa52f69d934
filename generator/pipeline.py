"""The public pipeline: load → validate → derive → render → write. The CLI and web app call these."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import derive, render
from .check import DocumentReport, check_docx
from .cascade.batch import CascadeResult, run_cascade
from .check.fixes import fix_document
from .loading import load_plan
from .output import write_atomic
from .pdf import convert_to_pdf


@dataclass(frozen=True)
class Rendered:
    docx: Path
    report: DocumentReport
    pdf: Path | None = None


def render_plan(plan_path: Path, out_dir: Path, *, pdf: bool = False) -> Rendered:
    """Render the plan at ``plan_path`` as ``out_dir/<slug>.docx`` (and .pdf)."""
    loaded = load_plan(plan_path)  # load + validate
    document = loaded.plan.document
    context = derive.document_context(document, loaded.registry)  # derive
    data = render.render_docx(render.template_for(document), context,
                              title=derive.document_title(document))  # render
    target = Path(out_dir) / f"{loaded.slug}.docx"
    report = check_docx(data, target)  # check
    write_atomic(target, data)  # write
    pdf_path = convert_to_pdf([target], Path(out_dir))[0] if pdf else None
    return Rendered(target, report, pdf_path)


def check_files(paths: list[Path]) -> list[DocumentReport]:
    """Check each .docx against the ND30 rule catalogue."""
    return [check_docx(Path(path)) for path in paths]


@dataclass(frozen=True)
class Fixed:
    target: Path
    changes: list[str]
    report: DocumentReport


def fix_file(path: Path, target: Path) -> Fixed:
    """Write a copy of ``path`` with the safe ND30 fixes applied, and the check of that copy."""
    data, changes, report = fix_document(Path(path), Path(target))
    write_atomic(Path(target), data)
    return Fixed(Path(target), changes, report)


def cascade(plan_path: Path, out_dir: Path, *, units: list[str] | None = None, workers: int | None = None,
            make_zip: bool = False, progress=None) -> CascadeResult:
    """Every assigned unit's sub-plan under ``out_dir/<unit>/``, with manifest.json/.csv (and a zip)."""
    return run_cascade(plan_path, out_dir, units=units, workers=workers, make_zip=make_zip, progress=progress)
