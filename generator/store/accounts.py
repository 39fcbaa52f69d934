"""Accounts: Argon2 password hashes, sign-in, one-time invitations for the units."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from ..errors import InputError
from .models import ROLES, Invitation, LoginSession, User, utcnow

# The one hasher (argon2-cffi's recommended parameters). Tests swap in cheaper parameters; a stored hash made
# with other parameters is rehashed at the next successful sign-in.
HASHER = PasswordHasher()
MIN_PASSWORD_LENGTH = 10
USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{2,63}")
MAX_INVITATION_HOURS = 24 * 30

_dummy: dict[tuple[int, int, int], str] = {}  # per Argon2 parameters: the hash an unknown user is checked against


def normal_username(username: str) -> str:
    return (username or "").strip().lower()


def check_username(username: str) -> str:
    name = normal_username(username)
    if not USERNAME.fullmatch(name):
        raise InputError(f"tên đăng nhập «{username}» không dùng được: cần 3 đến 64 ký tự, chỉ gồm chữ không dấu,"
                         " chữ số và các dấu . _ - (bắt đầu bằng chữ hoặc số)")
    return name


def check_password(password: str, username: str | None = None) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise InputError(f"mật khẩu cần ít nhất {MIN_PASSWORD_LENGTH} ký tự")
    if not password.strip():
        raise InputError("mật khẩu không được chỉ gồm dấu cách")
    if username and password.strip().lower() == normal_username(username):
        raise InputError("mật khẩu không được trùng với tên đăng nhập")


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def _check_role(role: str, unit_id: str | None) -> None:
    if role not in ROLES:
        raise InputError(f"vai trò «{role}» không có (chỉ có: {', '.join(ROLES)})")
    if role == "unit" and not unit_id:
        raise InputError("tài khoản của đơn vị cần mã đơn vị")
    if role == "admin" and unit_id:
        raise InputError("tài khoản quản trị không gắn với một đơn vị")


def find_user(s: Session, username: str) -> User | None:
    return s.scalar(select(User).where(User.username == normal_username(username)))


def create_user(s: Session, username: str, password: str, role: str, unit_id: str | None = None,
                display_name: str | None = None) -> User:
    name = check_username(username)
    check_password(password, name)
    _check_role(role, unit_id)
    if find_user(s, name) is not None:
        raise InputError(f"tên đăng nhập «{name}» đã có người dùng")
    user = User(username=name, password_hash=hash_password(password), role=role, unit_id=unit_id or None,
                display_name=(display_name or "").strip() or None, active=True, created_at=utcnow())
    s.add(user)
    s.flush()
    return user


def _dummy_hash() -> str:
    key = (HASHER.time_cost, HASHER.memory_cost, HASHER.parallelism)
    if key not in _dummy:
        _dummy[key] = HASHER.hash(secrets.token_urlsafe(16))
    return _dummy[key]


def _verify(stored: str, password: str) -> bool:
    try:
        return HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def authenticate(s: Session, username: str, password: str) -> User | None:
    """The user when the password is right, else None. An unknown or inactive user costs the same Argon2
    verification as a known one; a right password stored with old parameters is rehashed."""
    user = find_user(s, username)
    if user is None or not user.active:
        _verify(_dummy_hash(), password or "")
        return None
    if not _verify(user.password_hash, password or ""):
        return None
    if HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        s.flush()
    return user


def set_password(s: Session, user: User, password: str) -> None:
    check_password(password, user.username)
    user.password_hash = hash_password(password)
    s.flush()


def users(s: Session) -> list[User]:
    return list(s.scalars(select(User).order_by(User.role, User.unit_id, User.username)))


def _token_hash(token: str) -> str:
    return hashlib.sha256((token or "").encode("utf-8")).hexdigest()


SESSIONS_KEPT_DAYS = 30  # ended and expired login sessions are removed after this long


def start_session(s: Session, user: User) -> str:
    """A new login session of ``user`` and its secret token (for the cookie; only its sha256 is kept). Old
    sessions of everyone, ended or expired a month ago, are cleared on the way."""
    s.execute(delete(LoginSession).where(LoginSession.created_at < utcnow() - timedelta(days=SESSIONS_KEPT_DAYS)))
    token = secrets.token_urlsafe(32)
    s.add(LoginSession(token_hash=_token_hash(token), user_id=user.id))
    return token


def session_user(s: Session, token: str, hours: int) -> User | None:
    """The active user whose login session ``token`` is, when it has not ended and is under ``hours`` old."""
    if not token:
        return None
    return s.scalar(select(User).join(LoginSession, LoginSession.user_id == User.id).where(
        LoginSession.token_hash == _token_hash(token), LoginSession.ended_at.is_(None),
        LoginSession.created_at >= utcnow() - timedelta(hours=hours), User.active.is_(True)))


def end_session(s: Session, token: str) -> None:
    """The login session ``token`` ends (for every copy of its cookie)."""
    if token:
        s.execute(update(LoginSession).where(LoginSession.token_hash == _token_hash(token),
                                             LoginSession.ended_at.is_(None)).values(ended_at=utcnow()))


def end_sessions(s: Session, user: User) -> int:
    """Every open login session of ``user`` ends; how many did."""
    return s.execute(update(LoginSession).where(LoginSession.user_id == user.id, LoginSession.ended_at.is_(None))
                     .values(ended_at=utcnow())).rowcount


def invite(s: Session, unit_id: str | None, by: User | None, role: str = "unit",
           hours: int = 72) -> tuple[Invitation, str]:
    """A one-time invitation and its secret token (shown once; only its sha256 is kept)."""
    _check_role(role, unit_id)
    if not 1 <= hours <= MAX_INVITATION_HOURS:
        raise InputError(f"thời hạn lời mời phải từ 1 đến {MAX_INVITATION_HOURS} giờ")
    token = secrets.token_urlsafe(32)
    now = utcnow()
    invitation = Invitation(token_hash=_token_hash(token), unit_id=unit_id or None, role=role,
                            created_by=by.id if by is not None else None, created_at=now,
                            expires_at=now + timedelta(hours=hours))
    s.add(invitation)
    s.flush()
    return invitation, token


def invitation(s: Session, token: str) -> Invitation:
    """The invitation a token opens, refused when unknown, used or expired."""
    found = s.scalar(select(Invitation).where(Invitation.token_hash == _token_hash(token)))
    if found is None:
        raise InputError("lời mời không đúng (hãy kiểm tra lại đường dẫn đã nhận)")
    if found.used_at is not None:
        raise InputError("lời mời này đã được dùng; mỗi lời mời chỉ dùng được một lần")
    if found.expires_at <= utcnow():
        raise InputError("lời mời đã hết hạn; hãy xin người quản trị gửi lời mời mới")
    return found


def redeem(s: Session, token: str, username: str, password: str) -> User:
    found = invitation(s, token)
    user = create_user(s, username, password, found.role, found.unit_id)
    found.used_at = utcnow()
    found.used_by = user.id
    s.flush()
    return user


def count_users(s: Session) -> int:
    return s.scalar(select(func.count()).select_from(User)) or 0
