"""The one produce step: a Document becomes checked .docx bytes (derive → render → check), written or not.

Every output path goes through :func:`produce`: ``vanban render``, the batches (sub-plans and reports),
the consolidated report and the web app's downloads. Writing is atomic, and a file a person has edited
since vanban wrote it is kept unless ``force``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from . import derive, inline, render
from .check import DocumentReport, check_rendered
from .loading import UnitsRegistry
from .model import Document
from .output import keep_edited, write_atomic


@dataclass(frozen=True)
class Produced:
    document: Document
    data: bytes  # the .docx
    shown: dict  # the render context: what the document says (Nơi nhận, signature block …)
    report: DocumentReport | None  # None when the check was not asked for
    path: Path | None = None  # where it was written; None when kept in memory (or refused by the check)
    electronic: bool = False  # made for the e-office: số and ngày left to it (Điều 15.3 Nghị định 30/2020/NĐ-CP)

    @property
    def passed(self) -> bool:
        """Not refused by the check (a document that was not checked passes)."""
        return self.report is None or self.report.ok


def produce(document: Document, registry: UnitsRegistry, *, target: Path | None = None,
            name: str | Path | None = None, check: bool = True, write_failing: bool = True, force: bool = False,
            durable: bool = True, before_write: Callable[[Produced], None] | None = None,
            electronic: bool = False) -> Produced:
    """Derive the render context, render, check (unless ``check`` is false) and, with a ``target``, write
    (:func:`deliver`). ``electronic``: the document goes to the e-office, which gives its số and ngày.

    ``name`` is how the check report and the errors call the document (default: ``target``). A document
    that fails the check is still written unless ``write_failing`` is false."""
    shown = derive.document_context(document, registry, electronic=electronic)
    # title: the trích yếu; subject: tên loại and trích yếu (the PDF's XMP dc:title and dc:description)
    rendered = render.render_package(render.template_for(document, electronic=electronic), shown,
                                     title=inline.plain(document.title), subject=derive.document_title(document))
    report = check_rendered(rendered, name if name is not None else target or "") if check else None
    produced = Produced(document, rendered.data, shown, report, electronic=electronic)
    if target is None or not (write_failing or produced.passed):
        return produced
    return deliver(produced, target, name=name, force=force, durable=durable, before_write=before_write)


def produce_appendix(document: Document, registry: UnitsRegistry, *, name: str | Path = "phu-luc.docx",
                     check: bool = True) -> tuple[bytes, DocumentReport | None] | None:
    """The document's Phụ lục as the file of its own an electronic document sends with it (Nghị định
    30/2020/NĐ-CP, Phụ lục I, III.1.d), rendered and (unless ``check`` is false) checked: its bytes and its
    report; None when the document has no Phụ lục."""
    data = render.appendix_docx(document, registry)
    if data is None:
        return None
    return data, check_rendered(data, name) if check else None


def deliver(produced: Produced, target: Path, *, name: str | Path | None = None, force: bool = False,
            durable: bool = True, before_write: Callable[[Produced], None] | None = None) -> Produced:
    """Write a produced document to ``target`` atomically, unless a person has edited the file there since
    vanban wrote it (kept unless ``force``; ``name`` is how the error calls it).

    ``before_write(produced)`` runs after that guard and just before the file is renamed into place: a batch
    records the document in its journal there, so that no document is on disk without its journal line.
    ``durable=False`` leaves the fsync to the caller (a batch syncs once at its end)."""
    target = Path(target)
    keep_edited(target, force, shown=name)
    if before_write is not None:
        before_write(produced)
    write_atomic(target, produced.data, durable=durable)
    return replace(produced, path=target)
