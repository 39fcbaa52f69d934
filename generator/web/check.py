"""Checking any uploaded .docx against the ND30 rules, the failures grouped by element."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from .. import pipeline
from ..vietnamese import slugify
from .common import DOCX, Web, current, download, read_upload

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


def commented_copy(data: bytes, name: str) -> bytes:
    """The uploaded .docx with each finding as a Word comment (in a worker process: module level)."""
    return pipeline.comment_file(data, name=name).data


@router.post("/check/comments")
async def check_comments(request: Request, web: Web = Depends(current)) -> Response:
    """The uploaded document back, each finding a Word comment on the text it concerns."""
    form = await request.form()
    upload = form.get("file")
    data, _ = await read_upload(upload, web.settings, (".docx",))
    name = Path(upload.filename).name
    commented = await web.workers.run(commented_copy, data, name)
    return download(commented, f"{slugify(Path(name).stem) or 'van-ban'}-da-kiem-tra.docx", DOCX)
