"""The Gia Lai 2021 units registry: complete, consistent and printable without wrapped lines."""

from __future__ import annotations

import pytest

from generator.layout import default_layout
from generator.loading import load_registry
from generator.metrics import text_width_twips
from generator.model import Signer
from generator.signature import signature_block

from conftest import UNITS


@pytest.fixture(scope="module")
def registry():
    return load_registry(UNITS)


def test_registry_holds_the_province_its_20_agencies_17_districts_and_3_armed_forces(registry):
    kinds = [unit.kind for unit in registry.units.values()]
    assert kinds.count("ubnd-tinh") == 1
    assert kinds.count("co-quan-chuyen-mon") + kinds.count("co-quan-thuoc-ubnd") == 20
    assert kinds.count("ubnd-huyen") == 17
    assert {"cong-an", "quan-su", "bien-phong"} <= set(kinds)
    assert len(registry.units) == 41


def test_every_header_line_fits_its_column_at_its_size(registry):
    layout = default_layout()
    room = layout.header_table.left_content
    for unit in registry.units.values():
        for line in unit.parent_header:
            assert text_width_twips(line, layout.sizes.chu_quan) <= room, (unit.id, line)
        for line in unit.header:
            assert text_width_twips(line, layout.sizes.ban_hanh, bold=True) <= room, (unit.id, line)


def test_every_unit_has_head_and_deputy_titles_and_a_ky_hieu_code(registry):
    for unit in registry.units.values():
        assert registry.head_title(unit) and registry.deputy_title(unit) and unit.code


@pytest.mark.parametrize(("unit_id", "role", "lines"), [
    ("ubnd-tinh", "deputy", ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]),
    ("ubnd-tinh", "head", ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]),
    ("ubnd-huyen-chu-se", "deputy", ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]),
    ("so-tu-phap", "head", ["GIÁM ĐỐC"]),
    ("so-tu-phap", "deputy", ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]),
    ("so-tu-phap", "acting", ["Q. GIÁM ĐỐC"]),
    ("thanh-tra-tinh", "deputy", ["KT. CHÁNH THANH TRA", "PHÓ CHÁNH THANH TRA"]),
    ("bch-quan-su-tinh", "head", ["CHỈ HUY TRƯỞNG"]),
])
def test_authority_lines_are_derived_from_role_and_unit_kind(registry, unit_id, role, lines):
    block = signature_block(Signer(role=role), registry.unit(unit_id), registry)
    assert block.authority_lines == lines and block.name == ""


def test_by_order_and_by_delegation_sign_for_the_head_with_the_signers_own_title(registry):
    unit = registry.unit("ubnd-tinh")
    by_order = signature_block(Signer(role="by-order", title="Chánh Văn phòng"), unit, registry)
    assert by_order.authority_lines == ["TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"]
    delegated = signature_block(Signer(role="by-delegation", title="Giám đốc Sở Nội vụ"), unit, registry)
    assert delegated.authority_lines == ["TUQ. CHỦ TỊCH", "GIÁM ĐỐC SỞ NỘI VỤ"]
