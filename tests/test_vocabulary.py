"""One vocabulary, one reader, one set of layout facts: what the renderer writes, the checker and the importer
read with the same patterns; raw OOXML stays in generator/ooxml; chosen sizes and emphasis live in the layout."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from generator import vocabulary as v
from generator.check import inspections
from generator.check.catalogue import catalogue
from generator.derive import numbering
from generator.layout import default_layout
from generator.model import Signer
from generator.signature import authority_lines
from generator.vietnamese import date_line, so_ky_hieu

GENERATOR = Path(__file__).resolve().parents[1] / "generator"


@pytest.mark.parametrize("number", [7, 12, None])
def test_the_so_line_the_renderer_writes_is_read_back_by_every_reader(number):
    line = so_ky_hieu(number, "KH-UBND")
    assert v.SO_LINE.match(line)
    parts = v.SO_PARTS.match(line)
    assert parts and parts.group("ky_hieu") == "KH-UBND"
    assert parts.group("number") == ("" if number is None else f"{number:02d}")
    assert v.SO_READ.match(line).group("ky_hieu") == "KH-UBND"
    assert v.KY_HIEU.match(parts.group("ky_hieu"))


@pytest.mark.parametrize("when", [date(2021, 3, 5), date(2021, 1, 15), None])
def test_the_date_line_the_renderer_writes_is_read_back_by_every_reader(when):
    line = date_line("Gia Lai", when, 2021)
    assert v.DATE_LINE.search(line) and "," in line
    parts = v.DATE_PARTS.match(" ".join(line.split()))
    assert parts and parts.group("place") == "Gia Lai" and parts.group("comma") == ","
    read = v.DATE_READ.match(line)
    assert read and read.group("year") == "2021" and read.group("place") == "Gia Lai"


@pytest.mark.parametrize("role", ["head", "deputy", "acting", "by-order", "by-delegation"])
def test_every_authority_line_the_renderer_writes_uses_a_known_prefix(role):
    signer = Signer(name="Nguyễn Văn A", role=role, title="Chánh Văn phòng" if role.startswith("by-") else None)
    lines = authority_lines(signer, collective="Ủy ban nhân dân", head_title="Chủ tịch", deputy_title="Phó Chủ tịch")
    prefixed = [line for line in lines if v.AUTHORITY.match(line)]
    assert prefixed, lines
    for line in prefixed:
        match = v.AUTHORITY_PARTS.match(line)
        assert match.group(1) in v.AUTHORITY_PREFIXES and match.group(2) == "."


def test_numbering_the_renderer_writes_is_the_numbering_the_checker_expects():
    assert [numbering(0, i) for i in range(4)] == [f"{r}." for r in v.ROMAN_NUMERALS[:4]]
    assert [numbering(2, i)[:-1] for i in range(len(v.DIEM_LETTERS))] == list(v.DIEM_LETTERS)
    for depth in range(3):
        assert v.HEADING.match(numbering(depth, 5) + " Nội dung")
        assert v.is_section_heading(numbering(depth, 5) + " Nội dung")


def test_the_national_title_and_motto_match_their_own_patterns():
    assert v.QUOC_HIEU_PATTERN.search(v.QUOC_HIEU)
    assert v.TIEU_NGU_PATTERN.search(v.TIEU_NGU)
    assert v.TIEU_NGU_SPAN.search("x " + v.TIEU_NGU).group(0) == v.TIEU_NGU
    assert v.NOI_NHAN.match(v.NOI_NHAN_LABEL)
    assert v.ARCHIVE.match(v.archive_line(["NC"]))
    assert v.type_codes_by_name()["KẾ HOẠCH"] == "KH"


def test_the_rules_keep_only_the_decrees_ranges_and_the_layout_says_what_is_chosen():
    for rule in catalogue():
        assert not any(key.startswith("fix_") for key in rule.params), rule.id
    layout = default_layout()
    for element in type(layout.format).model_fields:
        emphasis = getattr(layout.format, element)
        assert emphasis.bold is not None and emphasis.italic is not None, element
        assert getattr(layout.sizes, element) > 0  # every element with a format has a chosen size
    assert inspections.prescribed("noi_nhan_label") == {"bold": True, "italic": True, "caps": False, "centred": False}


# qn("w:p"), a "w:val" attribute, a {namespace}tag, or element markup such as "<w:body" / "</w:p>"
RAW_OOXML = re.compile(r"""qn\(|["']w:|\{http|</?(w|wp|a|v|mc|dc|cp):[A-Za-z]""")


def test_raw_ooxml_appears_only_in_the_ooxml_package_and_the_template_builder():
    offenders = []
    for path in GENERATOR.rglob("*.py"):
        relative = path.relative_to(GENERATOR).as_posix()
        if relative.startswith(("ooxml/", "buildtools/")):
            continue
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            if RAW_OOXML.search(line):
                offenders.append(f"{relative}:{number}: {line.strip()}")
    assert not offenders, "\n".join(offenders)


def test_dead_duplicates_are_gone():
    from generator.check import anatomy
    from generator.importer import blocks, parse

    assert not hasattr(anatomy, "AUTHORITY_PREFIX")
    assert not hasattr(inspections, "PREFIX")
    assert parse.SO is v.SO_READ and parse.NOI_NHAN is v.NOI_NHAN
    assert "pending_gap" not in Path(blocks.__file__).read_text("utf-8")
