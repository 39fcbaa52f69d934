"""Reading a received text: UTF-8 or legacy Vietnamese encodings (used by the model and the importer).

Documents typed before Unicode used the TCVN3 (ABC) fonts (.VnTime) or VNI fonts: their bytes, read as
Latin-1, show as "KÕ ho¹ch" (TCVN3) or "Keá hoaïch" (VNI). TCVN3 is a one-byte code, converted here from its
table (``data/tcvn3.yaml``); VNI spreads one letter over two bytes and is refused with a clear message.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path


from . import resources
from .errors import InputError, Location

# Non-letters that TCVN3 uses for Vietnamese letters (µ = à, ¹ = ạ, ® = đ …), and Latin-1 letters that
# Vietnamese Unicode never uses but TCVN3 and VNI text are full of (Ö, ï, ñ, ø …).
TCVN3_SYMBOLS = set("¡¢£¤¥¦§¨©ª¬®µ¶·¸¹»¼½¾")
TCVN3_STRONG = set("¡¢£¤¥¦¨ª¬µ¶¸¹»¼½¾")  # one is enough: genuine Vietnamese text has no use for them
LEGACY_LETTERS = set("ÆÇËÎÏÐÑÖ×ØÛÜÞßäåæçëîïñöøûüþ")
# Any of them: a text without one cannot be legacy-font text (the quick test before counting; model
# validation runs it on every text of a plan)
_LEGACY_ANY = re.compile("[" + re.escape("".join(sorted(TCVN3_SYMBOLS | LEGACY_LETTERS))) + "]")
# Letters of Vietnamese Unicode text outside Latin-1: a legacy-font text (read as Latin-1) never has them.
VIETNAMESE_ONLY = re.compile(r"[ăđơưĂĐƠƯ\u1ea0-\u1ef9]")


@lru_cache(maxsize=1)
def tcvn3_table() -> dict[str, str]:
    return {k: v for k, v in resources.data_yaml("tcvn3.yaml")["table"].items()}


def legacy_encoding(text: str) -> str | None:
    """"tcvn3" or "vni" when ``text`` reads like a legacy-font document, else None."""
    words = len(text.split()) or 1
    if len(VIETNAMESE_ONLY.findall(text)) > words / 20:
        return None
    if sum(ch in TCVN3_STRONG for ch in text):
        return "tcvn3"
    symbols = sum(ch in TCVN3_SYMBOLS for ch in text)
    letters = sum(ch in LEGACY_LETTERS for ch in text)
    if symbols + letters < 2 or (symbols + letters) / words < 0.1:
        return None
    return "tcvn3" if symbols else "vni"


def legacy_fragment(text: str) -> tuple[str, str] | None:
    """("tcvn3" | "vni", the fragment) when ``text``, or a run of three or more words pasted into it,
    reads like a legacy-font text: a VNI phrase copied into a Unicode sentence is caught too."""
    if not _LEGACY_ANY.search(text):
        return None
    found = legacy_encoding(text)
    if found:
        return found, text
    run: list[str] = []
    for word in [*text.split(), "ă"]:  # a sentinel Vietnamese-only word ends the last run
        if VIETNAMESE_ONLY.search(word):
            if len(run) >= 3 and (found := legacy_encoding(" ".join(run))):
                return found, " ".join(run)
            run = []
        else:
            run.append(word)
    return None


def looks_tcvn3(text: str) -> bool:
    return legacy_encoding(text) == "tcvn3"


def looks_vni(text: str) -> bool:
    return legacy_encoding(text) == "vni"


def from_tcvn3(text: str) -> str:
    """TCVN3 (ABC) → Unicode. A line typed in the capital font (.VnTimeH) — its plain letters all
    capitals — keeps its capitals: that font draws the lower-case codes as capitals."""
    table = tcvn3_table()

    def line(raw: str) -> str:
        converted = "".join(table.get(ch, ch) for ch in raw)
        plain = [c for c in raw if c.isascii() and c.isalpha()]
        if len(plain) >= 2 and sum(c.isupper() for c in plain) >= 0.9 * len(plain) and converted != raw:
            return converted.upper()
        return converted

    return unicodedata.normalize("NFC", "\n".join(line(l) for l in text.split("\n")))


def repair_encoding(text: str, where: Location) -> tuple[str, list[str]]:
    """Unicode text (NFC) from text that may be TCVN3 or VNI; returns the text and notes for the user."""
    notes = []
    if looks_tcvn3(text):
        text = from_tcvn3(text)
        notes.append("văn bản dùng bảng mã TCVN3 (ABC, phông .VnTime) đã được chuyển sang Unicode; hãy soát lại")
    elif looks_vni(text):
        raise InputError("văn bản dùng bảng mã VNI (phông VNI-Times), vanban chưa chuyển được", where,
                         hint="chuyển sang Unicode dựng sẵn bằng Unikey (Công cụ › Chuyển mã: VNI Windows → Unicode) "
                              "rồi nhập lại")
    return unicodedata.normalize("NFC", text), notes


def read_text_file(path: Path) -> tuple[str, list[str]]:
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError("không tìm thấy tệp", Location(path)) from None
    except OSError as exc:
        raise InputError(f"không đọc được tệp ({exc.strerror})", Location(path)) from None
    for encoding in ("utf-8-sig", "utf-16"):
        try:
            text = raw.decode(encoding)
            if encoding == "utf-16" and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
                continue
            break
        except UnicodeDecodeError:
            continue
    else:
        text = raw.decode("latin-1")  # one byte, one character: what a legacy-font document holds
    return repair_encoding(text, Location(path))
