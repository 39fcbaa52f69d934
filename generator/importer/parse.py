"""Read a plan's structure from blocks: header, tên loại, trích yếu, content tree, signature, Nơi nhận.

Everything is recognised by what it says (ND30's fixed words and numbering), so the same parser reads a
.docx, a web copy and vanban's own output. A block that fits nowhere is kept as a plain paragraph where
it stood and listed in the warnings; nothing is dropped.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from ..loading import UnitsRegistry
from ..vietnamese import slugify
from ..vocabulary import (ARCHIVE_OFFICE, AUTHORITY, KINH_GUI, KY_THAY, NOI_NHAN, QUYEN, THAY_MAT, THUA_LENH,
                          THUA_UY_QUYEN, is_caps)
from ..vocabulary import authority as signing_positions
from ..vocabulary import DIEM as LETTER, KHOAN as ARABIC, MUC as ROMAN, SO_READ as SO
from .blocks import END_OF_SENTENCE, SEPARATOR, Block
from .header import (UBND, area_line, find_type_line, fit_lines, issuer_from_name, place_of_name,
                     printable, province_of, read_header, split_issuer, strip_national, trailing_site_lines,
                     type_code_of)

APPENDIX = re.compile(r"Phụ lục(\s+[IVXLC\d]+)?\.?", re.I)  # the heading line of a Phụ lục
TOTAL_ROW = re.compile(r"^(tổng|cộng)\b", re.I)
FIGURE = re.compile(r"^-?\d{1,3}([.,]?\d{3})*([.,]\d+)?%?$")
# authority lines signed for the head of the unit: the head's title follows the prefix
_FOR_THE_HEAD = tuple(f"{prefix}." for prefix in (KY_THAY, QUYEN, THUA_LENH, THUA_UY_QUYEN))


@dataclass
class Imported:
    document: dict
    issuer: dict  # the issuing unit as read from the header, for a registry entry
    warnings: list[str] = field(default_factory=list)


def sentence_case(text: str) -> str:
    """A title typed in capitals → sentence case ("MỤC ĐÍCH, YÊU CẦU" → "Mục đích, yêu cầu")."""
    if not is_caps(text):
        return text
    lowered = text.lower()
    return lowered[:1].upper() + lowered[1:]


def _strip_end_mark(text: str) -> str:
    return re.sub(r"\s*\.?/\.\s*$", ".", text.rstrip())


def _is_title(block: Block, rest: str, formatted: bool) -> bool:
    """A numbered line is a heading when it is bold, or (in plain text) short and without a full stop."""
    if formatted:
        return block.bold
    return not rest.rstrip().endswith(END_OF_SENTENCE) and len(rest) < 300


class Parser:
    def __init__(self, blocks: list[Block], *, formatted: bool):
        """``formatted``: the blocks' bold, italic and centring are known (Word, a PDF's text layer), so a bold
        numbered line is a heading; from plain text or OCR, headings are told by their wording."""
        self.blocks = [b for b in blocks if b.text and not SEPARATOR.match(b.plain)]
        self.formatted = formatted
        self.warnings: list[str] = []
        self.stray: list[str] = []  # header lines not understood: kept at the start of the content
        self.trailing: list[str] = []  # footer lines not understood: kept at the end of the content

    # ------------------------------------------------------------ top level
    def parse(self) -> Imported:
        found = find_type_line(self.blocks)
        if found is None:
            self.warnings.append("không thấy tên loại văn bản (KẾ HOẠCH, BÁO CÁO…); tạm coi là Kế hoạch")
            doc_type, header, rest = "KH", [], self.blocks
        else:
            start, span, doc_type, run_on = found
            header, rest = self.blocks[:start], ([run_on] if run_on else []) + self.blocks[start + span:]
        # a web copy may repeat the site's fact sheet after the signature: not part of the document
        self.site_tail = trailing_site_lines(rest)
        rest = rest[:len(rest) - self.site_tail]
        issuer, number, when, year, place = self._header(header)
        title, rest = self._title(rest)
        footer_at = self._footer_start(rest)
        body, footer = rest[:footer_at], rest[footer_at:]
        kinh_gui, body = self._kinh_gui(body)
        opening, sections, closing = self._content(body)
        signer, recipients, archive, titles = self._footer(footer)
        opening = self.stray + opening
        closing = closing + self.trailing
        if year is None:
            found = re.search(r"\b(20\d\d)\b", title)
            year = int(found.group(1)) if found else dt.date.today().year
            self.warnings.append(f"không có dòng ngày tháng: lấy năm {year} (hãy kiểm tra trường year)")
        document = {"issuer": None, "type": doc_type, "number": number, "date": when.strftime("%d/%m/%Y") if when else None,
                    "year": year, "title": title}
        if place:
            document["place"] = place
        if kinh_gui:
            document["kinh_gui"] = kinh_gui
        document.update({"opening": opening, "sections": sections, "closing": closing, "signer": signer,
                         "recipients": recipients, "archive": archive})
        if self.appendix:
            document["appendix"] = self.appendix
        issuer.update(titles)
        self._after_footer(issuer, signer)
        return Imported(document, issuer, self.warnings)

    # ------------------------------------------------------------ header
    def _header(self, blocks: list[Block]):
        facts = read_header(blocks, formatted=self.formatted)
        self.site, self.site_lines, self.site_taken = facts.site, facts.site_lines, []
        self.warnings += facts.warnings
        for block in facts.stray:
            self.stray.append(block.text)
            self.warnings.append(f"phần tiêu đề có dòng không nhận ra, đã giữ làm đoạn mở đầu: «{block.plain}»")
        number, code, when, year, place = facts.number, facts.code, facts.when, facts.year, facts.place
        site = facts.site
        if site.get("number"):
            so = SO.match("Số: " + re.sub(r"\s*([/-])\s*", r"\1", site["number"]))
            if so and number is None and code is None:
                number = int(so.group("number")) if so.group("number") else None
                code = type_code_of(so.group("ky_hieu"))
                self.site_taken.append(f"số và ký hiệu ({site['number']})")
            elif so and so.group("number") and number is not None and int(so.group("number")) != number:
                self.warnings.append(f"số hiệu trên trang web «{site['number']}» khác số trong văn bản «{number}»: "
                                     "đã dùng số trong văn bản")
        site_date = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", site.get("date", "").strip())
        if site_date and when is None:
            try:
                when = dt.date(int(site_date.group(3)), int(site_date.group(2)), int(site_date.group(1)))
                year = when.year
                self.site_taken.append(f"ngày ban hành ({site['date']})")
            except ValueError:
                pass
        issuer_lines = facts.issuer
        parent, lines = split_issuer(issuer_lines, self.formatted)
        if not lines and not parent and site.get("issuer"):
            parent, lines = issuer_from_name(site["issuer"])
            self.site_taken.append(f"tên cơ quan ban hành ({site['issuer']})")
        if place is None and site.get("issuer"):
            place = province_of(place_of_name(site["issuer"])) or place_of_name(site["issuer"])
            if place:
                self.site_taken.append(f"địa danh ({place})")
        for which in ("parent", "header"):
            current = parent if which == "parent" else lines
            if current != [UBND]:
                continue
            area, where = self._area(site, place)
            if area is None:
                self.warnings.append(f"phần tiêu đề chỉ có dòng «{UBND}», không rõ tỉnh, huyện hay xã: hãy sửa "
                                     "tên cơ quan trong sổ đơn vị")
                continue
            self.warnings.append(f"phần tiêu đề chỉ có dòng «{UBND}», thiếu dòng tên địa bàn: đã suy ra «{area}» "
                                 f"từ {where}; hãy kiểm tra")
            if which == "parent":
                parent = [f"UBND {area}"]
            else:
                lines = [UBND, area]
        if not self.formatted:
            # a text copy's line breaks are the site's wrapping ("ỦY BAN NHÂN DÂN TỈNH BÀ RỊA -" / "VŨNG TÀU"):
            # the name is cut again where ND30 cuts it
            lines = fit_lines([" ".join(lines)] if lines else [])
            parent = fit_lines([" ".join(parent)] if parent else [], parent=True)
        issuer = {"header": lines, "parent_header": parent, "code": code, "place": place}
        self.header_found = bool(number is not None or code or when or issuer_lines or facts.national)
        return issuer, number, when, year, place

    @staticmethod
    def _area(site: dict, place: str | None) -> tuple[str | None, str]:
        """The second line of an "ỦY BAN NHÂN DÂN" the copy lost: from the site's "Nơi ban hành", else the
        province of the date line."""
        if site.get("issuer"):
            parent, lines = issuer_from_name(site["issuer"])
            named = (lines[1:] if lines[:1] == [UBND] else []) or [p[len("UBND "):] for p in parent[:1]]
            if named:
                return named[0], "thông tin «Nơi ban hành» của trang web"
        province = province_of(place)
        return (area_line(province), "dòng địa danh, ngày tháng") if province else (None, "")

    def _after_footer(self, issuer: dict, signer: dict) -> None:
        """What the signature block and the site's fact sheet tell about a header the copy lost."""
        if not issuer.get("header") and issuer.get("collective") == UBND and self.header_found:
            province = province_of(issuer.get("place"))
            if province:
                issuer["header"] = [UBND, area_line(province)]
                self.warnings.append(f"phần tiêu đề không có tên cơ quan ban hành: đã suy ra «{UBND} / "
                                     f"{area_line(province)}» từ khối chữ ký và dòng địa danh; hãy kiểm tra")
        if self.site.get("signer") and not signer.get("name"):
            signer["name"] = self.site["signer"].strip()
            self.site_taken.append(f"người ký ({signer['name']})")
        dropped = self.site_lines + self.site_tail
        if dropped:
            taken = f"; đã lấy từ đó: {', '.join(self.site_taken)}" if self.site_taken else ""
            self.warnings.append(f"đã bỏ {dropped} dòng thông tin của trang web chép kèm văn bản (Số hiệu, Ngày ban "
                                 f"hành…){taken}")

    def _title(self, blocks: list[Block]) -> tuple[str, list[Block]]:
        if not blocks:
            return "", blocks
        taken = [blocks[0]]
        if self.formatted and blocks[0].centred:
            for block in blocks[1:]:
                if not block.centred or KINH_GUI.match(block.plain) or block.table is not None:
                    break
                taken.append(block)
        elif is_caps(blocks[0].plain):
            # a web copy prints the trích yếu in capitals over several lines
            for block in blocks[1:]:
                if not is_caps(block.plain) or ROMAN.match(block.plain) or ARABIC.match(block.plain) \
                        or KINH_GUI.match(block.plain) or block.plain.upper().startswith("CĂN CỨ"):
                    break
                taken.append(block)
        elif not self.formatted:
            # a web copy cuts a long trích yếu where the site's column ended: the very next line (no blank line,
            # no rule between) goes on with the same phrase
            for block in blocks[1:]:
                if not _title_goes_on(taken[-1], block):
                    break
                taken.append(block)
        title = " ".join(b.text for b in taken)
        if is_caps(title):
            self.warnings.append("trích yếu viết toàn chữ in hoa đã được chuyển sang chữ thường; hãy viết hoa lại "
                                 "tên riêng nếu cần")
            title = sentence_case(title)
        return title, blocks[len(taken):]

    def _footer_start(self, blocks: list[Block]) -> int:
        for index, block in enumerate(blocks):
            if NOI_NHAN.match(block.plain):
                # in a two-column footer the signature may come first in reading order
                back = index
                while back > 0 and blocks[back - 1].table is not None and blocks[back - 1].table == block.table:
                    back -= 1
                return back
        for index, block in enumerate(blocks):
            if AUTHORITY.match(block.plain) and index > len(blocks) // 2:
                return index
        return len(blocks)

    def _kinh_gui(self, blocks: list[Block]) -> tuple[list[str], list[Block]]:
        if not blocks:
            return [], blocks
        match = KINH_GUI.match(blocks[0].plain)
        if not match:
            return [], blocks
        names, used = [], 1
        if match.group("rest").strip():
            names.append(match.group("rest").strip().rstrip(".;"))
        else:
            for block in blocks[1:]:
                if not block.plain.startswith(("-", "–")):
                    break
                names.append(block.plain.lstrip("-– ").rstrip(".;"))
                used += 1
        return names, blocks[used:]

    # ------------------------------------------------------------ content
    def _content(self, blocks: list[Block]):
        blocks = self._untabled(blocks)
        opening: list[str] = []
        closing: list[str] = []
        sections: list[dict] = []
        has_roman = any(ROMAN.match(b.plain) for b in blocks)
        if not has_roman and any(ARABIC.match(b.plain) for b in blocks):
            self.warnings.append("các phần đánh số 1., 2. không có số La Mã: đã coi là mục I., II. theo "
                                 "Nghị định 30/2020/NĐ-CP (vanban đánh số lại khi tạo văn bản)")
        path: list[dict] = []  # current mục, khoản, điểm

        def add_node(depth: int, block: Block, rest: str) -> None:
            nonlocal path
            node: dict = {}
            if depth == 0:
                node["title"] = sentence_case(rest)
            elif _is_title(block, rest, self.formatted):
                node["title"] = rest
            else:
                node["text"] = rest
            if depth == 0:
                sections.append(node)
                path = [node]
                return
            while len(path) > depth:
                path.pop()
            if len(path) < depth:
                self.warnings.append(f"«{block.plain[:60]}» đứng ngoài một mục cha; đã giữ làm đoạn văn")
                (path[-1].setdefault("paragraphs", []) if path else opening).append(block.text)
                return
            path[-1].setdefault("items", []).append(node)
            path.append(node)

        for position, block in enumerate(blocks):
            text = block.text
            plain = block.plain
            if closing or (sections and plain.startswith("Trên đây")):
                closing.append(text)
                continue
            roman, arabic, letter = ROMAN.match(plain), ARABIC.match(plain), LETTER.match(plain)
            if roman:
                add_node(0, block, _rest(text, roman))
            elif arabic and (has_roman or sections or is_caps(arabic.group("rest")) or block.bold):
                add_node(1 if has_roman else 0, block, _rest(text, arabic))
            elif letter and path:
                add_node(2 if has_roman else 1, block, _rest(text, letter))
            elif path:
                path[-1].setdefault("paragraphs", []).append(text)
            else:
                opening.append(text)
        _strip_final_mark(opening, sections, closing)
        return opening, sections, closing

    def _untabled(self, blocks: list[Block]) -> list[Block]:
        """A table in the body (the model has none there): one paragraph per row, cells joined by " | "."""
        out: list[Block] = []
        for block in blocks:
            if block.rows is None:
                out.append(block)
                continue
            self.warnings.append(f"bảng trong phần nội dung («{block.plain[:60]}») đã được giữ thành đoạn văn, mỗi "
                                 "dòng của bảng một đoạn, các ô cách nhau bằng « | »; hãy soát lại hoặc chuyển "
                                 "thành phụ lục")
            out += [Block(" | ".join(row), line=block.line, page=block.page) for row in block.rows if any(row)]
        return out

    # ------------------------------------------------------------ footer
    def _footer(self, blocks: list[Block]):
        recipients: list = []
        archive: list[str] = []
        authority: list[str] = []
        name = None
        label = next((i for i, b in enumerate(blocks) if NOI_NHAN.match(b.plain)), None)
        label_column = blocks[label].column if label is not None else 0
        # Mẫu 2.1: the Phụ lục after the signature, its heading or (without one) its table
        appendix_at = next((i for i, b in enumerate(blocks) if b.rows is not None or APPENDIX.fullmatch(b.plain)),
                           len(blocks))
        self.appendix = self._appendix(blocks[appendix_at:])
        for index, block in enumerate(blocks[:appendix_at]):
            text = block.plain
            if index == label:
                continue
            in_list = label is not None and index > label and block.column == label_column and \
                text.startswith(("-", "–", "+"))
            if in_list:
                entry = text.lstrip("-–+ ").rstrip(";.").strip()
                if entry.lower().startswith("lưu"):
                    archive = [a.strip() for a in re.split(r",", entry.split(":", 1)[-1]) if a.strip()]
                    archive = [a for a in archive if a.upper() != ARCHIVE_OFFICE]
                elif entry.lower() != "như trên":
                    purpose = re.match(r"^(?P<to>.+?)\s*\((?P<purpose>[^()]+)\)$", entry)
                    recipients.append({"to": purpose.group("to"), "purpose": purpose.group("purpose")}
                                      if purpose else entry)
            elif is_caps(text):
                authority.append(text)
            elif authority:
                name = text
            else:
                self.trailing.append(block.text)
                self.warnings.append(f"cuối văn bản có dòng không nhận ra, đã giữ làm đoạn kết: «{text}»")
        signer: dict = {"role": "head"}
        titles: dict = {}
        if name:
            signer["name"] = name
        prefixes = [a.split(".")[0] for a in authority if AUTHORITY.match(a)]
        title_lines = [a for a in authority if not AUTHORITY.match(a)]
        own = title_lines[-1] if title_lines else None
        if KY_THAY in prefixes:
            signer["role"] = "deputy"
        elif THUA_UY_QUYEN in prefixes:
            signer.update(role="by-delegation", title=own)
        elif THUA_LENH in prefixes:
            signer.update(role="by-order", title=own)
        elif QUYEN in prefixes:
            signer["role"] = "acting"
        elif own and signing_positions().is_deputy(own):  # PHÓ GIÁM ĐỐC, THỨ TRƯỞNG (data/authority.yaml)
            signer["role"] = "deputy"
            self.warnings.append(f"khối chữ ký có «{own}» mà thiếu dòng «KT. …»; đã ghi người ký là cấp phó ký "
                                 "thay, vanban sẽ thêm «KT.»")
        head = next((a.split(".", 1)[1].strip() for a in authority if a.startswith(_FOR_THE_HEAD)),
                    None)
        if signer["role"] == "head" and own:
            titles["head_title"] = own
        elif head:
            titles["head_title"] = head
        if signer["role"] == "deputy" and own:
            titles["deputy_title"] = own
            if not head and signing_positions().head_of(own):
                titles["head_title"] = signing_positions().head_of(own)
        collective = next((a[4:] for a in authority if a.startswith(f"{THAY_MAT}.")), None)
        if collective:
            titles["collective"] = collective
        return signer, recipients, archive, titles

    # ------------------------------------------------------------ appendix
    def _appendix(self, blocks: list[Block]) -> dict | None:
        """The Phụ lục after the signature: its title (the lines between its heading and its table, but the
        "(Kèm theo …)" line) and its first table; the model holds one, so a second is kept as text."""
        if not blocks:
            return None
        at = next((i for i, b in enumerate(blocks) if b.rows is not None), None)
        if at is None:
            self.trailing += [b.text for b in blocks]
            self.warnings.append("phần Phụ lục không có bảng: đã giữ lời văn của nó làm đoạn kết")
            return None
        lines = [b for b in blocks[:at] if not APPENDIX.fullmatch(b.plain) and not b.plain.startswith("(")]
        title = " ".join(b.text for b in lines).strip()
        if not title:
            title = "Phụ lục"
            self.warnings.append("phụ lục không có tên: đã ghi «Phụ lục», hãy sửa trường appendix.title")
        elif is_caps(" ".join(b.plain for b in lines)):
            title = sentence_case(title)
        rows = [list(row) for row in blocks[at].rows]
        width = len(rows[0])
        body = [(row + [""] * width)[:width - 1] + [" ".join(c for c in row[width - 1:] if c)] for row in rows[1:]]
        appendix: dict = {"title": title, "columns": [{"name": name} for name in rows[0]], "rows": body}
        for index, column in enumerate(appendix["columns"]):
            cells = [row[index] for row in body if row[index]]
            if index and cells and all(FIGURE.match(c) for c in cells):
                column["numeric"] = True  # figures are set right-aligned
        if body and TOTAL_ROW.match(next((c for c in body[-1] if c), "")):
            appendix["total"] = body.pop()
        for later in blocks[at + 1:]:
            kept = [" | ".join(row) for row in later.rows] if later.rows is not None else [later.text]
            self.trailing += kept
        if len(blocks) > at + 1:
            self.warnings.append("sau bảng phụ lục thứ nhất còn nội dung (phụ lục khác?): vanban nhập một phụ lục, "
                                 "phần còn lại đã giữ làm đoạn kết")
        return appendix


def _strip_final_mark(opening: list[str], sections: list[dict], closing: list[str]) -> None:
    """Drop the "./." after the last sentence: vanban adds it again when it renders."""
    if closing:
        closing[-1] = _strip_end_mark(closing[-1])
    elif sections:
        node = sections[-1]
        while node.get("items"):
            node = node["items"][-1]
        if node.get("paragraphs"):
            node["paragraphs"][-1] = _strip_end_mark(node["paragraphs"][-1])
        else:
            key = "text" if "text" in node else "title"
            node[key] = _strip_end_mark(node[key])
    elif opening:
        opening[-1] = _strip_end_mark(opening[-1])


def _rest(text: str, match: re.Match) -> str:
    """The part of a marked-up line after its number, keeping the markup."""
    label = match.group("label")
    return re.sub(rf"^\s*{re.escape(label)}[.)]\s*", "", text, count=1)


def match_unit(issuer: dict, registry: UnitsRegistry) -> str | None:
    """The registry unit whose header lines are the document's (diacritics and case ignored)."""
    wanted = slugify(" ".join(issuer.get("header", [])))
    if not wanted:
        return None
    for unit in registry.units.values():
        if slugify(" ".join(unit.header)) == wanted:
            return unit.id
    return None


def _title_goes_on(previous: Block, block: Block) -> bool:
    text = block.plain
    return (previous.line is not None and block.line == previous.line + 1 and block.column == 0
            and not previous.plain.rstrip().endswith(END_OF_SENTENCE) and not text.rstrip().endswith((":", ";"))
            and len(text) < 150 and not is_caps(text) and not text.startswith(("-", "–", "+", "("))
            and not any(p.match(text) for p in (ROMAN, ARABIC, LETTER, KINH_GUI))
            and not re.match(r"^(căn cứ|thực hiện|theo|nhằm|để)\b", text, re.I))


def guess_unit(issuer: dict) -> dict:
    """A registry entry for an issuer that no registry knows, from what the header says. It always
    validates: header lines that would not fit the issuer column are split where ND30 splits them (or at
    the most even word boundary), the code is a code, the id a slug."""
    header = [strip_national(printable(h)) for h in issuer.get("header") or []]
    if len(header) == 1 and header[0].startswith("UBND "):  # the issuer's own header spells its name out
        header = [UBND, header[0][len("UBND "):]]
    header = [h for h in map(strip_national, fit_lines(header)) if h]  # a cut may leave a "CỘNG" on its own
    parent = [h for h in map(strip_national, fit_lines([strip_national(printable(h)) for h in
                                                         issuer.get("parent_header") or []], parent=True)) if h]
    joined = " ".join(header)
    kind = "co-quan-chuyen-mon"
    if joined.startswith("ỦY BAN NHÂN DÂN") or (not header and issuer.get("collective") == "ỦY BAN NHÂN DÂN"):
        kind = "ubnd-huyen" if re.search(r"\b(HUYỆN|THỊ XÃ|QUẬN)\b", joined) else \
            "ubnd-xa" if re.search(r"\b(XÃ|PHƯỜNG|THỊ TRẤN|ĐẶC KHU)\b", joined) else "ubnd-tinh"
    elif joined.startswith("CÔNG AN"):
        kind = "cong-an"
    elif "QUÂN SỰ" in joined:
        kind = "quan-su"
    place = printable(issuer.get("place") or "")
    if not place:
        area = re.search(r"(TỈNH|THÀNH PHỐ|HUYỆN|THỊ XÃ|XÃ|PHƯỜNG)\s+(.+)$", " ".join(parent + header))
        place = (province_of(area.group(2)) or area.group(2).title()) if area else "…"
    full = " ".join(header)
    name = (full[:1] + full[1:].lower()) if header else "Đơn vị ban hành"
    if province_of(place):  # "Ủy ban nhân dân tỉnh Yên Bái": the place keeps its capitals
        name = name.replace(place.lower(), place)
    code = re.sub(r"[\s/-]", "", printable(issuer.get("code") or ""))[:20] or (
        "UBND" if kind.startswith("ubnd") else "…")
    unit = {
        # with the chủ quản: "so-tu-phap" alone is the id of a sở in every shipped registry
        "id": (slugify(" ".join(parent + header))[:120].strip("-") or "don-vi-ban-hanh"),
        "kind": kind,
        "name": name[:300],
        "header": header or ["ỦY BAN NHÂN DÂN", "TỈNH …"],
        "code": code,
        "place": place[:80],
    }
    if parent:
        unit["parent_header"] = parent
    for key in ("head_title", "deputy_title"):
        if printable(issuer.get(key) or ""):
            unit[key] = printable(issuer[key])[:150]
    return unit
