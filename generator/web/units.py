"""One unit of a plan: its sub-plan's structure, and the sub-plan downloaded with the secretary's fields."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from .. import pipeline
from .common import APPENDIX, Web, current, deliver

router = APIRouter()


@router.get("/plans/{plan_id}/units/{unit_id}", response_class=HTMLResponse)
def unit_page(request: Request, plan_id: str, unit_id: str, web: Web = Depends(current)):
    path, summary, unit = web.unit_context(plan_id, unit_id)
    _, document = pipeline.unit_subplan(path, unit_id)
    registry = summary["loaded"].registry
    return web.page(request, "unit.html", plan=summary, unit=unit, document=document, pdf=pipeline.pdf_available(),
                    head=registry.head_title(unit), periods=summary["context"].cascade.periods, form={},
                    appendix=document.appendix is not None)


@router.post("/plans/{plan_id}/units/{unit_id}/subplan")
async def download_subplan(request: Request, plan_id: str, unit_id: str, web: Web = Depends(current)):
    path, _, _ = web.unit_context(plan_id, unit_id)
    form = await request.form()
    fmt = str(form.get("format") or "docx")
    appendix = fmt == APPENDIX  # an electronic document's Phụ lục, a file of its own
    electronic = pipeline.electronic_from_form(form) or appendix

    edits = pipeline.edits_from_form(form)
    # derive, render, check (and PDF) in a worker process: the event loop stays free
    made = await web.workers.run(pipeline.make_subplan, path, unit_id, edits, pdf=fmt in ("pdf", "preview"),
                                 electronic=electronic, appendix=appendix)
    if appendix:
        return deliver(made, f"{unit_id}-ke-hoach-phu-luc", "docx")
    return deliver(made, f"{unit_id}-ke-hoach{'-dien-tu' if electronic else ''}", fmt)
