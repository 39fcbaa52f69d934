"""Electronic mode (issue 19, item 5): drafts for the e-office, Nghị định 30/2020/NĐ-CP Điều 15.3 and Phụ lục I.

The Gia Lai 2026 sub-plans rendered electronic pass `vanban check`: số and ngày blank for the system, the
signature area reserved between the chức vụ lines and the name, the Phụ lục in a file of its own under its
top-right block. A unit with signature and seal PNGs in its registry entry gets them at their places; a typed
number, a misplaced seal or a Phụ lục file without its block is an error. Paper rendering is unchanged.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import pytest
import yaml
from docx import Document as WordDocument
from PIL import Image, ImageDraw

from generator import derive, render
from generator.cascade.subplan import load_context, subplan
from generator.check import check_docx, subject_of
from generator.check.inspections_electronic import APPENDIX, MAIN, kind_of
from generator.errors import InputError
from generator.loading import load_plan, load_registry
from generator.ooxml.document import read_docx
from generator.signature import SEAL_PART, SIGNATURE_PART

from conftest import ROOT

PLAN_2026 = ROOT / "data" / "gia-lai-2025" / "ke-hoach-dan-van-2026.yaml"
REGISTRY_2026 = ROOT / "data" / "vn-2025" / "gia-lai.yaml"
UNITS = ["so-tu-phap", "so-noi-vu", "ubnd-xa-ia-o"]
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def context26():
    return load_context(load_plan(PLAN_2026))


def electronic_docx(document, registry) -> bytes:
    shown = derive.document_context(document, registry, electronic=True)
    return render.render_docx(render.template_for(document, electronic=True), shown,
                              title=derive.document_title(document))


def document_xml(data: bytes) -> str:
    return zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode("utf-8")


def with_document_xml(data: bytes, change) -> bytes:
    """The package with its document.xml changed by ``change`` (a function of the text)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            content = source.read(name)
            target.writestr(name, change(content.decode("utf-8")).encode("utf-8") if name == "word/document.xml"
                            else content)
    return buffer.getvalue()


def texts(data: bytes) -> list[str]:
    return [p.text for p in WordDocument(io.BytesIO(data)).paragraphs] + [
        p.text for t in WordDocument(io.BytesIO(data)).tables for row in t.rows for c in row.cells for p in c.paragraphs]


def result(report, rule_id):
    return next(r for r in report.results if r.rule.id == rule_id)


# ---------------------------------------------------------------- the Gia Lai 2026 sub-plans, electronic

@pytest.mark.parametrize("unit_id", UNITS)
def test_electronic_subplan_passes_check_with_so_and_ngay_left_to_the_system(context26, unit_id):
    document = subplan(unit_id, context26)
    registry = context26.registry
    data = electronic_docx(document, registry)
    report = check_docx(data, f"{unit_id}.docx")
    assert report.ok, [(r.rule.id, r.outcome.violations) for r in report.errors]
    assert kind_of(subject_of(read_docx(data))) == MAIN
    lines = texts(data)
    code = registry.unit(unit_id).code
    assert f"Số:      /KH-{code}" in lines
    assert any(re.fullmatch(r".+, ngày      tháng      năm 2026", line) for line in lines)
    assert not any(line.startswith("Phụ lục") for line in lines)  # the Phụ lục is a file of its own
    for rule_id in ("dien-tu.so-ngay", "dien-tu.chu-ky"):
        assert result(report, rule_id).status == "đạt"
    assert "không áp dụng" == result(report, "so.so-0").status
    assert "Điều 15.3" in result(report, "so.so-0").outcome.reason
    # the signature area: one bookmarked paragraph between the chức vụ lines and the (blank) name
    xml = document_xml(data)
    assert 'w:name="ChuKySo"' in xml and 'w:lineRule="exact"' in xml


@pytest.mark.parametrize("unit_id", UNITS)
def test_electronic_appendix_is_a_file_of_its_own_with_its_top_right_block(context26, unit_id):
    document = subplan(unit_id, context26)
    registry = context26.registry
    data = render.appendix_docx(document, registry)
    report = check_docx(data, f"{unit_id}-phu-luc.docx")
    assert report.ok, [(r.rule.id, r.outcome.violations) for r in report.errors]
    assert kind_of(subject_of(read_docx(data))) == APPENDIX
    assert result(report, "dien-tu.phu-luc-rieng").status == "đạt"
    word = WordDocument(io.BytesIO(data))
    first, second = word.paragraphs[0], word.paragraphs[1]
    code = registry.unit(unit_id).code
    assert first.text == f"Số:      /KH-{code}" and second.text.startswith("Thời gian ký")
    for paragraph in (first, second):
        assert paragraph.style.font.size.pt == 10 and paragraph.style.paragraph_format.alignment == 2  # right
    lines = [p.text for p in word.paragraphs]
    assert "Phụ lục" in lines and not any("CỘNG HÒA" in line for line in lines)
    assert any(line.startswith("(Kèm theo Kế hoạch số …/KH-") for line in lines)  # III.1.c: not filled in
    assert word.tables, "the Phụ lục keeps its table"
    assert word.sections[-1].orientation == (1 if document.appendix.landscape else 0)


def test_an_electronic_draft_never_prints_a_number_or_date_from_the_data(context26):
    document = subplan("so-tu-phap", context26).model_copy(update={"number": 12})
    registry = context26.registry
    dated = document.model_copy(update={"date": dt.date(2026, 3, 5), "year": None})
    assert derive.document_context(dated, registry)["so_ky_hieu"] == "Số: 12/KH-STP"
    shown = derive.document_context(dated, registry, electronic=True)
    assert shown["so_ky_hieu"] == "Số:      /KH-STP"
    assert shown["dia_danh_ngay"] == "Gia Lai, ngày      tháng      năm 2026"
    assert shown["phu_luc"] is None and shown["chu_ky"]["khu_ky"] is not None


def test_paper_rendering_is_unchanged(context26):
    document = subplan("so-tu-phap", context26)
    registry = context26.registry
    shown = derive.document_context(document, registry)
    assert shown["chu_ky"]["khu_ky"] is None and derive.PACKAGE_PARTS not in shown
    data = render.render_docx(render.template_for(document), shown, title=derive.document_title(document))
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert "docProps/custom.xml" not in names and not any(n.startswith("word/media/") for n in names)
    assert "ChuKySo" not in document_xml(data) and "Phụ lục" in texts(data)
    report = check_docx(data, "giay.docx")
    assert report.ok
    assert all(r.status == "không áp dụng" for r in report.results if r.rule.id.startswith("dien-tu."))
    assert "bản dự thảo" in result(report, "so.so-0").outcome.reason


# ---------------------------------------------------------------- the checker's electronic variant

def test_a_typed_number_in_an_electronic_draft_is_an_error(context26):
    data = electronic_docx(subplan("so-tu-phap", context26), context26.registry)
    typed = with_document_xml(data, lambda xml: xml.replace("Số:      /KH-STP", "Số: 12/KH-STP")
                              .replace("ngày      tháng      năm 2026", "ngày 05 tháng 3 năm 2026"))
    report = check_docx(typed, "dien-tu.docx")
    outcome = result(report, "dien-tu.so-ngay")
    assert not report.ok and outcome.failed
    assert {v.text for v in outcome.outcome.violations} == {"Số: 12/KH-STP", "Gia Lai, ngày 05 tháng 3 năm 2026"}


def test_a_signature_area_left_out_of_an_electronic_draft_is_an_error(context26):
    data = electronic_docx(subplan("so-tu-phap", context26), context26.registry)
    squeezed = with_document_xml(data, lambda xml: re.sub(r'w:line="\d+" w:lineRule="exact"',
                                                          'w:line="240" w:lineRule="auto"', xml))
    outcome = result(check_docx(squeezed, "dien-tu.docx"), "dien-tu.chu-ky")
    assert outcome.failed and "chưa chừa khu vực chữ ký số" in outcome.outcome.violations[0].detail


# ---------------------------------------------------------------- a unit with its signature and seal PNGs

def _png(path, size, colour, shape):
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if shape == "circle":
        draw.ellipse((4, 4, size[0] - 4, size[1] - 4), outline=colour, width=12)
    else:
        draw.line([(10, size[1] - 20), (size[0] // 3, 15), (2 * size[0] // 3, size[1] - 30), (size[0] - 10, 25)],
                  fill=colour, width=8)
    image.save(path, dpi=(300, 300))


@pytest.fixture(scope="module")
def signing_registry(tmp_path_factory):
    """The Gia Lai 2026 registry with Sở Tư pháp's signature (blue) and seal (red, 36 mm) PNGs."""
    folder = tmp_path_factory.mktemp("registry")
    _png(folder / "chu-ky.png", (480, 180), (20, 40, 200, 255), "stroke")
    _png(folder / "dau.png", (425, 425), (220, 20, 30, 255), "circle")
    data = yaml.safe_load(REGISTRY_2026.read_text(encoding="utf-8"))
    unit = next(u for u in data["units"] if u["id"] == "so-tu-phap")
    unit["e_signing"] = {"signature": "chu-ky.png", "seal": "dau.png", "seal_mm": 36}
    path = folder / "gia-lai.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return load_registry(path)


def _drawings(data: bytes):
    word = WordDocument(io.BytesIO(data))
    cell = word.tables[-1].rows[0].cells[1]  # the signature column of the footer table
    paragraphs = cell.paragraphs
    area = next(p for p in paragraphs if p._p.xpath(".//w:bookmarkStart[@w:name='ChuKySo']"))
    return word, paragraphs, area


def test_a_units_signature_and_seal_pngs_stand_at_their_nd30_places(context26, signing_registry):
    document = subplan("so-tu-phap", context26)
    data = electronic_docx(document, signing_registry)
    report = check_docx(data, "so-tu-phap.docx")
    assert report.ok, [(r.rule.id, r.outcome.violations) for r in report.errors]
    assert result(report, "dien-tu.chu-ky").status == "đạt"
    assert result(report, "dien-tu.hinh-anh").status == "đạt"
    package = zipfile.ZipFile(io.BytesIO(data))
    assert {SIGNATURE_PART, SEAL_PART} <= set(package.namelist())
    assert package.read(SIGNATURE_PART) == (signing_registry.path.parent / "chu-ky.png").read_bytes()
    types = package.read("[Content_Types].xml").decode()
    assert f'PartName="/{SIGNATURE_PART}" ContentType="image/png"' in types
    word, paragraphs, area = _drawings(data)
    index = [p._p for p in paragraphs].index(area._p)
    assert paragraphs[index - 1].text == "GIÁM ĐỐC"  # between the chức vụ and the name (II.7.d)
    assert area.alignment == 1  # centred
    inline = area._p.xpath(".//wp:inline//wp:extent")[0]
    sig_width = int(inline.get("cx")) / 36000
    assert abs(sig_width - 480 / 300 * 25.4) < 0.1  # real size from the PNG's resolution
    anchor = area._p.xpath(".//wp:anchor")[0]
    seal_width = int(anchor.xpath("./wp:extent")[0].get("cx")) / 36000
    assert seal_width == pytest.approx(36, abs=0.01)  # the seal's real size (seal_mm)
    seal_left = int(anchor.xpath("./wp:positionH/wp:posOffset")[0].text) / 36000
    column = 93  # the signature column (95 mm less its cell margins)
    sig_left = (column - sig_width) / 2
    covered = (seal_left + seal_width - sig_left) / sig_width
    assert covered == pytest.approx(1 / 3, abs=0.01) and seal_left < sig_left  # the left third (II.8.a)


def test_a_misplaced_seal_is_an_error(context26, signing_registry):
    data = electronic_docx(subplan("so-tu-phap", context26), signing_registry)
    moved = with_document_xml(data, lambda xml: re.sub(
        r'(<wp:positionH relativeFrom="column"><wp:posOffset>)-?\d+', r"\g<1>2200000", xml))
    outcome = result(check_docx(moved, "dien-tu.docx"), "dien-tu.chu-ky")
    assert outcome.failed and "1/3 hình chữ ký về bên trái" in outcome.outcome.violations[0].detail


def test_a_signature_picture_off_centre_is_an_error(context26, signing_registry):
    data = electronic_docx(subplan("so-tu-phap", context26), signing_registry)
    moved = with_document_xml(data, lambda xml: xml.replace(
        '<w:jc w:val="center"/></w:pPr><w:bookmarkStart', '<w:jc w:val="left"/></w:pPr><w:bookmarkStart'))
    outcome = result(check_docx(moved, "dien-tu.docx"), "dien-tu.chu-ky")
    assert outcome.failed and "hình chữ ký lệch trái" in outcome.outcome.violations[0].detail


def test_an_appendix_file_without_its_block_in_10_pt_is_an_error(context26):
    data = render.appendix_docx(subplan("so-tu-phap", context26), context26.registry)
    bigger = with_document_xml(data, lambda xml: xml.replace('<w:pStyle w:val="VBKySoPhuLuc"/>',
                                                             '<w:pStyle w:val="VBKySoPhuLuc"/><w:jc w:val="left"/>'))
    outcome = result(check_docx(bigger, "phu-luc.docx"), "dien-tu.phu-luc-rieng")
    assert outcome.failed and "góc trên, bên phải" in outcome.outcome.violations[0].detail


def test_a_picture_that_is_not_a_transparent_png_is_refused_naming_the_file(context26, tmp_path):
    Image.new("RGB", (300, 120), (20, 40, 200)).save(tmp_path / "chu-ky.png")
    data = yaml.safe_load(REGISTRY_2026.read_text(encoding="utf-8"))
    next(u for u in data["units"] if u["id"] == "so-tu-phap")["e_signing"] = {"signature": "chu-ky.png"}
    path = tmp_path / "gia-lai.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(InputError) as raised:
        derive.document_context(subplan("so-tu-phap", context26), load_registry(path), electronic=True)
    assert "nền trong suốt" in raised.value.message and raised.value.location.file.name == "chu-ky.png"
