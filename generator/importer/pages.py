"""Pages of positioned words — what a PDF's text layer and an OCR'd scan both give — and their layout.

A PDF (pdfplumber) and a scan (Tesseract) know where each word stands on the page, and for a text layer
its font; neither knows paragraphs, columns or tables. Both are reduced here to the same ``Page`` of
``Word`` s, and ``blocks_from_pages`` turns pages into the importer's blocks (see blocks.py): header columns
recovered by position, page numbers and running headers dropped, lines joined into paragraphs, tables kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Word:
    text: str
    x0: float  # points from the left edge of the page
    x1: float
    top: float  # points from the top edge of the page
    bottom: float
    bold: bool = False
    italic: bool = False
    size: float | None = None  # font size in points, when known
    confidence: float | None = None  # OCR confidence 0–100; None for a text layer


@dataclass
class Table:
    """A ruled table found on a page: its bounding box and its rows of cell texts."""

    x0: float
    top: float
    x1: float
    bottom: float
    rows: list[list[str]]


@dataclass
class Page:
    number: int  # 1-based
    width: float
    height: float
    words: list[Word] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    scanned: bool = False  # read by OCR
