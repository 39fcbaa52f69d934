"""`vanban check`: inspect any .docx against the ND30 rule catalogue.

``check_docx(path)`` opens the file, finds its elements (``anatomy``), runs every inspection of the
catalogue (``inspections``) and returns a :class:`DocumentReport`; ``report`` formats it for people
(grouped by element, in Vietnamese) and for machines (JSON).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..ooxml.document import header_parts, open_docx, read_docx, resolver_of, sections, stored_page_count
from ..ooxml.package import DocxView, Rendered
from .anatomy import Anatomy, anatomy_of, normal
from .catalogue import UNOBSERVABLE, VIOLATED, Outcome, Rule, Violation
from .inspections import Subject
from .inspections_more import rules_for

__all__ = ["DocumentReport", "RuleResult", "check_docx", "check_document", "check_rendered", "check_subject", "locate", "open_docx",
           "subject_of"]


@dataclass(slots=True)  # sixty-odd per document checked: not frozen (a frozen one's __init__ costs 3×), slots
class RuleResult:
    rule: Rule
    outcome: Outcome
    places: tuple[int | None, ...] = ()  # per violation: the anatomy line it is about (None: the whole document)

    def place(self, index: int) -> int | None:
        return self.places[index] if index < len(self.places) else None

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


def subject_of(document) -> Subject:
    all_sections = sections(document)
    first = all_sections[0] if all_sections else None
    parts = header_parts(document, first) if first is not None else []
    title_page = first.title_page if first is not None else False
    return Subject(document, anatomy_of(document), resolver_of(document), all_sections, parts, title_page,
                   stored_page_count(document))


# where a violation that names no line is about: the element its rule inspects (by the rule id's first part)
_PARTS = {"quoc-hieu": "quoc_hieu", "tieu-ngu": "tieu_ngu", "co-quan": "issuer", "so": "so", "ngay": "date",
          "ten-loai": "ten_loai", "trich-yeu": "trich_yeu", "kinh-gui": "kinh_gui", "noi-dung": "content",
          "chu-ky": "authority", "noi-nhan": "noi_nhan_label"}


def locate(anatomy: Anatomy, rule: Rule, violation: Violation) -> int | None:
    """The line (its ``order``) a violation is about: the one the inspection named, else the line with its
    text, else the first line of the element its rule inspects; None for the whole document (page, margins)."""
    if violation.order is not None:
        return violation.order
    text = normal(violation.text)
    if text:
        found = next((line.order for line in anatomy.lines if line.text == text), None)
        if found is not None:
            return found
    part = getattr(anatomy, _PARTS.get(rule.id.split(".")[0], ""), None)
    first = part[0] if isinstance(part, list) and part else part
    return first.order if first is not None and not isinstance(first, list) else None


def check_subject(subject: Subject, path: Path | str = "") -> DocumentReport:
    results = []
    for rule, inspect in rules_for(subject):  # each rule of the catalogue, as it applies to this document
        outcome = inspect(subject, rule)
        places = tuple(locate(subject.anatomy, rule, v) for v in outcome.violations) if outcome.violations else ()
        results.append(RuleResult(rule, outcome, places))
    return DocumentReport(Path(path), results)


def check_document(document, path: Path | str = "") -> DocumentReport:
    return check_subject(subject_of(document), path)


def check_docx(source: Path | bytes, name: str | Path | None = None) -> DocumentReport:
    """Check a .docx file (or its bytes) against every rule of the catalogue."""
    document = read_docx(source, name)
    return check_document(document, name or (source if not isinstance(source, bytes) else ""))


def check_rendered(rendered: Rendered | bytes, name: str | Path = "") -> DocumentReport:
    """Check a document vanban has just rendered in this process (its bytes never left memory, so the guard
    against hostile zips that :func:`check_docx` runs has nothing to guard against): from the parts the
    renderer zipped when it hands them over (``render.render_package``), else from the zip."""
    view = DocxView(parts=rendered.parts) if isinstance(rendered, Rendered) else DocxView(rendered)
    return check_document(view, name)
