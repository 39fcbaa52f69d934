"""The audit log: who did what to which plan, unit or account, and when."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import AuditEntry, User, utcnow


def record(s: Session, user: User | None, action: str, target: str, **detail: Any) -> AuditEntry:
    """One entry; ``user`` None for the CLI. ``detail`` must be JSON (strings, numbers, lists, dicts)."""
    entry = AuditEntry(at=utcnow(), user_id=user.id if user is not None else None, action=action,
                       target=target, detail=dict(detail))
    s.add(entry)
    s.flush()
    return entry


def entries(s: Session, limit: int = 200) -> list[AuditEntry]:
    """The newest entries first."""
    return list(s.scalars(select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)))


def since(s: Session, start: datetime, actions: tuple[str, ...]) -> list[AuditEntry]:
    """The entries of ``actions`` from ``start`` on, oldest first (with their user, for a login's name)."""
    return list(s.scalars(select(AuditEntry).where(AuditEntry.at >= start, AuditEntry.action.in_(actions))
                          .order_by(AuditEntry.at, AuditEntry.id)))
