"""The web app in a real headless Chromium: pick "Huyện Chư Sê", download its sub-plan, a report, the ZIP."""

from __future__ import annotations

import socket
import threading
import time
import zipfile

import pytest

from generator.check import check_docx

from conftest import CHROMIUM, requires_chromium

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - make test installs it
    sync_playwright = None

pytestmark = requires_chromium  # Chromium and Playwright, or a skip with the reason


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    import uvicorn

    from generator.web import Settings, create_app

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = create_app(Settings(work_dir=tmp_path_factory.mktemp("web")))
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    for _ in range(100):
        if instance.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    instance.should_exit = True
    thread.join(timeout=5)


@pytest.fixture(scope="module")
def page(server):
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        context = browser.new_context(accept_downloads=True)
        yield context.new_page()
        browser.close()


def test_a_secretary_finds_chu_se_and_downloads_a_sub_plan_that_passes_check(server, page, tmp_path):
    page.goto(server)
    page.click("text=Triển khai công tác dân vận năm 2021")
    page.fill("#tim-don-vi", "chu se")
    visible = page.locator("ul.units li:visible")
    assert visible.count() == 1 and "Chư Sê" in visible.inner_text()
    page.click("ul.units li:visible a")
    assert "Ủy ban nhân dân huyện Chư Sê" in page.inner_text("h1")
    page.fill("#nguoi-ky", "Nguyễn Văn A")
    with page.expect_download() as download:
        page.click("#tai-docx")
    target = tmp_path / "ke-hoach.docx"
    download.value.save_as(target)
    report = check_docx(target)
    assert report.ok and not report.warnings


def test_a_secretary_fills_and_downloads_a_report(server, page, tmp_path):
    page.goto(f"{server}/plans/gia-lai-2021--ke-hoach-dan-van-2021/units/ubnd-huyen-chu-se")
    page.click("text=Báo cáo 6 tháng đầu năm 2021")
    page.fill("#ct-hoi-nghi-quan-triet", "5")
    page.fill("#kq-1", "Đã quán triệt cho cán bộ, công chức toàn huyện.")
    with page.expect_download() as download:
        page.click("#tai-bao-cao")
    target = tmp_path / "bao-cao.docx"
    download.value.save_as(target)
    assert check_docx(target).ok


def test_the_van_phong_downloads_the_whole_cascade_as_a_zip(server, page, tmp_path):
    page.goto(f"{server}/plans/gia-lai-2021--ke-hoach-dan-van-2021/cascade")
    page.click("text=Tạo cả loạt")
    page.wait_for_selector("#tai-ca-loat:not([hidden])", timeout=60_000)
    with page.expect_download() as download:
        page.click("#tai-ca-loat")
    target = tmp_path / "ca-loat.zip"
    download.value.save_as(target)
    names = zipfile.ZipFile(target).namelist()
    assert sum(n.endswith(".docx") for n in names) == 40
    assert check_docx(zipfile.ZipFile(target).read("so-tu-phap/ke-hoach-dan-van-2021.docx")).ok


def test_a_bad_upload_gets_a_message_on_the_page(server, page, tmp_path):
    bogus = tmp_path / "khong-phai.docx"
    bogus.write_bytes(b"not a zip")
    page.goto(f"{server}/check")
    page.set_input_files("#van-ban", str(bogus))
    page.click("#kiem-tra")
    assert "không phải .docx thật" in page.inner_text(".error")
