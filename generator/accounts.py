"""Accounts of the workplace for the CLI and the web app: the state folder, users, invitation links.

The functions here take a ``Store`` (``open_store``) and do one whole thing each, with its audit entry, so
``vanban users …`` only parses its options and prints. The web pages that log users in are in
``generator/web/auth.py``.
"""

from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from . import pipeline
from .errors import InputError, Location, WrongPassword
from .output import write_atomic
from .store import accounts as store_accounts
from .store import audit
from .store.db import Store, connect
from .store.models import User

STATE_ENV = "VANBAN_STATE_DIR"
PUBLIC_URL_ENV = "VANBAN_PUBLIC_URL"
UNIT_ID = re.compile(r"^[a-z0-9][a-z0-9/-]{0,199}$")
ROLE_NAMES = {"admin": "quản trị", "unit": "đơn vị"}


def default_state_dir() -> Path:
    """Where the workplace keeps its database, files and session key: ``VANBAN_STATE_DIR``, else the user's
    data folder (``$XDG_DATA_HOME/vanban``, ``~/.local/share/vanban``) — never inside the repository."""
    if os.environ.get(STATE_ENV):
        return Path(os.environ[STATE_ENV]).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "vanban"


def public_url() -> str:
    """The address users open the server at (``VANBAN_PUBLIC_URL``), for the links of invitations."""
    return os.environ.get(PUBLIC_URL_ENV, "").rstrip("/") or "http://127.0.0.1:8000"


def open_store(state: Path | None = None) -> Store:
    return connect(folder=state or default_state_dir())


def _unit_id(unit_id: str) -> str:
    unit_id = unit_id.strip()
    if not UNIT_ID.match(unit_id):
        raise InputError(f"mã đơn vị «{unit_id}» không đúng (chữ thường không dấu, số và dấu gạch ngang, ví dụ "
                         "so-tu-phap)")
    return unit_id


def add_user(db: Store, username: str, password: str, *, admin: bool = False, unit_id: str | None = None,
             display_name: str | None = None) -> User:
    """A new account: an administrator, or the account of one unit (exactly one of the two)."""
    if admin == (unit_id is not None):
        raise InputError("hãy chọn một trong hai: --admin (quản trị) hoặc --unit MÃ_ĐƠN_VỊ (tài khoản của đơn vị)")
    with db.session() as s:
        user = store_accounts.create_user(s, username, password, "admin" if admin else "unit",
                                          None if admin else _unit_id(unit_id or ""), display_name)
        s.flush()
        audit.record(s, None, "user.create", f"user:{user.id}", role=user.role, unit=user.unit_id)
    return user


def list_users(db: Store) -> list[User]:
    with db.session() as s:
        return list(store_accounts.users(s))


def find_user(db: Store, username: str) -> User:
    with db.session() as s:
        user = store_accounts.find_user(s, username)
    if user is not None:
        return user
    raise InputError(f"không có tài khoản «{username}»", hint="xem danh sách bằng «vanban users list»")


def has_admin(db: Store) -> bool:
    return any(user.role == "admin" and user.active for user in list_users(db))


def change_password(db: Store, username: str, password: str) -> User:
    """A new password for ``username`` (``vanban users passwd``); the sessions logged in with the old one end."""
    return reset_password(db, find_user(db, username).id, password)


def _account(s, user_id: int) -> User:
    user = s.get(User, user_id)
    if user is None:
        raise InputError("không có tài khoản này (có thể vừa bị xóa); hãy tải lại trang")
    return user


def reset_password(db: Store, user_id: int, password: str, by: User | None = None) -> User:
    """An administrator's new password for an account (a forgotten one); its every login session ends."""
    with db.session() as s:
        user = _account(s, user_id)
        store_accounts.set_password(s, user, password)
        store_accounts.end_sessions(s, user)
        audit.record(s, by, "user.password", f"user:{user.id}")
        s.expunge(user)
    return user


def change_own_password(db: Store, user_id: int, current: str, new: str) -> User:
    """A user's own new password, given the one they log in with now; their every login session ends (the web
    starts a new one for the browser that asked)."""
    with db.session() as s:
        user = _account(s, user_id)
        if store_accounts.authenticate(s, user.username, current) is None:
            raise WrongPassword("mật khẩu hiện tại không đúng")
        if current == new:
            raise InputError("mật khẩu mới phải khác mật khẩu hiện tại")
        store_accounts.set_password(s, user, new)
        store_accounts.end_sessions(s, user)
        audit.record(s, user, "user.password", f"user:{user.id}", own=True)
        s.expunge(user)
    return user


def set_active(db: Store, user_id: int, active: bool, by: User | None = None) -> User:
    """Lock (``active`` False) or unlock an account. A locked account's every login session ends; an
    administrator cannot lock their own account, nor the last unlocked administrator."""
    with db.session() as s:
        user = _account(s, user_id)
        if not active:
            if by is not None and by.id == user.id:
                raise InputError("không tự khóa tài khoản mình đang dùng được; hãy nhờ một quản trị viên khác")
            others = [u for u in store_accounts.users(s) if u.role == "admin" and u.active and u.id != user.id]
            if user.role == "admin" and not others:
                raise InputError("đây là quản trị viên cuối cùng còn mở; khóa tài khoản này thì không ai quản trị "
                                 "được nữa")
            store_accounts.end_sessions(s, user)
        user.active = active
        audit.record(s, by, "user.unlock" if active else "user.lock", f"user:{user.id}")
        s.flush()
        s.expunge(user)
    return user


def units_without_account(db: Store, units: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Of ``units`` (id, name), those no unlocked account belongs to yet: the ones still to invite."""
    with db.session() as s:
        covered = {u.unit_id for u in store_accounts.users(s) if u.active and u.unit_id}
    return [(unit_id, name) for unit_id, name in units if unit_id not in covered]


def describe(user: User) -> str:
    """One line of ``vanban users list``."""
    role = ROLE_NAMES.get(user.role, user.role)
    unit = f"  {user.unit_id}" if user.unit_id else ""
    locked = "" if user.active else "  (đã khóa)"
    return f"{user.username}  [{role}]{unit}{locked}"


@dataclass(frozen=True)
class InviteLink:
    unit_id: str
    unit_name: str
    url: str
    expires_at: datetime


def plan_units(plan: Path) -> list[tuple[str, str]]:
    """The units that issue a sub-plan of ``plan`` (its cascade), with their names, in the plan's order."""
    loaded, _context, units = pipeline.unit_documents(plan)
    return [(unit_id, loaded.registry.unit(unit_id).name) for unit_id in units]


def choose_units(unit_ids: list[str], plan: Path | None, all_units: bool) -> list[tuple[str, str]]:
    """The units to invite: those named (checked against the plan's issuing units when a plan is given), or
    with ``all_units`` every issuing unit of the plan."""
    if all_units:
        if plan is None:
            raise InputError("--all-units cần tệp kế hoạch (--plan KẾ_HOẠCH.yaml)")
        if unit_ids:
            raise InputError("dùng --unit hoặc --all-units, không dùng cả hai")
        return plan_units(plan)
    if not unit_ids:
        raise InputError("hãy nêu đơn vị được mời (--unit MÃ, có thể nêu nhiều lần) hoặc --all-units với --plan")
    if plan is None:
        return [(_unit_id(unit_id), unit_id) for unit_id in unit_ids]
    known = dict(plan_units(plan))
    missing = [unit_id for unit_id in unit_ids if unit_id not in known]
    if missing:
        raise InputError(f"đơn vị {', '.join(missing)} không phải xây dựng kế hoạch cụ thể hóa của kế hoạch này",
                         Location(plan))
    return [(unit_id, known[unit_id]) for unit_id in unit_ids]


def invite_units(db: Store, units: list[tuple[str, str]], *, hours: float = 72, base_url: str | None = None,
                 by: User | None = None) -> list[InviteLink]:
    """One single-use invitation link per unit (``base_url``/invite/TOKEN); the tokens are shown only here."""
    if hours <= 0:
        raise InputError("thời hạn của đường dẫn mời phải lớn hơn 0 giờ")
    base = (base_url or public_url()).rstrip("/")
    links = []
    with db.session() as s:
        for unit_id, name in units:
            invitation, token = store_accounts.invite(s, unit_id, by, role="unit", hours=hours)
            s.flush()
            audit.record(s, by, "user.invite", f"unit:{unit_id}", invitation=invitation.id, hours=hours)
            links.append(InviteLink(unit_id, name, f"{base}/invite/{token}", invitation.expires_at))
    return links


def links_csv(links: list[InviteLink]) -> bytes:
    """The links as a CSV for a mail merge (UTF-8 with BOM, so Excel reads the Vietnamese)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Mã đơn vị", "Tên đơn vị", "Đường dẫn", "Hết hạn"])
    for link in links:
        writer.writerow([link.unit_id, link.unit_name, link.url, expires(link)])
    return out.getvalue().encode("utf-8-sig")


def expires(link: InviteLink) -> str:
    """When the link stops working, in the server's local time: 18/5/2025 14:30."""
    at = link.expires_at.astimezone()
    return f"{at.day}/{at.month}/{at.year} {at:%H:%M}"


def write_links_csv(links: list[InviteLink], path: Path) -> Path:
    """The CSV written atomically, readable by its owner only (the links let anyone make an account)."""
    write_atomic(path, links_csv(links))
    path.chmod(0o600)
    return path
