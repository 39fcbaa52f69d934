"""The consolidated report as a Sở Nội vụ văn thư sends it to Văn phòng Chính phủ (issue 15): how many units
reported and the totals wording (0, some, all), the consolidator's own part, the data window of the reporting
regime (Nghị định 09/2019/NĐ-CP) on the forms and checked at consolidation, Kính gửi written out, bodies named
in full, units in the registry's official order."""

from __future__ import annotations

import re
import shutil

import pytest
import yaml
from openpyxl import load_workbook

from generator.cascade.subplan import issuing_units, load_context
from generator.check import check_docx
from generator.cli import main
from generator.loading import load_plan
from generator.ooxml import qn
from generator.ooxml.reading import paragraph_text
from generator.pipeline import consolidate, results_templates, unit_report_document

from conftest import SEED_PLAN, UNITS, DocxFacts

CONSOLIDATOR = "so-noi-vu"


def units_of_plan(plan=SEED_PLAN) -> list[str]:
    return issuing_units(load_context(load_plan(plan)))


def write_result(folder, unit_id: str, figure: int = 1, period: str = "6-thang", text: str | None = None) -> None:
    content = {"unit": unit_id, "period": period,
               "indicators": {"hoi-nghi-quan-triet": figure, "luot-nguoi-tham-du": 10 * figure}}
    if text:
        content["texts"] = {"results": {"1": text}}
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{unit_id}.yaml").write_text(yaml.safe_dump(content, allow_unicode=True), encoding="utf-8")


def appendix_rows(f: DocxFacts) -> list[list[str]]:
    table = f.body.findall(qn("w:tbl"))[-1]
    return [[paragraph_text(tc.find(qn("w:p"))) for tc in tr.findall(qn("w:tc"))] for tr in table.findall(qn("w:tr"))]


def body(f: DocxFacts) -> str:
    """The report's text from Kính gửi to the signature (Nơi nhận and the Phụ lục left out)."""
    texts = f.texts()
    return "\n".join(texts[texts.index("Kính gửi:"):texts.index("Nơi nhận:")])


# ---------------------------------------------------------------- counts and totals wording

def test_no_unit_reported_no_totals_and_no_whole_province(tmp_path):
    (tmp_path / "ket-qua").mkdir()
    result = consolidate(SEED_PLAN, "6-thang", tmp_path / "ket-qua", tmp_path)
    assert result.reported == [] and len(result.missing) == 39 and CONSOLIDATOR not in result.missing
    assert result.report.ok
    text = body(DocxFacts(result.docx))
    assert "Đến nay, chưa có cơ quan, đơn vị, địa phương nào gửi báo cáo 6 tháng đầu năm 2021." in text
    assert "Chưa có số liệu các chỉ tiêu: chưa có cơ quan, đơn vị, địa phương nào báo cáo." in text
    assert "trên toàn tỉnh" not in text and "Hội nghị quán triệt, triển khai: 0" not in text


def test_three_units_totals_are_of_the_three_never_the_whole_province(tmp_path):
    folder = tmp_path / "ket-qua"
    for unit_id, figure in (("so-tu-phap", 2), ("so-y-te", 3), ("ubnd-huyen-chu-se", 5)):
        write_result(folder, unit_id, figure)
    result = consolidate(SEED_PLAN, "6-thang", folder, tmp_path)
    assert result.reported == ["so-tu-phap", "so-y-te", "ubnd-huyen-chu-se"] and len(result.missing) == 36
    text = body(DocxFacts(result.docx))
    assert "Đến nay, 3/39 cơ quan, đơn vị, địa phương đã gửi báo cáo 6 tháng đầu năm 2021." in text
    assert ("Kết quả thực hiện các chỉ tiêu chủ yếu của 3 cơ quan, đơn vị, địa phương đã báo cáo (chi tiết theo "
            "từng đơn vị tại Phụ lục kèm theo):") in text
    assert "- Hội nghị quán triệt, triển khai: 10 hội nghị;" in text
    assert "trên toàn tỉnh" not in text
    missing = re.search(r"chưa gửi báo cáo: (.*)\.", text).group(1).split("; ")
    assert len(missing) == 36 and "Sở Nội vụ" not in missing


def test_every_unit_reported_totals_are_the_whole_province(tmp_path):
    folder = tmp_path / "ket-qua"
    for unit_id in units_of_plan():
        write_result(folder, unit_id, 1)
    result = consolidate(SEED_PLAN, "6-thang", folder, tmp_path)
    assert result.missing == [] and len(result.reported) == 39
    text = body(DocxFacts(result.docx))
    assert "Đến nay, 39/39 cơ quan, đơn vị, địa phương đã gửi báo cáo 6 tháng đầu năm 2021." in text
    assert "Kết quả thực hiện các chỉ tiêu chủ yếu trên toàn tỉnh" in text
    assert "- Hội nghị quán triệt, triển khai: 40 hội nghị;" in text  # the 39 units and Sở Nội vụ's own
    assert "chưa gửi báo cáo" not in text


# ---------------------------------------------------------------- the consolidator's own part

def test_the_consolidators_own_results_are_its_own_part_never_chua_bao_cao(tmp_path):
    folder = tmp_path / "ket-qua"
    write_result(folder, "so-y-te", 3)
    write_result(folder, CONSOLIDATOR, 4, text="Sở Nội vụ quán triệt đến toàn thể công chức.")
    result = consolidate(SEED_PLAN, "6-thang", folder, tmp_path)
    assert result.reported == ["so-y-te"] and CONSOLIDATOR not in result.missing
    f = DocxFacts(result.docx)
    text = body(f)
    assert "Đến nay, 1/39 cơ quan, đơn vị, địa phương đã gửi báo cáo" in text
    assert "Báo cáo này tổng hợp cả kết quả thực hiện của Sở Nội vụ (đơn vị tổng hợp)." in text
    assert "của 2 cơ quan, đơn vị, địa phương đã báo cáo" in text  # Sở Y tế and Sở Nội vụ's own figures
    assert "- Hội nghị quán triệt, triển khai: 7 hội nghị;" in text
    assert "- Sở Nội vụ: Sở Nội vụ quán triệt đến toàn thể công chức." in text
    rows = appendix_rows(f)
    assert [r[1:3] for r in rows if r[1].startswith("Sở Nội vụ")] == [["Sở Nội vụ", "4"]]

    # without its own file, Sở Nội vụ is still not "chưa báo cáo": it drafts the report
    (folder / f"{CONSOLIDATOR}.yaml").unlink()
    f = DocxFacts(consolidate(SEED_PLAN, "6-thang", folder, tmp_path).docx)
    assert [r[1] for r in appendix_rows(f) if r[1].startswith("Sở Nội vụ")] == ["Sở Nội vụ"]
    assert "Sở Nội vụ" not in re.search(r"chưa gửi báo cáo: (.*)\.", body(f)).group(1).split("; ")


# ---------------------------------------------------------------- the reporting regime: data window

def test_the_unit_report_form_and_workbook_print_the_data_window(tmp_path):
    _, document = unit_report_document(SEED_PLAN, "so-tu-phap", "6-thang")
    section = document.sections[1]  # II. Kết quả thực hiện
    assert section.paragraphs[0] == "Số liệu tính từ ngày 15/12/2020 đến ngày 30/4/2021."
    workbook = results_templates(SEED_PLAN, "nam", tmp_path, units=["so-tu-phap"])[0]
    for sheet in ("Chỉ tiêu", "Nội dung"):
        assert load_workbook(workbook)[sheet]["A3"].value.endswith(
            "số liệu tính từ ngày 15/12/2020 đến ngày 15/10/2021")


def test_the_consolidated_report_prints_the_data_window(tmp_path):
    (tmp_path / "ket-qua").mkdir()
    f = DocxFacts(consolidate(SEED_PLAN, "nam", tmp_path / "ket-qua", tmp_path).docx)
    texts = f.texts()
    assert texts[texts.index("II. KẾT QUẢ THỰC HIỆN") + 1] == "Số liệu tính từ ngày 15/12/2020 đến ngày 15/10/2021."


@pytest.fixture
def plan_with_overrides(tmp_path):
    folder = tmp_path / "plan"
    folder.mkdir()
    shutil.copy(SEED_PLAN, folder / SEED_PLAN.name)
    shutil.copy(UNITS, folder / UNITS.name)
    shutil.copytree(SEED_PLAN.parent / "overrides", folder / "overrides")
    return folder / SEED_PLAN.name


def test_a_workbook_of_another_data_window_is_flagged_naming_the_file(plan_with_overrides, tmp_path):
    folder = tmp_path / "ket-qua"
    workbook = results_templates(plan_with_overrides, "6-thang", folder, units=["so-y-te"])[0]
    book = load_workbook(workbook)
    book["Chỉ tiêu"]["D6"] = 2
    book.save(workbook)
    text = plan_with_overrides.read_text(encoding="utf-8")
    plan_with_overrides.write_text(text.replace("window: {from: 15/12/2020, to: 30/4/2021}",
                                                "window: {from: 01/01/2021, to: 30/4/2021}"), encoding="utf-8")
    result = consolidate(plan_with_overrides, "6-thang", folder, tmp_path / "out")
    flagged = [str(n) for n in result.notices if "số liệu tính từ ngày" in str(n)]
    assert flagged == [f"Cảnh báo: tệp {workbook}: sổ ghi số liệu tính từ ngày 15/12/2020 đến ngày 30/4/2021, kỳ "
                       "«6 tháng đầu năm 2021» của kế hoạch tính từ ngày 01/01/2021 đến ngày 30/4/2021; hãy kiểm "
                       "tra lại số liệu với đơn vị"]
    assert result.reported == ["so-y-te"]  # still taken: the figures are there, the văn thư checks them


def test_a_result_of_another_period_is_refused_naming_the_file(tmp_path, capsys):
    folder = tmp_path / "ket-qua"
    write_result(folder, "so-y-te", period="nam")
    code = main(["consolidate", str(SEED_PLAN), "--period", "6-thang", "--results", str(folder), "-o", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2 and f"tệp {folder / 'so-y-te.yaml'}, dòng" in err and "tệp ghi kỳ «nam», không phải kỳ «6-thang»" in err


@pytest.mark.parametrize(("window", "message"), [
    ("{from: 15/12/2020, to: 14/6/2021}", "thời gian chốt số liệu của kỳ «6 tháng đầu năm 2021» kết thúc ngày "
                                          "14/06/2021, sau hạn gửi báo cáo (10/05/2021)"),
    ("{from: 30/4/2021, to: 15/12/2020}", "thời gian chốt số liệu: ngày «to» (15/12/2020) trước ngày «from» (30/4/2021)"),
    ("{from: 15/12/2020, until: 30/4/2021}", "until"),
])
def test_a_bad_data_window_is_refused_with_its_line(plan_copy, tmp_path, capsys, window, message):
    text = plan_copy.read_text(encoding="utf-8")
    line = text[:text.index("window: {from: 15/12/2020, to: 30/4/2021}")].count("\n") + 1
    plan_copy.write_text(text.replace("window: {from: 15/12/2020, to: 30/4/2021}", f"window: {window}"),
                         encoding="utf-8")
    assert main(["cascade", str(plan_copy), "-o", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert message in err and f"dòng {line}" in err and not (tmp_path / "o").exists()


# ---------------------------------------------------------------- Kính gửi, names in full, official order

def test_kinh_gui_written_out_one_per_line_and_no_abbreviations_in_the_body(tmp_path):
    folder = tmp_path / "ket-qua"
    for unit_id in ("so-thong-tin-va-truyen-thong", "so-van-hoa-the-thao-va-du-lich", "bch-bien-phong-tinh"):
        write_result(folder, unit_id, 1, text="Đã quán triệt.")
    result = consolidate(SEED_PLAN, "6-thang", folder, tmp_path)
    f = DocxFacts(result.docx)
    texts = f.texts()
    start = texts.index("Kính gửi:")
    assert texts[start + 1:start + 6] == ["- Văn phòng Chính phủ;", "- Ban Dân vận Trung ương;", "- Bộ Nội vụ;",
                                          "- Thường trực Tỉnh ủy;", "- Thường trực Hội đồng nhân dân tỉnh."]
    assert texts[texts.index("Nơi nhận:") + 1] == "- Như trên;"  # the recipients to whom it reports
    text = body(f)
    assert "(báo cáo)" not in text
    for short in ("Sở TT&TT", "Sở VH-TT&DL", "Bộ CH BĐBP", "UBND huyện", "TT Tỉnh ủy", "HĐND"):
        assert short not in text, short
    assert "- Sở Thông tin và Truyền thông: Đã quán triệt." in text
    assert "- Bộ Chỉ huy Bộ đội Biên phòng tỉnh Gia Lai: Đã quán triệt." in text
    assert not any("&" in row[1] for row in appendix_rows(f))
    assert check_docx(result.docx).ok


def test_units_are_listed_in_the_registrys_official_order(tmp_path):
    (tmp_path / "ket-qua").mkdir()
    f = DocxFacts(consolidate(SEED_PLAN, "6-thang", tmp_path / "ket-qua", tmp_path).docx)
    names = [row[1].removesuffix(" (chưa báo cáo)") for row in appendix_rows(f)[1:-1]]
    assert names[:5] == ["Sở Nội vụ", "Sở Tư pháp", "Sở Kế hoạch và Đầu tư", "Sở Tài chính", "Sở Công Thương"]
    assert names.index("Thanh tra tỉnh") + 1 == names.index("Văn phòng Ủy ban nhân dân tỉnh")
    assert names.index("Văn phòng Ủy ban nhân dân tỉnh") < names.index("Sở Ngoại vụ") < names.index("Ban Dân tộc tỉnh")
    assert names.index("Ban Quản lý Khu kinh tế tỉnh") < names.index("Ủy ban nhân dân thành phố Pleiku")
    assert names[-3:] == ["Công an tỉnh Gia Lai", "Bộ Chỉ huy Quân sự tỉnh Gia Lai",
                          "Bộ Chỉ huy Bộ đội Biên phòng tỉnh Gia Lai"]
    # the list of units not yet reported follows the same order
    missing = re.search(r"chưa gửi báo cáo: (.*)\.", body(f)).group(1).split("; ")
    assert missing == [n for n in names if n != "Sở Nội vụ"]
