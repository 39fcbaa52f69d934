"""The workplace on the web, end to end through TestClient: the Văn phòng uploads the seed plan, reviews and
corrects it, publishes it with its số and ngày; two units fill and issue their sub-plans and submit their
reports (one on the page, one by workbook); one unit cannot reach the other's; the board, a returned report and
its resubmission, the consolidated report from the database; a new app on the same state folder keeps all."""

from __future__ import annotations

import io
import os
import re
import tempfile
import time
from pathlib import Path

import pytest
from docx import Document
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from generator import pipeline, store, workplace
from generator.check import check_docx
from generator.store import accounts
from generator.web import Settings, create_app

from conftest import SEED_PLAN
from test_store import BACKENDS, postgres_schema

PASSWORD = "mat-khau-du-dai-2021"
A, B = "so-tu-phap", "ubnd-huyen-chu-se"
CITATION = "Kế hoạch số 58/KH-UBND ngày 10/3/2021"


def _text(data: bytes) -> str:
    body = Document(io.BytesIO(data)).element.body
    return " ".join(t.text or "" for t in body.iter("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t"))


def _app(state: Path):
    return create_app(Settings(work_dir=state / "web", state_dir=state, max_upload=4 * 1024 * 1024))


def _token(client: TestClient, path: str = "/login") -> str:
    page = client.get(path)
    found = re.search(r'name="csrf-token" content="([^"]+)"', page.text) or re.search(
        r'name="csrf" value="([^"]+)"', page.text)
    assert found, page.text[:500]
    return found.group(1)


def _login(app, username: str) -> TestClient:
    client = TestClient(app)
    response = client.post("/login", data={"username": username, "password": PASSWORD, "next": "/",
                                           "csrf": _token(client)}, follow_redirects=False)
    assert response.status_code == 303, response.text[:500]
    client.csrf = _token(client, "/don-vi")
    return client


def _post(client: TestClient, path: str, data=None, files=None, **kwargs):
    return client.post(path, data={**(data or {}), "csrf": client.csrf}, files=files, **kwargs)


def wait_for_job(client: TestClient, address: str) -> dict:
    """The job at ``address`` (/jobs/<id>) followed as its page polls it, until it ends: its JSON state."""
    for _ in range(1200):
        state = client.get(address, headers={"Accept": "application/json"}).json()
        if state["status"] not in ("đang chờ", "đang chạy"):
            return state
        time.sleep(0.05)
    raise AssertionError(f"{address} did not end: {state}")


def upload_plan(client: TestClient, name: str, data: bytes, registry: str = "") -> tuple[str, dict]:
    """An upload on the Văn phòng's page: a job (its page's address) and its state once it ended."""
    queued = _post(client, "/van-phong/ke-hoach", {"registry": registry},
                   files={"file": (name, data, "application/octet-stream")}, follow_redirects=False)
    assert queued.status_code == 303 and queued.headers["location"].startswith("/jobs/"), queued.text[:800]
    return queued.headers["location"], wait_for_job(client, queued.headers["location"])


@pytest.fixture(scope="module", params=BACKENDS)
def state(request, tmp_path_factory):
    """The web app's state folder; its database SQLite in it, or a fresh PostgreSQL schema (the same flow)."""
    folder = tmp_path_factory.mktemp(f"workplace-web-{request.param}")
    if request.param == "sqlite":
        yield folder
        return
    with postgres_schema() as url:
        os.environ[store.ENVIRONMENT_URL] = url
        try:
            yield folder
        finally:
            os.environ.pop(store.ENVIRONMENT_URL, None)


@pytest.fixture(scope="module")
def flow(state):
    """The whole flow up to the submitted reports; the tests below look at what it left."""
    pipeline_pdf = pipeline.pdf_available
    pipeline.pdf_available = lambda: False  # PDFs are LibreOffice's test (test_pdf.py); here only the flow
    try:
        yield _run_flow(state)
    finally:
        pipeline.pdf_available = pipeline_pdf


def _run_flow(state: Path) -> dict:
    app = _app(state)
    with app.state.web.store.session() as s:
        accounts.create_user(s, "vanphong", PASSWORD, "admin")
        accounts.create_user(s, "tuphap", PASSWORD, "unit", A)
        accounts.create_user(s, "chuse", PASSWORD, "unit", B)
    admin = _login(app, "vanphong")
    registry = next(r["id"] for r in app.state.web.plans.registries() if r["path"].name == "units.yaml"
                    and r["path"].parent.name == "gia-lai-2021")
    _, uploaded = upload_plan(admin, "ke-hoach.yaml", SEED_PLAN.read_bytes(), registry)
    assert uploaded["status"] == "xong", uploaded
    plan_page = uploaded["next"].split("?")[0]
    plan_id = int(plan_page.rsplit("/", 1)[1])
    review = admin.get(plan_page)
    # a draft: unit users see nothing of it yet
    tuphap, chuse = _login(app, "tuphap"), _login(app, "chuse")
    early = tuphap.get(f"/don-vi/ke-hoach/{plan_id}/{A}")
    # correct the 6-month deadline, keeping everything else as the form shows it
    form = _review_form(review.text)
    form["period.1.deadline"] = "12/5/2021"
    corrected = _post(admin, f"{plan_page}/sua", form, follow_redirects=False)
    bad = _post(admin, f"{plan_page}/sua", {**form, "version": "2", "period.1.deadline": "31/4/2021"})
    published = _post(admin, f"{plan_page}/ban-hanh", {"number": "58", "date": "10/3/2021"}, follow_redirects=False)
    drafts = {A: tuphap.get(f"/don-vi/ke-hoach/{plan_id}/{A}"), B: chuse.get(f"/don-vi/ke-hoach/{plan_id}/{B}")}
    downloaded = _post(tuphap, f"/don-vi/ke-hoach/{plan_id}/{A}", {
        "action": "docx", "number": "12", "date": "15/3/2021", "signer_name": "Nguyễn Văn B", "signer_role": "head",
        "extra_recipients": "Ban Dân vận Tỉnh ủy"})
    issued = {A: _post(tuphap, f"/don-vi/ke-hoach/{plan_id}/{A}", {
        "action": "ban-hanh", "number": "12", "date": "15/3/2021", "signer_name": "Nguyễn Văn B",
        "signer_role": "head", "extra_recipients": "Ban Dân vận Tỉnh ủy"}),
        B: _post(chuse, f"/don-vi/ke-hoach/{plan_id}/{B}", {
            "action": "ban-hanh", "number": "7", "date": "18/3/2021", "signer_name": "Rah Lan Chung",
            "signer_role": "deputy"})}
    report_a = _post(tuphap, f"/don-vi/ke-hoach/{plan_id}/{A}/bao-cao/6-thang", {
        "indicator.hoi-nghi-quan-triet": "3", "indicator.luot-nguoi-tham-du": "120", "date": "05/5/2021",
        "signer_name": "Nguyễn Văn B", "leadership": "Sở đã ban hành kế hoạch và quán triệt đến công chức."},
        follow_redirects=False)
    blank = chuse.get(f"/don-vi/ke-hoach/{plan_id}/{B}/bao-cao/6-thang/so-excel")
    workbook = _fill_workbook(blank.content, {"hoi-nghi-quan-triet": 5, "luot-nguoi-tham-du": 400,
                                              "report.date": "07/5/2021", "signer.name": "Rah Lan Chung",
                                              "texts.leadership": "Huyện đã ban hành kế hoạch."})
    report_b = _post(chuse, f"/don-vi/ke-hoach/{plan_id}/{B}/bao-cao/6-thang",
                     files={"workbook": (f"{B}.xlsx", workbook, "application/octet-stream")}, follow_redirects=False)
    return dict(app=app, admin=admin, tuphap=tuphap, chuse=chuse, plan_id=plan_id, plan_page=plan_page,
                review=review, early=early, corrected=corrected, bad=bad, published=published, drafts=drafts,
                downloaded=downloaded, issued=issued, report_a=report_a, report_b=report_b, blank=blank)


def _review_form(page: str) -> dict:
    """The correction form's fields as the browser sends them: checked boxes, selected options, text values."""
    form: dict = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if not name or name.group(1) == "csrf" or "disabled" in tag:
            continue
        if 'type="checkbox"' in tag and "checked" not in tag:
            continue
        if name.group(1).startswith(("indicator.new", "number", "date")):
            continue
        form.setdefault(name.group(1), []).append(value.group(1) if value else "")
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', body)
        form[name] = chosen.group(1) if chosen else ""
    return form


def _fill_workbook(data: bytes, answers: dict) -> bytes:
    """The blank workbook with ``answers`` (an indicator id or a question id such as texts.leadership → the
    value) in its yellow cells, found through the workbook's hidden map of cells."""
    with tempfile.TemporaryDirectory() as work:
        path = Path(work) / "so.xlsx"
        path.write_bytes(data)
        book = load_workbook(path)
        for sheet_name, row, key, *_ in book["_vanban"].iter_rows(min_row=6, values_only=True):
            if key in answers and sheet_name in book.sheetnames:
                sheet = book[sheet_name]
                sheet.cell(row=int(row), column=sheet.max_column).value = answers[key]
        book.save(path)
        return path.read_bytes()


def test_the_admin_reviews_the_proposed_cascade(flow):
    page = flow["review"]
    assert page.status_code == 200
    assert "Phân công nội dung (mục II)" in page.text and "Chủ trì" in page.text and "Phối hợp" in page.text
    assert "Công tác đảm bảo an ninh, quốc phòng" in page.text
    assert "6 tháng đầu năm 2021" in page.text and "10/5/2021" in page.text
    assert "Lượt người tham dự hội nghị" in page.text and "Sở Nội vụ" in page.text
    assert "40 đơn vị phải cụ thể hóa" in page.text


def test_a_draft_plan_is_not_shown_to_units(flow):
    assert flow["early"].status_code == 404


def test_corrections_and_publishing_make_versions(flow):
    assert flow["corrected"].status_code == 303
    assert flow["bad"].status_code == 400 and "Hạn gửi của kỳ «6 tháng đầu năm 2021»" in flow["bad"].text
    assert "31/4/2021" in flow["bad"].text and "document.sections" not in flow["bad"].text
    assert flow["published"].status_code == 303
    info = workplace.plan_info(flow["app"].state.web.store, flow["plan_id"])
    assert info.published and info.parent_number == 58 and info.version == 3
    page = flow["admin"].get(flow["plan_page"])
    assert "Kế hoạch số 58 ngày 10/3/2021" in page.text and "12/5/2021" in page.text


def test_each_unit_sees_its_draft_citing_the_parent(flow):
    for unit, page in flow["drafts"].items():
        assert page.status_code == 200
        assert CITATION in page.text
    assert "Sở Tư pháp" in flow["drafts"][A].text and "Chư Sê" in flow["drafts"][B].text
    response = flow["downloaded"]
    assert response.status_code == 200 and response.headers["content-disposition"].endswith('-ke-hoach.docx"')
    text = _text(response.content)
    assert CITATION in text and "Số: 12/KH-STP" in text and "- Ban Dân vận Tỉnh ủy;" in text


def test_issued_sub_plans_are_kept(flow):
    for response in flow["issued"].values():
        assert response.status_code == 200 and "Đã ghi kế hoạch là đã ban hành." in response.text
    kept = flow["chuse"].get(f"/don-vi/ke-hoach/{flow['plan_id']}/{B}/da-ban-hanh")
    assert kept.status_code == 200 and "Số: 07/KH-UBND" in _text(kept.content) and CITATION in _text(kept.content)
    # issued: the số and ngày cannot change any more
    changed = _post(flow["chuse"], f"/don-vi/ke-hoach/{flow['plan_id']}/{B}", {"action": "luu", "number": "8",
                                                                             "date": "18/3/2021"})
    assert changed.status_code == 400 and "đã ban hành" in changed.text


def test_the_report_page_remembers_the_sub_plan(flow):
    page = flow["tuphap"].get(f"/don-vi/ke-hoach/{flow['plan_id']}/{A}/bao-cao/6-thang")
    assert page.status_code == 200
    assert "số 12, ngày 15/3/2021" in page.text
    assert "Sở đã ban hành kế hoạch" in page.text  # the last report, to start from
    # the same fields as the tool's report page (one template): a deputy may sign, figures are bounded
    assert "Cấp phó ký thay (KT.)" in page.text and 'max="999999999"' in page.text


def test_a_unit_downloads_its_own_report_as_sent_and_never_another_units(flow):
    tuphap, plan_id, store = flow["tuphap"], flow["plan_id"], flow["app"].state.web.store
    own = workplace.history(store, plan_id, A, "6-thang")[-1]
    other = workplace.history(store, plan_id, B, "6-thang")[-1]
    page = tuphap.get(f"/don-vi/ke-hoach/{plan_id}/{A}/bao-cao/6-thang")
    link = f"/don-vi/ke-hoach/{plan_id}/{A}/bao-cao/6-thang/van-ban/{own.id}"
    assert link in page.text
    document = tuphap.get(link)
    assert document.status_code == 200 and "BÁO CÁO" in _text(document.content)
    assert check_docx(document.content, "bao-cao.docx").ok
    # unit B's report through unit A's address is not there; through B's address, A is refused
    assert tuphap.get(f"/don-vi/ke-hoach/{plan_id}/{A}/bao-cao/6-thang/van-ban/{other.id}").status_code == 400
    assert tuphap.get(f"/don-vi/ke-hoach/{plan_id}/{B}/bao-cao/6-thang/van-ban/{other.id}").status_code == 403


def test_a_unit_cannot_reach_another_units_documents(flow):
    tuphap, plan_id = flow["tuphap"], flow["plan_id"]
    for path in (f"/don-vi/ke-hoach/{plan_id}/{B}", f"/don-vi/ke-hoach/{plan_id}/{B}/bao-cao/6-thang",
                 f"/don-vi/ke-hoach/{plan_id}/{B}/da-ban-hanh", f"/don-vi/ke-hoach/{plan_id}/{B}/bao-cao/6-thang/so-excel",
                 f"/van-phong/ke-hoach/{plan_id}", f"/van-phong/ke-hoach/{plan_id}/bao-cao/6-thang",
                 f"/van-phong/ke-hoach/{plan_id}/bao-cao/6-thang/tong-hop"):
        assert tuphap.get(path).status_code == 403, path
    submitted = _post(tuphap, f"/don-vi/ke-hoach/{plan_id}/{B}/bao-cao/6-thang", {"leadership": "giả mạo"})
    assert submitted.status_code == 403
    # unit B's workbook sent through unit A's own page is refused: the workbook names its unit
    wrong = _post(tuphap, f"/don-vi/ke-hoach/{plan_id}/{A}/bao-cao/6-thang",
                  files={"workbook": (f"{B}.xlsx", _fill_workbook(flow["blank"].content, {"hoi-nghi-quan-triet": 1}),
                                      "application/octet-stream")})
    assert wrong.status_code == 400
    history = workplace.history(flow["app"].state.web.store, plan_id, B, "6-thang")
    assert all(h.results.get("texts", {}).get("leadership") != "giả mạo" for h in history)
    home = tuphap.get("/don-vi")
    assert f"/don-vi/ke-hoach/{plan_id}/{A}" in home.text and f"/{B}" not in home.text


def test_the_board_returns_a_report_and_the_unit_resubmits(flow):
    admin, plan_id = flow["admin"], flow["plan_id"]
    assert flow["report_a"].status_code == 303 and flow["report_b"].status_code == 303, flow["report_b"].text[:800]
    board = admin.get(f"/van-phong/ke-hoach/{plan_id}/bao-cao/6-thang")
    assert board.status_code == 200
    assert "Đã gửi: 2/39 đơn vị; chưa gửi: 37" in board.text
    assert board.text.count('data-state="missing"') == 38  # with Sở Nội vụ, the consolidator
    store = flow["app"].state.web.store
    latest_a = workplace.history(store, plan_id, A, "6-thang")[-1]
    returned = _post(admin, f"/van-phong/ke-hoach/{plan_id}/bao-cao/6-thang/xem/{latest_a.id}",
                     {"action": "tra-lai", "note": "Thiếu số liệu tiếp công dân"}, follow_redirects=False)
    assert returned.status_code == 303
    page = flow["tuphap"].get(f"/don-vi/ke-hoach/{plan_id}/{A}/bao-cao/6-thang")
    assert "Trả lại" in page.text and "Thiếu số liệu tiếp công dân" in page.text
    again = _post(flow["tuphap"], f"/don-vi/ke-hoach/{plan_id}/{A}/bao-cao/6-thang", {
        "indicator.hoi-nghi-quan-triet": "3", "indicator.luot-nguoi-tham-du": "120", "indicator.tiep-cong-dan": "9",
        "date": "06/5/2021", "signer_name": "Nguyễn Văn B", "leadership": "Sở đã ban hành kế hoạch."},
        follow_redirects=False)
    assert again.status_code == 303
    history = workplace.history(store, plan_id, A, "6-thang")
    assert [h.version for h in history] == [1, 2] and [h.status for h in history] == ["returned", "submitted"]
    latest_b = workplace.history(store, plan_id, B, "6-thang")[-1]
    accepted = _post(admin, f"/van-phong/ke-hoach/{plan_id}/bao-cao/6-thang/xem/{latest_b.id}", {"action": "nhan"},
                     follow_redirects=False)
    assert accepted.status_code == 303
    board = admin.get(f"/van-phong/ke-hoach/{plan_id}/bao-cao/6-thang")
    assert "đã nhận: 1; trả lại: 0" in board.text and "lần 2" in board.text
    # the consolidated report from the database: both units' figures, the missing units named
    report = admin.get(f"/van-phong/ke-hoach/{plan_id}/bao-cao/6-thang/tong-hop")
    assert report.status_code == 200
    text = _text(report.content)
    assert "Sở Tư pháp" in text and "Ủy ban nhân dân huyện Chư Sê" in text
    assert "Sở Tài chính" in text  # a unit that did not report is named
    assert "2/39" in text
    assert re.search(r"\b520\b", text)  # 120 + 400 people at the meetings
    # a submitted report opens as its document
    shown = admin.get(f"/van-phong/ke-hoach/{plan_id}/nop/{latest_b.id}")
    assert shown.status_code == 200 and "Chư Sê" in _text(shown.content)


def test_a_restart_loses_nothing(flow, state):
    flow  # noqa: B018 — after the flow
    again = _app(state)
    admin = _login(again, "vanphong")
    board = admin.get(f"/van-phong/ke-hoach/{flow['plan_id']}/bao-cao/6-thang")
    assert board.status_code == 200 and "Đã gửi: 2/39" in board.text
    chuse = _login(again, "chuse")
    page = chuse.get(f"/don-vi/ke-hoach/{flow['plan_id']}/{B}")
    assert "Đã ban hành" in page.text and CITATION in page.text


def test_the_admin_uploads_the_seed_word_document(state, seed_output):
    app = _app(state)
    admin = _login(app, "vanphong")
    assert 'href="/van-phong"' in admin.get("/don-vi").text  # the navigation link, for an administrator
    job, state = upload_plan(admin, "ke-hoach.docx", seed_output.read_bytes())
    assert state["status"] == "xong" and "40 đơn vị phải cụ thể hóa" in state["message"], state
    page = admin.get(job)
    assert "Xem và duyệt kế hoạch" in page.text and f'href="{state["next"]}"' in page.text
    review = admin.get(state["next"])
    assert review.status_code == 200
    assert "điều cần xem lại" in review.text and "40 đơn vị phải cụ thể hóa" in review.text
    # the Word file stays in the file store as the plan's source
    assert store.sha256(seed_output.read_bytes()) in app.state.web.store.files
    office = admin.get("/van-phong")
    assert "Đang soát, chưa ban hành" in office.text
    unit = _login(app, "tuphap")
    assert 'href="/van-phong"' not in unit.get("/don-vi").text
