"""`vanban serve`: every route through FastAPI's TestClient, bad uploads included."""

from __future__ import annotations

import io
import zipfile

import pytest

from generator.check import check_docx
from generator.web import Settings, create_app

from conftest import SEED_TEXT, requires_soffice, web_client

PLAN = "gia-lai-2021--ke-hoach-dan-van-2021"
UNIT = f"/plans/{PLAN}/units/ubnd-huyen-chu-se"


@pytest.fixture
def client(tmp_path):
    return web_client(create_app(Settings(work_dir=tmp_path / "web", max_upload=2 * 1024 * 1024)))


def test_the_home_page_lists_the_shipped_plans_in_vietnamese(client):
    page = client.get("/")
    assert page.status_code == 200 and 'lang="vi"' in page.text
    assert f'href="/plans/{PLAN}"' in page.text and "40 đơn vị phải cụ thể hóa" in page.text
    assert "Tải lên" in page.text and "gia-lai-2021--units" in page.text


def test_the_unit_search_ignores_diacritics(client):
    page = client.get(f"/plans/{PLAN}", params={"q": "chu se"})
    assert page.status_code == 200
    assert "Ủy ban nhân dân huyện Chư Sê" in page.text and "Sở Tư pháp" not in page.text
    assert 'id="tim-don-vi"' in page.text  # the same search, live, in the browser


def test_a_unit_page_shows_the_sub_plans_structure(client):
    page = client.get(UNIT)
    assert page.status_code == 200
    assert "Công tác đảm bảo an ninh, quốc phòng" in page.text and "Phòng Nội vụ" in page.text
    assert "Báo cáo 6 tháng đầu năm 2021" in page.text


def test_a_sub_plan_is_downloaded_with_the_secretarys_fields(client):
    response = client.post(f"{UNIT}/subplan", data={
        "format": "docx", "signer_name": "Nguyễn Văn A", "signer_role": "deputy", "number": "7",
        "date": "15/3/2021", "extra_recipients": "Ban Dân vận Huyện ủy\n\nMTTQ huyện"})
    assert response.status_code == 200
    assert response.headers["content-disposition"] == 'attachment; filename="ubnd-huyen-chu-se-ke-hoach.docx"'
    report = check_docx(response.content, "tai-ve.docx")
    assert report.ok
    text = " ".join(t.text or "" for t in __import__("docx").Document(io.BytesIO(response.content)).element.body.iter(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t"))
    for words in ("Số: 07/KH-UBND", "Chư Sê, ngày 15 tháng 3 năm 2021", "KT. CHỦ TỊCH", "Nguyễn Văn A",
                  "- Ban Dân vận Huyện ủy;", "- MTTQ huyện;"):
        assert words in text


def test_bad_fields_are_reported_in_vietnamese_without_a_traceback(client):
    response = client.post(f"{UNIT}/subplan", data={"format": "docx", "date": "31/02/2021"})
    assert response.status_code == 400 and "ngày 31/02/2021 không tồn tại" in response.text
    assert "Traceback" not in response.text
    response = client.post(f"{UNIT}/subplan", data={"format": "docx", "number": "bảy"})
    assert response.status_code == 400 and "số văn bản phải là số nguyên dương" in response.text


@requires_soffice
def test_pdf_download_and_preview(client):
    response = client.post(f"{UNIT}/subplan", data={"format": "preview"})
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert response.headers["content-disposition"].startswith("inline")


def test_the_report_page_writes_dates_as_the_documents_do_and_shows_the_data_window(client):
    page = client.get(f"{UNIT}/report", params={"period": "6-thang"}).text
    assert "hạn gửi trước ngày 10/5/2021" in page and "10/05/2021" not in page
    assert "Số liệu tính từ ngày 15/12/2020 đến ngày 30/4/2021" in page
    assert "(hạn 10/5/2021)" in client.get(UNIT).text


def test_a_report_filled_in_the_form(client):
    page = client.get(f"{UNIT}/report", params={"period": "6-thang"})
    assert page.status_code == 200 and "Hội nghị quán triệt, triển khai" in page.text
    response = client.post(f"{UNIT}/report", params={"period": "6-thang"}, data={
        "format": "docx", "indicator.hoi-nghi-quan-triet": "4", "result.1": "Đã quán triệt tại 15 xã.",
        "number": "12", "date": "05/5/2021"})
    assert response.status_code == 200 and check_docx(response.content).ok
    document = __import__("docx").Document(io.BytesIO(response.content))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert "4" in cells and any("Đã quán triệt tại 15 xã." in p.text for p in document.paragraphs)


def test_a_report_from_an_uploaded_workbook(client):
    from openpyxl import load_workbook

    blank = client.get(f"{UNIT}/workbook", params={"period": "6-thang"})
    assert blank.status_code == 200
    workbook = load_workbook(io.BytesIO(blank.content))
    workbook["Chỉ tiêu"]["D6"] = 9
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = client.post(f"{UNIT}/report", params={"period": "6-thang"}, data={"format": "docx"},
                           files={"workbook": ("ubnd-huyen-chu-se.xlsx", buffer.getvalue())})
    assert response.status_code == 200
    cells = [c.text for t in __import__("docx").Document(io.BytesIO(response.content)).tables
             for row in t.rows for c in row.cells]
    assert "9" in cells


def test_bad_report_figures_are_refused(client):
    response = client.post(f"{UNIT}/report", params={"period": "6-thang"},
                           data={"format": "docx", "indicator.hoi-nghi-quan-triet": "-3"})
    assert response.status_code == 400 and "số nguyên không âm" in response.text
    response = client.get(f"{UNIT}/report", params={"period": "quy-9"})
    assert response.status_code == 400 and "kỳ báo cáo «quy-9» không có" in response.text


def test_the_whole_cascade_as_a_zip_with_progress(client):
    started = client.post(f"/plans/{PLAN}/cascade", headers={"Accept": "application/json"})
    job = started.json()["id"]
    import time

    for _ in range(300):
        state = client.get(f"/jobs/{job}", headers={"Accept": "application/json"}).json()
        if state["status"] not in ("đang chờ", "đang chạy"):
            break
        time.sleep(0.1)
    assert state["status"] == "xong" and state["done"] == state["total"] == 40
    download = client.get(f"/jobs/{job}/download")
    assert download.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(download.content)).namelist()
    assert "manifest.json" in names and "ubnd-huyen-chu-se/ke-hoach-dan-van-2021.docx" in names
    assert client.get(f"/jobs/{job}/download").content == download.content  # kept: the link works again
    assert client.get(f"/plans/{PLAN}/cascade").status_code == 200


def test_checking_an_uploaded_document(client, seed_output):
    response = client.post("/check", files={"file": ("ke-hoach.docx", seed_output.read_bytes())})
    assert response.status_code == 200 and "ĐẠT: không có lỗi thể thức" in response.text
    assert client.get("/check").status_code == 200


def test_uploading_a_text_plan_imports_it(client):
    response = client.post("/plans", data={"registry": "gia-lai-2021--units"},
                           files={"file": ("kh.yaml", b"units: /etc/passwd\n" + _plan_yaml())}, follow_redirects=False)
    assert response.status_code == 303
    page = client.get(response.headers["location"])
    assert page.status_code == 200 and "Ủy ban nhân dân huyện Chư Sê" in page.text


def test_the_tool_page_reads_one_upload_at_a_time_and_says_so_to_the_next(client):
    from generator.web import plans

    assert plans.READING.acquire(blocking=False)  # an upload being read (a long scan)
    try:
        busy = client.post("/plans", data={"registry": "gia-lai-2021--units"},
                           files={"file": ("kh.yaml", _plan_yaml())}, follow_redirects=False)
    finally:
        plans.READING.release()
    assert busy.status_code == 429 and "đang đọc một kế hoạch khác" in busy.text
    after = client.post("/plans", data={"registry": "gia-lai-2021--units"},
                        files={"file": ("kh.yaml", _plan_yaml())}, follow_redirects=False)
    assert after.status_code == 303  # and the slot was given back by the refused one too


def _plan_yaml() -> bytes:
    from conftest import SEED_PLAN

    text = SEED_PLAN.read_text(encoding="utf-8")
    return "\n".join(line for line in text.splitlines() if not line.startswith("units:")).encode("utf-8")


def test_a_received_plan_is_imported_with_its_cascade_and_its_review_list_is_shown(client, seed_output):
    response = client.post("/plans", data={"registry": ""},
                           files={"file": ("kh.docx", seed_output.read_bytes())}, follow_redirects=False)
    assert response.status_code == 303
    page = client.get(response.headers["location"])
    assert page.status_code == 200 and "Ủy ban nhân dân huyện Chư Sê" in page.text
    assert "điều cần xem lại" in page.text and "Sở Nội vụ là đơn vị tổng hợp báo cáo" in page.text


def test_a_received_text_that_names_no_unit_to_make_it_concrete_is_explained(client):
    text = "KẾ HOẠCH\nTuyên truyền\n\nI. MỤC ĐÍCH\n1. Nâng cao nhận thức.\n"
    response = client.post("/plans", data={"registry": "gia-lai-2021--units"},
                           files={"file": ("kh.txt", text.encode("utf-8"))})
    assert response.status_code == 400 and "không tìm thấy ở phần «Tổ chức thực hiện»" in response.text


@pytest.mark.parametrize(("name", "content", "message"), [
    ("kh.exe", b"MZ", "chỉ nhận tệp"),
    ("kh.docx", b"not a zip", "không phải .docx thật"),
    ("kh.yaml", b"document: [", "YAML không hợp lệ"),
    ("kh.yaml", b"a: 1\n", "không phải dữ liệu kế hoạch"),
    ("kh.txt", b"x" * (3 * 1024 * 1024), "tệp lớn hơn 2 MB"),
])
def test_bad_plan_uploads_get_clear_messages(client, name, content, message):
    response = client.post("/plans", data={"registry": "gia-lai-2021--units"}, files={"file": (name, content)})
    status = 413 if "lớn hơn" in message else 400  # too large: refused while the body streams in (web/guards.py)
    assert response.status_code == status and message in response.text and "Traceback" not in response.text


def _bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("word/document.xml", b"\0" * (300 * 1024 * 1024))
    return buffer.getvalue()


def test_a_zip_bomb_is_refused_before_it_is_opened(client):
    bomb = _bomb()
    assert len(bomb) < 2 * 1024 * 1024
    response = client.post("/check", files={"file": ("bom.docx", bomb)})
    assert response.status_code == 400 and "nghi là tệp độc hại" in response.text


def test_paths_and_unknown_ids_never_reach_the_disk(client):
    assert client.get("/plans/..%2F..%2Fetc").status_code in (400, 404)
    assert client.get(f"/plans/{PLAN}/units/..%2Funits").status_code in (400, 404)
    response = client.post("/plans", data={"registry": "../../etc/passwd"}, files={"file": ("kh.yaml", _plan_yaml())})
    assert response.status_code == 400 and "không có sổ đơn vị này" in response.text
    assert client.get("/jobs/khong-co").status_code == 400
    assert client.get("/khong-co-trang-nay").status_code == 404


def test_a_yaml_plan_without_a_chosen_registry_may_name_only_a_shipped_one(client):
    response = client.post("/plans", data={"registry": ""},
                           files={"file": ("kh.yaml", b"units: /etc/passwd\n" + _plan_yaml())})
    assert response.status_code == 400 and "hãy chọn sổ đơn vị" in response.text
    response = client.post("/plans", data={"registry": ""}, follow_redirects=False,
                           files={"file": ("kh.yaml", b"units: gia-lai-2021/units\n" + _plan_yaml())})
    assert response.status_code == 303
