"""The Văn phòng's accounts page: every account listed with its unit, locking (which logs the user out on
every machine) and unlocking, and single-use invitation links for the units of a plan without an account."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from generator import accounts, workplace

from conftest import SEED_PLAN
from test_web_auth import ADMIN_PASSWORD, UNIT_PASSWORD, cheap_hashes, log_in, make_app  # noqa: F401

PAGE = "/van-phong/tai-khoan"


def _signed_in(app, username, password) -> TestClient:
    client = TestClient(app, follow_redirects=False)
    assert log_in(client, username, password).status_code == 303
    client.csrf = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/").text).group(1)
    return client


def _post(client, path, **data):
    return client.post(path, data={"csrf": client.csrf, **data}, headers={"Origin": "http://testserver"})


def _id(app, username) -> int:
    return accounts.find_user(app.state.web.store, username).id


def test_only_the_van_phong_opens_the_accounts_page(tmp_path):
    app = make_app(tmp_path, require_login=True)
    unit = _signed_in(app, "chuse", UNIT_PASSWORD)
    assert unit.get(PAGE).status_code == 403
    assert _post(unit, f"{PAGE}/{_id(app, 'vanphong')}/khoa").status_code == 403
    assert TestClient(app, follow_redirects=False).get(PAGE).status_code == 303  # nobody: to the login page
    page = _signed_in(app, "vanphong", ADMIN_PASSWORD).get(PAGE)
    assert page.status_code == 200 and "chuse" in page.text and "Quản trị (Văn phòng)" in page.text
    assert "Chưa có kế hoạch nào" in page.text and 'id="tao-duong-dan-moi"' not in page.text  # nothing to invite to


def test_locking_an_account_logs_it_out_everywhere_and_unlocking_lets_it_in_again(tmp_path):
    app = make_app(tmp_path, require_login=True)
    admin = _signed_in(app, "vanphong", ADMIN_PASSWORD)
    unit = _signed_in(app, "chuse", UNIT_PASSWORD)
    assert unit.get("/don-vi").status_code == 200
    locked = _post(admin, f"{PAGE}/{_id(app, 'chuse')}/khoa")
    assert locked.status_code == 303 and locked.headers["location"] == f"{PAGE}?xong=khoa"
    assert unit.get("/don-vi").status_code == 303  # logged out on the spot
    assert log_in(TestClient(app, follow_redirects=False), "chuse", UNIT_PASSWORD).status_code == 400
    assert "Đã khóa" in admin.get(PAGE).text
    assert _post(admin, f"{PAGE}/{_id(app, 'chuse')}/mo-khoa").status_code == 303
    assert log_in(TestClient(app, follow_redirects=False), "chuse", UNIT_PASSWORD).status_code == 303


def test_the_van_phong_cannot_lock_itself_or_the_last_administrator(tmp_path):
    app = make_app(tmp_path, require_login=True)
    admin = _signed_in(app, "vanphong", ADMIN_PASSWORD)
    refused = _post(admin, f"{PAGE}/{_id(app, 'vanphong')}/khoa")
    assert refused.status_code == 400 and "Không tự khóa tài khoản mình đang dùng" in refused.text
    accounts.add_user(app.state.web.store, "vanphong2", ADMIN_PASSWORD, admin=True)
    second = _signed_in(app, "vanphong2", ADMIN_PASSWORD)
    assert _post(second, f"{PAGE}/{_id(app, 'vanphong')}/khoa").status_code == 303
    # vanphong2 is now the only unlocked administrator: nobody may lock it (not even through the library)
    try:
        accounts.set_active(app.state.web.store, _id(app, "vanphong2"), False)
    except Exception as error:  # noqa: BLE001
        assert "quản trị viên cuối cùng" in str(error)
    else:
        raise AssertionError("the last administrator was locked")


def test_inviting_a_plans_units_makes_links_only_for_units_without_an_account(tmp_path):
    app = make_app(tmp_path, require_login=True)
    admin = _signed_in(app, "vanphong", ADMIN_PASSWORD)
    plan = workplace.upload_plan(app.state.web.store, None, SEED_PLAN.read_bytes(), ".yaml",
                                 SEED_PLAN.parent / "units.yaml")
    units = dict(workplace.issuing_units(app.state.web.store, plan.id))
    page = _post(admin, f"{PAGE}/moi", plan=str(plan.id), hours="48")
    assert page.status_code == 200
    links = re.findall(r'value="(http://testserver/invite/[A-Za-z0-9_-]+)"', page.text)
    has_account = {u.unit_id for u in accounts.list_users(app.state.web.store) if u.unit_id}
    assert len(links) == len(set(units) - has_account) and "chỉ hiện một lần" in page.text
    assert units["ubnd-huyen-chu-se"] not in page.text.split("Các tài khoản")[0]  # chuse has its account
    invited = TestClient(app, follow_redirects=False)
    assert invited.get(links[0].removeprefix("http://testserver")).status_code == 200
    assert _post(admin, f"{PAGE}/moi", plan=str(plan.id), hours="0").status_code == 400
    assert _post(admin, f"{PAGE}/moi", plan="999", hours="48").status_code == 400


def test_a_user_changes_their_own_password_and_their_other_sessions_end(tmp_path):
    app = make_app(tmp_path, require_login=True)
    here = _signed_in(app, "chuse", UNIT_PASSWORD)
    elsewhere = _signed_in(app, "chuse", UNIT_PASSWORD)
    new = "mat-khau-moi-chu-se-2026"
    wrong = _post(here, "/tai-khoan/mat-khau", current="not-the-password", new=new, again=new)
    assert wrong.status_code == 400 and "Mật khẩu hiện tại không đúng." in wrong.text
    mismatch = _post(here, "/tai-khoan/mat-khau", current=UNIT_PASSWORD, new=new, again=new + "x")
    assert mismatch.status_code == 400 and "không khớp" in mismatch.text
    short = _post(here, "/tai-khoan/mat-khau", current=UNIT_PASSWORD, new="ngan", again="ngan")
    assert short.status_code == 400 and "ít nhất 10 ký tự" in short.text
    done = _post(here, "/tai-khoan/mat-khau", current=UNIT_PASSWORD, new=new, again=new)
    assert done.status_code == 303 and done.headers["location"] == "/tai-khoan/mat-khau?xong=1"
    assert "Đã đổi mật khẩu" in here.get(done.headers["location"]).text  # this browser goes on
    assert elsewhere.get("/don-vi").status_code == 303  # the other one is logged out
    assert log_in(TestClient(app, follow_redirects=False), "chuse", UNIT_PASSWORD).status_code == 400
    assert log_in(TestClient(app, follow_redirects=False), "chuse", new).status_code == 303


def test_guessing_the_current_password_from_an_open_session_is_throttled(tmp_path):
    app = make_app(tmp_path, require_login=True)
    here = _signed_in(app, "chuse", UNIT_PASSWORD)
    for _ in range(5):
        assert _post(here, "/tai-khoan/mat-khau", current="guess-guess-1", new="x" * 12, again="x" * 12).status_code == 400
    blocked = _post(here, "/tai-khoan/mat-khau", current=UNIT_PASSWORD, new="x" * 12, again="x" * 12)
    assert blocked.status_code == 429


def test_the_van_phong_sets_a_new_password_for_a_forgotten_one(tmp_path):
    app = make_app(tmp_path, require_login=True)
    admin = _signed_in(app, "vanphong", ADMIN_PASSWORD)
    unit = _signed_in(app, "chuse", UNIT_PASSWORD)
    target = f"{PAGE}/{_id(app, 'chuse')}/mat-khau"
    assert _post(unit, target, password="x" * 12, password_again="x" * 12).status_code == 403  # not for a unit
    assert _post(admin, target, password="tam-thoi-2026", password_again="khac-2026").status_code == 400
    done = _post(admin, target, password="tam-thoi-2026-chu-se", password_again="tam-thoi-2026-chu-se")
    assert done.status_code == 303 and "Đã đặt mật khẩu mới" in admin.get(done.headers["location"]).text
    assert unit.get("/don-vi").status_code == 303  # logged out with the old password
    assert log_in(TestClient(app, follow_redirects=False), "chuse", "tam-thoi-2026-chu-se").status_code == 303
