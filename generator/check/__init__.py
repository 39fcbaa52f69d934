"""`vanban check`: inspect any .docx against the ND30 rule catalogue.

``check_docx(path)`` opens the file, finds its elements (``anatomy``), runs every inspection of the
catalogue (``inspections``) and returns a :class:`DocumentReport`; ``report`` formats it for people
(grouped by element, in Vietnamese) and for machines (JSON).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.opc.exceptions import PackageNotFoundError
from lxml import etree

from ..errors import InputError, Location
from ..ooxml import qn
from ..ooxml.package import too_large_unpacked
from .anatomy import anatomy_of
from .catalogue import UNOBSERVABLE, VIOLATED, Outcome, Rule, catalogue, unobservable
from .inspections import INSPECTIONS, HeaderPart, Subject



@dataclass(frozen=True)
class RuleResult:
    rule: Rule
    outcome: Outcome

    @property
    def failed(self) -> bool:
        return self.outcome.status == VIOLATED

    @property
    def status(self) -> str:
        """"lỗi" / "cảnh báo" for a violation, else the outcome's own status."""
        return self.rule.severity if self.failed else self.outcome.status


@dataclass(frozen=True)
class DocumentReport:
    path: Path
    results: list[RuleResult]

    @property
    def errors(self) -> list[RuleResult]:
        return [r for r in self.results if r.failed and r.rule.severity == "lỗi"]

    @property
    def warnings(self) -> list[RuleResult]:
        return [r for r in self.results if r.failed and r.rule.severity == "cảnh báo"]

    @property
    def unobservable(self) -> list[RuleResult]:
        return [r for r in self.results if r.outcome.status == UNOBSERVABLE]

    @property
    def ok(self) -> bool:
        return not self.errors


def open_docx(source: Path | bytes, name: str | Path | None = None):
    """Open a .docx with python-docx after checking it is a sane zip (no bomb, not another format)."""
    label = name or source if not isinstance(source, bytes) else name or "tệp tải lên"
    data = source if isinstance(source, bytes) else None
    try:
        if data is None:
            data = Path(source).read_bytes()
    except FileNotFoundError:
        raise InputError("không tìm thấy tệp", Location(label)) from None
    except OSError as exc:
        raise InputError(f"không đọc được tệp ({exc.strerror})", Location(label)) from None
    try:
        if too_large_unpacked(data):
            raise InputError("tệp .docx quá lớn khi giải nén (nghi là tệp độc hại), không mở", Location(label))
        return Document(io.BytesIO(data))
    except InputError:
        raise
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError, etree.XMLSyntaxError):
        raise InputError("không phải tệp Word .docx hợp lệ (tệp .doc cũ hãy lưu lại dưới dạng .docx)",
                         Location(label)) from None


def subject_of(document) -> Subject:
    body = document.element.body
    sections = [p for p in body.iter(qn("w:sectPr"))]
    first = sections[0] if sections else None
    parts: list[HeaderPart] = []
    title_page = False
    if first is not None:
        title = first.find(qn("w:titlePg"))
        title_page = title is not None and title.get(qn("w:val")) not in ("0", "false")
        for tag, area in (("w:headerReference", "header"), ("w:footerReference", "footer")):
            for ref in first.findall(qn(tag)):
                try:
                    part = document.part.related_parts[ref.get(qn("r:id"))]
                    parts.append(HeaderPart(ref.get(qn("w:type")) or "default", area, etree.fromstring(part.blob)))
                except (KeyError, etree.XMLSyntaxError):
                    continue
    return Subject(document, anatomy_of(document), _resolver(document), sections, parts, title_page,
                   _page_count(document))


def _resolver(document):
    from ..ooxml.reading import FormatResolver

    return FormatResolver.for_document(document)


_EP = "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}"


def _page_count(document) -> int | None:
    """The page count a word processor stored, when it was stored for this very text.

    Generators copy docProps/app.xml from a template ("<Pages>1</Pages>" with zero words), so the count is
    only trusted when the stored word count matches the document's words.
    """
    try:
        for rel in document.part.package.rels.values():
            if rel.reltype.endswith("/extended-properties"):
                root = etree.fromstring(rel.target_part.blob)
                pages, words = root.find(f"{_EP}Pages"), root.find(f"{_EP}Words")
                if pages is None or words is None or not (pages.text or "").isdigit() or not (words.text or "").isdigit():
                    return None
                actual = sum(len((t.text or "").split()) for t in document.element.body.iter(qn("w:t")))
                return int(pages.text) if actual and abs(int(words.text) - actual) <= 0.2 * actual else None
    except (AttributeError, KeyError, etree.XMLSyntaxError):
        return None
    return None


def check_document(document, path: Path | str = "") -> DocumentReport:
    subject = subject_of(document)
    results = []
    for rule in catalogue():
        inspect = INSPECTIONS.get(rule.id)
        outcome = inspect(subject, rule) if inspect else unobservable("chưa có bước kiểm tra cho quy tắc này")
        results.append(RuleResult(rule, outcome))
    return DocumentReport(Path(path), results)


def check_docx(source: Path | bytes, name: str | Path | None = None) -> DocumentReport:
    """Check a .docx file (or its bytes) against every rule of the catalogue."""
    document = open_docx(source, name)
    return check_document(document, name or (source if not isinstance(source, bytes) else ""))
