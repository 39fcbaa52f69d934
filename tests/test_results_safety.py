"""Results in safely (issue 15): a workbook a unit filled is never replaced, a blank one is never a report, a
partly filled one is taken with a warning per empty required cell; manifest.csv and the workbook in Vietnamese."""

from __future__ import annotations

import csv
import hashlib
import io
import re
import shlex
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from generator.cli import main
from generator.pipeline import cascade, consolidate, results_templates
from generator.results.workbook import has_data

from conftest import SEED_PLAN

ROOT = Path(__file__).resolve().parents[1]


def run(capsys, *args):
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fill(path: Path, figures: dict[str, object] = (), answers: dict[str, object] = ()) -> None:
    """Type into the yellow cells as a unit would (openpyxl saves as a program other than vanban)."""
    workbook = load_workbook(path)
    for cell, value in dict(figures).items():
        workbook["Chỉ tiêu"][cell] = value
    texts = workbook["Nội dung"]
    for prefix, value in dict(answers).items():
        row = next(r for r in range(6, texts.max_row + 1) if str(texts.cell(row=r, column=2).value).startswith(prefix))
        texts.cell(row=row, column=3, value=value)
    workbook.save(path)


def saved_by(path: Path, application: str) -> None:
    """The workbook as Excel leaves it after opening and saving it unchanged: its name in docProps/app.xml."""
    with zipfile.ZipFile(path) as package:
        parts = [(info, package.read(info)) for info in package.infolist()]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for info, data in parts:
            if info.filename == "docProps/app.xml":
                data = re.sub(rb"<Application>[^<]*</Application>",
                              f"<Application>{application}</Application>".encode(), data)
            package.writestr(info, data)
    path.write_bytes(buffer.getvalue())


@pytest.fixture(scope="module")
def blank40(tmp_path_factory):
    folder = tmp_path_factory.mktemp("blank") / "ket-qua"
    return results_templates(SEED_PLAN, "6-thang", folder)


# ---------------------------------------------------------------- 1. never lose a filled workbook

def test_a_filled_workbook_survives_results_template_and_force_replaces_it(tmp_path, capsys):
    folder = tmp_path / "ket-qua"
    results_templates(SEED_PLAN, "6-thang", folder, units=["so-y-te", "so-tu-phap"])
    fill(folder / "so-y-te.xlsx", {"D6": 3, "D7": 120})
    before, other = sha(folder / "so-y-te.xlsx"), sha(folder / "so-tu-phap.xlsx")
    code, out, err = run(capsys, "results-template", SEED_PLAN, "--period", "6-thang", "-o", folder,
                         "--unit", "so-y-te", "--unit", "so-tu-phap")
    assert code == 0 and sha(folder / "so-y-te.xlsx") == before
    assert f"tệp {folder / 'so-y-te.xlsx'}: " in err and "giữ nguyên" in err and "--force" in err
    assert "Đã tạo 1 sổ Excel" in out and "giữ nguyên 1 sổ" in out
    assert sha(folder / "so-tu-phap.xlsx") == other  # a blank one of vanban's is written again, the same bytes

    code, out, err = run(capsys, "results-template", SEED_PLAN, "--period", "6-thang", "-o", folder,
                         "--unit", "so-y-te", "--force")
    assert code == 0 and "Đã tạo 1 sổ Excel" in out and "giữ nguyên" not in out + err
    assert sha(folder / "so-y-te.xlsx") != before and not has_data(folder / "so-y-te.xlsx")


@pytest.mark.parametrize("application", ["Microsoft Excel", "LibreOffice/7.4.7.2$Linux_X86_64"])
def test_a_workbook_saved_by_excel_or_libreoffice_survives_even_when_blank(tmp_path, capsys, application):
    folder = tmp_path / "ket-qua"
    path = results_templates(SEED_PLAN, "6-thang", folder, units=["so-y-te"])[0]
    saved_by(path, application)
    before = sha(path)
    code, out, err = run(capsys, "results-template", SEED_PLAN, "--period", "6-thang", "-o", folder, "--unit", "so-y-te")
    assert code == 0 and sha(path) == before
    assert "đã được sửa bằng phần mềm khác sau khi vanban tạo nên được giữ nguyên" in err
    assert "Đã tạo 0 sổ Excel" in out


def test_make_demo_writes_its_blank_workbooks_where_a_rerun_keeps_a_filled_one(tmp_path, capsys, monkeypatch):
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    line = next(line for line in makefile.splitlines() if "vanban results-template" in line)
    args = shlex.split(line.strip().lstrip("@"))[1:]
    args = [str(ROOT / "data/gia-lai-2021/ke-hoach-dan-van-2021.yaml") if a == "$(PLAN)" else a for a in args]
    out = Path(args[args.index("-o") + 1])
    assert out.parts[:1] == ("out",) and out != Path("out/ket-qua-6-thang")  # never the folder of earlier demos
    monkeypatch.chdir(tmp_path)
    assert main(args) == 0
    assert len(list(out.glob("*.xlsx"))) == 40
    fill(out / "so-y-te.xlsx", {"D6": 2})
    before = sha(out / "so-y-te.xlsx")
    capsys.readouterr()
    assert main(args) == 0 and sha(out / "so-y-te.xlsx") == before
    assert "giữ nguyên 1 sổ" in capsys.readouterr().out


# ---------------------------------------------------------------- 2. submitted means submitted

def test_forty_blank_workbooks_are_no_reports(blank40, tmp_path, capsys):
    folder = blank40[0].parent
    assert len(blank40) == 40
    result = consolidate(SEED_PLAN, "6-thang", folder, tmp_path)
    assert result.reported == [] and len(result.missing) > 0
    info = [str(n) for n in result.notices if not n.warning]
    assert len(info) == 40 and all(n.startswith("Thông tin: tệp ") for n in info)
    assert "không có số liệu, nội dung nào nên được coi là đơn vị chưa báo cáo" in info[0]
    code, out, err = run(capsys, "consolidate", SEED_PLAN, "--period", "6-thang", "--results", folder, "-o", tmp_path)
    assert code == 0 and f"Đã báo cáo: 0/{len(result.missing)} đơn vị" in out
    assert "Cảnh báo" not in err


def test_three_filled_of_forty_are_three_reports(tmp_path, capsys):
    folder = tmp_path / "ket-qua"
    results_templates(SEED_PLAN, "6-thang", folder)
    fill(folder / "so-y-te.xlsx", {"D6": 1, "D7": 60})
    fill(folder / "so-tu-phap.xlsx", answers={"Công tác lãnh đạo": "Sở đã triển khai."})  # texts only: a report
    fill(folder / "ubnd-huyen-chu-se.xlsx", {"D6": 5})
    result = consolidate(SEED_PLAN, "6-thang", folder, tmp_path)
    assert result.reported == ["so-tu-phap", "so-y-te", "ubnd-huyen-chu-se"]
    total = len(result.reported) + len(result.missing)
    code, out, err = run(capsys, "consolidate", SEED_PLAN, "--period", "6-thang", "--results", folder, "-o", tmp_path)
    assert code == 0 and f"Đã báo cáo: 3/{total} đơn vị" in out


def test_a_partly_filled_workbook_is_taken_with_a_warning_per_empty_required_cell(tmp_path, capsys):
    folder = tmp_path / "ket-qua"
    path = results_templates(SEED_PLAN, "6-thang", folder, units=["so-y-te"])[0]
    fill(path, {"D6": 3, "D7": 120}, {"Công tác lãnh đạo": "Đã triển khai.", "Ngày báo cáo": "06/5/2021"})
    result = consolidate(SEED_PLAN, "6-thang", folder, tmp_path)
    assert result.reported == ["so-y-te"]
    warnings = [str(n) for n in result.notices if n.warning]
    where = f"Cảnh báo: tệp {path}, trang tính"
    assert f"{where} «Chỉ tiêu», ô D8: chưa điền số liệu «Mô hình “Dân vận khéo” xây dựng mới»" in warnings
    assert not any("ô D6:" in w or "ô D7:" in w for w in warnings)  # the figures given
    texts = load_workbook(path)["Nội dung"]
    rows = {str(texts.cell(row=r, column=2).value): r for r in range(6, texts.max_row + 1)}
    assert f"{where} «Nội dung», ô C{rows['Đánh giá chung: ưu điểm']}: chưa điền «Đánh giá chung: ưu điểm»" in warnings
    assert not any(f"ô C{rows['Công tác lãnh đạo, chỉ đạo, triển khai']}:" in w for w in warnings)
    assert not any("Số báo cáo" in w or "Đề xuất, kiến nghị" in w for w in warnings)  # not required
    first_item = next(label for label in rows if label.startswith("Kết quả: 1. "))
    assert f"{where} «Nội dung», ô C{rows[first_item]}: chưa điền «{first_item}»" in warnings
    code, out, err = run(capsys, "consolidate", SEED_PLAN, "--period", "6-thang", "--results", folder, "-o", tmp_path)
    assert code == 0 and "Đã báo cáo: 1/" in out
    assert all(w in err for w in warnings) and err.count("Cảnh báo: ") >= len(warnings)


def test_a_blank_or_partial_yaml_results_file(tmp_path):
    folder = tmp_path / "ket-qua"
    folder.mkdir()
    (folder / "so-y-te.yaml").write_text("unit: so-y-te\nperiod: 6-thang\nreport: {number: 3}\n", encoding="utf-8")
    (folder / "so-tu-phap.yaml").write_text("unit: so-tu-phap\nperiod: 6-thang\nindicators: {hoi-nghi-quan-triet: 2}\n"
                                            "texts:\n  leadership: Đã triển khai.\n", encoding="utf-8")
    result = consolidate(SEED_PLAN, "6-thang", folder, tmp_path)
    assert result.reported == ["so-tu-phap"] and "so-y-te" in result.missing
    notices = [str(n) for n in result.notices]
    assert f"Thông tin: tệp {folder / 'so-y-te.yaml'}: không có số liệu, nội dung nào" in notices[-1] or any(
        n.startswith(f"Thông tin: tệp {folder / 'so-y-te.yaml'}: ") for n in notices)
    assert (f"Cảnh báo: tệp {folder / 'so-tu-phap.yaml'}, trường «indicators.luot-nguoi-tham-du»: chưa điền số liệu "
            "«chỉ tiêu luot-nguoi-tham-du»") in notices
    assert (f"Cảnh báo: tệp {folder / 'so-tu-phap.yaml'}, trường «texts.strengths»: chưa điền "
            "«Đánh giá chung: ưu điểm»") in notices
    assert not any("texts.leadership" in n or "hoi-nghi-quan-triet" in n for n in notices)


# ---------------------------------------------------------------- 6. Vietnamese where a user reads

def test_manifest_csv_has_vietnamese_headings_and_json_keeps_its_keys(tmp_path):
    batch = cascade(SEED_PLAN, tmp_path / "cascade", units=["so-tu-phap"], workers=1)
    lines = (batch.out_dir / "manifest.csv").read_text(encoding="utf-8-sig").splitlines()
    assert next(csv.reader(lines)) == ["Mã đơn vị", "Tên đơn vị", "Mã định danh cơ quan", "Tệp", "Loại văn bản",
                                       "Ký hiệu", "Số, ký hiệu", "Ngày tháng văn bản", "Trích yếu", "Nơi nhận",
                                       "Người ký", "Số trang", "Mã SHA-256", "Kiểm tra thể thức", "Tệp PDF",
                                       "Tệp dữ liệu đặc tả", "Tệp edXML", "Tệp phụ lục", "Tệp PDF phụ lục"]
    assert next(csv.DictReader(lines))["Mã đơn vị"] == "so-tu-phap"
    assert '"unit": "so-tu-phap"' in (batch.out_dir / "manifest.json").read_text(encoding="utf-8")


def test_the_workbook_writes_dates_as_the_documents_do(blank40):
    workbook = load_workbook(blank40[0])
    for sheet in ("Chỉ tiêu", "Nội dung"):
        line = workbook[sheet]["A3"].value
        assert "gửi trước ngày 10/5/2021" in line and "10/05/2021" not in line
    texts = workbook["Nội dung"]
    date_cell = next(texts.cell(row=r, column=3) for r in range(6, texts.max_row + 1)
                     if str(texts.cell(row=r, column=2).value).startswith("Ngày báo cáo"))
    assert date_cell.number_format == "DD/M/YYYY"


def test_vanban_report_says_which_results_files_are_blank_or_partly_filled(tmp_path, capsys):
    from generator.cli import main

    folder = tmp_path / "ket-qua"
    folder.mkdir()
    (folder / "so-tu-phap.yaml").write_text("unit: so-tu-phap\nperiod: 6-thang\nindicators:\n  hoi-nghi-quan-triet: 2\n",
                                            encoding="utf-8")
    (folder / "so-y-te.yaml").write_text("unit: so-y-te\nperiod: 6-thang\n", encoding="utf-8")
    code = main(["report", str(SEED_PLAN), "--period", "6-thang", "--results", str(folder), "-o",
                 str(tmp_path / "out"), "--unit", "so-tu-phap", "--unit", "so-y-te", "--workers", "1"])
    err = capsys.readouterr().err
    assert code == 0
    assert "Cảnh báo: tệp " in err and "so-tu-phap.yaml" in err and "chưa điền" in err
    assert "Thông tin: tệp " in err and "so-y-te.yaml" in err
