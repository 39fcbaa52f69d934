"""Accounts on the web. The Văn phòng's page (``/van-phong/tai-khoan``, administrators only): every account
with its unit, locking and unlocking one, and single-use invitation links for the units of a plan that have
no account yet (shown once, as the CLI prints them). Every user's own page (``/tai-khoan/mat-khau``): a new
password, given the current one. Every action calls ``generator.accounts``."""

from __future__ import annotations

import os

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from .. import accounts, workplace
from ..errors import InputError, VanbanError, WrongPassword
from ..store.models import User
from .auth import Throttle, log_in, require_admin, require_user
from .common import Web, current

router = APIRouter()
ACCOUNTS = "/van-phong/tai-khoan"
DONE = {"khoa": "Đã khóa tài khoản; mọi phiên đăng nhập của tài khoản đó đã kết thúc.",
        "mo-khoa": "Đã mở khóa tài khoản.",
        "mat-khau": "Đã đặt mật khẩu mới; mọi phiên đăng nhập bằng mật khẩu cũ đã kết thúc. Hãy báo mật khẩu này "
                    "cho người dùng qua kênh riêng và dặn họ tự đổi lại ở «Đổi mật khẩu»."}
MAX_HOURS = 24 * 30


def _unit_names(web: Web) -> dict[str, str]:
    """Unit id → name, from the plans in the store (accounts keep only the id)."""
    names: dict[str, str] = {}
    for plan in workplace.all_plans(web.store):
        try:
            names.update(workplace.issuing_units(web.store, plan.id))
        except VanbanError:
            continue  # a plan whose data no longer loads names nothing; the page still shows the id
    return names


def _page(request: Request, web: Web, status: int = 200, **context) -> HTMLResponse:
    shown = {"links": [], "errors": [], "done": DONE.get(request.query_params.get("xong", "")), **context}
    return web.page(request, "accounts.html", status, users=accounts.list_users(web.store), names=_unit_names(web),
                    plans=workplace.all_plans(web.store), max_hours=MAX_HOURS, **shown)


@router.get(ACCOUNTS, response_class=HTMLResponse)
def accounts_page(request: Request, web: Web = Depends(current), user: User = Depends(require_admin)):
    return _page(request, web)


def _set_active(request: Request, web: Web, user: User, user_id: int, active: bool):
    try:
        accounts.set_active(web.store, user_id, active, by=user)
    except InputError as error:
        return _page(request, web, 400, errors=[error.sentence()])
    return RedirectResponse(f"{ACCOUNTS}?xong={'mo-khoa' if active else 'khoa'}", status_code=303)


@router.post(ACCOUNTS + "/{user_id}/khoa")
def lock(request: Request, user_id: int, web: Web = Depends(current), user: User = Depends(require_admin)):
    return _set_active(request, web, user, user_id, False)


@router.post(ACCOUNTS + "/{user_id}/mo-khoa")
def unlock(request: Request, user_id: int, web: Web = Depends(current), user: User = Depends(require_admin)):
    return _set_active(request, web, user, user_id, True)


@router.post(ACCOUNTS + "/{user_id}/mat-khau", response_class=HTMLResponse)
async def reset_password(request: Request, user_id: int, web: Web = Depends(current),
                         user: User = Depends(require_admin)):
    """A forgotten password: the Văn phòng sets a new one (``vanban users passwd`` on the web)."""
    form = await request.form()
    password = str(form.get("password", ""))
    if password != str(form.get("password_again", "")):
        return _page(request, web, 400, errors=["Hai lần nhập mật khẩu mới không khớp."])
    try:
        accounts.reset_password(web.store, user_id, password, by=user)
    except InputError as error:
        return _page(request, web, 400, errors=[error.sentence(".")])
    return RedirectResponse(f"{ACCOUNTS}?xong=mat-khau", status_code=303)


@router.post(ACCOUNTS + "/moi", response_class=HTMLResponse)
async def invite(request: Request, web: Web = Depends(current), user: User = Depends(require_admin)):
    form = await request.form()
    plan_id, hours = str(form.get("plan", "")), str(form.get("hours", "72")).strip()
    if not plan_id.isdigit() or not hours.isdigit() or not 1 <= int(hours) <= MAX_HOURS:
        return _page(request, web, 400, errors=[f"Hãy chọn kế hoạch và thời hạn từ 1 đến {MAX_HOURS} giờ."])
    try:
        units = accounts.units_without_account(web.store, workplace.issuing_units(web.store, int(plan_id)))
        base = os.environ.get(accounts.PUBLIC_URL_ENV, "").rstrip("/") or str(request.base_url).rstrip("/")
        links = accounts.invite_units(web.store, units, hours=int(hours), base_url=base, by=user)
    except VanbanError as error:
        return _page(request, web, 400, errors=[error.sentence()])
    return _page(request, web, links=links, invited=True,
                 expiry={link.unit_id: accounts.expires(link) for link in links})


OWN_PASSWORD = "/tai-khoan/mat-khau"


def _password_page(request: Request, web: Web, status: int = 200, message: str = "", done: bool = False):
    return web.page(request, "password.html", status, message=message, done=done)


@router.get(OWN_PASSWORD, response_class=HTMLResponse)
def password_page(request: Request, web: Web = Depends(current), user: User = Depends(require_user)):
    return _password_page(request, web, done=request.query_params.get("xong") == "1")


@router.post(OWN_PASSWORD, response_class=HTMLResponse)
async def change_password(request: Request, web: Web = Depends(current), user: User = Depends(require_user)):
    form = await request.form()
    current_password, new = str(form.get("current", "")), str(form.get("new", ""))
    throttle: Throttle = request.app.state.login_throttle
    key = Throttle.keys(user.username, "")[0]  # guessing the current password from a session counts as at the login
    if throttle.blocked(key):
        return _password_page(request, web, 429, "Nhập sai mật khẩu quá nhiều lần. Hãy đợi 15 phút rồi thử lại.")
    if new != str(form.get("again", "")):
        return _password_page(request, web, 400, "Hai lần nhập mật khẩu mới không khớp.")
    try:
        changed = accounts.change_own_password(web.store, user.id, current_password, new)
    except InputError as error:
        if isinstance(error, WrongPassword):
            throttle.failed(key)
        return _password_page(request, web, 400, error.sentence("."))
    log_in(request, changed)  # every session ended with the old password; this browser goes on in a new one
    return RedirectResponse(f"{OWN_PASSWORD}?xong=1", status_code=303)
