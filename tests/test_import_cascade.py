"""An imported plan cascades as imported: its «Tổ chức thực hiện» and deadlines become a `cascade:` section
that `vanban cascade` accepts unchanged, matched against the issuing province's registry of the document's
date; every guess is a comment in the file and a line of the review list."""

from __future__ import annotations

import json
import textwrap

import pytest
import yaml
from PIL import Image

from generator.cli import main
from generator.loading import load_plan
from generator.pipeline import import_plan, render_plan, save_import, unit_documents

from conftest import ROOT, SEED_PLAN, SEED_TEXT, UNITS
from test_import_ocr import requires_tesseract

PLAN_2026 = ROOT / "data" / "gia-lai-2025" / "ke-hoach-dan-van-2026.yaml"


def hand_written(plan_path):
    return yaml.safe_load(plan_path.read_text(encoding="utf-8"))["cascade"]


def periods_of(cascade_data):
    return [(p["id"], p["name"], p["next_name"], p["deadline"]) for p in cascade_data["periods"]]


def saved(source, out, **options):
    imported = import_plan(source, **options)
    return imported, save_import(imported, out, source_name=source.name)


def test_the_seed_plan_as_received_proposes_the_cascade_written_by_hand(seed_output, tmp_path):
    imported, result = saved(seed_output, tmp_path / "kh.yaml")
    proposed, expected = imported.plan["cascade"], hand_written(SEED_PLAN)
    assert proposed["issuers"] == expected["issuers"]
    assert proposed["consolidator"] == expected["consolidator"] == "so-noi-vu"
    assert periods_of(proposed) == periods_of(expected)
    assert proposed["last_item"] == expected["last_item"] == "so-ket-tong-ket"  # units' own tasks come before it
    assert yaml.safe_load(result.plan.read_text(encoding="utf-8"))["units"] == "gia-lai-2021/units"
    assert any("sổ đơn vị tỉnh năm 2021" in w for w in result.warnings)


def hand_units() -> set[str]:
    """The units the hand-written cascade of the seed plan makes a sub-plan for."""
    return set(unit_documents(SEED_PLAN)[2])


def units_made(out) -> set[str]:
    return {entry["unit"] for entry in json.loads((out / "manifest.json").read_text(encoding="utf-8"))["documents"]}


def test_vanban_cascade_runs_unchanged_on_the_imported_seed_and_makes_a_plan_for_every_unit(seed_output, tmp_path):
    _, result = saved(seed_output, tmp_path / "kh.yaml")
    assert main(["cascade", str(result.plan), "-o", str(tmp_path / "out")]) == 0
    assert units_made(tmp_path / "out") == hand_units() and len(hand_units()) > 30


def test_the_seed_pdf_imports_and_cascades_with_no_edit(seed_pdf, tmp_path):
    """`vanban import ke-hoach.pdf -o kh.yaml && vanban cascade kh.yaml -o out/`, as the issue asks."""
    assert main(["import", str(seed_pdf), "-o", str(tmp_path / "kh.yaml")]) == 0
    assert main(["cascade", str(tmp_path / "kh.yaml"), "-o", str(tmp_path / "out")]) == 0
    assert units_made(tmp_path / "out") == hand_units()


@requires_tesseract
def test_the_seed_scan_as_an_image_only_pdf_imports_and_cascades_with_no_edit(seed_scan, tmp_path):
    images = [Image.open(path) for path in seed_scan]
    scan = tmp_path / "ban-quet.pdf"
    images[0].save(scan, save_all=True, append_images=images[1:], resolution=300)
    imported, result = saved(scan, tmp_path / "kh.yaml")
    expected = hand_written(SEED_PLAN)
    assert imported.plan["cascade"]["issuers"] == expected["issuers"]
    assert imported.plan["cascade"]["consolidator"] == expected["consolidator"]
    assert periods_of(imported.plan["cascade"]) == periods_of(expected)
    assert any("bản quét" in w for w in result.warnings) and any(w.startswith("trang ") for w in result.warnings)
    assert main(["cascade", str(result.plan), "-o", str(tmp_path / "out")]) == 0
    assert units_made(tmp_path / "out") == hand_units()


def test_the_named_units_own_task_comes_from_its_item_of_to_chuc_thuc_hien(seed_output, tmp_path):
    imported, _ = saved(seed_output, tmp_path / "kh.yaml")
    organisation = next(s for s in imported.plan["document"]["sections"] if s.get("id") == "to-chuc-thuc-hien")
    own = organisation["items"][0]["own_task"]
    assert own["units"] == ["so-noi-vu"]
    # where the task comes from, not "Kế hoạch này" (inside Sở Nội vụ's plan that would be its own)
    assert own["title"] == "Thực hiện các nhiệm vụ được giao tại mục III Kế hoạch của Ủy ban nhân dân tỉnh Gia Lai"


def test_the_seed_text_without_a_header_cascades_with_a_given_registry(tmp_path):
    imported, result = saved(SEED_TEXT, tmp_path / "kh.yaml", units=UNITS, issuer="ubnd-tinh")
    assert imported.plan["cascade"]["issuers"] == hand_written(SEED_PLAN)["issuers"]
    assert load_plan(result.plan).plan.cascade.consolidator == "so-noi-vu"


def test_a_plan_issued_after_july_2025_is_read_against_the_new_province_and_its_communes(tmp_path):
    rendered = render_plan(PLAN_2026, tmp_path).docx
    imported, result = saved(rendered, tmp_path / "kh.yaml")
    plan = yaml.safe_load(result.plan.read_text(encoding="utf-8"))
    assert plan["units"] == "vn-2025/gia-lai"
    assert imported.plan["cascade"]["issuers"] == ["co-quan-chuyen-mon", "ubnd-xa"]
    assert periods_of(imported.plan["cascade"]) == periods_of(hand_written(PLAN_2026))
    assert imported.plan["cascade"]["consolidator"] == "so-noi-vu"


HEADER = """\
ỦY BAN NHÂN DÂN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
TỈNH GIA LAI | Độc lập - Tự do - Hạnh phúc
Số: 12/KH-UBND | Gia Lai, ngày 15 tháng 3 năm 2021

KẾ HOẠCH
Tuyên truyền phổ biến pháp luật năm 2021

"""
SIGNATURE = """
Nơi nhận:
- Các sở, ban, ngành tỉnh;
- Lưu: VT, NC.
TM. ỦY BAN NHÂN DÂN
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Nguyễn Văn A
"""


def plan_text(tmp_path, body: str, name="kh.txt"):
    path = tmp_path / name
    path.write_text(HEADER + textwrap.dedent(body) + SIGNATURE, encoding="utf-8")
    return path


def test_chu_tri_and_phoi_hop_in_an_item_become_its_lead_and_supporters(tmp_path):
    source = plan_text(tmp_path, """\
        I. MỤC ĐÍCH, YÊU CẦU
        1. Nâng cao ý thức chấp hành pháp luật.
        II. NỘI DUNG
        1. Tuyên truyền trên báo chí
        Giao Sở Tư pháp chủ trì, phối hợp với Sở Thông tin và Truyền thông, UBND các huyện, thị xã, thành phố tổ chức tuyên truyền.
        2. Bảo đảm an ninh
        Tăng cường tuần tra (Công an tỉnh chủ trì; Bộ Chỉ huy Quân sự tỉnh phối hợp).
        III. TỔ CHỨC THỰC HIỆN
        1. Sở Tư pháp
        Làm đầu mối theo dõi, tổng hợp, báo cáo UBND tỉnh.
        2. Các sở, ban, ngành, UBND các huyện, thị xã, thành phố
        Xây dựng kế hoạch cụ thể hóa; báo cáo kết quả 6 tháng chậm nhất ngày 15/6/2021 và báo cáo năm trước ngày 15/12/2021.
        """)
    imported, result = saved(source, tmp_path / "kh.yaml")
    content = imported.plan["document"]["sections"][1]
    assert content["id"] == "noi-dung"
    assert content["items"][0]["assign"] == {"lead": ["so-tu-phap"], "support": ["so-thong-tin-va-truyen-thong", "ubnd-huyen"]}
    # a unit named by its own name is that unit; a kind named by its plural ("Bộ Chỉ huy Quân sự tỉnh") the kind
    assert content["items"][1]["assign"] == {"lead": ["cong-an-tinh"], "support": ["quan-su"]}
    proposed = imported.plan["cascade"]
    assert proposed["consolidator"] == "so-tu-phap"
    assert [(p["id"], p["deadline"]) for p in proposed["periods"]] == [("6-thang", "15/6/2021"), ("nam", "15/12/2021")]
    assert proposed["periods"][0]["send_to"] == "Ủy ban nhân dân tỉnh Gia Lai (qua Sở Tư pháp)"
    assert main(["cascade", str(result.plan), "-o", str(tmp_path / "out"), "--unit", "so-tu-phap"]) == 0


def test_every_guess_is_a_comment_where_it_stands_and_a_line_of_the_review_list(seed_output, tmp_path, capsys):
    out = tmp_path / "kh.yaml"
    assert main(["import", str(seed_output), "-o", str(out)]) == 0
    printed = capsys.readouterr()
    text = out.read_text(encoding="utf-8")
    guesses = [line.split("# cần xem lại: ", 1)[1] for line in text.splitlines() if "# cần xem lại: " in line]
    review = [line.removeprefix("Cần xem lại: ") for line in printed.err.splitlines()]
    assert guesses and set(guesses) <= set(review)
    lines = text.splitlines()
    for key in ("  issuers:", "  consolidator: so-noi-vu", "  - id: 6-thang", "  - id: nam"):
        above = lines[lines.index(key) - 1]
        assert "# cần xem lại:" in above, key
    assert all(line.startswith("Cần xem lại: ") for line in printed.err.splitlines())  # one message a line
    assert printed.out.splitlines()[0] == f"Đã ghi: {out}"


def test_a_plan_that_names_no_unit_to_make_it_concrete_gets_no_cascade_and_says_why(tmp_path, capsys):
    source = plan_text(tmp_path, """\
        I. MỤC ĐÍCH, YÊU CẦU
        1. Nâng cao ý thức chấp hành pháp luật.
        II. NỘI DUNG
        1. Tuyên truyền trên báo chí.
        """)
    out = tmp_path / "kh.yaml"
    assert main(["import", str(source), "-o", str(out)]) == 0
    printed = capsys.readouterr()
    assert "cascade" not in yaml.safe_load(out.read_text(encoding="utf-8"))
    assert "Chưa có mục «cascade»" in printed.out and "đơn vị nào phải xây dựng kế hoạch" in printed.err


@pytest.mark.parametrize(("sentence", "expected"), [
    ("báo cáo định kỳ 06 tháng (trước ngày 10/5/2021), 01 năm (trước ngày 30/10/2021)",
     [("6-thang", "6 tháng đầu năm 2021", "10/5/2021"), ("nam", "năm 2021", "30/10/2021")]),
    ("gửi báo cáo 6 tháng đầu năm 2021 trước ngày 20/6/2021; báo cáo năm trước ngày 20/12/2021",
     [("6-thang", "6 tháng đầu năm 2021", "20/6/2021"), ("nam", "năm 2021", "20/12/2021")]),
    ("báo cáo quý I trước ngày 20/3/2021, báo cáo 9 tháng chậm nhất ngày 20/9/2021",
     [("quy-1", "quý I năm 2021", "20/3/2021"), ("9-thang", "9 tháng năm 2021", "20/9/2021")]),
    ("báo cáo kết quả hằng năm chậm nhất là ngày 05/12/2021",
     [("nam", "năm 2021", "5/12/2021")]),
])
def test_reporting_periods_and_deadlines_are_read_however_the_sentence_puts_them(tmp_path, sentence, expected):
    source = plan_text(tmp_path, f"""\
        I. MỤC ĐÍCH, YÊU CẦU
        1. Nâng cao ý thức chấp hành pháp luật.
        II. NỘI DUNG
        1. Tuyên truyền trên báo chí.
        III. TỔ CHỨC THỰC HIỆN
        1. Các sở, ban, ngành, UBND các huyện, thị xã, thành phố
        Xây dựng kế hoạch cụ thể hóa; {sentence}.
        """)
    imported = import_plan(source)
    assert [(p["id"], p["name"], p["deadline"]) for p in imported.plan["cascade"]["periods"]] == expected


def test_a_district_plan_is_found_in_its_province_registry_though_its_header_names_no_province(tmp_path):
    path = tmp_path / "duc-co.txt"
    path.write_text(HEADER.replace("TỈNH GIA LAI", "HUYỆN ĐỨC CƠ").replace("Gia Lai, ngày", "Đức Cơ, ngày")
                    + "I. MỤC ĐÍCH\n1. Nâng cao.\n" + SIGNATURE, encoding="utf-8")
    plan, review = import_plan(path)
    assert plan["document"]["issuer"] == "ubnd-huyen-duc-co"
    assert any("sổ đơn vị tỉnh năm 2021" in item.text for item in review)


def test_an_issuer_missing_from_its_province_registry_gets_a_copy_of_it_with_the_issuer_added(tmp_path):
    source = tmp_path / "tt.txt"
    header = HEADER.replace("ỦY BAN NHÂN DÂN |", "UBND TỈNH GIA LAI |").replace(
        "TỈNH GIA LAI | Độc lập", "TRUNG TÂM XÚC TIẾN ĐẦU TƯ | Độc lập").replace("KH-UBND", "KH-TTXT")
    source.write_text(header + textwrap.dedent("""\
        I. MỤC ĐÍCH, YÊU CẦU
        1. Quảng bá tiềm năng.
        II. NỘI DUNG
        1. Tổ chức hội nghị.
        III. TỔ CHỨC THỰC HIỆN
        1. Các sở, ban, ngành, UBND các huyện, thị xã, thành phố
        Xây dựng kế hoạch cụ thể hóa; báo cáo kết quả năm trước ngày 15/12/2021 về Trung tâm (qua Sở Nội vụ).
        """) + SIGNATURE.replace("TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH", "GIÁM ĐỐC"), encoding="utf-8")
    imported, result = saved(source, tmp_path / "kh.yaml")
    loaded = load_plan(result.plan)
    assert result.units is not None and len(loaded.registry.units) > 40  # the province's units, and the issuer
    assert " ".join(loaded.registry.unit(loaded.plan.document.issuer).header) == "TRUNG TÂM XÚC TIẾN ĐẦU TƯ"
    assert imported.plan["cascade"]["issuers"][-1] == "ubnd-huyen"
    assert any("không tìm thấy đơn vị ban hành" in w for w in result.warnings)
