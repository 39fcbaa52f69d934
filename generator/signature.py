"""The signature block (ô 7a–7b): authority and title lines derived from the signer's role.

ND30 Điều 13 and Phụ lục I, mục II.7: a collective body (UBND) signs "TM. <body>"; a deputy signs
"KT. <head's title>" above his own title; an acting head "Q. <title>"; the head of a unit signing by
order "TL. <head's title>"; a delegate "TUQ. <head's title>". Which titles apply comes from the unit
and its kind profile, so no secretary ever types "KT." by hand.
"""

from __future__ import annotations

from dataclasses import dataclass

from .loading import UnitsRegistry
from .model import Signer, Unit
from .vietnamese import upper
from .vocabulary import KY_THAY, QUYEN, THAY_MAT, THUA_LENH, THUA_UY_QUYEN, authority_line


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
    lines = authority_lines(
        signer,
        collective=kind.collective,
        head_title=registry.head_title(unit),
        deputy_title=registry.deputy_title(unit),
    )
    return SignatureBlock(lines, signer.name or "")
