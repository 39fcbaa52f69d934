"""Wording profiles per unit kind, and per-unit override files: the data behind every sub-plan."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel

from .. import resources
from ..errors import InputError, Location
from ..model import Recipient, Role, Signer, Text, _Model
from ..validation import validate
from ..yamlio import YamlDocument, load

SHIPPED = resources.data_file("cascade-profiles.yaml")


class OrganisationItem(_Model):
    title: Text
    paragraphs: list[Text] = []


class Profile(_Model):
    values: dict[str, Text] = {}
    title: str
    opening: str
    replacements: list[dict[str, str]] = []
    support_intro: str
    organisation: list[OrganisationItem]
    closing: list[Text] = []
    signer_role: Role = "head"
    recipients: list[Recipient] = []
    archive: list[Text] = []


class Override(_Model):
    """What one unit changes of its kind's profile; every field is optional."""

    values: dict[str, Text] = {}
    title: Text | None = None
    opening: Text | None = None
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
    for index, pair in enumerate(profile.replacements):
        if set(pair) != {"from", "to"}:
            raise InputError("mỗi cặp thay thế cần đúng hai trường «from» và «to»",
                             source.location(prefix + ("replacements", index)))


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
