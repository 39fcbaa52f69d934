"""The committed templates are what the builder makes, and they are clean docxtpl templates."""

from __future__ import annotations

import zipfile

import pytest
from docxtpl import DocxTemplate

from generator.buildtools.templates import SPECS, TEMPLATES_DIR, build
from generator.layout import default_layout
from generator.render import jinja_environment


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.filename)
def test_committed_template_is_reproducible_from_the_layout(spec):
    assert (TEMPLATES_DIR / spec.filename).read_bytes() == build(spec, default_layout()), (
        "chạy `make templates` rồi commit lại templates_docx/")


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.filename)
def test_template_is_slim_and_carries_no_unused_parts(spec):
    with zipfile.ZipFile(TEMPLATES_DIR / spec.filename) as package:
        names = set(package.namelist())
        assert "word/stylesWithEffects.xml" not in names and "docProps/thumbnail.jpeg" not in names
        assert sum(info.file_size for info in package.infolist()) < 40_000


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.filename)
def test_template_variables_are_the_documented_ones(spec):
    variables = DocxTemplate(TEMPLATES_DIR / spec.filename).get_undeclared_template_variables(jinja_environment())
    expected = {"co_quan", "so_ky_hieu", "dia_danh_ngay", "ten_loai", "trich_yeu", "duong_ke_trich_yeu",
                "noi_dung", "noi_nhan", "chu_ky"}
    if spec.cong_van:  # a công văn: no tên loại line, no rule under its trích yếu, no Phụ lục
        assert variables == expected - {"ten_loai", "duong_ke_trich_yeu"} | {"kinh_gui"}
        return
    assert variables == expected | ({"kinh_gui", "phu_luc"} if spec.kinh_gui else set())
