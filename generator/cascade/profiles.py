"""Wording profiles per unit kind, and per-unit override files: the data behind every sub-plan."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, Field, model_validator

from .. import resources
from ..errors import InputError, Location
from ..model import Recipient, Role, Signer, Text, _Model
from ..validation import validate
from ..yamlio import YamlDocument, load

SHIPPED = resources.data_file("cascade-profiles.yaml")


class OrganisationItem(_Model):
    title: Text
    paragraphs: list[Text] = []


class Counterpart(_Model):
    """How a unit names, at its own level, a lead or supporter the parent names at the parent's level."""

    name: Text | None = None  # empty: not named at this level
    border: bool = False  # named only by a unit marked «border: true» in the registry (Biên phòng)

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value):
        return {"name": value} if isinstance(value, str) or value is None else value


class Task(_Model):
    """A task of the unit's own (its kind's, or its override's), added to mục II and to the Phụ lục."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")  # the task's id in the plan is rieng-<id>
    title: Text
    paragraphs: list[Text] = []
    division: Text | None = None  # the unit's division in charge; default {dau_moi}
    partners: Text | None = None  # who it works with; default {truc_thuoc}
    time: Text | None = None
    product: Text | None = None


class Profile(_Model):
    values: dict[str, Text] = {}
    title: str
    opening: str
    replacements: list[dict[str, str]] = []
    support_intro: str
    lead_intro: str
    own_intro: str
    task_line: str
    purposes: list[Text] = Field(min_length=1)
    actors: list[dict[str, str]] = []
    counterparts: dict[str, Counterpart] = {}
    own_lead: list[str] = []
    partners: dict[str, Text] = {}
    divisions: dict[str, Text] = {}
    item_paragraphs: dict[str, list[Text]] = {}
    tasks: list[Task] = []
    by_scope: dict[str, dict[str, Text]] = {}
    time: Text = "Thường xuyên"
    product: Text = "Báo cáo kết quả thực hiện"
    appendix_title: Text
    organisation: list[OrganisationItem]
    closing: list[Text] = []
    signer_role: Role = "head"
    recipients: list[Recipient] = []
    border_recipients: list[Recipient] = []  # added for a unit marked «border: true» (the đồn Biên phòng)
    archive: list[Text] = []


class Override(_Model):
    """What one unit changes of its kind's profile; every field is optional."""

    values: dict[str, Text] = {}
    title: Text | None = None
    opening: Text | None = None
    purposes: list[Text] | None = None
    divisions: dict[str, Text] = {}  # merged over the profile's
    item_paragraphs: dict[str, list[Text]] = {}  # added after the profile's
    tasks: list[Task] = []  # added after the profile's
    organisation: list[OrganisationItem] | None = None
    closing: list[Text] | None = None
    signer: Signer | None = None
    extra_recipients: list[Recipient] = []
    archive: list[Text] | None = None
    internal_lead_days: int | None = None


@dataclass(frozen=True)
class Sourced:
    """A profile or override with the YAML it came from, so errors can name file, line and field."""

    source: YamlDocument
    prefix: tuple
    model: BaseModel

    def location(self, *path) -> Location:
        return self.source.location(self.prefix + tuple(path))


@dataclass
class ProfileBook:
    profiles: dict[str, Sourced] = field(default_factory=dict)

    def for_kind(self, kind: str, where: Location) -> Sourced:
        if kind not in self.profiles:
            raise InputError(f"chưa có hồ sơ lời văn cho loại đơn vị «{kind}»", where,
                             hint="thêm mục cho loại này vào tệp hồ sơ lời văn (profiles)")
        return self.profiles[kind]


def _check_replacements(profile: Profile, source: YamlDocument, prefix: tuple) -> None:
    for key in ("replacements", "actors"):
        for index, pair in enumerate(getattr(profile, key)):
            if set(pair) != {"from", "to"}:
                raise InputError("mỗi cặp thay thế cần đúng hai trường «from» và «to»",
                                 source.location(prefix + (key, index)))


def load_profiles(extra: Path | None = None) -> ProfileBook:
    """The shipped profiles, with those of ``extra`` (a plan's own profiles file) taking precedence."""
    book = ProfileBook()
    for path in [SHIPPED] + ([extra] if extra else []):
        source = load(path)
        if not isinstance(source.data, dict):
            raise InputError("tệp hồ sơ lời văn phải là các mục theo loại đơn vị", Location(path, 1))
        for kind, raw in source.data.items():
            profile = validate(Profile, source, raw, prefix=(kind,))
            _check_replacements(profile, source, (kind,))
            book.profiles[kind] = Sourced(source, (kind,), profile)
    return book


def load_override(folder: Path | None, unit_id: str) -> Sourced | None:
    if folder is None:
        return None
    path = folder / f"{unit_id}.yaml"
    if not path.is_file():
        return None
    source = load(path)
    return Sourced(source, (), validate(Override, source))
