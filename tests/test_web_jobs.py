"""Long jobs (a whole cascade as a zip) wait in a bounded queue kept in the database: one per user, a restart
loses nothing, the zip is downloadable again, and only by the one who asked."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient

from generator import accounts
from generator.store import jobs as queue
from generator.web import Settings, create_app

from conftest import web_client
from test_web_auth import ADMIN_PASSWORD, UNIT_PASSWORD, cheap_hashes, log_in, make_app  # noqa: F401

PLAN = "gia-lai-2021--ke-hoach-dan-van-2021"


def settings(tmp_path) -> Settings:
    return Settings(work_dir=tmp_path / "web", state_dir=tmp_path / "state")


def wait_for(client, job_id: str) -> dict:
    for _ in range(600):
        state = client.get(f"/jobs/{job_id}", headers={"Accept": "application/json"}).json()
        if state["status"] not in ("đang chờ", "đang chạy"):
            return state
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not end: {state}")


def test_a_second_job_of_the_same_user_waits_for_the_first_to_end(tmp_path):
    app = create_app(settings(tmp_path))
    app.state.web.runner.start = lambda: None  # nothing runs: the first job stays queued
    client = web_client(app)
    first = client.post(f"/plans/{PLAN}/cascade", headers={"Accept": "application/json"})
    assert first.status_code == 200
    second = client.post(f"/plans/{PLAN}/cascade", headers={"Accept": "application/json"})
    assert second.status_code == 400 and "đang có 1 việc chờ" in second.json()["error"]
    page = client.get(f"/jobs/{first.json()['id']}")
    assert page.status_code == 200 and "Đang chờ đến lượt" in page.text


def test_a_job_queued_before_a_restart_runs_after_it_and_its_zip_can_be_downloaded_again(tmp_path):
    before = create_app(settings(tmp_path))
    before.state.web.runner.start = lambda: None  # the server stops before the job's turn comes
    job_id = web_client(before).post(f"/plans/{PLAN}/cascade", headers={"Accept": "application/json"}).json()["id"]
    with before.state.web.store.session() as s:  # and one it was running when it stopped
        queue.claim_next(s)
    with TestClient(create_app(settings(tmp_path))) as after:  # the same state folder: the app starts its runner
        after.headers.update({"Origin": "http://testserver"})
        state = wait_for(after, job_id)
        assert state["status"] == "xong" and state["done"] == state["total"] == 40
        first = after.get(f"/jobs/{job_id}/download")
        assert first.status_code == 200 and first.content.startswith(b"PK")
        assert after.get(f"/jobs/{job_id}/download").content == first.content
    assert not list((tmp_path / "web" / "jobs").iterdir())  # the job's working folder went when it ended


def test_only_the_user_who_asked_sees_the_job(tmp_path):
    app = make_app(tmp_path, require_login=True)
    app.state.web.runner.start = lambda: None
    admin, unit = TestClient(app, follow_redirects=False), TestClient(app, follow_redirects=False)
    log_in(unit, "chuse", UNIT_PASSWORD)
    token = unit.get(f"/plans/{PLAN}/cascade").text.split('name="csrf-token" content="')[1].split('"')[0]
    started = unit.post(f"/plans/{PLAN}/cascade", headers={"Accept": "application/json", "X-CSRF-Token": token,
                                                           "Origin": "http://testserver"})
    job_id = started.json()["id"]
    assert unit.get(f"/jobs/{job_id}", headers={"Accept": "application/json"}).status_code == 200
    log_in(admin, "vanphong", ADMIN_PASSWORD)
    assert admin.get(f"/jobs/{job_id}", headers={"Accept": "application/json"}).status_code == 200
    other = make_app(tmp_path, require_login=True)  # a second unit account on the same store
    accounts.add_user(other.state.web.store, "tuphap", UNIT_PASSWORD, unit_id="so-tu-phap")
    stranger = TestClient(app, follow_redirects=False)
    log_in(stranger, "tuphap", UNIT_PASSWORD)
    refused = stranger.get(f"/jobs/{job_id}", headers={"Accept": "application/json"})
    assert refused.status_code == 400 and "không có việc này" in refused.json()["error"]
