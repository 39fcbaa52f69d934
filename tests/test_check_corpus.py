"""The corpus (tests/corpus/): real-like documents of provincial offices, each rule pinned one by one.

For every document and every rule of the catalogue: a rule the YAML expects must fail, any other must not.
Where today's checker is wrong the YAML says so (``false_alarms``: fails though it should not; ``misses``:
expected but not seen) and the pin is an xfail with that reason, strict=False, so it turns green when the
fix lands.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest
import yaml

from generator.check import check_docx
from generator.check.catalogue import catalogue

from corpus import build

CORPUS = Path(__file__).parent / "corpus"


@lru_cache(maxsize=None)
def expectations(name: str) -> dict:
    return yaml.safe_load((CORPUS / f"{name}.yaml").read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def failed(name: str) -> frozenset[str]:
    report = check_docx(build.build(name), f"{name}.docx")
    return frozenset(r.rule.id for r in report.results if r.failed)


def pins():
    for name in build.names():
        wanted = expectations(name)
        expected = set(wanted["expected"])
        known = {**(wanted.get("false_alarms") or {}), **(wanted.get("misses") or {})}
        for rule in catalogue():
            marks = [pytest.mark.xfail(reason=known[rule.id], strict=False)] if rule.id in known else []
            yield pytest.param(name, rule.id, rule.id in expected, marks=marks, id=f"{name}:{rule.id}")


def test_every_document_has_its_expectations_and_provenance():
    assert 8 <= len(build.names()) <= 12
    assert sorted(p.stem for p in CORPUS.glob("*.yaml")) == sorted(build.names())
    rules = {r.id for r in catalogue()}
    for name in build.names():
        wanted = expectations(name)
        assert {"issuer", "number", "date", "published"} <= set(wanted["provenance"]), name
        for key in ("expected", "false_alarms", "misses"):
            assert set(wanted.get(key) or ()) <= rules, (name, key)
        assert not set(wanted.get("false_alarms") or ()) & set(wanted["expected"]), name
        assert set(wanted.get("misses") or ()) <= set(wanted["expected"]), name


@pytest.mark.parametrize(("name", "rule", "expected"), list(pins()))
def test_each_rule_on_each_document(name, rule, expected):
    assert (rule in failed(name)) == expected, (
        f"{name}: {rule} {'phải' if expected else 'không được'} báo lỗi")
