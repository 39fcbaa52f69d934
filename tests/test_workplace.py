"""generator/workplace.py on a temporary store: upload, review, correct, publish, a unit's sub-plan and reports,
the board, returning a report, the consolidated report from the database, and a store opened again."""

from __future__ import annotations

import datetime as dt
import io
import shutil

import pytest
import yaml
from docx import Document

from generator import workplace
from generator.errors import InputError
from generator.store import accounts, connect
from generator.store import reports as report_rows

from conftest import SEED_PLAN, UNITS

PASSWORD = "mat-khau-du-dai-2021"
CITATION = "Kế hoạch số 58/KH-UBND ngày 10/3/2021"


def _text(data: bytes) -> str:
    body = Document(io.BytesIO(data)).element.body
    return " ".join(t.text or "" for t in body.iter("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t"))


@pytest.fixture
def store(tmp_path):
    opened = connect(folder=tmp_path / "state")
    yield opened
    opened.close()


@pytest.fixture
def users(store):
    with store.session() as s:
        return {"admin": accounts.create_user(s, "vanphong", PASSWORD, "admin"),
                "so-tu-phap": accounts.create_user(s, "tuphap", PASSWORD, "unit", "so-tu-phap"),
                "ubnd-huyen-chu-se": accounts.create_user(s, "chuse", PASSWORD, "unit", "ubnd-huyen-chu-se")}


def _seed(store, users):
    return workplace.upload_plan(store, users["admin"], SEED_PLAN.read_bytes(), ".yaml", registry=UNITS.resolve())


def _form(view, **changes) -> dict:
    form = {"version": str(view.plan.version), "issuer": [c.id for c in view.issuers if c.checked],
            "consolidator": view.consolidator}
    for row in view.rows:  # as the browser sends the table: a select per cell, the box when ticked
        form.update({f"mark.{row.position}.{c.id}": row.marks.get(c.id, "") for c in view.columns})
        if row.everyone:
            form[f"everyone.{row.position}"] = "1"
    for period in view.periods:
        form[f"period.{period.position}.name"] = period.name
        form[f"period.{period.position}.deadline"] = f"{period.deadline.day}/{period.deadline.month}/{period.deadline.year}"
    form.update(changes)
    return form


def _published(store, users, **changes):
    plan = _seed(store, users)
    view = workplace.review(store, plan)
    workplace.correct(store, plan, _form(view, **changes), users["admin"])
    return workplace.publish(store, plan, "58", "10/3/2021", users["admin"])


def test_an_uploaded_word_plan_keeps_its_source_and_review_list(store, users, seed_output):
    plan = workplace.upload_plan(store, users["admin"], seed_output.read_bytes(), ".docx")
    assert plan.status == "draft" and plan.version == 1 and plan.registry_name == "gia-lai-2021/units"
    assert plan.review and any("Sở Nội vụ" in line for line in plan.review)
    view = workplace.review(store, plan)
    assert len(view.units) == 40 and view.consolidator == "so-noi-vu"
    assert [p.id for p in view.periods] == ["6-thang", "nam"]
    assert view.rows and all(row.everyone for row in view.rows)  # an imported plan assigns no item
    with store.session() as s:
        entry = [e for e in workplace.audit.entries(s) if e.action == "plan.upload"]
    assert entry and entry[0].target == f"plan:{plan.id}"


def test_the_review_shows_items_by_units_with_lead_and_support(store, users):
    view = workplace.review(store, _seed(store, users))
    columns = [c.id for c in view.columns]
    assert columns[:6] == ["co-quan-chuyen-mon", "co-quan-thuoc-ubnd", "ubnd-huyen", "cong-an", "quan-su",
                           "bien-phong"] and "so-noi-vu" in columns
    rows = {row.id: row for row in view.rows}
    assert rows["an-ninh-quoc-phong"].marks == {"cong-an": "lead", "quan-su": "lead", "bien-phong": "lead",
                                                 "ubnd-huyen": "support"}
    assert rows["cai-cach-hanh-chinh"].marks["so-noi-vu"] == "lead" and rows["quan-triet"].everyone
    assert [i.id for i in view.indicators][:2] == ["hoi-nghi-quan-triet", "luot-nguoi-tham-du"]
    assert view.own_tasks and "Sở Nội vụ" in view.own_tasks[0][1]


def test_the_plan_file_is_written_once_per_version(store, users):
    plan = _seed(store, users)
    first = workplace.plan_file(store, plan)
    assert workplace.plan_file(store, plan) == first
    assert yaml.safe_load(first.read_text(encoding="utf-8"))["units"] == "gia-lai-2021/units"
    view = workplace.review(store, plan)
    workplace.correct(store, plan, _form(view, **{"period.1.deadline": "12/5/2021"}), users["admin"])
    second = workplace.plan_file(store, plan)
    assert second != first and "12/5/2021" in second.read_text(encoding="utf-8")


def test_corrections_make_a_validated_version(store, users):
    plan = _seed(store, users)
    view = workplace.review(store, plan)
    marks = {f"mark.1.{c.id}": "" for c in view.columns}
    changes = {"everyone.1": "", "period.1.deadline": "12/5/2021", "period.2.name": "cả năm 2021", **marks,
               "mark.1.ubnd-huyen": "lead", "mark.1.so-noi-vu": "support",
               "indicator.remove": ["doi-thoai"], "indicator.new_name": "Tin, bài tuyên truyền",
               "indicator.new_unit": "tin, bài",
               "issuer": [c.id for c in view.issuers if c.checked and c.id != "bien-phong"]}
    corrected = workplace.correct(store, plan, _form(view, **changes), users["admin"])
    assert corrected.version == 2
    again = workplace.review(store, plan)
    assert again.periods[0].deadline.isoformat() == "2021-05-12" and again.periods[1].name == "cả năm 2021"
    assert again.rows[0].marks == {"ubnd-huyen": "lead", "so-noi-vu": "support"} and not again.rows[0].everyone
    assert "doi-thoai" not in [i.id for i in again.indicators]
    assert ("tin-bai-tuyen-truyen", "tin, bài") in [(i.id, i.unit) for i in again.indicators]
    assert len(again.units) == 39  # Biên phòng no longer issues a sub-plan
    # Sở Tư pháp no longer has item 1 in its own plan
    titles = [item.title for section in workplace.unit_draft(store, plan, "so-tu-phap").document.sections
              for item in section.items if item.title]
    assert not any("Quán triệt, học tập" in str(t) for t in titles)


@pytest.mark.parametrize("changes, message", [
    ({"period.1.deadline": "31/4/2021"}, "Hạn gửi của kỳ «6 tháng đầu năm 2021»: ngày 31/4/2021 không tồn tại"),
    ({"period.1.deadline": "20/4/2021"}, "Kỳ báo cáo «6 tháng đầu năm 2021»"),
    ({"issuer": []}, "Đơn vị phải cụ thể hóa: hãy chọn"),
    ({"consolidator": "khong-co"}, "Đơn vị tổng hợp báo cáo: hãy chọn"),
    ({"indicator.new_name": "Chỉ có tên"}, "Chỉ tiêu mới: hãy điền cả tên chỉ tiêu và đơn vị tính"),
    ({"everyone.1": "", "mark.1.ubnd-huyen": ""}, "Phân công nội dung 1: chưa có đơn vị chủ trì hay phối hợp"),
    ({"version": "7"}, "đã có phiên bản mới"),
])
def test_a_wrong_correction_names_its_label(store, users, changes, message):
    plan = _seed(store, users)
    view = workplace.review(store, plan)
    with pytest.raises(InputError) as caught:
        workplace.correct(store, plan, _form(view, **changes), users["admin"])
    assert message in str(caught.value)
    assert "cascade." not in str(caught.value) and "[0]" not in str(caught.value)
    assert workplace.plan_info(store, plan).version == 1


def test_publishing_writes_the_number_and_date_into_every_sub_plan(store, users):
    plan = _published(store, users)
    assert plan.published and plan.parent_number == 58 and plan.version == 3
    for unit in ("so-tu-phap", "ubnd-huyen-chu-se", "cong-an-tinh"):
        assert CITATION in workplace.unit_draft(store, plan, unit).document.opening[0]
    with pytest.raises(InputError, match="đã ban hành"):
        workplace.publish(store, plan, 59, "11/3/2021", users["admin"])
    view = workplace.review(store, plan)
    with pytest.raises(InputError, match="đã ban hành"):
        workplace.correct(store, plan, _form(view), users["admin"])


@pytest.mark.parametrize("number, date, message", [("0", "10/3/2021", "Số của kế hoạch"), ("58", "", "chưa điền"),
                                                   ("58", "32/3/2021", "Ngày ban hành kế hoạch")])
def test_publishing_needs_a_number_and_a_real_date(store, users, number, date, message):
    plan = _seed(store, users)
    with pytest.raises(InputError, match=message):
        workplace.publish(store, plan, number, date, users["admin"])
    assert not workplace.plan_info(store, plan).published


def test_a_plan_with_its_own_registry_keeps_it_in_the_file_store(store, users, tmp_path):
    own = tmp_path / "rieng" / "units.yaml"
    own.parent.mkdir()
    shutil.copy(UNITS, own)
    plan = workplace.upload_plan(store, users["admin"], SEED_PLAN.read_bytes(), ".yaml", registry=own)
    shutil.rmtree(own.parent)
    assert plan.registry_name.startswith("file:")
    path = workplace.plan_file(store, plan)
    assert (path.parent / "units.yaml").is_file()
    assert len(workplace.review(store, plan).units) == 40


def test_a_unit_saves_and_issues_its_sub_plan(store, users):
    plan = _published(store, users)
    unit, user = "so-tu-phap", users["so-tu-phap"]
    with pytest.raises(InputError, match="số và ngày|Số văn bản"):
        workplace.issue_subplan(store, plan, unit, user, pdf=False)
    with pytest.raises(InputError):
        workplace.save_subplan_fields(store, plan, unit, {"number": "12", "date": "30/2/2021"}, user)
    draft = workplace.save_subplan_fields(store, plan, unit, {
        "number": "12", "date": "15/3/2021", "signer_name": "Nguyễn Văn B", "signer_role": "deputy",
        "extra_recipients": "Ban Dân vận Tỉnh ủy\n"}, user)
    assert draft.number == 12 and draft.form["date"] == "15/3/2021" and not draft.issued
    issued = workplace.issue_subplan(store, plan, unit, user, pdf=False)
    assert issued.issued and issued.issued_at is not None
    text = _text(workplace.issued_file(store, plan, unit))
    assert "Số: 12/KH-STP" in text and CITATION in text and "KT. GIÁM ĐỐC" in text and "Ban Dân vận Tỉnh ủy" in text
    with pytest.raises(InputError, match="đã ban hành"):
        workplace.save_subplan_fields(store, plan, unit, {"number": "13", "date": "15/3/2021"}, user)
    assert workplace.issued_subplans(store, plan)[unit]["issued"]
    with pytest.raises(InputError, match="không phải xây dựng"):
        workplace.unit_draft(store, plan, "ubnd-tinh")


def test_nothing_is_issued_or_submitted_before_the_plan_is_published(store, users):
    plan = _seed(store, users)
    with pytest.raises(InputError, match="chưa được Văn phòng ban hành"):
        workplace.submit_report(store, plan, "so-tu-phap", "6-thang", fields={"leadership": "x"},
                                user=users["so-tu-phap"])


def _report(store, plan, unit, users, **fields):
    base = {"indicator.hoi-nghi-quan-triet": "3", "indicator.luot-nguoi-tham-du": "120", "date": "05/5/2021",
            "signer_name": "Nguyễn Văn B", "leadership": "Đã quán triệt đến công chức."}
    return workplace.submit_report(store, plan, unit, "6-thang", fields={**base, **fields}, user=users[unit])


def test_reports_are_versioned_reviewed_and_consolidated(store, users, monkeypatch):
    # the reports reach the Văn phòng on 5/5/2021 at 23:30 in Vietnam: before the deadline of 10/5/2021
    monkeypatch.setattr(report_rows, "utcnow", lambda: dt.datetime(2021, 5, 5, 16, 30, tzinfo=dt.UTC))
    plan = _published(store, users)
    unit = "so-tu-phap"
    workplace.save_subplan_fields(store, plan, unit, {"number": "12", "date": "15/3/2021"}, users[unit])
    workplace.issue_subplan(store, plan, unit, users[unit], pdf=False)
    page = workplace.report_page(store, plan, unit, "6-thang")
    assert page.subplan_number == 12 and page.subplan_date.isoformat() == "2021-03-15" and not page.history
    first = _report(store, plan, unit, users)
    assert first.version == 1 and not first.late and first.results["sub_plan"] == {"number": 12, "date": "2021-03-15"}
    with pytest.raises(InputError, match="chưa có số liệu hay nội dung"):
        workplace.submit_report(store, plan, unit, "6-thang", fields={}, user=users[unit])
    with pytest.raises(InputError):
        _report(store, plan, unit, users, **{"indicator.tiep-cong-dan": "-2"})
    _report(store, plan, "ubnd-huyen-chu-se", users, **{"indicator.luot-nguoi-tham-du": "400"})
    board = workplace.board(store, plan, "6-thang")
    assert (board.reported, board.total, board.count("missing"), board.late) == (2, 39, 37, 0)
    row = next(r for r in board.rows if r.unit_id == unit)
    assert row.state == "submitted" and row.subplan["number"] == 12
    with pytest.raises(InputError, match="Lý do trả lại"):
        workplace.review_submission(store, plan, first.id, "returned", " ", users["admin"])
    workplace.review_submission(store, plan, first.id, "returned", "Thiếu số liệu tiếp công dân", users["admin"])
    # a returned report does not count until the unit sends it again
    _, made = workplace.consolidated(store, plan, "6-thang")
    assert made.reported == ["ubnd-huyen-chu-se"] and unit in made.missing
    again = _report(store, plan, unit, users, **{"indicator.tiep-cong-dan": "9"})
    assert again.version == 2
    assert [h.status for h in workplace.history(store, plan, unit, "6-thang")] == ["returned", "submitted"]
    assert workplace.report_page(store, plan, unit, "6-thang").values["indicator.tiep-cong-dan"] == "9"
    data, made = workplace.consolidated(store, plan, "6-thang")
    assert sorted(made.reported) == ["so-tu-phap", "ubnd-huyen-chu-se"] and len(made.missing) == 37
    text = _text(data)
    assert "520" in text and "Sở Tài chính" in text and "2/39" in text
    # the same store opened again: everything is there
    reopened = connect(folder=store.files.root.parent)
    try:
        assert workplace.board(reopened, plan, "6-thang").reported == 2
        assert len(workplace.history(reopened, plan, unit, "6-thang")) == 2
        assert workplace.plan_info(reopened, plan).parent_number == 58
    finally:
        reopened.close()


def test_a_late_report_is_named_late(store, users):
    plan = _published(store, users)  # deadline 10/5/2021: any report sent today is late
    submitted = _report(store, plan, "so-tu-phap", users)  # though the report itself is dated 05/5/2021
    assert submitted.late
    assert workplace.board(store, plan, "6-thang").late == 1
    # the consolidated report says so too: the day it was sent counts, not the date written on it
    _, made = workplace.consolidated(store, plan, "6-thang")
    assert made.late == ["so-tu-phap"]


@pytest.mark.parametrize("utc, late", [((2021, 5, 10, 16, 59), False), ((2021, 5, 10, 17, 0), True)])
def test_late_means_after_the_deadline_day_in_vietnam(utc, late):
    assert workplace._late(dt.datetime(*utc, tzinfo=dt.UTC), dt.date(2021, 5, 10)) is late
