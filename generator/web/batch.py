"""The whole cascade of a plan as one zip: started in a thread, its progress followed, then downloaded once."""

from __future__ import annotations

import secrets
import shutil
import tempfile
import threading
from pathlib import Path

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse

from .. import pipeline
from ..errors import VanbanError
from .common import Job, Web, current, download, fail, wants_json
from .guards import public

router = APIRouter()


def run_job(job: Job, path: Path, names: dict[str, str] | None = None) -> None:
    names = names or {}  # unit id → the unit's name, as the progress line and the failures show it

    def progress(done: int, total: int, outcome) -> None:
        job.done, job.total = done, total
        job.message = f"Đã tạo {done}/{total}: {names.get(outcome.unit, outcome.unit)}"

    try:
        result = pipeline.cascade(path, job.folder / "out", make_zip=True, progress=progress, workers=1)
        job.zip_path = result.zip_path
        job.status = "xong" if not result.failures else "lỗi"
        job.message = (f"Xong: {len(result.entries)} kế hoạch." if not result.failures else
                       "Có đơn vị lỗi: " + "; ".join(f"{names.get(f.unit, f.unit)}: {public(f.reason)}"
                                                     for f in result.failures[:5]))
    except VanbanError as exc:
        job.status, job.message = "lỗi", public(str(exc))
    except Exception:  # noqa: BLE001 - shown as a message, never as a stack trace
        job.status, job.message = "lỗi", "lỗi không lường trước khi tạo cả loạt"


@router.get("/plans/{plan_id}/cascade", response_class=HTMLResponse)
def cascade_page(request: Request, plan_id: str, web: Web = Depends(current)):
    summary = web.plan_summary(plan_id, web.plans.path(plan_id))
    return web.page(request, "cascade.html", plan=summary, count=len(summary["units"]))


@router.post("/plans/{plan_id}/cascade")
def start_cascade(request: Request, plan_id: str, web: Web = Depends(current)):
    path = web.plans.path(plan_id)
    summary = web.plan_summary(plan_id, path)
    job = Job(secrets.token_hex(8), len(summary["units"]),
              Path(tempfile.mkdtemp(prefix="vanban-job-", dir=web.settings.work_dir)))
    with web.lock:
        web.jobs[job.id] = job
    names = {unit_id: summary["loaded"].registry.unit(unit_id).name for unit_id in summary["units"]}
    threading.Thread(target=run_job, args=(job, path, names), daemon=True).start()
    if wants_json(request):
        return JSONResponse({"id": job.id})
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


@router.get("/jobs/{job_id}")
def job_state(request: Request, job_id: str, web: Web = Depends(current)):
    job = web.find_job(job_id)
    if wants_json(request):
        return JSONResponse({"id": job.id, "done": job.done, "total": job.total, "status": job.status,
                             "message": job.message})
    return web.page(request, "job.html", job=job)


@router.get("/jobs/{job_id}/download")
def job_download(job_id: str, web: Web = Depends(current)):
    job = web.find_job(job_id)
    if job.zip_path is None or not job.zip_path.is_file():
        raise fail("tệp nén chưa sẵn sàng")
    data = job.zip_path.read_bytes()
    with web.lock:
        web.jobs.pop(job_id, None)
    shutil.rmtree(job.folder, ignore_errors=True)  # the job's folder goes once its result is delivered
    return download(data, job.zip_path.name, "application/zip")
