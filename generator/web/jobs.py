"""Long work queued in the database and run one at a time in a worker process: a whole cascade as one zip
("cascade"), and reading an uploaded plan — a PDF, a scan to OCR, a Word file — into a draft ("import").

The queue lives in the store (generator/store/jobs.py), so a restart loses nothing: a job the server was
running when it stopped waits again and runs from the start (a batch is idempotent; an import reads the
uploaded bytes again, kept in the file store until the job ends). The queue is bounded (one unfinished job
per user, twenty in all); each job works in a folder of its own, removed when it ends, and its zip goes to the
content-addressed file store, downloadable as often as needed. Progress is a small file the worker process
rewrites and the server reads when asked.

An import runs its CPU part (``workplace.read_plan``: plain data back) in the worker process and its database
part (``workplace.store_plan``) in the runner's thread; the new plan's id goes in the job's params
(``plan_id``) in the transaction that stores the plan, so a crash between the two cannot store it twice.
The uploaded bytes leave the file store when the job ends, unless something stored keeps them (a plan
version keeps a non-YAML upload as its source).
"""

from __future__ import annotations

import json
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path

from .. import pipeline, workplace
from ..errors import VanbanError
from ..output import write_atomic
from ..store import jobs as queue
from ..store.files import sha256
from ..store.models import User
from .guards import public

PER_USER = 1
TOTAL = 20
IDLE_SECONDS = 2.0  # how often an idle runner looks for work it was not told about (another server's)


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    message: str


def make_cascade(plan_path: str, folder: str, names: dict[str, str]) -> dict:
    """The worker process's side: every sub-plan of the plan and the zip, progress written as it goes.
    Plain arguments in, a plain summary out (it crosses a process boundary)."""
    work = Path(folder)
    progress_file = work / "progress.json"

    def progress(done: int, total: int, outcome) -> None:
        line = f"Đã tạo {done}/{total}: {names.get(outcome.unit, outcome.unit)}"
        write_atomic(progress_file, json.dumps({"done": done, "total": total, "message": line},
                                               ensure_ascii=False).encode("utf-8"), durable=False)

    result = pipeline.cascade(Path(plan_path), work / "out", make_zip=True, progress=progress, workers=1)
    failures = [f"{names.get(f.unit, f.unit)}: {f.reason}" for f in result.failures]
    return {"zip": str(result.zip_path) if result.zip_path else None, "made": len(result.entries),
            "failures": failures}


class Runner:
    """Claims queued jobs and runs them, one at a time, in ``web.workers``; started with the app."""

    def __init__(self, web):
        self.web = web
        self.folder = web.settings.work_dir / "jobs"
        self.wake = threading.Event()
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None
        self._starting = threading.Lock()

    def start(self) -> None:
        """At the app's start (and, for an app never started, at its first job): once."""
        with self._starting:
            if self.thread is not None:
                return
            self.folder.mkdir(parents=True, exist_ok=True)
            with self.web.store.session() as s:
                queue.requeue_running(s)  # what a stopped server was doing waits again
            self.stopping.clear()
            self.thread = threading.Thread(target=self._loop, name="vanban-jobs", daemon=True)
            self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self.wake.set()
        if self.thread is not None:
            self.thread.join(timeout=5)
            self.thread = None

    def enqueue(self, owner, plan_path: Path, names: dict[str, str], total: int, *, zip_name: str) -> str:
        self.start()
        with self.web.store.session() as s:
            job = queue.enqueue(s, owner, "cascade", {"plan": str(plan_path), "names": names, "total": total,
                                                      "zip_name": zip_name}, per_user=PER_USER, total=TOTAL)
            job_id = job.id
        self.wake.set()
        return job_id

    def enqueue_import(self, owner, data: bytes, suffix: str, registry_id: str) -> str:
        """An uploaded plan queued to be read; its bytes go to the file store with the job (none if refused).
        ``registry_id``: the registry chosen on the form ("" for the one the document's header implies)."""
        self.start()
        with self.web.store.session() as s:
            job = queue.enqueue(s, owner, "import", {"upload": sha256(data), "suffix": suffix,
                                                     "registry": registry_id}, per_user=PER_USER, total=TOTAL)
            self.web.store.files.put(data)  # before the job is committed: a queued import always has its bytes
            job_id = job.id
        self.wake.set()
        return job_id

    def progress(self, job) -> Progress:
        total = int((job.params or {}).get("total") or 0)
        if job.kind == "import" and job.status == "running":
            return Progress(0, 0, "Đang đọc kế hoạch; một bản quét dài có thể mất vài phút…")
        if job.status == "queued":
            return Progress(0, total, "Đang chờ đến lượt…")
        if job.status in ("done", "failed"):
            return Progress(total if job.status == "done" else 0, total, job.message or "")
        try:
            state = json.loads((self.folder / job.id / "progress.json").read_text(encoding="utf-8"))
            return Progress(int(state["done"]), int(state["total"]), str(state["message"]))
        except (OSError, ValueError, KeyError):
            return Progress(0, total, "Đang chuẩn bị…")

    def _loop(self) -> None:
        while not self.stopping.is_set():
            try:
                with self.web.store.session() as s:
                    job = queue.claim_next(s)
                    claimed = None if job is None else (job.id, job.kind, dict(job.params or {}), job.owner_id)
            except Exception:  # noqa: BLE001 - the database away for a moment: look again later, keep serving
                claimed = None
            if claimed is None:
                self.wake.wait(IDLE_SECONDS)
                self.wake.clear()
                continue
            self._run(*claimed)

    def _run(self, job_id: str, kind: str, params: dict, owner_id: int | None) -> None:
        if kind == "import":
            return self._import(job_id, params, owner_id)
        folder = self.folder / job_id
        shutil.rmtree(folder, ignore_errors=True)  # a run a restart interrupted starts clean
        folder.mkdir(parents=True)
        try:
            summary = self.web.workers.call(make_cascade, params["plan"], str(folder), params.get("names") or {})
            if summary["failures"] or not summary["zip"]:
                problems = "; ".join(public(line) for line in summary["failures"][:5])
                self._end(job_id, failed=f"Có đơn vị lỗi: {problems}" if problems else "không tạo được tệp nén")
            else:
                sha = self.web.store.files.put(Path(summary["zip"]).read_bytes())
                self._end(job_id, sha=sha, message=f"Xong: {summary['made']} kế hoạch.")
        except VanbanError as exc:
            self._end(job_id, failed=public(str(exc)))
        except Exception:  # noqa: BLE001 - a job's failure is its message, never a stack trace; the server goes on
            self._end(job_id, failed="lỗi không lường trước khi tạo cả loạt")
        finally:
            shutil.rmtree(folder, ignore_errors=True)  # the job's files go when it ends; its zip is in the store

    def _import(self, job_id: str, params: dict, owner_id: int | None) -> None:
        """Read the uploaded plan in a worker process, store it as a draft from here; the bytes then go."""
        upload, suffix = params.get("upload"), str(params.get("suffix") or "")
        try:
            data = self.web.store.files.get(upload)
            chosen = str(params.get("registry") or "")
            registry = self.web.plans.registry(chosen) if chosen else None
            read = self.web.workers.call(workplace.read_plan, data, suffix, registry)
            with self.web.store.session() as s:
                owner = s.get(User, owner_id) if owner_id is not None else None

            def job_done(s, plan) -> None:  # with the draft, in its transaction: a restart never stores it twice
                self._finish(s, job_id, plan_id=plan.id,
                             message=f"Đã đọc xong {plan.title}: {read.units} đơn vị phải cụ thể hóa. "
                                     "Hãy xem lại trước khi ban hành.")
                self._drop_upload(s, job_id, upload)

            workplace.store_plan(self.web.store, owner, read, data, suffix, along=job_done)
        except VanbanError as exc:
            self._end(job_id, failed=public(str(exc)), upload=upload)
        except Exception:  # noqa: BLE001 - a job's failure is its message, never a stack trace; the server goes on
            if self.stopping.is_set():
                return  # the worker processes went with the server: still "running", it waits again at the start
            self._end(job_id, failed="lỗi không lường trước khi đọc kế hoạch; hãy thử lại hoặc báo cho bộ phận "
                                     "kỹ thuật", upload=upload)

    def _drop_upload(self, s, job_id: str, sha) -> None:
        """The upload's bytes out of the file store, unless something stored (or another waiting import) keeps
        the same bytes. Called in the transaction that ends the job, before it commits: a job seen ended has
        no bytes left, and a job still waiting keeps its bytes."""
        try:
            if not queue.file_in_use(s, sha, but_job=job_id):
                self.web.store.files.remove(sha)
        except Exception:  # noqa: BLE001 - a file left behind is no reason to stop serving
            pass

    def _end(self, job_id: str, *, sha: str | None = None, message: str = "", failed: str | None = None,
             upload: str | None = None) -> None:
        with self.web.store.session() as s:
            if failed is not None:
                queue.fail_job(s, queue.job(s, job_id), failed)
            else:
                self._finish(s, job_id, sha=sha, message=message)
            if upload is not None:
                self._drop_upload(s, job_id, upload)

    @staticmethod
    def _finish(s, job_id: str, *, sha: str | None = None, message: str = "", plan_id: int | None = None) -> None:
        job = queue.job(s, job_id)
        if plan_id is not None:
            job.params = {**(job.params or {}), "plan_id": plan_id}  # a new dict: the JSON column sees it
        queue.finish(s, job, result_sha=sha, message=message)

