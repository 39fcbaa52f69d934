"""`vanban check --comments`: the findings written into a copy of the document as Word comments.

Each finding becomes one comment (author «vanban», initials «VB») anchored on the runs of the line it is
about (``check.locate``): the message of its rule, the offending text and what is wrong, how to fix it and
the article of ND30. Findings about the whole document (page size, margins, page numbers) are anchored on
its first line of text. Several violations of one rule on one line share a comment. The document itself
is not otherwise changed; Word and LibreOffice show the comments in the margin.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from docx.text.paragraph import Paragraph
from docx.text.run import Run

from ..ooxml.package import normalise_package
from . import DocumentReport, RuleResult, check_subject, open_docx, subject_of
from .anatomy import Anatomy, Line
from .catalogue import Violation

AUTHOR = "vanban"
INITIALS = "VB"
EXCERPT = 80


@dataclass(frozen=True)
class Commented:
    data: bytes  # the .docx with the comments
    report: DocumentReport
    comments: int


def _excerpt(text: str) -> str:
    return text if len(text) <= EXCERPT else text[: EXCERPT - 1] + "…"


def comment_text(result: RuleResult, violations: list[Violation]) -> str:
    """The comment of one rule's violations on one line: one paragraph per line of this text."""
    rule = result.rule
    lines = [f"{rule.severity.capitalize()} [{rule.id}]: {rule.message}"]
    for violation in violations:
        about = f"«{_excerpt(violation.text)}»: " if violation.text else ""
        lines.append(f"{about}{violation.detail}")
    lines.append(f"Cách sửa: {rule.hint}")
    lines.append(f"Căn cứ: {rule.ref}")
    return "\n".join(lines)


def _first_line(anatomy: Anatomy) -> Line | None:
    return next((line for line in anatomy.lines if line.text and line.runs), None)


def _anchor(document, anatomy: Anatomy, place: int | None) -> list[Run]:
    """The runs a comment on line ``place`` (None: the whole document) is anchored on."""
    line = anatomy.lines[place] if place is not None and place < len(anatomy.lines) else _first_line(anatomy)
    if line is None:  # a document without a line of text: its first paragraph, given an empty run
        paragraph = document.paragraphs[0] if document.paragraphs else document.add_paragraph()
        return [paragraph.runs[0] if paragraph.runs else paragraph.add_run("")]
    paragraph = Paragraph(line.paragraph, document)
    if not line.runs:
        return [paragraph.add_run("")]
    return [Run(run, paragraph) for run in line.runs]


def comment_document(source: Path | bytes, name: str | Path | None = None) -> Commented:
    """Check a .docx (a path or its bytes) and return a copy with each finding as a Word comment."""
    document = open_docx(source, name)
    subject = subject_of(document)
    report = check_subject(subject, name or (source if not isinstance(source, bytes) else ""))
    findings: dict[tuple[int | None, str], tuple[RuleResult, list[Violation]]] = {}
    for result in report.results:
        if not result.failed:
            continue
        for index, violation in enumerate(result.outcome.violations):
            key = (result.place(index), result.rule.id)
            findings.setdefault(key, (result, []))[1].append(violation)
    # every anchor is found before the first comment changes the paragraphs
    anchored = [(_anchor(document, subject.anatomy, place), result, violations)
                for (place, _), (result, violations) in findings.items()]
    for runs, result, violations in anchored:
        document.add_comment(runs, comment_text(result, violations), author=AUTHOR, initials=INITIALS)
    buffer = io.BytesIO()
    document.save(buffer)
    return Commented(normalise_package(buffer.getvalue()), report, len(anchored))


__all__ = ["AUTHOR", "INITIALS", "Commented", "comment_document", "comment_text"]
