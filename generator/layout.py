"""The ND30 layout profile: page, table widths, sizes and spacing, read from data.

The defaults live in ``data/layout-nd30.yaml``; the template builder and the render step both read
them, so a rule's length and the column it is centred in cannot disagree.
"""

from __future__ import annotations

from functools import lru_cache

from pydantic import BaseModel, ConfigDict

from . import resources
from .ooxml import mm
from .ooxml.parts import PageSetup


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Page(_Frozen):
    width_mm: float
    height_mm: float
    top_mm: float
    bottom_mm: float
    left_mm: float
    right_mm: float
    header_mm: float
    footer_mm: float

    @property
    def text_width(self) -> int:
        """Width of the text area in twips."""
        return mm(self.width_mm) - mm(self.left_mm) - mm(self.right_mm)


class TwoColumns(_Frozen):
    left_mm: float
    right_mm: float
    cell_margin_mm: float
    indent_mm: float = 0

    @property
    def left(self) -> int:
        return mm(self.left_mm)

    @property
    def right(self) -> int:
        return mm(self.right_mm)

    @property
    def cell_margin(self) -> int:
        return mm(self.cell_margin_mm)

    @property
    def left_content(self) -> int:
        """Room for text inside the left cell, in twips."""
        return self.left - 2 * self.cell_margin

    @property
    def right_content(self) -> int:
        return self.right - 2 * self.cell_margin


class Sizes(_Frozen):
    chu_quan: float
    ban_hanh: float
    so_ky_hieu: float
    quoc_hieu: float
    tieu_ngu: float
    dia_danh_ngay: float
    ten_loai: float
    trich_yeu: float
    kinh_gui: float
    body: float
    noi_nhan_label: float
    noi_nhan: float
    quyen_han: float
    ho_ten: float
    so_trang: float


class Emphasis(_Frozen):
    """How an element is written: bold or not, italic or not (None: ND30 does not say), capitals, centred."""

    bold: bool | None = None
    italic: bool | None = None
    caps: bool = False
    centred: bool = False


class Formats(_Frozen):
    chu_quan: Emphasis
    ban_hanh: Emphasis
    so_ky_hieu: Emphasis
    quoc_hieu: Emphasis
    tieu_ngu: Emphasis
    dia_danh_ngay: Emphasis
    ten_loai: Emphasis
    trich_yeu: Emphasis
    noi_nhan_label: Emphasis
    noi_nhan: Emphasis
    quyen_han: Emphasis
    ho_ten: Emphasis


class Body(_Frozen):
    first_line_indent_mm: float
    space_before_pt: float
    space_after_pt: float
    line_spacing: float


class Rules(_Frozen):
    issuer_fraction: float
    trich_yeu_fraction: float
    weight_eighths_pt: int


class Layout(_Frozen):
    page: Page
    header_table: TwoColumns
    footer_table: TwoColumns
    sizes: Sizes
    format: Formats
    body: Body
    rules: Rules
    signature_blank_lines: int

    def page_setup(self) -> PageSetup:
        p = self.page
        return PageSetup(
            width=mm(p.width_mm), height=mm(p.height_mm), top=mm(p.top_mm), bottom=mm(p.bottom_mm),
            left=mm(p.left_mm), right=mm(p.right_mm), header=mm(p.header_mm), footer=mm(p.footer_mm),
        )

    @property
    def landscape_text_width(self) -> int:
        return mm(self.page.height_mm) - mm(self.page.left_mm) - mm(self.page.right_mm)


@lru_cache(maxsize=1)
def default_layout() -> Layout:
    return Layout.model_validate(resources.data_yaml("layout-nd30.yaml"))
