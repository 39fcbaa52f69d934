"""What a văn thư registers of a batch: the Phụ lục VI metadata of each document (sidecar and manifest), the
register of outgoing documents (Phụ lục IV), the mã định danh of units, and the duplicate số/ký hiệu check."""

from __future__ import annotations

import csv
import json
import shutil

import pytest
import yaml
from lxml import etree
from openpyxl import load_workbook

from generator import records
from generator.cli import main
from generator.errors import InputErrors
from generator.loading import load_plan
from generator.pipeline import cascade, outgoing_register, unit_reports
from generator.records import Addressee, Record

from conftest import ROOT, SEED_PLAN

PLAN_2026 = ROOT / "data" / "gia-lai-2025" / "ke-hoach-dan-van-2026.yaml"
UNITS_2021 = ["so-noi-vu", "so-tu-phap", "ubnd-huyen-chu-se"]
PHU_LUC_IV = ["Số, ký hiệu văn bản", "Ngày tháng văn bản", "Tên loại và trích yếu nội dung văn bản", "Người ký",
              "Nơi nhận văn bản", "Đơn vị, người nhận bản lưu", "Số lượng bản", "Ngày chuyển", "Ký nhận", "Ghi chú"]
# Phụ lục VI, Phần II, mục I: the tags of an outgoing document, in the table's order, with their lengths
PHU_LUC_VI = [("FileCode", None), ("FileCode/OrganId", 13), ("FileCode/FileCatalog", 4),
              ("FileCode/FileNotation", 20), ("DocOrdinal", 3), ("TypeName", 100), ("CodeNumber", 11),
              ("CodeNotation", 30), ("IssuedDate", 10), ("OrganName", 200), ("Subject", 500), ("Language", 30),
              ("PageAmount", 3), ("Description", 500), ("SignerInfo", None), ("SignerInfo/Position", 100),
              ("SignerInfo/FullName", 50), ("To", None), ("To/OrganId", 13), ("To/OrganName", 200),
              ("Priority", 1), ("IssuedAmount", 3), ("DueDate", 10)]


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    return cascade(SEED_PLAN, tmp_path_factory.mktemp("records"), units=UNITS_2021, workers=1, make_zip=True)


def sidecar(batch, unit_id: str) -> etree._Element:
    entry = next(e for e in batch.entries if e.unit == unit_id)
    return etree.parse(str(batch.out_dir / entry.metadata)).getroot()


def test_every_document_has_a_phu_luc_vi_sidecar_with_the_tags_in_order_and_within_their_lengths(batch):
    assert batch.failures == [] and batch.exit_code == 0
    for entry in batch.entries:
        assert entry.metadata == entry.file.removesuffix(".docx") + ".metadata.xml"
        root = sidecar(batch, entry.unit)
        assert root.tag == "OutgoingDocument"
        tags = [child.tag for child in root if isinstance(child.tag, str)]
        assert tags[:14] == ["FileCode", "DocOrdinal", "TypeName", "CodeNumber", "CodeNotation", "IssuedDate",
                             "OrganName", "Subject", "Language", "PageAmount", "Description", "SignerInfo",
                             "To", "To"][:14]
        assert tags[-3:] == ["Priority", "IssuedAmount", "DueDate"]
        for path, length in PHU_LUC_VI:
            found = root.findall(path)
            assert found, path
            if length:
                assert all(len(e.text or "") <= length for e in found), path


def test_the_sidecar_says_what_the_document_says(batch):
    loaded = load_plan(SEED_PLAN)
    root = sidecar(batch, "so-noi-vu")
    text = {path: root.findtext(path) for path, _ in PHU_LUC_VI}
    assert text["TypeName"] == "Kế hoạch" and text["CodeNotation"] == "KH-SNV" and text["OrganName"] == "Sở Nội vụ"
    assert text["CodeNumber"] == "" and text["IssuedDate"] == ""  # a draft: the văn thư gives số and ngày
    assert text["Description"] == "Dự thảo, chưa cấp số và ngày ban hành"
    assert text["FileCode/FileCatalog"] == str(loaded.plan.document.issue_year) == "2021"
    assert text["FileCode/OrganId"] == ""  # no public mã định danh known for Gia Lai's units: blank, not made up
    assert text["Subject"].startswith("Triển khai công tác dân vận năm 2021") and text["Language"] == "Tiếng Việt"
    assert text["SignerInfo/Position"] == "GIÁM ĐỐC" and text["PageAmount"] == "" and text["Priority"] == "0"
    recipients = [to.findtext("OrganName") for to in root.findall("To")]
    assert recipients[0] == "Ủy ban nhân dân tỉnh Gia Lai"  # «UBND tỉnh» of Nơi nhận, by its full name
    chu_se = sidecar(batch, "ubnd-huyen-chu-se")
    assert chu_se.findtext("SignerInfo/Position") == "CHỦ TỊCH" and chu_se.findtext("CodeNotation") == "KH-UBND"


def test_the_manifest_carries_the_record_and_the_csv_the_new_columns(batch):
    manifest = json.loads((batch.out_dir / "manifest.json").read_text(encoding="utf-8"))
    entry = next(d for d in manifest["documents"] if d["unit"] == "so-tu-phap")
    assert entry["metadata"] == "so-tu-phap/ke-hoach-dan-van-2021.metadata.xml" and entry["date"] == ""
    assert entry["record"]["code_notation"] == "KH-STP" and entry["record"]["organ_name"] == "Sở Tư pháp"
    assert manifest["register"] == "so-dang-ky-van-ban-di.xlsx"
    rows = list(csv.DictReader((batch.out_dir / "manifest.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert {"Ngày tháng văn bản", "Mã định danh cơ quan", "Số trang", "Tệp dữ liệu đặc tả"} <= set(rows[0])
    assert rows[1]["Tệp dữ liệu đặc tả"] == "so-tu-phap/ke-hoach-dan-van-2021.metadata.xml"
    names = set(__import__("zipfile").ZipFile(batch.zip_path).namelist())
    assert {"so-dang-ky-van-ban-di.xlsx", "so-tu-phap/ke-hoach-dan-van-2021.metadata.xml"} <= names


def test_the_batch_tells_how_many_units_lack_a_ma_dinh_danh_and_that_pages_are_not_counted(batch):
    lines = [str(n) for n in batch.notices]
    assert sum("chưa có mã định danh điện tử" in line for line in lines) == 1
    assert any("3/3 đơn vị chưa có mã định danh điện tử" in line and "units.yaml" in line for line in lines)
    assert any("số trang của 3 văn bản để trống" in line and "--pdf" in line for line in lines)


def test_the_register_has_the_phu_luc_iv_columns_and_one_row_per_document(batch):
    workbook = load_workbook(batch.register_path)
    sheet = workbook.active
    assert sheet["A1"].value == "SỔ ĐĂNG KÝ VĂN BẢN ĐI" and sheet["A1"].font.b
    assert sheet["A2"].value.startswith("Kế hoạch cụ thể hóa Kế hoạch triển khai công tác dân vận năm 2021")
    assert [c.value for c in sheet[3]] == PHU_LUC_IV and all(c.font.b for c in sheet[3])
    assert [c.value for c in sheet[4]] == [f"({i})" for i in range(1, 11)]
    assert sheet.freeze_panes == "A5" and sheet.print_title_rows == "$3:$4"
    assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.paperSize) == 9  # A4
    assert sheet.max_row == 4 + 3 and all(sheet.column_dimensions[c].width for c in "ABCDEFGHIJ")
    row = [c.value for c in sheet[6]]  # Sở Tư pháp, second in the manifest
    assert row[0] == "…/KH-STP" and row[1] is None
    assert row[2].startswith("Kế hoạch: Triển khai công tác dân vận năm 2021") and row[3] == "GIÁM ĐỐC"
    assert row[4].splitlines()[:2] == ["- UBND tỉnh (báo cáo);", "- Sở Nội vụ (báo cáo);"]
    assert row[5] == "VT, VP" and row[6] is None and row[7] is None and row[8] is None
    assert row[9] == "Dự thảo, chưa cấp số và ngày ban hành" and sheet["E6"].alignment.wrap_text
    # Excel and LibreOffice open a row at the height it was saved with: tall enough for every Nơi nhận line
    assert sheet.row_dimensions[6].height >= len(row[4].splitlines()) * 15


def test_a_resumed_batch_writes_the_sidecars_and_the_register_again(batch, tmp_path):
    out = tmp_path / "out"
    first = cascade(SEED_PLAN, out, units=UNITS_2021[:2], workers=1)
    register = first.register_path.read_bytes()
    side = out / first.entries[0].metadata
    original = side.read_bytes()
    side.unlink()
    first.register_path.unlink()
    again = cascade(SEED_PLAN, out, units=UNITS_2021[:2], workers=1)
    assert again.skipped == 2 and side.read_bytes() == original and again.register_path.read_bytes() == register
    assert again.entries[0].record == first.entries[0].record


def test_a_register_a_person_filled_in_is_kept(tmp_path):
    out = tmp_path / "out"
    first = cascade(SEED_PLAN, out, units=["so-tu-phap"], workers=1)
    workbook = load_workbook(first.register_path)
    workbook.active["H5"] = "12/3/2021"  # ngày chuyển, written by the văn thư; saved by openpyxl, not vanban
    workbook.save(first.register_path)
    kept = first.register_path.read_bytes()
    again = cascade(SEED_PLAN, out, units=["so-tu-phap"], workers=1)
    assert again.register_path.read_bytes() == kept
    assert any("so-dang-ky-van-ban-di.xlsx" in str(n) and "--force" in str(n) for n in again.notices)
    forced = cascade(SEED_PLAN, out, units=["so-tu-phap"], workers=1, force=True)
    assert forced.register_path.read_bytes() != kept


def test_the_register_of_the_2026_plan_from_the_library_function():
    loaded = load_plan(PLAN_2026)
    data = outgoing_register([loaded.plan.document], loaded.registry, heading="Văn bản đã ban hành")
    sheet = load_workbook(__import__("io").BytesIO(data)).active
    assert [c.value for c in sheet[3]] == PHU_LUC_IV and sheet["A2"].value == "Văn bản đã ban hành"
    assert sheet["A5"].value.endswith("/KH-UBND") and sheet["C5"].value.startswith("Kế hoạch: ")
    assert data == outgoing_register([loaded.plan.document], loaded.registry, heading="Văn bản đã ban hành")


# ---------------------------------------------------------------- values cut to their Phụ lục VI lengths

def record(**changes) -> Record:
    base = dict(unit="so-tu-phap", file="so-tu-phap/a.docx", organ_id="", file_catalog=2021, file_notation="",
                doc_ordinal=None, type_name="Kế hoạch", code_number="15", code_notation="KH-STP",
                issued_date="2021-05-05", organ_name="Sở Tư pháp", subject="Trích yếu", language="Tiếng Việt",
                page_amount=4, description="", position="PHÓ GIÁM ĐỐC", full_name="Trần Văn B",
                to=(Addressee("", "Ủy ban nhân dân tỉnh Gia Lai"),), priority=0, issued_amount=None, due_date="")
    return Record(**{**base, **changes})


def test_a_value_longer_than_phu_luc_vi_allows_is_cut_in_the_sidecar_and_named():
    long = record(subject="Trích yếu rất dài " * 40, full_name="Nguyễn " * 10)
    assert [(rule.tag, size) for rule, size in records.too_long(long)] == [("Subject", 720), ("FullName", 70)]
    root = etree.fromstring(records.metadata_xml(long))
    assert len(root.findtext("Subject")) == 500 and len(root.findtext("SignerInfo/FullName")) == 50
    assert Record.from_json(json.loads(json.dumps(long.to_json()))) == long  # through a journal line and back


def test_a_page_count_is_trusted_only_when_word_or_libreoffice_saved_it():
    import io
    import zipfile

    def docx(app: str) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as package:
            package.writestr("docProps/app.xml", f'<Properties xmlns="x">{app}</Properties>')
        return buffer.getvalue()

    assert records.docx_pages(docx("<Application>Microsoft Office Word</Application><Pages>3</Pages>")) == 3
    assert records.docx_pages(docx("<Application>vanban</Application><Pages>3</Pages>")) is None
    assert records.docx_pages(docx("<Application>vanban</Application>")) is None
    assert records.docx_pages(b"not a zip") is None


# ---------------------------------------------------------------- mã định danh and duplicates

def _plan_copy(tmp_path, edit_units) -> object:
    folder = tmp_path / "plan"
    shutil.copytree(SEED_PLAN.parent, folder)
    path = folder / "units.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit_units({u["id"]: u for u in data["units"]})
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder / SEED_PLAN.name


def _results(folder, unit_id: str, number: int, day: str = "05/5/2021"):
    folder.mkdir(exist_ok=True)
    (folder / f"{unit_id}.yaml").write_text(
        f"unit: {unit_id}\nperiod: 6-thang\nreport: {{number: {number}, date: {day}}}\n"
        "indicators: {hoi-nghi-quan-triet: 1}\n", encoding="utf-8")


def test_a_known_ma_dinh_danh_goes_into_the_sidecar_and_the_count_of_units_without_one(tmp_path):
    def give(units):  # a test code in a copy of the registry, not a real one
        units["so-tu-phap"]["organ_id"] = "000.00.99.T01"
    plan = _plan_copy(tmp_path, give)
    result = cascade(plan, tmp_path / "out", units=["so-tu-phap", "so-noi-vu"], workers=1)
    root = etree.parse(str(result.out_dir / result.entries[1].metadata)).getroot()
    assert result.entries[1].unit == "so-tu-phap" and root.findtext("FileCode/OrganId") == "000.00.99.T01"
    assert any("1/2 đơn vị chưa có mã định danh điện tử" in str(n) for n in result.notices)


def test_a_ma_dinh_danh_longer_than_13_characters_is_refused_with_its_place(tmp_path, capsys):
    def give(units):
        units["so-tu-phap"]["organ_id"] = "000.00.99.T0123"
    plan = _plan_copy(tmp_path, give)
    assert main(["cascade", str(plan), "-o", str(tmp_path / "out"), "--unit", "so-tu-phap"]) == 2
    err = capsys.readouterr().err
    assert "units.yaml" in err and "organ_id" in err and not (tmp_path / "out").exists()


def _merged_twice(units):
    """The registry lists Sở Nội vụ twice: the merged Sở Lao động entry was renamed, its code kept in step."""
    units["so-lao-dong-tbxh"].update(name="Sở Nội vụ", code="SNV")


def _same_code(units):
    """Two entries with the same mã định danh (one body entered under two ids)."""
    units["so-noi-vu"]["organ_id"] = units["so-lao-dong-tbxh"]["organ_id"] = "000.00.99.T02"
    units["so-lao-dong-tbxh"]["code"] = "SNV"


@pytest.mark.parametrize("edit, same", [(_merged_twice, "cùng cơ quan ban hành «Sở Nội vụ»"),
                                        (_same_code, "cùng mã định danh 000.00.99.T02")])
def test_two_reports_of_one_body_with_the_same_so_and_ky_hieu_stop_the_batch_before_anything_is_written(
        tmp_path, capsys, edit, same):
    plan = _plan_copy(tmp_path, edit)
    results = tmp_path / "ket-qua"
    _results(results, "so-noi-vu", 15)
    _results(results, "so-lao-dong-tbxh", 15, "07/5/2021")
    out = tmp_path / "out"
    with pytest.raises(InputErrors) as raised:
        unit_reports(plan, "6-thang", out, results_dir=results, units=["so-noi-vu", "so-lao-dong-tbxh"], workers=1)
    message = str(raised.value)
    assert "15/BC-SNV năm 2021" in message and same in message
    assert "so-noi-vu/bao-cao-6-thang-ke-hoach-dan-van-2021.docx" in message
    assert "so-lao-dong-tbxh/bao-cao-6-thang-ke-hoach-dan-van-2021.docx" in message
    assert "so-lao-dong-tbxh.yaml" in message  # where the second số is written
    assert not out.exists()
    code = main(["report", str(plan), "--period", "6-thang", "--results", str(results), "-o", str(out),
                 "--unit", "so-noi-vu", "--unit", "so-lao-dong-tbxh"])
    assert code == 2 and "trùng số và ký hiệu 15/BC-SNV" in capsys.readouterr().err and not out.exists()


def test_different_bodies_may_use_the_same_number_and_a_numbered_report_is_registered_with_its_date(tmp_path):
    results = tmp_path / "ket-qua"
    _results(results, "so-noi-vu", 15)
    _results(results, "so-tu-phap", 15)
    _results(results, "ubnd-huyen-chu-se", 15)
    _results(results, "ubnd-huyen-chu-pah", 15)  # the same ký hiệu BC-UBND, another body
    result = unit_reports(SEED_PLAN, "6-thang", tmp_path / "out", results_dir=results, workers=1,
                          units=["so-noi-vu", "so-tu-phap", "ubnd-huyen-chu-se", "ubnd-huyen-chu-pah"])
    assert result.exit_code == 0 and len(result.entries) == 4
    entry = next(e for e in result.entries if e.unit == "ubnd-huyen-chu-se")
    assert entry.date == "05/5/2021" and entry.so_ky_hieu == "Số: 15/BC-UBND"
    root = etree.parse(str(result.out_dir / entry.metadata)).getroot()
    assert root.findtext("CodeNumber") == "15" and root.findtext("IssuedDate") == "2021-05-05"
    assert root.findtext("Description") == "" and root.findtext("TypeName") == "Báo cáo"
    sheet = load_workbook(result.register_path).active
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=5)]
    assert [r[0] for r in rows] == ["15/BC-SNV", "15/BC-STP", "15/BC-UBND", "15/BC-UBND"]  # registry order
    assert rows[2][1] == "05/5/2021" and rows[2][3] == "CHỦ TỊCH"
    assert sheet["A2"].value.startswith("Báo cáo 6 tháng đầu năm 2021 kết quả thực hiện Kế hoạch")


def test_in_electronic_mode_the_so_and_ngay_are_the_e_offices_so_nothing_clashes_and_nothing_is_recorded(tmp_path):
    plan = _plan_copy(tmp_path, _merged_twice)
    results = tmp_path / "ket-qua"
    _results(results, "so-noi-vu", 15)
    _results(results, "so-lao-dong-tbxh", 15)
    result = unit_reports(plan, "6-thang", tmp_path / "out", results_dir=results, workers=1, electronic=True,
                          units=["so-noi-vu", "so-lao-dong-tbxh"])
    assert result.exit_code == 0, result.failures
    for entry in result.entries:
        root = etree.parse(str(result.out_dir / entry.metadata)).getroot()
        assert root.findtext("CodeNumber") == "" and root.findtext("IssuedDate") == ""
        assert entry.so_ky_hieu.endswith("/BC-SNV") and "15" not in entry.so_ky_hieu and entry.date == ""
