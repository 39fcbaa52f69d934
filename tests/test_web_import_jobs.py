"""Uploading a plan on the Văn phòng's page is a job of the queue (web/jobs.py): the upload is read in a worker
process while the request has long returned; its page leads to the new draft's review; one at a time per user;
a file that cannot be read ends the job with a Vietnamese reason; another user cannot see it; a restart runs a
queued or interrupted import again from its bytes, kept in the file store until the job ends."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select

from generator import accounts, store
from generator.store import jobs as queue

from conftest import SEED_PLAN
from test_web_workplace import wait_for_job
from test_web_auth import ADMIN_PASSWORD, UNIT_PASSWORD, cheap_hashes, log_in, make_app  # noqa: F401

REGISTRY_OF = "gia-lai-2021"  # the seed plan's registry, chosen on the form (a YAML plan names none of its own)


def _admin(app) -> TestClient:
    client = TestClient(app, follow_redirects=False)
    assert log_in(client, "vanphong", ADMIN_PASSWORD).status_code == 303
    client.csrf = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/van-phong").text).group(1)
    return client


def _registry(app) -> str:
    return next(r["id"] for r in app.state.web.plans.registries() if r["path"].name == "units.yaml"
                and r["path"].parent.name == REGISTRY_OF)


def _upload(client: TestClient, name: str, data: bytes, registry: str = ""):
    return client.post("/van-phong/ke-hoach", data={"registry": registry, "csrf": client.csrf},
                       files={"file": (name, data, "application/octet-stream")},
                       headers={"Origin": "http://testserver"})


def _plans(app) -> list:
    with app.state.web.store.session() as s:
        return list(s.scalars(select(store.Plan)))


def _job(response) -> str:
    assert response.status_code == 303 and response.headers["location"].startswith("/jobs/"), response.text[:600]
    return response.headers["location"]


def test_an_upload_becomes_a_job_whose_page_leads_to_the_review(tmp_path):
    app = make_app(tmp_path, require_login=True)
    admin = _admin(app)
    data = SEED_PLAN.read_bytes()
    job = _job(_upload(admin, "ke-hoach.yaml", data, _registry(app)))
    state = wait_for_job(admin, job)
    assert state["status"] == "xong" and state["kind"] == "import", state
    assert re.fullmatch(r"/van-phong/ke-hoach/\d+\?xong=tai-len", state["next"])
    assert "40 đơn vị phải cụ thể hóa" in state["message"]
    page = admin.get(job)
    assert page.status_code == 200 and "Xem và duyệt kế hoạch" in page.text and 'http-equiv="refresh"' not in page.text
    review = admin.get(state["next"])
    assert review.status_code == 200 and "Đã tải lên kế hoạch; hãy xem lại trước khi ban hành." in review.text
    # a YAML plan keeps no source file: its bytes left the file store with the job, and no work folder stays
    assert store.sha256(data) not in app.state.web.store.files
    assert not list((tmp_path / "web" / "jobs").iterdir())


def test_a_second_upload_while_the_first_waits_is_refused_and_not_stored(tmp_path):
    app = make_app(tmp_path, require_login=True)
    app.state.web.runner.start = lambda: None  # nothing runs: the first import stays queued
    admin = _admin(app)
    first = _job(_upload(admin, "ke-hoach.yaml", SEED_PLAN.read_bytes(), _registry(app)))
    assert "Đang chờ đến lượt" in admin.get(first).text
    second_bytes = SEED_PLAN.read_bytes() + b"\n# ban thu hai\n"
    refused = _upload(admin, "ke-hoach-2.yaml", second_bytes, _registry(app))
    assert refused.status_code == 400
    assert "bạn đang có 1 việc chờ hoặc đang chạy; hãy đợi việc đó xong rồi gửi tiếp" in refused.text
    assert store.sha256(second_bytes) not in app.state.web.store.files
    assert store.sha256(SEED_PLAN.read_bytes()) in app.state.web.store.files  # the queued one keeps its bytes


def test_a_file_that_is_not_what_it_says_ends_the_job_failed_in_vietnamese(tmp_path):
    app = make_app(tmp_path, require_login=True)
    admin = _admin(app)
    fake = b"%PDF-1.4 nothing but a header, not a PDF at all\n" * 20
    job = _job(_upload(admin, "ke-hoach.pdf", fake))
    state = wait_for_job(admin, job)
    assert state["status"] == "lỗi" and "next" not in state, state
    assert state["message"] and "/tmp" not in state["message"] and str(tmp_path) not in state["message"]
    assert re.search(r"[àáảãạăâđêôơưéèẻẽẹíìóòúùýỳ]", state["message"]), state["message"]  # Vietnamese
    page = admin.get(job)
    assert "Không đọc được kế hoạch:" in page.text and "Xem và duyệt kế hoạch" not in page.text
    assert store.sha256(fake) not in app.state.web.store.files  # the upload went with its job
    assert not _plans(app)  # and no plan was made


def test_another_users_import_is_not_shown(tmp_path):
    app = make_app(tmp_path, require_login=True)
    app.state.web.runner.start = lambda: None
    admin = _admin(app)
    job = _job(_upload(admin, "ke-hoach.yaml", SEED_PLAN.read_bytes(), _registry(app)))
    unit = TestClient(app, follow_redirects=False)
    log_in(unit, "chuse", UNIT_PASSWORD)
    for headers in ({}, {"Accept": "application/json"}):
        refused = unit.get(job, headers=headers)
        assert refused.status_code == 400 and "không có việc này" in refused.text
    assert unit.get(f"{job}/download").status_code == 400


def test_an_import_queued_or_interrupted_by_a_restart_runs_after_it(tmp_path):
    before = make_app(tmp_path, require_login=True)
    before.state.web.runner.start = lambda: None  # the server stops before the job's turn comes
    admin = _admin(before)
    running = _job(_upload(admin, "ke-hoach.yaml", SEED_PLAN.read_bytes(), _registry(before)))
    with before.state.web.store.session() as s:  # the server was reading it when it stopped
        assert queue.claim_next(s).id == running.rsplit("/", 1)[1]
    other = before.state.web.store
    accounts.add_user(other, "vanphong2", ADMIN_PASSWORD, admin=True)  # a second Văn phòng account's upload waits
    second = TestClient(before, follow_redirects=False)
    log_in(second, "vanphong2", ADMIN_PASSWORD)
    second.csrf = re.search(r'name="csrf-token" content="([^"]+)"', second.get("/van-phong").text).group(1)
    queued = _job(_upload(second, "ke-hoach-2.yaml", SEED_PLAN.read_bytes() + b"\n", _registry(before)))

    after = make_app(tmp_path, require_login=True)
    with TestClient(after, follow_redirects=False) as client:  # the same state folder: the app starts its runner
        log_in(client, "vanphong", ADMIN_PASSWORD)
        for job in (running, queued):
            state = wait_for_job(client, job)
            assert state["status"] == "xong", state
            assert client.get(state["next"]).status_code == 200
    assert len(_plans(after)) == 2


def test_bytes_a_stored_plan_shares_stay_in_the_file_store_when_the_job_ends(tmp_path):
    """The file store keeps a file once per content: an upload identical to a stored file (the plan's own YAML,
    downloaded and sent again) must not take that file with it when its job ends."""
    app = make_app(tmp_path, require_login=True)
    admin = _admin(app)
    first = wait_for_job(admin, _job(_upload(admin, "ke-hoach.yaml", SEED_PLAN.read_bytes(), _registry(app))))
    with app.state.web.store.session() as s:
        stored = s.scalars(select(store.PlanVersion)).one().yaml_sha
    again = app.state.web.store.files.get(stored)
    second = wait_for_job(admin, _job(_upload(admin, "ke-hoach-luu.yaml", again)))
    assert first["status"] == second["status"] == "xong", (first, second)
    assert stored in app.state.web.store.files
    assert admin.get(first["next"]).status_code == 200


def test_an_import_stores_its_draft_and_ends_its_job_together_or_not_at_all(tmp_path, monkeypatch):
    """A crash after the draft is written but before the job is marked done must not leave a draft the
    restarted job would write a second time: the two are one transaction."""
    app = make_app(tmp_path, require_login=True)
    admin = _admin(app)
    real_finish = queue.finish
    calls = []

    def finish_dies_once(s, job, *args, **kwargs):
        calls.append(job.id)
        if len(calls) == 1:
            raise RuntimeError("the server went down here")
        return real_finish(s, job, *args, **kwargs)

    monkeypatch.setattr(queue, "finish", finish_dies_once)
    first = _job(_upload(admin, "ke-hoach.yaml", SEED_PLAN.read_bytes(), _registry(app)))
    assert wait_for_job(admin, first)["status"] != "xong"
    assert _plans(app) == []  # the draft went with the job's end
    second = _job(_upload(admin, "ke-hoach.yaml", SEED_PLAN.read_bytes(), _registry(app)))
    assert wait_for_job(admin, second)["status"] == "xong"
    assert len(_plans(app)) == 1
