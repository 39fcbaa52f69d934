"""The signature block (ô 7a–7b): authority and title lines derived from the signer's role.

ND30 Điều 13 and Phụ lục I, mục II.7: a collective body (UBND) signs "TM. <body>"; a deputy signs
"KT. <head's title>" above his own title; an acting head "Q. <title>"; the head of a unit signing by
order "TL. <head's title>"; a delegate "TUQ. <head's title>". Which titles apply comes from the unit
and its kind profile, so no secretary ever types "KT." by hand; a unit that names its own head but no deputy
gets the deputy of that head from ``data/authority.yaml`` (Điều 13).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from . import resources
from .errors import InputError, Location
from .loading import UnitsRegistry
from .model import Signer, Unit
from .ooxml import RawXml
from .ooxml.parts import floating_picture_run, inline_picture_run, reserved_paragraph
from .vietnamese import upper
from .vocabulary import KY_THAY, QUYEN, THAY_MAT, THUA_LENH, THUA_UY_QUYEN, authority, authority_line


@dataclass(frozen=True)
class SignatureBlock:
    authority_lines: list[str]  # all bold capitals: "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"
    name: str  # blank when the signer is not known yet


def authority_lines(signer: Signer, *, collective: str | None, head_title: str, deputy_title: str) -> list[str]:
    head, deputy = upper(head_title), upper(deputy_title)
    own = upper(signer.title) if signer.title else None
    lines = [authority_line(THAY_MAT, upper(collective))] if collective else []
    match signer.role:
        case "head":
            lines.append(own or head)
        case "deputy":
            lines += [authority_line(KY_THAY, head), own or deputy]
        case "acting":
            lines.append(authority_line(QUYEN, head))
        case "by-order":
            # Thừa lệnh is signed for the head, not for the collective (Điều 13.4).
            lines = [authority_line(THUA_LENH, head), own]
        case "by-delegation":
            lines = [authority_line(THUA_UY_QUYEN, head), own]
    return lines


def signature_block(signer: Signer, unit: Unit, registry: UnitsRegistry) -> SignatureBlock:
    kind = registry.kind_of(unit)
    head = registry.head_title(unit)
    # a unit with its own head title and no deputy title of its own: its deputy from data/authority.yaml
    # (VIỆN TRƯỞNG → PHÓ VIỆN TRƯỞNG), not the kind's deputy of another head
    deputy = unit.deputy_title or authority().deputy_for(upper(head), upper(registry.deputy_title(unit)))
    lines = authority_lines(signer, collective=kind.collective, head_title=head, deputy_title=deputy)
    return SignatureBlock(lines, signer.name or "")


# ---------------------------------------------------------------- electronic documents: ô 7c and ô 8

_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SIGNATURE_PART, SIGNATURE_RID = "word/media/vanban-chu-ky.png", "rIdVbChuKy"
SEAL_PART, SEAL_RID = "word/media/vanban-dau.png", "rIdVbDau"


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AreaData(_Data):
    ref: str
    height_mm: float
    signature_width_mm: float
    bookmark: str


class SealRule(_Data):
    ref: str
    cover_fraction: float


class AppendixBlock(_Data):
    ref: str
    size_pt: float
    width_mm: float
    number_line: str
    time_line: str


class ElectronicProperty(_Data):
    name: str
    main: str
    appendix: str


class Electronic(_Data):
    """``data/electronic-nd30.yaml``: how vanban lays out an electronic draft (rules as data, with references)."""

    ref: str
    number_and_date: dict
    signature_area: AreaData
    seal: SealRule
    appendix_block: AppendixBlock
    property: ElectronicProperty


@lru_cache(maxsize=1)
def electronic() -> Electronic:
    return Electronic.model_validate(resources.data_yaml("electronic-nd30.yaml"))


@dataclass(frozen=True)
class Picture:
    """A PNG of the signature or the seal: its bytes, its part in the package and its size on the page."""

    part: str
    rid: str
    data: bytes
    width_mm: float
    height_mm: float


@dataclass(frozen=True)
class SignatureArea:
    """The reserved area between the chức vụ lines and the name (ô 7c, ô 8): one paragraph, and its pictures."""

    paragraph: RawXml
    pictures: tuple[Picture, ...]
    height_mm: float


def _png_facts(path: Path) -> tuple[bytes, int, int, float | None]:
    """(bytes, width px, height px, pixels per mm or None) of a PNG with a transparent background; refused
    otherwise, naming the file."""
    where = Location(path)
    try:
        data = path.read_bytes()
    except OSError:
        raise InputError(f"không đọc được tệp hình {path}", where,
                         hint="kiểm tra đường dẫn trong mục e_signing của sổ đơn vị (tính từ thư mục của sổ)") from None
    if not data.startswith(_PNG_MAGIC) or data[12:16] != b"IHDR":
        raise InputError("tệp hình không phải PNG (Phụ lục I, mục II.7.d, II.8.a Nghị định 30/2020/NĐ-CP)", where)
    width, height = struct.unpack(">II", data[16:24])
    colour_type = data[25]
    per_mm, transparent, offset = None, colour_type in (4, 6), 8
    while offset + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[offset:offset + 8])
        if kind == b"pHYs" and length == 9:
            x, _, unit = struct.unpack(">IIB", data[offset + 8:offset + 17])
            per_mm = x / 1000 if unit == 1 and x else None
        transparent = transparent or kind == b"tRNS"
        if kind in (b"IDAT", b"IEND"):
            break
        offset += 12 + length
    if not transparent:
        raise InputError("hình chữ ký, hình dấu phải có nền trong suốt (PNG có kênh alpha) để không che chữ "
                         "(Phụ lục I, mục II.7.d, II.8.a Nghị định 30/2020/NĐ-CP)", where)
    return data, width, height, per_mm


@lru_cache(maxsize=64)
def _picture(path: str, stamp: float, part: str, rid: str, width_mm: float | None, what: str) -> Picture:
    data, width, height, per_mm = _png_facts(Path(path))
    if width_mm is None and per_mm:
        width_mm = width / per_mm
    if width_mm is None:
        if what == "seal":
            raise InputError("hình dấu phải đúng kích thước thực của dấu: ghi đường kính dấu (seal_mm) trong mục "
                             "e_signing của sổ đơn vị, hoặc lưu tệp PNG có ghi độ phân giải (Phụ lục I, mục II.8.a)",
                             Location(path))
        width_mm = electronic().signature_area.signature_width_mm
    return Picture(part, rid, data, round(width_mm, 2), round(width_mm * height / width, 2))


def unit_pictures(unit: Unit, registry: UnitsRegistry) -> tuple[Picture | None, Picture | None]:
    """The unit's signature and seal pictures configured in the registry (``e_signing``), or None."""
    config = unit.e_signing
    if config is None:
        return None, None
    base = Path(registry.path).parent
    found = []
    for name, part, rid, width, what in ((config.signature, SIGNATURE_PART, SIGNATURE_RID, config.signature_mm,
                                          "signature"), (config.seal, SEAL_PART, SEAL_RID, config.seal_mm, "seal")):
        if name is None:
            found.append(None)
            continue
        path = (base / name).resolve()
        try:
            stamp = path.stat().st_mtime
        except OSError:
            stamp = 0.0
        found.append(_picture(str(path), stamp, part, rid, width, what))
    return found[0], found[1]


def signature_area(signature: Picture | None, seal: Picture | None, column_mm: float, style_id: str) -> SignatureArea:
    """Ô 7c and ô 8 of an electronic draft: a paragraph ``height_mm`` tall between the chức vụ lines and the
    name, centred in the signature column (``column_mm`` wide), bookmarked for the signing tool; the signature
    picture inline and centred (II.7.d), the seal floating over its left third, centred on it (II.8.a)."""
    data = electronic()
    height = data.signature_area.height_mm
    runs = []
    if signature is not None:
        gap = max(0.0, (height - signature.height_mm) / 2)
        sig_width, sig_top, sig_height = signature.width_mm, gap, signature.height_mm
        runs.append(inline_picture_run(signature.rid, signature.width_mm, signature.height_mm, 1001, "Chữ ký"))
    else:
        sig_width, sig_top, sig_height = data.signature_area.signature_width_mm, 0.0, height
    if seal is not None:
        sig_left = (column_mm - sig_width) / 2
        x = sig_left + sig_width * data.seal.cover_fraction - seal.width_mm
        y = sig_top + sig_height / 2 - seal.height_mm / 2
        runs.insert(0, floating_picture_run(seal.rid, seal.width_mm, seal.height_mm, 1002, "Dấu", x_mm=round(x, 2),
                                            y_mm=round(y, 2)))
    xml = reserved_paragraph(style_id, runs, bookmark=data.signature_area.bookmark,
                             height_mm=None if signature is not None else height,
                             space_mm=gap if signature is not None else 0.0)
    pictures = tuple(p for p in (signature, seal) if p is not None)
    return SignatureArea(RawXml(xml), pictures, max(height, signature.height_mm if signature else 0))


