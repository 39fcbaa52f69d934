"""Plans and their versions: each version's YAML (and the uploaded .docx/.pdf) in the file store."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import InputError
from .files import FileStore
from .models import Plan, PlanVersion, User, utcnow

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def _by(user: User | None) -> int | None:
    return user.id if user is not None else None


def check_slug(slug: str) -> str:
    if not SLUG.fullmatch(slug or "") or len(slug) > 100:
        raise InputError(f"tên ngắn «{slug}» không dùng được: chỉ gồm chữ thường không dấu, chữ số và dấu gạch"
                         " ngang (ví dụ ke-hoach-dan-van-2026)")
    return slug


def add_plan(s: Session, files: FileStore, *, yaml_text: str, slug: str, title: str, issuer_unit_id: str,
             registry_name: str, source_name: str | None = None, source: bytes | None = None,
             review: Iterable[str] = (), by: User | None) -> Plan:
    check_slug(slug)
    if s.scalar(select(Plan.id).where(Plan.slug == slug)) is not None:
        raise InputError(f"đã có kế hoạch mang tên ngắn «{slug}»; hãy chọn tên khác")
    if not (title or "").strip():
        raise InputError("kế hoạch cần có tên")
    now = utcnow()
    plan = Plan(slug=slug, title=title.strip(), issuer_unit_id=issuer_unit_id, registry_name=registry_name,
                status="draft", created_by=_by(by), created_at=now)
    plan.versions.append(PlanVersion(version=1, yaml_sha=files.put(yaml_text.encode("utf-8")),
                                     source_name=source_name, source_sha=files.put(source) if source else None,
                                     review=list(review), created_by=_by(by), created_at=now))
    s.add(plan)
    s.flush()
    return plan


def add_version(s: Session, files: FileStore, plan: Plan, yaml_text: str, by: User | None,
                review: Iterable[str] = ()) -> PlanVersion:
    """A new version of the plan's YAML (the source file stays with the version it came with)."""
    if plan.status == "published":
        raise InputError(f"kế hoạch «{plan.title}» đã ban hành, không sửa được nữa")
    version = PlanVersion(version=plan.current.version + 1, yaml_sha=files.put(yaml_text.encode("utf-8")),
                          review=list(review), created_by=_by(by), created_at=utcnow())
    plan.versions.append(version)
    s.flush()
    return version


def plan_yaml(s: Session, files: FileStore, plan: Plan) -> str:
    return files.get(plan.current.yaml_sha).decode("utf-8")


def publish(s: Session, plan: Plan, number: int, date: date, by: User | None) -> Plan:
    """The plan is issued: its number and date go on every unit's sub-plan (``by`` is kept in the audit log)."""
    if plan.status == "published":
        raise InputError(f"kế hoạch «{plan.title}» đã ban hành (số {plan.parent_number})")
    if not isinstance(number, int) or isinstance(number, bool) or number < 1:
        raise InputError(f"số văn bản «{number}» phải là số nguyên dương")
    if date is None:
        raise InputError("cần ngày ban hành kế hoạch")
    plan.status = "published"
    plan.parent_number = number
    plan.parent_date = date
    plan.published_at = utcnow()
    s.flush()
    return plan


def plans(s: Session) -> list[Plan]:
    """Newest first."""
    return list(s.scalars(select(Plan).order_by(Plan.created_at.desc(), Plan.id.desc())))


def get_plan(s: Session, plan_id: int) -> Plan:
    plan = s.get(Plan, int(plan_id)) if str(plan_id).isdigit() else None
    if plan is None:
        raise InputError(f"không có kế hoạch số {plan_id}")
    return plan


def plan_by_slug(s: Session, slug: str) -> Plan:
    plan = s.scalar(select(Plan).where(Plan.slug == slug))
    if plan is None:
        raise InputError(f"không có kế hoạch «{slug}»")
    return plan
