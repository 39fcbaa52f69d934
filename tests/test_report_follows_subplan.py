"""A unit's report form, its workbook and its web form ask for exactly the items of the unit's OWN sub-plan.

Read as the văn thư of the unit would: the report she fills has the items of the plan her unit signed — the
same numbers, the same titles (its own tasks included, the items it was not given left out), its scope words
("huyện" in a huyện, never "trên địa bàn tỉnh") — and a result for a number her plan does not have is refused,
with the file and line (or sheet and cell, or form field). The consolidated report puts each unit's result
under the PARENT item it came from, by the item's id, whatever number the unit's plan gave it.
"""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape
from openpyxl import load_workbook

from generator import inline
from generator.cascade import subplan as subplan_module
from generator.cascade.subplan import content_section, load_context, subplan
from generator.check import check_docx
from generator.cli import main
from generator.loading import load_plan
from generator.model import Document
from generator.pipeline import consolidate, results_templates, unit_reports
from generator.web import Settings, create_app

from conftest import ROOT, SEED_PLAN, DocxFacts, web_client

PLAN_2026 = ROOT / "data" / "gia-lai-2025" / "ke-hoach-dan-van-2026.yaml"
UNITS = [(SEED_PLAN, "so-tu-phap"), (SEED_PLAN, "ubnd-huyen-chu-se"), (PLAN_2026, "ubnd-xa-ia-o")]
IDS = ["so-tu-phap", "chu-se", "xa-ia-o"]


def plan_items(plan, unit_id: str) -> list[tuple[str, str]]:
    """(id, plain title) of the items of mục II of the unit's sub-plan, as the sub-plan itself has them."""
    document = subplan(unit_id, load_context(load_plan(plan)))
    section = content_section(document)
    assert section is not None, "the sub-plan has a content section with id noi-dung"
    return [(item.id, inline.plain(item.title or item.text or "")) for item in section.items]


def parent_items(plan) -> list[tuple[str, str]]:
    """(id, plain title) of the items of the parent plan's own mục II."""
    section = content_section(load_plan(plan).plan.document)
    return [(item.id, inline.plain(item.title or item.text or "")) for item in section.items]


def report_path(out, plan, unit_id: str, period: str = "6-thang"):
    return out / unit_id / f"bao-cao-{period}-{plan.stem}.docx"


def results_headings(texts: list[str]) -> list[str]:
    """The numbered subsections of mục II «Kết quả thực hiện» of a report."""
    start, end = texts.index("II. KẾT QUẢ THỰC HIỆN"), texts.index("III. ĐÁNH GIÁ CHUNG")
    return [t for t in texts[start + 1:end] if re.match(r"\d+\. ", t)]


@pytest.fixture(scope="module")
def blanks(tmp_path_factory):
    """The blank 6-month report forms of the three units, made twice (to compare the bytes)."""
    made = {}
    for run in ("a", "b"):
        for plan, unit_id in UNITS:
            out = tmp_path_factory.mktemp(f"{run}-{unit_id}")
            result = unit_reports(plan, "6-thang", out, units=[unit_id], workers=1)
            assert result.failures == [], unit_id
            made[run, unit_id] = report_path(out, plan, unit_id)
    return made


@pytest.mark.parametrize(("plan", "unit_id"), UNITS, ids=IDS)
def test_the_report_form_has_exactly_the_items_of_the_units_own_plan(blanks, plan, unit_id):
    path = blanks["a", unit_id]
    texts = DocxFacts(path).texts()
    expected = [f"{n}. {title}" for n, (_, title) in enumerate(plan_items(plan, unit_id), 1)]
    assert results_headings(texts) == expected
    for heading in expected:  # a blank form: each item waits for the unit's text
        assert texts[texts.index(heading) + 1] == "…"
    assert check_docx(path).ok
    assert path.read_bytes() == blanks["b", unit_id].read_bytes()  # two runs, the same bytes


def test_a_sub_plan_that_was_not_given_an_item_is_not_asked_about_it(blanks):
    ids = [item_id for item_id, _ in plan_items(SEED_PLAN, "so-tu-phap")]
    assert "an-ninh-quoc-phong" not in ids  # not given to Sở Tư pháp by the province's plan
    texts = DocxFacts(blanks["a", "so-tu-phap"]).texts()
    assert not any("an ninh, quốc phòng" in t for t in results_headings(texts))


@pytest.mark.parametrize(("plan", "unit_id"), UNITS, ids=IDS)
def test_the_units_own_tasks_are_asked_about_at_their_numbers(blanks, plan, unit_id):
    parent_ids = {item_id for item_id, _ in parent_items(plan)}
    own = [(n, title) for n, (item_id, title) in enumerate(plan_items(plan, unit_id), 1) if item_id not in parent_ids]
    assert own, f"{unit_id}: its plan has tasks of its own"
    headings = results_headings(DocxFacts(blanks["a", unit_id]).texts())
    for n, title in own:
        assert f"{n}. {title}" in headings


def test_a_huyens_report_speaks_of_the_huyen_not_the_province(blanks):
    text = "\n".join(DocxFacts(blanks["a", "ubnd-huyen-chu-se"]).texts())
    assert "trên địa bàn tỉnh" not in text
    assert "trên địa bàn huyện" in text


@pytest.mark.parametrize(("plan", "unit_id"), UNITS, ids=IDS)
def test_the_workbook_asks_for_the_units_items_and_records_their_ids(tmp_path, plan, unit_id):
    written = results_templates(plan, "6-thang", tmp_path / "a", units=[unit_id])[0]
    again = results_templates(plan, "6-thang", tmp_path / "b", units=[unit_id])[0]
    assert written.read_bytes() == again.read_bytes()
    workbook = load_workbook(written)
    sheet, meta = workbook["Nội dung"], workbook["_vanban"]
    labels = [sheet.cell(row=r, column=2).value for r in range(6, sheet.max_row + 1)]
    items = plan_items(plan, unit_id)
    assert [label for label in labels if label and label.startswith("Kết quả:")] == [
        f"Kết quả: {n}. {title}" for n, (_, title) in enumerate(items, 1)]
    recorded = [(row[2], row[3]) for row in meta.iter_rows(min_row=6, values_only=True)
                if row[2] and str(row[2]).startswith("texts.results.")]
    assert recorded == [(f"texts.results.{n}", item_id) for n, (item_id, _) in enumerate(items, 1)]


@pytest.mark.parametrize(("plan", "unit_id"), UNITS, ids=IDS)
def test_the_web_form_asks_for_the_units_items(plan, unit_id, tmp_path):
    client = TestClient(create_app(Settings(work_dir=tmp_path / "web")))
    plan_id = f"{plan.parent.name}--{plan.stem}"
    page = client.get(f"/plans/{plan_id}/units/{unit_id}/report", params={"period": "6-thang"})
    assert page.status_code == 200
    items = plan_items(plan, unit_id)
    for n, (_, title) in enumerate(items, 1):
        assert f'name="result.{n}"' in page.text and str(escape(title)) in page.text
    assert f'name="result.{len(items) + 1}"' not in page.text


# ---------------------------------------------------------------- a result for a number the plan does not have

def run(capsys, *args):
    code = main([str(a) for a in args])
    return code, capsys.readouterr().err


@pytest.mark.parametrize(("plan", "unit_id"), UNITS, ids=IDS)
def test_a_yaml_result_for_a_number_the_units_plan_lacks_is_refused_with_file_and_line(tmp_path, capsys, plan,
                                                                                     unit_id):
    beyond = len(plan_items(plan, unit_id)) + 1
    folder = tmp_path / "ket-qua"
    folder.mkdir()
    (folder / f"{unit_id}.yaml").write_text(
        f'unit: {unit_id}\nperiod: 6-thang\ntexts:\n  results:\n    "1": Đã quán triệt.\n    "{beyond}": Thêm.\n',
        encoding="utf-8")
    out = tmp_path / "out"
    code, err = run(capsys, "report", plan, "--period", "6-thang", "--results", folder, "-o", out)
    assert code == 2 and not out.exists()
    assert (f"tệp {folder / f'{unit_id}.yaml'}, dòng 6, trường «texts.results.{beyond}»: nội dung «{beyond}» không có "
            f"trong kế hoạch cụ thể hóa của đơn vị: mục II của kế hoạch đó có các nội dung 1 đến {beyond - 1}") in err


def test_a_workbook_answer_on_an_item_the_units_plan_no_longer_has_is_refused_at_its_cell(tmp_path, capsys):
    folder = tmp_path / "ket-qua"
    path = results_templates(SEED_PLAN, "6-thang", folder, units=["so-tu-phap"])[0]
    workbook = load_workbook(path)
    meta, sheet = workbook["_vanban"], workbook["Nội dung"]
    row = next(r for r in meta.iter_rows(min_row=6) if r[2].value == "texts.results.2")
    row[3].value = "an-ninh-quoc-phong"  # as if the workbook was made when item 2 was one Sở Tư pháp lost since
    sheet.cell(row=row[1].value, column=3, value="Đã phối hợp bảo đảm an ninh.")
    workbook.save(path)
    code, err = run(capsys, "report", SEED_PLAN, "--period", "6-thang", "--results", folder, "-o", tmp_path / "o")
    label = sheet.cell(row=row[1].value, column=2).value.removeprefix("Kết quả: ")
    assert code == 2
    assert (f"tệp {path}, trang tính «Nội dung», ô C{row[1].value}: nội dung «{label}» không có trong kế hoạch cụ "
            "thể hóa của đơn vị") in err and "hãy tạo lại sổ bằng vanban results-template" in err


def test_a_workbook_answer_follows_its_item_id_when_the_plan_was_renumbered(tmp_path):
    """The hidden sheet's item id, not the row's number, says which item an answer is on."""
    folder = tmp_path / "ket-qua"
    path = results_templates(SEED_PLAN, "6-thang", folder, units=["so-tu-phap"])[0]
    workbook = load_workbook(path)
    meta, sheet = workbook["_vanban"], workbook["Nội dung"]
    first, second = [r for r in meta.iter_rows(min_row=6) if r[2].value in ("texts.results.1", "texts.results.2")]
    first[3].value, second[3].value = second[3].value, first[3].value  # the two items swapped places since
    sheet.cell(row=first[1].value, column=3, value="Về tuyên truyền.")
    workbook.save(path)
    unit_reports(SEED_PLAN, "6-thang", tmp_path / "out", results_dir=folder, units=["so-tu-phap"])
    texts = DocxFacts(report_path(tmp_path / "out", SEED_PLAN, "so-tu-phap")).texts()
    title = plan_items(SEED_PLAN, "so-tu-phap")[1][1]
    assert texts[texts.index(f"2. {title}") + 1] == "Về tuyên truyền."


def test_a_form_result_for_a_number_the_units_plan_lacks_is_refused_with_its_field(tmp_path):
    client = web_client(create_app(Settings(work_dir=tmp_path / "web")))
    beyond = len(plan_items(SEED_PLAN, "so-tu-phap")) + 1
    response = client.post("/plans/gia-lai-2021--ke-hoach-dan-van-2021/units/so-tu-phap/report",
                           params={"period": "6-thang"}, data={"format": "docx", f"result.{beyond}": "Thêm."})
    assert response.status_code == 400
    # named by its label (the field path stays out of the page)
    assert f"nội dung «{beyond}» không có trong kế hoạch cụ thể hóa của đơn vị" in response.text
    assert "result." not in response.text.split('class="error"')[1]


# ---------------------------------------------------------------- consolidation per parent item

OWN_TASK = "Phổ biến, giáo dục pháp luật về thực hiện dân chủ ở cơ sở"


@pytest.fixture
def with_an_own_task(monkeypatch):
    """Sở Tư pháp's sub-plan with a task of its own as item 2 (the parent's items after it move down one)."""
    real = subplan_module.subplan

    def subplan_with_task(unit_id, context):
        document = real(unit_id, context)
        if unit_id != "so-tu-phap":
            return document
        data = document.model_dump(exclude_none=True)
        section = next(s for s in data["sections"] if s.get("id") == "noi-dung")
        section["items"].insert(1, {"id": "rieng-pho-bien-phap-luat", "title": OWN_TASK,
                                    "paragraphs": ["Chủ trì tổ chức phổ biến, giáo dục pháp luật."]})
        return Document.model_validate(data)

    monkeypatch.setattr("generator.reports.subplan", subplan_with_task)


def test_consolidation_puts_each_result_under_its_parent_item_and_own_tasks_last(with_an_own_task, tmp_path):
    folder = tmp_path / "ket-qua"
    folder.mkdir()
    (folder / "so-tu-phap.yaml").write_text(
        "unit: so-tu-phap\nperiod: 6-thang\nindicators: {hoi-nghi-quan-triet: 2, luot-nguoi-tham-du: 150}\n"
        "texts:\n  results:\n    '1': STP quán triệt.\n    '2': STP phổ biến pháp luật.\n"
        "    '3': STP tuyên truyền.\n", encoding="utf-8")
    results_templates(SEED_PLAN, "6-thang", folder, units=["ubnd-huyen-chu-se"])
    workbook = load_workbook(folder / "ubnd-huyen-chu-se.xlsx")
    workbook["Chỉ tiêu"]["D6"], workbook["Chỉ tiêu"]["D7"] = 3, 400
    texts_sheet = workbook["Nội dung"]
    for row in range(6, texts_sheet.max_row + 1):
        if (texts_sheet.cell(row=row, column=2).value or "").startswith("Kết quả: 2. "):
            texts_sheet.cell(row=row, column=3, value="Chư Sê tuyên truyền.")
        if (texts_sheet.cell(row=row, column=2).value or "").startswith("Ngày báo cáo"):
            texts_sheet.cell(row=row, column=3, value=dt.datetime(2021, 5, 5))
    workbook.save(folder / "ubnd-huyen-chu-se.xlsx")

    # the unit's own report numbers the task as its plan does
    unit_reports(SEED_PLAN, "6-thang", tmp_path / "out", results_dir=folder, units=["so-tu-phap"])
    own = DocxFacts(report_path(tmp_path / "out", SEED_PLAN, "so-tu-phap")).texts()
    assert own[own.index(f"2. {OWN_TASK}") + 1] == "STP phổ biến pháp luật."
    assert own[own.index("3. Công tác thông tin, tuyên truyền") + 1] == "STP tuyên truyền."

    result = consolidate(SEED_PLAN, "6-thang", folder, tmp_path)
    assert result.report.ok and result.reported == ["so-tu-phap", "ubnd-huyen-chu-se"]
    texts = DocxFacts(result.docx).texts()
    headings = results_headings(texts)
    parent = parent_items(SEED_PLAN)
    assert len(parent) == 9  # the province's nine items, then the units' own tasks
    assert len(headings) == 10 and headings[-1] == "10. Nhiệm vụ riêng của các cơ quan, đơn vị, địa phương"
    assert headings[:9] == [f"{n}. {title}" for n, (_, title) in enumerate(parent, 1)]
    after = lambda heading: texts[texts.index(heading) + 1:texts.index(heading) + 3]  # noqa: E731
    assert after(headings[0])[0] == "- Sở Tư pháp: STP quán triệt."
    # (bodies named in full, issue 15: was "- UBND huyện Chư Sê: …")
    assert after(headings[1]) == ["- Sở Tư pháp: STP tuyên truyền.", "- Ủy ban nhân dân huyện Chư Sê: Chư Sê tuyên truyền."]
    assert headings[1] == "2. Công tác thông tin, tuyên truyền" and parent[1][0] == "tuyen-truyen"
    assert after(headings[-1])[0] == f"- Sở Tư pháp ({OWN_TASK[0].lower() + OWN_TASK[1:]}): STP phổ biến pháp luật."
    text = "\n".join(texts)
    assert "- Hội nghị quán triệt, triển khai: 5 hội nghị;" in text  # the totals do not change
    assert "- Lượt người tham dự hội nghị: 550 lượt người;" in text


def test_without_own_task_results_there_is_no_own_task_part(tmp_path):
    folder = tmp_path / "ket-qua"
    folder.mkdir()
    (folder / "so-tu-phap.yaml").write_text(
        "unit: so-tu-phap\nperiod: 6-thang\ntexts:\n  results:\n    '1': STP quán triệt.\n", encoding="utf-8")
    texts = DocxFacts(consolidate(SEED_PLAN, "6-thang", folder, tmp_path).docx).texts()
    headings = results_headings(texts)
    assert not any("Nhiệm vụ riêng" in h for h in headings)
    assert headings == [f"{n}. {title}" for n, (_, title) in enumerate(parent_items(SEED_PLAN), 1)]


def test_the_xas_workbook_round_trips_into_its_report(tmp_path):
    folder = tmp_path / "ket-qua"
    path = results_templates(PLAN_2026, "6-thang", folder, units=["ubnd-xa-ia-o"])[0]
    items = plan_items(PLAN_2026, "ubnd-xa-ia-o")
    workbook = load_workbook(path)
    sheet = workbook["Nội dung"]
    last = f"Kết quả: {len(items)}. "
    for row in range(6, sheet.max_row + 1):
        if (sheet.cell(row=row, column=2).value or "").startswith(last):
            sheet.cell(row=row, column=3, value="Xã đã thực hiện.")
    buffer = io.BytesIO()
    workbook.save(buffer)
    path.write_bytes(buffer.getvalue())
    result = unit_reports(PLAN_2026, "6-thang", tmp_path / "out", results_dir=folder, units=["ubnd-xa-ia-o"])
    assert result.exit_code == 0
    report = report_path(tmp_path / "out", PLAN_2026, "ubnd-xa-ia-o")
    texts = DocxFacts(report).texts()
    assert texts[texts.index(f"{len(items)}. {items[-1][1]}") + 1] == "Xã đã thực hiện."
    assert check_docx(report).ok


def test_the_real_own_tasks_of_so_tu_phap_are_consolidated_in_the_last_part(tmp_path):
    items = plan_items(SEED_PLAN, "so-tu-phap")
    parent_ids = [item_id for item_id, _ in parent_items(SEED_PLAN)]
    own = next((n, title) for n, (item_id, title) in enumerate(items, 1) if item_id not in parent_ids)
    so_ket = next(n for n, (item_id, _) in enumerate(items, 1) if item_id == "so-ket-tong-ket")
    folder = tmp_path / "ket-qua"
    folder.mkdir()
    (folder / "so-tu-phap.yaml").write_text(
        f"unit: so-tu-phap\nperiod: 6-thang\ntexts:\n  results:\n    '{own[0]}': Đã hòa giải 12 vụ việc.\n"
        f"    '{so_ket}': Sẽ sơ kết vào tháng 6/2021.\n", encoding="utf-8")
    result = consolidate(SEED_PLAN, "6-thang", folder, tmp_path)
    assert result.report.ok
    texts = DocxFacts(result.docx).texts()
    headings = results_headings(texts)
    assert headings[-1] == f"{len(parent_ids) + 1}. Nhiệm vụ riêng của các cơ quan, đơn vị, địa phương"
    assert texts[texts.index(headings[-1]) + 1] == \
        f"- Sở Tư pháp ({own[1][0].lower() + own[1][1:]}): Đã hòa giải 12 vụ việc."
    assert texts[texts.index(headings[parent_ids.index("so-ket-tong-ket")]) + 1] == \
        "- Sở Tư pháp: Sẽ sơ kết vào tháng 6/2021."
