"""The corpus of bad inputs (tests/bad_inputs/cases.yaml): every case gets one clear Vietnamese error that
names its file, line (or sheet and cell) and field, exit code 2, no traceback, and no file written.
And the inputs that look dangerous but are fine (& < > " ', NFD text, 010) render exactly as typed."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
import yaml

from generator.cli import main

from conftest import DocxFacts

BAD = Path(__file__).parent / "bad_inputs"
CASES = yaml.safe_load((BAD / "cases.yaml").read_text(encoding="utf-8"))
VALID_PLAN = BAD / "plans" / "hop-le.yaml"


def command(case: dict, out: Path) -> list[str]:
    source = str(BAD / case["input"])
    return {
        "render": ["render", source, "-o", str(out)],
        "cascade": ["cascade", source, "-o", str(out), "--workers", "1"],
        "report": ["report", str(VALID_PLAN), "--period", "6-thang", "--results", source, "-o", str(out),
                   "--workers", "1"],
        "check": ["check", source],
        "import": ["import", source, "-o", str(out / "ke-hoach.yaml")],
    }[case["run"]]


def line_of(path: Path, needle: str) -> int:
    """The line where ``needle`` (which may span lines) starts; lines end at \n only, as in YAML."""
    text = path.read_text(encoding="utf-8")
    assert needle in text, needle
    return text[: text.index(needle)].count("\n") + 1


def test_the_corpus_has_at_least_forty_cases_of_every_kind_the_issue_names():
    assert len(CASES) >= 40 and len({c["id"] for c in CASES}) == len(CASES)
    kinds = {c["kind"] for c in CASES}
    for kind in ("Cú pháp YAML", "Kiểu dữ liệu", "Thiếu trường", "Trường lạ", "Ngày không tồn tại", "Hạn ngoài kỳ",
                 "Đơn vị chưa khai báo", "Mã lặp", "Số viết thành chữ", "Số liệu", "Ký tự điều khiển", "Quá dài",
                 "Mục rỗng", "Bảng mã cũ", "Emoji", "Mẫu văn bản", "Tệp Word", "Tệp Excel"):
        assert kind in kinds, kind


def test_the_valid_plan_the_cases_are_made_from_renders_cleanly(tmp_path, capsys):
    assert main(["render", str(VALID_PLAN), "-o", str(tmp_path)]) == 0
    assert main(["cascade", str(VALID_PLAN), "-o", str(tmp_path / "c"), "--workers", "1"]) == 0


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_bad_input_gets_one_clear_located_vietnamese_error_and_writes_nothing(case, tmp_path, capsys, monkeypatch):
    if "templates" in case:
        monkeypatch.setenv("VANBAN_TEMPLATES", str(BAD / case["templates"]))
    out = tmp_path / "out"
    code = main(command(case, out))
    captured = capsys.readouterr()
    err = captured.err
    assert code == 2, err
    assert err.startswith("Lỗi: ") and "Traceback" not in err and "Error" not in err, err

    named = (BAD / case.get("file", case["input"])).resolve()
    where = f"tệp {named}"
    if "at" in case:
        where += f", dòng {line_of(named, case['at'])}"
    if "sheet" in case:
        where += f", trang tính «{case['sheet']}», ô {case['cell']}"
    if "field" in case:
        where += f", trường «{case['field']}»"
    assert where in err, err
    if "tag" in case:
        assert f"thẻ «{case['tag']}»" in err, err
    for words in case["says"]:
        assert words in err, err

    assert not out.exists() or not any(out.rglob("*")), sorted(out.rglob("*"))


# ---------------------------------------------------------------- inputs that only look dangerous

def edited_plan(tmp_path: Path, *edits: tuple[str, str]) -> Path:
    text = VALID_PLAN.read_text(encoding="utf-8").replace("units: ../../../data", f"units: {BAD.parents[1]}/data")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    plan = tmp_path / "ke-hoach.yaml"
    plan.write_text(text, encoding="utf-8")
    return plan


def render(plan: Path, out: Path) -> DocxFacts:
    assert main(["render", str(plan), "-o", str(out)]) == 0
    return DocxFacts(next(out.glob("*.docx")))


SPECIALS = """A & B <C> "D" 'E' ]]> {{ x }} {% y %}"""


def test_xml_and_template_special_characters_in_every_kind_of_text_field_come_out_as_typed(tmp_path, capsys):
    quoted = json.dumps(SPECIALS, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar
    plan = edited_plan(
        tmp_path,
        ("  title: Triển khai công tác dân vận năm 2021", f"  title: {quoted}"),
        ('    - "Ủy ban nhân dân tỉnh ban hành Kế hoạch triển khai công tác dân vận năm 2021 như sau:"', f"    - {quoted}"),
        ("    - title: Nội dung thực hiện", f"    - title: {quoted}"),
        ("            - Thực hiện nghiêm Quy chế dân chủ ở cơ sở trong cơ quan hành chính nhà nước.", f"            - {quoted}"),
        ("    name: Nguyễn Văn A", "    name: Nguyễn Văn <A> & \"B\""),
        ("    - {to: Bộ Nội vụ, purpose: báo cáo}", f"    - {{to: {quoted}, purpose: báo cáo}}"),
    )
    facts = render(plan, tmp_path / "out")
    texts = facts.texts()
    assert texts.count(SPECIALS) >= 2  # opening and paragraph
    assert SPECIALS in texts  # the trích yếu
    assert any(SPECIALS.upper() in t for t in texts)  # the mục title, in capitals
    assert "Nguyễn Văn <A> & \"B\"" in texts
    assert any(SPECIALS in t for t in texts if t.startswith("- "))
    assert main(["check", str(next((tmp_path / "out").glob("*.docx")))]) == 0


def test_decomposed_unicode_nfd_is_stored_composed_nfc(tmp_path, capsys):
    title = "Triển khai công tác dân vận năm 2021"
    plan = edited_plan(tmp_path, (f"  title: {title}", f"  title: {unicodedata.normalize('NFD', title)}"))
    facts = render(plan, tmp_path / "out")
    assert title in facts.texts()
    body = "\n".join(facts.texts())
    assert body == unicodedata.normalize("NFC", body)


def test_a_number_with_a_leading_zero_is_read_as_the_decimal_number(tmp_path, capsys):
    plan = edited_plan(tmp_path, ("  number: 12", "  number: 010"))
    facts = render(plan, tmp_path / "out")
    assert any(t.startswith("Số: 10/KH-UBND") for t in facts.texts())
