"""Checking any uploaded .docx against the ND30 rules, the failures grouped by element."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from .. import pipeline
from .common import Web, current, read_upload

router = APIRouter()


@router.get("/check", response_class=HTMLResponse)
def check_page(request: Request, web: Web = Depends(current)):
    return web.page(request, "check.html", report=None)


@router.post("/check", response_class=HTMLResponse)
async def check_upload(request: Request, web: Web = Depends(current)):
    form = await request.form()
    upload = form.get("file")
    data, _ = await read_upload(upload, web.settings, (".docx",))
    name = Path(upload.filename).name
    report = pipeline.check_document(data, name)
    groups: dict[str, list] = {}
    for result in report.results:
        if result.failed:
            groups.setdefault(result.rule.element, []).append(result)
    return web.page(request, "check.html", report=report, name=name, groups=list(groups.items()),
                    errors=report.errors, warnings=report.warnings, unseen=report.unobservable)
