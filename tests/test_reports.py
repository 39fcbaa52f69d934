"""Reports per unit and period (blank or filled from YAML / Excel) and the consolidated report."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from openpyxl import load_workbook

from generator.cascade.subplan import load_context
from generator.check import check_docx
from generator.cli import main
from generator.loading import load_plan
from generator.ooxml import qn
from generator.ooxml.reading import paragraph_text
from generator.pipeline import consolidate, results_templates, unit_reports
from generator.reports import unit_items

from conftest import SEED_PLAN, DocxFacts

# The parent plan's nine items (mục II of the province's plan): the consolidated report's subsections.
ITEM_TITLES = [
    "Quán triệt, học tập các Chỉ thị, Nghị quyết của Đảng, chính sách, pháp luật của Nhà nước về công tác dân vận",
    "Công tác thông tin, tuyên truyền",
    "Công tác dân vận gắn với thực hiện có hiệu quả các chỉ tiêu phát triển kinh tế - xã hội trên địa bàn tỉnh",
    "Công tác dân vận gắn với thực hiện tốt cải cách hành chính",
    "Công tác dân vận gắn với thực hiện Quy chế dân chủ; nâng cao đạo đức, kỷ luật, kỷ cương trong thực thi công vụ",
    "Công tác tiếp dân, xử lý đơn thư, giải quyết khiếu nại, tố cáo",
    "Phối hợp, tạo điều kiện để Mặt trận Tổ quốc, các đoàn thể chính trị - xã hội và Nhân dân tham gia giám sát, "
    "phản biện xã hội và góp ý xây dựng chính quyền vững mạnh",
    "Công tác đảm bảo an ninh, quốc phòng",
    "Sơ kết, tổng kết Kế hoạch dân vận năm 2021, chủ đề “Đẩy mạnh thực hiện Quy chế dân chủ ở cơ sở” theo quy định",
]
CONTEXT = load_context(load_plan(SEED_PLAN))


def own_items(unit_id: str) -> list[str]:
    """The titles of the items of the unit's OWN sub-plan (mục II), in its numbering: what its report asks."""
    return [item.plain_title for item in unit_items(CONTEXT, unit_id)]


def own_number(unit_id: str, item_id: str) -> int:
    """The number, in the unit's own plan, of the item that came from the parent's item ``item_id``."""
    return next(item.number for item in unit_items(CONTEXT, unit_id) if item.id == item_id)


@pytest.fixture(scope="module")
def blank(tmp_path_factory):
    out = tmp_path_factory.mktemp("blank")
    return unit_reports(SEED_PLAN, "6-thang", out, workers=2)


def report_facts(out_dir, unit_id: str, period: str = "6-thang") -> DocxFacts:
    return DocxFacts(out_dir / unit_id / f"bao-cao-{period}-ke-hoach-dan-van-2021.docx")


def appendix_rows(f: DocxFacts) -> list[list[str]]:
    table = f.body.findall(qn("w:tbl"))[-1]
    return [[paragraph_text(tc.find(qn("w:p"))) for tc in tr.findall(qn("w:tc"))] for tr in table.findall(qn("w:tr"))]


def test_every_unit_gets_a_blank_form_that_passes_check(blank):
    assert blank.failures == [] and len(blank.entries) == 40
    for entry in blank.entries:
        assert check_docx(blank.out_dir / entry.file).ok, entry.unit


@pytest.mark.parametrize("unit_id", ["ubnd-huyen-chu-se", "so-tu-phap"])
def test_a_blank_report_goes_upward_with_kinh_gui_and_nhu_tren(blank, unit_id):
    f = report_facts(blank.out_dir, unit_id)
    texts = f.texts()
    f.find("BÁO CÁO")
    f.find("Kính gửi: Ủy ban nhân dân tỉnh Gia Lai (qua Sở Nội vụ).")
    assert texts[texts.index("Nơi nhận:") + 1] == "- Như trên;"
    assert any(t.startswith("Số:") and "/BC-" in t for t in texts)


def test_a_blank_report_has_its_own_sub_plans_content_items_in_order_with_placeholders(blank):
    # (this test pinned the parent's nine titles, "trên địa bàn tỉnh" included; since issue 14 a unit's report
    # follows its own plan, which for a huyện says "huyện")
    texts = report_facts(blank.out_dir, "ubnd-huyen-chu-se").texts()
    titles = own_items("ubnd-huyen-chu-se")
    start, end = texts.index("II. KẾT QUẢ THỰC HIỆN"), texts.index("III. ĐÁNH GIÁ CHUNG")
    headings = [t for t in texts[start:end] if t[:1].isdigit() and ". " in t]
    assert headings == [f"{n}. {title}" for n, title in enumerate(titles, 1)]
    assert "Công tác dân vận gắn với thực hiện có hiệu quả các chỉ tiêu phát triển kinh tế - xã hội trên địa bàn huyện" \
        in titles
    for heading in headings:
        assert texts[texts.index(heading) + 1] == "…"
    for heading in ("I. CÔNG TÁC LÃNH ĐẠO, CHỈ ĐẠO, TRIỂN KHAI", "II. KẾT QUẢ THỰC HIỆN", "III. ĐÁNH GIÁ CHUNG",
                    "1. Ưu điểm", "2. Tồn tại, hạn chế và nguyên nhân", "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ 6 THÁNG CUỐI NĂM 2021",
                    "V. ĐỀ XUẤT, KIẾN NGHỊ"):
        assert heading in texts


def test_a_blank_report_cites_the_units_own_sub_plan_and_leaves_its_figures_empty(blank):
    f = report_facts(blank.out_dir, "so-tu-phap")
    assert "Sở Tư pháp đã ban hành Kế hoạch số …/KH-STP ngày …/…/2021" in "\n".join(f.texts())
    rows = appendix_rows(f)
    assert rows[0] == ["STT", "Chỉ tiêu", "Đơn vị tính", "Kết quả"]
    assert rows[1] == ["1", "Hội nghị quán triệt, triển khai", "hội nghị", ""] and len(rows) == 9


RESULTS_YAML = """\
unit: so-tu-phap
period: 6-thang
report: {number: 15, date: 05/5/2021}
sub_plan: {number: 12, date: 20/3/2021}
signer: {name: Trần Văn B, role: deputy}
indicators:
  hoi-nghi-quan-triet: 2
  luot-nguoi-tham-du: 1250
  tiep-cong-dan: 0
texts:
  leadership: Sở tổ chức hội nghị triển khai cho toàn thể công chức, viên chức.
  results:
    "1": Đã quán triệt đến 100% công chức, viên chức.
    "SO_KET": Sẽ sơ kết vào tháng 6/2021.
  strengths: Triển khai kịp thời, đúng kế hoạch.
""".replace("SO_KET", str(own_number("so-tu-phap", "so-ket-tong-ket")))  # its number in Sở Tư pháp's own plan


@pytest.fixture
def results_dir(tmp_path):
    folder = tmp_path / "ket-qua"
    folder.mkdir()
    (folder / "so-tu-phap.yaml").write_text(RESULTS_YAML, encoding="utf-8")
    return folder


def test_a_report_filled_from_yaml_puts_numbers_in_their_cells_and_texts_in_their_items(results_dir, tmp_path):
    result = unit_reports(SEED_PLAN, "6-thang", tmp_path / "out", results_dir=results_dir, units=["so-tu-phap"])
    assert result.exit_code == 0
    f = report_facts(tmp_path / "out", "so-tu-phap")
    texts = f.texts()
    f.find("Số: 15/BC-STP")
    f.find("Gia Lai, ngày 05 tháng 5 năm 2021")
    assert "Sở Tư pháp đã ban hành Kế hoạch số 12/KH-STP ngày 20/3/2021" in "\n".join(texts)
    titles = own_items("so-tu-phap")
    assert texts[texts.index(f"1. {titles[0]}") + 1] == "Đã quán triệt đến 100% công chức, viên chức."
    assert texts[texts.index(f"2. {titles[1]}") + 1] == "…"
    number = own_number("so-tu-phap", "so-ket-tong-ket")
    assert texts[texts.index(f"{number}. {titles[number - 1]}") + 1] == "Sẽ sơ kết vào tháng 6/2021."
    assert texts[texts.index("1. Ưu điểm") + 1] == "Triển khai kịp thời, đúng kế hoạch."
    rows = appendix_rows(f)
    assert rows[1][3] == "2" and rows[2][3] == "1.250" and rows[5][3] == "0" and rows[3][3] == ""
    assert ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"] == texts[texts.index("KT. GIÁM ĐỐC"):texts.index("KT. GIÁM ĐỐC") + 2]
    assert "Trần Văn B" in texts
    f.find("(Kèm theo Báo cáo số 15/BC-STP ngày 05 tháng 5 năm 2021 của Sở Tư pháp)")
    assert check_docx(f.path).ok


def test_the_annual_report_is_named_for_the_year_and_looks_to_the_next(tmp_path):
    unit_reports(SEED_PLAN, "nam", tmp_path, units=["ubnd-huyen-ia-pa"])
    f = report_facts(tmp_path, "ubnd-huyen-ia-pa", "nam")
    texts = f.texts()
    assert paragraph_text(f.find_starting("Kết quả thực hiện Kế hoạch triển khai công tác dân vận")).endswith(
        "cơ sở” năm 2021")
    assert "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2022" in texts


def fill_workbook(path, values: list, answers: dict[str, object]):
    workbook = load_workbook(path)
    sheet = workbook["Chỉ tiêu"]
    for offset, value in enumerate(values):
        sheet.cell(row=6 + offset, column=4, value=value)
    texts = workbook["Nội dung"]
    for row in range(6, 40):
        label = texts.cell(row=row, column=2).value
        for prefix, answer in answers.items():
            if label and label.startswith(prefix):
                texts.cell(row=row, column=3, value=answer)
    workbook.save(path)


def test_excel_round_trip_template_filled_report(tmp_path):
    templates = results_templates(SEED_PLAN, "6-thang", tmp_path / "ket-qua", units=["ubnd-huyen-chu-se"])
    assert [p.name for p in templates] == ["ubnd-huyen-chu-se.xlsx"]
    workbook = load_workbook(templates[0])
    sheet = workbook["Chỉ tiêu"]
    assert sheet.protection.sheet and not sheet["D6"].protection.locked and sheet["B6"].protection.locked
    assert any(v.type == "whole" and "D6" in str(v.sqref) for v in sheet.data_validations.dataValidation)
    fill_workbook(templates[0], [5, 900, 3, 2, 40, 30, 28, 6],
                  {"Số báo cáo": 21, "Ngày báo cáo": dt.datetime(2021, 5, 6), "Họ và tên": "Nguyễn Văn C",
                   "Người ký": "Cấp trưởng",
                   f"Kết quả: {own_number('ubnd-huyen-chu-se', 'an-ninh-quoc-phong')}. ": "Phối hợp bảo đảm an ninh bầu cử."})
    result = unit_reports(SEED_PLAN, "6-thang", tmp_path / "out", results_dir=tmp_path / "ket-qua",
                          units=["ubnd-huyen-chu-se"])
    assert result.exit_code == 0
    f = report_facts(tmp_path / "out", "ubnd-huyen-chu-se")
    assert [row[3] for row in appendix_rows(f)[1:]] == ["5", "900", "3", "2", "40", "30", "28", "6"]
    texts = f.texts()
    f.find("Số: 21/BC-UBND")
    number = own_number("ubnd-huyen-chu-se", "an-ninh-quoc-phong")
    assert texts[texts.index(f"{number}. {own_items('ubnd-huyen-chu-se')[number - 1]}") + 1] == \
        "Phối hợp bảo đảm an ninh bầu cử."
    assert texts[texts.index("TM. ỦY BAN NHÂN DÂN") + 1] == "CHỦ TỊCH" and "Nguyễn Văn C" in texts


def test_consolidation_sums_the_units_and_names_the_missing_and_the_late(results_dir, tmp_path):
    results_templates(SEED_PLAN, "6-thang", results_dir, units=["ubnd-huyen-chu-se"])
    fill_workbook(results_dir / "ubnd-huyen-chu-se.xlsx", [5, 900, 3, 2, 40, 30, 28, 6],
                  {"Ngày báo cáo": dt.datetime(2021, 5, 12), "Kết quả: 1. ": "Quán triệt tại 15 xã, thị trấn."})
    (results_dir / "so-y-te.yaml").write_text(
        "unit: so-y-te\nperiod: 6-thang\nindicators: {hoi-nghi-quan-triet: 1, luot-nguoi-tham-du: 60}\n",
        encoding="utf-8")
    result = consolidate(SEED_PLAN, "6-thang", results_dir, tmp_path)
    assert result.reported == ["so-tu-phap", "so-y-te", "ubnd-huyen-chu-se"]
    # Sở Nội vụ, the consolidator, does not send itself a report: 39 units, 36 missing (issue 15)
    assert len(result.missing) == 36 and "so-noi-vu" not in result.missing and result.late == ["ubnd-huyen-chu-se"]
    assert result.report.ok
    f = DocxFacts(result.docx)
    text = "\n".join(f.texts())
    assert "Đến nay, 3/39 cơ quan, đơn vị, địa phương đã gửi báo cáo 6 tháng đầu năm 2021." in text
    # full names, in the registry's official order (issue 15)
    assert "chưa gửi báo cáo: Sở Kế hoạch và Đầu tư; Sở Tài chính; Sở Công Thương" in text
    assert "sau thời hạn (10/5/2021): Ủy ban nhân dân huyện Chư Sê" in text
    assert "- Hội nghị quán triệt, triển khai: 8 hội nghị;" in text
    assert "- Lượt người tham dự hội nghị: 2.210 lượt người;" in text
    assert "- Sở Tư pháp: Đã quán triệt đến 100% công chức, viên chức." in text
    assert "- Ủy ban nhân dân huyện Chư Sê: Quán triệt tại 15 xã, thị trấn." in text
    # Sở Tư pháp's result on its own item "Sơ kết, tổng kết" goes under the parent's item 9, whatever its number
    texts = f.texts()
    assert texts[texts.index(f"9. {ITEM_TITLES[8]}") + 1] == "- Sở Tư pháp: Sẽ sơ kết vào tháng 6/2021."
    rows = appendix_rows(f)
    assert rows[-1][:4] == ["", "Tổng cộng", "8", "2.210"]
    assert [r[1] for r in rows if r[1].startswith("Sở Y tế")] == ["Sở Y tế"]
    assert [r[1] for r in rows if r[1].startswith("Sở Tài chính")] == ["Sở Tài chính (chưa báo cáo)"]
    section = f.body.findall(qn("w:sectPr"))[-1]
    assert section.find(qn("w:pgSz")).get(qn("w:orient")) == "landscape"  # the per-unit table needs the width


def test_the_consolidated_report_is_sent_upward_by_the_provinces_signer(results_dir, tmp_path):
    f = DocxFacts(consolidate(SEED_PLAN, "6-thang", results_dir, tmp_path).docx)
    texts = f.texts()
    # written out, one per line, no purpose notes (issue 15; they were "- Văn phòng Chính phủ (báo cáo);" …)
    assert texts[texts.index("Kính gửi:") + 1:texts.index("Kính gửi:") + 6] == [
        "- Văn phòng Chính phủ;", "- Ban Dân vận Trung ương;", "- Bộ Nội vụ;", "- Thường trực Tỉnh ủy;",
        "- Thường trực Hội đồng nhân dân tỉnh."]
    assert texts[texts.index("Nơi nhận:") + 1] == "- Như trên;"
    assert texts[texts.index("TM. ỦY BAN NHÂN DÂN") + 1:texts.index("TM. ỦY BAN NHÂN DÂN") + 3] == [
        "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]


# ---------------------------------------------------------------- validation

def run(capsys, *args):
    code = main([str(a) for a in args])
    return code, capsys.readouterr().err


def test_bad_figures_in_excel_are_reported_with_sheet_and_cell_and_nothing_is_written(tmp_path, capsys):
    folder = tmp_path / "ket-qua"
    results_templates(SEED_PLAN, "6-thang", folder, units=["so-y-te", "so-tu-phap"])
    fill_workbook(folder / "so-y-te.xlsx", [-1, 2.5, "năm"], {})
    fill_workbook(folder / "so-tu-phap.xlsx", [1], {"Ngày báo cáo": "31/02/2021"})
    out = tmp_path / "out"
    code, err = run(capsys, "report", SEED_PLAN, "--period", "6-thang", "--results", folder, "-o", out)
    assert code == 2 and not out.exists()
    assert f"tệp {folder / 'so-y-te.xlsx'}, trang tính «Chỉ tiêu», ô D6: số liệu -1 phải là số nguyên không âm" in err
    assert "ô D7: số liệu 2.5 phải là số nguyên không âm" in err
    assert "ô D8: số liệu «năm» phải là số nguyên không âm" in err
    assert "so-tu-phap.xlsx, trang tính «Nội dung», ô C7: ngày 31/02/2021 không tồn tại" in err


def test_a_workbook_whose_layout_was_changed_is_refused(tmp_path, capsys):
    folder = tmp_path / "ket-qua"
    results_templates(SEED_PLAN, "6-thang", folder, units=["so-y-te"])
    workbook = load_workbook(folder / "so-y-te.xlsx")
    workbook["Chỉ tiêu"].delete_rows(7)
    workbook.save(folder / "so-y-te.xlsx")
    code, err = run(capsys, "consolidate", SEED_PLAN, "--period", "6-thang", "--results", folder, "-o", tmp_path)
    assert code == 2 and "trang tính «Chỉ tiêu», ô A7: bố cục trang tính đã bị thay đổi" in err


@pytest.mark.parametrize(("content", "message"), [
    (RESULTS_YAML.replace("hoi-nghi-quan-triet: 2", "hoi-nghi-quan-triet: -2"), "số nguyên không âm, không phải -2"),
    (RESULTS_YAML.replace("hoi-nghi-quan-triet: 2", "hoi-nghi-quan-triet: '2'"), "phải là số nguyên"),
    (RESULTS_YAML.replace("hoi-nghi-quan-triet: 2", "hoi-nghi-quan-triet: 2.5"), "phải là số nguyên"),
    (RESULTS_YAML.replace("tiep-cong-dan", "tiep-cong-dann"), "chỉ tiêu «tiep-cong-dann» không có trong kế hoạch "
                                                              "(có phải ý bạn là «tiep-cong-dan»?)"),
    (RESULTS_YAML.replace("period: 6-thang", "period: nam"), "tệp ghi kỳ «nam», không phải kỳ «6-thang»"),
    (RESULTS_YAML.replace(f'"{own_number("so-tu-phap", "so-ket-tong-ket")}":', f'"{len(own_items("so-tu-phap")) + 1}":'),
     f"nội dung «{len(own_items('so-tu-phap')) + 1}» không có trong kế hoạch cụ thể hóa của đơn vị"),
])
def test_bad_yaml_results_are_located(results_dir, tmp_path, capsys, content, message):
    (results_dir / "so-tu-phap.yaml").write_text(content, encoding="utf-8")
    code, err = run(capsys, "report", SEED_PLAN, "--period", "6-thang", "--results", results_dir, "-o", tmp_path / "o")
    assert code == 2 and message in err and f"tệp {results_dir / 'so-tu-phap.yaml'}, dòng" in err
    assert not (tmp_path / "o").exists()


def test_a_results_file_for_an_unknown_unit_or_a_period_not_in_the_plan(results_dir, tmp_path, capsys):
    (results_dir / "so-khong-co.yaml").write_text("unit: so-khong-co\nperiod: 6-thang\n", encoding="utf-8")
    code, err = run(capsys, "consolidate", SEED_PLAN, "--period", "6-thang", "--results", results_dir, "-o", tmp_path)
    assert code == 2 and "«so-khong-co.yaml» không ứng với đơn vị nào" in err
    code, err = run(capsys, "report", SEED_PLAN, "--period", "quy-1", "-o", tmp_path)
    assert code == 2 and "kỳ báo cáo «quy-1» không có trong kế hoạch; các kỳ: 6-thang, nam" in err


def test_report_manifest_lists_the_reports(blank):
    manifest = json.loads((blank.out_dir / "manifest.json").read_text(encoding="utf-8"))
    entry = next(d for d in manifest["documents"] if d["unit"] == "so-tu-phap")
    assert entry["file"] == "so-tu-phap/bao-cao-6-thang-ke-hoach-dan-van-2021.docx" and entry["ky_hieu"] == "BC-STP"
    assert entry["noi_nhan"][0] == "- Như trên;"
