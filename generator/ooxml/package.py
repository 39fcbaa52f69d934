"""Packages (the zip files of .docx and .xlsx): written byte-for-byte reproducibly, guarded when read, and
who last saved them.

A zip entry normally carries the time it was written; vanban fixes every entry's time, order,
permissions and compression so that the same document always gives the same bytes (a batch rerun,
an e-office system comparing sha256 sums).
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from lxml import etree

FIXED_TIME = (1980, 1, 1, 0, 0, 0)
# A .docx or .xlsx from a user's hands is opened only if it unpacks to a sane size: a real document of
# hundreds of pages is a few MB; a zip bomb claims gigabytes from a few kilobytes, or claims a few bytes
# and inflates to gigabytes (Python's zipfile inflates a member's whole compressed data in one call before
# cutting it to the declared size: 1 MB of deflated zeros became 1 GB). So the guard inflates every member
# itself, a chunk at a time, and stops as soon as a member gives more than it declared or the whole more
# than MAX_UNCOMPRESSED; python-docx and openpyxl only ever get bytes that passed it.
MAX_ENTRIES = 2000
MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_NAME = 512  # characters of a member's name (Word's longest are about 40)
CHUNK = 64 * 1024
_END_OF_DIRECTORY = b"PK\x05\x06"
_LOCAL_HEADER = b"PK\x03\x04"


def unpack_problem(source) -> str | None:
    """Why the zip ``source`` (path, bytes or binary file) must not be opened, in Vietnamese words that follow
    "tệp .docx …", or None when it is sane. Raises ``zipfile.BadZipFile`` when it is not a readable zip."""
    data = _bytes_of(source)
    # the entry count of the end record, before zipfile builds an object for every entry it lists
    end = data.rfind(_END_OF_DIRECTORY, max(0, len(data) - 22 - 65535))
    if end >= 0 and end + 22 <= len(data):
        listed = struct.unpack_from("<H", data, end + 10)[0]
        if MAX_ENTRIES < listed < 0xFFFF:
            return f"có hơn {MAX_ENTRIES} phần"
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        infos = package.infolist()
    if len(infos) > MAX_ENTRIES:
        return f"có hơn {MAX_ENTRIES} phần"
    too_large = f"quá lớn khi giải nén (hơn {MAX_UNCOMPRESSED // (1024 * 1024)} MB)"
    if sum(info.file_size for info in infos) > MAX_UNCOMPRESSED:
        return too_large
    spans: list[tuple[int, int]] = []
    total = 0
    for info in infos:
        if len(info.filename) > MAX_NAME:
            return "có phần mang tên dài bất thường"
        if info.flag_bits & 0x1:
            return "có phần được mã hóa"
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            return "dùng kiểu nén Word và Excel không dùng"
        start, stop = _member_span(data, info)
        spans.append((info.header_offset, stop))
        allowed = min(info.file_size, MAX_UNCOMPRESSED - total)
        inflated = _inflated_size(data, start, stop, info.compress_type, allowed + 1)
        if inflated > MAX_UNCOMPRESSED - total:
            return too_large
        if inflated != info.file_size:
            return "khai báo sai kích thước khi giải nén"
        total += inflated
    spans.sort()
    if any(later[0] < earlier[1] for earlier, later in zip(spans, spans[1:])):
        return "có các phần chồng lên nhau"
    return None


def too_large_unpacked(source) -> bool:
    """Whether the zip ``source`` fails :func:`unpack_problem`. Raises ``zipfile.BadZipFile`` when it is not
    a zip at all."""
    return unpack_problem(source) is not None


def _bytes_of(source) -> bytes:
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source)
    if hasattr(source, "read"):
        return source.read()
    with open(source, "rb") as file:
        return file.read()


def _member_span(data: bytes, info: zipfile.ZipInfo) -> tuple[int, int]:
    """Where the compressed bytes of ``info`` start and stop, from its local header."""
    offset = info.header_offset
    header = data[offset:offset + 30]
    if len(header) < 30 or not header.startswith(_LOCAL_HEADER):
        raise zipfile.BadZipFile("bad local header")
    name_length, extra_length = struct.unpack_from("<HH", header, 26)
    start = offset + 30 + name_length + extra_length
    stop = start + info.compress_size
    if stop > len(data):
        raise zipfile.BadZipFile("member beyond the end")
    return start, stop


def _inflated_size(data: bytes, start: int, stop: int, method: int, limit: int) -> int:
    """The bytes the member at ``data[start:stop]`` really inflates to, counted a chunk at a time and given up
    as soon as the count reaches ``limit`` (never more than CHUNK bytes held at once)."""
    if method == zipfile.ZIP_STORED:
        return stop - start
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    view = memoryview(data)
    count = 0
    try:
        for position in range(start, stop, CHUNK):
            pending = view[position:min(position + CHUNK, stop)]
            while pending and not inflater.eof:
                count += len(inflater.decompress(pending, CHUNK))
                if count >= limit:
                    return count
                pending = inflater.unconsumed_tail
            if inflater.eof:
                break
        while not inflater.eof:
            piece = inflater.decompress(b"", CHUNK)
            if not piece:
                break
            count += len(piece)
            if count >= limit:
                return count
    except zlib.error:
        raise zipfile.BadZipFile("bad deflate data") from None
    return count


_APPLICATION = re.compile(r"<Application>([^<]*)</Application>")
_LAST_MODIFIED_BY = re.compile(r"<cp:lastModifiedBy>([^<]*)</cp:lastModifiedBy>")


def last_saved_by(path) -> tuple[str | None, str | None]:
    """The application and the person that last saved the package at ``path`` (``docProps/app.xml``'s
    Application, ``docProps/core.xml``'s lastModifiedBy): Word and LibreOffice rewrite both on save.
    ``(None, None)`` when the file is not a readable package."""
    try:
        with zipfile.ZipFile(path) as package:
            app = package.read("docProps/app.xml").decode("utf-8", "replace")
            core = package.read("docProps/core.xml").decode("utf-8", "replace")
    except (zipfile.BadZipFile, KeyError, OSError):
        return None, None
    application, person = _APPLICATION.search(app), _LAST_MODIFIED_BY.search(core)
    return (application[1] if application else None), (person[1] if person else None)


CONTENT_TYPES = "[Content_Types].xml"


def write_package(parts: Iterable[tuple[str, bytes]]) -> bytes:
    """Zip ``(name, data)`` pairs into .docx bytes; ``[Content_Types].xml`` goes first, as Word writes it."""
    ordered = sorted(parts, key=lambda item: (item[0] != CONTENT_TYPES,))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in ordered:
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 0
            archive.writestr(info, data, compresslevel=6)
    return buffer.getvalue()


def read_package(data: bytes) -> list[tuple[str, bytes]]:
    """The ``(name, data)`` pairs of a zip package, in stored order."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


_APPLICATION_BYTES = re.compile(rb"<Application>[^<]*</Application>")
_MODIFIED = re.compile(rb"(<dcterms:modified\b[^>]*>)[^<]*(</dcterms:modified>)")


def normalise_package(data: bytes, *, modified: str | None = None, application: str | None = None) -> bytes:
    """Re-zip a package produced by another writer (python-docx stamps the current time on entries).

    ``modified`` (W3CDTF, e.g. "2000-01-01T00:00:00Z") replaces the save time that openpyxl writes into
    ``docProps/core.xml`` whatever the workbook says, so that the same workbook always gives the same bytes;
    ``application`` replaces the writer's name in ``docProps/app.xml`` (see :func:`last_saved_by`)."""
    parts = read_package(data)
    if modified is not None:
        stamp = modified.encode("ascii")
        parts = [(name, _MODIFIED.sub(rb"\g<1>" + stamp + rb"\g<2>", content) if name == "docProps/core.xml"
                  else content) for name, content in parts]
    if application is not None:
        named = b"<Application>" + application.encode("utf-8") + b"</Application>"
        parts = [(name, _APPLICATION_BYTES.sub(named, content) if name == "docProps/app.xml" else content)
                 for name, content in parts]
    return write_package(parts)


# ---------------------------------------------------------------- raw copies for fast batches


_DOS_DATE = (1 << 5) | 1  # 1980-01-01
_LOCAL = struct.Struct("<IHHHHHIIIHH")
_CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")
_END = struct.Struct("<IHHHHIIH")


@dataclass(frozen=True)
class Member:
    """A zip entry ready to be written: its name and its deflated bytes with their CRC and sizes."""

    name: str
    data: bytes  # compressed with raw deflate
    crc: int
    size: int


def deflate(name: str, content: bytes, level: int = 1) -> Member:
    packer = zlib.compressobj(level, zlib.DEFLATED, -15)
    return Member(name, packer.compress(content) + packer.flush(), zlib.crc32(content), len(content))


def members_of(package: bytes) -> list[Member]:
    """The entries of a zip as stored (still compressed), so they can be copied without recompressing."""
    out = []
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        for info in archive.infolist():
            if info.compress_type != zipfile.ZIP_DEFLATED:
                out.append(deflate(info.filename, archive.read(info)))
                continue
            start = info.header_offset
            name_length, extra_length = struct.unpack("<HH", package[start + 26:start + 30])
            begin = start + 30 + name_length + extra_length
            out.append(Member(info.filename, package[begin:begin + info.compress_size], info.CRC, info.file_size))
    return out


def write_members(members: list[Member]) -> bytes:
    """A deterministic zip of already-deflated members (Python's zipfile cannot take compressed data)."""
    body = bytearray()
    central = bytearray()
    for member in members:
        name = member.name.encode("utf-8")
        offset = len(body)
        body += _LOCAL.pack(0x04034B50, 20, 0x800, 8, 0, _DOS_DATE, member.crc, len(member.data), member.size,
                            len(name), 0)
        body += name + member.data
        central += _CENTRAL.pack(0x02014B50, 20, 20, 0x800, 8, 0, _DOS_DATE, member.crc, len(member.data),
                                 member.size, len(name), 0, 0, 0, 0, 0o644 << 16, offset) + name
    end = _END.pack(0x06054B50, 0, 0, len(members), len(members), len(central), len(body), 0)
    return bytes(body + central + end)


# ---------------------------------------------------------------- a .docx opened for reading

@dataclass(frozen=True, eq=False)
class Rendered:
    """A package vanban has just written: its zip bytes, and the uncompressed bytes of every part as they went
    into it. The checker reads the parts (``DocxView(parts=…)``) instead of unzipping what was just zipped; the
    parts a template passes on unchanged are the same bytes objects document after document, so whatever is
    found from them once (their hash, their parsing) is found again for nothing."""

    data: bytes
    parts: Mapping[str, bytes]


_RELS_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_OFFICE_DOCUMENT = "/officeDocument"


class DocxView:
    """A .docx opened for reading only: its main document part parsed, every other part read from the zip
    (and parsed by whoever asks) only when asked for.

    The checker and the importer read through it; python-docx's ``Document`` opens, parses and wraps every
    part of the package first, which costs more than checking a generated document does. Relationships are
    resolved the way the OPC says (``_rels/.rels`` → the main part → its ``.rels``); external targets and
    missing parts are simply absent. Parsing uses python-docx's own parser, so ``element`` (``w:document``)
    has ``.body`` exactly as ``Document.element`` has.
    """

    # what ooxml.document reads of the body once per opened document (its cuts, its sections), kept with it;
    # here, so asking before it is read raises (and formats) no AttributeError
    _body_source = False
    _sections = None

    def __init__(self, data: bytes | None = None, *, parts: Mapping[str, bytes] | None = None):
        """From a package's zip bytes, or from the ``parts`` (name → uncompressed bytes) of one vanban has just
        written, which are not unzipped again (see :class:`Rendered`)."""
        from docx.oxml.parser import parse_xml  # python-docx's parser and element classes

        if parts is not None:
            self._zip, self._names, self._blobs = None, set(parts), dict(parts)
        else:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
            self._names = set(self._zip.namelist())
            self._blobs: dict[str, bytes | None] = {}
        package_rels = self._relationships("", "_rels/.rels")
        main = next((target for kind, target in package_rels.values() if kind.endswith(_OFFICE_DOCUMENT)),
                    "word/document.xml")
        blob = self.blob(main)
        if blob is None:
            raise KeyError(main)
        self.main_blob = blob  # its source, for keys cut from it (ooxml.document.body_source)
        # a file from elsewhere is parsed now, so a broken one is refused as it is opened; parts vanban has just
        # written are parsed only if a reading needs the tree (most checks of a batch's documents do not)
        self._element = parse_xml(blob) if parts is None else None
        self.package_rels = package_rels
        folder, _, name = main.rpartition("/")
        self.rels = self._relationships(folder, f"{folder}/_rels/{name}.rels" if folder else f"_rels/{name}.rels")

    @property
    def element(self):
        """The main part's root element (``w:document``), parsed when first asked for."""
        if self._element is None:
            from docx.oxml.parser import parse_xml  # python-docx's parser and element classes, as __init__

            self._element = parse_xml(self.main_blob)
        return self._element

    @property
    def parsed(self) -> bool:
        """Whether the main part's tree has been made (readings that can do without it ask)."""
        return self._element is not None

    def blob(self, name: str | None) -> bytes | None:
        """The bytes of a part (its name inside the zip), or None when the package has no such part."""
        if name is None:
            return None
        if name not in self._blobs:
            self._blobs[name] = self._zip.read(name) if self._zip is not None and name in self._names else None
        return self._blobs[name]

    def related(self, rid: str) -> bytes | None:
        """The part the main document part refers to as ``rid`` (a header, a footer …)."""
        return self.blob(self.rels.get(rid, ("", None))[1])

    def of_type(self, reltype_end: str, *, package: bool = False) -> bytes | None:
        """The first part the main document part (or, with ``package``, the package) relates to with a
        relationship type ending ``reltype_end`` ("/styles", "/theme", "/numbering", "/extended-properties")."""
        rels = self.package_rels if package else self.rels
        return next((self.blob(target) for kind, target in rels.values()
                     if kind.endswith(reltype_end) and target is not None), None)

    def _relationships(self, folder: str, rels_name: str) -> dict[str, tuple[str, str | None]]:
        data = self.blob(rels_name)
        if data is None:
            return {}
        # recalled only for parts of an ordinary size: the cache must not keep a hostile file's megabytes
        parse = _parsed_relationships if len(data) <= 65536 else _parsed_relationships.__wrapped__
        return dict(parse(folder, data))


@lru_cache(maxsize=256)  # the documents of one template carry the same relationship parts
def _parsed_relationships(folder: str, data: bytes) -> tuple[tuple[str, tuple[str, str | None]], ...]:
    out: dict[str, tuple[str, str | None]] = {}
    for rel in etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True)):
        target = rel.get("Target") or ""
        if rel.get("TargetMode") == "External":
            out[rel.get("Id", "")] = (rel.get("Type", ""), None)
            continue
        out[rel.get("Id", "")] = (rel.get("Type", ""), _resolve(folder, target))
    return tuple(out.items())


def _resolve(folder: str, target: str) -> str:
    """A relationship's target as a part name: relative to the source part's folder, or absolute."""
    parts = (target.lstrip("/") if target.startswith("/") else f"{folder}/{target}" if folder else target).split("/")
    out: list[str] = []
    for part in parts:
        if part == "..":
            if out:
                out.pop()
        elif part not in ("", "."):
            out.append(part)
    return "/".join(out)
