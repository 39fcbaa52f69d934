"""The data model: units registry and plan documents, as pydantic v2 models.

These models describe what a secretary writes in YAML. They check types and shapes; cross-references
(a unit id that must exist in the registry, a document type from Phụ lục III) are checked by
``generator.loading`` where the file and line of each reference are known.
"""

from __future__ import annotations

import re
import datetime as dt
from functools import lru_cache
from typing import Annotated, Literal

from pydantic import (BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr, StrictInt, field_validator,
                      model_validator)

from . import inline
from .encodings import legacy_fragment
from .vietnamese import all_capitals, nfc, short_date

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_WHITESPACE = re.compile(r"\s+")
# Zero-width characters come with text copied from web pages; invisible, they only break search and sorting.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")


# Pictographs (emoji and the like): Times New Roman has no glyph for them and ND30 text never uses them.
_PICTOGRAPH = re.compile("[\U0001F000-\U0001FAFF\U00002600-\U000027BF\U0001F900-\U0001F9FF\uFE0F]")


def clean_text(value: str) -> str:
    """NFC, one space between words; refused: control characters (they would corrupt the .docx), emoji,
    text typed in a legacy Vietnamese encoding."""
    # the same texts come back in every unit's sub-plan and report of a cascade: cleaned once (long ones are
    # not kept, so that the cache holds no one's megabytes)
    return _clean_text(value) if len(value) <= 2000 else _clean_text.__wrapped__(value)


@lru_cache(maxsize=16384)
def _clean_text(value: str) -> str:
    value = _INVISIBLE.sub("", nfc(value))
    bad = _CONTROL.search(value)
    if bad:
        raise ValueError(f"có ký tự điều khiển không in được (mã {ord(bad.group()):#04x}) ở vị trí {bad.start() + 1}")
    bad = _PICTOGRAPH.search(value)
    if bad:
        raise ValueError(f"có ký tự «{bad.group()}» (biểu tượng) ở vị trí {bad.start() + 1}: văn bản hành chính "
                         "chỉ dùng chữ Việt (phông Times New Roman)")
    legacy = legacy_fragment(value) if len(value) > 3 else None
    if legacy:
        encoding, fragment = legacy
        where = "" if fragment == value else f"đoạn «{_shorten(fragment)}» "
        if encoding == "tcvn3":
            raise ValueError(f"{where}chữ đang ở bảng mã TCVN3 (phông .VnTime, hiện như «KÕ ho¹ch»); hãy chuyển sang "
                             "Unicode dựng sẵn (Unikey › Chuyển mã) rồi chép lại")
        raise ValueError(f"{where}chữ đang ở bảng mã VNI (phông VNI-Times, hiện như «Keá hoaïch»); hãy chuyển sang "
                         "Unicode dựng sẵn (Unikey › Chuyển mã) rồi chép lại")
    return _WHITESPACE.sub(" ", value).strip()


def _shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def check_markup(value: str) -> str:
    try:
        inline.parse(value)
    except inline.MarkupError as exc:
        raise ValueError(str(exc)) from None
    return value


# A piece of text that must say something: '' and '  ' are refused ("không được để trống"). In a list each
# element is cleaned on its own, so that a problem is located at its index (closing[2]).
_CLEANED = BeforeValidator(lambda v: clean_text(v) if isinstance(v, str) else v)
Text = Annotated[str, _CLEANED, Field(min_length=1)]
Cell = Annotated[str, _CLEANED]  # a table cell or a report answer: may be empty


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="before")
    @classmethod
    def _clean_strings(cls, value):
        if isinstance(value, str):
            return clean_text(value)
        return value  # lists of text are of type list[Text]: cleaned element by element


# ---------------------------------------------------------------- units registry

UNIT_ID = r"^[a-z0-9][a-z0-9-]*$"


class UnitKind(_Model):
    """How units of one kind sign and speak (one profile per kind, overridable per province)."""

    label: str
    plural: str | None = None  # the kind as a group in running text: "các sở, ban, ngành tỉnh"
    collective: str | None = None
    head_title: str
    deputy_title: str
    scope: str | None = None
    sub_areas: str | None = None  # the units under a local government: "xã, thị trấn"
    keywords: list[Text] = []  # how plans name the kind as a group ("lực lượng vũ trang"), for `vanban import`


class ESigning(_Model):
    """The images of a unit's electronic documents (Nghị định 30/2020/NĐ-CP, Phụ lục I, mục II.7.d and II.8.a):
    the signer's signature (blue) and the unit's seal (red, its real size), PNG files with a transparent
    background, paths relative to the registry file. Without them the areas stay reserved and empty."""

    signature: str | None = Field(default=None, max_length=300)  # hình chữ ký (ô 7c)
    signature_mm: float | None = Field(default=None, gt=5, le=90)  # bề rộng hình chữ ký
    seal: str | None = Field(default=None, max_length=300)  # hình dấu (ô 8)
    seal_mm: float | None = Field(default=None, gt=10, le=80)  # đường kính thực của dấu

    @model_validator(mode="after")
    def _png(self):
        for name in (self.signature, self.seal):
            if name is not None and not name.lower().endswith(".png"):
                raise ValueError(f"«{name}»: hình chữ ký và hình dấu là tệp PNG nền trong suốt (.png), Phụ lục I, "
                                 "mục II.7.d, II.8.a Nghị định 30/2020/NĐ-CP")
        return self


class Unit(_Model):
    """One issuing body: a UBND, a sở, a ban, an armed-forces command."""

    id: str = Field(pattern=UNIT_ID, max_length=120)
    kind: str
    name: str = Field(min_length=1, max_length=300)
    short_name: str | None = Field(default=None, max_length=150)
    header: list[Text] = Field(min_length=1)
    parent_header: list[Text] = []
    code: str = Field(min_length=1, max_length=20, pattern=r"^[^\s/-]+$")
    place: str = Field(min_length=1, max_length=80)
    parent: str | None = None
    head_title: str | None = Field(default=None, max_length=150)
    deputy_title: str | None = Field(default=None, max_length=150)
    gso_code: str | None = None
    # mã định danh điện tử của cơ quan (OrganId, 13 ký tự: Nghị định 30/2020/NĐ-CP Phụ lục VI; cấu trúc theo
    # QCVN 102:2016/BTTTT): for the metadata and the edXML envelope; blank when not known, never made up
    organ_id: str | None = Field(default=None, max_length=13, pattern=r"^[0-9A-Za-z][0-9A-Za-z.]*$")
    aliases: list[Text] = []
    scope: str | None = None  # "thành phố", "thị xã" where the kind's word ("huyện") does not fit
    sub_areas: str | None = None  # "phường, xã" where the kind's default does not fit
    border: bool = False  # a unit on the national border: only such units coordinate with Biên phòng
    e_signing: ESigning | None = None  # signature and seal images of its electronic documents


class Registry(_Model):
    name: str
    kinds: dict[str, UnitKind] = {}
    units: list[Unit] = Field(min_length=1)


# ---------------------------------------------------------------- documents

Role = Literal["head", "deputy", "acting", "by-order", "by-delegation"]


def parse_date(value):
    """Accept "05/3/2021" (as secretaries write it) and "2021-03-05"; refuse impossible dates."""
    if value is None or isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise ValueError("ngày phải viết dạng ngày/tháng/năm, ví dụ 05/3/2021")
    text = value.strip()
    if not text:
        return None
    match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text) or re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text)
    if not match:
        raise ValueError(f"«{text}» không phải ngày hợp lệ; viết dạng ngày/tháng/năm, ví dụ 05/3/2021")
    a, b, c = (int(g) for g in match.groups())
    day, month, year = (a, b, c) if "/" in text else (c, b, a)
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"ngày {text} không tồn tại") from None


class Signer(_Model):
    """Who signs; the authority lines (TM./KT./Q./TL./TUQ.) are derived from ``role``, never typed."""

    name: Text | None = Field(default=None, max_length=60)
    role: Role = "head"
    title: Text | None = Field(default=None, max_length=150)  # the signer's own title, needed for by-order and by-delegation

    @model_validator(mode="after")
    def _title_when_needed(self):
        if self.role in ("by-order", "by-delegation") and not self.title:
            raise ValueError("người ký thừa lệnh (TL.) hoặc thừa ủy quyền (TUQ.) cần trường «title» (chức vụ của người ký)")
        return self


class Recipient(_Model):
    """One Nơi nhận or Kính gửi entry: a named recipient or a unit of the registry, and a purpose."""

    to: str | None = Field(default=None, max_length=300)
    unit: str | None = None
    purpose: str | None = Field(default=None, max_length=120)

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value):
        if isinstance(value, str):
            return {"to": value}
        return value

    @model_validator(mode="after")
    def _one_target(self):
        if bool(self.to) == bool(self.unit):
            raise ValueError("mỗi nơi nhận ghi đúng một trong hai trường «to» (tên nơi nhận) hoặc «unit» (mã đơn vị)")
        return self


class Assignment(_Model):
    """Who carries out a part of the plan: units or unit kinds that lead (chủ trì) or support (phối hợp)."""

    lead: list[str] = []
    support: list[str] = []


class OwnTask(_Model):
    """A task the parent's "Tổ chức thực hiện" gives units by name: it becomes a task of their own plans."""

    units: list[str] = Field(min_length=1)  # unit ids or kinds (Sở Nội vụ)
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")  # the task's id in the unit's plan is rieng-<id>
    title: Text
    time: Text | None = None
    product: Text | None = None


class Node(_Model):
    """A mục, khoản or điểm: a title line, or an untitled first paragraph, then paragraphs and children.

    Numbering (I., 1., a)) comes from position, so reordering never leaves a gap. ``assign`` limits the
    part to some units in the cascade; without it the part applies to every unit. ``for`` (on the node, or
    on one paragraph written as ``{text: …, for: [ubnd-huyen]}``) keeps it only in the sub-plans of those
    unit kinds. ``time`` and ``product`` fill the sub-plans' Phụ lục phân công nhiệm vụ.
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, populate_by_name=True)

    id: str | None = Field(default=None, pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: Text | None = None
    text: Text | None = None
    paragraphs: list[Text] = []
    items: list[Node] = []
    assign: Assignment | None = None
    only_for: list[str] = Field(default=[], alias="for")
    time: Text | None = Field(default=None, max_length=120)  # "Thường xuyên", "Quý III/2021"
    product: Text | None = Field(default=None, max_length=200)  # "Kế hoạch", "Báo cáo", "Hội nghị"
    own_task: OwnTask | None = None
    _paragraph_for: dict[int, list[str]] = PrivateAttr(default_factory=dict)

    @model_validator(mode="wrap")
    @classmethod
    def _marked_paragraphs(cls, data, handler):
        """A paragraph written as {text: …, for: [kinds]} is kept as text; its kinds are remembered."""
        marks: dict[int, list[str]] = {}
        if isinstance(data, dict) and isinstance(data.get("paragraphs"), list):
            paragraphs = []
            for index, paragraph in enumerate(data["paragraphs"]):
                if isinstance(paragraph, dict):
                    kinds = paragraph.get("for")
                    if set(paragraph) != {"text", "for"} or not isinstance(paragraph.get("text"), str) or not (
                            isinstance(kinds, list) and kinds and all(isinstance(k, str) for k in kinds)):
                        raise ValueError(f"đoạn thứ {index + 1} (paragraphs[{index}]) ghi dạng {{text: …, for: [loại "
                                         "đơn vị, …]}: đúng hai trường «text» (lời văn) và «for» (danh sách mã loại "
                                         "đơn vị thực hiện đoạn này)")
                    marks[index] = list(kinds)
                    paragraph = paragraph["text"]
                paragraphs.append(paragraph)
            data = {**data, "paragraphs": paragraphs}
        node = handler(data)
        if marks:
            node._paragraph_for = marks
        return node

    def paragraph_kinds(self, index: int) -> list[str]:
        """The unit kinds paragraph ``index`` is for ([] for every kind)."""
        return self._paragraph_for.get(index, [])

    @property
    def marked_paragraphs(self) -> dict[int, list[str]]:
        return dict(self._paragraph_for)

    @model_validator(mode="after")
    def _has_content(self):
        if self.title and self.text:
            raise ValueError("một mục chỉ ghi «title» (có tiêu đề) hoặc «text» (đoạn mở đầu bằng số), không ghi cả hai")
        if not (self.title or self.text or self.paragraphs or self.items):
            raise ValueError("mục rỗng: cần «title», «text», «paragraphs» hoặc «items»")
        for value in (self.title, self.text, *self.paragraphs):
            if value is not None:
                check_markup(value)
        return self


class AppendixColumn(_Model):
    name: str
    width_mm: float | None = Field(default=None, gt=0, le=300)
    numeric: bool = False  # numbers are right-aligned


class Appendix(_Model):
    """A Phụ lục table attached after the signature (Mẫu 2.1): its title and rows."""

    title: str = Field(min_length=1)
    columns: list[AppendixColumn] = Field(min_length=1)
    rows: list[list[Cell | int | None]] = []
    total: list[Cell | int | None] | None = None  # a bold "Tổng cộng" row
    landscape: bool = False

    @model_validator(mode="after")
    def _widths(self):
        for index, row in enumerate(self.rows + ([self.total] if self.total else [])):
            if len(row) != len(self.columns):
                raise ValueError(f"dòng {index + 1} của phụ lục có {len(row)} ô, bảng có {len(self.columns)} cột")
        return self


class Document(_Model):
    """A văn bản có tên loại (Mẫu 1.4): header, title, content, signature and Nơi nhận."""

    issuer: str
    type: str = "KH"
    number: StrictInt | None = Field(default=None, ge=1)
    date: dt.date | None = None
    year: StrictInt | None = Field(default=None, ge=1945, le=2100)
    place: str | None = Field(default=None, max_length=80)
    title: str = Field(min_length=1, max_length=600)
    kinh_gui: list[Recipient] = []
    opening: list[Text] = []
    sections: list[Node] = []
    closing: list[Text] = []
    signer: Signer = Signer()
    recipients: list[Recipient] = []
    archive: list[Text] = []
    appendix: Appendix | None = None

    _parse_date = field_validator("date", mode="before")(parse_date)

    @field_validator("title", "opening", "closing")
    @classmethod
    def _markup(cls, value):
        for text in value if isinstance(value, list) else [value]:
            check_markup(text)
        return value

    @field_validator("title")
    @classmethod
    def _ordinary_case(cls, value):
        if all_capitals(inline.plain(value)):
            raise ValueError("trích yếu viết chữ thường, chỉ viết hoa chữ đầu và danh từ riêng, không in hoa toàn bộ "
                             "(Phụ lục I, mục II.5.a Nghị định 30/2020/NĐ-CP)")
        return value

    @model_validator(mode="after")
    def _year(self):
        if self.date is None and self.year is None:
            raise ValueError("bản dự thảo không có ngày cần trường «year» (năm ban hành)")
        if self.date is not None and self.year is not None and self.year != self.date.year:
            raise ValueError(f"năm {self.year} khác năm của ngày ban hành ({self.date.year})")
        if not (self.opening or self.sections or self.closing):
            raise ValueError("văn bản chưa có nội dung (opening, sections, closing)")
        return self

    @property
    def issue_year(self) -> int:
        return self.date.year if self.date else self.year  # type: ignore[return-value]


class Window(_Model):
    """The data cut-off window of a period (thời gian chốt số liệu, Nghị định 09/2019/NĐ-CP Điều 12)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, populate_by_name=True)

    start: dt.date = Field(alias="from")
    end: dt.date = Field(alias="to")

    _parse = field_validator("start", "end", mode="before")(parse_date)

    @model_validator(mode="after")
    def _ordered(self):
        if self.end < self.start:
            raise ValueError(f"thời gian chốt số liệu: ngày «to» ({short_date(self.end)}) trước ngày «from» "
                             f"({short_date(self.start)})")
        return self


class Period(_Model):
    """A reporting period of the plan and its regime (Nghị định 09/2019/NĐ-CP): the data window, the deadline,
    how reports are sent and to whom ("6 tháng đầu năm 2021", data 15/12/2020–30/4/2021, before 10/5/2021)."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: Text = Field(max_length=100)
    deadline: dt.date
    next_name: str | None = Field(default=None, max_length=100)  # the period that follows, for "Phương hướng, nhiệm vụ 6 tháng cuối năm 2021"
    window: Window | None = None  # thời gian chốt số liệu: {from: 15/12/2020, to: 30/4/2021}
    method: Text | None = Field(default=None, max_length=200)  # phương thức gửi: "qua Hệ thống quản lý văn bản và điều hành"
    send_to: Text | None = Field(default=None, max_length=300)  # nơi nhận báo cáo: "Ủy ban nhân dân tỉnh (qua Sở Nội vụ)"

    _parse_deadline = field_validator("deadline", mode="before")(parse_date)


class Indicator(_Model):
    """A figure every unit reports (hội nghị quán triệt, lượt người tham dự …)."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: Text = Field(max_length=200)
    unit: Text = Field(max_length=40)  # đơn vị tính: hội nghị, lượt người, mô hình …


class Cascade(_Model):
    """Who must make the plan concrete, when they report, and who consolidates the reports."""

    issuers: list[str] = Field(min_length=1)  # unit ids or unit kinds that issue a sub-plan
    exclude: list[str] = []
    consolidator: str  # the unit that consolidates the reports (Sở Nội vụ)
    periods: list[Period] = Field(min_length=1)
    internal_lead_days: int = Field(default=5, ge=0, le=60)
    profiles: str | None = None  # a file of wording profiles per unit kind, over the shipped ones
    overrides: str | None = None  # a folder of per-unit override files, <unit id>.yaml
    indicators: list[Indicator] = []
    report_to: list[Recipient] = []  # "Kính gửi" of the consolidated report; default: the plan's "báo cáo" recipients
    last_item: str | None = None  # id of the content item that stays last in every sub-plan (sơ kết, tổng kết)



class Plan(_Model):
    """A plan file: the registry it draws its units from, the document itself and its cascade."""

    units: str
    slug: str | None = Field(default=None, pattern=r"^[a-z0-9][a-z0-9-]*$")
    document: Document
    cascade: Cascade | None = None
    suggestions: dict | None = None  # hints written by `vanban import` for a person to review; not rendered

