"""A unit's report for one period: the form, the blank Excel workbook, the report from the form or a workbook."""

from __future__ import annotations

import tempfile
from pathlib import Path

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from .. import pipeline
from .common import APPENDIX, XLSX, Web, current, deliver, download, read_upload

router = APIRouter()
UNIT = "/plans/{plan_id}/units/{unit_id}"


@router.get(f"{UNIT}/report", response_class=HTMLResponse)
def report_page(request: Request, plan_id: str, unit_id: str, period: str, web: Web = Depends(current)):
    path, summary, unit = web.unit_context(plan_id, unit_id)
    form = pipeline.report_form(path, period, unit_id)
    texts = [q for q in form.questions if q.kind == "text" and q.path[0] == "texts"]
    others = [q for q in form.questions if q not in texts]
    return web.page(request, "report.html", plan=summary, unit=unit, period=form.period, indicators=form.indicators,
                    texts=texts, others=others, pdf=pipeline.pdf_available(), values={})


@router.get(f"{UNIT}/workbook")
def workbook(plan_id: str, unit_id: str, period: str, web: Web = Depends(current)):
    path, _, _ = web.unit_context(plan_id, unit_id)
    with tempfile.TemporaryDirectory(prefix="vanban-web-") as work:
        written = pipeline.results_templates(path, period, Path(work), units=[unit_id])[0]
        return download(written.read_bytes(), f"{unit_id}-{period}.xlsx", XLSX)


@router.post(f"{UNIT}/report")
async def download_report(request: Request, plan_id: str, unit_id: str, period: str, web: Web = Depends(current)):
    path, _, _ = web.unit_context(plan_id, unit_id)
    chosen = pipeline.report_form(path, period, unit_id).period
    form = await request.form()
    fmt = str(form.get("format") or "docx")
    upload = form.get("workbook")
    data = None
    if upload is not None and getattr(upload, "filename", ""):
        data, _ = await read_upload(upload, web.settings, (".xlsx",))

    # reading the workbook, deriving, rendering, checking: in a worker process, the event loop stays free
    fields = None if data is not None else {key: value for key, value in form.items() if isinstance(value, str)}
    appendix = fmt == APPENDIX  # an electronic report's Phụ lục, a file of its own
    electronic = pipeline.electronic_from_form(form) or appendix
    made = await web.workers.run(pipeline.make_unit_report, path, unit_id, chosen.id, fields=fields, workbook=data,
                                 pdf=fmt == "pdf", electronic=electronic, appendix=appendix)
    if appendix:
        return deliver(made, f"{unit_id}-bao-cao-{chosen.id}-phu-luc", "docx")
    return deliver(made, f"{unit_id}-bao-cao-{chosen.id}{'-dien-tu' if electronic else ''}", fmt)
