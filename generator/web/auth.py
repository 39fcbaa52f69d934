"""Accounts on the web: signed session cookies, who is logged in, what a user may open, CSRF, the login pages.

Sessions live in a cookie signed with the app's secret (Starlette's ``SessionMiddleware`` over itsdangerous):
HttpOnly, SameSite=Lax, Secure when the operator serves over HTTPS (``VANBAN_HTTPS_ONLY=1``), 12 hours.
The secret comes from ``VANBAN_SECRET_KEY`` or is made once and kept in the state folder (mode 0600), so a
restart keeps users logged in. The cookie holds the user's id, the token of their login session (kept in
the store as a sha256: logging out ends it, so a copy of the cookie taken before is refused too), a
fingerprint of their password hash (a new password ends every other session) and the CSRF token; a login
starts a new session.

Every route of the app takes ``GUARDS`` (``create_app`` passes them to FastAPI): when the server listens
beyond loopback (``Settings.require_login``) every page but the login and invitation pages needs a user; a
unit's user opens only their own unit's pages (a ``unit_id`` in the URL is checked); every POST, PUT, PATCH
and DELETE must carry the session's CSRF token (form field ``csrf`` or header ``X-CSRF-Token``) and come
from the app's own origin. Routes of other modules use ``require_user``, ``require_admin``, ``check_unit``
(or ``require_unit_access``) and write ``csrf_token(request)`` into their forms.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import threading
import time
from collections import deque
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote, urlsplit

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import SQLAlchemyError
from starlette.middleware.sessions import SessionMiddleware

from .. import accounts
from ..errors import InputError
from ..store import accounts as store_accounts
from ..store import audit
from ..store.models import User, utcnow
from .common import Web, current, wants_json

SESSION_COOKIE = "vanban_session"
SESSION_HOURS = 12
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
FAILURES_ALLOWED = 5  # failed logins per username or address …
FAILURE_WINDOW = 15 * 60  # … within this many seconds; then refused until the oldest failure is this old
WRONG_LOGIN = "Tên đăng nhập hoặc mật khẩu không đúng"
THROTTLED = "Đăng nhập sai quá nhiều lần. Hãy đợi 15 phút rồi thử lại, hoặc nhờ quản trị viên đặt lại mật khẩu."
FOREIGN = ("Yêu cầu bị từ chối: biểu mẫu được gửi từ một trang web khác, không phải từ vanban. "
           "Hãy mở vanban rồi làm lại từ trang của vanban.")
NO_TOKEN = ("Yêu cầu bị từ chối: trang đã mở quá lâu hoặc không phải trang của vanban. "
            "Hãy tải lại trang rồi làm lại.")
SECRET_FILE = "secret-key"
TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,200}$")


class LoginRequired(Exception):
    """No user logged in: a page goes to /login, a script gets 401."""


class Refused(Exception):
    """A request the user may not make: shown as a Vietnamese page (or JSON) with its status."""

    def __init__(self, message: str, status: int = 403):
        super().__init__(message)
        self.message = message
        self.status = status


# --- the secret and the middleware ---------------------------------------------------------------------------

def secret_key(state_dir: Path) -> str:
    """``VANBAN_SECRET_KEY``, or the key kept in the state folder (made on first use, readable by its owner only)."""
    if os.environ.get("VANBAN_SECRET_KEY"):
        return os.environ["VANBAN_SECRET_KEY"]
    path = Path(state_dir) / SECRET_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        if path.stat().st_mode & 0o077:
            path.chmod(0o600)
        key = path.read_text(encoding="ascii").strip()
        if len(key) >= 32:
            return key
        raise InputError(f"khóa phiên trong {path} quá ngắn hoặc hỏng; hãy xóa tệp đó rồi chạy lại (mọi người "
                         "sẽ phải đăng nhập lại)")
    key = secrets.token_urlsafe(48)
    with os.fdopen(handle, "w", encoding="ascii") as out:
        out.write(key + "\n")
    return key


def install(app: FastAPI, web: Web) -> None:
    """The session middleware, the login pages, the error pages of refusals and the template helpers."""
    settings = web.settings
    app.add_middleware(SessionMiddleware, secret_key=secret_key(settings.state_dir), session_cookie=SESSION_COOKIE,
                       max_age=SESSION_HOURS * 3600, same_site="lax", https_only=settings.https_only)
    app.include_router(router)
    app.state.login_throttle = Throttle()
    try:
        app.state.login_throttle.recall(web.store)
    except SQLAlchemyError:  # a database not there yet: the count starts from nothing, as before
        pass
    web.pages.env.globals["csrf_token"] = csrf_token
    web.pages.env.globals["current_user"] = _page_user

    @app.exception_handler(LoginRequired)
    async def on_login_required(request: Request, exc: LoginRequired):
        if wants_json(request) or request.headers.get("sec-fetch-mode", "navigate") != "navigate":
            return JSONResponse({"error": "cần đăng nhập", "login": "/login"}, status_code=401)
        return RedirectResponse(f"/login?next={quote(_local(request.url.path), safe='/')}", status_code=303)

    @app.exception_handler(Refused)
    async def on_refused(request: Request, exc: Refused):
        return web.error(request, exc.message, exc.status)


# --- who is logged in ----------------------------------------------------------------------------------------

def _fingerprint(user: User) -> str:
    return hashlib.sha256(f"{user.id}:{user.password_hash}".encode()).hexdigest()[:24]


def current_user(request: Request) -> User | None:
    """The user of this session (detached from the database session), or None; looked up once per request."""
    if "session" not in request.scope:
        return None
    cached = request.scope.setdefault("vanban.user", [])
    if cached:
        return cached[0]
    user = None
    user_id, token = request.session.get("uid"), request.session.get("sid")
    if user_id is not None:
        with current(request).store.session() as s:
            found = store_accounts.session_user(s, str(token or ""), SESSION_HOURS)
            if found is not None and found.id == user_id and hmac.compare_digest(
                    request.session.get("key", ""), _fingerprint(found)):
                s.expunge(found)
                user = found
        if user is None:  # logged out, removed, locked or given a new password since: this session is over
            request.session.clear()
    cached.append(user)
    return user


def _page_user(request: Request) -> User | None:
    """The account line of a page: none when the database cannot say (an error page must still show)."""
    try:
        return current_user(request)
    except SQLAlchemyError:
        return None


def log_in(request: Request, user: User) -> None:
    """A new session for ``user``, kept in the store: nothing of the session before the login is kept
    (fixation), a new CSRF token."""
    with current(request).store.session() as s:
        token = store_accounts.start_session(s, user)
    request.session.clear()
    request.session.update({"uid": user.id, "sid": token, "key": _fingerprint(user),
                            "csrf": secrets.token_urlsafe(32), "at": int(time.time())})
    request.scope["vanban.user"] = [user]


def log_out(request: Request) -> None:
    """The session ends in the store too: a copy of the cookie taken before is refused from now on."""
    token = request.session.get("sid")
    if token:
        user = current_user(request)  # before the write: it reads in a store session of its own
        with current(request).store.session() as s:
            store_accounts.end_session(s, str(token))
            if user is not None:
                audit.record(s, user, "logout", f"user:{user.id}", address=_address(request))
    request.session.clear()
    request.scope["vanban.user"] = [None]


def require_user(request: Request) -> User:
    """Dependency: the logged-in user; without one a page goes to /login and a script gets 401."""
    user = current_user(request)
    if user is None:
        raise LoginRequired()
    return user


def require_admin(user: User = Depends(require_user)) -> User:
    """Dependency: the logged-in user, refused unless an administrator."""
    if user.role != "admin":
        raise Refused("Chỉ quản trị viên được làm việc này.")
    return user


def check_unit(user: User | None, unit_id: str) -> None:
    """Refused (403) unless ``user`` is an administrator or the account of unit ``unit_id``."""
    if user is None:
        raise LoginRequired()
    if user.role == "admin" or (user.unit_id is not None and user.unit_id == unit_id):
        return
    raise Refused(f"Tài khoản {user.username} là của đơn vị «{user.unit_id}»: chỉ mở được trang và văn bản "
                  "của đơn vị mình.")


def require_unit_access(param: str = "unit_id"):
    """Dependency factory: the logged-in user, refused unless they may act for the unit named in the URL."""

    def dependency(request: Request, user: User = Depends(require_user)) -> User:
        check_unit(user, str(request.path_params.get(param, "")))
        return user

    return dependency


# --- CSRF ------------------------------------------------------------------------------------------------------

def csrf_token(request: Request) -> str:
    """This session's CSRF token (made on first use) for a hidden ``csrf`` field or the ``X-CSRF-Token`` header."""
    if "session" not in request.scope:
        return ""
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def _origin(value: str | None) -> str | None:
    if not value:
        return None
    if value == "null":
        return "null"
    parts = urlsplit(value)
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme and parts.netloc else "null"


def own_origins(request: Request) -> set[str]:
    """The origins of this app: the one the browser asked for (its Host header) and ``VANBAN_PUBLIC_URL``."""
    host = request.headers.get("host", "").lower()
    found = {f"http://{host}", f"https://{host}"} if host else set()
    public = _origin(accounts.public_url())
    if public and public != "null":
        found.add(public)
    return found


async def check_csrf(request: Request) -> None:
    """Refused unless a state-changing request comes from the app's own pages: its Origin (or Referer) is not
    foreign and it carries this session's token."""
    if request.method not in UNSAFE:
        return
    origin = _origin(request.headers.get("origin")) or _origin(request.headers.get("referer"))
    if request.headers.get("sec-fetch-site") == "cross-site" or (origin and origin not in own_origins(request)):
        raise Refused(FOREIGN)
    expected = request.session.get("csrf", "") if "session" in request.scope else ""
    sent = request.headers.get("x-csrf-token")
    content_type = request.headers.get("content-type", "")
    if sent is None and content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        sent = (await request.form()).get("csrf")  # parsed once: the route reads the same parsed form
    if not expected or not isinstance(sent, str) or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise Refused(NO_TOKEN)


# --- the guard of every route ----------------------------------------------------------------------------------

def _is_open(path: str) -> bool:
    """The pages reachable without a user even when login is required."""
    return path in ("/login", "/logout") or path.startswith("/invite/")


async def guard(request: Request) -> None:
    """Run before every route: a user when login is required, the unit in the URL, the CSRF check."""
    user = current_user(request)
    if user is None and current(request).settings.require_login and not _is_open(request.url.path):
        raise LoginRequired()
    if user is not None and "unit_id" in request.path_params:
        check_unit(user, str(request.path_params["unit_id"]))
    await check_csrf(request)


GUARDS = [Depends(guard)]


# --- throttling failed logins ------------------------------------------------------------------------------------

class Throttle:
    """Failed logins per username and per address in the last ``FAILURE_WINDOW`` seconds: counted in this
    process, and recalled from the audit log when the server starts."""

    def __init__(self, allowed: int = FAILURES_ALLOWED, window: float = FAILURE_WINDOW, clock=time.monotonic):
        self.allowed, self.window, self.clock = allowed, window, clock
        self.failures: dict[str, deque[float]] = {}
        self.lock = threading.Lock()

    def _recent(self, key: str) -> deque[float]:
        times = self.failures.setdefault(key, deque())
        while times and times[0] <= self.clock() - self.window:
            times.popleft()
        return times

    @staticmethod
    def keys(username: str, address: str) -> tuple[str, str]:
        """What failures are counted by: the username tried, the address it came from."""
        return f"user:{username}", f"ip:{address}"

    def blocked(self, *keys: str) -> bool:
        with self.lock:
            return any(len(self._recent(key)) >= self.allowed for key in keys)

    def failed(self, *keys: str) -> None:
        with self.lock:
            if len(self.failures) > 10_000:  # many names tried: forget those with no recent failure
                for key in [k for k in self.failures if not self._recent(k)]:
                    del self.failures[key]
            for key in keys:
                self._recent(key).append(self.clock())

    def succeeded(self, key: str) -> None:
        with self.lock:
            self.failures.pop(key, None)

    def recall(self, store) -> None:
        """The failures of the last window as the audit log kept them, so that restarting the server does
        not give a password guesser a fresh count (a login since then clears its username, as it does live)."""
        now_wall, now = utcnow(), self.clock()
        with store.session() as s:
            found = audit.since(s, now_wall - timedelta(seconds=self.window), ("login.failed", "login"))
            names = {u.id: u.username for u in store_accounts.users(s)}
            events = [(e.action, e.target, dict(e.detail or {}), e.at) for e in found]
        with self.lock:
            for action, target, detail, at in events:
                if action == "login":
                    user_id = target.removeprefix("user:")
                    name = names.get(int(user_id)) if user_id.isdigit() else None
                    if name is not None:
                        self.failures.pop(self.keys(name, "")[0], None)
                elif detail.get("reason") == "password":
                    when = now - (now_wall - at).total_seconds()
                    for key in self.keys(target.removeprefix("user:"), detail.get("address", "?")):
                        self.failures.setdefault(key, deque()).append(when)


# --- the pages: log in, log out, redeem an invitation --------------------------------------------------------

router = APIRouter()


def _local(target: str | None) -> str:
    """A path of this site to go to after logging in (never another site: no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _address(request: Request) -> str:
    return request.client.host if request.client else "?"


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "/", web: Web = Depends(current)):
    if current_user(request) is not None:
        return RedirectResponse(_local(next), status_code=303)
    return web.page(request, "login.html", next=_local(next), username="", message="")


@router.post("/login")
async def login(request: Request, web: Web = Depends(current)) -> Response:
    form = await request.form()
    username = str(form.get("username", "")).strip().lower()
    password = str(form.get("password", ""))
    target = _local(str(form.get("next", "/")))
    keys = Throttle.keys(username, _address(request))
    throttle: Throttle = request.app.state.login_throttle
    with web.store.session() as s:
        if throttle.blocked(*keys):
            audit.record(s, None, "login.failed", f"user:{username}", reason="throttled", address=_address(request))
            user, message, status = None, THROTTLED, 429
        else:
            user = store_accounts.authenticate(s, username, password) if username and password else None
            if user is None:
                throttle.failed(*keys)
                audit.record(s, None, "login.failed", f"user:{username}", reason="password", address=_address(request))
                message, status = WRONG_LOGIN, 400
            else:
                audit.record(s, user, "login", f"user:{user.id}", address=_address(request))
                s.flush()
                s.expunge(user)
    if user is None:
        return web.page(request, "login.html", status, next=target, username=username, message=message)
    throttle.succeeded(keys[0])
    log_in(request, user)
    return RedirectResponse(target, status_code=303)


@router.post("/logout")
def logout(request: Request) -> Response:
    log_out(request)
    return RedirectResponse("/login", status_code=303)


@router.get("/invite/{token}", response_class=HTMLResponse)
def invite_page(request: Request, token: str, web: Web = Depends(current)):
    if not TOKEN.match(token):
        raise Refused("Đường dẫn mời không đúng; hãy dùng đúng đường dẫn được gửi.", 404)
    with web.store.session() as s:
        try:
            store_accounts.invitation(s, token)
        except InputError as error:
            raise Refused(error.sentence("."), 410) from None
    return web.page(request, "invite.html", token=token, username="", message="")


@router.post("/invite/{token}")
async def redeem_invitation(request: Request, token: str, web: Web = Depends(current)) -> Response:
    if not TOKEN.match(token):
        raise Refused("Đường dẫn mời không đúng; hãy dùng đúng đường dẫn được gửi.", 404)
    form = await request.form()
    username = str(form.get("username", "")).strip().lower()
    password = str(form.get("password", ""))
    if password != str(form.get("password_again", "")):
        return web.page(request, "invite.html", 400, token=token, username=username,
                        message="Hai lần nhập mật khẩu không khớp.")
    try:
        with web.store.session() as s:
            user = store_accounts.redeem(s, token, username, password)
            s.flush()
            audit.record(s, user, "login", f"user:{user.id}", address=_address(request), invitation=True)
            s.flush()
            s.expunge(user)
    except InputError as error:
        return web.page(request, "invite.html", 400, token=token, username=username, message=str(error))
    log_in(request, user)
    # straight to the unit's own documents (an administrator invited as such: to the Văn phòng's page)
    return RedirectResponse("/van-phong" if user.role == "admin" else "/don-vi", status_code=303)
