"""The job queue: long work (a whole cascade) waits its turn; a worker claims the oldest queued job.

Claiming is safe with two workers: on PostgreSQL ``SELECT … FOR UPDATE SKIP LOCKED`` (a job another session
is claiming is skipped), on SQLite one conditional ``UPDATE … WHERE status = 'queued' … RETURNING``
(SQLite runs one writer at a time, so the same job is never claimed twice)."""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session

from ..errors import InputError
from .models import Base, Job, Plan, User, utcnow

UNFINISHED = ("queued", "running")
_ENQUEUE_LOCK = 1_762_018  # PostgreSQL advisory lock: two enqueues count the waiting jobs one after the other


def _one_enqueue_at_a_time(s: Session) -> None:
    """Held until the session commits, so a double click cannot slip two jobs past the limits."""
    if s.get_bind().dialect.name == "postgresql":
        s.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ENQUEUE_LOCK})
    else:  # an UPDATE that changes nothing still takes SQLite's write lock
        s.execute(text("UPDATE jobs SET status = status WHERE 1 = 0"))


def _owner_filter(owner: User | None):
    return Job.owner_id.is_(None) if owner is None else Job.owner_id == owner.id


def enqueue(s: Session, owner: User | None, kind: str, params: dict[str, Any], *, per_user: int = 1,
            total: int = 20) -> Job:
    """A queued job, refused when the owner already has ``per_user`` unfinished jobs or ``total`` wait."""
    _one_enqueue_at_a_time(s)
    mine = s.scalar(select(func.count()).select_from(Job).where(Job.status.in_(UNFINISHED), _owner_filter(owner)))
    if mine >= per_user:
        raise InputError(f"bạn đang có {mine} việc chờ hoặc đang chạy; hãy đợi việc đó xong rồi gửi tiếp")
    waiting = s.scalar(select(func.count()).select_from(Job).where(Job.status.in_(UNFINISHED)))
    if waiting >= total:
        raise InputError(f"máy chủ đang có {waiting} việc chờ; hãy thử lại sau ít phút")
    job = Job(id=secrets.token_hex(8), owner_id=owner.id if owner is not None else None, kind=kind,
              params=dict(params), status="queued", created_at=utcnow())
    s.add(job)
    s.flush()
    return job


def _oldest_queued():
    return select(Job.id).where(Job.status == "queued").order_by(Job.created_at, Job.id).limit(1)


def claim_next(s: Session) -> Job | None:
    """The oldest queued job, now running (None when nothing waits). Commit soon: on SQLite the claim holds
    the database's write lock until the session commits."""
    now = utcnow()
    if s.get_bind().dialect.name == "postgresql":
        job_id = s.scalar(_oldest_queued().with_for_update(skip_locked=True))
        if job_id is None:
            return None
        s.execute(update(Job).where(Job.id == job_id).values(status="running", started_at=now))
    else:
        job_id = s.scalar(update(Job)
                          .where(Job.id == _oldest_queued().scalar_subquery(), Job.status == "queued")
                          .values(status="running", started_at=now)
                          .returning(Job.id)
                          .execution_options(synchronize_session=False))
        if job_id is None:
            return None
    return s.get(Job, job_id, populate_existing=True)


def finish(s: Session, job: Job, result_sha: str | None = None, message: str = "") -> Job:
    job.status = "done"
    job.finished_at = utcnow()
    job.result_sha = result_sha
    job.message = message
    s.flush()
    return job


def fail_job(s: Session, job: Job, message: str) -> Job:
    job.status = "failed"
    job.finished_at = utcnow()
    job.message = message
    s.flush()
    return job


def requeue_running(s: Session) -> int:
    """At start-up: jobs a stopped server left "running" wait again (in their old order). How many."""
    result = s.execute(update(Job).where(Job.status == "running").values(status="queued", started_at=None)
                       .execution_options(synchronize_session=False))
    s.expire_all()
    return result.rowcount or 0


def job(s: Session, job_id: str) -> Job:
    found = s.get(Job, job_id) if isinstance(job_id, str) and job_id else None
    if found is None:
        raise InputError(f"không có việc «{job_id}»")
    return found


def jobs_of(s: Session, owner: User | None, limit: int = 50) -> list[Job]:
    """The owner's jobs, newest first."""
    return list(s.scalars(select(Job).where(_owner_filter(owner)).order_by(Job.created_at.desc()).limit(limit)))


def file_in_use(s: Session, sha: str, *, but_job: str | None = None) -> bool:
    """Whether anything stored refers to the file ``sha``: a ``…_sha`` column of any table, a plan's own
    registry («file:<sha>»), or an unfinished import job other than ``but_job`` waiting with those bytes."""
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if column.name.endswith("_sha") and s.scalar(select(column).where(column == sha).limit(1)) is not None:
                return True
    if s.scalar(select(Plan.id).where(Plan.registry_name == f"file:{sha}").limit(1)) is not None:
        return True
    waiting = s.scalars(select(Job).where(Job.status.in_(UNFINISHED), Job.kind == "import", Job.id != but_job))
    return any((job.params or {}).get("upload") == sha for job in waiting)
