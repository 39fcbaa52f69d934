"""Importing a plan received as a PDF with a text layer (issue 16): pdfplumber's words → pages → blocks → plan.

The seed plan printed by LibreOffice must import as its .docx imports: same header, trích yếu, sections,
italics, signature and Nơi nhận, and the same words in the same order. The layout rules (columns, page
numbers, running headers, paragraphs across pages, footnote marks) are also pinned on hand-built pages of
OCR-like words (no fonts), since the OCR reader shares them.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest
import yaml
from PIL import Image, ImageDraw

from conftest import UNITS, requires_soffice
from generator import inline
from generator.errors import InputError
from generator.importer.blocks import Block, from_docx
from generator.importer.pages import Page, Word, blocks_from_pages
from generator.importer.parse import Parser
from generator.importer.pdftext import MAX_PAGES, font_style, read_pages
from generator.model import Appendix
from generator.ooxml.document import open_docx
from generator.pipeline import render_plan


def import_pdf(path: Path):
    return Parser(blocks_from_pages(read_pages(path)), formatted=True).parse()


def import_docx(path: Path):
    return Parser(from_docx(open_docx(path)), formatted=True).parse()


def texts(value) -> list[str]:
    """Every string of the imported plan, in document order."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [t for v in value.values() for t in texts(v)]
    if isinstance(value, list):
        return [t for v in value for t in texts(v)]
    return []


def words(document: dict) -> list[str]:
    return " ".join(inline.plain(t) for t in texts(document)).split()


def shape(nodes: list[dict]) -> list:
    """The section tree without its wording: which nodes have a title, paragraphs, children."""
    return [(sorted(k for k in n if k in ("title", "text")), len(n.get("paragraphs", [])), shape(n.get("items", [])))
            for n in nodes]


@pytest.fixture(scope="module")
def seed_imports(seed_output, seed_pdf):
    return import_docx(seed_output), import_pdf(seed_pdf)


# ---------------------------------------------------------------- the seed plan, printed by LibreOffice

def test_seed_pdf_header_and_title_as_docx(seed_imports):
    docx, pdf = seed_imports
    assert pdf.issuer == docx.issuer
    assert pdf.issuer["header"] == ["ỦY BAN NHÂN DÂN", "TỈNH GIA LAI"]
    for key in ("type", "number", "date", "year", "place", "title"):
        assert pdf.document.get(key) == docx.document.get(key), key
    assert pdf.document["year"] == 2021 and pdf.document["place"] == "Gia Lai"
    assert pdf.document["title"].startswith("Triển khai công tác dân vận năm 2021")


def test_seed_pdf_sections_and_italics_as_docx(seed_imports):
    docx, pdf = seed_imports
    assert [s["title"] for s in pdf.document["sections"]] == [s["title"] for s in docx.document["sections"]]
    assert shape(pdf.document["sections"]) == shape(docx.document["sections"])
    italic_docx = [t for t in texts(docx.document) if "*" in t]
    assert italic_docx, "the seed plan has italic titles in quotes"
    assert [t for t in texts(pdf.document) if "*" in t] == italic_docx
    assert pdf.document["opening"] == docx.document["opening"]
    assert pdf.document["closing"] == docx.document["closing"]


def test_seed_pdf_signature_and_recipients_as_docx(seed_imports):
    docx, pdf = seed_imports
    assert pdf.document["signer"] == docx.document["signer"] == {"role": "deputy", "name": "Nguyễn Thị Thanh Lịch"}
    assert pdf.document["recipients"] == docx.document["recipients"]
    assert pdf.document["archive"] == docx.document["archive"] == ["NC"]
    assert pdf.warnings == docx.warnings


def test_seed_pdf_words_in_order(seed_imports):
    docx, pdf = seed_imports
    expected, got = words(docx.document), words(pdf.document)
    ratio = difflib.SequenceMatcher(None, expected, got, autojunk=False).ratio()
    print(f"PDF import: {ratio:.4%} of {len(expected)} words as the .docx import")
    diff = [line for line in difflib.unified_diff(expected, got, lineterm="", n=2)][:40]
    assert ratio >= 0.995, f"only {ratio:.2%} of the words match the .docx import:\n" + "\n".join(diff)


def test_page_numbers_dropped_and_paragraphs_joined_across_pages(seed_pdf, seed_output):
    pages = read_pages(seed_pdf)
    numbers = [w.text for p in pages[1:] for w in p.words if w.top < 45]
    assert numbers == [str(n) for n in range(2, 8)], "LibreOffice prints page numbers at the top of pages 2–7"
    blocks = blocks_from_pages(pages)
    assert not [b for b in blocks if b.plain.isdigit()]
    docx_texts = [b.plain for b in from_docx(open_docx(seed_output))]
    joined = 0
    for before, after in zip(pages, pages[1:]):
        last = max(before.words, key=lambda w: (round(w.top), w.x0))
        first = min((w for w in after.words if w.top > 45), key=lambda w: (round(w.top), w.x0))
        pair = f"{last.text} {first.text}"
        if any(pair in t for t in docx_texts):  # the page break falls inside a paragraph
            assert any(pair in b.plain for b in blocks), f"«{pair}» split at the break after page {before.number}"
            assert any(pair in b.plain and b.page == before.number for b in blocks)
            joined += 1
    assert joined >= 2


def test_two_column_header_and_footer_split(seed_pdf):
    pages = read_pages(seed_pdf)
    so = next(w for w in pages[0].words if w.text == "Số:")
    assert any(w.text == "Gia" and abs(w.top - so.top) < 1 for w in pages[0].words), "one printed line"
    blocks = blocks_from_pages(pages)
    column = {b.plain: b.column for b in blocks}
    assert column["ỦY BAN NHÂN DÂN"] == column["TỈNH GIA LAI"] == column["Số: /KH-UBND"] == 0
    assert column["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"] == column["Độc lập - Tự do - Hạnh phúc"] == 1
    assert column["Gia Lai, ngày tháng năm 2021"] == 1
    assert column["Nơi nhận:"] == column["- Lưu: VT, NC."] == 0
    assert column["TM. ỦY BAN NHÂN DÂN"] == column["KT. CHỦ TỊCH"] == column["Nguyễn Thị Thanh Lịch"] == 1
    italic = next(b for b in blocks if b.plain.startswith("Gia Lai, ngày"))
    assert italic.italic and not italic.bold and "*" not in italic.text
    assert all(b.page is not None and b.line for b in blocks)


# ---------------------------------------------------------------- a Phụ lục table

APPENDIX_ROWS = [[str(i), f"UBND huyện số {i}", f"Quý {['I', 'II', 'III', 'IV'][i % 4]}/2021", i * 3]
                 for i in range(1, 41)]


@pytest.fixture(scope="module")
def appendix_plan(tmp_path_factory) -> Path:
    """A short plan with a 40-row Phụ lục: its table runs over two pages."""
    folder = tmp_path_factory.mktemp("appendix")
    (folder / "units.yaml").write_bytes(UNITS.read_bytes())
    plan = {"units": "units.yaml", "slug": "ke-hoach-phu-luc", "document": {
        "issuer": "ubnd-tinh", "type": "KH", "year": 2021, "title": "Kiểm tra công tác dân vận năm 2021",
        "opening": ["UBND tỉnh ban hành Kế hoạch kiểm tra công tác dân vận năm 2021 như sau:"],
        "sections": [{"title": "Mục đích, yêu cầu", "items": [{"text": "Đánh giá kết quả công tác dân vận."}]},
                     {"title": "Tổ chức thực hiện", "paragraphs": ["Sở Nội vụ theo dõi, tổng hợp theo Phụ lục."]}],
        "signer": {"name": "Nguyễn Thị Thanh Lịch", "role": "deputy"},
        "recipients": ["Các sở, ban, ngành tỉnh"], "archive": ["NC"],
        "appendix": {"title": "Danh sách đơn vị được kiểm tra",
                     "columns": [{"name": "STT", "width_mm": 15}, {"name": "Đơn vị"}, {"name": "Thời gian"},
                                 {"name": "Số cuộc", "numeric": True}],
                     "rows": APPENDIX_ROWS}}}
    path = folder / "ke-hoach-phu-luc.yaml"
    path.write_text(yaml.safe_dump(plan, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@requires_soffice
def test_pdf_appendix_table_imports_as_rows(appendix_plan, tmp_path):
    rendered = render_plan(appendix_plan, tmp_path, pdf=True)
    pages = read_pages(rendered.pdf)
    assert sum(len(p.tables) for p in pages) == 2, "the table runs over two pages"
    assert not any(w.text == "huyện" for p in pages for w in p.words), "table words are not also loose words"
    imported = import_pdf(rendered.pdf)
    appendix = imported.document["appendix"]
    assert appendix["title"] == "Danh sách đơn vị được kiểm tra"
    assert [c["name"] for c in appendix["columns"]] == ["STT", "Đơn vị", "Thời gian", "Số cuộc"]
    assert appendix["rows"] == [[str(c) for c in row] for row in APPENDIX_ROWS]  # header row not repeated
    assert appendix["columns"][3].get("numeric")
    Appendix(**appendix)  # what the model accepts
    assert imported.document["signer"]["name"] == "Nguyễn Thị Thanh Lịch"
    assert imported.document["recipients"] == ["Các sở, ban, ngành tỉnh"]
    assert import_docx(rendered.docx).document["appendix"] == appendix


def test_docx_data_table_is_one_block_of_rows(appendix_plan, tmp_path):
    rendered = render_plan(appendix_plan, tmp_path)
    tables = [b for b in from_docx(open_docx(rendered.docx)) if b.rows is not None]
    assert len(tables) == 1
    assert tables[0].rows[0] == ["STT", "Đơn vị", "Thời gian", "Số cuộc"]
    assert tables[0].rows[1:] == [[str(c) for c in row] for row in APPENDIX_ROWS]
    assert tables[0].text == "STT | Đơn vị | Thời gian | Số cuộc"


def test_table_in_the_body_kept_as_paragraphs():
    blocks = [Block("KẾ HOẠCH", bold=True, centred=True), Block("Kiểm tra năm 2021", bold=True, centred=True),
              Block("I. NỘI DUNG", bold=True), Block("1. Kiểm tra các đơn vị", bold=True),
              Block("Đơn vị | Thời gian", rows=[["Đơn vị", "Thời gian"], ["Sở Nội vụ", "Quý II"]]),
              Block("Nơi nhận:", bold=True, italic=True), Block("- Lưu: VT.")]
    imported = Parser(blocks, formatted=True).parse()
    item = imported.document["sections"][0]["items"][0]
    assert item["paragraphs"] == ["Đơn vị | Thời gian", "Sở Nội vụ | Quý II"]
    assert any("bảng trong phần nội dung" in w for w in imported.warnings)
    assert "appendix" not in imported.document


# ---------------------------------------------------------------- layout on hand-built OCR-like pages

LEFT, RIGHT = 85.0, 552.0


def typeset(text: str, x: float | None, top: float, *, size: float = 14.0, right: float | None = None,
            **style) -> list[Word]:
    """Words as OCR gives them (no font, a confidence), spread to ``right`` when given (a justified line),
    centred between the margins when ``x`` is None."""
    widths = [0.45 * size * len(w) for w in text.split()]
    space = 0.25 * size
    if x is None:
        x = (LEFT + RIGHT - sum(widths) - space * (len(widths) - 1)) / 2
    if right is not None and len(widths) > 1:
        space = (right - x - sum(widths)) / (len(widths) - 1)
    out, cursor = [], x
    for word, width in zip(text.split(), widths):
        out.append(Word(word, cursor, cursor + width, top, top + size, confidence=91.0, **style))
        cursor += width + space
    return out


def test_layout_of_ocr_like_pages():
    first = (typeset("ỦY BAN NHÂN DÂN", 110, 60) + typeset("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 300, 60, size=13)
             + typeset("TỈNH GIA LAI", 126, 76) + typeset("Độc lập - Tự do - Hạnh phúc", 330, 76)
             + typeset("Số: 12/KH-UBND", 120, 104) + typeset("Gia Lai, ngày 05 tháng 3 năm 2021", 320, 104)
             + typeset("Thực hiện chỉ đạo của Ủy ban nhân dân tỉnh về công tác", LEFT + 28, 150, right=RIGHT)
             + typeset("dân vận chính quyền năm 2021, các cơ quan, đơn vị tổ chức", LEFT, 168, right=RIGHT)
             + typeset("triển khai nghiêm túc và đồng bộ những nội dung sau đây theo", LEFT, 186, right=RIGHT))
    second = (typeset("kế hoạch này(1) của tỉnh.", LEFT, 60)
              + typeset("- Báo cáo kết quả trước ngày 10/5/2021.", LEFT + 28, 78))
    third = typeset("Trên đây là Kế hoạch của tỉnh.", LEFT + 28, 60)
    # the footnote mark: smaller, raised, glued to its word
    mark = next(w for w in second if w.text == "này(1)")
    second.remove(mark)
    word = Word("này", mark.x0, mark.x0 + 20, mark.top, mark.bottom, confidence=90.0)
    second += [word, Word("(1)", word.x1 + 0.2, word.x1 + 10, mark.top - 2, mark.top + 7, confidence=80.0)]
    pages = []
    for number, words in enumerate((first, second, third), 1):
        furniture = typeset("Kế hoạch dân vận 2021", 240, 30, size=11) + typeset(f"Trang {number}/3", 290, 800,
                                                                                 size=11)
        pages.append(Page(number, 595.0, 842.0, words + furniture, scanned=True))
    blocks = blocks_from_pages(pages)
    plain = [b.plain for b in blocks]
    assert not any("Kế hoạch dân vận 2021" in p or p.startswith("Trang") for p in plain), plain
    assert [b.text for b in blocks if b.column == 1] == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Gia Lai, ngày 05 tháng 3 năm 2021"]
    assert [b.text for b in blocks if b.column == 0][:3] == ["ỦY BAN NHÂN DÂN", "TỈNH GIA LAI", "Số: 12/KH-UBND"]
    body = [b for b in blocks if b.table is None]
    assert [b.text for b in body] == [
        "Thực hiện chỉ đạo của Ủy ban nhân dân tỉnh về công tác dân vận chính quyền năm 2021, các cơ quan, đơn vị "
        "tổ chức triển khai nghiêm túc và đồng bộ những nội dung sau đây theo kế hoạch này⁽¹⁾ của tỉnh.",
        "- Báo cáo kết quả trước ngày 10/5/2021.",
        "Trên đây là Kế hoạch của tỉnh."]
    assert [(b.page, b.line) for b in body] == [(1, 5), (2, 3), (3, 2)]  # lines as printed, furniture counted


def test_a_small_raised_number_read_by_ocr_is_a_word_not_a_footnote_mark():
    words = typeset("báo cáo định kỳ 06 tháng,", LEFT, 60)
    mark = Word("01", words[-1].x1 + 3.5, words[-1].x1 + 12, 60 - 3, 60 + 8, confidence=70.0)  # "01 năm", read small
    words += [mark] + typeset("năm", mark.x1 + 3.5, 60)
    blocks = blocks_from_pages([Page(1, 595.0, 842.0, words, scanned=True)])
    assert "01" in blocks[0].text.split() and "⁰" not in blocks[0].text


def test_centred_title_over_two_lines_is_one_block():
    words = (typeset("KẾ HOẠCH", None, 140, bold=True)
             + typeset("Triển khai công tác dân vận năm 2021 chủ đề Đẩy mạnh", LEFT + 7, 158, right=RIGHT - 7, bold=True)
             + typeset("dân chủ ở cơ sở", None, 176, bold=True)
             + typeset("Căn cứ Kế hoạch số 30-KH/BDVTU ngày 26/02/2021 của Ban", LEFT + 28, 210, right=RIGHT)
             + typeset("Dân vận Tỉnh ủy.", LEFT, 228))
    blocks = blocks_from_pages([Page(1, 595.0, 842.0, words)])
    assert [(b.text, b.bold, b.centred) for b in blocks] == [
        ("KẾ HOẠCH", True, True),
        ("Triển khai công tác dân vận năm 2021 chủ đề Đẩy mạnh dân chủ ở cơ sở", True, True),
        ("Căn cứ Kế hoạch số 30-KH/BDVTU ngày 26/02/2021 của Ban Dân vận Tỉnh ủy.", False, False)]


def test_partial_emphasis_is_inline_markup():
    words = (typeset("Phong trào “", LEFT + 28, 100) + typeset("Dân vận khéo", LEFT + 100, 100, italic=True)
             + typeset("” được nhân rộng.", LEFT + 205, 100))
    words[2].x1 = words[3].x0  # the opening quote is glued to the italic word, the closing one to its end
    words[6].x0 = words[5].x1
    block, = blocks_from_pages([Page(1, 595.0, 842.0, words)])
    assert block.text == "Phong trào “*Dân vận khéo*” được nhân rộng."


def test_font_names():
    assert font_style("BAAAAA+LiberationSerif-BoldItalic") == (True, True)
    assert font_style("TimesNewRomanPS-ItalicMT") == (False, True)
    assert font_style("Times New Roman,Bold") == (True, False)
    assert font_style("ABCDEF+TimesNewRomanPSMT") == (False, False)


# ---------------------------------------------------------------- files that are not readable PDFs

def test_not_a_pdf(tmp_path):
    path = tmp_path / "ke-hoach.pdf"
    path.write_text("Kế hoạch triển khai công tác dân vận", encoding="utf-8")
    with pytest.raises(InputError) as raised:
        read_pages(path)
    assert "không phải PDF" in str(raised.value) and str(path) in str(raised.value)


def test_truncated_pdf(seed_pdf, tmp_path):
    path = tmp_path / "tai-chua-xong.pdf"
    path.write_bytes(seed_pdf.read_bytes()[:4000])
    with pytest.raises(InputError) as raised:
        read_pages(path)
    assert "không đọc được tệp PDF" in str(raised.value)


def test_encrypted_pdf(tmp_path):
    path = tmp_path / "mat-khau.pdf"
    path.write_bytes(
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
        b"4 0 obj<</Filter/Standard/V 1/R 2/O(0123456789abcdef0123456789abcdef)"
        b"/U(0123456789abcdef0123456789abcdef)/P -4>>endobj\n"
        b"trailer<</Root 1 0 R/Encrypt 4 0 R/ID[<0102030405060708><0102030405060708>]/Size 5>>\n%%EOF\n")
    with pytest.raises(InputError) as raised:
        read_pages(path)
    assert "mật khẩu" in str(raised.value)


def test_scanned_page_has_no_words(tmp_path):
    image = Image.new("L", (1240, 1754), 255)
    ImageDraw.Draw(image).text((150, 200), "KE HOACH", fill=0)
    path = tmp_path / "ban-quet.pdf"
    image.save(path, "PDF", resolution=150)
    pages = read_pages(path)
    assert len(pages) == 1 and pages[0].scanned and pages[0].words == []
    assert round(pages[0].width) == 595  # points, like a text layer's


def test_too_many_pages_refused(tmp_path):
    path = tmp_path / "qua-dai.pdf"
    blank = Image.new("L", (8, 8), 255)
    blank.save(path, "PDF", save_all=True, append_images=[blank] * MAX_PAGES)
    with pytest.raises(InputError) as raised:
        read_pages(path)
    assert f"quá {MAX_PAGES} trang" in str(raised.value)
