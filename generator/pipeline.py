"""The public pipeline: load → validate → derive → render → write. The CLI and web app call these."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import derive, render
from .loading import load_plan
from .output import write_atomic
from .pdf import convert_to_pdf


@dataclass(frozen=True)
class Rendered:
    docx: Path
    pdf: Path | None = None


def render_plan(plan_path: Path, out_dir: Path, *, pdf: bool = False) -> Rendered:
    """Render the plan at ``plan_path`` as ``out_dir/<slug>.docx`` (and .pdf)."""
    loaded = load_plan(plan_path)  # load + validate
    document = loaded.plan.document
    context = derive.document_context(document, loaded.registry)  # derive
    data = render.render_docx(render.template_for(document.type), context,
                              title=derive.document_title(document))  # render
    target = write_atomic(Path(out_dir) / f"{loaded.slug}.docx", data)  # write
    pdf_path = convert_to_pdf([target], Path(out_dir))[0] if pdf else None
    return Rendered(target, pdf_path)
