"""`vanban render` from the command line: output, Vietnamese errors with locations, exit codes."""

from __future__ import annotations

import subprocess
import sys

import pytest

from generator.cli import main

from conftest import SEED_PLAN


def run(capsys, *args):
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_render_writes_the_docx_and_prints_its_path(capsys, tmp_path):
    code, out, err = run(capsys, "render", SEED_PLAN, "-o", tmp_path)
    assert code == 0 and err == ""
    target = tmp_path / "ke-hoach-dan-van-2021.docx"
    assert out.strip() == str(target) and target.stat().st_size > 5000


def test_rendering_twice_gives_identical_bytes(capsys, tmp_path):
    run(capsys, "render", SEED_PLAN, "-o", tmp_path / "a")
    run(capsys, "render", SEED_PLAN, "-o", tmp_path / "b")
    name = "ke-hoach-dan-van-2021.docx"
    assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_help_is_in_vietnamese():
    result = subprocess.run([sys.executable, "-m", "generator.cli", "render", "--help"],
                            capture_output=True, text=True, env={"COLUMNS": "100", "PATH": ""})
    assert result.returncode == 0
    for words in ("Cách dùng:", "Tùy chọn", "Tham số", "Tạo văn bản .docx", "Hiện hướng dẫn này rồi thoát.",
                  "<đường dẫn>"):
        assert words in result.stdout
    for english in ("<path>", "<bool>", "Usage", "Options", "[default"):
        assert english not in result.stdout
    for english in ("Usage:", "Options", "Show this message"):
        assert english not in result.stdout


def test_unknown_command_suggests_the_right_one(capsys):
    code, _, err = run(capsys, "rendr")
    assert code == 2 and "không có lệnh «rendr»; có phải ý bạn là «render»?" in err


def test_missing_plan_file_is_reported_without_traceback(capsys, tmp_path):
    code, _, err = run(capsys, "render", tmp_path / "khong-co.yaml", "-o", tmp_path)
    assert code == 2 and "không tìm thấy tệp" in err and "Traceback" not in err


def edit(plan, old, new):
    text = plan.read_text(encoding="utf-8")
    assert old in text, old
    plan.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(plan, needle):
    return next(i for i, line in enumerate(plan.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


@pytest.mark.parametrize(("old", "new", "needle", "field", "message"), [
    ("  year: 2021\n", "  year: [2021\n", "year: [2021", None, "dấu «[» mở ở dòng này chưa được đóng"),
    ("  issuer: ubnd-tinh", "  issuer: ubnd-tinh\n\tnumber: 3", "\tnumber", None, "Tab"),
    ("  number:  ", "  number: ba", "number: ba", "document.number", "phải là số nguyên"),
    ("  date:  ", "  date: 31/02/2021", "date: 31/02/2021", "document.date", "ngày 31/02/2021 không tồn tại"),
    ("  title: >-", "  tittle: >-", "tittle:", "document.tittle", "có phải ý bạn là «title»"),
    ("  issuer: ubnd-tinh", "  issuer: ubnd-tinh-x", "issuer: ubnd-tinh-x", "document.issuer", "không có trong sổ đơn vị"),
    ("    role: deputy", "    role: pho", "role: pho", "document.signer.role", "phải là một trong các giá trị"),
    ("  type: KH", "  type: XYZ", "type: XYZ", "document.type", "Phụ lục III"),
    ("  type: KH", "  type: KH\n  type: BC", "type: BC", "document.type", "khóa «type» bị lặp"),
])
def test_bad_plan_data_gets_a_vietnamese_error_with_file_line_and_field_and_writes_nothing(
        capsys, tmp_path, plan_copy, old, new, needle, field, message):
    edit(plan_copy, old, new)
    out_dir = tmp_path / "out"
    code, out, err = run(capsys, "render", plan_copy, "-o", out_dir)
    assert code == 2, err
    assert message in err
    assert f"tệp {plan_copy}" in err and f"dòng {line_of(plan_copy, needle)}" in err, err
    if field:
        assert f"trường «{field}»" in err
    assert "Traceback" not in err and out == ""
    assert not out_dir.exists() or not any(out_dir.iterdir())


def test_a_missing_required_field_is_named_with_the_line_of_its_parent(capsys, tmp_path, plan_copy):
    text = plan_copy.read_text(encoding="utf-8")
    start = text.index("  title: >-")
    end = text.index("  opening:")
    plan_copy.write_text(text[:start] + text[end:], encoding="utf-8")
    code, _, err = run(capsys, "render", plan_copy, "-o", tmp_path / "out")
    assert code == 2 and "trường «document.title»" in err and "thiếu trường bắt buộc" in err
    assert f"dòng {line_of(plan_copy, 'document:')}" in err


def test_all_problems_of_a_file_are_reported_together(capsys, tmp_path, plan_copy):
    edit(plan_copy, "  number:  ", "  number: ba")
    edit(plan_copy, "  date:  ", "  date: 31/02/2021")
    code, _, err = run(capsys, "render", plan_copy, "-o", tmp_path / "out")
    assert code == 2 and "document.number" in err and "document.date" in err


@pytest.mark.parametrize("where", ["before the command", "after the options"])
def test_debug_shows_the_traceback(capsys, tmp_path, plan_copy, where):
    edit(plan_copy, "  number:  ", "  number: ba")
    args = ["render", plan_copy, "-o", tmp_path / "out"]
    args = ["--debug", *args] if where == "before the command" else [*args, "--debug"]
    code, _, err = run(capsys, *args)
    assert code == 2 and "Traceback" in err
