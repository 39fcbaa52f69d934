"""The web app's side of issue 19: the «Văn bản điện tử» choice on every page that downloads a sub-plan or a
report (số and ngày left to the e-office, the Phụ lục as a file of its own), and the sổ đăng ký văn bản đi of
the workplace's issued sub-plans (the Văn phòng's: every unit; a unit's: its own only)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
import yaml
from docx import Document
from openpyxl import load_workbook

from generator import workplace
from generator.check import check_docx
from generator.ooxml.document import custom_property, read_docx
from generator.records import rules as record_rules
from generator.store import accounts
from generator.web import Settings, create_app

from conftest import SEED_PLAN, web_client
from test_web_workplace import PASSWORD, _login, _post, upload_plan

PLAN = "gia-lai-2021--ke-hoach-dan-van-2021"
TOOL_UNIT = f"/plans/{PLAN}/units/ubnd-huyen-chu-se"
A, B, C = "so-tu-phap", "ubnd-huyen-chu-se", "so-y-te"
CHECKBOX = "Văn bản điện tử (số, ngày do Hệ thống quản lý văn bản cấp)"
PROPERTY = "Văn bản điện tử"


def _text(data: bytes) -> str:
    body = Document(io.BytesIO(data)).element.body
    return " ".join(t.text or "" for t in body.iter("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t"))


def _outcome(report, rule_id: str):
    return next(r for r in report.results if r.rule.id == rule_id)


def _assert_electronic(data: bytes, code: str) -> None:
    """An electronic main file: it passes the check, its số and ngày are blank, it carries vanban's property."""
    report = check_docx(data, "tai-ve.docx")
    assert report.ok, [(r.rule.id, r.outcome.violations) for r in report.errors]
    assert not _outcome(report, "dien-tu.so-ngay").failed
    text = _text(data)
    assert f"Số:      /{code}" in text and "ngày      tháng      năm 2021" in text
    assert custom_property(read_docx(data), PROPERTY) == "Văn bản chính"


def _assert_appendix(data: bytes) -> None:
    report = check_docx(data, "phu-luc.docx")
    assert report.ok, [(r.rule.id, r.outcome.violations) for r in report.errors]
    assert _outcome(report, "dien-tu.phu-luc-rieng").status == "đạt"
    assert "Thời gian ký" in _text(data)


# ---------------------------------------------------------------- the tool pages (no account on loopback)

@pytest.fixture
def client(tmp_path):
    return web_client(create_app(Settings(work_dir=tmp_path / "web", max_upload=2 * 1024 * 1024)))


def test_the_unit_page_offers_the_electronic_choice_and_the_appendix_button(client):
    page = client.get(TOOL_UNIT).text
    assert CHECKBOX in page and 'name="electronic"' in page
    assert "Tải phụ lục (tệp riêng)" in page and 'class="so-ngay"' in page
    assert "Không cần điền số, ngày." in page


def test_an_electronic_sub_plan_needs_no_number_or_date(client):
    response = client.post(f"{TOOL_UNIT}/subplan", data={"format": "docx", "electronic": "1",
                                                         "signer_name": "Nguyễn Văn A", "signer_role": "head"})
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-disposition"].endswith('ke-hoach-dien-tu.docx"')
    _assert_electronic(response.content, "KH-UBND")
    assert "Phụ lục" not in _text(response.content).split("Nguyễn Văn A")[-1]  # the Phụ lục goes to its own file
    # a number typed anyway is not printed: the e-office gives it
    typed = client.post(f"{TOOL_UNIT}/subplan", data={"format": "docx", "electronic": "1", "number": "7",
                                                      "date": "15/3/2021"})
    assert typed.status_code == 200
    _assert_electronic(typed.content, "KH-UBND")
    assert "Số: 07" not in _text(typed.content)


def test_the_sub_plans_appendix_is_a_file_of_its_own(client):
    response = client.post(f"{TOOL_UNIT}/subplan", data={"format": "phu-luc", "electronic": "1"})
    assert response.status_code == 200
    assert response.headers["content-disposition"].endswith('ke-hoach-phu-luc.docx"')
    _assert_appendix(response.content)


def test_a_paper_sub_plan_is_as_before(client):
    response = client.post(f"{TOOL_UNIT}/subplan", data={"format": "docx", "number": "7", "date": "15/3/2021"})
    assert response.status_code == 200
    assert response.headers["content-disposition"].endswith('"ubnd-huyen-chu-se-ke-hoach.docx"')
    assert "Số: 07/KH-UBND" in _text(response.content)
    assert custom_property(read_docx(response.content), PROPERTY) is None


def test_an_electronic_report_needs_no_number_or_date_and_has_its_appendix(client):
    page = client.get(f"{TOOL_UNIT}/report", params={"period": "6-thang"}).text
    assert CHECKBOX in page and "Tải phụ lục (tệp riêng)" in page and "Không cần điền số, ngày báo cáo." in page
    fields = {"electronic": "1", "indicator.hoi-nghi-quan-triet": "4", "result.1": "Đã quán triệt tại 15 xã.",
              "signer_name": "Nguyễn Văn A"}
    response = client.post(f"{TOOL_UNIT}/report", params={"period": "6-thang"}, data={"format": "docx", **fields})
    assert response.status_code == 200, response.text[:500]
    _assert_electronic(response.content, "BC-UBND")
    assert "Đã quán triệt tại 15 xã." in _text(response.content)
    appendix = client.post(f"{TOOL_UNIT}/report", params={"period": "6-thang"}, data={"format": "phu-luc", **fields})
    assert appendix.status_code == 200
    _assert_appendix(appendix.content)
    assert "4" in [c.text for t in Document(io.BytesIO(appendix.content)).tables for row in t.rows for c in row.cells]


def test_a_report_without_indicators_has_no_appendix_to_offer(client):
    data = yaml.safe_load(SEED_PLAN.read_text(encoding="utf-8"))
    data.pop("units")
    data["cascade"].pop("indicators")
    uploaded = client.post("/plans", data={"registry": "gia-lai-2021--units"},
                           files={"file": ("kh.yaml", yaml.safe_dump(data, allow_unicode=True).encode("utf-8"))},
                           follow_redirects=False)
    assert uploaded.status_code == 303, uploaded.text[:500]
    unit = f"{uploaded.headers['location'].split('?')[0]}/units/ubnd-huyen-chu-se"
    page = client.get(f"{unit}/report", params={"period": "6-thang"}).text
    assert CHECKBOX in page and "Tải phụ lục (tệp riêng)" not in page
    refused = client.post(f"{unit}/report", params={"period": "6-thang"},
                          data={"format": "phu-luc", "electronic": "1", "leadership": "Đã triển khai."})
    assert refused.status_code == 400 and "văn bản này không có phụ lục" in refused.text
    made = client.post(f"{unit}/report", params={"period": "6-thang"},
                       data={"format": "docx", "electronic": "1", "leadership": "Đã triển khai."})
    assert made.status_code == 200
    _assert_electronic(made.content, "BC-UBND")


# ---------------------------------------------------------------- the workplace

@pytest.fixture(scope="module")
def office(tmp_path_factory):
    """A published plan: unit A downloads electronic and issues; unit B issues on paper; unit C does nothing."""
    state = tmp_path_factory.mktemp("web-electronic")
    app = create_app(Settings(work_dir=state / "web", state_dir=state, max_upload=4 * 1024 * 1024))
    with app.state.web.store.session() as s:
        accounts.create_user(s, "vanphong", PASSWORD, "admin")
        accounts.create_user(s, "tuphap", PASSWORD, "unit", A)
        accounts.create_user(s, "chuse", PASSWORD, "unit", B)
        accounts.create_user(s, "yte", PASSWORD, "unit", C)
    admin = _login(app, "vanphong")
    registry = next(r["id"] for r in app.state.web.plans.registries() if r["path"].name == "units.yaml"
                    and r["path"].parent.name == "gia-lai-2021")
    _, uploaded = upload_plan(admin, "ke-hoach.yaml", SEED_PLAN.read_bytes(), registry)  # a job of the queue
    assert uploaded["status"] == "xong", uploaded
    plan_id = int(uploaded["next"].split("?")[0].rsplit("/", 1)[1])
    published = _post(admin, f"/van-phong/ke-hoach/{plan_id}/ban-hanh", {"number": "58", "date": "10/3/2021"},
                      follow_redirects=False)
    assert published.status_code == 303
    return dict(app=app, admin=admin, plan_id=plan_id, tuphap=_login(app, "tuphap"), chuse=_login(app, "chuse"),
                yte=_login(app, "yte"))


def _unit(office, unit_id: str) -> str:
    return f"/don-vi/ke-hoach/{office['plan_id']}/{unit_id}"


def test_a_unit_downloads_its_electronic_sub_plan_and_the_choice_is_kept(office):
    tuphap, page = office["tuphap"], _unit(office, A)
    shown = tuphap.get(page).text
    assert CHECKBOX in shown and "Lưu và tải phụ lục (tệp riêng)" in shown
    assert not re.search(r'id="dien-tu"[^>]*checked', shown)
    fields = {"electronic": "1", "signer_name": "Nguyễn Văn B", "signer_role": "head"}
    response = _post(tuphap, page, {"action": "docx", **fields})  # no số, no ngày: accepted
    assert response.status_code == 200, response.text[:500]
    _assert_electronic(response.content, "KH-STP")
    again = tuphap.get(page).text
    assert re.search(r'id="dien-tu"[^>]*checked', again)  # remembered with the unit's document
    assert workplace.unit_draft(office["app"].state.web.store, office["plan_id"], A).electronic
    appendix = _post(tuphap, page, {"action": "phu-luc", **fields})
    assert appendix.status_code == 200
    assert appendix.headers["content-disposition"].endswith('so-tu-phap-ke-hoach-phu-luc.docx"')
    _assert_appendix(appendix.content)
    # unticked and saved: a paper draft again
    paper = _post(tuphap, page, {"action": "docx", "signer_name": "Nguyễn Văn B", "signer_role": "head"})
    assert paper.status_code == 200 and custom_property(read_docx(paper.content), PROPERTY) is None
    assert not re.search(r'id="dien-tu"[^>]*checked', tuphap.get(page).text)


def test_a_unit_cannot_download_another_units_electronic_document(office):
    response = _post(office["tuphap"], _unit(office, B), {"action": "phu-luc", "electronic": "1"})
    assert response.status_code == 403


@pytest.fixture(scope="module")
def issued(office):
    """A issues the number the e-office gave its electronic document; B issues on paper; C issues nothing."""
    a = _post(office["tuphap"], _unit(office, A), {"action": "ban-hanh", "electronic": "1", "number": "12",
                                                   "date": "15/3/2021", "signer_name": "Nguyễn Văn B",
                                                   "signer_role": "head"})
    b = _post(office["chuse"], _unit(office, B), {"action": "ban-hanh", "number": "7", "date": "18/3/2021",
                                                  "signer_name": "Rah Lan Chung", "signer_role": "deputy"})
    assert a.status_code == 200 and b.status_code == 200, (a.text[:500], b.text[:500])
    return office


def _register_rows(data: bytes) -> tuple[list, list[list]]:
    sheet = load_workbook(io.BytesIO(data)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    head = next(i for i, row in enumerate(rows) if row[0] == "Số, ký hiệu văn bản")
    return rows[head], [row for row in rows[head + 2:] if any(v is not None for v in row)]


def test_the_office_downloads_the_register_of_every_issued_sub_plan(issued):
    page = issued["admin"].get(f"/van-phong/ke-hoach/{issued['plan_id']}").text
    assert "Tải sổ đăng ký văn bản đi (.xlsx)" in page and "2 kế hoạch cụ thể hóa đã ghi là đã ban hành" in page
    response = issued["admin"].get(f"/van-phong/ke-hoach/{issued['plan_id']}/so-dang-ky-van-ban-di")
    assert response.status_code == 200
    assert response.headers["content-disposition"].endswith('.xlsx"')
    heading, rows = _register_rows(response.content)
    assert tuple(heading) == tuple(h for h, _ in record_rules().register_columns)
    assert [row[0] for row in rows] == ["12/KH-STP", "07/KH-UBND"]  # in the order they were issued; C not there
    assert [row[1] for row in rows] == ["15/3/2021", "18/3/2021"]
    assert rows[0][2].startswith("Kế hoạch: ") and "Nguyễn Văn B" in rows[0][3]


def test_a_unit_downloads_the_register_of_its_own_documents_only(issued):
    response = issued["tuphap"].get(f"{_unit(issued, A)}/so-dang-ky-van-ban-di")
    assert response.status_code == 200
    _, rows = _register_rows(response.content)
    assert [row[0] for row in rows] == ["12/KH-STP"]
    assert "Sở Tư pháp" in load_workbook(io.BytesIO(response.content)).active["A2"].value
    nothing = issued["yte"].get(f"{_unit(issued, C)}/so-dang-ky-van-ban-di")  # C issued nothing: headings only
    assert nothing.status_code == 200 and _register_rows(nothing.content)[1] == []


def test_the_register_is_refused_to_whoever_may_not_see_it(issued):
    tuphap, plan_id = issued["tuphap"], issued["plan_id"]
    assert tuphap.get(f"{_unit(issued, B)}/so-dang-ky-van-ban-di").status_code == 403
    assert tuphap.get(f"/van-phong/ke-hoach/{plan_id}/so-dang-ky-van-ban-di").status_code == 403
    assert tuphap.get(f"/don-vi/ke-hoach/{plan_id}/khong-co/so-dang-ky-van-ban-di").status_code == 403
    anonymous = web_client(issued["app"])
    for path in (f"/van-phong/ke-hoach/{plan_id}/so-dang-ky-van-ban-di", f"{_unit(issued, A)}/so-dang-ky-van-ban-di"):
        response = anonymous.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/login"), path
        assert anonymous.get(path, headers={"Accept": "application/json"}).status_code == 401
    # a plan that is not there: a plain message, not a traceback
    missing = issued["admin"].get("/van-phong/ke-hoach/9999/so-dang-ky-van-ban-di")
    assert missing.status_code in (400, 404) and "Traceback" not in missing.text


def test_an_issued_electronic_sub_plan_still_downloads_either_way(issued):
    page = _unit(issued, A)
    fields = {"number": "12", "date": "15/3/2021", "signer_name": "Nguyễn Văn B", "signer_role": "head"}
    electronic = _post(issued["tuphap"], page, {"action": "docx", "electronic": "1", **fields})
    assert electronic.status_code == 200
    _assert_electronic(electronic.content, "KH-STP")
    paper = _post(issued["tuphap"], page, {"action": "docx", **fields})
    assert paper.status_code == 200 and "Số: 12/KH-STP" in _text(paper.content)
    changed = _post(issued["tuphap"], page, {"action": "luu", **fields, "number": "13"})
    assert changed.status_code == 400 and "đã ban hành" in changed.text
