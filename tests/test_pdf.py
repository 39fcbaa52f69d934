"""The seed as LibreOffice lays it out: one-line header, numbered pages from 2, footer on one page."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from generator.pipeline import render_plan

from conftest import SEED_PLAN, requires_soffice

requires_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdffonts") is None,
    reason="chưa cài poppler-utils (pdftotext, pdffonts): bỏ qua kiểm tra bố cục PDF",
)


@pytest.fixture(scope="module")
def seed_pdf(tmp_path_factory):
    out = tmp_path_factory.mktemp("pdf")
    return render_plan(SEED_PLAN, out, pdf=True).pdf


def pages(pdf) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1]


@requires_soffice
@requires_poppler
def test_header_lines_do_not_wrap(seed_pdf):
    first = [line.strip() for line in pages(seed_pdf)[0].splitlines() if line.strip()]
    assert first[0].startswith("ỦY BAN NHÂN DÂN") and first[0].endswith("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    assert first[1].startswith("TỈNH GIA LAI") and first[1].endswith("Độc lập - Tự do - Hạnh phúc")
    assert first[2].startswith("Số:") and first[2].endswith("năm 2021")


@requires_soffice
@requires_poppler
def test_pages_are_numbered_from_two_at_the_top(seed_pdf):
    all_pages = pages(seed_pdf)
    assert len(all_pages) >= 2
    assert all_pages[0].split()[0] == "ỦY"
    for number, page in enumerate(all_pages[1:], start=2):
        assert page.split()[0] == str(number)


@requires_soffice
@requires_poppler
def test_noi_nhan_and_signature_share_the_last_page(seed_pdf):
    last = pages(seed_pdf)[-1]
    for text in ("Nơi nhận:", "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "Nguyễn Thị Thanh Lịch", "- Lưu: VT, NC."):
        assert text in last


@requires_soffice
@requires_poppler
def test_fonts_are_embedded_times_new_roman_or_its_metric_twin(seed_pdf):
    listing = subprocess.run(["pdffonts", str(seed_pdf)], capture_output=True, text=True, check=True).stdout
    fonts = listing.splitlines()[2:]
    assert fonts and all(("LiberationSerif" in f or "TimesNewRoman" in f) and " yes " in f for f in fonts)


@requires_soffice
@requires_poppler
def test_a_batch_gets_its_pdfs_with_one_libreoffice_per_worker(tmp_path):
    from generator.pipeline import cascade

    result = cascade(SEED_PLAN, tmp_path, units=["so-tu-phap", "ubnd-huyen-chu-se", "cong-an-tinh"], workers=2,
                     pdf=True)
    assert result.failures == [] and all(e.pdf for e in result.entries)
    for entry in result.entries:
        pdf = tmp_path / entry.pdf
        listing = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
        assert "LiberationSerif" in listing or "TimesNewRoman" in listing
    chu_se = pages(tmp_path / "ubnd-huyen-chu-se" / "ke-hoach-dan-van-2021.pdf")
    assert chu_se[0].split()[0] == "ỦY" and "HUYỆN CHƯ SÊ" in chu_se[0]


def test_pdf_without_libreoffice_is_a_clear_message(monkeypatch, tmp_path, capsys):
    from generator import pdf
    from generator.cli import main

    monkeypatch.setattr(pdf.shutil, "which", lambda name: None)
    code = main(["render", str(SEED_PLAN), "-o", str(tmp_path), "--pdf"])
    err = capsys.readouterr().err
    assert code == 1 and "chưa cài LibreOffice nên không tạo được PDF" in err and "apt-get install" in err
