"""The plans: the home page (shipped plans, upload form), uploading a plan, a plan's units with search."""

from __future__ import annotations

import secrets
import shutil

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from .. import pipeline
from ..errors import VanbanError
from .common import Web, current, read_upload

router = APIRouter()
PLAN_SUFFIXES = (".yaml", ".yml", ".docx", ".txt", ".md")


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
    registry = web.plans.registry(str(form.get("registry", "")))
    token = f"u-{secrets.token_hex(8)}"
    folder = web.plans.uploads / token
    folder.mkdir(parents=True)
    try:
        pipeline.receive_plan(data, suffix, folder, registry=registry)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return RedirectResponse(f"/plans/{token}", status_code=303)


@router.get("/plans/{plan_id}", response_class=HTMLResponse)
def plan_page(request: Request, plan_id: str, q: str = "", web: Web = Depends(current)):
    summary = web.plan_summary(plan_id, web.plans.path(plan_id))
    units = pipeline.search_units(summary["loaded"].registry, summary["units"], q)
    return web.page(request, "plan.html", plan=summary, units=units, q=q, warnings=[])
