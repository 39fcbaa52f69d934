"""`vanban cascade`: every assigned unit's sub-plan, right for its unit, in one deterministic batch."""

from __future__ import annotations

import csv
import json
import shutil

import pytest

from generator.check import check_docx
from generator.cli import main
from generator.pipeline import cascade

from conftest import SEED_PLAN, DocxFacts

PLAN_DIR = SEED_PLAN.parent


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    out = tmp_path_factory.mktemp("cascade")
    return cascade(SEED_PLAN, out, workers=2, make_zip=True)


def facts(batch, unit_id: str) -> DocxFacts:
    return DocxFacts(batch.out_dir / unit_id / "ke-hoach-dan-van-2021.docx")


def body(f: DocxFacts) -> str:
    return "\n".join(f.texts())


def test_every_assigned_unit_gets_a_sub_plan_that_passes_check(batch):
    assert batch.failures == [] and batch.exit_code == 0
    assert len(batch.entries) == 40  # 20 sở, ban, ngành + 17 huyện, thị xã, thành phố + 3 armed forces
    for entry in batch.entries:
        report = check_docx(batch.out_dir / entry.file)
        assert report.ok and not report.warnings, entry.unit


def test_a_huyen_plan_has_its_own_header_ky_hieu_place_and_signature(batch):
    f = facts(batch, "ubnd-huyen-chu-se")
    texts = f.texts()
    assert texts[:2] == ["ỦY BAN NHÂN DÂN", "HUYỆN CHƯ SÊ"]
    f.find("Số:      /KH-UBND")
    f.find("Chư Sê, ngày      tháng      năm 2021")
    start = texts.index("TM. ỦY BAN NHÂN DÂN")
    assert texts[start + 1] == "CHỦ TỊCH"


def test_a_huyen_plan_cites_its_parent_and_speaks_of_its_own_area(batch):
    text = body(facts(batch, "ubnd-huyen-chu-se"))
    assert ("Thực hiện Kế hoạch số …/KH-UBND ngày …/…/2021 của Ủy ban nhân dân tỉnh Gia Lai về triển khai công tác "
            "dân vận năm 2021") in text
    assert "Ủy ban nhân dân huyện Chư Sê ban hành Kế hoạch triển khai thực hiện trên địa bàn huyện" in text
    assert "trên địa bàn tỉnh" not in text and "trên địa bàn huyện" in text
    assert "UBND các xã, thị trấn" in text


def test_a_huyen_reports_before_the_parent_deadlines_and_its_sub_units_five_days_earlier(batch):
    text = body(facts(batch, "ubnd-huyen-chu-se"))
    assert ("báo cáo Ủy ban nhân dân tỉnh Gia Lai (qua Sở Nội vụ) trước ngày 10/5/2021 (báo cáo 6 tháng đầu năm 2021) "
            "và trước ngày 30/10/2021 (báo cáo năm 2021)") in text
    assert "(qua Phòng Nội vụ) trước ngày 05/5/2021 (báo cáo 6 tháng đầu năm 2021) và trước ngày 25/10/2021" in text


def noi_nhan(f: DocxFacts) -> list[str]:
    texts = f.texts()
    start = texts.index("Nơi nhận:") + 1
    return texts[start:start + [t.startswith("- Lưu") for t in texts[start:]].index(True) + 1]


def test_noi_nhan_goes_to_ubnd_tinh_and_so_noi_vu_then_the_units_own_people(batch):
    # issue 14: the Nơi nhận is at the unit's own level (its Party committee, HĐND, Ban Dân vận, MTTQ, BCĐ)
    assert noi_nhan(facts(batch, "ubnd-huyen-chu-se")) == [
        "- UBND tỉnh (báo cáo);", "- Sở Nội vụ (báo cáo);", "- TT Huyện ủy, TT HĐND huyện (báo cáo);",
        "- Ban Dân vận Huyện ủy (phối hợp);", "- BCĐ thực hiện QCDC ở cơ sở huyện;",
        "- UBMTTQVN và các đoàn thể huyện;", "- Chủ tịch, các Phó Chủ tịch UBND huyện;",
        "- Các phòng, ban, đơn vị thuộc Ủy ban nhân dân huyện;", "- Công an huyện;",
        "- Ban Chỉ huy Quân sự huyện;", "- UBND các xã, thị trấn;", "- Lưu: VT, NV."]
    assert noi_nhan(facts(batch, "so-tu-phap")) == [
        "- UBND tỉnh (báo cáo);", "- Sở Nội vụ (báo cáo);", "- Ban Dân vận Tỉnh ủy (phối hợp);", "- Đảng ủy Sở;",
        "- Công đoàn cơ sở Sở;", "- Giám đốc, các Phó Giám đốc Sở;",
        "- Các phòng chuyên môn, đơn vị trực thuộc Sở;", "- Lưu: VT, VP."]


def test_a_so_plan_has_its_chu_quan_header_ky_hieu_and_giam_doc(batch):
    f = facts(batch, "so-tu-phap")
    assert f.texts()[:2] == ["UBND TỈNH GIA LAI", "SỞ TƯ PHÁP"]
    f.find("Số:      /KH-STP")
    f.find("Gia Lai, ngày      tháng      năm 2021")
    texts = f.texts()
    assert "GIÁM ĐỐC" in texts and "TM. ỦY BAN NHÂN DÂN" not in texts
    assert "Sở Tư pháp ban hành Kế hoạch triển khai thực hiện trong cơ quan, đơn vị như sau:" in body(f)


def test_a_huyen_and_a_so_differ_where_their_tasks_differ(batch):
    huyen, so = body(facts(batch, "ubnd-huyen-chu-se")), body(facts(batch, "so-tu-phap"))
    # the huyện supports security with its own Công an huyện and Ban Chỉ huy Quân sự huyện (issue 14, not the
    # province's forces), and leads the work with the Mặt trận in its area
    assert "Công tác đảm bảo an ninh, quốc phòng" in huyen and "Công tác đảm bảo an ninh, quốc phòng" not in so
    assert "Phối hợp với Công an huyện và Ban Chỉ huy Quân sự huyện triển khai thực hiện các nội dung sau" in huyen
    assert "Biên phòng" not in huyen and "Công an tỉnh" not in huyen
    assert "Chủ trì, phối hợp với Ủy ban Mặt trận Tổ quốc Việt Nam huyện" in huyen
    # the sở leads the Mặt trận work in its own field (issue 14: not "Phối hợp với UBND các huyện …")
    assert "Phối hợp với UBND các huyện, thị xã, thành phố" not in so
    assert "Chủ trì, phối hợp với Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh" in so
    assert "Phối hợp với Sở Nội vụ triển khai" in so  # administrative reform, led by Sở Nội vụ
    # the numbering follows what is kept and added: the sở's two own tasks (override) come before sơ kết
    assert "10. Sơ kết, tổng kết Kế hoạch dân vận năm 2021" in so
    assert "10. Sơ kết, tổng kết Kế hoạch dân vận năm 2021" in huyen  # 9 of the plan + its kind's "Kiểm tra" task


def test_an_armed_forces_plan_keeps_security_as_its_own_task_and_drops_administrative_reform(batch):
    f = facts(batch, "cong-an-tinh")
    text = body(f)
    assert f.texts()[0] == "CÔNG AN TỈNH GIA LAI"
    f.find("Số:      /KH-CAT")
    assert "Công tác đảm bảo an ninh, quốc phòng" in text and "Phối hợp với Công an" not in text
    assert "cải cách hành chính\n" not in text and "Công tác dân vận gắn với thực hiện tốt cải cách hành chính" not in text
    assert "- Ban Dân vận Tỉnh ủy (phối hợp);" in noi_nhan(f)
    assert "GIÁM ĐỐC" in f.texts()


def test_thanh_pho_and_thi_xa_use_their_own_words(batch):
    text = body(facts(batch, "ubnd-thanh-pho-pleiku"))
    assert "trên địa bàn thành phố" in text and "UBND các phường, xã" in text
    facts(batch, "ubnd-thanh-pho-pleiku").find("Pleiku, ngày      tháng      năm 2021")


def test_the_consolidator_does_not_report_to_itself_and_its_override_applies(batch):
    f = facts(batch, "so-noi-vu")
    text = body(f)
    assert "- Sở Nội vụ (báo cáo);" not in noi_nhan(f)
    assert "báo cáo Ủy ban nhân dân tỉnh Gia Lai trước ngày 10/5/2021" in text
    assert "Phòng Xây dựng chính quyền và Công tác thanh niên" in text and noi_nhan(f)[-1] == "- Lưu: VT, XDCQ&CTTN."


def test_the_manifest_lists_what_an_e_office_system_registers(batch):
    manifest = json.loads((batch.out_dir / "manifest.json").read_text(encoding="utf-8"))
    assert len(manifest["documents"]) == 40 and manifest["failures"] == []
    entry = next(d for d in manifest["documents"] if d["unit"] == "so-tu-phap")
    assert entry["file"] == "so-tu-phap/ke-hoach-dan-van-2021.docx" and entry["ky_hieu"] == "KH-STP"
    assert entry["signer"] == ["GIÁM ĐỐC", ""] and entry["check"] == "đạt" and len(entry["sha256"]) == 64
    rows = list(csv.DictReader((batch.out_dir / "manifest.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert [r["Mã đơn vị"] for r in rows] == [d["unit"] for d in manifest["documents"]]  # (Vietnamese headings)
    assert batch.zip_path.is_file()


def test_two_runs_give_identical_files(batch, tmp_path):
    again = cascade(SEED_PLAN, tmp_path, workers=1, make_zip=True)
    for first, second in zip(batch.entries, again.entries):
        assert first.sha256 == second.sha256
    assert batch.zip_path.read_bytes() == again.zip_path.read_bytes()
    assert (batch.out_dir / "manifest.json").read_bytes() == (tmp_path / "manifest.json").read_bytes()


@pytest.fixture
def plan_with_overrides(tmp_path):
    folder = tmp_path / "plan"
    shutil.copytree(PLAN_DIR, folder)
    return folder / SEED_PLAN.name


def test_a_unit_with_bad_data_fails_alone_and_the_others_are_written(plan_with_overrides, tmp_path, capsys):
    (plan_with_overrides.parent / "overrides" / "so-tu-phap.yaml").write_text(
        "values:\n  dau_moi: Văn phòng Sở\ntitle: '{trich_yeu_cap_tren} của {ten_donvi}'\n", encoding="utf-8")
    out = tmp_path / "out"
    code = main(["cascade", str(plan_with_overrides), "-o", str(out), "--workers", "2"])
    err = capsys.readouterr().err
    assert code == 2
    assert "Lỗi ở đơn vị so-tu-phap:" in err and "so-tu-phap.yaml, dòng 3, trường «title»" in err
    assert "chỗ trống {ten_donvi} không có (có phải ý bạn là {ten_don_vi}?)" in err
    assert not (out / "so-tu-phap").exists()
    assert (out / "so-y-te" / "ke-hoach-dan-van-2021.docx").is_file()
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert len(manifest["documents"]) == 39 and manifest["failures"][0]["unit"] == "so-tu-phap"


@pytest.mark.parametrize(("override", "located", "message"), [
    ("values:\n  dau_moi: Văn phòng Sở\n  lanh_dao: Giám đốc 🙂\n", "dòng 3, trường «values.lanh_dao»", "có ký tự «🙂» (biểu tượng)"),
    ("values:\n  dau_moi: Văn phòng Sở\n  dau_moi_x: Phòng\n", "dòng 3, trường «values.dau_moi_x»",
     "giá trị «dau_moi_x» không được dùng ở chỗ trống nào; có phải ý bạn là «dau_moi»?"),
    ("closing:\n  - ''\n", "dòng 2, trường «closing[0]»", "không được để trống"),
])
def test_a_bad_value_in_a_units_override_is_located_in_the_override_file(plan_with_overrides, tmp_path, capsys,
                                                                          override, located, message):
    path = plan_with_overrides.parent / "overrides" / "so-tu-phap.yaml"
    path.write_text(override, encoding="utf-8")
    code = main(["cascade", str(plan_with_overrides), "-o", str(tmp_path / "out"), "--workers", "1"])
    err = capsys.readouterr().err
    assert code == 2 and f"tệp {path}, {located}: {message}" in err, err


def test_one_unit_on_request(tmp_path, capsys):
    assert main(["cascade", str(SEED_PLAN), "-o", str(tmp_path), "--unit", "ubnd-huyen-ia-pa"]) == 0
    assert [p.name for p in tmp_path.iterdir() if p.is_dir()] == ["ubnd-huyen-ia-pa"]
    assert "Đã tạo 1 kế hoạch" in capsys.readouterr().out


def test_an_unknown_unit_is_refused(tmp_path, capsys):
    assert main(["cascade", str(SEED_PLAN), "-o", str(tmp_path), "--unit", "so-khong-co"]) == 2
    assert "so-khong-co không thuộc danh sách" in capsys.readouterr().err


def test_a_plan_without_cascade_section_gets_a_clear_error(plan_copy, tmp_path, capsys):
    text = plan_copy.read_text(encoding="utf-8")
    plan_copy.write_text(text[: text.index("cascade:")], encoding="utf-8")
    assert main(["cascade", str(plan_copy), "-o", str(tmp_path / "o")]) == 2
    assert "kế hoạch chưa có mục «cascade»" in capsys.readouterr().err


def test_a_deadline_outside_the_plans_year_is_refused(plan_copy, tmp_path, capsys):
    text = plan_copy.read_text(encoding="utf-8").replace("deadline: 10/5/2021", "deadline: 10/5/2012")
    plan_copy.write_text(text, encoding="utf-8")
    assert main(["cascade", str(plan_copy), "-o", str(tmp_path / "o")]) == 2
    assert "hạn báo cáo 10/05/2012" in capsys.readouterr().err


def test_an_unknown_unit_kind_in_an_assignment_is_located(plan_copy, tmp_path, capsys):
    text = plan_copy.read_text(encoding="utf-8").replace("lead: [cong-an, quan-su, bien-phong]",
                                                         "lead: [cong-an, quan-doi, bien-phong]")
    plan_copy.write_text(text, encoding="utf-8")
    assert main(["cascade", str(plan_copy), "-o", str(tmp_path / "o"), "--workers", "1"]) == 2
    err = capsys.readouterr().err
    assert "loại đơn vị «quan-doi» không có trong sổ đơn vị" in err and "assign.lead[1]" in err
    assert "có phải ý bạn là «quan-su»?" in err


def test_the_parents_number_and_date_are_cited_once_the_parent_has_them(plan_with_overrides, tmp_path):
    text = plan_with_overrides.read_text(encoding="utf-8")
    text = text.replace("  number:  ", "  number: 645", 1).replace("  date:  ", "  date: 30/3/2021", 1)
    text = text.replace("internal_lead_days: 5", "internal_lead_days: 7")
    plan_with_overrides.write_text(text, encoding="utf-8")
    result = cascade(plan_with_overrides, tmp_path, units=["so-y-te"], workers=1)
    content = body(DocxFacts(tmp_path / result.entries[0].file))
    assert ("Thực hiện Kế hoạch số 645/KH-UBND ngày 30/3/2021 của Ủy ban nhân dân tỉnh Gia Lai về triển khai "
            "công tác dân vận năm 2021") in content
    assert "trước ngày 03/5/2021 (báo cáo 6 tháng đầu năm 2021) và trước ngày 23/10/2021" in content
