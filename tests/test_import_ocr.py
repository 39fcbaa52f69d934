"""Scans read by OCR (generator/importer/ocr.py): the seed plan's scan imports with its words and header,
an image-only PDF reads the same, OCR's typical misreadings are repaired, hostile images are refused.

OCR is slow (2–3 s a page): the seed scan is read once per session.
"""

from __future__ import annotations

import difflib
import shutil
import subprocess

import pytesseract
import pytest
from PIL import Image

from generator.errors import InputError
from generator.importer import ocr
from generator.importer.blocks import from_docx
from generator.importer.ocr import low_confidence, ocr_image, ocr_pdf_pages, repair_ky_hieu, repair_text
from generator.importer.pages import Page, Word, blocks_from_pages
from generator.importer.parse import Parser
from generator.importer.pdftext import read_pages
from generator.ooxml.document import open_docx


def _has_vietnamese_model() -> bool:
    if shutil.which("tesseract") is None:
        return False
    listed = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, check=False)
    return "vie" in (listed.stdout + listed.stderr).split()


requires_tesseract = pytest.mark.skipif(
    not _has_vietnamese_model(),
    reason="chưa cài Tesseract với mô hình tiếng Việt: bỏ qua kiểm thử đọc bản quét — `make test` cài "
           "tesseract-ocr và tesseract-ocr-vie bằng apt-get khi có quyền root",
)


def _words(blocks) -> list[str]:
    return [w for b in blocks for w in b.plain.split()]


def _in_order(expected: list[str], got: list[str]) -> float:
    matcher = difflib.SequenceMatcher(None, expected, got, autojunk=False)
    return sum(b.size for b in matcher.get_matching_blocks()) / len(expected)


@pytest.fixture(scope="session")
def scan_pages(seed_scan) -> list[Page]:
    """The seed scan read by OCR, one image a page, once."""
    if not _has_vietnamese_model():
        pytest.skip("chưa cài Tesseract với mô hình tiếng Việt")
    return [page for number, path in enumerate(seed_scan, 1) for page in ocr_image(path, first_page=number)]


@pytest.fixture(scope="session")
def docx_import(seed_output):
    blocks = from_docx(open_docx(seed_output))
    return blocks, Parser(blocks, formatted=True).parse()


# ---------------------------------------------------------------- the seed scan

@requires_tesseract
def test_seed_scan_imports_with_its_words_and_header(scan_pages, docx_import):
    assert [p.number for p in scan_pages] == list(range(1, 8))
    assert all(p.scanned for p in scan_pages)
    first = scan_pages[0]
    assert 590 < first.width < 600 and 838 < first.height < 846  # A4, in points
    assert all(w.confidence is not None and 0 <= w.confidence <= 100 for p in scan_pages for w in p.words)
    blocks = blocks_from_pages(scan_pages)
    expected_blocks, expected = docx_import
    assert _in_order(_words(expected_blocks), _words(blocks)) >= 0.97
    imported = Parser(blocks, formatted=False).parse()
    document = imported.document
    assert imported.issuer["header"] == ["ỦY BAN NHÂN DÂN", "TỈNH GIA LAI"]
    assert document["type"] == "KH" and imported.issuer["code"] == "UBND"  # ký hiệu KH-UBND
    assert document["number"] is None  # the seed is a draft: "Số:      /KH-UBND"
    assert document["date"] is None and document["year"] == 2021
    assert document["title"] == expected.document["title"]
    assert document.get("place") == "Gia Lai"
    assert [s["title"] for s in document["sections"]] == [s["title"] for s in expected.document["sections"]]
    assert document["signer"] == expected.document["signer"]


@requires_tesseract
def test_image_only_pdf_is_scanned_and_reads_the_same(seed_scan, scan_pages, tmp_path):
    images = [Image.open(p) for p in seed_scan]
    pdf = tmp_path / "scan.pdf"
    images[0].save(pdf, save_all=True, append_images=images[1:], resolution=300)
    pages = read_pages(pdf)
    assert [p.scanned for p in pages] == [True] * 7 and not any(p.words for p in pages)
    read = ocr_pdf_pages(pdf, [p.number for p in pages if p.scanned])
    assert [p.number for p in read] == list(range(1, 8))
    # the PDF's pages rendered at ocr.PDF_DPI and the 300 dpi images scaled down to it: the same words
    assert _in_order(_words(blocks_from_pages(scan_pages)), _words(blocks_from_pages(read))) >= 0.99
    first, image_first = read[0].words[0], scan_pages[0].words[0]
    assert abs(first.x0 - image_first.x0) < 3 and abs(first.top - image_first.top) < 3  # both in points


@requires_tesseract
def test_review_list_names_the_pages_read_with_low_confidence(scan_pages):
    lines = low_confidence(scan_pages)
    assert lines and all(line.startswith("trang ") for line in lines)
    numbers = {int(line.split(":")[0].split()[1]) for line in lines}
    assert numbers <= set(range(1, 8))


def test_review_list_is_grouped_per_page_and_bounded():
    page = Page(2, 595, 842, [Word("dần", 0, 10, 0, 10, confidence=41), Word("vận", 12, 20, 0, 10, confidence=95),
                              Word("sử", 22, 30, 0, 10, confidence=30), Word("dần", 32, 40, 0, 10, confidence=41)]
                + [Word(f"chữ{i}", 0, 1, 20, 30, confidence=10) for i in range(20)])
    clean = Page(3, 595, 842, [Word("rõ", 0, 10, 0, 10, confidence=96)])
    lines = low_confidence([page, clean], threshold=60, limit=5)
    assert len(lines) == 1
    assert lines[0].startswith('trang 2: đọc chưa chắc "dần", "sử", "chữ0"')
    assert "và 17 chữ khác" in lines[0] and '"vận"' not in lines[0]


# ---------------------------------------------------------------- repairs

@pytest.mark.parametrize("read, meant", [
    ("CỘNG HOÀ XÃ HỘI CHỦ NGHIÃ VIỆT NAM", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
    ("CỘNG HÒA XÂ HỘI CHỦ NGHỈA VIỆT NAM", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
    ("CONG HOA XA HOI CHU NGHIA VIET NAM", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
    ("ỦY BAN NHÂN DÂN CỘNG HÒA XÄ HỘI CHỦ NGHĨA VIỆT NAM", "ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
    ("Độc lập — Tự do — Hạnh phúc", "Độc lập - Tự do - Hạnh phúc"),
    ("Đôc lâp - Tư do - Hanh phúc", "Độc lập - Tự do - Hạnh phúc"),
    ("TỈNH GIA LAI Độc lập - Tư do - Hạnh phủc", "TỈNH GIA LAI Độc lập - Tự do - Hạnh phúc"),
])
def test_quoc_hieu_and_tieu_ngu_are_known_by_heart(read, meant):
    assert repair_text(read) == meant


@pytest.mark.parametrize("read, meant", [
    ("348-CTrBDVTU-UBND", "348-CTr/BDVTU-UBND"),  # the "/" lost
    ("348-CIr/BDVTU-UBND", "348-CTr/BDVTU-UBND"),  # T read as I
    ("348-CIrBDVTU-UBND", "348-CTr/BDVTU-UBND"),  # both
    ("120-KL/ITW", "120-KL/TW"),  # a stray stroke before a known issuer
    ("3O-KH/BDVTU-BCSĐ", "30-KH/BDVTU-BCSĐ"),  # O for 0 in the number
    ("l3/CT-UBND", "13/CT-UBND"),  # l for 1
    ("16/CT-TTg", "16/CT-TTg"),  # right as read
    ("24/01/2017", "24/01/2017"),  # a date, not a ký hiệu
    ("COVID-19", "COVID-19"),
    ("12-XYZ/ABC", "12-XYZ/ABC"),  # unknown codes stay as read
])
def test_ky_hieu_look_alikes(read, meant):
    assert repair_ky_hieu(read) == meant


@pytest.mark.parametrize("read, meant", [
    ("Điều L. Phạm vi điều chỉnh", "Điều 1. Phạm vi điều chỉnh"),
    ("Điều l", "Điều 1"),
    ("Điều 1O.", "Điều 10."),
    ("Điều lệ của Hội", "Điều lệ của Hội"),  # a word, not a number
    ("l. MỤC ĐÍCH, YÊU CẦU", "I. MỤC ĐÍCH, YÊU CẦU"),
    ("H. NỘI DUNG TRIỂN KHAI THỰC HIỆN", "II. NỘI DUNG TRIỂN KHAI THỰC HIỆN"),
    ("HI. TỔ CHỨC THỰC HIỆN", "III. TỔ CHỨC THỰC HIỆN"),
    ("1. MỤC TIÊU CHUNG", "1. MỤC TIÊU CHUNG"),  # a khoản in capitals stays a khoản
    ("l. Tiếp tục triển khai", "1. Tiếp tục triển khai"),
    ("Sô: /KH-UBND", "Số: /KH-UBND"),
    ("S6: 07/KH-UBND", "Số: 07/KH-UBND"),
    ("Số lượng: 5 người", "Số lượng: 5 người"),
    ("Nơi nhân:", "Nơi nhận:"),
    ("Noi nhan", "Nơi nhận:"),
    ("TM, ỦY BAN NHÂN DÂN", "TM. ỦY BAN NHÂN DÂN"),
    ("KT CHỦ TỊCH", "KT. CHỦ TỊCH"),
    ("PHO CHU TỊCH", "PHÓ CHỦ TỊCH"),
    ("UY BAN NHAN DAN", "ỦY BAN NHÂN DÂN"),
    ("SƠ KẾT", "SƠ KẾT"),
    ("Gia Lai,ngày 05 thang 3 nam 2021", "Gia Lai, ngày 05 tháng 3 năm 2021"),
    ("Gia Lai, ngay … thang … năm 2021", "Gia Lai, ngày … tháng … năm 2021"),
    ("triển khai ngay trong tháng 3 năm 2021", "triển khai ngay trong tháng 3 năm 2021"),  # "ngay": at once
    ("giai đoạn 2017 — 2021", "giai đoạn 2017 – 2021"),
    ("thi đua “ Học tập và làm theo", "thi đua “Học tập và làm theo"),
    ("BCĐÐ thực hiện QCDC", "BCĐ thực hiện QCDC"),  # a Latin Ð read beside the Vietnamese Đ
])
def test_fixed_words_of_nd30_lines(read, meant):
    assert repair_text(read) == meant


@pytest.mark.parametrize("read, meant", [
    ("công tác dần vận năm 2021", "công tác dân vận năm 2021"),
    ("Quy chế dân chủ ở cơ sử”.", "Quy chế dân chủ ở cơ sở”."),
    ("nâng cao tỉnh thần trách nhiệm", "nâng cao tinh thần trách nhiệm"),
    ("Tiếp tục đối mới nội dung", "Tiếp tục đổi mới nội dung"),
    ("Triến khai, quán triệt", "Triển khai, quán triệt"),
    ("dần dần", "dần dần"),  # a single syllable is not known from its neighbours
    ("đối với cán bộ", "đối với cán bộ"),
])
def test_diacritics_of_administrative_phrases(read, meant):
    assert repair_text(read) == meant


def test_repairs_keep_positions_and_confidence():
    words = [Word("Đôc", 100, 120, 50, 60, confidence=80), Word("lâp", 124, 140, 50, 60, confidence=70),
             Word("—", 144, 150, 50, 60, confidence=60), Word("Tư", 154, 166, 50, 60, confidence=90),
             Word("do", 170, 182, 50, 60, confidence=90), Word("-", 186, 190, 50, 60, confidence=90),
             Word("Hanh", 194, 220, 50, 61, confidence=90), Word("phúc", 224, 250, 50, 61, confidence=90)]
    fixed = ocr.repair_line(words)
    assert [w.text for w in fixed] == "Độc lập - Tự do - Hạnh phúc".split()
    assert fixed[0].x0 == 100 and fixed[-1].x1 == 250 and all(w.top == 50 and w.bottom == 61 for w in fixed)
    assert all(a.x1 <= b.x0 for a, b in zip(fixed, fixed[1:]))
    assert {w.confidence for w in fixed} == {60}  # the least sure of the words it was read from


# ---------------------------------------------------------------- images: resolution, frames, hostile input

@requires_tesseract
def test_multi_page_tiff_every_frame_in_points(seed_scan, tmp_path):
    page = Image.open(seed_scan[0])
    header = page.crop((0, 0, page.width, 600))  # the two header columns of page 1
    closing = Image.open(seed_scan[-1]).crop((0, 0, page.width, 500))
    tiff = tmp_path / "scan.tif"
    header.save(tiff, save_all=True, append_images=[closing], dpi=(300, 300), compression="tiff_lzw")
    pages = ocr_image(tiff)
    assert [p.number for p in pages] == [1, 2]
    assert abs(pages[0].width - page.width * 72 / 300) < 1 and abs(pages[0].height - 600 * 72 / 300) < 1
    texts = [w.text for w in pages[0].words]
    assert "CỘNG" in texts and "Hạnh" in texts and pages[1].words


def test_image_without_dpi_is_taken_as_300(tmp_path):
    image = Image.new("L", (2480, 3508), 255)  # A4 at 300 dpi, the resolution not written in the file
    assert ocr._dpi(image) == 300
    image.info["dpi"] = (72, 72)  # a program's default: would make the page 49 inches tall
    assert ocr._dpi(image) == 300
    image.info["dpi"] = (200, 200)
    assert ocr._dpi(image) == 200


@requires_tesseract
@pytest.mark.parametrize("content", [b"", b"not an image at all", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40])
def test_broken_image_is_refused(tmp_path, content):
    path = tmp_path / "scan.png"
    path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        ocr_image(path)
    assert "không đọc được tệp ảnh" in str(caught.value) and str(path) in str(caught.value)


@requires_tesseract
def test_truncated_image_is_refused(seed_scan, tmp_path):
    path = tmp_path / "cut.png"
    path.write_bytes(seed_scan[0].read_bytes()[:5000])
    with pytest.raises(InputError, match="không đọc được tệp ảnh"):
        ocr_image(path)


@requires_tesseract
@pytest.mark.parametrize("side", [40, 60])  # Pillow warns above its limit, refuses above twice it
def test_decompression_bomb_is_refused(tmp_path, monkeypatch, side):
    path = tmp_path / "bomb.png"
    Image.new("L", (side, side), 255).save(path)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    with pytest.raises(InputError, match="ảnh quá lớn"):
        ocr_image(path)


@requires_tesseract
def test_too_many_pixels_or_pages_are_refused(tmp_path, monkeypatch):
    path = tmp_path / "big.tif"
    frames = [Image.new("L", (100, 100), 255) for _ in range(3)]
    frames[0].save(path, save_all=True, append_images=frames[1:])
    monkeypatch.setattr(ocr, "MAX_PAGES", 2)
    with pytest.raises(InputError, match="tối đa 2 trang"):
        ocr_image(path)
    monkeypatch.setattr(ocr, "MAX_PAGES", 200)
    monkeypatch.setattr(ocr, "MAX_PIXELS", 5000)
    with pytest.raises(InputError, match="ảnh quá lớn"):
        ocr_image(path)


@requires_tesseract
def test_broken_pdf_and_missing_page_are_refused(tmp_path, seed_pdf):
    broken = tmp_path / "scan.pdf"
    broken.write_bytes(b"%PDF-1.4\n garbage")
    with pytest.raises(InputError, match="không mở được tệp PDF"):
        ocr_pdf_pages(broken, [1])
    with pytest.raises(InputError, match="không có trang 99"):
        ocr_pdf_pages(seed_pdf, [99])


def test_unknown_suffix_is_refused(tmp_path):
    with pytest.raises(InputError, match=r"\.png"):
        ocr_image(tmp_path / "scan.gif")


@pytest.fixture
def fresh_tesseract_check():
    ocr._tesseract.cache_clear()
    yield
    ocr._tesseract.cache_clear()


def test_missing_tesseract_says_what_to_install(tmp_path, monkeypatch, fresh_tesseract_check):
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", str(tmp_path / "no-tesseract"))
    path = tmp_path / "scan.png"
    Image.new("L", (10, 10), 255).save(path)
    with pytest.raises(InputError) as caught:
        ocr_image(path)
    message = str(caught.value)
    assert "chưa cài Tesseract" in message and "tesseract-ocr tesseract-ocr-vie" in message and str(path) in message


def test_missing_vietnamese_model_says_what_to_install(tmp_path, monkeypatch, fresh_tesseract_check):
    monkeypatch.setattr(pytesseract, "get_languages", lambda config="": ["eng", "osd"])
    with pytest.raises(InputError) as caught:
        ocr_pdf_pages(tmp_path / "scan.pdf", [1])
    assert "mô hình tiếng Việt" in str(caught.value) and "tesseract-ocr-vie" in str(caught.value)
