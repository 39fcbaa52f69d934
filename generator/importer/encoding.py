"""Reading a received text: UTF-8 or legacy Vietnamese encodings.

Documents typed before Unicode used the TCVN3 (ABC) fonts (.VnTime) or VNI fonts: their bytes, read as
Latin-1, show as "KÕ ho¹ch" (TCVN3) or "Keá hoaïch" (VNI). TCVN3 is a one-byte code, converted here from its
table (``data/tcvn3.yaml``); VNI spreads one letter over two bytes and is refused with a clear message.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml

from ..errors import InputError, Location

# Latin-1 letters that Vietnamese Unicode text never uses but TCVN3 mojibake is full of.
TCVN3_MARKERS = set("¡¢£¤¥¦§¨©ª«¬®µ¶·¸¹»¼½¾ÆÇËÎÏÐÑÖ×ØÜÞßäåæçëîïñöøûüþ")
# Letters of Vietnamese Unicode text outside Latin-1: a legacy-font text (read as Latin-1) never has them.
VIETNAMESE_ONLY = re.compile(r"[ăđơưĂĐƠƯ\u1ea0-\u1ef9]")
VNI_SEQUENCE = re.compile(r"[aeiouyAEIOUYöÖôÔ][øùûõïâêáàåãäéèúüëòóØÙÛÕÏÂÊÁÀÅÃÄÉÈÚÜËÒÓ]|ñ(?=[a-z])|Ñ(?=[A-Z])")


@lru_cache(maxsize=1)
def tcvn3_table() -> dict[str, str]:
    text = resources.files("generator.data").joinpath("tcvn3.yaml").read_text("utf-8")
    return {k: v for k, v in yaml.safe_load(text)["table"].items()}


def _scores(text: str) -> tuple[float, float]:
    """(TCVN3 markers, VNI letter pairs) per word; real Vietnamese Unicode scores near zero on both."""
    words = len(text.split()) or 1
    if len(VIETNAMESE_ONLY.findall(text)) > words / 20:
        return 0.0, 0.0
    return sum(ch in TCVN3_MARKERS for ch in text) / words, len(VNI_SEQUENCE.findall(text)) / words


def looks_tcvn3(text: str) -> bool:
    tcvn3, vni = _scores(text)
    return tcvn3 > 0.1 and tcvn3 > vni


def looks_vni(text: str) -> bool:
    tcvn3, vni = _scores(text)
    return vni > 0.15 and vni >= tcvn3


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
