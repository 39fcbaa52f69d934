"""The signature block (ô 7a–7b): authority and title lines derived from the signer's role.

ND30 Điều 13 and Phụ lục I, mục II.7: a collective body (UBND) signs "TM. <body>"; a deputy signs
"KT. <head's title>" above his own title; an acting head "Q. <title>"; the head of a unit signing by
order "TL. <head's title>"; a delegate "TUQ. <head's title>". Which titles apply comes from the unit
and its kind profile, so no secretary ever types "KT." by hand; a unit that names its own head but no deputy
gets the deputy of that head from ``data/authority.yaml`` (Điều 13).
"""

from __future__ import annotations

from dataclasses import dataclass

from .loading import UnitsRegistry
from .model import Signer, Unit
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
