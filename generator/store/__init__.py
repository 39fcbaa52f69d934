"""The workplace store: the database (SQLAlchemy 2, Alembic migrations) and the content-addressed file store.

``connect(folder=…)`` gives a :class:`Store`; the functions of ``accounts``, ``audit``, ``plans``, ``reports``
and ``jobs`` take a ``Session`` from ``Store.session()`` first and raise ``InputError`` (Vietnamese) for
anything a user did wrong. Every change to ``models.py`` needs an Alembic revision in ``migrations/versions/``
(tests/test_store.py compares the two).
"""

from __future__ import annotations

from . import accounts, audit, jobs, plans, reports
from .db import ENVIRONMENT_URL, Store, connect, database_url, migrate
from .files import FileStore, sha256
from .models import (AuditEntry, Base, Invitation, Job, Plan, PlanVersion, Submission, UnitDocument, User,
                     utcnow)

__all__ = [
    "ENVIRONMENT_URL", "AuditEntry", "Base", "FileStore", "Invitation", "Job", "Plan", "PlanVersion", "Store",
    "Submission", "UnitDocument", "User", "accounts", "audit", "connect", "database_url", "jobs", "migrate",
    "plans", "reports", "sha256", "utcnow",
]
