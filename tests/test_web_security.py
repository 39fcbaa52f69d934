"""Safe on an office network: YAML alias bombs, zip members that lie about their size, bodies too large while
they stream in, security headers, bounded form numbers and dates, error pages without the server's internals,
and the usability fixes of the batch, search, registry and report pages."""

from __future__ import annotations

import glob
import io
import re
import struct
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from generator import yamlio
from generator.errors import InputError
from generator.ooxml import package
from generator.ooxml.document import open_docx
from generator.results import workbook as results_workbook
from generator.results.form import date_problem
from generator.web import Settings, create_app, jobs as web_jobs
from generator.web.guards import body_limit, public, security_headers

from conftest import SEED_PLAN, web_client

PLAN = "gia-lai-2021--ke-hoach-dan-van-2021"
UNIT = f"/plans/{PLAN}/units/ubnd-huyen-chu-se"
ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "generator" / "web" / "templates"
MAX_UPLOAD = 2 * 1024 * 1024


@pytest.fixture
def client(tmp_path):
    return web_client(create_app(Settings(work_dir=tmp_path / "web", max_upload=MAX_UPLOAD)))


def alert(response) -> str:
    found = re.search(r'role="alert">(.*?)</div>', response.text, re.S)
    return found.group(1) if found else response.text


def assert_plain_error(response, status: int = 400, words: str = "") -> None:
    """A Vietnamese error page: the status, the words, no stack trace, no folder of the server."""
    assert response.status_code == status, response.text[:500]
    assert words in response.text
    assert "Traceback" not in response.text and "/tmp/" not in response.text and "/work/" not in response.text


# ---------------------------------------------------------------- 1. YAML alias bombs

def alias_bomb(levels: int = 12, width: int = 9) -> str:
    """«billion laughs»: 9**12 strings from a text of less than 1 KB."""
    lines = ["document:", "  title: x", 'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * width) + "]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_is_measured_not_expanded(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_text(alias_bomb(), encoding="utf-8")
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(InputError) as refused:
        yamlio.load(path)
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert "bí danh YAML" in str(refused.value) and refused.value.location.line == 8  # a5: 9**6 > 200 000
    assert peak < 10 * 1024 * 1024 and elapsed < 5  # generous guards: measuring it takes milliseconds


@pytest.mark.parametrize(("text", "words"), [
    ("a: &a [*a]\n", "chính mục chứa nó"),
    ("a: " + "[" * 150 + "]" * 150 + "\n", "lồng nhau quá sâu"),
    ("x: &x " + "[" * 60 + "1" + "]" * 60 + "\ny: " + "[" * 60 + "*x" + "]" * 60 + "\n", "lồng nhau quá sâu"),
    ("- a\n" * (yamlio.MAX_NODES + 1), "hơn 200.000 phần tử"),
])
def test_other_shapes_that_would_exhaust_the_reader_are_refused(text, words):
    with pytest.raises(InputError) as refused:
        yamlio.parse(text, "t.yaml")
    assert words in str(refused.value)


def test_the_shipped_plans_and_registries_still_load():
    files = sorted(glob.glob(str(ROOT / "data" / "*" / "*.yaml")))
    assert len(files) > 30
    for name in files:
        assert yamlio.load(Path(name)).data


def test_the_cli_refuses_an_alias_bomb_with_the_file_and_line(capsys, tmp_path):
    from generator.cli import main

    plan = tmp_path / "bom.yaml"
    plan.write_text(alias_bomb(), encoding="utf-8")
    code = main(["render", str(plan), "-o", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2 and "bom.yaml" in err and "dòng 8" in err and "bí danh YAML" in err and "Traceback" not in err


def test_the_web_refuses_an_uploaded_alias_bomb(client):
    started = time.perf_counter()
    response = client.post("/plans", data={"registry": "gia-lai-2021--units"},
                           files={"file": ("bom.yaml", alias_bomb().encode())})
    assert time.perf_counter() - started < 5
    assert_plain_error(response, 400, "bí danh YAML")
    assert "dòng 8" in alert(response)


def test_an_uploaded_yaml_error_is_explained_in_vietnamese_not_in_pyyamls_words(client):
    response = client.post("/plans", data={"registry": "gia-lai-2021--units"},
                           files={"file": ("kh.yaml", b"document:\n  title: [x\n")})
    assert_plain_error(response, 400, "dấu «[» mở ở dòng này")
    for english in ("while parsing", "expected", "<unicode string>", "line 2"):
        assert english not in response.text


# ---------------------------------------------------------------- 2. zip members that lie about their size

def false_size_zip(base: bytes, member: str, payload_mb: int, declared: int = 5000) -> bytes:
    """``base`` with ``member`` padded by ``payload_mb`` MB of spaces (deflated to about a thousandth), whose
    local header and central directory then claim it unpacks to ``declared`` bytes."""
    source = zipfile.ZipFile(io.BytesIO(base))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename)
            entry.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(entry, "w") as out:
                out.write(source.read(info))
                if info.filename == member:
                    for _ in range(payload_mb):
                        out.write(b" " * (1024 * 1024))
    raw = bytearray(buffer.getvalue())
    name = member.encode()
    for signature, name_at, size_at, header in ((b"PK\x03\x04", 26, 22, 30), (b"PK\x01\x02", 28, 24, 46)):
        position = 0
        while (position := raw.find(signature, position)) >= 0:
            length = struct.unpack_from("<H", raw, position + name_at)[0]
            if raw[position + header:position + header + length] == name:
                struct.pack_into("<I", raw, position + size_at, declared)
            position += 4
    return bytes(raw)


@pytest.fixture(scope="module")
def lying_docx() -> bytes:
    return false_size_zip((ROOT / "templates_docx" / "ke-hoach.docx").read_bytes(), "word/document.xml", 50)


def test_the_guard_inflates_a_chunk_at_a_time_and_stops_at_the_lie(lying_docx):
    assert len(lying_docx) < 200 * 1024
    assert sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(lying_docx)).infolist()) < 1024 * 1024  # looks small
    tracemalloc.start()
    with pytest.raises(InputError) as refused:
        open_docx(lying_docx, "bom.docx")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert "khai báo sai kích thước" in str(refused.value) and "nghi là tệp độc hại" in str(refused.value)
    assert peak < 4 * 1024 * 1024  # zipfile's own read() inflates the whole 50 MB in one call


def test_real_packages_pass_the_guard():
    for name in sorted(glob.glob(str(ROOT / "templates_docx" / "*.docx"))):
        assert package.unpack_problem(Path(name).read_bytes()) is None


def _zip(entries: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


def test_the_guard_bounds_members_names_and_overlaps(monkeypatch):
    assert "có hơn" in package.unpack_problem(_zip([(f"p{i}.xml", b"") for i in range(package.MAX_ENTRIES + 1)]))
    assert "tên dài" in package.unpack_problem(_zip([("x" * (package.MAX_NAME + 1), b"a")]))
    # two central entries pointing at the same local member (a «non-recursive» bomb)
    raw = bytearray(_zip([("a.xml", b"a" * 1000), ("b.xml", b"a" * 1000)]))
    first = raw.find(b"PK\x01\x02")
    second = raw.find(b"PK\x01\x02", first + 4)
    struct.pack_into("<I", raw, second + 42, struct.unpack_from("<I", raw, first + 42)[0])
    raw[second + 46:second + 51] = b"a.xml"
    assert package.unpack_problem(bytes(raw)) is not None
    monkeypatch.setattr(package, "MAX_UNCOMPRESSED", 10_000)
    assert "quá lớn" in package.unpack_problem(_zip([("a.xml", b"a" * 20_000)]))


def test_the_check_page_refuses_a_lying_docx(client, lying_docx):
    response = client.post("/check", files={"file": ("bom.docx", lying_docx)})
    assert_plain_error(response, 400, "khai báo sai kích thước")


def test_a_lying_workbook_is_refused_before_openpyxl_sees_it(client, monkeypatch):
    blank = client.get(f"{UNIT}/workbook", params={"period": "6-thang"}).content
    lying = false_size_zip(blank, "xl/worksheets/sheet1.xml", 20)
    seen = []
    monkeypatch.setattr(results_workbook, "load_workbook", lambda *a, **k: seen.append(a) or 1 / 0)
    response = client.post(f"{UNIT}/report", params={"period": "6-thang"}, data={"format": "docx"},
                           files={"workbook": ("ubnd-huyen-chu-se.xlsx", lying)})
    assert_plain_error(response, 400, "khai báo sai kích thước")
    assert seen == []


# ---------------------------------------------------------------- 3. bodies bounded while they stream in

class Body:
    """A request body that would be huge, counting how much of it the server asked for."""

    def __init__(self, megabytes: int):
        self.megabytes, self.sent = megabytes, 0

    def __iter__(self):
        yield (b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.docx"\r\n'
               b"Content-Type: application/octet-stream\r\n\r\n")
        for _ in range(self.megabytes * 16):
            self.sent += 64 * 1024
            yield b"x" * (64 * 1024)


def test_a_declared_length_over_the_limit_is_refused_before_the_body_is_read(client):
    body = Body(300)
    response = client.post("/plans", content=body, headers={
        "Content-Type": "multipart/form-data; boundary=b", "Content-Length": str(300 * 1024 * 1024)})
    assert_plain_error(response, 413, f"tệp lớn hơn {MAX_UPLOAD // (1024 * 1024)} MB")
    assert body.sent <= 64 * 1024  # at most what the test client pulled before the answer


def test_a_chunked_body_is_cut_off_once_it_passes_the_limit(tmp_path):
    """Straight through ASGI, a chunk per receive (the test client would read the whole body at once)."""
    import asyncio

    app = create_app(Settings(work_dir=tmp_path / "web", max_upload=MAX_UPLOAD))
    body, sent = iter(Body(300)), []
    scope = {"type": "http", "http_version": "1.1", "method": "POST", "path": "/check", "raw_path": b"/check",
             "root_path": "", "scheme": "http", "query_string": b"", "client": ("127.0.0.1", 1),
             "server": ("testserver", 80), "headers": [(b"host", b"testserver"),
                                                        (b"content-type", b"multipart/form-data; boundary=b")]}

    async def receive():
        return {"type": "http.request", "body": next(body), "more_body": True}

    async def send(message):
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    page = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body").decode()
    assert start["status"] == 413 and "tệp lớn hơn 2 MB" in page and "Traceback" not in page
    assert (b"x-frame-options", b"DENY") in start["headers"]
    assert len(list(body)) * 64 * 1024 >= 300 * 1024 * 1024 - body_limit(MAX_UPLOAD) - 2 * 64 * 1024  # left unread


def test_an_upload_within_the_limit_still_passes(client):
    response = client.post("/check", files={"file": ("x.docx", b"PK\x03\x04" + b"0" * (MAX_UPLOAD - 10))})
    assert response.status_code == 400 and "không phải tệp Word .docx hợp lệ" in response.text


# ---------------------------------------------------------------- 4. security headers

@pytest.mark.parametrize("url", ["/", "/check", "/khong-co-trang-nay", f"{UNIT}/report?period=khong-co"])
def test_every_page_carries_the_security_headers(client, url):
    response = client.get(url)
    csp = response.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    assert response.headers["cache-control"] == "no-store"


def test_static_files_get_the_headers_and_the_pdf_preview_may_be_framed_by_the_app_only(client):
    script = client.get("/static/app.js")
    assert script.headers["x-content-type-options"] == "nosniff" and "cache-control" not in script.headers
    pdf = dict(security_headers([(b"content-type", b"application/pdf")]))
    assert pdf[b"x-frame-options"] == b"SAMEORIGIN" and pdf[b"content-security-policy"] == b"frame-ancestors 'self'"


def test_the_pages_hold_no_inline_script_or_style():
    for template in TEMPLATES.glob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)|<style|\bstyle=|\bon[a-z]+=|javascript:", text), template.name


# ---------------------------------------------------------------- 5. no 500s, bounded numbers, no internals

@pytest.mark.parametrize(("fields", "words"), [
    ({"number": "²"}, "số văn bản phải là số nguyên dương"),
    ({"number": "9" * 5000}, "tối đa 6 chữ số"),
    ({"number": "0"}, "số văn bản phải là số nguyên dương"),
    ({"date": "15/3/2099"}, "nằm ngoài khoảng nhận được"),
    ({"date": "15/3/1999"}, "nằm ngoài khoảng nhận được"),
    ({"signer_role": "by-order"}, "hãy chọn người ký trong danh sách"),
])
def test_bad_sub_plan_fields_get_a_400_in_plain_vietnamese(client, fields, words):
    response = client.post(f"{UNIT}/subplan", data={"format": "docx", **fields})
    assert_plain_error(response, 400, words)
    assert "9999999999999999999999" not in response.text and "by-order" not in response.text


@pytest.mark.parametrize(("fields", "words"), [
    ({"number": "²"}, "phải là số nguyên dương"),
    ({"number": "9" * 5000}, "tối đa 6 chữ số"),
    ({"date": "1/1/2099"}, "nằm ngoài khoảng nhận được"),
    ({"indicator.hoi-nghi-quan-triet": "9" * 5000}, "tối đa 9 chữ số"),
    ({"indicator.hoi-nghi-quan-triet": "²"}, "số nguyên không âm"),
    ({"signer_role": "boss"}, "hãy chọn người ký"),
])
def test_bad_report_fields_get_a_400_in_plain_vietnamese(client, fields, words):
    response = client.post(f"{UNIT}/report", params={"period": "6-thang"}, data={"format": "docx", **fields})
    assert_plain_error(response, 400, words)
    assert "Unable to parse" not in response.text and "9" * 30 not in response.text


def test_a_date_is_taken_from_2000_to_a_year_ahead():
    import datetime as dt

    today = dt.date(2026, 12, 2)
    assert date_problem("2/12/2027", today) is None and date_problem("1/1/2000", today) is None
    assert "nằm ngoài" in date_problem("3/12/2027", today) and "nằm ngoài" in date_problem("31/12/1999", today)


def test_check_with_a_text_field_instead_of_a_file(client):
    assert_plain_error(client.post("/check", data={"file": "không phải tệp"}), 400, "chưa chọn tệp")


def test_a_missing_parameter_is_said_without_field_names(client):
    response = client.get(f"{UNIT}/report")
    assert_plain_error(response, 400, "dữ liệu gửi lên thiếu hoặc không hợp lệ")
    assert "period" not in alert(response) and "trường" not in alert(response)


def test_a_workbook_error_names_the_file_not_the_servers_folder(client):
    buffer = io.BytesIO()
    from openpyxl import Workbook

    Workbook().save(buffer)
    response = client.post(f"{UNIT}/report", params={"period": "6-thang"}, data={"format": "docx"},
                           files={"workbook": ("so.xlsx", buffer.getvalue())})
    assert_plain_error(response, 400, "không phải sổ kết quả do vanban tạo")
    assert "tệp ubnd-huyen-chu-se.xlsx" in alert(response)


def test_public_messages_keep_names_and_labels_and_drop_the_rest():
    assert public("tệp /tmp/vanban-web-1/u-2/plan.yaml, dòng 4, trường «document.date»: sai") == \
        "tệp plan.yaml, dòng 4: sai"
    assert public("tệp biểu mẫu, trường «Số báo cáo»: sai") == "tệp biểu mẫu, trường «Số báo cáo»: sai"
    assert public("trường «signer.role»: phải là một trong các giá trị: 'head', 'by-order'") == \
        "phải là một trong các giá trị: «cấp trưởng», «thừa lệnh»"
    assert public("viết dạng ngày/tháng/năm, ví dụ 05/3/2021; xem http://a.vn/b/c") == \
        "viết dạng ngày/tháng/năm, ví dụ 05/3/2021; xem http://a.vn/b/c"
    assert public(r"tệp C:\Users\a\kh.yaml: sai") == "tệp kh.yaml: sai"


# ---------------------------------------------------------------- 6. usability

def test_the_registries_are_offered_by_their_vietnamese_names(client):
    page = client.get("/").text
    assert '<option value="gia-lai-2021--units">Tỉnh Gia Lai (2021)</option>' in page
    assert "gia-lai-2021: units" not in page


def test_the_batch_button_is_clicked_once_and_refusals_are_shown():
    page = (TEMPLATES / "cascade.html").read_text(encoding="utf-8")
    assert re.search(r'<form id="tao-ca-loat"[^>]*data-once', page)
    script = (ROOT / "generator" / "web" / "static" / "app.js").read_text(encoding="utf-8")
    assert "button.disabled = true" in script and "!response.ok" in script and "Không tạo được" in script
    assert 'box.form.addEventListener("submit"' in script  # Enter filters in place, the list stays whole


def test_the_batch_progress_names_units_not_ids(monkeypatch, tmp_path):
    class Outcome:
        unit = "ubnd-huyen-chu-se"

    class Failure:
        unit, reason = "so-tu-phap", "tệp /tmp/x/y.docx: lỗi"

    class Result:
        zip_path, entries, failures = None, [], [Failure()]

    seen = {}

    def cascade(path, out, *, make_zip, progress, workers):
        progress(1, 2, Outcome())
        seen["progress"] = (tmp_path / "progress.json").read_text(encoding="utf-8")
        return Result()

    monkeypatch.setattr(web_jobs.pipeline, "cascade", cascade)
    summary = web_jobs.make_cascade(str(SEED_PLAN), str(tmp_path),
                                    {"ubnd-huyen-chu-se": "Ủy ban nhân dân huyện Chư Sê", "so-tu-phap": "Sở Tư pháp"})
    assert "Đã tạo 1/2: Ủy ban nhân dân huyện Chư Sê" in seen["progress"]
    assert summary["failures"] == ["Sở Tư pháp: tệp /tmp/x/y.docx: lỗi"]  # the server shows it through public()
    assert public(summary["failures"][0]) == "Sở Tư pháp: tệp y.docx: lỗi"


def test_the_report_signer_may_be_a_deputy_signing_for_the_head(client):
    page = client.get(f"{UNIT}/report", params={"period": "6-thang"}).text
    assert 'name="signer_role"' in page and "Cấp phó ký thay (KT.)" in page
    response = client.post(f"{UNIT}/report", params={"period": "6-thang"}, data={
        "format": "docx", "signer_role": "deputy", "signer_name": "Nguyễn Văn A", "date": "20/4/2021"})
    assert response.status_code == 200, alert(response)
    text = " ".join(t.text or "" for t in __import__("docx").Document(io.BytesIO(response.content)).element.body.iter(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t"))
    assert "KT. CHỦ TỊCH" in text and "Nguyễn Văn A" in text


def test_a_refused_upload_is_named_as_the_user_knows_it_not_by_the_servers_copy(client):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("word/document.xml", b"\0" * (20 * 1024 * 1024))
    data = bytearray(buffer.getvalue())
    local = data.find(b"PK\x03\x04", 10)
    struct.pack_into("<I", data, local + 22, 5000)  # word/document.xml says 5000 bytes
    central = data.find(b"PK\x01\x02", data.find(b"PK\x01\x02") + 4)
    struct.pack_into("<I", data, central + 24, 5000)
    response = client.post("/plans", data={"registry": ""}, files={"file": ("ke-hoach.docx", bytes(data))})
    assert response.status_code == 400 and "nghi là tệp độc hại" in response.text
    assert "tệp tải lên:" in response.text and "nhan-duoc" not in response.text
