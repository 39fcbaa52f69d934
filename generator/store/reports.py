"""Units' documents (sub-plans and reports, with their number, date and files) and the results units
submit for each period, with their review."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..errors import InputError
from .models import DOCUMENT_KINDS, Plan, Submission, UnitDocument, User, utcnow

REVIEW_STATUSES = ("accepted", "returned")


def _by(user: User | None) -> int | None:
    return user.id if user is not None else None


def _check_kind(kind: str, period_id: str | None) -> None:
    if kind not in DOCUMENT_KINDS:
        raise InputError(f"loại văn bản «{kind}» không có (chỉ có: {', '.join(DOCUMENT_KINDS)})")
    if kind == "subplan" and period_id is not None:
        raise InputError("kế hoạch cụ thể hóa không gắn với một kỳ báo cáo")
    if kind == "report" and not period_id:
        raise InputError("báo cáo cần có kỳ báo cáo")


def unit_document(s: Session, plan: Plan, unit_id: str, kind: str,
                  period_id: str | None = None) -> UnitDocument | None:
    _check_kind(kind, period_id)
    period = UnitDocument.period_id.is_(None) if period_id is None else UnitDocument.period_id == period_id
    return s.scalar(select(UnitDocument).where(UnitDocument.plan_id == plan.id, UnitDocument.unit_id == unit_id,
                                               UnitDocument.kind == kind, period))


def unit_documents(s: Session, plan: Plan, kind: str | None = None) -> list[UnitDocument]:
    query = select(UnitDocument).where(UnitDocument.plan_id == plan.id)
    if kind is not None:
        query = query.where(UnitDocument.kind == kind)
    return list(s.scalars(query.order_by(UnitDocument.unit_id, UnitDocument.kind, UnitDocument.period_id)))


def save_unit_document(s: Session, plan: Plan, unit_id: str, kind: str, period_id: str | None, *,
                       number: int | None, date: date | None, fields: dict[str, Any], docx_sha: str | None,
                       pdf_sha: str | None, by: User | None, issued: bool = False) -> UnitDocument:
    """The one row of (plan, unit, kind, period), created or updated. An issued document is not changed."""
    _check_kind(kind, period_id)
    if number is not None and (not isinstance(number, int) or isinstance(number, bool) or number < 1):
        raise InputError(f"số văn bản «{number}» phải là số nguyên dương")
    if issued and (number is None or date is None):
        raise InputError("văn bản cần có số và ngày trước khi ban hành")
    document = unit_document(s, plan, unit_id, kind, period_id)
    if document is None:
        document = UnitDocument(plan_id=plan.id, unit_id=unit_id, kind=kind, period_id=period_id, issued=False)
        s.add(document)
    elif document.issued:
        raise InputError(f"văn bản của đơn vị «{unit_id}» đã ban hành (số {document.number}), không sửa được nữa")
    now = utcnow()
    document.number = number
    document.date = date
    document.fields = dict(fields or {})
    document.docx_sha = docx_sha
    document.pdf_sha = pdf_sha
    document.updated_at = now
    if issued:
        document.issued = True
        document.issued_at = now
        document.issued_by = _by(by)
    s.flush()
    return document


def _history_query(plan: Plan, unit_id: str, period_id: str):
    return select(Submission).where(Submission.plan_id == plan.id, Submission.unit_id == unit_id,
                                    Submission.period_id == period_id)


def submit(s: Session, plan: Plan, unit_id: str, period_id: str, results: dict[str, Any],
           workbook_sha: str | None, by: User | None) -> Submission:
    """A new version of the unit's results for the period; the latest version is the one that counts."""
    if not period_id:
        raise InputError("cần chọn kỳ báo cáo")
    last = s.scalar(select(func.max(Submission.version)).where(
        Submission.plan_id == plan.id, Submission.unit_id == unit_id, Submission.period_id == period_id))
    submission = Submission(plan_id=plan.id, unit_id=unit_id, period_id=period_id, version=(last or 0) + 1,
                            results=dict(results), workbook_sha=workbook_sha, submitted_by=_by(by),
                            submitted_at=utcnow(), status="submitted")
    s.add(submission)
    s.flush()
    return submission


def latest_submissions(s: Session, plan: Plan, period_id: str) -> dict[str, Submission]:
    """Each unit's latest submission for the period, by unit id."""
    newest = (select(Submission.unit_id, func.max(Submission.version).label("version"))
              .where(Submission.plan_id == plan.id, Submission.period_id == period_id)
              .group_by(Submission.unit_id).subquery())
    query = (select(Submission)
             .join(newest, (Submission.unit_id == newest.c.unit_id) & (Submission.version == newest.c.version))
             .where(Submission.plan_id == plan.id, Submission.period_id == period_id)
             .order_by(Submission.unit_id))
    return {submission.unit_id: submission for submission in s.scalars(query)}


def history(s: Session, plan: Plan, unit_id: str, period_id: str) -> list[Submission]:
    """Every version, oldest first."""
    return list(s.scalars(_history_query(plan, unit_id, period_id).order_by(Submission.version)))


def review_submission(s: Session, submission: Submission, status: str, note: str | None,
                      by: User | None) -> Submission:
    """Accept or return the latest submission (a returned one needs a reason; the unit then submits again)."""
    if status not in REVIEW_STATUSES:
        raise InputError(f"kết quả xem xét «{status}» không có (chỉ có: {', '.join(REVIEW_STATUSES)})")
    note = (note or "").strip() or None
    if status == "returned" and note is None:
        raise InputError("hãy ghi lý do trả lại để đơn vị biết cần sửa gì")
    newest = s.scalar(select(func.max(Submission.version)).where(
        Submission.plan_id == submission.plan_id, Submission.unit_id == submission.unit_id,
        Submission.period_id == submission.period_id))
    if newest is not None and submission.version < newest:
        raise InputError(f"đơn vị đã nộp bản mới hơn (lần {newest}); hãy xem bản đó")
    submission.status = status
    submission.note = note
    submission.reviewed_by = _by(by)
    submission.reviewed_at = utcnow()
    s.flush()
    return submission
