"""The workplace pages: the Văn phòng uploads, reviews, corrects and publishes a plan, follows the reports and
downloads the consolidated report (``/van-phong/…``); each unit fills and issues its sub-plan and submits its
reports (``/don-vi/…``). Every route asks who is logging in (``web/auth.py``); a unit's user opens only its
own unit's pages, the unit in the address is checked. Work that renders, reads or converts runs in the thread
pool (plain ``def`` routes, or ``run_in_threadpool``); reading an uploaded plan is a job of the queue
(``web/jobs.py``), followed on its job page. Every action calls ``generator.workplace``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from .. import pipeline, workplace
from ..errors import InputError, InputErrors
from ..store.models import User
from .auth import Refused, check_unit, require_admin, require_user
from .common import APPENDIX, DOCX, ID, XLSX, Web, current, deliver, download, read_upload
from .plans import PLAN_SUFFIXES

router = APIRouter()
OFFICE = "/van-phong"
PLAN = OFFICE + "/ke-hoach/{plan_id}"
UNITS = "/don-vi"
UNIT = UNITS + "/ke-hoach/{plan_id}/{unit_id}"
REGISTER = "so-dang-ky-van-ban-di"  # the sổ đăng ký văn bản đi of the issued sub-plans (.xlsx)
SAVED = {"luu": "Đã lưu.", "ban-hanh": "Đã ghi kế hoạch là đã ban hành.", "gui": "Đã gửi báo cáo.",
         "sua": "Đã lưu phiên bản mới của kế hoạch.", "cong-bo": "Đã ban hành kế hoạch.",
         "xem": "Đã ghi ý kiến về báo cáo.", "tai-len": "Đã tải lên kế hoạch; hãy xem lại trước khi ban hành."}


def _messages(error: InputError) -> list[str]:
    errors = error.errors if isinstance(error, InputErrors) else [error]
    return [e.sentence() for e in errors]


def _done(request: Request) -> str | None:
    return SAVED.get(request.query_params.get("xong", ""))


# ---------------------------------------------------------------- the Văn phòng

@router.get(OFFICE, response_class=HTMLResponse)
def office(request: Request, web: Web = Depends(current), user: User = Depends(require_admin)):
    return web.page(request, "office.html", plans=workplace.all_plans(web.store), registries=web.plans.registries(),
                    done=_done(request))


@router.post(OFFICE + "/ke-hoach")
async def upload(request: Request, web: Web = Depends(current), user: User = Depends(require_admin)):
    form = await request.form()
    data, suffix = await read_upload(form.get("file"), web.settings, PLAN_SUFFIXES)
    chosen = str(form.get("registry", ""))
    if chosen:
        web.plans.registry(chosen)  # an unknown registry is refused now, not when the job's turn comes
    # reading a PDF or a scan takes seconds to minutes: a job of the queue (web/jobs.py), in a worker process;
    # refused with a Vietnamese message when this user already has a job waiting, or the queue is full
    job_id = await run_in_threadpool(web.runner.enqueue_import, user, data, suffix, chosen)
    return RedirectResponse(f"/jobs/{job_id}", status_code=303)


def review_address(plan_id: int) -> str:
    """Where an import job, once done, sends the Văn phòng: the new draft's review page."""
    return f"{OFFICE}/ke-hoach/{plan_id}?xong=tai-len"


def _review_page(request: Request, web: Web, plan_id: int, errors=(), status: int = 200):
    view = workplace.review(web.store, plan_id)
    subplans = workplace.issued_subplans(web.store, plan_id) if view.plan.published else {}
    issued = sum(1 for saved in subplans.values() if saved["issued"])
    return web.page(request, "plan_review.html", status, view=view, plan=view.plan, errors=list(errors),
                    subplans=subplans, issued=issued, register=REGISTER, done=None if errors else _done(request))


@router.get(PLAN, response_class=HTMLResponse)
def plan_review(request: Request, plan_id: int, web: Web = Depends(current), user: User = Depends(require_admin)):
    return _review_page(request, web, plan_id)


@router.post(PLAN + "/sua")
async def plan_correct(request: Request, plan_id: int, web: Web = Depends(current),
                       user: User = Depends(require_admin)):
    form = await request.form()
    try:
        await run_in_threadpool(workplace.correct, web.store, plan_id, form, user)
    except InputError as error:
        return await run_in_threadpool(_review_page, request, web, plan_id, _messages(error), 400)
    return RedirectResponse(f"{OFFICE}/ke-hoach/{plan_id}?xong=sua", status_code=303)


@router.post(PLAN + "/ban-hanh")
async def plan_publish(request: Request, plan_id: int, web: Web = Depends(current),
                       user: User = Depends(require_admin)):
    form = await request.form()
    try:
        await run_in_threadpool(workplace.publish, web.store, plan_id, form.get("number"), form.get("date"), user)
    except InputError as error:
        return await run_in_threadpool(_review_page, request, web, plan_id, _messages(error), 400)
    return RedirectResponse(f"{OFFICE}/ke-hoach/{plan_id}?xong=cong-bo", status_code=303)


@router.get(PLAN + "/bao-cao/{period_id}", response_class=HTMLResponse)
def status_board(request: Request, plan_id: int, period_id: str, web: Web = Depends(current),
                 user: User = Depends(require_admin)):
    board = workplace.board(web.store, plan_id, period_id)
    return web.page(request, "board.html", board=board, plan=board.plan, period=board.period, done=_done(request))


@router.post(PLAN + "/bao-cao/{period_id}/xem/{submission_id}")
async def judge(request: Request, plan_id: int, period_id: str, submission_id: int, web: Web = Depends(current),
                user: User = Depends(require_admin)):
    form = await request.form()
    status = {"nhan": "accepted", "tra-lai": "returned"}.get(str(form.get("action", "")), "")
    await run_in_threadpool(workplace.review_submission, web.store, plan_id, submission_id, status,
                            str(form.get("note") or ""), user)
    return RedirectResponse(f"{OFFICE}/ke-hoach/{plan_id}/bao-cao/{period_id}?xong=xem", status_code=303)


@router.get(PLAN + "/bao-cao/{period_id}/tong-hop")
def consolidated(plan_id: int, period_id: str, web: Web = Depends(current), user: User = Depends(require_admin)):
    data, made = workplace.consolidated(web.store, plan_id, period_id)
    if not made.report.ok:
        raise InputError("báo cáo tổng hợp chưa đạt thể thức: " + "; ".join(r.rule.message for r in made.report.errors))
    return download(data, f"bao-cao-tong-hop-{period_id}.docx", DOCX)


@router.get(PLAN + "/" + REGISTER)
def office_register(plan_id: int, web: Web = Depends(current), user: User = Depends(require_admin)):
    """Every issued sub-plan of the plan, one row each, in the register of outgoing documents."""
    data = workplace.outgoing_register(web.store, plan_id)
    return download(data, f"{REGISTER}-ke-hoach-{plan_id}.xlsx", XLSX)


@router.get(PLAN + "/nop/{submission_id}")
def submitted(plan_id: int, submission_id: int, format: str = "docx", web: Web = Depends(current),
              user: User = Depends(require_admin)):
    if format == "xlsx":
        return download(workplace.submitted_workbook(web.store, plan_id, submission_id),
                        f"so-ket-qua-{submission_id}.xlsx", XLSX)
    unit_id, period_id, made = workplace.submission_document(web.store, plan_id, submission_id, pdf=format == "pdf")
    return deliver(made, f"{unit_id}-bao-cao-{period_id}", "pdf" if format == "pdf" else "docx")


# ---------------------------------------------------------------- the units

def _unit_plan(web: Web, user: User, plan_id: int, unit_id: str) -> workplace.PlanInfo:
    """The plan, refused unless the user may act for the unit and (for a unit's user) the plan is published."""
    check_unit(user, unit_id)
    if not ID.match(unit_id):
        raise InputError("không có đơn vị này")
    info = workplace.plan_info(web.store, plan_id)
    if not info.published and user.role != "admin":
        raise Refused("Kế hoạch này chưa được Văn phòng ban hành.", 404)
    return info


@router.get(UNITS, response_class=HTMLResponse)
def unit_home(request: Request, web: Web = Depends(current), user: User = Depends(require_user)):
    found = []
    for info in workplace.all_plans(web.store):
        if not info.published and user.role != "admin":
            continue
        units = dict(workplace.issuing_units(web.store, info.id))
        if user.role == "admin":
            found.append((info, list(units.items())))
        elif user.unit_id in units:
            found.append((info, [(user.unit_id, units[user.unit_id])]))
    return web.page(request, "unit_home.html", found=found)


@router.get(UNIT, response_class=HTMLResponse)
def unit_subplan(request: Request, plan_id: int, unit_id: str, web: Web = Depends(current),
                 user: User = Depends(require_user)):
    return _subplan_page(request, web, user, plan_id, unit_id)


def _subplan_page(request: Request, web: Web, user: User, plan_id: int, unit_id: str, errors=(), status: int = 200,
                  typed: dict | None = None):
    info = _unit_plan(web, user, plan_id, unit_id)
    draft = workplace.unit_draft(web.store, plan_id, unit_id)
    registry = draft.loaded.registry
    unit = registry.unit(unit_id)
    periods = draft.loaded.plan.cascade.periods if draft.loaded.plan.cascade else []
    return web.page(request, "unit_subplan.html", status, plan=info, unit=unit, draft=draft,
                    document=draft.document, form={**draft.form, **(typed or {})}, head=registry.head_title(unit),
                    periods=periods, pdf=pipeline.pdf_available(), errors=list(errors), register=REGISTER,
                    appendix=draft.has_appendix, done=None if errors else _done(request))


@router.post(UNIT)
async def unit_save(request: Request, plan_id: int, unit_id: str, web: Web = Depends(current),
                    user: User = Depends(require_user)):
    await run_in_threadpool(_unit_plan, web, user, plan_id, unit_id)
    form = await request.form()
    action = str(form.get("action") or "luu")
    try:
        await run_in_threadpool(workplace.save_subplan_fields, web.store, plan_id, unit_id, form, user)
        if action == "ban-hanh":
            await run_in_threadpool(workplace.issue_subplan, web.store, plan_id, unit_id, user)
    except InputError as error:
        typed = {name: str(form.get(name) or "") for name in ("number", "date", *workplace.SUBPLAN_FIELDS)}
        return await run_in_threadpool(_subplan_page, request, web, user, plan_id, unit_id, _messages(error), 400,
                                       typed)
    if action in ("docx", "pdf", "preview", APPENDIX):
        # the electronic choice as the form sent it (an issued sub-plan may be downloaded either way)
        electronic = pipeline.electronic_from_form(form) or action == APPENDIX
        made = await run_in_threadpool(workplace.render_subplan, web.store, plan_id, unit_id,
                                       pdf=action in ("pdf", "preview"), electronic=electronic,
                                       appendix=action == APPENDIX)
        if action == APPENDIX:
            return deliver(made, f"{unit_id}-ke-hoach-phu-luc", "docx")
        return deliver(made, f"{unit_id}-ke-hoach{'-dien-tu' if electronic else ''}", action)
    return RedirectResponse(f"/don-vi/ke-hoach/{plan_id}/{unit_id}?xong={'ban-hanh' if action == 'ban-hanh' else 'luu'}",
                            status_code=303)


@router.get(UNIT + "/da-ban-hanh")
def unit_issued(plan_id: int, unit_id: str, format: str = "docx", web: Web = Depends(current),
                user: User = Depends(require_user)):
    _unit_plan(web, user, plan_id, unit_id)
    fmt = "pdf" if format == "pdf" else "docx"
    data = workplace.issued_file(web.store, plan_id, unit_id, fmt)
    media = "application/pdf" if fmt == "pdf" else DOCX
    return download(data, f"{unit_id}-ke-hoach.{fmt}", media)


@router.get(UNIT + "/" + REGISTER)
def unit_register(plan_id: int, unit_id: str, web: Web = Depends(current), user: User = Depends(require_user)):
    """The unit's own issued documents of the plan in the register of outgoing documents."""
    _unit_plan(web, user, plan_id, unit_id)
    data = workplace.outgoing_register(web.store, plan_id, unit_id)
    return download(data, f"{REGISTER}-{unit_id}.xlsx", XLSX)


@router.get(UNIT + "/bao-cao/{period_id}", response_class=HTMLResponse)
def unit_report(request: Request, plan_id: int, unit_id: str, period_id: str, web: Web = Depends(current),
                user: User = Depends(require_user)):
    return _report_page(request, web, user, plan_id, unit_id, period_id)


def _report_page(request: Request, web: Web, user: User, plan_id: int, unit_id: str, period_id: str, errors=(),
                 status: int = 200, typed: dict | None = None):
    info = _unit_plan(web, user, plan_id, unit_id)
    page = workplace.report_page(web.store, plan_id, unit_id, period_id)
    form = page.form
    texts = [q for q in form.questions if q.kind == "text" and q.path[0] == "texts"]
    others = [q for q in form.questions if q not in texts]
    unit = workplace.unit_draft(web.store, plan_id, unit_id).loaded.registry.unit(unit_id)
    return web.page(request, "unit_report.html", status, plan=info, unit=unit, page=page, period=form.period,
                    indicators=form.indicators, texts=texts, others=others,
                    values={**page.values, **(typed or {})}, errors=list(errors),
                    done=None if errors else _done(request))


@router.get(UNIT + "/bao-cao/{period_id}/van-ban/{submission_id}")
def unit_report_document(plan_id: int, unit_id: str, period_id: str, submission_id: int, format: str = "docx",
                         web: Web = Depends(current), user: User = Depends(require_user)):
    """The unit's own report as sent, as a document to sign and issue (.docx, or PDF/A)."""
    _unit_plan(web, user, plan_id, unit_id)
    _, _, made = workplace.submission_document(web.store, plan_id, submission_id, pdf=format == "pdf",
                                               unit_id=unit_id)
    return deliver(made, f"{unit_id}-bao-cao-{period_id}", "pdf" if format == "pdf" else "docx")


@router.get(UNIT + "/bao-cao/{period_id}/so-excel")
def unit_workbook(plan_id: int, unit_id: str, period_id: str, web: Web = Depends(current),
                  user: User = Depends(require_user)):
    _unit_plan(web, user, plan_id, unit_id)
    path = workplace.plan_file(web.store, plan_id)
    with tempfile.TemporaryDirectory(prefix="vanban-web-") as work:
        written = pipeline.results_templates(path, period_id, Path(work), units=[unit_id])[0]
        return download(written.read_bytes(), f"{unit_id}-{period_id}.xlsx", XLSX)


@router.post(UNIT + "/bao-cao/{period_id}")
async def unit_submit(request: Request, plan_id: int, unit_id: str, period_id: str, web: Web = Depends(current),
                      user: User = Depends(require_user)):
    await run_in_threadpool(_unit_plan, web, user, plan_id, unit_id)
    form = await request.form()
    upload = form.get("workbook")
    try:
        if upload is not None and getattr(upload, "filename", ""):
            data, _ = await read_upload(upload, web.settings, (".xlsx",))
            await run_in_threadpool(workplace.submit_report, web.store, plan_id, unit_id, period_id, workbook=data,
                                    user=user)
        else:
            await run_in_threadpool(workplace.submit_report, web.store, plan_id, unit_id, period_id, fields=form,
                                    user=user)
    except InputError as error:
        typed = {k: str(v) for k, v in form.items() if isinstance(v, str)}
        return await run_in_threadpool(_report_page, request, web, user, plan_id, unit_id, period_id,
                                       _messages(error), 400, typed)
    return RedirectResponse(f"/don-vi/ke-hoach/{plan_id}/{unit_id}/bao-cao/{period_id}?xong=gui", status_code=303)
