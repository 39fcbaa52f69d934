"""The text layer of a received PDF (pdfplumber): its pages of positioned words, with their fonts, and its ruled
tables.

A PDF a unit receives was printed from Word or LibreOffice (it has a text layer) or scanned (it has only
images, for the OCR reader). Nothing here guesses layout: that is ``pages.blocks_from_pages``, shared with
the OCR reader. A file that is not a readable PDF, or is encrypted, is an ``InputError``, never a traceback.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from ..errors import InputError, Location
from .pages import Page, Table, Word

MAX_PAGES = 500  # a plan runs to a few dozen pages; more is not a plan, and would take minutes to read
MAX_BYTES = 200 * 1024 * 1024
MAX_CHARS_PER_PAGE = 30_000  # a dense A4 page holds ~4 000 characters
MAX_EDGES_FOR_TABLES = 3_000  # pdfplumber's table finder is quadratic in ruling lines
MIN_TEXT_CHARS = 20  # fewer letters than this on a page that shows something: a scan (or text drawn as images)

_SUBSET = re.compile(r"^[A-Z]{6}\+")
_BOLD = re.compile(r"bold|black|heavy|demi|semibold|[-,](bd|b)$|[-,]bd?(it|i)$", re.I)
_ITALIC = re.compile(r"italic|oblique|inclined|[-,](it|i)$|[-,]bd?(it|i)$", re.I)
_CID = re.compile(r"\(cid:\d+\)")

# pdfminer reports a damaged file with whatever its parser tripped on (besides its own PSException and
# pdfplumber's PdfminerException): these are what truncated, garbled or hand-made files raise
_BROKEN = (ValueError, KeyError, TypeError, IndexError, AttributeError, AssertionError, RecursionError, EOFError,
           OSError)


def font_style(fontname: str | None) -> tuple[bool, bool]:
    """(bold, italic) from a PDF font name: "ABCDEF+LiberationSerif-BoldItalic", "Times New Roman,Bold",
    "TimesNewRomanPS-ItalicMT"."""
    name = _SUBSET.sub("", fontname or "")
    name = re.sub(r"(MT|PS|PSMT)$", "", name)
    return bool(_BOLD.search(name)), bool(_ITALIC.search(name))


def _encrypted(error: BaseException) -> bool:
    seen: BaseException | None = error
    while seen is not None:
        if any(word in f"{type(seen).__name__} {seen}".lower() for word in ("password", "encrypt")):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _unreadable(path: Path, error: BaseException) -> InputError:
    if _encrypted(error):
        return InputError("tệp PDF có mật khẩu (mã hóa): hãy mở bằng mật khẩu rồi in ra PDF không mật khẩu, "
                          "hoặc xin bản .docx", Location(path))
    return InputError("không đọc được tệp PDF (tệp hỏng, chưa tải xong, hoặc không phải PDF): hãy tải lại "
                      "tệp hoặc xin bản .docx", Location(path))


def read_pages(path: Path) -> list[Page]:
    """The pages of a PDF: its words (with bold, italic, size), its ruled tables; a page without a text layer
    comes back ``scanned=True`` with no words, for the OCR reader."""
    path = Path(path)
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            magic = handle.read(1024)
    except OSError as error:
        raise InputError(f"không mở được tệp: {error.strerror or error}", Location(path)) from None
    if b"%PDF-" not in magic:
        raise InputError("tệp không phải PDF (không có dấu «%PDF-» ở đầu tệp): hãy lưu lại dưới dạng PDF, "
                         ".docx hoặc .txt", Location(path))
    if size > MAX_BYTES:
        raise InputError(f"tệp PDF quá lớn ({size // (1024 * 1024)} MB, tối đa {MAX_BYTES // (1024 * 1024)} MB)",
                         Location(path))
    # deferred: pdfplumber and pdfminer take ~0.3 s to import, paid only when a PDF is read
    import pdfplumber
    from pdfminer.psparser import PSException  # deferred with pdfplumber
    from pdfplumber.utils.exceptions import PdfminerException  # deferred with pdfplumber

    try:
        with pdfplumber.open(path) as pdf:
            count = len(pdf.pages)
            if count > MAX_PAGES:
                raise InputError(f"tệp PDF có {count} trang, quá {MAX_PAGES} trang: không phải một kế hoạch; "
                                 "hãy tách riêng phần kế hoạch", Location(path))
            if count == 0:
                raise InputError("tệp PDF không có trang nào", Location(path))
            pages = [_page(page, number, path) for number, page in enumerate(pdf.pages, 1)]
    except InputError:
        raise
    except (PdfminerException, PSException, *_BROKEN) as error:
        raise _unreadable(path, error) from None
    return pages


def _page(page, number: int, path: Path) -> Page:
    chars = page.chars
    result = Page(number=number, width=float(page.width), height=float(page.height))
    if len(chars) > MAX_CHARS_PER_PAGE:
        raise InputError(f"trang {number} có {len(chars)} ký tự, quá nhiều cho một trang văn bản", Location(path))
    letters = sum(1 for c in chars if c.get("text", "").strip() and not _CID.fullmatch(c.get("text", "")))
    if letters < MIN_TEXT_CHARS and _shows_something(page):
        result.scanned = True
        return result
    tables = _tables(page)
    result.tables = tables
    for raw in page.extract_words(extra_attrs=["fontname", "size"], use_text_flow=False, keep_blank_chars=False):
        text = unicodedata.normalize("NFC", _CID.sub("", raw["text"]))
        if not text.strip():
            continue
        middle_x, middle_y = (raw["x0"] + raw["x1"]) / 2, (raw["top"] + raw["bottom"]) / 2
        if any(t.x0 <= middle_x <= t.x1 and t.top <= middle_y <= t.bottom for t in tables):
            continue  # read as the table's cells
        bold, italic = font_style(raw.get("fontname"))
        result.words.append(Word(text, float(raw["x0"]), float(raw["x1"]), float(raw["top"]), float(raw["bottom"]),
                                 bold=bold, italic=italic, size=float(raw["size"]) if raw.get("size") else None))
    return result


def _shows_something(page) -> bool:
    """An image or drawings: a page to OCR, not a blank page."""
    return bool(page.images) or len(page.curves) + len(page.rects) + len(page.lines) > 20


def _tables(page) -> list[Table]:
    """Ruled tables (cells drawn with lines): pdfplumber's table finder, only where lines are drawn."""
    edges = len(page.lines) + len(page.rects)
    if edges == 0 or edges > MAX_EDGES_FOR_TABLES:
        return []
    found = []
    for table in page.find_tables({"vertical_strategy": "lines", "horizontal_strategy": "lines"}):
        rows = [[_cell(c) for c in row] for row in table.extract()]
        rows = [row for row in rows if any(row)]
        # a single ruled box (a frame, a boxed note) is not a data table
        if len(rows) < 2 or max(len(r) for r in rows) < 2:
            continue
        x0, top, x1, bottom = table.bbox
        found.append(Table(float(x0), float(top), float(x1), float(bottom), rows))
    return found


def _cell(value: str | None) -> str:
    if not value:
        return ""
    value = unicodedata.normalize("NFC", _CID.sub("", value)).replace("\u00a0", " ")
    return re.sub(r"\s+", " ", value).strip()
