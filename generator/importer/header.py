"""The header zone of a received plan — everything before the tên loại — read back from copies that lost
its two columns.

A copy taken from a legal-document website flattens ND30's header table into one run of lines: the two
columns one after the other, in either order, or interleaved line by line; fixed phrases broken across
lines ("CỘNG" / "HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), the place of the date line cut off ("Cao" / "Bằng, ngày
…"), "|" and rules between cells, and the site's own metadata block ("Số hiệu:", "Ngày ban hành:", …)
around the document. Here the zone is cut into pieces, the pieces that belong together are joined again
against the fixed phrases and the Số/date patterns, and each piece is classified: issuer line, Quốc hiệu
or Tiêu ngữ, Số/ký hiệu, place and date, metadata, or a stray line kept for a person to see.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, ConfigDict

from .. import resources
from ..layout import default_layout
from ..metrics import text_width_twips
from ..model import clean_text
from ..vietnamese import modern_tones
from ..vocabulary import (DATE_ANYWHERE, DATE_READ, QUOC_HIEU, QUOC_HIEU_PATTERN, SO_READ, TIEU_NGU,
                          TIEU_NGU_PATTERN, is_caps, type_codes_by_name)
from .blocks import SEPARATOR, Block

# ---------------------------------------------------------------- spelling

def _key(text: str) -> str:
    """How a fixed phrase is compared across broken lines: tone placement, case, spaces and dashes ignored."""
    return re.sub(r"[\s\-–—.,:;|]", "", modern_tones(text).upper())


QH_KEY, TN_KEY = _key(QUOC_HIEU), _key(TIEU_NGU)


class _HeaderWords(BaseModel):
    """generator/data/import-header.yaml: the word lists the header zone is read against."""
    model_config = ConfigDict(extra="forbid")

    # the 63 provinces and cities before 1/7/2025 and the new names after it (the cities' header line says
    # "THÀNH PHỐ …", the others' "TỈNH …"): to rejoin a cut place name and to tell, from a date line alone,
    # the province of an "ỦY BAN NHÂN DÂN" without its second line
    cities: list[str]
    provinces: list[str]
    area_words: list[str]  # "tỉnh", "thị xã", "đặc khu": before a place name
    sub_unit_starts: list[str]  # "SỞ", "CHI CỤC": an issuer line that starts one is the cơ quan ban hành
    agency_words: list[str]  # names of sở, ban, ngành before 2025 the 2025 registries no longer print
    site_labels: dict[str, Literal["number", "type", "issuer", "signer", "date"] | None]  # label → its fact
    site_buttons: list[str]  # a site's buttons and tabs


@dataclass(frozen=True)
class _Patterns:
    """What is built once from the word lists."""
    cities: frozenset[str]
    provinces: dict[str, str]  # _key of a name → the name
    areas: str  # the area words as a regex alternation
    sub_unit_start: re.Pattern
    good_cut: re.Pattern
    meta: re.Pattern
    meta_any: re.Pattern
    noise: re.Pattern


def _words() -> _HeaderWords:
    return resources.data_model(_HeaderWords, "import-header.yaml")


def _alternation(phrases) -> str:
    return "|".join(map(re.escape, phrases))


@lru_cache(maxsize=1)
def _patterns() -> _Patterns:
    words = _words()
    areas = _alternation(words.area_words)
    labels = _alternation(sorted(words.site_labels, key=len, reverse=True))
    return _Patterns(
        cities=frozenset(words.cities),
        provinces={_key(p): p for p in words.cities + words.provinces},
        areas=areas,
        sub_unit_start=re.compile(rf"^({_alternation(words.sub_unit_starts)})\b"),
        # ND30's samples cut before "VÀ" or the area ("SỞ NÔNG NGHIỆP" / "VÀ PHÁT TRIỂN NÔNG THÔN")
        good_cut=re.compile(rf"^(VÀ|{areas.upper()})\b"),
        # "Số hiệu: 58/KH-UBND", "Ngày ban hành: 30/03/2020": a site's fact sheet
        meta=re.compile(rf"^(?P<label>{labels})\s*:\s*(?P<value>.*)$", re.I),
        meta_any=re.compile(rf"(?:^|(?<=\s))(?P<label>{labels})\s*:", re.I),  # "Số hiệu: … Loại văn bản: …"
        # a site's buttons and tabs alone on a line
        noise=re.compile(rf"^({_alternation(words.site_buttons)})\s*[.:]?$", re.I),
    )


UBND = "ỦY BAN NHÂN DÂN"
COUNCIL_PREFIXES = (UBND, "HỘI ĐỒNG NHÂN DÂN")


def province_of(place: str | None) -> str | None:
    """"Cao Bằng", "TP. Hồ Chí Minh", "Thành phố Hà Nội" → the province's name; None when not a province."""
    if not place:
        return None
    bare = re.sub(r"^(tp\.?|thành phố|tỉnh)\s+", "", place.strip(), flags=re.I)
    return _patterns().provinces.get(_key(bare))


def area_line(province: str) -> str:
    return f"{'THÀNH PHỐ' if province in _patterns().cities else 'TỈNH'} {province.upper()}"


@lru_cache(maxsize=1)
def known_words() -> frozenset[str]:
    """Words of the shipped registries' header lines (capitals): to rejoin a name a copy cut mid-word."""
    lists = _words()
    words = {_key(w) for name in lists.cities + lists.provinces + lists.agency_words for w in name.split()}
    for path in sorted(resources.national().glob("*.yaml")) + sorted(resources.datasets().glob("*/units.yaml")):
        for line in re.findall(r"^\s+- ([^\s:a-zà-ỹđ][^:\n]*)$", path.read_text(encoding="utf-8"), re.M):
            if is_caps(line):
                words.update(_key(w) for w in line.split())
    words.discard("")
    return frozenset(words)


# ---------------------------------------------------------------- the website around the document

# a site's breadcrumbs (its fact-sheet labels and buttons: generator/data/import-header.yaml)
_BREADCRUMB = re.compile(r"\s[>»›]\s|^trang chủ\b", re.I)


def _page_title(text: str) -> bool:
    """"Kế hoạch 58/KH-UBND năm 2020 về …": the site's title over the document, not the document's tên loại."""
    names = "|".join(re.escape(name) for name in type_codes_by_name())
    return bool(re.match(rf"^(?:{names})\s+(?:số\s+)?\d+\s*/\s*\S", text, re.I))


def _label_line(text: str) -> re.Match | None:
    """"Số hiệu: 58/KH-UBND", "Ngày ban hành:": a line of a site's fact sheet."""
    return _patterns().meta.match(text)


def is_site_line(text: str) -> bool:
    return bool(_label_line(text) or _patterns().noise.match(text) or _BREADCRUMB.search(text)
                or _page_title(text))


def site_lines(blocks: list[Block]) -> tuple[list[int], dict[str, str]]:
    """Which blocks are the site's (by index) and the facts its labels give; a label whose value stands on
    the next line ("Ngày ban hành:" / "30/03/2020", a table flattened with "|") takes that line."""
    taken: list[int] = []
    facts: dict[str, str] = {}
    index = 0
    while index < len(blocks):
        text = blocks[index].plain
        if _label_line(text):
            taken.append(index)
            labels = list(_patterns().meta_any.finditer(text))
            for at, label in enumerate(labels):
                value = text[label.end():labels[at + 1].start() if at + 1 < len(labels) else len(text)].strip()
                if not value and at + 1 == len(labels) and index + 1 < len(blocks) \
                        and _value_like(blocks[index + 1].plain):
                    index += 1
                    taken.append(index)
                    value = blocks[index].plain
                fact = _words().site_labels[label.group("label").lower()]
                if fact and value and fact not in facts:
                    facts[fact] = value
        elif is_site_line(text):
            taken.append(index)
        index += 1
    return taken, facts


def _value_like(text: str) -> bool:
    return len(text) <= 120 and not _label_line(text) and not QUOC_HIEU_PATTERN.search(text) and not (
        is_caps(text) and _key(text) in {_key(n) for n in type_codes_by_name()})


def trailing_site_lines(blocks: list[Block]) -> int:
    """How many blocks at the end are the site's (its fact sheet repeated after the signature)."""
    end = len(blocks)
    labels = 0
    while end > 0:
        text = blocks[end - 1].plain
        if _label_line(text):
            labels += 1
            end -= 1
        elif is_site_line(text):
            end -= 1
        elif end >= 2 and (label := _label_line(blocks[end - 2].plain)) \
                and not label.group("value").strip() and _value_like(text):
            labels += 1
            end -= 2
        else:
            break
    return len(blocks) - end if labels else 0


# ---------------------------------------------------------------- finding the tên loại

def find_type_line(blocks: list[Block], limit: int = 80) -> tuple[int, int, str, Block | None] | None:
    """The tên loại: (index, how many blocks it spans, code, what follows it on its line). Printed in
    capitals, perhaps cut in two or letter-spaced ("KẾ" / "HOẠCH"); a site's "Loại văn bản: Kế hoạch" is
    never it. A line in other case is taken only when no capital one is found, and "KẾ HOẠCH Phòng, chống
    …" (the trích yếu run on) only when neither is."""
    types = {_key(name): code for name, code in type_codes_by_name().items()}
    site, _ = site_lines(blocks[:limit])
    site = set(site)
    for caps_only in (True, False):
        for index, block in enumerate(blocks[:limit]):
            if index in site or (caps_only and not is_caps(block.plain)):
                continue
            key = _key(block.plain)
            if key in types:
                return index, 1, types[key], None
            following = blocks[index + 1] if index + 1 < len(blocks) else None
            if following is not None and index + 1 not in site and (not caps_only or is_caps(following.plain)) \
                    and len(key) <= 12 and key + _key(following.plain) in types:
                return index, 2, types[key + _key(following.plain)], None
    names = "|".join(re.escape(name) for name in sorted(type_codes_by_name(), key=len, reverse=True))
    for index, block in enumerate(blocks[:limit]):
        run_on = re.match(rf"^(?P<name>{names})\s*:?\s+(?P<rest>\S.*)$", block.plain)
        if index not in site and run_on and not SO_READ.match(run_on.group("rest")):
            return index, 1, type_codes_by_name()[run_on.group("name")], replace(block, text=run_on.group("rest"))
    return None


# ---------------------------------------------------------------- the header zone

# a rule under a header line: "-------", "___", "\_\_\_", "---o0o---", "=====", "* * *"
_RULE = re.compile(r"(?:\\?_|[-–—=]){3,}|[-–—_\s]*o\s*[0O]\s*o[-–—_\s]*|(?:\*\s*){3,}")
# "Số: 58/KH-UBND" written "Số: 58 / KH - UBND", "số 58/KH-UBND": a số line somewhere in a piece
_SO_SPACED = re.compile(r"(?<![^\W\d_])s[ốo]\s*:?\s*(?P<number>\d*)[\s.…_]*/\s*"
                        r"(?P<ky_hieu>[0-9A-Za-zÀ-ỹĐđ&]+(?:\s*[-/]\s*[0-9A-Za-zÀ-ỹĐđ&]+)*)", re.I)
_SO_START = re.compile(r"^s[ốo](\s*:|\s+\d|\s*$)", re.I)
# a date line without its place ("ngày 30 tháng 3 năm 2020" on its own)
_BARE_DATE = re.compile(r"ngày\s*(?P<day>\d{1,2})\s*tháng\s*(?P<month>\d{1,2})\s*năm\s*(?P<year>\d{4})", re.I)
_DATE_START = re.compile(r"ngày\s*[\d.…_]*\s*(tháng\s*[\d.…_]*\s*)?$", re.I)


@dataclass
class HeaderFacts:
    issuer: list[Block] = field(default_factory=list)  # issuer lines in order: chủ quản, then ban hành
    number: int | None = None
    code: str | None = None
    ky_hieu: str | None = None
    when: dt.date | None = None
    year: int | None = None
    place: str | None = None
    national: int = 0  # how many of Quốc hiệu and Tiêu ngữ were found
    stray: list[Block] = field(default_factory=list)
    site: dict[str, str] = field(default_factory=dict)  # facts of the site's metadata block
    site_lines: int = 0
    warnings: list[str] = field(default_factory=list)


def _document_like(text: str) -> bool:
    return bool(is_caps(text) or QUOC_HIEU_PATTERN.search(text) or TIEU_NGU_PATTERN.search(text)
                or _SO_START.match(text) or DATE_ANYWHERE.search(text) or _BARE_DATE.search(text)
                or (len(_key(text)) >= 4 and QH_KEY.startswith(_key(text)[:4])))


def _pieces(blocks: list[Block]) -> list[Block]:
    """Each line without rules and "|", cut where a second header element starts inside it."""
    out: list[Block] = []
    for block in blocks:
        text = _RULE.sub(" ", block.plain).replace("|", " ").replace("\t", " ")
        text = re.sub(r"\s+", " ", text).strip()
        if not text or SEPARATOR.match(text):
            continue
        for part in _cut(text):
            out.append(replace(block, text=part))
    return out


def _cut(text: str) -> list[str]:
    cuts = {0, len(text)}
    for pattern in (QUOC_HIEU_PATTERN, TIEU_NGU_PATTERN):
        for found in pattern.finditer(text):
            cuts |= {found.start(), found.end()}
    so = _SO_SPACED.search(text)
    if so:
        cuts |= {so.start(), so.end()}
    parts = [text[a:b].strip(" ,;") for a, b in zip(sorted(cuts), sorted(cuts)[1:])]
    out = []
    for part in filter(None, parts):
        date = DATE_READ.match(part)
        words = date.group("place").split() if date else []
        caps = 0
        while caps < len(words) and is_caps(words[caps]) and len(words[caps]) > 1 and not words[caps].endswith("."):
            caps += 1
        if date and 2 <= caps < len(words):  # "TỈNH CAO BẰNG Cao Bằng, ngày …": an issuer line before the date
            head = " ".join(words[:caps])
            out += [head, part[part.index(head) + len(head):].strip()]
        else:
            out.append(part)
    return out


def _assemble(pieces: list[Block], kinds: list[str | None], key: str, kind: str) -> bool:
    """Find a fixed phrase cut across pieces (the pieces between may be the other column's) and mark it."""
    for i, piece in enumerate(pieces):
        if kinds[i] is not None:
            continue
        words = piece.text.split()
        for start in range(len(words)):
            head = _key(" ".join(words[start:]))
            if not head or not key.startswith(head):
                continue
            chain = [(i, start, len(words))]
            if head != key:
                rest = _chain(pieces, kinds, i, key[len(head):], 0)
                if not rest:
                    continue
                chain += rest
            _take(pieces, kinds, chain, kind)
            return True
    return False


def _chain(pieces, kinds, after: int, rest: str, depth: int):
    for j in range(after + 1, min(after + 4, len(pieces))):
        if kinds[j] is not None:
            continue
        words = pieces[j].text.split()
        for k in range(1, len(words) + 1):
            part = _key(" ".join(words[:k]))
            if part == rest:
                return [(j, 0, k)]
            if not rest.startswith(part):
                break
            if k == len(words) and depth < 3:
                deeper = _chain(pieces, kinds, j, rest[len(part):], depth + 1)
                if deeper:
                    return [(j, 0, k)] + deeper
    return None


def _take(pieces, kinds, chain, kind: str) -> None:
    first = chain[0][0]
    for index, start, end in chain:
        words = pieces[index].text.split()
        left = " ".join(words[:start] + words[end:])
        pieces[index] = replace(pieces[index], text=left)
        kinds[index] = None if left else "used"
    pieces.insert(first + 1, replace(pieces[first], text=QUOC_HIEU if kind == "quoc_hieu" else TIEU_NGU))
    kinds.insert(first + 1, kind)


def _next_free(kinds, index: int, step: int = 1, reach: int = 2):
    for j in range(index + step, index + step * (reach + 1), step):
        if 0 <= j < len(kinds) and kinds[j] is None:
            return j
    return None


def read_header(blocks: list[Block], *, formatted: bool) -> HeaderFacts:
    facts = HeaderFacts()
    site, facts.site = site_lines(blocks)
    if site:
        # the site's buttons and notices before the document's first header line are the site's too
        first = next((i for i, b in enumerate(blocks) if i not in site and _document_like(b.plain)), len(blocks))
        site = sorted(set(site) | set(range(first)))
    facts.site_lines = len(site)
    pieces = _pieces([b for i, b in enumerate(blocks) if i not in set(site)])
    kinds: list[str | None] = [None] * len(pieces)
    for index, piece in enumerate(pieces):
        key = _key(piece.text)
        if key == QH_KEY or QUOC_HIEU_PATTERN.fullmatch(piece.text):
            kinds[index] = "quoc_hieu"
        elif key == TN_KEY or TIEU_NGU_PATTERN.fullmatch(piece.text):
            kinds[index] = "tieu_ngu"
    for key, kind in ((QH_KEY, "quoc_hieu"), (TN_KEY, "tieu_ngu")):
        if kind not in kinds:
            _assemble(pieces, kinds, key, kind)
    facts.national = len({k for k in kinds if k in ("quoc_hieu", "tieu_ngu")})
    _read_so(pieces, kinds, facts)
    _read_date(pieces, kinds, facts)
    issuer: list[Block] = []
    for piece, kind in zip(pieces, kinds):
        if kind is not None:
            continue
        text = piece.text
        kept = strip_national(text) if is_caps(text) else text
        if kept != text:
            facts.warnings.append(f"phần tiêu đề có mảnh của Quốc hiệu «{text}» không ghép lại được; đã bỏ mảnh đó")
        if not kept:
            continue
        if is_caps(kept) and (not formatted or piece.column == 0):
            issuer.append(replace(piece, text=modern_tones(kept)))
        else:
            facts.stray.append(piece)
    facts.issuer = _rejoin_words(issuer)
    return facts


def strip_national(line: str) -> str:
    """``line`` without the Quốc hiệu words a broken copy left in it: a run of three or more of them in the
    Quốc hiệu's order, "CỘNG HÒA", "CHỦ NGHĨA", or a "CỘNG" at the end. "XÃ HỘI" and "VIỆT NAM" alone stay:
    they are in names ("SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI", "BẢO HIỂM XÃ HỘI VIỆT NAM")."""
    words = line.split()
    folded = [modern_tones(w) for w in words]
    order = QUOC_HIEU.split()
    keep = [True] * len(words)
    i = 0
    while i < len(words):
        if folded[i] in order:
            start = order.index(folded[i])
            j = i
            while j < len(words) and start + j - i < len(order) and folded[j] == order[start + j - i]:
                j += 1
            run = " ".join(folded[i:j])
            if j - i >= 3 or "CỘNG HÒA" in run or "CHỦ NGHĨA" in run or (run == "CỘNG" and j == len(words)):
                keep[i:j] = [False] * (j - i)
                i = j
                continue
        i += 1
    kept = " ".join(w for w, k in zip(words, keep) if k)
    return kept if kept == line.strip() else strip_national(kept)  # what is left may end in "CỘNG" again


def _read_so(pieces, kinds, facts: HeaderFacts) -> None:
    for index, piece in enumerate(pieces):
        if kinds[index] is not None or not _SO_START.match(piece.text):
            continue
        text = piece.text
        found = _SO_SPACED.match(text)
        used = [index]
        # "Số:" / "58/KH-UBND", "Số: 58/KH-" / "UBND": the number or the ký hiệu on the next line
        while (not found or text.rstrip().endswith(("-", "/"))) and len(used) < 3:
            # the next free piece that can carry on the số line (a date line of the other column is skipped)
            j = next((j for j in range(used[-1] + 1, min(used[-1] + 4, len(pieces))) if kinds[j] is None
                      and re.match(r"^[\d/-]" if not text.endswith(("-", "/")) else r"^[\w&-]", pieces[j].text)
                      and not DATE_ANYWHERE.search(pieces[j].text)), None)
            if j is None:
                break
            glue = "" if text.endswith(("-", "/")) or pieces[j].text.startswith(("-", "/")) else " "
            text = f"{text}{glue}{pieces[j].text}"
            used.append(j)
            found = _SO_SPACED.match(text)
        if not found:
            if re.fullmatch(r"s[ốo]\s*:?", piece.text, re.I):
                kinds[index] = "so"  # "Số:" with no number (a copy of a draft): nothing to read, nothing to keep
            continue
        ky_hieu = re.sub(r"\s+", "", found.group("ky_hieu"))
        number = found.group("number")
        read = SO_READ.match(f"Số: {number}/{ky_hieu}")
        facts.number = int(read.group("number")) if read.group("number") else None
        facts.ky_hieu = read.group("ky_hieu")
        facts.code = type_code_of(facts.ky_hieu)
        for j in used:
            kinds[j] = "so"
        rest = text[found.end():].strip(" ,;")
        if rest:  # "Số: 07/KH-UBND Lạng Sơn, ngày …": what follows is the next piece
            pieces.insert(used[-1] + 1, replace(piece, text=rest))
            kinds.insert(used[-1] + 1, None)
        return


def type_code_of(ky_hieu: str) -> str:
    """The issuer's code in a ký hiệu: "KH-UBND" → "UBND" (after the type), "UBND-VX" → "UBND" (a công văn)."""
    ky_hieu = re.sub(r"^\d{4}/", "", ky_hieu)  # "12/2020/NQ-HĐND": the year before the type
    parts = [p for p in re.split(r"-", ky_hieu) if p]
    types = {code.upper() for code in type_codes_by_name().values()}
    if len(parts) > 1 and parts[0].upper() in types:
        return parts[1]
    return parts[0] if parts else ky_hieu


def _read_date(pieces, kinds, facts: HeaderFacts) -> None:
    for index, piece in enumerate(pieces):
        if kinds[index] is not None:
            continue
        text, used = piece.text, [index]
        # "Lạng Sơn, ngày 13" / "tháng 01 năm 2020", "Cao Bằng," / "ngày 30 …": the date line cut in two
        while not DATE_READ.match(text) and not _BARE_DATE.search(text) and len(used) < 3 and (
                re.search(r"ngày\s*[\d.…_]*\s*(tháng\s*[\d.…_]*\s*(năm)?)?\s*$", text, re.I) or text.endswith(",")):
            j = _next_free(kinds, used[-1])
            if j is None or not re.match(r"(ngày|tháng|năm|\d)", pieces[j].text, re.I):
                break
            text = f"{text} {pieces[j].text}"
            used.append(j)
        date = DATE_READ.match(text)
        bare = None if date else _BARE_DATE.search(text)
        if not date and not bare:
            continue
        match = date or bare
        if bare:
            before_text = text[:bare.start()].strip(" ,")
            before = _next_free(kinds, index, step=-1)
            if before_text and len(before_text.split()) <= 4 and not re.search(r"[\d:;/]", before_text):
                facts.place = modern_tones(before_text)  # "Cao Bằng ngày 30 …": the comma lost
            elif not before_text and before is not None and province_of(pieces[before].text):
                facts.place = modern_tones(pieces[before].text.strip(" ,"))
                used.append(before)
        if date:
            place = date.group("place").strip()
            before = _next_free(kinds, index, step=-1)
            fragment = pieces[before].text if before is not None else None
            if fragment and _place_fragment(fragment, place):
                place = province_of(f"{fragment} {place}") or f"{fragment} {place}"
                used.append(before)
            facts.place = modern_tones(place)
        facts.when, facts.year = _date_of(match)
        for j in used:
            kinds[j] = "date"
        return


def _place_fragment(fragment: str, place: str) -> bool:
    """"Cao" before "Bằng, ngày …": the start of the place, cut off by the copy."""
    if is_caps(fragment) or re.search(r"[\d:;/]", fragment) or len(fragment.split()) > 3:
        return False
    joined = province_of(f"{fragment} {place}") or province_of(fragment + place)
    return bool(joined) or (not province_of(place) and len(place.split()) == 1 and fragment[:1].isupper())


def _date_of(match: re.Match) -> tuple[dt.date | None, int]:
    year = int(match.group("year"))
    day, month = match.group("day").strip(), match.group("month").strip()
    if day.isdigit() and month.isdigit():
        try:
            return dt.date(year, int(month), int(day)), year
        except ValueError:
            return None, year
    return None, year


def _rejoin_words(lines: list[Block]) -> list[Block]:
    """"SỞ NÔNG NGHIỆP VÀ PHÁT TRI" / "ỂN NÔNG THÔN": a name cut mid-word is one line again."""
    out: list[Block] = []
    for line in lines:
        if out:
            last, first = out[-1].text.split()[-1], line.text.split()[0]
            words = known_words()
            if last.isalpha() and first.isalpha() and _key(last + first) in words and (_key(last) not in words or _key(first) not in words):
                out[-1] = replace(out[-1], text=out[-1].text + line.text)
                continue
        out.append(line)
    return out


# ---------------------------------------------------------------- the issuer

def split_issuer(lines: list[Block], formatted: bool) -> tuple[list[str], list[str]]:
    """Issuer lines → (cơ quan chủ quản, cơ quan ban hành)."""
    texts = [b.text for b in lines]
    if len(texts) == 1 and texts[0].startswith("UBND "):  # the issuer's own header spells its name out
        return [], [UBND, texts[0][len("UBND "):]]
    sub = next((k for k in range(1, len(texts)) if _patterns().sub_unit_start.match(texts[k])), None)
    if sub is not None:
        return texts[:sub], texts[sub:]
    if len(texts) >= 2 and texts[0].startswith("UBND "):
        return texts[:1], texts[1:]
    if len(lines) >= 2 and formatted and not lines[0].bold and lines[1].bold:
        return texts[:1], texts[1:]
    return [], texts


def issuer_from_name(name: str) -> tuple[list[str], list[str]]:
    """A site's "Nơi ban hành": "Tỉnh Cao Bằng", "UBND tỉnh Cao Bằng", "Sở Tư pháp tỉnh Cao Bằng"."""
    name = modern_tones(re.sub(r"\s+", " ", name).strip(" .;"))
    council = re.match(r"^(?:ủy ban nhân dân|ubnd)\s+(?P<area>.+)$", name, re.I)
    if council:
        return [], [UBND, council.group("area").upper()]
    if re.match(rf"^(?:{_patterns().areas})\s+\S", name, re.I):
        return [], [UBND, name.upper()]
    unit = re.match(rf"^(?P<unit>.+?)\s+(?P<area>(?:{_patterns().areas})\s+.+)$", name, re.I)
    if unit and _patterns().sub_unit_start.match(unit.group("unit").upper()):
        return [f"UBND {unit.group('area').upper()}"], [unit.group("unit").upper()]
    return [], [name.upper()]


def place_of_name(name: str) -> str | None:
    found = re.search(rf"(?:{_patterns().areas})\s+(?P<place>.+)$", modern_tones(name.strip(" .;")), re.I)
    return found.group("place").strip() if found else None


def printable(text: str) -> str:
    """``text`` as the registry accepts it: a character the models refuse (a control character, a site's
    "►" or emoji) is left out; "" when nothing is left or the text is in a legacy encoding."""
    try:
        return clean_text(text)
    except ValueError:
        kept = "".join(ch for ch in text if _printable_char(ch))
        try:
            return clean_text(kept)
        except ValueError:
            return ""


def _printable_char(ch: str) -> bool:
    try:
        clean_text(ch)
        return True
    except ValueError:
        return False


def fit_lines(lines: list[str], *, parent: bool = False) -> list[str]:
    """Header lines that fit the issuer column (bold for the cơ quan ban hành, plain for the chủ quản):
    "ỦY BAN NHÂN DÂN TỈNH X" in its two ND30 lines, any other line too wide cut at the word boundary that
    leaves the parts most even — never truncated."""
    layout = default_layout()
    size = layout.sizes.chu_quan if parent else layout.sizes.ban_hanh
    room = layout.header_table.left_content

    def fits(text: str) -> bool:
        return text_width_twips(text, size, bold=not parent) <= room

    out: list[str] = []
    for line in lines:
        line = printable(line)
        if not line:
            continue
        prefix = next((p for p in COUNCIL_PREFIXES if line.startswith(p + " ")), None)
        if prefix:
            out += [prefix, *fit_lines([line[len(prefix) + 1:]], parent=parent)]
        elif fits(line):
            out.append(line)
        else:
            out += _cut_to_fit(line, fits)
    return out


def _cut_to_fit(line: str, fits) -> list[str]:
    words = line.split()
    if len(words) == 1:  # a single word wider than the column: cut it where it must be
        for end in range(len(line), 0, -1):
            if fits(line[:end]):
                return [line[:end]] + ([] if end == len(line) else _cut_to_fit(line[end:], fits))
        return [line]
    best = None
    for at in range(1, len(words)):
        left, right = " ".join(words[:at]), " ".join(words[at:])
        # ND30's samples cut before "VÀ" or the area ("SỞ NÔNG NGHIỆP" / "VÀ PHÁT TRIỂN NÔNG THÔN")
        score = abs(len(left) - len(right)) - (12 if _patterns().good_cut.match(right) else 0)
        if fits(left) and (best is None or score < best[0]):
            best = (score, left, right)
    if best is None:
        return _cut_to_fit(words[0], fits) + _cut_to_fit(" ".join(words[1:]), fits)
    _, left, right = best
    return [left] + ([right] if fits(right) else _cut_to_fit(right, fits))
