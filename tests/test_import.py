"""`vanban import`: received plans (text or Word) become plan data that renders back to the same words."""

from __future__ import annotations

import difflib
import textwrap
import unicodedata

import pytest
import yaml

from generator.cli import main
from generator.pipeline import import_plan as read_plan, save_import
from generator.inline import SUPERSCRIPT_CHARS
from generator.loading import load_plan, load_registry
from generator.pipeline import cascade, render_plan

from conftest import SEED_PLAN, SEED_TEXT, UNITS, DocxFacts
from test_seed_reproduction import italic_spans


def import_plan(source, out, *, units=None, issuer=None, force=False):
    """Import ``source`` and write it at ``out``, as `vanban import` does."""
    imported = read_plan(source, units=units, issuer=issuer)
    return save_import(imported, out, source_name=source.name, force=force)


def words_kept(rendered, reference_text: str) -> float:
    seed = reference_text.replace("*", "").translate(SUPERSCRIPT_CHARS).split()
    doc = " ".join(DocxFacts(rendered).texts()).split()
    matcher = difflib.SequenceMatcher(None, seed, doc, autojunk=False)
    return sum(b.size for b in matcher.get_matching_blocks()) / len(seed)


def test_the_seed_text_imports_and_renders_back_to_the_same_words_and_italics(tmp_path):
    result = import_plan(SEED_TEXT, tmp_path / "seed.yaml")
    rendered = render_plan(result.plan, tmp_path).docx
    assert words_kept(rendered, SEED_TEXT.read_text(encoding="utf-8")) >= 0.995
    assert len(italic_spans(DocxFacts(rendered))) == 16
    assert any("thiếu dòng «KT. …»" in w for w in result.warnings)
    assert any("không có phần tiêu đề" in w for w in result.warnings)


def strip_cascade_keys(data):
    if isinstance(data, dict):
        return {k: strip_cascade_keys(v) for k, v in data.items() if k not in ("assign", "id", "only_for", "time", "product", "own_task")}
    if isinstance(data, list):
        return [strip_cascade_keys(v) for v in data]
    return data


def test_importing_vanbans_own_docx_gives_back_the_same_plan_data(seed_output, tmp_path):
    result = import_plan(seed_output, tmp_path / "lai.yaml", units=UNITS)
    assert result.issuer == "ubnd-tinh" and [r.text for r in result.review if not r.guess] == []
    original = load_plan(SEED_PLAN).plan.document.model_dump()
    again = load_plan(result.plan).plan.document.model_dump()
    assert strip_cascade_keys(again) == strip_cascade_keys(original)


def test_a_sub_plan_of_a_so_imports_with_its_own_unit(tmp_path):
    batch = cascade(SEED_PLAN, tmp_path / "c", units=["so-tu-phap"], workers=1)
    result = import_plan(tmp_path / "c" / batch.entries[0].file, tmp_path / "stp.yaml", units=UNITS)
    document = load_plan(result.plan).plan.document
    assert result.issuer == "so-tu-phap" and document.signer.role == "head"
    assert [r.to for r in document.recipients][:2] == ["UBND tỉnh", "Sở Nội vụ"] and document.archive == ["VP"]


WEB_COPY = """\
ỦY BAN NHÂN DÂN TỈNH NGHỆ AN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
| Độc lập - Tự do - Hạnh phúc
Số: 594/KH-UBND | Nghệ An, ngày 05 tháng 3 năm 2021

KẾ HOẠCH
Triển khai thực hiện công tác cải cách hành chính
năm 2021 trên địa bàn tỉnh

Căn cứ Nghị quyết số 76/NQ-CP ngày 15/7/2021 của Chính phủ;
Căn cứ\u00a0Kế hoạch số 30-KH/BDVTU-BCSĐ ngày 26/02/2021 của Ban Dân vận Tỉnh ủy;
Ủy ban nhân dân tỉnh ban hành Kế hoạch như sau:

I. Mục đích, yêu cầu
1. Mục đích
Nâng cao chất lượng phục vụ người dân,\tdoanh nghiệp.
2. Yêu cầu
a) Bám sát chủ trương của Trung ương.
b) Gắn với trách nhiệm người đứng đầu.
II. Tổ chức thực hiện
1. Sở Nội vụ
Theo dõi, tổng hợp, báo cáo UBND tỉnh trước ngày 15/6/2021 và trước ngày 15/12/2021.
2. Các sở, ban, ngành, UBND các huyện, thị xã, thành phố
Triển khai thực hiện Kế hoạch này./.

Nơi nhận:
- Bộ Nội vụ (b/c);
- Các sở, ban, ngành;
- Lưu: VT, NC.
TM. ỦY BAN NHÂN DÂN
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Bùi Đình Long
"""


@pytest.fixture
def web_copy(tmp_path):
    path = tmp_path / "nghe-an.txt"
    path.write_text(WEB_COPY, encoding="utf-8")
    return path


def test_a_flattened_web_copy_imports_with_its_header_fields_right(web_copy, tmp_path):
    result = import_plan(web_copy, tmp_path / "na.yaml")
    plan = load_plan(result.plan)
    document = plan.plan.document
    unit = plan.registry.unit(document.issuer)
    assert unit.header == ["ỦY BAN NHÂN DÂN", "TỈNH NGHỆ AN"] and unit.kind == "ubnd-tinh" and unit.code == "UBND"
    assert unit.place == "Nghệ An"
    assert (document.type, document.number, document.date.isoformat()) == ("KH", 594, "2021-03-05")
    assert document.title == "Triển khai thực hiện công tác cải cách hành chính năm 2021 trên địa bàn tỉnh"
    assert document.opening[1] == "Căn cứ Kế hoạch số 30-KH/BDVTU-BCSĐ ngày 26/02/2021 của Ban Dân vận Tỉnh ủy;"
    assert [s.title for s in document.sections] == ["Mục đích, yêu cầu", "Tổ chức thực hiện"]
    yeu_cau = document.sections[0].items[1]
    assert yeu_cau.title == "Yêu cầu" and [i.text for i in yeu_cau.items] == [
        "Bám sát chủ trương của Trung ương.", "Gắn với trách nhiệm người đứng đầu."]
    assert document.sections[0].items[0].paragraphs == ["Nâng cao chất lượng phục vụ người dân, doanh nghiệp."]
    assert document.sections[1].items[1].paragraphs == ["Triển khai thực hiện Kế hoạch này."]
    assert document.signer.name == "Bùi Đình Long" and document.signer.role == "deputy"
    assert [(r.to, r.purpose) for r in document.recipients] == [("Bộ Nội vụ", "b/c"), ("Các sở, ban, ngành", None)]
    assert document.archive == ["NC"]
    rendered = render_plan(result.plan, tmp_path)
    assert rendered.report.ok
    DocxFacts(rendered.docx).find("Số: 594/KH-UBND")


def test_a_province_without_a_registry_of_that_year_gets_its_own_registry_and_no_guessed_cascade(web_copy, tmp_path):
    result = import_plan(web_copy, tmp_path / "na.yaml")
    text = result.plan.read_text(encoding="utf-8")
    assert "cascade" not in yaml.safe_load(text) and result.units.name == "na.units.yaml"
    assert any("chưa có sổ đơn vị của tỉnh ban hành" in w for w in result.warnings)
    assert any("đơn vị phải cụ thể hóa" in w for w in result.warnings)


def test_organisation_units_are_matched_to_the_registry(tmp_path):
    result = import_plan(SEED_TEXT, tmp_path / "s.yaml", units=UNITS, issuer="ubnd-tinh")
    cascade = yaml.safe_load(result.plan.read_text(encoding="utf-8"))["cascade"]
    assert cascade["consolidator"] == "so-noi-vu"
    assert {"cong-an", "quan-su", "bien-phong", "ubnd-huyen"} <= set(cascade["issuers"])


def test_sections_numbered_without_roman_numerals_become_muc(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(textwrap.dedent("""\
        KẾ HOẠCH
        Tổ chức ngày hội năm 2021
        1. MỤC ĐÍCH
        Nâng cao nhận thức.
        2. NỘI DUNG
        a) Tuyên truyền trên báo chí.
        """), encoding="utf-8")
    result = import_plan(path, tmp_path / "a.yaml")
    document = load_plan(result.plan).plan.document
    assert [s.title for s in document.sections] == ["Mục đích", "Nội dung"]
    assert document.sections[1].items[0].text == "Tuyên truyền trên báo chí."
    assert any("không có số La Mã" in w for w in result.warnings)


def test_decomposed_unicode_is_composed(tmp_path):
    path = tmp_path / "nfd.txt"
    path.write_text(unicodedata.normalize("NFD", "KẾ HOẠCH\nTổ chức hội nghị năm 2021\nI. MỤC ĐÍCH\nNội dung.\n"),
                    encoding="utf-8")
    document = load_plan(import_plan(path, tmp_path / "n.yaml").plan).plan.document
    assert document.title == "Tổ chức hội nghị năm 2021" and unicodedata.is_normalized("NFC", document.title)


def test_tcvn3_text_is_converted_to_unicode(tmp_path):
    path = tmp_path / "tcvn3.txt"
    path.write_bytes("KÕ HO¹CH\nTæ chøc héi nghÞ n¨m 2021\nI. MôC §ÝCH\nN©ng cao nhËn thøc.\n".encode("latin-1"))
    result = import_plan(path, tmp_path / "t.yaml")
    document = load_plan(result.plan).plan.document
    assert document.title == "Tổ chức hội nghị năm 2021" and document.sections[0].title == "Mục đích"
    assert any("TCVN3" in w for w in result.warnings)


def test_vni_text_is_refused_with_a_clear_message(tmp_path, capsys):
    path = tmp_path / "vni.txt"
    path.write_bytes("KEÁ HOAÏCH\nToå chöùc hoäi nghò naêm 2021 veà coâng taùc daân vaän\n".encode("latin-1"))
    assert main(["import", str(path), "-o", str(tmp_path / "v.yaml")]) == 2
    err = capsys.readouterr().err
    assert "bảng mã VNI" in err and "Unikey" in err and not (tmp_path / "v.yaml").exists()


def test_lines_that_fit_nowhere_are_kept_and_listed(tmp_path):
    path = tmp_path / "x.txt"
    path.write_text("(Dự thảo lần 2)\nKẾ HOẠCH\nTổ chức hội nghị năm 2021\nI. MỤC ĐÍCH\nNội dung.\n", encoding="utf-8")
    result = import_plan(path, tmp_path / "x.yaml")
    assert load_plan(result.plan).plan.document.opening == ["(Dự thảo lần 2)"]
    assert any("(Dự thảo lần 2)" in w for w in result.warnings)


def test_a_word_document_with_a_tab_layout_imports_its_header(tmp_path):
    from handmade import tab_layout

    path = tmp_path / "chu-se.docx"
    path.write_bytes(tab_layout())
    result = import_plan(path, tmp_path / "cs.yaml", units=UNITS)
    document = load_plan(result.plan).plan.document
    assert result.issuer == "ubnd-huyen-chu-se"
    assert (document.number, document.date.isoformat(), document.title) == (5, "2021-02-15", "Tổ chức Tết trồng cây năm 2021")
    assert document.signer.name == "Nguyễn Văn A" and document.signer.role == "head"
    assert document.sections[1].items[0].title == "Thời gian, địa điểm"


def test_an_existing_file_is_not_overwritten_without_force(web_copy, tmp_path, capsys):
    target = tmp_path / "na.yaml"
    target.write_text("# của tôi\n", encoding="utf-8")
    assert main(["import", str(web_copy), "-o", str(target)]) == 2
    assert "thêm --force để ghi đè" in capsys.readouterr().err and target.read_text(encoding="utf-8") == "# của tôi\n"
    assert main(["import", str(web_copy), "-o", str(target), "--force"]) == 0


def test_an_old_word_file_is_refused_with_advice(tmp_path, capsys):
    path = tmp_path / "kh.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0")
    assert main(["import", str(path), "-o", str(tmp_path / "k.yaml")]) == 2
    assert "lưu lại dưới dạng .docx" in capsys.readouterr().err and not (tmp_path / "k.yaml").exists()


def test_the_registry_is_unchanged_by_import(tmp_path):
    before = UNITS.read_bytes()
    import_plan(SEED_TEXT, tmp_path / "s.yaml", units=UNITS, issuer="ubnd-tinh")
    assert UNITS.read_bytes() == before and load_registry(UNITS)


def test_a_copy_that_lost_its_columns_still_gives_the_header_fields(tmp_path):
    path = tmp_path / "lang-son.txt"
    path.write_text(textwrap.dedent("""\
        ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
        Độc lập - Tự do - Hạnh phúc
        Số: 07/KH-UBND Lạng Sơn, ngày 13 tháng 01 năm 2020
        KẾ HOẠCH
        TRIỂN KHAI CÁC GIẢI PHÁP PHÒNG, CHỐNG HẠN HÁN, THIẾU NƯỚC
        SẢN XUẤT NÔNG NGHIỆP NĂM 2020
        I. MỤC ĐÍCH, YÊU CẦU
        Chủ động phòng, chống hạn hán./.
        """), encoding="utf-8")
    result = import_plan(path, tmp_path / "ls.yaml")
    plan = load_plan(result.plan)
    document = plan.plan.document
    assert plan.registry.unit(document.issuer).header == ["ỦY BAN NHÂN DÂN", "TỈNH LẠNG SƠN"]
    assert (document.number, document.date.isoformat()) == (7, "2020-01-13")
    assert plan.registry.unit(document.issuer).place == "Lạng Sơn"
    assert document.title == "Triển khai các giải pháp phòng, chống hạn hán, thiếu nước sản xuất nông nghiệp năm 2020"
    assert any("chữ in hoa" in w for w in result.warnings)


def test_a_word_document_with_a_header_table_imports_chu_quan_and_issuer(tmp_path):
    from test_check import handmade_table_layout

    path = tmp_path / "sgd.docx"
    path.write_bytes(handmade_table_layout())
    result = import_plan(path, tmp_path / "sgd.yaml")
    plan = load_plan(result.plan)
    document = plan.plan.document
    unit = plan.registry.unit(document.issuer)
    assert (unit.parent_header, unit.header) == (["UBND TỈNH NGHỆ AN"], ["SỞ GIÁO DỤC VÀ ĐÀO TẠO"])
    assert unit.code == "SGDĐT" and unit.place == "Nghệ An" and unit.kind == "co-quan-chuyen-mon"
    assert (document.number, document.date.isoformat()) == (12, "2021-03-05")
    assert document.title == "Tổ chức ngày hội đọc sách năm 2021"
    assert document.signer.role == "deputy" and document.signer.name == "Nguyễn Văn A"
    assert render_plan(result.plan, tmp_path / "out").report.ok
