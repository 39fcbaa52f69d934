"""`vanban check`: inspect any .docx against the ND30 rule catalogue.

``check_docx(path)`` opens the file, finds its elements (``anatomy``), runs every inspection of the
catalogue (``inspections``) and returns a :class:`DocumentReport`; ``report`` formats it for people
(grouped by element, in Vietnamese) and for machines (JSON).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..ooxml.document import header_parts, open_docx, resolver_of, sections, stored_page_count
from .anatomy import anatomy_of
from .catalogue import UNOBSERVABLE, VIOLATED, Outcome, Rule, catalogue, unobservable
from .inspections import INSPECTIONS, Subject

__all__ = ["DocumentReport", "RuleResult", "check_docx", "check_document", "open_docx", "subject_of"]


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


def subject_of(document) -> Subject:
    all_sections = sections(document)
    first = all_sections[0] if all_sections else None
    parts = header_parts(document, first) if first is not None else []
    title_page = first.title_page if first is not None else False
    return Subject(document, anatomy_of(document), resolver_of(document), all_sections, parts, title_page,
                   stored_page_count(document))


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
