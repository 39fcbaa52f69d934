"""The ND30 rule catalogue (``data/nd30-rules.yaml``) and the outcome of checking one rule."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from .. import resources

PASSED = "đạt"
VIOLATED = "vi phạm"
UNOBSERVABLE = "không đánh giá được"
NOT_APPLICABLE = "không áp dụng"


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    ref: str
    severity: Literal["lỗi", "cảnh báo"]
    element: str
    inspects: str
    message: str
    hint: str
    params: dict[str, Any] = {}


@lru_cache(maxsize=1)
def catalogue() -> tuple[Rule, ...]:
    return tuple(Rule.model_validate(entry) for entry in resources.data_yaml("nd30-rules.yaml")["rules"])


@lru_cache(maxsize=None)
def rule_with_id(rule_id: str) -> Rule:
    """The catalogue's rule with this id."""
    return next(r for r in catalogue() if r.id == rule_id)


@dataclass(frozen=True)
class Violation:
    """One place where a rule is broken: the text it is about, and what exactly is wrong."""

    text: str
    detail: str
    order: int | None = None  # position of the line in the document (0-based)

    @property
    def finding(self) -> str:
        """What is wrong and the text it is about, quoted: 'thiếu dấu chấm cuối dòng Lưu: "- Lưu: VT, NC.Châu"'; a
        place that is not text of the document ("phần 2", "trang 1", "số trang") leads instead."""
        if not self.text:
            return self.detail
        if PLACE.match(self.text):
            return f"{self.text}: {self.detail}"
        return f'{self.detail}: "{_excerpt(self.text)}"'


PLACE = re.compile(r"^(phần \d+|trang \d+( trở đi)?|số trang|Nơi nhận:)$")


def _excerpt(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class Outcome:
    status: str
    violations: list[Violation] = field(default_factory=list)
    reason: str | None = None  # why a rule could not be evaluated or does not apply


def passed() -> Outcome:
    return Outcome(PASSED)


def unobservable(reason: str) -> Outcome:
    return Outcome(UNOBSERVABLE, [], reason)  # (by position: a keyword costs a third of the call)


def not_applicable(reason: str) -> Outcome:
    return Outcome(NOT_APPLICABLE, [], reason)


def verdict(violations: list[Violation]) -> Outcome:
    return Outcome(VIOLATED, violations) if violations else passed()
