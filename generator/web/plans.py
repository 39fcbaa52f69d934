"""The plans: the home page (shipped plans, upload form), uploading a plan, a plan's units with search."""

from __future__ import annotations

import json
import secrets
import shutil
import threading

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from .. import pipeline
from ..errors import VanbanError
from .auth import Refused
from .common import Web, current, read_upload

router = APIRouter()
PLAN_SUFFIXES = (".yaml", ".yml", ".docx", ".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".txt", ".md")
REVIEW = "review.json"  # an imported plan's review list, shown on its page
# An OCR read takes a core for minutes: the tool page reads one upload at a time (the Văn phòng's uploads go
# through the job queue instead), so a burst of uploads cannot take every core and thread of the server.
READING = threading.BoundedSemaphore(1)
BUSY = ("Máy chủ đang đọc một kế hoạch khác được tải lên. Hãy đợi ít phút rồi tải lại; kế hoạch lớn hoặc bản "
        "quét có thể mất vài phút.")


@router.get("/", response_class=HTMLResponse)
def index(request: Request, web: Web = Depends(current)):
    web.plans.cleanup()
    summaries = []
    for plan_id, path in web.plans.shipped().items():
        try:
            summaries.append(web.plan_summary(plan_id, path))
        except VanbanError:
            continue
    return web.page(request, "index.html", plans=summaries, registries=web.plans.registries())


@router.post("/plans")
async def upload_plan(request: Request, web: Web = Depends(current)):
    form = await request.form()
    data, suffix = await read_upload(form.get("file"), web.settings, PLAN_SUFFIXES)
    chosen = str(form.get("registry", ""))
    registry = web.plans.registry(chosen) if chosen else None  # "": the registry the document's header implies
    if not READING.acquire(blocking=False):
        raise Refused(BUSY, 429)
    token = f"u-{secrets.token_hex(8)}"
    folder = web.plans.uploads / token
    try:
        folder.mkdir(parents=True)
        # reading a PDF or a scan takes seconds to minutes: off the event loop, so other pages stay served
        received = await run_in_threadpool(pipeline.receive_plan, data, suffix, folder, registry=registry)
        (folder / REVIEW).write_text(json.dumps(received.review, ensure_ascii=False), encoding="utf-8")
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    finally:
        READING.release()
    return RedirectResponse(f"/plans/{token}", status_code=303)


@router.get("/plans/{plan_id}", response_class=HTMLResponse)
def plan_page(request: Request, plan_id: str, q: str = "", web: Web = Depends(current)):
    summary = web.plan_summary(plan_id, web.plans.path(plan_id))
    units = pipeline.search_units(summary["loaded"].registry, summary["units"], q)
    review_file = web.plans.path(plan_id).with_name(REVIEW) if plan_id.startswith("u-") else None
    review = json.loads(review_file.read_text(encoding="utf-8")) if review_file and review_file.is_file() else []
    return web.page(request, "plan.html", plan=summary, units=units, q=q, warnings=[], review=review)
