"""Shared fixtures: the seed plan rendered once per session, and helpers to read .docx facts."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document
from fastapi.testclient import TestClient

from generator.ooxml.reading import FormatResolver, body_paragraphs, paragraph_text
from generator.pdf import convert_to_pdf
from generator.pipeline import render_plan

ROOT = Path(__file__).resolve().parents[1]
SEED_PLAN = ROOT / "data" / "gia-lai-2021" / "ke-hoach-dan-van-2021.yaml"
UNITS = ROOT / "data" / "gia-lai-2021" / "units.yaml"
# A copy of ../shared/seed/ke-hoach-dan-van-2021.txt, the text the seed plan must reproduce.
SEED_TEXT = ROOT / "tests" / "fixtures" / "ke-hoach-dan-van-2021.txt"


class DocxFacts:
    """A rendered document opened with python-docx, with effective formats resolved."""

    def __init__(self, path: Path):
        self.path = path
        self.document = Document(str(path))
        self.body = self.document.element.body
        self.resolver = FormatResolver.for_document(self.document)
        self.paragraphs = list(body_paragraphs(self.body))

    def texts(self) -> list[str]:
        return [paragraph_text(p) for p in self.paragraphs]

    def find(self, text: str):
        """The first paragraph whose text equals ``text`` (stripped)."""
        for p in self.paragraphs:
            if paragraph_text(p).strip() == text:
                return p
        raise AssertionError(f"no paragraph {text!r}")

    def find_starting(self, prefix: str):
        for p in self.paragraphs:
            if paragraph_text(p).startswith(prefix):
                return p
        raise AssertionError(f"no paragraph starting {prefix!r}")

    def run_formats(self, paragraph):
        from generator.ooxml.reading import runs

        return [self.resolver.run_format(paragraph, r) for r in runs(paragraph)
                if "".join(t.text or "" for t in r.iter("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t"))]


@pytest.fixture(scope="session", autouse=True)
def _web_state_folder(tmp_path_factory):
    """The web app's database and session key go to a temporary folder, never to ~/.local/share/vanban."""
    before = os.environ.get("VANBAN_STATE_DIR")
    os.environ["VANBAN_STATE_DIR"] = str(tmp_path_factory.mktemp("vanban-state"))
    # documents rendered in the app's thread pool: one worker-process test (test_web_workers.py) covers the
    # process pool; spawning pools for every app of the suite would only add seconds
    os.environ.setdefault("VANBAN_WORKERS", "0")
    yield
    if before is None:
        os.environ.pop("VANBAN_STATE_DIR", None)
    else:
        os.environ["VANBAN_STATE_DIR"] = before


def web_client(app) -> TestClient:
    """A TestClient that acts as a browser on the app's own pages: every request carries the session's CSRF
    token (from the <meta name="csrf-token"> of a page) and the app's own Origin."""
    client = TestClient(app)
    page = client.get("/login")  # open even when login is required
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page.text).group(1)
    client.headers.update({"X-CSRF-Token": token, "Origin": "http://testserver"})
    return client


@pytest.fixture(scope="session")
def seed_output(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("seed")
    return render_plan(SEED_PLAN, out).docx


@pytest.fixture(scope="session")
def seed_facts(seed_output) -> DocxFacts:
    return DocxFacts(seed_output)


@pytest.fixture
def plan_copy(tmp_path) -> Path:
    """A writable copy of the seed plan and its registry, for tests that break it."""
    folder = tmp_path / "plan"
    folder.mkdir()
    shutil.copy(SEED_PLAN, folder / SEED_PLAN.name)
    shutil.copy(UNITS, folder / UNITS.name)
    return folder / SEED_PLAN.name


requires_soffice = pytest.mark.skipif(
    shutil.which("soffice") is None,
    reason="chưa cài LibreOffice (soffice): bỏ qua kiểm thử PDF — `make test` cài bằng apt-get khi có quyền root",
)


requires_pdftoppm = pytest.mark.skipif(
    shutil.which("pdftoppm") is None,
    reason="chưa cài poppler-utils (pdftoppm): bỏ qua kiểm thử ảnh quét — `make test` cài bằng apt-get khi có quyền root",
)


@pytest.fixture(scope="session")
def seed_pdf(seed_output, tmp_path_factory) -> Path:
    """The seed plan as LibreOffice prints it: a PDF with a text layer, as units receive it."""
    if shutil.which("soffice") is None:
        pytest.skip("chưa cài LibreOffice (soffice): không tạo được bản PDF của kế hoạch mẫu")
    out = tmp_path_factory.mktemp("seed-pdf")
    return convert_to_pdf([seed_output], out)[0]  # the conversion `vanban render --pdf` uses


@pytest.fixture(scope="session")
def seed_scan(seed_pdf, tmp_path_factory) -> list[Path]:
    """The seed PDF rasterised at 300 dpi in grey, page by page, as a scanner gives it (no text layer)."""
    if shutil.which("pdftoppm") is None:
        pytest.skip("chưa cài poppler-utils (pdftoppm): không tạo được ảnh quét của kế hoạch mẫu")
    out = tmp_path_factory.mktemp("seed-scan")
    subprocess.run(["pdftoppm", "-r", "300", "-gray", "-png", str(seed_pdf), str(out / "trang")], check=True)
    return sorted(out.glob("trang-*.png"))


CHROMIUM = Path("/usr/bin/chromium")
try:
    from playwright.sync_api import sync_playwright as _playwright
except ImportError:  # pragma: no cover - make test installs it
    _playwright = None
requires_chromium = pytest.mark.skipif(
    _playwright is None or not CHROMIUM.exists(),
    reason="chưa cài Chromium (/usr/bin/chromium) hoặc Playwright: bỏ qua kiểm thử trình duyệt — "
           "`make test` cài gói Debian chromium khi có quyền root",
)
