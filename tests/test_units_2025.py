"""Today's units (34 provinces, 3,321 communes), the merged Gia Lai cascade, browsing and migration."""

from __future__ import annotations

import shutil

import pytest
import yaml

from generator.cli import main
from generator.loading import load_plan, load_registry
from generator.migrate import DECIDE, KEPT, MERGED, migrate_file
from generator.pipeline import cascade
from generator.units import NATIONAL, national_index, province_file

from conftest import DocxFacts, ROOT, SEED_PLAN, UNITS

PLAN_2026 = ROOT / "data" / "gia-lai-2025" / "ke-hoach-dan-van-2026.yaml"


def test_the_registry_counts_match_the_official_34_and_3321():
    index = national_index()
    assert len(index) == 34
    assert sum(p["communes"] for p in index) == 3321
    assert sum(p["kind"] == "thành phố trung ương" for p in index) == 6
    communes = 0
    for entry in index:
        registry = load_registry(NATIONAL / entry["file"])
        communes += sum(u.kind == "ubnd-xa" for u in registry.units.values())
    assert communes == 3321


def test_spot_checks_of_names_codes_and_places():
    gia_lai = load_registry(province_file("Gia Lai"))
    assert gia_lai.unit("ubnd-tinh").gso_code == "52" and gia_lai.unit("ubnd-tinh").header == ["ỦY BAN NHÂN DÂN", "TỈNH GIA LAI"]
    assert sum(u.kind == "ubnd-xa" for u in gia_lai.units.values()) == 135
    ia_o = gia_lai.unit("ubnd-xa-ia-o")
    assert (ia_o.gso_code, ia_o.header, ia_o.place, ia_o.scope) == ("23782", ["ỦY BAN NHÂN DÂN", "XÃ IA O"], "Ia O", "xã")
    quy_nhon = gia_lai.unit("ubnd-phuong-quy-nhon")
    assert quy_nhon.gso_code == "21583" and quy_nhon.scope == "phường"
    ha_noi = load_registry(province_file("ha noi"))
    assert ha_noi.unit("ubnd-tinh").place == "Hà Nội" and ha_noi.unit("ubnd-phuong-hoan-kiem").gso_code == "00070"
    assert ha_noi.unit("so-noi-vu").parent_header == ["UBND THÀNH PHỐ HÀ NỘI"]
    assert load_registry(province_file("79")).unit("ubnd-tinh").place == "Thành phố Hồ Chí Minh"


def test_a_header_name_too_long_for_its_column_breaks_where_a_van_thu_breaks_it():
    from generator.buildtools.national_units import chu_quan_lines, fit

    assert fit("SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG", bold=True, size=13) == ["SỞ NÔNG NGHIỆP", "VÀ MÔI TRƯỜNG"]
    assert fit("SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH", bold=True, size=13) == ["SỞ VĂN HÓA, THỂ THAO", "VÀ DU LỊCH"]
    assert fit("BỘ CHỈ HUY QUÂN SỰ THÀNH PHỐ HỒ CHÍ MINH", bold=True, size=13) == [
        "BỘ CHỈ HUY QUÂN SỰ", "THÀNH PHỐ HỒ CHÍ MINH"]
    assert fit("CÔNG AN THÀNH PHỐ ĐÀ NẴNG", bold=True, size=13) == ["CÔNG AN", "THÀNH PHỐ ĐÀ NẴNG"]
    assert fit("PHƯỜNG XUÂN HƯƠNG - ĐÀ LẠT", bold=True, size=13) == ["PHƯỜNG XUÂN HƯƠNG -", "ĐÀ LẠT"]
    assert fit("PHƯỜNG TRƯƠNG QUANG TRỌNG", bold=True, size=13) == ["PHƯỜNG", "TRƯƠNG QUANG TRỌNG"]
    assert fit("SỞ NỘI VỤ", bold=True, size=13) == ["SỞ NỘI VỤ"]
    assert chu_quan_lines("TỈNH GIA LAI", 13) == ["UBND TỈNH GIA LAI"]
    assert chu_quan_lines("THÀNH PHỐ HỒ CHÍ MINH", 13) == ["ỦY BAN NHÂN DÂN", "THÀNH PHỐ HỒ CHÍ MINH"]


def test_no_shipped_header_breaks_inside_a_phrase():
    # every line break of every header of the 34 registries is at a place a văn thư breaks a name
    # (never "SỞ NÔNG NGHIỆP VÀ MÔI" / "TRƯỜNG"), and every line fits its column
    from generator.buildtools.national_units import _break_rank
    from generator.layout import default_layout
    from generator.metrics import text_width_twips

    layout = default_layout()
    for entry in national_index():
        registry = load_registry(NATIONAL / entry["file"])
        for unit in registry.units.values():
            for lines, size, bold in ((unit.header, layout.sizes.ban_hanh, True),
                                      (unit.parent_header, layout.sizes.chu_quan, False)):
                name = lines[1:] if lines[:1] == ["ỦY BAN NHÂN DÂN"] else lines
                words = " ".join(name).split()
                breaks = [len(" ".join(name[:i]).split()) for i in range(1, len(name))]
                assert all(_break_rank(words, at) is not None for at in breaks), (entry["file"], unit.id, lines)
                assert all(text_width_twips(line, size, bold=bold) <= layout.header_table.left_content
                           for line in lines), (entry["file"], unit.id, lines)


def test_the_registry_is_generated_data_with_its_source():
    head = (NATIONAL / "gia-lai.yaml").read_text(encoding="utf-8").splitlines()[1]
    assert "vietnam-provinces" in head and "sinh ngày" in head
    assert "vietnam-provinces" in yaml.safe_load((NATIONAL / "index.yaml").read_text(encoding="utf-8"))["source"]


@pytest.fixture(scope="module")
def gia_lai_2026(tmp_path_factory):
    return cascade(PLAN_2026, tmp_path_factory.mktemp("gl2026"), workers=2)


def test_the_merged_gia_lai_cascades_to_its_agencies_and_all_135_communes(gia_lai_2026):
    assert gia_lai_2026.failures == []  # every document passed `vanban check` before it was written
    units = [e.unit for e in gia_lai_2026.entries]
    assert sum(u.startswith(("ubnd-xa-", "ubnd-phuong-", "ubnd-dac-khu-")) for u in units) == 135
    assert {"so-noi-vu", "so-nong-nghiep-va-moi-truong", "cong-an-tinh"} <= set(units)


def test_a_commune_plan_speaks_as_a_commune(gia_lai_2026):
    f = DocxFacts(gia_lai_2026.out_dir / "ubnd-phuong-quy-nhon" / "ke-hoach-dan-van-2026.docx")
    texts = f.texts()
    assert texts[:2] == ["ỦY BAN NHÂN DÂN", "PHƯỜNG QUY NHƠN"]
    f.find("Quy Nhơn, ngày      tháng      năm 2026")
    assert texts[texts.index("TM. ỦY BAN NHÂN DÂN") + 1] == "CHỦ TỊCH"
    body = "\n".join(texts)
    assert "trên địa bàn phường" in body and "trên địa bàn tỉnh" not in body
    assert "báo cáo Ủy ban nhân dân tỉnh Gia Lai (qua Sở Nội vụ) trước ngày 10/6/2026" in body


def plan_2026_for(registry: str, tmp_path):
    """The Gia Lai 2026 plan issued with another province's registry (``registry``: its file in vn-2025)."""
    folder = tmp_path / "plan"
    folder.mkdir()
    text = PLAN_2026.read_text(encoding="utf-8").replace("units: ../vn-2025/gia-lai.yaml",
                                                         f"units: {NATIONAL / registry}")
    (folder / "kh.yaml").write_text(text, encoding="utf-8")
    return folder / "kh.yaml"


def test_any_province_is_chosen_the_same_way(tmp_path):
    result = cascade(plan_2026_for("cao-bang.yaml", tmp_path), tmp_path / "out", workers=2)
    registry = load_registry(NATIONAL / "cao-bang.yaml")
    assert result.failures == []
    assert len(result.entries) == sum(u.kind in ("ubnd-xa", "co-quan-chuyen-mon", "cong-an", "quan-su")
                                      for u in registry.units.values())
    first = DocxFacts(result.out_dir / result.entries[0].file)
    first.find("UBND TỈNH CAO BẰNG")


def test_the_agencies_of_a_city_speak_as_the_city(tmp_path):
    # Hà Nội is a thành phố trực thuộc trung ương: its Công an is "Công an thành phố", the party committee
    # the Thành ủy, its sở "các sở, ban, ngành thành phố" — never the "tỉnh" of a province's wording
    result = cascade(plan_2026_for("ha-noi.yaml", tmp_path), tmp_path / "out", units=["cong-an-tinh", "so-noi-vu"],
                     workers=1)
    assert result.failures == []
    police = "\n".join(DocxFacts(result.out_dir / "cong-an-tinh" / "ke-hoach-dan-van-2026.docx").texts())
    for said in ("Giám đốc, các Phó Giám đốc Công an thành phố", "Ban Dân vận Thành ủy", "Đảng ủy Công an thành phố",
                 "an toàn xã hội trên địa bàn thành phố", "Bộ Chỉ huy Quân sự thành phố"):
        assert said in police and said.replace("thành phố", "tỉnh").replace("Thành ủy", "Tỉnh ủy") not in police
    agency = "\n".join(DocxFacts(result.out_dir / "so-noi-vu" / "ke-hoach-dan-van-2026.docx").texts())
    assert "Ban Dân vận Thành ủy" in agency and "Các sở, ban, ngành thành phố" in agency
    assert "Tỉnh ủy" not in agency and "sở, ban, ngành tỉnh" not in agency.lower()
    assert load_registry(NATIONAL / "ha-noi.yaml").kinds["cong-an"].label == "Công an thành phố"
    assert load_registry(NATIONAL / "gia-lai.yaml").kinds["cong-an"].label == "Công an tỉnh"


def test_units_list_searches_without_diacritics(capsys):
    assert main(["units", "list", "--province", "gia lai", "--search", "chu se"]) == 0
    assert capsys.readouterr().out.strip() == "ubnd-xa-chu-se  Ủy ban nhân dân xã Chư Sê  (ubnd-xa)  [23941]"
    assert main(["units", "list", "--registry", str(UNITS), "--kind", "ubnd-huyen", "--search", "dak po"]) == 0
    assert "ubnd-huyen-dak-po" in capsys.readouterr().out


def test_units_show_gives_what_a_document_of_the_unit_needs(capsys):
    assert main(["units", "show", "gia-lai/so-noi-vu"]) == 0
    out = capsys.readouterr().out
    assert "Tiêu đề: UBND TỈNH GIA LAI / SỞ NỘI VỤ" in out and "Số:      /KH-SNV" in out
    assert "Cấp phó ký: KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC" in out


def test_an_unknown_province_is_a_clear_error(capsys):
    assert main(["units", "list", "--province", "Hà Tây"]) == 2
    assert "không có tỉnh, thành phố «Hà Tây»" in capsys.readouterr().err


def test_migrating_the_2021_plan_maps_kinds_and_keeps_what_survived(tmp_path):
    report = migrate_file(SEED_PLAN, province_file("gia-lai"), tmp_path / "2025.yaml")
    statuses = {(m.where, m.status) for m in report.mappings}
    assert ("cascade.issuers[2]", MERGED) in statuses and ("document.issuer", KEPT) in statuses
    plan = load_plan(tmp_path / "2025.yaml").plan
    assert "ubnd-xa" in plan.cascade.issuers and "ubnd-huyen" not in plan.cascade.issuers


def test_migrating_results_of_a_huyen_asks_a_person_to_choose_among_its_successors(tmp_path, capsys):
    results = tmp_path / "ket-qua.yaml"
    results.write_text("unit: ubnd-huyen-chu-se\nperiod: 6-thang\nindicators: {hoi-nghi-quan-triet: 3}\n",
                       encoding="utf-8")
    code = main(["units", "migrate", str(results), "--to", "gia-lai", "--old-units", str(UNITS),
                 "-o", str(tmp_path / "moi.yaml")])
    captured = capsys.readouterr()
    assert code == 0
    assert ("[cần quyết định] unit: Ủy ban nhân dân huyện Chư Sê (ubnd-huyen-chu-se) → "
            "Ủy ban nhân dân xã Chư Sê (ubnd-xa-chu-se), Ủy ban nhân dân xã Bờ Ngoong (ubnd-xa-bo-ngoong)") in captured.out
    assert "1 chỗ cần người quyết định" in captured.err
    assert yaml.safe_load((tmp_path / "moi.yaml").read_text(encoding="utf-8"))["unit"] == "ubnd-xa-chu-se"


def test_merged_agencies_follow_the_merger_table(tmp_path):
    plan_dir = tmp_path / "p"
    shutil.copytree(SEED_PLAN.parent, plan_dir)
    plan = plan_dir / SEED_PLAN.name
    text = plan.read_text(encoding="utf-8").replace("lead: [so-noi-vu]", "lead: [so-ke-hoach-va-dau-tu, so-lao-dong-tbxh]")
    plan.write_text(text, encoding="utf-8")
    report = migrate_file(plan, province_file("gia-lai"), tmp_path / "m.yaml")
    lead = {m.old: m for m in report.mappings if "assign.lead" in m.where}
    assert lead["so-ke-hoach-va-dau-tu"].new == ("so-tai-chinh",) and lead["so-ke-hoach-va-dau-tu"].status == MERGED
    assert lead["so-lao-dong-tbxh"].new == ("so-noi-vu", "so-y-te", "so-giao-duc-va-dao-tao")
    assert DECIDE not in {m.status for m in report.mappings if m.where == "document.issuer"}
