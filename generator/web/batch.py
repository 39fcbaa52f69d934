"""The whole cascade of a plan as one zip: queued in the database (web/jobs.py), its progress followed, then
downloaded — as often as needed, by the user who asked for it. The job page follows an uploaded plan's import
(queued by web/workplace.py) the same way, and leads to the new draft's review page when it is done."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse

from ..store import jobs as queue
from .auth import current_user
from .common import ID, Web, current, download, fail, wants_json
from .workplace import review_address

router = APIRouter()
SHOWN = {"queued": "đang chờ", "running": "đang chạy", "done": "xong", "failed": "lỗi"}


@router.get("/plans/{plan_id}/cascade", response_class=HTMLResponse)
def cascade_page(request: Request, plan_id: str, web: Web = Depends(current)):
    summary = web.plan_summary(plan_id, web.plans.path(plan_id))
    return web.page(request, "cascade.html", plan=summary, count=len(summary["units"]))


@router.post("/plans/{plan_id}/cascade")
def start_cascade(request: Request, plan_id: str, web: Web = Depends(current)):
    path = web.plans.path(plan_id)
    summary = web.plan_summary(plan_id, path)
    names = {unit_id: summary["loaded"].registry.unit(unit_id).name for unit_id in summary["units"]}
    # refused with a Vietnamese message when this user already has a job waiting, or the queue is full
    job_id = web.runner.enqueue(current_user(request), path, names, len(summary["units"]),
                                zip_name=f"{summary['loaded'].slug}-cascade.zip")
    if wants_json(request):
        return JSONResponse({"id": job_id})
    return RedirectResponse(f"/jobs/{job_id}", status_code=303)


def _own_job(request: Request, web: Web, job_id: str):
    """The job, refused unless the one asking started it (or is an administrator)."""
    if not ID.match(job_id):
        raise fail("không có việc này")
    user = current_user(request)
    with web.store.session() as s:
        try:
            job = queue.job(s, job_id)
        except Exception:  # noqa: BLE001 - an unknown id reads the same as another user's job
            job = None
        if job is None or not (job.owner_id == (user.id if user else None) or (user and user.role == "admin")):
            raise fail("không có việc này")
        return job


@router.get("/jobs/{job_id}")
def job_state(request: Request, job_id: str, web: Web = Depends(current)):
    job = _own_job(request, web, job_id)
    progress = web.runner.progress(job)
    state = {"id": job.id, "kind": job.kind, "done": progress.done, "total": progress.total,
             "status": SHOWN[job.status], "message": progress.message}
    plan_id = (job.params or {}).get("plan_id")
    if job.kind == "import" and job.status == "done" and isinstance(plan_id, int):
        state["next"] = review_address(plan_id)  # where a polling page goes: the new draft's review
    if wants_json(request):
        return JSONResponse(state)
    return web.page(request, "job.html", job=state)


@router.get("/jobs/{job_id}/download")
def job_download(request: Request, job_id: str, web: Web = Depends(current)):
    job = _own_job(request, web, job_id)
    if job.status != "done" or not job.result_sha:
        raise fail("tệp nén chưa sẵn sàng")
    return download(web.store.files.get(job.result_sha), (job.params or {}).get("zip_name") or "ca-loat.zip",
                    "application/zip")
