"""The công văn đôn đốc (vanban remind): one công văn of the consolidator to the units that have not reported."""

from __future__ import annotations

import pytest

from generator.cascade.subplan import issuing_units, load_context
from generator.check import check_docx
from generator.cli import main
from generator.loading import load_plan
from generator.pipeline import remind

from conftest import SEED_PLAN, DocxFacts
from test_crash_safety import resave_as_word

LOADED = load_plan(SEED_PLAN)
UNITS = issuing_units(load_context(LOADED))
FILLED = ["so-noi-vu", "so-tu-phap", "so-y-te"]  # the consolidator's own results among the three


def write_results(folder, unit_id: str, extra: str = "") -> None:
    folder.mkdir(exist_ok=True)
    (folder / f"{unit_id}.yaml").write_text(
        f"unit: {unit_id}\nperiod: 6-thang\nindicators:\n  hoi-nghi-quan-triet: 2\n{extra}", encoding="utf-8")


@pytest.fixture(scope="module")
def three_of_forty(tmp_path_factory):
    base = tmp_path_factory.mktemp("remind")
    for unit_id in FILLED:
        write_results(base / "ket-qua", unit_id,
                      "report: {number: 5, date: 12/5/2021}\n" if unit_id == "so-y-te" else "")
    result = remind(SEED_PLAN, "6-thang", base / "ket-qua", base / "out")
    return result, DocxFacts(result.docx)


def kinh_gui_names(facts: DocxFacts) -> list[str]:
    texts = [t.strip() for t in facts.texts()]
    start = texts.index("Kính gửi:") + 1
    lines = []
    for text in texts[start:]:
        if not text.startswith("- "):
            break
        lines.append(text)
    assert all(line.endswith(";") for line in lines[:-1]) and lines[-1].endswith(".")
    return [line[2:].rstrip(";.") for line in lines]


def test_kinh_gui_names_exactly_the_37_missing_units_in_full_one_per_line(three_of_forty):
    result, facts = three_of_forty
    missing = [u for u in UNITS if u not in FILLED]
    assert len(UNITS) == 40 and len(missing) == 37
    assert result.missing == missing
    assert kinh_gui_names(facts) == [LOADED.registry.unit(u).name for u in missing]
    assert "Ủy ban nhân dân thành phố Pleiku" in kinh_gui_names(facts)  # full names, not "UBND …"


def test_the_cong_van_passes_the_check_and_has_the_cong_van_layout(three_of_forty):
    result, facts = three_of_forty
    assert result.report.ok and check_docx(result.docx).ok
    texts = [t.strip() for t in facts.texts()]
    assert "SỞ NỘI VỤ" in texts and "Số:      /SNV" in texts
    # no tên loại line; the trích yếu "V/v …" right under the số, 12–13 pt, upright, not bold
    assert "CÔNG VĂN" not in texts and not any(t in ("BÁO CÁO", "KẾ HOẠCH") for t in texts)
    so = texts.index("Số:      /SNV")
    assert texts[so + 1] == ("V/v đôn đốc báo cáo kết quả thực hiện Kế hoạch triển khai công tác dân vận năm 2021 "
                             "chủ đề “Đẩy mạnh thực hiện Quy chế dân chủ ở cơ sở” 6 tháng đầu năm 2021")
    formats = facts.run_formats(facts.paragraphs[so + 1])
    assert formats and all(12 <= f.size_pt <= 13 and not f.bold and not f.italic for f in formats)
    assert any(t.startswith("Gia Lai, ngày") and t.endswith("năm 2021") for t in texts)


def test_the_body_cites_the_plan_the_period_the_deadline_counts_and_asks_by_the_new_date(three_of_forty):
    result, facts = three_of_forty
    body = "\n".join(facts.texts())
    assert "Thực hiện Kế hoạch số …/KH-UBND ngày …/…/2021 của Ủy ban nhân dân tỉnh Gia Lai về triển khai" in body
    # counted as the consolidated report counts: the 39 units that send to Sở Nội vụ, 2 of which reported
    assert "đã nhận được báo cáo của 2/39 cơ quan, đơn vị, địa phương" in body
    # the period's reporting regime: data window, to whom, how
    assert ("6 tháng đầu năm 2021 (số liệu tính từ ngày 15/12/2020 đến ngày 30/4/2021) về Ủy ban nhân dân tỉnh (qua "
            "Sở Nội vụ) qua Hệ thống quản lý văn bản và điều hành trước ngày 10/5/2021") in " ".join(body.split())
    assert "về Sở Nội vụ qua Hệ thống quản lý văn bản và điều hành trước ngày 15/5/2021" in " ".join(body.split())
    assert "trước ngày 15/5/2021" in body  # default: the deadline + 5 days
    # the late one, in a separate sentence, not in Kính gửi; it receives the công văn through Nơi nhận
    assert "gửi báo cáo nhưng sau thời hạn (10/5/2021): Sở Y tế;" in body
    assert result.late == ["so-y-te"] and "Sở Y tế" not in kinh_gui_names(facts)
    texts = [t.strip() for t in facts.texts()]
    noi_nhan = texts[texts.index("Nơi nhận:") + 1:]
    # both files of the fixture leave required answers empty: named for completing, Sở Tư pháp asked to complete
    assert ("còn thiếu nội dung, số liệu theo đề cương: Sở Tư pháp; Sở Y tế; đề nghị các cơ quan, đơn vị, địa "
            "phương này rà soát, bổ sung và gửi lại trước ngày 15/5/2021") in " ".join(body.split())
    assert result.incomplete == ["so-tu-phap", "so-y-te"]
    assert noi_nhan[:5] == ["- Như trên;", "- Giám đốc, các Phó Giám đốc Sở;", "- Sở Y tế (để biết, thực hiện);",
                            "- Sở Tư pháp (để bổ sung báo cáo);", "- Lưu: VT, XDCQ&CTTN."]
    assert "GIÁM ĐỐC" in texts
    assert "Sở Nội vụ đề nghị các cơ quan, đơn vị, địa phương quan tâm, phối hợp thực hiện./." in texts


def test_the_consolidator_never_writes_to_itself(tmp_path):
    write_results(tmp_path / "ket-qua", "so-tu-phap")
    result = remind(SEED_PLAN, "6-thang", tmp_path / "ket-qua", tmp_path / "out", by="20/5/2021")
    assert "so-noi-vu" not in result.missing and len(result.missing) == 38
    assert "Sở Nội vụ" not in kinh_gui_names(DocxFacts(result.docx))
    assert "trước ngày 20/5/2021" in "\n".join(DocxFacts(result.docx).texts())


def test_two_runs_are_byte_identical(tmp_path, three_of_forty):
    result, _ = three_of_forty
    again = remind(SEED_PLAN, "6-thang", result.docx.parent.parent / "ket-qua", tmp_path)
    assert again.docx.read_bytes() == result.docx.read_bytes()


def run(capsys, *args):
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_writes_one_cong_van_and_says_so(tmp_path, capsys):
    for unit_id in FILLED:
        write_results(tmp_path / "ket-qua", unit_id)
    code, out, err = run(capsys, "remind", str(SEED_PLAN), "--period", "6-thang", "--results",
                         str(tmp_path / "ket-qua"), "-o", str(tmp_path / "out"), "--by", "15/5/2021")
    assert code == 0, err
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["cong-van-don-doc-6-thang-ke-hoach-dan-van-2021.docx"]
    assert "Đã báo cáo: 2/39 đơn vị" in out and "gửi 37 đơn vị chưa báo cáo" in out and "15/5/2021" in out


def test_cli_when_every_unit_reported_writes_nothing_and_says_so(tmp_path, capsys):
    for unit_id in UNITS:
        write_results(tmp_path / "ket-qua", unit_id)
    code, out, err = run(capsys, "remind", str(SEED_PLAN), "--period", "6-thang", "--results",
                         str(tmp_path / "ket-qua"), "-o", str(tmp_path / "out"))
    assert code == 0, err
    assert "Tất cả các đơn vị đã gửi báo cáo; không cần công văn đôn đốc." in out
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


@pytest.mark.parametrize("by, message", [("32/5/2021", "ngày 32/5/2021 không tồn tại"),
                                         ("mai", "«mai» không phải ngày hợp lệ"),
                                         ("05/5/2021", "phải sau hạn báo cáo của kỳ")])
def test_cli_a_bad_new_date_is_bad_input(tmp_path, capsys, by, message):
    write_results(tmp_path / "ket-qua", "so-tu-phap")
    code, out, err = run(capsys, "remind", str(SEED_PLAN), "--period", "6-thang", "--results",
                         str(tmp_path / "ket-qua"), "-o", str(tmp_path / "out"), "--by", by)
    assert code == 2 and message in err and "--by" in err
    assert not (tmp_path / "out").exists()


def test_cli_bad_period_and_missing_results_folder_are_bad_input(tmp_path, capsys):
    code, _, err = run(capsys, "remind", str(SEED_PLAN), "--period", "quy-1", "--results", str(tmp_path),
                       "-o", str(tmp_path / "out"))
    assert code == 2 and "kỳ báo cáo «quy-1» không có trong kế hoạch" in err
    code, _, err = run(capsys, "remind", str(SEED_PLAN), "--period", "6-thang", "--results",
                       str(tmp_path / "khong-co"), "-o", str(tmp_path / "out"))
    assert code == 2 and "không tìm thấy thư mục kết quả" in err


def test_an_edited_cong_van_is_kept_unless_force(tmp_path, capsys):
    write_results(tmp_path / "ket-qua", "so-tu-phap")
    args = ["remind", str(SEED_PLAN), "--period", "6-thang", "--results", str(tmp_path / "ket-qua"),
            "-o", str(tmp_path / "out")]
    assert run(capsys, *args)[0] == 0
    target = tmp_path / "out" / "cong-van-don-doc-6-thang-ke-hoach-dan-van-2021.docx"
    resave_as_word(target)
    edited = target.read_bytes()
    code, _, err = run(capsys, *args)
    assert code == 1 and "đã được sửa bằng phần mềm khác" in err and "--force" in err
    assert target.read_bytes() == edited
    assert run(capsys, *args, "--force")[0] == 0 and target.read_bytes() != edited


def test_the_checker_reads_the_cong_van_layout(three_of_forty):
    """No tên loại, the trích yếu "V/v …" under the số (Phụ lục I, mục II.5.b): the checker finds it and judges it
    as a công văn's, nothing left unobservable."""
    result, _ = three_of_forty
    report = check_docx(result.docx)
    status = {r.rule.id: r.outcome.status for r in report.results}
    assert status["trich-yeu.dinh-dang"] == status["trich-yeu.chu-thuong"] == "đạt"
    assert status["ten-loai.dinh-dang"] == status["so.loai-van-ban"] == status["trich-yeu.duong-ke"] == "không áp dụng"
    assert not report.unobservable


def test_a_bold_14_pt_italic_cong_van_trich_yeu_is_flagged(three_of_forty, tmp_path):
    import zipfile

    result, _ = three_of_forty
    with zipfile.ZipFile(result.docx) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    style = parts["word/styles.xml"].decode("utf-8")
    start = style.index('w:styleId="VBTrichYeuCongVan"')
    end = style.index("</w:style>", start)
    parts["word/styles.xml"] = (style[:start] + style[start:end].replace('w:val="24"', 'w:val="28"')
                                .replace("<w:rPr>", "<w:rPr><w:i/>") + style[end:]).encode("utf-8")
    changed = tmp_path / "sua.docx"
    with zipfile.ZipFile(changed, "w") as package:
        for name, data in parts.items():
            package.writestr(name, data)
    failed = {r.rule.id: r for r in check_docx(changed).errors}
    assert "trich-yeu.dinh-dang" in failed
    assert "cỡ chữ 14" in str(failed["trich-yeu.dinh-dang"].outcome.violations[0])


def test_a_complete_report_is_not_asked_to_be_completed(tmp_path):
    from generator.reports import unit_items
    from generator.cascade.subplan import load_context as context_of

    items = unit_items(context_of(LOADED), "so-tu-phap")
    indicators = "".join(f"  {i.id}: 1\n" for i in LOADED.plan.cascade.indicators)
    results = "".join(f'    "{n}": Đã thực hiện.\n' for n in range(1, len(items) + 1))
    (tmp_path / "ket-qua").mkdir()
    (tmp_path / "ket-qua" / "so-tu-phap.yaml").write_text(
        "unit: so-tu-phap\nperiod: 6-thang\nreport: {number: 5, date: 05/5/2021}\n"
        "signer: {name: Nguyễn Văn A, role: head}\nindicators:\n" + indicators +
        "texts:\n  leadership: Đã chỉ đạo.\n  results:\n" + results +
        "  strengths: Kịp thời.\n  weaknesses: Không.\n  next_steps: Tiếp tục.\n  proposals: Không.\n",
        encoding="utf-8")
    result = remind(SEED_PLAN, "6-thang", tmp_path / "ket-qua", tmp_path / "out")
    assert result.reported == ["so-tu-phap"] and result.incomplete == []
    body = " ".join("\n".join(DocxFacts(result.docx).texts()).split())
    assert "còn thiếu nội dung" not in body
