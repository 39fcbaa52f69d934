"""Accounts on the web (generator/web/auth.py) and `vanban users …`: login, throttling, sessions, invitations,
the unit a user may open, CSRF."""

from __future__ import annotations

import base64
import csv
import io
import json
import re
import sys
from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from fastapi import Depends
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from itsdangerous import TimestampSigner

from generator import accounts
from generator.cli import main
from generator.store import accounts as store_accounts
from generator.store import audit
from generator.store.models import Invitation, utcnow
from generator.web import Settings, auth, create_app
from generator.web.common import HERE

from conftest import SEED_PLAN, web_client

PLAN = "gia-lai-2021--ke-hoach-dan-van-2021"
UNITS = f"/plans/{PLAN}/units"
OWN = f"{UNITS}/ubnd-huyen-chu-se"
OTHER = f"{UNITS}/so-tu-phap"
ADMIN_PASSWORD = "van-phong-2021"
UNIT_PASSWORD = "chu-se-mat-khau"


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch):
    """Argon2 with the smallest parameters: the tests check the logic, not the cost."""
    monkeypatch.setattr(store_accounts, "HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


def make_app(tmp_path, **settings):
    app = create_app(Settings(work_dir=tmp_path / "web", state_dir=tmp_path / "state", **settings))
    db = app.state.web.store
    if not accounts.list_users(db):
        accounts.add_user(db, "vanphong", ADMIN_PASSWORD, admin=True)
        accounts.add_user(db, "chuse", UNIT_PASSWORD, unit_id="ubnd-huyen-chu-se")
    return app


@pytest.fixture
def app(tmp_path):
    return make_app(tmp_path, require_login=True)


@pytest.fixture
def client(app):
    return TestClient(app, follow_redirects=False)


def token_of(page) -> str:
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', page.text).group(1)


def log_in(client, username, password, **extra):
    token = token_of(client.get("/login"))
    return client.post("/login", data={"username": username, "password": password, "csrf": token, **extra},
                       headers={"Origin": "http://testserver"})


def message(page) -> str:
    return re.search(r'class="error"[^>]*>(.*?)</div>', page.text, re.S).group(1).strip()


def entries(app, action):
    with app.state.web.store.session() as s:
        return [e for e in audit.entries(s) if e.action == action]


# --- login required beyond loopback ---------------------------------------------------------------------------

def test_every_page_but_login_invitations_and_static_files_needs_a_user(client):
    home = client.get("/")
    assert home.status_code == 303 and home.headers["location"] == "/login?next=/"
    assert client.get(OWN).headers["location"] == f"/login?next={OWN}"
    assert client.get("/check", headers={"Accept": "application/json"}).status_code == 401
    assert client.get("/login").status_code == 200 and "Tên đăng nhập" in client.get("/login").text
    assert client.get("/static/style.css").status_code == 200


def _routes(routes):
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "original_router"):  # a router included in the app
            yield from _routes(route.original_router.routes)


def test_every_route_of_the_app_runs_the_guard(app, tmp_path):
    """Any route, present or added later by a router of the app, needs a user and refuses a POST without the token."""
    routes = [(method, re.sub(r"\{[^}]+\}", "x", route.path)) for route in _routes(app.routes)
              for method in route.methods if route.path not in ("/login", "/logout") and "/invite/" not in route.path]
    assert len(routes) >= 10
    anonymous = TestClient(app, follow_redirects=False)
    assert all(anonymous.request(method, path).status_code == 303 for method, path in routes), routes
    open_app = TestClient(make_app(tmp_path / "open", require_login=False), follow_redirects=False)
    posts = [path for method, path in routes if method == "POST"]
    assert posts and all(open_app.post(path).status_code == 403 for path in posts)


def test_on_loopback_the_tools_stay_open_but_workplace_pages_need_a_user(tmp_path):
    app = make_app(tmp_path, require_login=False)

    @app.get("/workplace-probe")
    def probe(user=Depends(auth.require_user)):
        return {"user": user.username}

    client = TestClient(app, follow_redirects=False)
    assert client.get("/check").status_code == 200
    assert client.get("/workplace-probe").headers["location"] == "/login?next=/workplace-probe"
    assert client.get("/workplace-probe", headers={"Accept": "application/json"}).status_code == 401
    assert log_in(client, "chuse", UNIT_PASSWORD).status_code == 303
    assert client.get("/workplace-probe").json() == {"user": "chuse"}
    assert client.get(OTHER).status_code == 403  # a unit's user is held to its unit even on loopback


# --- logging in and out -----------------------------------------------------------------------------------------

def test_the_right_password_logs_in_and_the_page_shows_who(app, client):
    before = token_of(client.get("/login"))
    response = log_in(client, "ChuSe", UNIT_PASSWORD, next=OWN)
    assert response.status_code == 303 and response.headers["location"] == OWN
    page = client.get("/")
    assert page.status_code == 200 and "chuse" in page.text and "ubnd-huyen-chu-se" in page.text
    assert "Đăng xuất" in page.text
    assert token_of(page) != before  # a new session at login: the token of the page before is gone
    assert [e.target for e in entries(app, "login")] == [f"user:{accounts.find_user(app.state.web.store, 'chuse').id}"]


def test_a_wrong_password_and_an_unknown_user_get_the_same_message(app, client):
    wrong = log_in(client, "chuse", "not-the-password")
    unknown = log_in(client, "nobody", "not-the-password")
    assert wrong.status_code == unknown.status_code == 400
    assert message(wrong) == message(unknown) == "Tên đăng nhập hoặc mật khẩu không đúng"
    assert client.get("/").status_code == 303
    assert len(entries(app, "login.failed")) == 2


def test_after_five_failures_even_the_right_password_is_refused_and_logged(app, client):
    for _ in range(5):
        assert log_in(client, "chuse", "not-the-password").status_code == 400
    refused = log_in(client, "chuse", UNIT_PASSWORD)
    assert refused.status_code == 429 and "quá nhiều lần" in message(refused)
    assert client.get("/").status_code == 303
    assert [e.detail["reason"] for e in entries(app, "login.failed")].count("throttled") == 1


def test_a_restart_does_not_give_a_password_guesser_a_fresh_count(tmp_path):
    before = make_app(tmp_path, require_login=True)
    guesser = TestClient(before, follow_redirects=False)
    for _ in range(5):
        assert log_in(guesser, "chuse", "not-the-password").status_code == 400
    owner = TestClient(before, follow_redirects=False, client=("10.0.0.8", 50000))
    for _ in range(4):  # four slips, then the right password: a login clears the username's count
        log_in(owner, "vanphong", "not-the-password")
    assert log_in(owner, "vanphong", ADMIN_PASSWORD).status_code == 303

    after = TestClient(make_app(tmp_path, require_login=True), follow_redirects=False)
    assert log_in(after, "chuse", UNIT_PASSWORD).status_code == 429  # the server restarted: still refused
    # the address counts too; from another address the admin, who logged in since, is let in
    elsewhere = TestClient(make_app(tmp_path, require_login=True), follow_redirects=False,
                           client=("10.0.0.9", 50000))
    assert log_in(elsewhere, "vanphong", ADMIN_PASSWORD).status_code == 303


def test_the_throttle_counts_per_username_and_address_and_forgets_after_the_window():
    now = [1000.0]
    throttle = auth.Throttle(allowed=5, window=900, clock=lambda: now[0])
    for _ in range(5):
        throttle.failed("user:a", "ip:1")
    assert throttle.blocked("user:a", "ip:2") and throttle.blocked("user:b", "ip:1")
    assert not throttle.blocked("user:b", "ip:2")
    now[0] += 901
    assert not throttle.blocked("user:a", "ip:1")


def test_login_goes_back_only_to_a_page_of_this_site(client):
    assert log_in(client, "chuse", UNIT_PASSWORD, next="//evil.example/x").headers["location"] == "/"


def test_logout_ends_the_session_and_needs_the_token(client):
    log_in(client, "vanphong", ADMIN_PASSWORD)
    token = token_of(client.get("/"))
    assert client.post("/logout", headers={"Origin": "http://testserver"}).status_code == 403
    assert client.get("/").status_code == 200
    out = client.post("/logout", data={"csrf": token}, headers={"Origin": "http://testserver"})
    assert out.status_code == 303 and out.headers["location"] == "/login"
    assert client.get("/").status_code == 303


def test_logout_ends_a_copy_of_the_cookie_too_but_not_another_login(app, client):
    log_in(client, "chuse", UNIT_PASSWORD)
    copied = TestClient(app, follow_redirects=False)
    copied.cookies.set(auth.SESSION_COOKIE, client.cookies[auth.SESSION_COOKIE])
    other_browser = TestClient(app, follow_redirects=False)
    log_in(other_browser, "chuse", UNIT_PASSWORD)
    assert copied.get(OWN).status_code == 200
    token = token_of(client.get(OWN))
    client.post("/logout", data={"csrf": token}, headers={"Origin": "http://testserver"})
    assert copied.get(OWN).status_code == 303  # the copy taken before the logout is refused
    assert other_browser.get(OWN).status_code == 200  # the same account in another browser stays in
    assert [e.target for e in entries(app, "logout")] == [f"user:{accounts.find_user(app.state.web.store, 'chuse').id}"]


def test_a_session_is_over_after_its_hours_whatever_the_cookie_says(app, client):
    from datetime import timedelta

    from generator.store.models import LoginSession

    log_in(client, "chuse", UNIT_PASSWORD)
    assert client.get(OWN).status_code == 200
    with app.state.web.store.session() as s:
        for session in s.query(LoginSession):
            session.created_at -= timedelta(hours=auth.SESSION_HOURS, minutes=1)
    assert client.get(OWN).status_code == 303


# --- the session cookie -----------------------------------------------------------------------------------------

def test_the_session_cookie_is_http_only_same_site_and_secure_when_asked(tmp_path, client):
    cookie = client.get("/login").headers["set-cookie"].lower()
    assert cookie.startswith(f"{auth.SESSION_COOKIE}=") and "httponly" in cookie and "samesite=lax" in cookie
    assert "secure" not in cookie
    secure = TestClient(make_app(tmp_path / "https", require_login=True, https_only=True), base_url="https://testserver")
    assert "secure" in secure.get("/login").headers["set-cookie"].lower()


def _forged(payload: dict, key: str) -> str:
    return TimestampSigner(key).sign(base64.b64encode(json.dumps(payload).encode())).decode()


def test_a_changed_or_forged_cookie_is_no_session(app, client, tmp_path):
    log_in(client, "chuse", UNIT_PASSWORD)
    value = client.cookies[auth.SESSION_COOKIE]
    data, rest = value.split(".", 1)
    session = json.loads(base64.b64decode(data))
    admin_id = accounts.find_user(app.state.web.store, "vanphong").id
    tampered = base64.b64encode(json.dumps({**session, "uid": admin_id}).encode()).decode()
    for cookie in (f"{tampered}.{rest}", _forged({**session, "uid": admin_id}, "not-the-key")):
        client.cookies.set(auth.SESSION_COOKIE, cookie)
        assert client.get(OTHER).status_code == 303
    # signed with the right key but with the id alone: the password fingerprint is missing
    key = (tmp_path / "state" / auth.SECRET_FILE).read_text().strip()
    client.cookies.set(auth.SESSION_COOKIE, _forged({"uid": admin_id}, key))
    assert client.get(OTHER).status_code == 303


def test_the_secret_key_is_kept_private_and_survives_a_restart(tmp_path, client):
    key_file = tmp_path / "state" / auth.SECRET_FILE
    assert key_file.stat().st_mode & 0o777 == 0o600
    log_in(client, "chuse", UNIT_PASSWORD)
    again = TestClient(make_app(tmp_path, require_login=True), follow_redirects=False)
    again.cookies.set(auth.SESSION_COOKIE, client.cookies[auth.SESSION_COOKIE])
    assert again.get(OWN).status_code == 200


def test_a_new_password_ends_the_sessions_of_the_old_one(app, client):
    log_in(client, "chuse", UNIT_PASSWORD)
    assert client.get(OWN).status_code == 200
    accounts.change_password(app.state.web.store, "chuse", "mat-khau-moi-2021")
    assert client.get(OWN).status_code == 303


# --- invitations ------------------------------------------------------------------------------------------------

def _invite(app, unit="so-tu-phap", hours=72) -> str:
    [link] = accounts.invite_units(app.state.web.store, [(unit, unit)], hours=hours, base_url="http://testserver")
    return link.url.removeprefix("http://testserver")


def _redeem(client, path, username, password="tu-phap-2021-mk", again=None):
    token = token_of(client.get("/login"))
    return client.post(path, data={"username": username, "password": password, "password_again": again or password,
                                   "csrf": token}, headers={"Origin": "http://testserver"})


def test_an_invitation_makes_a_unit_account_once_and_logs_it_in(app, client):
    path = _invite(app)
    page = client.get(path)
    assert page.status_code == 200 and "chỉ dùng được một lần" in page.text
    assert _redeem(client, path, "tuphap", again="khac-hoan-toan").status_code == 400
    done = _redeem(client, path, "tuphap")
    assert done.status_code == 303 and done.headers["location"] == "/don-vi"  # straight to the unit's documents
    assert client.get(OTHER).status_code == 200 and client.get(OWN).status_code == 403
    fresh = TestClient(app, follow_redirects=False)
    assert fresh.get(path).status_code == 410 and "đã được dùng" in message(fresh.get(path))
    again = _redeem(fresh, path, "tuphap2")
    assert again.status_code == 400 and "đã được dùng" in message(again)


def test_an_expired_invitation_is_refused(app, client):
    path = _invite(app)
    with app.state.web.store.session() as s:
        for invitation in s.query(Invitation):
            invitation.expires_at = utcnow() - timedelta(minutes=1)
    assert client.get(path).status_code == 410 and "hết hạn" in message(client.get(path))
    assert _redeem(client, path, "tuphap").status_code == 400
    assert client.get("/invite/not-a-token-at-all-0000").status_code == 410


# --- which units a user may open ------------------------------------------------------------------------------

def test_a_unit_user_opens_only_its_own_unit_even_by_url(client):
    log_in(client, "chuse", UNIT_PASSWORD)
    assert client.get(OWN).status_code == 200
    refused = client.get(OTHER)
    assert refused.status_code == 403 and "chỉ mở được trang và văn bản của đơn vị mình" in message(refused)
    assert client.get(f"{OTHER}/report", params={"period": "6-thang"}).status_code == 403
    token = token_of(client.get(OWN))
    post = client.post(f"{OTHER}/subplan", data={"format": "docx", "csrf": token}, headers={"Origin": "http://testserver"})
    assert post.status_code == 403


def test_an_admin_opens_every_unit(client):
    log_in(client, "vanphong", ADMIN_PASSWORD)
    assert client.get(OWN).status_code == 200 and client.get(OTHER).status_code == 200


def test_check_unit_and_require_admin(app):
    db = app.state.web.store
    admin, unit = accounts.find_user(db, "vanphong"), accounts.find_user(db, "chuse")
    auth.check_unit(admin, "so-tu-phap")
    auth.check_unit(unit, "ubnd-huyen-chu-se")
    with pytest.raises(auth.Refused):
        auth.check_unit(unit, "so-tu-phap")
    with pytest.raises(auth.LoginRequired):
        auth.check_unit(None, "so-tu-phap")
    assert auth.require_admin(admin) is admin
    with pytest.raises(auth.Refused):
        auth.require_admin(unit)


# --- CSRF -------------------------------------------------------------------------------------------------------

@pytest.fixture
def admin(client):
    log_in(client, "vanphong", ADMIN_PASSWORD)
    return client


DOCX = {"file": ("a.docx", b"not a docx")}


def test_a_post_without_the_token_is_refused(admin):
    refused = admin.post("/check", files=DOCX, headers={"Origin": "http://testserver"})
    assert refused.status_code == 403 and "tải lại trang" in message(refused)
    wrong = admin.post("/check", files=DOCX, data={"csrf": "x" * 43}, headers={"Origin": "http://testserver"})
    assert wrong.status_code == 403


def test_a_post_from_another_site_is_refused_even_with_the_token(admin):
    token = token_of(admin.get("/check"))
    for headers in ({"Origin": "https://evil.example"}, {"Origin": "null"},
                    {"Referer": "https://evil.example/page.html"}, {"Sec-Fetch-Site": "cross-site"}):
        refused = admin.post("/check", files=DOCX, data={"csrf": token}, headers=headers)
        assert refused.status_code == 403 and "trang web khác" in message(refused), headers


def test_an_auto_submitted_cross_site_form_and_a_no_cors_fetch_are_refused(admin):
    form = admin.post(f"{OWN}/subplan", data={"format": "docx"},
                      headers={"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site",
                               "Sec-Fetch-Mode": "navigate"})
    no_cors = admin.post(f"/plans/{PLAN}/cascade", content=b"x", headers={
        "Origin": "https://evil.example", "Sec-Fetch-Mode": "no-cors", "Content-Type": "text/plain"})
    assert form.status_code == no_cors.status_code == 403


def test_a_post_with_the_token_from_the_apps_own_page_works(admin):
    token = token_of(admin.get("/check"))
    by_field = admin.post("/check", files=DOCX, data={"csrf": token}, headers={"Origin": "http://testserver"})
    by_header = admin.post("/check", files=DOCX, headers={"X-CSRF-Token": token,
                                                          "Referer": "http://testserver/check"})
    assert by_field.status_code == by_header.status_code == 400  # through to the check: not a real .docx
    assert "không phải .docx thật" in message(by_field)


def test_every_post_form_and_the_pages_carry_the_token():
    templates = sorted((HERE / "templates").glob("*.html"))
    for path in templates:
        text = path.read_text(encoding="utf-8")
        forms = re.findall(r'<form\b[^>]*method="post"[^>]*>(.*?)</form>', text, re.S)
        assert all('name="csrf" value="{{ csrf_token(request) }}"' in form for form in forms), path.name
    assert '<meta name="csrf-token"' in (templates[0].parent / "base.html").read_text(encoding="utf-8")


def test_the_browser_helper_of_the_other_web_tests_passes_the_check(tmp_path):
    client = web_client(make_app(tmp_path, require_login=False))
    assert client.post("/check", files=DOCX).status_code == 400


# --- vanban users … ---------------------------------------------------------------------------------------------

def users(state, *args, stdin: str | None = None, monkeypatch=None) -> int:
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return main(["users", *args, "--state", str(state)])


def test_users_add_and_list(tmp_path, capsys, monkeypatch):
    state = tmp_path / "state"
    assert users(state, "add", "vanphong", "--admin", "--password-stdin", stdin=f"{ADMIN_PASSWORD}\n",
                 monkeypatch=monkeypatch) == 0
    assert users(state, "add", "chuse", "--unit", "ubnd-huyen-chu-se", "--password-stdin",
                 stdin=f"{UNIT_PASSWORD}\n", monkeypatch=monkeypatch) == 0
    assert users(state, "add", "ngan", "--password-stdin", stdin="mat-khau-dai-1\n", monkeypatch=monkeypatch) == 2
    assert users(state, "add", "ngan", "--unit", "x", "--password-stdin", stdin="ngan\n", monkeypatch=monkeypatch) == 2
    capsys.readouterr()
    assert users(state, "list") == 0
    out = capsys.readouterr()
    assert out.out.splitlines() == ["vanphong  [quản trị]", "chuse  [đơn vị]  ubnd-huyen-chu-se"]
    assert "2 tài khoản" in out.err
    # the server opens the same store and accepts the password
    app = create_app(Settings(work_dir=tmp_path / "web", state_dir=state, require_login=True))
    assert log_in(TestClient(app, follow_redirects=False), "chuse", UNIT_PASSWORD).status_code == 303


def test_users_add_asks_the_password_twice(tmp_path, capsys, monkeypatch):
    answers = iter(["mat-khau-dai-1", "mat-khau-dai-2"])
    monkeypatch.setattr("typer.prompt", lambda *a, **k: next(answers))
    assert users(tmp_path, "add", "vanphong", "--admin") == 2
    assert "không khớp" in capsys.readouterr().err
    answers = iter(["mat-khau-dai-1", "mat-khau-dai-1"])
    assert users(tmp_path, "add", "vanphong", "--admin") == 0


def test_users_passwd(tmp_path, capsys, monkeypatch):
    state = tmp_path / "state"
    users(state, "add", "chuse", "--unit", "ubnd-huyen-chu-se", "--password-stdin", stdin=f"{UNIT_PASSWORD}\n",
          monkeypatch=monkeypatch)
    assert users(state, "passwd", "chuse", "--password-stdin", stdin="mat-khau-moi-2021\n", monkeypatch=monkeypatch) == 0
    assert "Đã đặt mật khẩu mới cho chuse" in capsys.readouterr().out
    db = accounts.open_store(state)
    with db.session() as s:
        assert store_accounts.authenticate(s, "chuse", "mat-khau-moi-2021") is not None
        assert store_accounts.authenticate(s, "chuse", UNIT_PASSWORD) is None
    assert users(state, "passwd", "nobody", "--password-stdin", stdin="x\n", monkeypatch=monkeypatch) == 2
    assert "không có tài khoản «nobody»" in capsys.readouterr().err


def test_users_invite_prints_one_link_per_unit(tmp_path, capsys):
    state = tmp_path / "state"
    assert users(state, "invite", "--unit", "so-tu-phap", "--unit", "ubnd-huyen-chu-se", "--hours", "24",
                 "--url", "https://vanban.gialai.gov.vn/") == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and lines[0].startswith("so-tu-phap — https://vanban.gialai.gov.vn/invite/")
    assert users(state, "invite", "--unit", "so-khong-co", "--plan", str(SEED_PLAN)) == 2
    assert users(state, "invite", "--all-units") == 2
    assert users(state, "invite", "--unit", "x", "--hours", "0") == 2


def test_users_invite_all_units_of_a_plan_with_a_csv_for_the_mail_merge(tmp_path, capsys):
    state, table = tmp_path / "state", tmp_path / "moi.csv"
    assert users(state, "invite", "--all-units", "--plan", str(SEED_PLAN), "--csv", str(table)) == 0
    lines = [line for line in capsys.readouterr().out.splitlines() if " — " in line]
    assert len(lines) == 40 and "Sở Tư pháp — http://127.0.0.1:8000/invite/" in "\n".join(lines)
    rows = list(csv.reader(io.StringIO(table.read_text(encoding="utf-8-sig"))))
    assert rows[0] == ["Mã đơn vị", "Tên đơn vị", "Đường dẫn", "Hết hạn"] and len(rows) == 41
    assert table.stat().st_mode & 0o777 == 0o600
    app = create_app(Settings(work_dir=tmp_path / "web", state_dir=state, require_login=True))
    client = TestClient(app, follow_redirects=False)
    link = next(r for r in rows if r[0] == "so-tu-phap")[2].removeprefix("http://127.0.0.1:8000")
    assert _redeem(client, link, "tuphap").status_code == 303 and client.get(OTHER).status_code == 200
    assert len(entries(app, "user.invite")) == 40


def test_serve_beyond_loopback_requires_login(tmp_path, capsys, monkeypatch):
    started = []
    monkeypatch.setattr("uvicorn.run", lambda *args, **kwargs: started.append(kwargs))
    monkeypatch.delenv("VANBAN_REQUIRE_LOGIN", raising=False)
    monkeypatch.setenv(accounts.STATE_ENV, str(tmp_path / "before"))
    assert main(["serve", "--host", "0.0.0.0", "--state", str(tmp_path / "state")]) == 0
    out = capsys.readouterr()
    assert "mọi trang cần đăng nhập" in out.out and "vanban users add TÊN --admin" in out.err
    assert started and Settings().require_login and Settings().state_dir == (tmp_path / "state").resolve()
    assert main(["serve"]) == 0 and not Settings().require_login
