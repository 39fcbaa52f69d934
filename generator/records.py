"""What a văn thư registers of each document vanban makes: its Phụ lục VI metadata, the register of outgoing
documents, and the duplicate check.

- :class:`Record` is one outgoing document as Nghị định 30/2020/NĐ-CP, Phụ lục VI, Phần II, mục I describes it
  (16 fields, their English tags and lengths in ``data/records-nd30.yaml``), plus what the register and the
  edXML envelope need besides (place, Nơi nhận lines, bản lưu). :func:`record_of` builds it from a produced
  document and the registry; it travels as JSON (:meth:`Record.to_json`) through a batch's journal and
  manifest, so that a resumed batch has every record without rendering again.
- :func:`metadata_xml` is the sidecar ``<file-stem>.metadata.xml``: the fields under their Phụ lục VI tags,
  each cut to its length (:func:`too_long` names what had to be cut).
- :func:`register_workbook` is the sổ đăng ký văn bản đi (Phụ lục IV, I.2: its ten columns) as .xlsx bytes,
  from any list of records: a batch writes it, the web app can offer it for its issued documents.
- :func:`duplicates` finds two documents of one issuing body with the same số and ký hiệu in a year
  (Phụ lục VI, Phần I, III.1.h: same mã định danh, or same số, ký hiệu and tên cơ quan).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

import pypdfium2
from lxml import etree
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from . import derive, inline, resources
from .errors import InputError, Location
from .loading import UnitsRegistry
from .model import Document, Unit
from .ooxml.package import normalise_package
from .produce import Produced
from .vietnamese import ky_hieu, number_text, short_date
from .vocabulary import ARCHIVE_LABEL, CONG_VAN_TYPE

SIDECAR_SUFFIX = ".metadata.xml"


# ---------------------------------------------------------------- the rules, as data

@dataclass(frozen=True)
class FieldRule:
    number: str  # "12.1": its number in the Phụ lục VI table
    label: str  # "Chức vụ của người ký văn bản"
    tag: str  # "Position"
    kind: str | None = None  # String, Number, Date; None for a group (FileCode, SignerInfo, To)
    length: int | None = None


@dataclass(frozen=True)
class Rules:
    fields: tuple[FieldRule, ...]
    language: str
    priority: int
    draft_note: str
    register_file: str
    register_title: str
    register_columns: tuple[tuple[str, float], ...]  # (heading, width in characters)
    edxml: dict

    def field(self, number: str) -> FieldRule:
        return next(f for f in self.fields if f.number == number)


@lru_cache(maxsize=1)
def rules() -> Rules:
    data = resources.data_yaml("records-nd30.yaml")
    register = data["register"]
    return Rules(
        fields=tuple(FieldRule(**f) for f in data["outgoing_fields"]),
        language=data["language"], priority=data["priority"], draft_note=data["draft_note"],
        register_file=register["file"], register_title=register["title"],
        register_columns=tuple((c["heading"], c["width"]) for c in register["columns"]),
        edxml=data["edxml"],
    )


# ---------------------------------------------------------------- one document's record

@dataclass(frozen=True)
class Addressee:
    """One "To" of Phụ lục VI (13.1, 13.2): a receiving body, with its mã định danh when known."""

    organ_id: str
    organ_name: str
    registered: bool = False  # a unit of the registry: a body of its own, which the national exchange reaches


@dataclass(frozen=True)
class Record:
    """One outgoing document, field by field as Phụ lục VI numbers them (blank: not known, not made up)."""

    unit: str  # the issuing unit's id in the registry
    file: str  # the .docx, relative to where the batch writes
    organ_id: str  # 1.1 OrganId of the issuing body ("" when the registry does not have it)
    file_catalog: int  # 1.2 FileCatalog: the year (of the document, so of the hồ sơ it goes into)
    file_notation: str  # 1.3 FileNotation: the hồ sơ's số và ký hiệu, given by the văn thư ("")
    doc_ordinal: int | None  # 2 DocOrdinal: its place in the hồ sơ (None)
    type_name: str  # 3 TypeName: "Kế hoạch"
    code_number: str  # 4 CodeNumber: "05"; "" for a draft
    code_notation: str  # 5 CodeNotation: "KH-STP"
    issued_date: str  # 6 IssuedDate: ISO "2021-03-10"; "" for a draft
    organ_name: str  # 7 OrganName
    subject: str  # 8 Subject: the trích yếu
    language: str  # 9 Language
    page_amount: int | None  # 10 PageAmount: from the PDF, or a count saved by Word/LibreOffice; None unknown
    description: str  # 11 Description (ghi chú)
    position: str  # 12.1 Position: the signer's title line, "PHÓ CHỦ TỊCH"
    full_name: str  # 12.2 FullName ("" when the signer is not known yet)
    to: tuple[Addressee, ...]  # 13 To
    priority: int  # 14 Priority
    issued_amount: int | None  # 15 IssuedAmount (None: the văn thư counts the copies)
    due_date: str  # 16 DueDate: ISO, or ""
    # not in Phụ lục VI; what the register and the edXML envelope need besides
    type_code: str = ""  # "KH", "BC"; "CV" for a công văn
    place: str = ""  # địa danh: "Gia Lai"
    competence: str = ""  # the authority lines above the title: "TM. ỦY BAN NHÂN DÂN, KT. CHỦ TỊCH"
    parent_name: str = ""  # cơ quan chủ quản (OrganizationInCharge of edXML)
    recipients: tuple[str, ...] = ()  # the Nơi nhận lines as the document shows them, the Lưu line left out
    archive: str = ""  # đơn vị, người nhận bản lưu: "VT, XDCQ&CTTN"
    appendix: str = ""  # the Phụ lục's title, when the document has one
    appendix_file: str = ""  # the Phụ lục in a file of its own (electronic mode), relative like ``file``

    @property
    def so_ky_hieu(self) -> str:
        """"05/KH-STP"; "…/KH-STP" for a draft (the number is the văn thư's to give)."""
        return f"{self.code_number or '…'}/{self.code_notation}"

    @property
    def date(self) -> dt.date | None:
        return dt.date.fromisoformat(self.issued_date) if self.issued_date else None

    def to_json(self) -> dict:
        """The record as JSON values (lists, not tuples): the same whether just made or read back."""
        data = asdict(self)
        data["to"] = [dict(a) for a in data["to"]]
        data["recipients"] = list(data["recipients"])
        return data

    @classmethod
    def from_json(cls, data: dict) -> Record:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        known["to"] = tuple(Addressee(**a) for a in known.get("to", ()))
        known["recipients"] = tuple(known.get("recipients", ()))
        return cls(**known)

    def with_pages(self, pages: int | None) -> Record:
        return Record(**{**self.__dict__, "page_amount": pages})


def code_notation(document: Document, unit: Unit) -> str:
    """The ký hiệu as the document shows it after "/": "KH-STP"; a công văn's "STP"."""
    return ky_hieu(None if document.type == CONG_VAN_TYPE else document.type, unit.code)


def _names(registry: UnitsRegistry) -> dict[str, Unit]:
    """Registry units by their full and short names, to know a recipient written by name."""
    found: dict[str, Unit] = {}
    for unit in registry.units.values():
        for name in (unit.name, unit.short_name):
            if name:
                found.setdefault(name.casefold(), unit)
    return found


def addressees(document: Document, registry: UnitsRegistry) -> tuple[Addressee, ...]:
    """The bodies the document goes to (Kính gửi, then Nơi nhận): a registry unit (by id, or written by its
    name) with its full name and mã định danh; any other recipient by the name the document gives it."""
    by_name = _names(registry)
    found: list[Addressee] = []
    for recipient in (*document.kinh_gui, *document.recipients):
        unit = registry.units.get(recipient.unit) if recipient.unit else by_name.get((recipient.to or "").casefold())
        entry = (Addressee(unit.organ_id or "", unit.name, registered=True) if unit
                 else Addressee("", inline.plain(recipient.to or "")))
        if entry not in found:
            found.append(entry)
    return tuple(found)


def record_of(produced: Produced, registry: UnitsRegistry, file: str, *, pages: int | None = None,
              electronic: bool = False, appendix_file: str = "") -> Record:
    """The Phụ lục VI record of a produced document. ``pages``: its page count when known (from its PDF); else
    the count stored in the .docx when Word or LibreOffice saved it, else blank. In ``electronic`` mode the
    số and ngày are the e-office's to give (Điều 15.3), so they stay blank here too. ``appendix_file``: where
    its Phụ lục went when it is a file of its own (electronic mode)."""
    document, shown = produced.document, produced.shown
    unit = registry.unit(document.issuer)
    parent = registry.units.get(unit.parent) if unit.parent else None
    numbered = document.number is not None and not electronic
    dated = document.date is not None and not electronic
    authority = [line for line in shown["chu_ky"]["quyen_han"] if line]
    lines = [line for line in shown["noi_nhan"] if not line.startswith(ARCHIVE_LABEL)]
    archive = next((line for line in shown["noi_nhan"] if line.startswith(ARCHIVE_LABEL)), "")
    return Record(
        unit=unit.id, file=file,
        organ_id=unit.organ_id or "", file_catalog=document.issue_year, file_notation="", doc_ordinal=None,
        type_name=derive.type_name(document),
        code_number=number_text(document.number) if numbered else "",
        code_notation=code_notation(document, unit),
        issued_date=document.date.isoformat() if dated else "",
        organ_name=unit.name, subject=inline.plain(document.title), language=rules().language,
        page_amount=pages if pages is not None else docx_pages(produced.data),
        description="" if numbered and dated else rules().draft_note,
        position=authority[-1] if authority else "", full_name=shown["chu_ky"]["ho_ten"] or "",
        to=addressees(document, registry), priority=rules().priority, issued_amount=None, due_date="",
        type_code=document.type, place=document.place or unit.place,
        competence=", ".join(authority[:-1]), parent_name=parent.name if parent else "",
        recipients=tuple(lines), archive=archive.removeprefix(ARCHIVE_LABEL).rstrip("."),
        appendix=inline.plain(document.appendix.title) if document.appendix else "",
        appendix_file=appendix_file,
    )


# ---------------------------------------------------------------- page counts

_PAGES = etree.XPath("//*[local-name()='Pages']")
_APPLICATION = etree.XPath("//*[local-name()='Application']")


def docx_pages(data: bytes) -> int | None:
    """The page count a .docx stores (``docProps/app.xml``), when it can be trusted: Word and LibreOffice
    write it after laying the document out; vanban writes none (it does not lay pages out), and a count
    next to vanban's own name would be a template's, not this document's."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            root = etree.fromstring(package.read("docProps/app.xml"))
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError):
        return None
    application = _APPLICATION(root)
    pages = _PAGES(root)
    if not pages or not (pages[0].text or "").strip().isdigit():
        return None
    if application and (application[0].text or "").strip() == "vanban":
        return None
    count = int(pages[0].text.strip())
    return count if count > 0 else None


def pdf_pages(path: Path) -> int | None:
    """The number of pages of a PDF; None when it cannot be read."""
    try:
        document = pypdfium2.PdfDocument(str(path))
    except (pypdfium2.PdfiumError, OSError):
        return None
    try:
        return len(document)
    finally:
        document.close()


# ---------------------------------------------------------------- the sidecar

def _value(value) -> str:
    return "" if value is None else str(value)


def _cut(value: str, rule: FieldRule) -> str:
    return value if rule.length is None or len(value) <= rule.length else value[: rule.length]


def flat_fields(record: Record) -> list[tuple[FieldRule, str]]:
    """Every Phụ lục VI field with its value, in the table's order (13 once per addressee, 13.x each)."""
    r = rules()
    out: list[tuple[FieldRule, str]] = []
    values = {"1.1": record.organ_id, "1.2": record.file_catalog, "1.3": record.file_notation,
              "2": record.doc_ordinal, "3": record.type_name, "4": record.code_number, "5": record.code_notation,
              "6": record.issued_date, "7": record.organ_name, "8": record.subject, "9": record.language,
              "10": record.page_amount, "11": record.description, "12.1": record.position,
              "12.2": record.full_name, "14": record.priority, "15": record.issued_amount, "16": record.due_date}
    for rule in r.fields:
        if rule.number == "13.1":
            for addressee in record.to:
                out.append((rule, addressee.organ_id))
                out.append((r.field("13.2"), addressee.organ_name))
        elif rule.number in values:
            out.append((rule, _value(values[rule.number])))
    return out


def too_long(record: Record) -> list[tuple[FieldRule, int]]:
    """The fields whose value is longer than Phụ lục VI allows, with their length (they are cut in the sidecar
    and the envelope; the document itself keeps its full text)."""
    return [(rule, len(value)) for rule, value in flat_fields(record)
            if rule.length is not None and len(value) > rule.length]


def metadata_xml(record: Record) -> bytes:
    """The sidecar ``<file-stem>.metadata.xml``: the record under the Phụ lục VI tags, in the table's order,
    each value cut to its length; a blank field is an empty element."""
    r = rules()
    cut = {rule.number: rule for rule in r.fields}

    def put(parent, number: str, value) -> None:
        rule = cut[number]
        etree.SubElement(parent, rule.tag).text = _cut(_value(value), rule)

    root = etree.Element("OutgoingDocument")
    root.append(etree.Comment(" Dữ liệu đặc tả văn bản đi: Nghị định 30/2020/NĐ-CP, Phụ lục VI, Phần II, mục I "))
    code = etree.SubElement(root, cut["1"].tag)
    put(code, "1.1", record.organ_id)
    put(code, "1.2", record.file_catalog)
    put(code, "1.3", record.file_notation)
    for number, value in (("2", record.doc_ordinal), ("3", record.type_name), ("4", record.code_number),
                          ("5", record.code_notation), ("6", record.issued_date), ("7", record.organ_name),
                          ("8", record.subject), ("9", record.language), ("10", record.page_amount),
                          ("11", record.description)):
        put(root, number, value)
    signer = etree.SubElement(root, cut["12"].tag)
    put(signer, "12.1", record.position)
    put(signer, "12.2", record.full_name)
    for addressee in record.to:
        to = etree.SubElement(root, cut["13"].tag)
        put(to, "13.1", addressee.organ_id)
        put(to, "13.2", addressee.organ_name)
    for number, value in (("14", record.priority), ("15", record.issued_amount), ("16", record.due_date)):
        put(root, number, value)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def sidecar_name(docx_file: str) -> str:
    """``so-tu-phap/ke-hoach.docx`` → ``so-tu-phap/ke-hoach.metadata.xml``."""
    path = Path(docx_file)
    return str(path.with_name(path.stem + SIDECAR_SUFFIX))


# ---------------------------------------------------------------- the register of outgoing documents

def register_notes(record: Record) -> str:
    """The register's «Ghi chú» (column 10): the record's description, and the Phụ lục when it is a file of its
    own, so that the văn thư registers and sends both files."""
    notes = [record.description] if record.description else []
    if record.appendix_file:
        notes.append(f"Kèm Phụ lục (tệp riêng {Path(record.appendix_file).name})")
    return "\n".join(notes)


def register_rows(records: Iterable[Record]) -> list[list]:
    """One row per document under the ten Phụ lục IV headings (columns 7–9 are the văn thư's to fill)."""
    rows = []
    for record in records:
        date = record.date
        signer = "\n".join(part for part in (record.position, record.full_name) if part)
        rows.append([record.so_ky_hieu, short_date(date) if date else "",
                     f"{record.type_name}: {record.subject}", signer, "\n".join(record.recipients),
                     record.archive, record.issued_amount, None, None, register_notes(record)])
    return rows


_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_FONT = "Times New Roman"


_LINE_POINTS = 15.6  # one line of Times New Roman 12 in a spreadsheet row
_CHARACTERS_PER_WIDTH = 1.15  # characters of Vietnamese text in Times New Roman 12 per unit of column width


def _wrapped_lines(value, width: float) -> int:
    """How many lines a wrapped cell shows: each of its own lines, broken at words to the column's width."""
    room = max(1, int(width * _CHARACTERS_PER_WIDTH) - 1)
    count = 0
    for line in str(value if value is not None else "").split("\n"):
        taken, lines = 0, 1
        for word in line.split():
            needed = len(word) + (1 if taken else 0)
            if taken and taken + needed > room:
                lines, taken = lines + 1, len(word)
            else:
                taken += needed
        count += lines
    return max(1, count)


def register_workbook(records: Sequence[Record], *, heading: str | None = None) -> bytes:
    """The sổ đăng ký văn bản đi as .xlsx bytes: a title (and ``heading`` under it: the issuer, the plan), the
    ten Phụ lục IV headings bold and numbered (1)–(10), frozen under them and repeated on every printed page,
    one row per record, text wrapped, A4 landscape fitted to the page width. The same records give the same
    bytes."""
    r = rules()
    columns = r.register_columns
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Sổ đăng ký văn bản đi"
    last = get_column_letter(len(columns))
    sheet.merge_cells(f"A1:{last}1")
    sheet["A1"] = r.register_title
    sheet["A1"].font = Font(name=_FONT, bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[1].height = 24
    head_row = 2
    if heading:
        sheet.merge_cells(f"A2:{last}2")
        sheet["A2"] = heading
        sheet["A2"].font = Font(name=_FONT, italic=True, size=12)
        sheet["A2"].alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.row_dimensions[2].height = round(_wrapped_lines(heading, sum(w for _, w in columns)) * _LINE_POINTS + 4, 1)
        head_row = 3
    for index, (text, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
        for row, value in ((head_row, text), (head_row + 1, f"({index})")):
            cell = sheet.cell(row=row, column=index, value=value)
            cell.font = Font(name=_FONT, bold=row == head_row, italic=row != head_row, size=12)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            cell.border = _BOX
    sheet.row_dimensions[head_row].height = 48
    first = head_row + 2
    for offset, values in enumerate(register_rows(records)):
        for index, value in enumerate(values, start=1):
            cell = sheet.cell(row=first + offset, column=index, value=value)
            cell.font = Font(name=_FONT, size=12)
            cell.alignment = Alignment(vertical="top", wrap_text=True,
                                       horizontal="center" if index in (1, 2, 7, 8) else "left")
            cell.border = _BOX
        # neither Excel nor LibreOffice fits a row to its wrapped text when they open a file: its height is set
        # here, from the lines each cell wraps into at its column's width
        lines = max(_wrapped_lines(value, width) for value, (_, width) in zip(values, columns))
        sheet.row_dimensions[first + offset].height = round(lines * _LINE_POINTS + 4, 1)
    sheet.freeze_panes = f"A{first}"
    sheet.print_title_rows = f"{head_row}:{head_row + 1}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.5
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    workbook.properties.creator = workbook.properties.lastModifiedBy = "vanban"
    workbook.properties.title = r.register_title.capitalize()
    workbook.properties.created = dt.datetime(2000, 1, 1)
    buffer = io.BytesIO()
    workbook.save(buffer)
    # the save time pinned, vanban named as the writer: the same records give the same bytes, and a register
    # a văn thư has filled in and saved (Excel writes its own name) is known and kept (output.keep_edited)
    return normalise_package(buffer.getvalue(), modified="2000-01-01T00:00:00Z", application="vanban")


# ---------------------------------------------------------------- the duplicate check

@dataclass(frozen=True)
class Numbered:
    """A document that will carry a số: what the duplicate check compares, and how to name it to a person."""

    unit: str
    unit_name: str
    organ_id: str
    file: str
    number: int
    notation: str
    year: int
    location: Location | None = None  # where its số comes from (a results file), or None
    registry: Path | None = None

    @property
    def body(self) -> tuple[str, str]:
        """One issuing body: its mã định danh when the registry has one, else its name (Phụ lục VI, III.1.h)."""
        return ("id", self.organ_id) if self.organ_id else ("name", self.unit_name.casefold())


def numbered(document: Document, registry: UnitsRegistry, file: str, location: Location | None = None
             ) -> Numbered | None:
    """What the duplicate check needs of a document, or None for a draft (no số: nothing to clash)."""
    if document.number is None:
        return None
    unit = registry.unit(document.issuer)
    return Numbered(unit.id, unit.name, unit.organ_id or "", file, document.number, code_notation(document, unit),
                    document.issue_year, location, registry.path)


def duplicates(documents: Iterable[Numbered]) -> list[InputError]:
    """One error for each document that has the same số and ký hiệu in the same year as an earlier one of the
    same issuing body (same mã định danh, or same name when either has none), naming both."""
    seen: dict[tuple, Numbered] = {}
    errors = []
    for doc in documents:
        keys = [(doc.body, doc.year, doc.number, doc.notation)]
        if doc.organ_id:  # a body with a code also clashes with a same-named entry that has none
            keys.append((("name", doc.unit_name.casefold()), doc.year, doc.number, doc.notation))
        earlier = next((seen[k] for k in keys if k in seen), None)
        if earlier is None:
            for key in keys:
                seen.setdefault(key, doc)
            continue
        same = (f"cùng mã định danh {doc.organ_id}" if doc.organ_id and doc.organ_id == earlier.organ_id
                else f"cùng cơ quan ban hành «{doc.unit_name}»")
        errors.append(InputError(
            f"hai văn bản trùng số và ký hiệu {number_text(doc.number)}/{doc.notation} năm {doc.year}, {same}: "
            f"của đơn vị «{earlier.unit_name}» ({earlier.unit}, tệp {earlier.file}) và của đơn vị "
            f"«{doc.unit_name}» ({doc.unit}, tệp {doc.file}); một cơ quan không ban hành hai văn bản cùng số, "
            f"ký hiệu trong một năm (Nghị định 30/2020/NĐ-CP, Điều 15 và Phụ lục VI) nên chưa tệp nào được ghi",
            doc.location or Location(doc.registry),
            hint="sửa số của một trong hai văn bản, hoặc tên, mã định danh của đơn vị trong sổ đơn vị nếu đó là "
                 "hai cơ quan khác nhau"))
    return errors
