"""The workplace in a real headless Chromium, as its users work: `vanban serve` on a loopback port with a fresh
state folder; the administrator made by `vanban users add`, the two units brought in by one-time invitation
links (`vanban users invite`) opened in the browser. The Văn phòng uploads the seed plan (.docx), follows its
reading on the job page, reviews it, corrects a deadline and publishes it as Kế hoạch số 58 ngày 10/3/2021;
Sở Tư pháp fills, downloads and issues its sub-plan and reports on the page; Huyện Chư Sê reports with the
blank workbook filled in; one unit is refused the other's page; the board, a returned report and its
resubmission, the consolidated report; the server restarted on the same folder keeps everything. Every page of
the flow is also opened at 390 × 844 (a phone): no horizontal scrolling of the page, the main buttons on
screen.

The tests run in file order, each step after the one before (a step whose predecessor failed is skipped).
Clicks and typing only: no request is sent to the server but by the browser.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from generator import cli

from conftest import CHROMIUM, requires_chromium

try:
    from playwright.sync_api import expect, sync_playwright
except ImportError:  # pragma: no cover - make test installs it
    sync_playwright = None

pytestmark = requires_chromium  # Chromium and Playwright, or a skip with the reason

ADMIN, ADMIN_PASSWORD = "vanphong", "mat-khau-van-phong-2021"
A, B = "so-tu-phap", "ubnd-huyen-chu-se"
USERS = {A: ("tuphap", "mat-khau-tu-phap-2021"), B: ("chuse", "mat-khau-chu-se-2021")}
SPARE = "so-tai-chinh"  # invited but never redeemed: its invitation page is opened on the phone
CITATION = "Kế hoạch số 58/KH-UBND ngày 10/3/2021"
PERIOD = "Báo cáo 6 tháng đầu năm 2021"
MEETINGS, PEOPLE = "Hội nghị quán triệt, triển khai", "Lượt người tham dự hội nghị"
INDICATORS = ((MEETINGS, "hội nghị"), (PEOPLE, "lượt người"))
PHONE = {"width": 390, "height": 844}
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t"


def _docx_text(path: Path) -> str:
    return " ".join(t.text or "" for t in Document(str(path)).element.body.iter(W))


# --- the server, as an operator starts it -----------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _vanban(*args: str, stdin: str = "") -> str:
    """`vanban …` in this process (generator.cli.main), its standard output; the password on standard input."""
    out, saved, on_sigterm = io.StringIO(), sys.stdin, signal.getsignal(signal.SIGTERM)
    sys.stdin = io.StringIO(stdin)
    try:
        with contextlib.redirect_stdout(out):
            code = cli.main(list(args))
    finally:
        sys.stdin = saved
        signal.signal(signal.SIGTERM, on_sigterm)  # main() makes SIGTERM a Ctrl-C: not for pytest's process
    assert code == 0, (args, out.getvalue())
    return out.getvalue()


class Server:
    """`vanban serve --host 127.0.0.1 --port P --state S` in a subprocess: started, waited for, stopped."""

    def __init__(self, state: Path, port: int):
        self.state, self.port, self.url = state, port, f"http://127.0.0.1:{port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        script = Path(sys.executable).with_name("vanban")
        command = [str(script)] if script.exists() else [
            sys.executable, "-c", "import sys; from generator.cli import main; sys.exit(main(sys.argv[1:]))"]
        # LibreOffice is test_pdf.py's test: without it on the PATH the issued sub-plan is kept as .docx only
        env = {**os.environ, "VANBAN_STATE_DIR": str(self.state), "VANBAN_WORKERS": "0",
               "PATH": str(Path(sys.executable).parent)}
        self.log = open(self.state / f"serve-{time.monotonic_ns()}.log", "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [*command, "serve", "--host", "127.0.0.1", "--port", str(self.port), "--state", str(self.state)],
            env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"vanban serve dừng ngay: {self._output()}")
            try:
                with urllib.request.urlopen(self.url + "/login", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        raise AssertionError(f"vanban serve không trả lời sau 30 giây: {self._output()}")

    def _output(self) -> str:
        self.log.flush()
        return Path(self.log.name).read_text(errors="replace")[-2000:]

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # Ctrl+C, as the operator stops it
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        self.log.close()


class Scene:
    """What the steps share: the server, the browser, each user's own browser context, what was done."""

    def __init__(self, server: Server, browser, invitations: dict[str, str]):
        self.server, self.browser, self.invitations = server, browser, invitations
        self.url = server.url
        self.pages: dict[str, object] = {}
        self.plan_id: int | None = None
        self.done: set[str] = set()
        self.phone: dict[str, list[str]] = {}  # page → what does not fit a phone (nothing: it fits)

    def require(self, *steps: str) -> None:
        missing = [s for s in steps if s not in self.done]
        if missing:
            pytest.skip(f"bước trước chưa xong: {', '.join(missing)}")

    def page(self, who: str):
        """The desktop browser window of ``who`` (its own context: its own cookies, as another computer)."""
        if who not in self.pages:
            context = self.browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
            context.set_default_timeout(20_000)
            self.pages[who] = context.new_page()
        return self.pages[who]

    def close_pages(self) -> None:
        for page in self.pages.values():
            page.context.close()
        self.pages.clear()

    def on_phone(self, who: str, name: str, buttons: tuple[str, ...] = ()) -> None:
        """Open the page ``who`` is on in a phone-sized window of the same session and note what does not fit."""
        desktop = self.page(who)
        phone = desktop.context.new_page()
        try:
            phone.set_viewport_size(PHONE)
            phone.goto(desktop.url)
            self.phone[name] = fits_phone(phone, buttons)
        finally:
            phone.close()


def fits_phone(page, buttons: tuple[str, ...]) -> list[str]:
    """What of ``page`` does not fit its viewport: the page scrolls sideways (and the widest elements), or a
    main button is hidden or off the screen."""
    problems = []
    width = page.evaluate("document.documentElement.scrollWidth")
    inner = page.evaluate("window.innerWidth")
    if width > inner + 1:
        wide = page.evaluate("""(inner) => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > inner + 1 && !e.closest('.cuon-ngang *'))
            .slice(0, 4).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                                  + (e.className && typeof e.className == 'string' ? '.' + e.className : '')
                                  + ' ' + Math.round(e.getBoundingClientRect().right) + 'px')""", inner)
        problems.append(f"trang rộng {width}px > {inner}px: {', '.join(wide)}")
    for selector in buttons:
        button = page.locator(selector).first
        box = button.bounding_box() if button.count() else None
        if box is None or not button.is_visible():
            problems.append(f"{selector}: không thấy")
        elif box["x"] < 0 or box["x"] + box["width"] > inner + 1:
            problems.append(f"{selector}: ra ngoài màn hình ({box['x']:.0f}–{box['x'] + box['width']:.0f}px)")
    return problems


@pytest.fixture(scope="module")
def scene(tmp_path_factory):
    state = tmp_path_factory.mktemp("workplace-e2e")
    server = Server(state, _free_port())
    _vanban("users", "add", ADMIN, "--admin", "--name", "Văn phòng UBND tỉnh", "--password-stdin",
            "--state", str(state), stdin=ADMIN_PASSWORD + "\n")
    printed = _vanban("users", "invite", "--unit", A, "--unit", B, "--unit", SPARE, "--url", server.url,
                      "--state", str(state))
    invitations = dict(zip((A, B, SPARE), re.findall(r"(http://\S+/invite/\S+)", printed)))
    assert len(invitations) == 3, printed
    server.start()
    expect.set_options(timeout=20_000)  # a shared 2-core machine: rendering a page may take seconds
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True,
                args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                      "--disable-background-networking", "--disable-component-update", "--disable-sync"])
            yield Scene(server, browser, invitations)
            browser.close()
    finally:
        expect.set_options(timeout=5_000)  # Playwright's default, for the other browser tests
        server.stop()


def _log_in(page, username: str, password: str) -> None:
    expect(page.locator("h1")).to_have_text("Đăng nhập")
    page.fill("#ten-dang-nhap", username)
    page.fill("#mat-khau", password)
    page.click("#dang-nhap")


def _fill_workbook(path: Path, figures: dict) -> None:
    """Figures typed into the workbook as a secretary does in Excel: on the sheet «Chỉ tiêu», in the column
    «Số liệu» of the row that names the indicator."""
    book = load_workbook(path)
    sheet = book["Chỉ tiêu"]
    for row in sheet.iter_rows():
        name = row[1].value
        if name in figures:
            assert row[3].value is None and sheet.cell(5, 4).value == "Số liệu"
            row[3].value = figures.pop(name)
    assert not figures, f"không thấy dòng của {figures} trong sổ"
    book.save(path)


# --- the flow ------------------------------------------------------------------------------------------------------

def test_the_admin_uploads_reviews_corrects_and_publishes_the_plan(scene, seed_output):
    page = scene.page("admin")
    page.goto(scene.url + "/van-phong")  # the workplace needs a login, even on 127.0.0.1
    assert "/login?next=/van-phong" in page.url
    scene.on_phone("admin", "đăng nhập", ("#dang-nhap",))
    _log_in(page, ADMIN, ADMIN_PASSWORD)
    expect(page.locator("h1")).to_have_text("Văn phòng: kế hoạch và báo cáo")
    assert "Chưa có kế hoạch nào" in page.inner_text("main")
    scene.on_phone("admin", "Văn phòng", ("#tai-len-ke-hoach",))

    page.set_input_files("#tep-ke-hoach", str(seed_output))
    page.click("#tai-len-ke-hoach")
    # reading the file is a job of the queue: its page follows it, then leads to the review
    expect(page.locator("h1")).to_have_text("Đọc kế hoạch tải lên")
    assert re.search(r"/jobs/[0-9a-f]+$", page.url), page.url
    review = page.get_by_role("link", name="Xem và duyệt kế hoạch")
    expect(review).to_be_visible(timeout=120_000)
    assert "40 đơn vị phải cụ thể hóa" in page.inner_text("main")
    scene.on_phone("admin", "việc đọc kế hoạch", ("#xem-duyet",))
    review.click()
    expect(page.locator(".ok")).to_have_text("Đã tải lên kế hoạch; hãy xem lại trước khi ban hành.")
    scene.plan_id = int(re.search(r"/van-phong/ke-hoach/(\d+)", page.url).group(1))
    main = page.inner_text("main")
    assert "đang soát, chưa ban hành" in main and "40 đơn vị phải cụ thể hóa" in main
    assert "điều cần xem lại" in page.inner_text("details.review summary")
    assert page.locator("details.review li").count() >= 1
    matrix = page.locator("table.phan-cong")  # mục II's 9 items × the issuing kinds and units
    assert matrix.locator("tr").count() == 10 and "Công an tỉnh" in matrix.locator("tr").first.inner_text()
    assert "Công tác đảm bảo an ninh, quốc phòng" in matrix.inner_text()
    deadline = page.get_by_label("Hạn gửi của kỳ 6 tháng đầu năm 2021")
    expect(deadline).to_have_value("10/5/2021")
    scene.on_phone("admin", "soát kế hoạch", ("#luu-sua", "#ban-hanh"))

    # a Word document says nothing of the figures to report: the Văn phòng adds them, one per save
    assert "Chưa có chỉ tiêu nào." in page.inner_text("main")
    # nor who leads what: item 8 goes to the armed forces, the districts support (the units below see it)
    page.get_by_label("Nội dung 8: mọi đơn vị thực hiện").uncheck()
    page.get_by_label("Nội dung 8 — Công an tỉnh").select_option("lead")
    page.get_by_label("Nội dung 8 — UBND các huyện, thị xã, thành phố").select_option("support")
    deadline.fill("12/5/2021")
    for name, unit in INDICATORS:
        page.fill("#chi-tieu-moi", name)
        page.fill("#don-vi-tinh", unit)
        page.click("#luu-sua")
        expect(page.get_by_label(f"Bỏ chỉ tiêu {name}")).to_be_visible()  # the new version's page
        expect(page.locator(".ok")).to_have_text("Đã lưu phiên bản mới của kế hoạch.")
    expect(page.get_by_label("Hạn gửi của kỳ 6 tháng đầu năm 2021")).to_have_value("12/5/2021")
    expect(page.get_by_label("Nội dung 8 — Công an tỉnh")).to_have_value("lead")
    expect(page.get_by_label("Nội dung 8: mọi đơn vị thực hiện")).not_to_be_checked()

    page.fill("#so-ke-hoach", "58")
    page.fill("#ngay-ke-hoach", "10/3/2021")
    page.click("#ban-hanh")
    expect(page.locator(".ok")).to_have_text("Đã ban hành kế hoạch.")
    assert "Kế hoạch số 58 ngày 10/3/2021" in page.inner_text("main")
    assert page.locator("#ban-hanh").count() == 0  # published: no more corrections
    scene.on_phone("admin", "kế hoạch đã ban hành", (f"text={PERIOD}",))
    page.click("nav >> text=Văn phòng: kế hoạch và báo cáo")
    expect(page.locator("table")).to_contain_text("Đã ban hành (số 58, ngày 10/3/2021)")
    scene.on_phone("admin", "Văn phòng, một kế hoạch", ("table a", "#tai-len-ke-hoach"))
    scene.done.add("published")


def test_unit_one_joins_by_invitation_issues_its_sub_plan_and_reports_on_the_page(scene, tmp_path):
    scene.require("published")
    page = scene.page(A)
    page.goto(scene.invitations[A])
    expect(page.locator("h1")).to_have_text("Tạo tài khoản của đơn vị")
    username, password = USERS[A]
    page.fill("#ten-dang-nhap", username)
    page.fill("#mat-khau", password)
    page.fill("#nhap-lai", password)
    page.click("#tao-tai-khoan")
    expect(page.locator(".account")).to_contain_text("đơn vị so-tu-phap")
    page.click("nav >> text=Văn bản của đơn vị")
    expect(page.locator("h1")).to_have_text("Văn bản của đơn vị")
    assert "Kế hoạch số 58 ngày 10/3/2021" in page.inner_text("main")
    assert page.locator("ul.units li").count() == 1  # its own unit only
    scene.on_phone(A, "văn bản của đơn vị", ("ul.units a",))

    page.click("ul.units a")
    expect(page.locator("h1")).to_have_text("Sở Tư pháp")
    assert CITATION in page.inner_text("main")
    expect(page.locator("#tinh-trang")).to_contain_text("Dự thảo, chưa ban hành.")
    assert "an ninh, quốc phòng" not in page.inner_text("main ol")  # item 8: not a sở's work any more
    scene.on_phone(A, "kế hoạch của đơn vị (dự thảo)", ("#tai-docx", "#ghi-ban-hanh"))
    page.fill("#so", "12")
    page.fill("#ngay", "15/3/2021")
    page.fill("#nguoi-ky", "Nguyễn Văn B")
    page.fill("#noi-nhan", "Ban Dân vận Tỉnh ủy")
    with page.expect_download() as download:
        page.click("#tai-docx")
    assert download.value.suggested_filename == f"{A}-ke-hoach.docx"
    target = tmp_path / "ke-hoach.docx"
    download.value.save_as(target)
    header = " ".join(cell.text for row in Document(str(target)).tables[0].rows for cell in row.cells)
    assert "UBND TỈNH GIA LAI\nSỞ TƯ PHÁP" in header and "Số: 12/KH-STP" in header
    text = _docx_text(target)
    assert CITATION in text and "Nguyễn Văn B" in text and "- Ban Dân vận Tỉnh ủy;" in text

    page.click("#ghi-ban-hanh")
    expect(page.locator(".ok")).to_have_text("Đã ghi kế hoạch là đã ban hành.")
    expect(page.locator("#tinh-trang")).to_contain_text("Đã ban hành: số 12, ngày 15/3/2021.")
    scene.on_phone(A, "kế hoạch của đơn vị (đã ban hành)", ("#tinh-trang a",))

    page.click(f"text={PERIOD}")
    expect(page.locator("h1")).to_have_text("Báo cáo 6 tháng đầu năm 2021")
    expect(page.locator("#ke-hoach-don-vi")).to_contain_text("số 12, ngày 15/3/2021")
    scene.on_phone(A, "báo cáo của đơn vị", ("#gui-bao-cao",))
    page.get_by_label(MEETINGS, exact=True).fill("3")
    page.get_by_label(PEOPLE, exact=True).fill("120")
    page.fill("#lanh-dao", "Sở đã ban hành kế hoạch và quán triệt đến công chức.")
    page.fill("#ngay-bc", "05/5/2021")
    page.fill("#nguoi-ky-bc", "Nguyễn Văn B")
    page.click("#gui-bao-cao")
    expect(page.locator(".ok")).to_have_text("Đã gửi báo cáo.")
    assert "Đã gửi" in page.locator("table").first.inner_text()  # the history: lần 1
    scene.done.add("unit one reported")


def test_unit_two_reports_with_the_blank_workbook_filled_in(scene, tmp_path):
    scene.require("published")
    page = scene.page(B)
    page.goto(scene.invitations[B])
    username, password = USERS[B]
    page.fill("#ten-dang-nhap", username)
    page.fill("#mat-khau", password)
    page.fill("#nhap-lai", password)
    page.click("#tao-tai-khoan")
    page.click("nav >> text=Văn bản của đơn vị")
    page.click("ul.units a")
    expect(page.locator("h1")).to_have_text("Ủy ban nhân dân huyện Chư Sê")
    assert CITATION in page.inner_text("main")
    assert "Công tác đảm bảo an ninh, quốc phòng" in page.inner_text("main ol")  # a district supports item 8
    page.click(f"text={PERIOD}")
    with page.expect_download() as download:
        page.click("text=Tải sổ Excel trống để điền")
    workbook = tmp_path / download.value.suggested_filename
    assert workbook.suffix == ".xlsx"
    download.value.save_as(workbook)
    _fill_workbook(workbook, {MEETINGS: 5, PEOPLE: 400})
    page.set_input_files("#so-excel", str(workbook))
    page.click("#gui-bao-cao")
    expect(page.locator(".ok")).to_have_text("Đã gửi báo cáo.")
    expect(page.get_by_label(PEOPLE, exact=True)).to_have_value("400")  # the workbook's figures, on the page
    scene.on_phone(B, "báo cáo đã gửi bằng sổ Excel", ("#so-excel", "#gui-bao-cao"))
    scene.done.add("unit two reported")


def test_a_unit_is_refused_the_other_units_page(scene):
    scene.require("unit one reported", "unit two reported")
    page = scene.page(A)
    response = page.goto(f"{scene.url}/don-vi/ke-hoach/{scene.plan_id}/{B}/bao-cao/6-thang")
    assert response.status == 403
    expect(page.locator(".error")).to_have_text(
        "Tài khoản tuphap là của đơn vị «so-tu-phap»: chỉ mở được trang và văn bản của đơn vị mình.")
    scene.on_phone(A, "trang bị từ chối", ("#quay-lai",))
    response = page.goto(f"{scene.url}/van-phong")
    assert response.status == 403 and "Chỉ quản trị viên được làm việc này." in page.inner_text(".error")


def test_the_admin_returns_a_report_the_unit_resubmits_and_the_consolidated_report_lists_both(scene, tmp_path):
    scene.require("unit one reported", "unit two reported")
    page = scene.page("admin")
    page.click("table a")  # the plan, from the Văn phòng's list
    page.click(f"text={PERIOD}")
    expect(page.locator("h1")).to_have_text("Báo cáo 6 tháng đầu năm 2021")
    summary = page.inner_text("#tom-tat")
    assert "Đã gửi: 2/39 đơn vị; chưa gửi: 37" in summary, summary
    assert page.locator('tr[data-state="missing"]').count() == 38  # with Sở Nội vụ, the consolidator
    assert "Số 12, ngày 15/3/2021" in page.inner_text(f'tr[data-unit="{A}"]')
    scene.on_phone("admin", "bảng theo dõi", ("#tai-tong-hop",))

    row = page.locator(f'tr[data-unit="{A}"]')
    row.locator("textarea").fill("Thiếu số liệu tiếp công dân")
    row.locator("button", has_text="Trả lại").click()
    expect(page.locator(".ok")).to_have_text("Đã ghi ý kiến về báo cáo.")
    assert "trả lại: 1" in page.inner_text("#tom-tat")

    unit = scene.page(A)
    unit.goto(f"{scene.url}/don-vi")
    unit.click("ul.units a")
    unit.click(f"text={PERIOD}")
    expect(unit.locator("h1")).to_have_text("Báo cáo 6 tháng đầu năm 2021")
    history = unit.locator("table").first.inner_text()
    assert "Trả lại" in history and "Thiếu số liệu tiếp công dân" in history
    scene.on_phone(A, "báo cáo bị trả lại", ("#gui-bao-cao",))
    expect(unit.get_by_label(PEOPLE, exact=True)).to_have_value("120")  # the last report, to start from
    unit.get_by_label(MEETINGS, exact=True).fill("4")
    unit.fill("#ngay-bc", "06/5/2021")
    unit.click("#gui-bao-cao")
    expect(unit.locator(".ok")).to_have_text("Đã gửi báo cáo.")

    page.reload()
    assert "lần 2" in page.inner_text(f'tr[data-unit="{A}"]')
    scene.on_phone("admin", "bảng theo dõi, lần 2", ("#tai-tong-hop",))
    assert "trả lại: 0" in page.inner_text("#tom-tat")
    with page.expect_download() as download:
        page.click("#tai-tong-hop")
    target = tmp_path / download.value.suggested_filename
    assert target.name == "bao-cao-tong-hop-6-thang.docx"
    download.value.save_as(target)
    text = _docx_text(target)
    assert "Sở Tư pháp" in text and "Ủy ban nhân dân huyện Chư Sê" in text
    assert "2/39" in text and re.search(r"\b520\b", text)  # 120 + 400 people at the meetings
    scene.done.add("consolidated")


def test_a_restarted_server_keeps_the_board_and_the_issued_sub_plan(scene, tmp_path):
    scene.require("consolidated")
    scene.close_pages()
    scene.server.stop()
    scene.server.start()  # the same port and state folder
    page = scene.page("admin after restart")
    page.goto(f"{scene.url}/van-phong/ke-hoach/{scene.plan_id}/bao-cao/6-thang")
    _log_in(page, ADMIN, ADMIN_PASSWORD)
    assert "Đã gửi: 2/39 đơn vị" in page.inner_text("#tom-tat")
    assert "lần 2" in page.inner_text(f'tr[data-unit="{A}"]')

    unit = scene.page("unit after restart")
    unit.goto(f"{scene.url}/don-vi")
    _log_in(unit, *USERS[A])
    unit.click("ul.units a")
    expect(unit.locator("#tinh-trang")).to_contain_text("Đã ban hành: số 12, ngày 15/3/2021.")
    with unit.expect_download() as download:
        unit.click("text=Tải bản đã ban hành (.docx)")
    target = tmp_path / "da-ban-hanh.docx"
    download.value.save_as(target)
    text = _docx_text(target)
    assert "Số: 12/KH-STP" in text and CITATION in text
    scene.done.add("restarted")


# --- the phone ------------------------------------------------------------------------------------------------------

def test_every_page_fits_a_phone(scene):
    """390 × 844: the pages of the flow (noted as it went), the home page, the check page, an invitation."""
    scene.require("published")
    page = scene.page("phone visitor")
    page.set_viewport_size(PHONE)
    page.goto(scene.url)
    scene.phone["trang chủ"] = fits_phone(page, ("text=Triển khai công tác dân vận năm 2021",))
    page.goto(scene.url + "/check")
    scene.phone["kiểm tra thể thức"] = fits_phone(page, ("#kiem-tra",))
    page.goto(scene.invitations[SPARE])
    scene.phone["lời mời"] = fits_phone(page, ("#tao-tai-khoan",))
    seen = set(scene.phone)
    assert {"đăng nhập", "Văn phòng", "soát kế hoạch", "kế hoạch đã ban hành"} <= seen
    problems = {name: found for name, found in scene.phone.items() if found}
    assert not problems, problems
