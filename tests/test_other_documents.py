"""Documents other than the seed: a numbered, dated Báo cáo of a sở sent upward, and a huyện's plan."""

from __future__ import annotations

import textwrap

import pytest

from generator.ooxml.reading import paragraph_text
from generator.pipeline import render_plan

from conftest import UNITS, DocxFacts


def write_plan(folder, document: str):
    folder.mkdir(exist_ok=True)
    (folder / "units.yaml").write_bytes(UNITS.read_bytes())
    path = folder / "plan.yaml"
    path.write_text("units: units.yaml\ndocument:\n" + textwrap.indent(textwrap.dedent(document), "  "),
                    encoding="utf-8")
    return path


@pytest.fixture
def report(tmp_path):
    plan = write_plan(tmp_path / "bc", """
        issuer: so-tu-phap
        type: BC
        number: 7
        date: 05/3/2021
        title: Kết quả thực hiện Kế hoạch dân vận 6 tháng đầu năm 2021
        kinh_gui:
          - {to: Ủy ban nhân dân tỉnh Gia Lai, purpose: qua Sở Nội vụ}
        sections:
          - title: Kết quả thực hiện
            items:
              - title: Công tác lãnh đạo, chỉ đạo
                items:
                  - text: Ban hành kế hoạch & hướng dẫn <nội bộ>.
                  - text: Tổ chức hội nghị quán triệt.
        signer: {name: Trần Văn B, role: deputy}
        recipients:
          - {unit: so-noi-vu, purpose: báo cáo}
        archive: [VP]
    """)
    result = render_plan(plan, tmp_path / "out")
    assert result.report.ok and not result.report.warnings  # every vanban output passes `vanban check`
    return DocxFacts(result.docx)


def test_a_sos_header_has_its_chu_quan_regular_and_its_name_bold(report):
    assert [(f.bold, f.size_pt) for f in report.run_formats(report.find("UBND TỈNH GIA LAI"))] == [(False, 13)]
    assert [(f.bold, f.size_pt) for f in report.run_formats(report.find("SỞ TƯ PHÁP"))] == [(True, 13)]


def test_number_and_date_are_padded_as_nd30_requires(report):
    report.find("Số: 07/BC-STP")
    report.find("Gia Lai, ngày 05 tháng 3 năm 2021")
    report.find("BÁO CÁO")


def test_a_report_sent_upward_has_kinh_gui_and_nhu_tren(report):
    report.find("Kính gửi: Ủy ban nhân dân tỉnh Gia Lai (qua Sở Nội vụ).")
    texts = report.texts()
    start = texts.index("Nơi nhận:")
    assert texts[start + 1:start + 4] == ["- Như trên;", "- Sở Nội vụ (báo cáo);", "- Lưu: VT, VP."]


def test_diem_are_lettered_and_xml_special_characters_survive(report):
    report.find("a) Ban hành kế hoạch & hướng dẫn <nội bộ>.")
    assert paragraph_text(report.find_starting("b) Tổ chức")).endswith("quán triệt./.")


def test_a_sos_deputy_signs_kt_giam_doc(report):
    texts = report.texts()
    start = texts.index("KT. GIÁM ĐỐC")
    assert texts[start + 1] == "PHÓ GIÁM ĐỐC" and "Trần Văn B" in texts


def test_several_kinh_gui_recipients_become_a_dashed_list(tmp_path):
    plan = write_plan(tmp_path / "bc2", """
        issuer: ubnd-huyen-chu-se
        type: BC
        year: 2021
        title: Kết quả thực hiện
        kinh_gui: [Ủy ban nhân dân tỉnh Gia Lai, Sở Nội vụ tỉnh Gia Lai]
        opening: [Nội dung báo cáo.]
    """)
    result = render_plan(plan, tmp_path / "out")
    assert result.report.ok and not result.report.warnings
    facts = DocxFacts(result.docx)
    texts = facts.texts()
    start = texts.index("Kính gửi:")
    assert texts[start + 1:start + 3] == ["- Ủy ban nhân dân tỉnh Gia Lai;", "- Sở Nội vụ tỉnh Gia Lai."]
    facts.find("Chư Sê, ngày      tháng      năm 2021")
    facts.find("HUYỆN CHƯ SÊ")
    assert texts[texts.index("TM. ỦY BAN NHÂN DÂN") + 1] == "CHỦ TỊCH"
