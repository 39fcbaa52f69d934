"""Scans → pages of positioned words (Tesseract, Vietnamese model), repaired with the ND30 vocabulary.

A unit receives paper documents scanned: image-only PDF pages, .png/.jpg/.tif files. Each page is read by
Tesseract into the same ``pages.Page`` of ``Word`` s a PDF's text layer gives (coordinates in points,
Tesseract's confidence kept), so ``pages.blocks_from_pages`` lays both out alike. What OCR typically
breaks in an ND30 document is then repaired line by line against what the decree fixes: the Quốc hiệu and
Tiêu ngữ known by heart, the "Số:" line, the ký hiệu's codes, "Nơi nhận:", TM./KT., the date line, the
numbering of mục and Điều, and the diacritics of common administrative phrases (ocr-repairs.yaml). Words
read with low confidence are named page by page for the review list.

Measured on the seed plan's scan (7 A4 pages, Tesseract 5.3, tessdata "fast" vie, 2 cores):
- resolution: the model reads best near 200 dpi (words in order 98.9 % at 200 dpi, 98.6 % at 300 dpi
  rendered from the PDF; 98.8 % vs 98.4 % for a 300 dpi scan read as is or scaled down to 200), so PDF pages
  are rendered at 200 dpi and finer images are scaled down to it; coarser ones are read as they are;
- page segmentation: psm 3 (automatic) ≈ psm 4 ≈ psm 6 in words; psm 3 keeps the header's two columns in
  separate blocks, so it is used;
- OMP_THREAD_LIMIT=1: 3 s a page instead of 14 s (Tesseract's OpenMP threads fight over two cores);
- ``--user-words`` and turning the dictionaries off change nothing with the LSTM engine (same words);
- a degraded copy (turned 0.8°, blurred, noisy, JPEG at quality 60): 98.4 % at 200 dpi, 98.3 % at 300.
"""

from __future__ import annotations

import os
import re
import unicodedata
import warnings
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from itertools import islice
from pathlib import Path

from pydantic import BaseModel

from .. import resources
from ..errors import InputError, Location
from ..vocabulary import AUTHORITY_PREFIXES, QUOC_HIEU, ROMAN_NUMERALS, TIEU_NGU, document_types
from .pages import Page, Word

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")
LANGUAGE = "vie"
PDF_DPI = 200  # measured: see the module's docstring
READ_DPI = 200  # images scanned finer are scaled down to this before reading
ASSUMED_DPI = 300  # an image that does not say its resolution (or says a default): a usual office scan
MAX_PAGES = 200  # a plan runs to a few dozen pages; more would take many minutes to read
MAX_PIXELS = 40_000_000  # an A4 page at 600 dpi is 35 Mpx; more is not a scan of a document page
MAX_PAGE_INCHES = 50  # a PDF page wider or taller than this is not a page of a document
SCANNER_INCHES = 20  # the longest side a scanner takes (A3 is 16.5 in): an image's dpi that makes it larger is wrong
PAGE_TIMEOUT = 180  # seconds for one page; Tesseract takes 2–10 s
LOW_CONFIDENCE = 60  # Tesseract's confidence (0–100) below which a word is named for review
REVIEW_WORDS = 12  # words named per page in the review list
CONFIG = "--psm 3 --oem 1"
INSTALL_HINT = "cài Tesseract và mô hình tiếng Việt: apt-get install tesseract-ocr tesseract-ocr-vie"


# ---------------------------------------------------------------- Tesseract

@lru_cache(maxsize=1)
def _tesseract():
    """pytesseract, once Tesseract and its Vietnamese model are known to be installed."""
    # deferred: only a scan needs Tesseract; importing pytesseract is cheap but checking the binary is not
    import pytesseract

    # Tesseract's OpenMP threads fight each other on a small machine (measured: 14 s a page with two
    # threads, 3 s with one); pages are read side by side instead. A limit the user set is kept.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    try:
        languages = pytesseract.get_languages(config="")
    except (pytesseract.TesseractNotFoundError, pytesseract.TesseractError, OSError):
        raise InputError("chưa cài Tesseract (chương trình nhận dạng chữ) nên không đọc được bản quét",
                         hint=INSTALL_HINT) from None
    if LANGUAGE not in languages:
        raise InputError("Tesseract chưa có mô hình tiếng Việt (vie) nên không đọc được bản quét",
                         hint=INSTALL_HINT)
    return pytesseract


def _located(error: InputError, path: Path) -> InputError:
    return InputError(error.message, Location(path), error.hint)


def _read(image, number: int, dpi: float, path: Path) -> Page:
    """One page image (Pillow, grey) at ``dpi`` → a Page of words in points."""
    pytesseract = _tesseract()
    try:
        data = pytesseract.image_to_data(image, lang=LANGUAGE, config=CONFIG, timeout=PAGE_TIMEOUT,
                                         output_type=pytesseract.Output.DICT)
    except RuntimeError as error:  # pytesseract's timeout
        if "timeout" not in str(error).lower():
            raise
        raise InputError(f"trang {number}: Tesseract đọc quá {PAGE_TIMEOUT} giây, đã dừng", Location(path)) from None
    except pytesseract.TesseractError as error:
        raise InputError(f"trang {number}: Tesseract không đọc được ảnh ({error.message.strip()[:200]})",
                         Location(path)) from None
    scale = 72 / dpi
    lines: dict[tuple[int, int, int], list[Word]] = {}
    for index, text in enumerate(data["text"]):
        text = unicodedata.normalize("NFC", (text or "").strip())
        if not text:
            continue
        left, top, width, height = (data[k][index] for k in ("left", "top", "width", "height"))
        key = (data["block_num"][index], data["par_num"][index], data["line_num"][index])
        lines.setdefault(key, []).append(Word(text, left * scale, (left + width) * scale, top * scale,
                                              (top + height) * scale, confidence=max(0.0, float(data["conf"][index]))))
    words = [w for line in lines.values() for w in repair_line(line)]
    return Page(number, image.width * scale, image.height * scale, words, scanned=True)


def _read_all(jobs: Iterator[tuple], path: Path) -> list[Page]:
    """Pages read side by side, one Tesseract process a core (each limited to one thread); only as many page
    images are made at a time as are read at a time."""
    workers = os.cpu_count() or 1
    pages: list[Page] = []
    with ThreadPoolExecutor(workers) as pool:
        while batch := list(islice(jobs, workers)):
            pages += pool.map(lambda job: _read(*job, path), batch)
    return pages


# ---------------------------------------------------------------- PDF pages and image files

def ocr_pdf_pages(path: Path, numbers: list[int]) -> list[Page]:
    """Those pages (1-based) of a PDF, rendered in grey at PDF_DPI and read by OCR."""
    path = Path(path)
    try:
        _tesseract()
    except InputError as error:
        raise _located(error, path) from None
    if len(numbers) > MAX_PAGES:
        raise InputError(f"bản quét có {len(numbers)} trang, vanban đọc tối đa {MAX_PAGES} trang",
                         Location(path))
    # deferred: pypdfium2 is needed only for a scanned PDF
    import pypdfium2

    try:
        document = pypdfium2.PdfDocument(str(path))
    except (pypdfium2.PdfiumError, OSError, ValueError):
        raise InputError("không mở được tệp PDF để đọc bản quét (tệp hỏng hoặc có mật khẩu)", Location(path)) from None
    def rendered() -> Iterator[tuple]:
        # pdfium is not thread-safe: pages are rendered here, in turn, and only read side by side
        for number in numbers:
            if not 1 <= number <= len(document):
                raise InputError(f"tệp PDF không có trang {number}", Location(path))
            page = document[number - 1]
            width, height = page.get_size()
            if max(width, height) > MAX_PAGE_INCHES * 72:
                raise InputError(f"trang {number} của tệp PDF quá lớn ({width / 72:.0f} × {height / 72:.0f} inch) "
                                 "để là một trang văn bản", Location(path))
            try:
                image = page.render(scale=PDF_DPI / 72, grayscale=True).to_pil().convert("L")
            except pypdfium2.PdfiumError:
                raise InputError(f"không vẽ được trang {number} của tệp PDF (tệp hỏng)", Location(path)) from None
            yield image, number, PDF_DPI

    try:
        return _read_all(rendered(), path)
    finally:
        document.close()


def _dpi(image) -> float:
    """The image's resolution, when it says one a scanner would write; ASSUMED_DPI otherwise."""
    stated = image.info.get("dpi")
    try:
        dpi = float(stated[0]) if stated else 0.0
    except (TypeError, ValueError, IndexError):
        dpi = 0.0
    # 72 or 96 dpi with an A4 page's pixels makes a page a metre tall: a program's default, not the scan's
    if dpi < 50 or max(image.width, image.height) / dpi > SCANNER_INCHES:
        return ASSUMED_DPI
    return dpi


def _page_image(image, pillow, number: int) -> tuple:
    """A frame ready to read, grey, near READ_DPI, and the resolution it is at (``pillow``: PIL.Image)."""
    dpi = _dpi(image)
    grey = image.convert("L")
    if dpi > READ_DPI * 1.2:
        factor = READ_DPI / dpi
        grey = grey.resize((max(1, round(grey.width * factor)), max(1, round(grey.height * factor))),
                           pillow.Resampling.LANCZOS)
        dpi = dpi * grey.width / image.width
    return grey, number, dpi


def ocr_image(path: Path, first_page: int = 1) -> list[Page]:
    """An image file (.png, .jpg, .jpeg, .tif, .tiff; every frame of a multi-page TIFF) read by OCR; its
    pages are numbered from ``first_page`` (the images of one document, one page a file)."""
    path = Path(path)
    if path.suffix.lower() not in IMAGE_SUFFIXES:
        raise InputError(f"chỉ đọc được ảnh {', '.join(IMAGE_SUFFIXES)}", Location(path))
    try:
        _tesseract()
    except InputError as error:
        raise _located(error, path) from None
    return _read_all(_frames(path, first_page), path)


def _frames(path: Path, first_page: int) -> Iterator[tuple]:
    """The frames of an image file, checked and prepared one by one; only a broken or hostile file (not
    Tesseract) is reported as such."""
    # deferred: Pillow is needed only for a scan
    from PIL import Image, UnidentifiedImageError

    broken = InputError("không đọc được tệp ảnh (tệp hỏng, chưa tải xong, hoặc không phải ảnh): hãy quét "
                        "hoặc tải lại", Location(path))
    bomb = InputError("ảnh quá lớn (có thể là ảnh độc hại «bom giải nén»): hãy quét ở 300 dpi", Location(path))
    failures = (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError)
    with warnings.catch_warnings():
        # Pillow only warns between its limit and twice it; an image over our own limit is refused below
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(path)
            frames = getattr(image, "n_frames", 1)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise bomb from None
        except failures:
            raise broken from None
    with image:
        if frames > MAX_PAGES:
            raise InputError(f"tệp ảnh có {frames} trang, vanban đọc tối đa {MAX_PAGES} trang", Location(path))
        for frame in range(frames):
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                try:
                    image.seek(frame)
                    if image.width * image.height > MAX_PIXELS:
                        raise InputError(f"ảnh quá lớn ({image.width} × {image.height} điểm ảnh, tối đa "
                                         f"{MAX_PIXELS // 1_000_000} triệu điểm ảnh một trang): hãy quét ở 300 dpi",
                                         Location(path))
                    image.load()
                    prepared = _page_image(image, Image, first_page + frame)
                except (Image.DecompressionBombError, Image.DecompressionBombWarning):
                    raise bomb from None
                except failures:
                    raise broken from None
            yield prepared


# ---------------------------------------------------------------- the review list

def low_confidence(pages: list[Page], threshold: float = LOW_CONFIDENCE, limit: int = REVIEW_WORDS) -> list[str]:
    """Review-list lines naming, page by page, the words OCR read with low confidence:
    «trang 2: đọc chưa chắc "dần", "sử"»; at most ``limit`` words a page, then how many more."""
    out = []
    for page in pages:
        seen: list[str] = []
        for word in page.words:
            if word.confidence is not None and word.confidence < threshold and word.text not in seen:
                seen.append(word.text)
        if seen:
            named = ", ".join(f'"{w[:30]}"' for w in seen[:limit])
            more = f" và {len(seen) - limit} chữ khác" if len(seen) > limit else ""
            out.append(f"trang {page.number}: đọc chưa chắc {named}{more}; hãy so với bản quét")
    return out


# ---------------------------------------------------------------- repairs

class _Codes(BaseModel):
    party_types: list[str]
    issuers: list[str]


class _Repairs(BaseModel):
    phrases: list[str]
    caps_phrases: list[str]
    codes: _Codes
    look_alikes: dict[str, list[str]]


@dataclass(frozen=True)
class _Vocabulary:
    phrases: dict[tuple[str, ...], tuple[str, ...]]  # skeletons of the words → the words
    lengths: tuple[int, ...]  # phrase lengths, longest first
    caps: dict[tuple[str, ...], tuple[str, ...]]
    caps_lengths: tuple[int, ...]
    codes: frozenset[str]
    look_alikes: dict[str, list[str]]


def skeleton(word: str) -> str:
    """A word as OCR cannot get it wrong: lower case, without tones, circumflex or breve, đ as d, and ơ and ư
    as one letter ("sở" and "sử" → "sw", "dân" and "dần" → "dan")."""
    out = []
    for char in unicodedata.normalize("NFC", word.lower()):
        parts = unicodedata.normalize("NFD", char)
        base = parts[0]
        if base in "ou" and "\u031b" in parts:
            out.append("w")
        elif base in "đð":
            out.append("d")
        else:
            out.append(base)
    return "".join(out)


def _table(phrases: list[str]) -> tuple[dict, tuple[int, ...]]:
    table: dict[tuple[str, ...], tuple[str, ...]] = {}
    clashes = set()
    for phrase in phrases:
        words = tuple(_core(w)[1] for w in phrase.split())
        key = tuple(skeleton(w) for w in words)
        if key in table and table[key] != words:
            clashes.add(key)  # two phrases that read alike: neither can be told from the other
        table[key] = words
    for key in clashes:
        del table[key]
    return table, tuple(sorted({len(k) for k in table}, reverse=True))


@lru_cache(maxsize=1)
def _vocabulary() -> _Vocabulary:
    data = resources.data_model(_Repairs, "ocr-repairs.yaml")
    phrases, lengths = _table(data.phrases)
    caps, caps_lengths = _table(data.caps_phrases + [name.upper() for name in document_types().values()])
    codes = frozenset(document_types()) | set(data.codes.party_types) | set(data.codes.issuers)
    return _Vocabulary(phrases, lengths, caps, caps_lengths, codes, data.look_alikes)


_CORE = re.compile(r"^(\W*)(.*?)(\W*)$", re.S)


def _core(text: str) -> tuple[str, str, str]:
    """Punctuation before, the word, punctuation after: "“sở”." → ("“", "sở", "”.")."""
    match = _CORE.match(text)
    return match.group(1), match.group(2), match.group(3)


def _cased(like: str, word: str) -> str:
    """``word`` written in the case of ``like`` (all capitals, a capital first, or as it is)."""
    letters = [c for c in like if c.isalpha()]
    if letters and all(c.isupper() for c in letters) and len(letters) > 1:
        return word.upper()
    if like[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def _with_text(word: Word, text: str) -> Word:
    return Word(text, word.x0, word.x1, word.top, word.bottom, word.bold, word.italic, word.size, word.confidence)


def _spread(words: list[Word], texts: list[str]) -> list[Word]:
    """The words of a line (or part of one) replaced by ``texts``, over the same width, by their letters."""
    x0, x1 = words[0].x0, words[-1].x1
    top, bottom = min(w.top for w in words), max(w.bottom for w in words)
    confidence = min((w.confidence for w in words if w.confidence is not None), default=None)
    total = sum(len(t) + 1 for t in texts) - 1
    out, at = [], 0
    for text in texts:
        start = x0 + (x1 - x0) * at / total
        at += len(text)
        out.append(Word(text, start, x0 + (x1 - x0) * at / total, top, bottom, words[0].bold, words[0].italic,
                        words[0].size, confidence))
        at += 1
    return out


def _letters(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFC", text.lower()) if c.isalnum())


def _fixed_line(words: list[Word]) -> list[Word]:
    """A run of words that is the Quốc hiệu or the Tiêu ngữ misread (a wrong diacritic, a lost letter, a
    dash read as something else) → its exact words. Of the runs that fit, the closest and shortest: a
    header's left column read on the same line ("… NHÂN DÂN CỘNG HÒA …") keeps its own words."""
    for fixed in (QUOC_HIEU, TIEU_NGU):
        bare = skeleton(_letters(fixed))
        size = len(fixed.split())
        known = {skeleton(_letters(w)) for w in fixed.split()}
        if sum(skeleton(_letters(w.text)) in known for w in words) < 2:
            continue  # not one of its words read right: not this line (and no need to compare runs)
        best = None
        for length in range(max(2, size - 3), size + 3):
            for start in range(0, len(words) - length + 1):
                text = skeleton(_letters("".join(w.text for w in words[start:start + length])))
                if abs(len(text) - len(bare)) > 4:
                    continue
                # 27 letters, at most two or three of them wrong once the diacritics are set aside
                ratio = SequenceMatcher(None, text, bare).ratio()
                if ratio >= 0.9 and (best is None or ratio > best[0]):
                    best = (ratio, start, length)
        if best is not None:
            _, start, length = best
            return (_fixed_line(words[:start]) + _spread(words[start:start + length], fixed.split())
                    + _fixed_line(words[start + length:]))
    return words


def _phrases(words: list[Word], table: dict, lengths: tuple[int, ...], *, caps: bool) -> list[Word]:
    """Runs of words that read like a known phrase but for their diacritics → the phrase's diacritics."""
    out = list(words)
    index = 0
    while index < len(out):
        for length in lengths:
            run = out[index:index + length]
            if len(run) < length:
                continue
            cores = [_core(w.text) for w in run]
            if any(not c[1] or any(ch.isdigit() for ch in c[1]) for c in cores):
                continue
            # only the outer words of the run may carry punctuation: "cơ sở”." but not "dân, vận"
            if any(c[2] for c in cores[:-1]) or any(c[0] for c in cores[1:]):
                continue
            if caps and not all(c[1].isupper() for c in cores):
                continue
            wanted = table.get(tuple(skeleton(c[1]) for c in cores))
            if wanted is None:
                continue
            for offset, (before, core, after) in enumerate(cores):
                fixed = wanted[offset] if caps else _cased(core, wanted[offset])
                if fixed != core:
                    out[index + offset] = _with_text(run[offset], before + fixed + after)
            index += length - 1
            break
        index += 1
    return out


_KY_HIEU = re.compile(r"^(?P<lead>\W*)(?P<number>[\dOolI]*)(?P<sep>[-/])(?P<rest>[\w/&-]+?)(?P<trail>[.,;:)”\"]*)$")
_PARTY_TYPE = re.compile(r"^(?P<type>[A-ZĐ]+[a-zđ]+)(?P<issuer>[A-ZĐ]{2,})$")  # "CTrBDVTU": a lost "/"


def _code(part: str, vocabulary: _Vocabulary) -> str:
    """One part of a ký hiệu read with a look-alike letter ("CIr", "ITW", "UBNĐ" stays) → the one known code
    it can be, else as read."""
    if part in vocabulary.codes or not part:
        return part
    candidates = set()
    for index, char in enumerate(part):
        for meant in vocabulary.look_alikes.get(char, []):
            candidates.add(part[:index] + meant + part[index + 1:])
        if char in vocabulary.look_alikes:  # a stray stroke read as a letter: "/ITW" for "/TW"
            candidates.add(part[:index] + part[index + 1:])
    known = candidates & vocabulary.codes
    return known.pop() if len(known) == 1 else part


def repair_ky_hieu(text: str) -> str:
    """A cited number and sign as OCR breaks it → as printed: "348-CTrBDVTU-UBND" → "348-CTr/BDVTU-UBND",
    "348-CIr/BDVTU-UBND" → "348-CTr/BDVTU-UBND", "120-KL/ITW" → "120-KL/TW", "3O-KH/TU" → "30-KH/TU"."""
    match = _KY_HIEU.match(text)
    if not match or not any(c.isupper() for c in match.group("rest")):
        return text
    vocabulary = _vocabulary()
    number = match.group("number").translate(str.maketrans("OolI", "0011"))
    rest = match.group("rest")
    head = rest.split("-")[0]
    lost = _PARTY_TYPE.match(head) if "/" not in rest else None
    if lost and _code(lost.group("type"), vocabulary) in vocabulary.codes:
        # a mixed-case type code ends where the issuer's capitals begin: the "/" between them was lost
        rest = f"{lost.group('type')}/{lost.group('issuer')}" + rest[len(head):]
    parts = re.split(r"([/-])", rest)
    rest = "".join(p if p in "/-" else _code(p, vocabulary) for p in parts)
    return f"{match.group('lead')}{number}{match.group('sep')}{rest}{match.group('trail')}"


_SO = re.compile(r"^[S5$][ốôoóòỗộổ6é0ỏõơớờởợ]?\s*[:;.,]?$")
_SO_NEXT = re.compile(r"^(/|\d+/)")  # what follows "Số:": "/KH-UBND" (a draft) or "07/KH-UBND"
_DIGITS_LOOK_ALIKE = str.maketrans("lI|LOo", "111100")
_ROMAN_LOOK_ALIKE = {"H": "II", "l": "I", "|": "I", "1": "I", "L": "I", "I": "I", "!": "I"}
_ROMAN_TOKEN = re.compile(r"^(?P<label>[IlH|L1!]{1,4}|[IlH|L1!]{0,3}V|V[IlH|L1!]{0,3}|[IlH|L1!]?X)(?P<stop>[.,])$")
_DASHES = {"—", "—-", "-—", "–-", "-–", "--", "——", "―"}
_GLUED_COMMA = re.compile(r"^(?P<before>[^\W\d_]{2,}),(?P<after>[^\W\d_]{2,}\W*)$")
_AUTHORITY = re.compile(rf"^(?P<prefix>{'|'.join(AUTHORITY_PREFIXES)})[,:;]?$")


def _roman(token: str) -> str | None:
    match = _ROMAN_TOKEN.match(token)
    if not match:
        return None
    label = "".join(_ROMAN_LOOK_ALIKE.get(c, c) for c in match.group("label"))
    return f"{label}." if label in ROMAN_NUMERALS else None


def _is_caps(words: list[Word]) -> bool:
    letters = [c for w in words for c in w.text if c.isalpha()]
    return len(letters) >= 3 and all(c.isupper() for c in letters)


_DATE_WORDS = (("ngay", "ngày"), ("thang", "tháng"), ("nam", "năm"))
_DAY_OR_BLANK = re.compile(r"^[\d.…_]*$")


def _date_words(words: list[Word]) -> None:
    """"ngay 05 thang 3 nam 2021", "ngày … tháng … năm 2021": the date line's fixed words, in place. Only in
    that order, with nothing but numbers or dots between them and a year after, so that "ngay" (at once)
    and "thẳng" in a sentence stay as read."""
    cores = [skeleton(_core(w.text)[1]) for w in words]
    for start, core in enumerate(cores):
        if core != "ngay":
            continue
        places, at = [start], start
        for wanted, _ in _DATE_WORDS[1:]:
            following = next((i for i in range(at + 1, min(at + 4, len(cores))) if cores[i] == wanted), None)
            if following is None or not all(_DAY_OR_BLANK.match(words[i].text) for i in range(at + 1, following)):
                break
            places.append(following)
            at = following
        if len(places) < 3 or at + 1 >= len(words) or not re.fullmatch(r"\d{4}\W*", words[at + 1].text):
            continue
        for place, (_, fixed) in zip(places, _DATE_WORDS):
            before, _, after = _core(words[place].text)
            words[place] = _with_text(words[place], before + fixed + after)


def _structure(words: list[Word]) -> list[Word]:
    """The fixed words of an ND30 line read wrong: the Số line, a mục's Roman numeral, Điều 1, TM./KT., the
    date line, dashes, glued or stray punctuation."""
    out: list[Word] = []
    for word in words:
        text = word.text.replace("ĐÐ", "Đ").replace("Ð", "Đ").replace("ð", "đ")  # Latin eth for Vietnamese Đ
        glued = _GLUED_COMMA.match(text)
        if glued:  # "Lai,ngày": a comma always takes a space after it between words
            out += _spread([word], [glued.group("before") + ",", glued.group("after")])
            continue
        if text in _DASHES:
            text = "–"
        elif "-" in text or "/" in text:
            text = repair_ky_hieu(text)
        out.append(_with_text(word, text))
    if not out:
        return out
    first = out[0].text
    rest = out[1:]
    # "Sô:", "S6:", "So": the Số line, when the number and sign follow
    if _SO.match(first) and rest and (_SO_NEXT.match(rest[0].text) or (
            rest[0].text.isdigit() and len(rest) > 1 and rest[1].text.startswith("/"))):
        out[0] = _with_text(out[0], "Số:")
    # "Noi nhan:", "Nơi nhân": the label of the recipients, alone on its line
    if len(out) == 2 and [skeleton(_core(w.text)[1]).replace("w", "o") for w in out] == ["noi", "nhan"]:
        out[0], out[1] = _with_text(out[0], "Nơi"), _with_text(out[1], "nhận:")
    # a mục: "H. NỘI DUNG", "l. MỤC ĐÍCH", "HI, TỔ CHỨC" — a Roman numeral before a title in capitals
    roman = _roman(first) if rest and _is_caps(rest) and not first[:-1].isdigit() else None
    if roman and roman != first:
        out[0] = _with_text(out[0], roman)
    elif first in ("l.", "|.") and rest:  # never a word: a khoản "1." in a sentence-case line
        out[0] = _with_text(out[0], "1.")
    # TM./KT./Q./TL./TUQ. before an authority in capitals: the full stop lost or read as a comma
    authority = _AUTHORITY.match(first)
    if authority and rest and _is_caps(rest):
        out[0] = _with_text(out[0], authority.group("prefix") + ".")
    for index, word in enumerate(out[:-1]):
        after = out[index + 1]
        # "Điều L", "Điều l.", "Điều 1O": the article's number in look-alike letters
        if skeleton(_core(word.text)[1]) == "dieu" and re.fullmatch(r"[\dlI|LOo]{1,3}[.:]?", after.text):
            out[index] = _with_text(word, _cased(word.text, "điều"))
            out[index + 1] = _with_text(after, after.text.translate(_DIGITS_LOOK_ALIKE))
    _date_words(out)
    # an opening quote read apart from its word, a closing one apart from its word: one word each
    joined: list[Word] = []
    for word in out:
        if joined and joined[-1].text in ("“", '"') and word.text[:1].isalnum():
            last = joined.pop()
            word = Word(last.text + word.text, last.x0, word.x1, min(last.top, word.top),
                        max(last.bottom, word.bottom), word.bold, word.italic, word.size, word.confidence)
        elif joined and word.text in ("”", "”.", "”,", "”;") and joined[-1].text[-1:].isalnum():
            last = joined.pop()
            word = Word(last.text + word.text, last.x0, word.x1, min(last.top, word.top),
                        max(last.bottom, word.bottom), last.bold, last.italic, last.size, last.confidence)
        joined.append(word)
    return joined


def repair_line(words: list[Word]) -> list[Word]:
    """One line of OCR'd words (Tesseract's own line) repaired with the ND30 vocabulary."""
    if not words:
        return words
    vocabulary = _vocabulary()
    words = _fixed_line(_structure(words))
    words = _phrases(words, vocabulary.caps, vocabulary.caps_lengths, caps=True)
    return _phrases(words, vocabulary.phrases, vocabulary.lengths, caps=False)


def repair_text(line: str) -> str:
    """``repair_line`` on a line of text (words split at spaces), for tests and text pasted from a scan."""
    words = [Word(t, 10.0 * i, 10.0 * i + 8, 0.0, 10.0) for i, t in enumerate(line.split())]
    return " ".join(w.text for w in repair_line(words))
