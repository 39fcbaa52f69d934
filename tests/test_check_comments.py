"""`vanban check --comments`: each finding a Word comment on the text it concerns, in Word and LibreOffice."""

from __future__ import annotations

import io
import json
import shutil
import subprocess

import pytest
from docx import Document
from docx.shared import Mm, Pt
from lxml import etree

from generator.check.comments import AUTHOR, INITIALS, comment_document
from generator.cli import main
from generator.ooxml import qn
from generator.web import Settings, create_app

from conftest import requires_soffice, web_client
from handmade import tab_layout

SMALL = "Phát động sâu rộng phong trào trồng cây"  # the content paragraph set in 12 pt


def broken() -> bytes:
    """A conformant plan (tests/handmade.py) with a left margin of 25 mm and one content paragraph in 12 pt."""
    document = Document(io.BytesIO(tab_layout()))
    document.sections[0].left_margin = Mm(25)
    paragraph = next(p for p in document.paragraphs if p.text.startswith(SMALL))
    for run in paragraph.runs:
        run.font.size = Pt(12)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def ranges(data: bytes) -> dict[str, str]:
    """The text each comment's range wraps, by comment id."""
    body = Document(io.BytesIO(data)).element.body
    open_, texts = set(), {}
    for element in body.iter(qn("w:commentRangeStart"), qn("w:commentRangeEnd"), qn("w:t"), qn("w:tab")):
        if element.tag == qn("w:commentRangeStart"):
            open_.add(element.get(qn("w:id")))
            texts.setdefault(element.get(qn("w:id")), "")
        elif element.tag == qn("w:commentRangeEnd"):
            open_.discard(element.get(qn("w:id")))
        else:
            for key in open_:
                texts[key] += (element.text or "") if element.tag == qn("w:t") else "\t"
    return {key: text.strip() for key, text in texts.items()}


def comments_of(data: bytes) -> dict[str, tuple[str, str, str]]:
    return {str(c.comment_id): (c.author, c.initials, c.text) for c in Document(io.BytesIO(data)).comments}


def test_each_finding_is_a_comment_on_the_text_it_concerns():
    commented = comment_document(broken(), "ke-hoach.docx")
    failed = {r.rule.id for r in commented.report.results if r.failed}
    assert failed == {"trang.le-trai", "noi-dung.co-chu"}
    comments, wrapped = comments_of(commented.data), ranges(commented.data)
    assert commented.comments == len(comments) == 2
    by_rule = {text.split("]")[0].split("[")[1]: key for key, (_, _, text) in comments.items()}
    # the content paragraph's comment wraps that paragraph; the margin's (whole document) the first line
    assert wrapped[by_rule["noi-dung.co-chu"]].startswith(SMALL)
    assert wrapped[by_rule["trang.le-trai"]] == "ỦY BAN NHÂN DÂN"
    rule = next(r.rule for r in commented.report.results if r.rule.id == "trang.le-trai")
    author, initials, text = comments[by_rule["trang.le-trai"]]
    assert (author, initials) == (AUTHOR, INITIALS) == ("vanban", "VB")
    assert rule.message in text and rule.hint in text and rule.ref in text and "lề 25.0 mm" in text


def test_a_conformant_document_gets_no_comment():
    commented = comment_document(tab_layout(), "ke-hoach.docx")
    assert commented.report.ok and commented.comments == 0 and not comments_of(commented.data)


def test_the_json_report_names_the_line_of_each_finding(tmp_path, capsys):
    source = tmp_path / "ke-hoach.docx"
    source.write_bytes(broken())
    assert main(["check", str(source), "--json"]) == 1
    results = {r["rule"]: r for r in json.loads(capsys.readouterr().out)["files"][0]["results"]}
    assert results["trang.le-trai"]["violations"][0]["line"] is None  # the whole document
    assert isinstance(results["noi-dung.co-chu"]["violations"][0]["line"], int)


def test_the_cli_writes_a_commented_copy_and_keeps_the_input(tmp_path, capsys):
    source = tmp_path / "ke-hoach.docx"
    source.write_bytes(broken())
    before = source.read_bytes()
    target = tmp_path / "ke-hoach-da-kiem-tra.docx"
    assert main(["check", str(source), "--comments", "-o", str(target)]) == 1  # the document has errors
    assert "Đã ghi" in capsys.readouterr().out and source.read_bytes() == before
    assert len(comments_of(target.read_bytes())) == 2
    target.write_bytes(b"giu nguyen")
    assert main(["check", str(source), "--comments", "-o", str(target)]) == 2
    assert "--force" in capsys.readouterr().err and target.read_bytes() == b"giu nguyen"
    assert main(["check", str(source), "--comments", "-o", str(target), "--force"]) == 1
    assert len(comments_of(target.read_bytes())) == 2
    assert main(["check", str(source), "--comments", "-o", str(source), "--force"]) == 2
    assert source.read_bytes() == before
    assert main(["check", str(source), "--comments"]) == 2  # no -o
    assert not list(tmp_path.glob(".*.tmp"))


def test_the_web_check_page_offers_the_commented_document(tmp_path):
    client = web_client(create_app(Settings(work_dir=tmp_path / "web", max_upload=2 * 1024 * 1024)))
    page = client.get("/check")
    assert "Tải văn bản có ghi chú các lỗi" in page.text and 'action="/check/comments"' in page.text
    response = client.post("/check/comments", files={"file": ("Kế hoạch.docx", broken())})
    assert response.status_code == 200
    assert 'filename="ke-hoach-da-kiem-tra.docx"' in response.headers["content-disposition"]
    assert len(comments_of(response.content)) == 2
    refused = client.post("/check/comments", files={"file": ("ke-hoach.txt", b"abc")})
    assert refused.status_code == 400


OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
DC = "http://purl.org/dc/elements/1.1/"


def annotations(fodt: bytes) -> list[tuple[str, str, str]]:
    """(author, comment text, the text its range wraps) of every annotation of a flat ODF text document."""
    root = etree.fromstring(fodt)
    found, open_ = [], {}

    def add(text: str | None) -> None:
        for entry in open_.values():
            entry[2] += text or ""

    def walk(element) -> None:
        tag = etree.QName(element).localname
        if tag == "annotation" and etree.QName(element).namespace == OFFICE:
            body = "\n".join("".join(p.itertext()) for p in element.iter(f"{{{TEXT}}}p"))
            entry = [element.findtext(f"{{{DC}}}creator"), body, ""]
            found.append(entry)
            open_[element.get(f"{{{OFFICE}}}name")] = entry
        elif tag == "annotation-end":
            open_.pop(element.get(f"{{{OFFICE}}}name"), None)
        else:
            add(element.text)
            for child in element:
                walk(child)
        add(element.tail)

    walk(root)
    return [(author, body, wrapped.strip()) for author, body, wrapped in found]


@requires_soffice
def test_libreoffice_opens_the_commented_document_with_its_comments(tmp_path):
    source = tmp_path / "ke-hoach-da-kiem-tra.docx"
    source.write_bytes(comment_document(broken(), "ke-hoach.docx").data)
    command = [shutil.which("soffice"), f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
               "--norestore", "--convert-to", "fodt", "--outdir", str(tmp_path), str(source)]
    subprocess.run(command, capture_output=True, timeout=180, check=False)
    fodt = tmp_path / "ke-hoach-da-kiem-tra.fodt"
    assert fodt.is_file(), "LibreOffice không mở được văn bản có ghi chú"
    found = annotations(fodt.read_bytes())
    assert len(found) == 2 and all(author == "vanban" for author, _, _ in found)
    wrapped = {body.split("]")[0].split("[")[1]: text for _, body, text in found}
    assert wrapped["noi-dung.co-chu"].startswith(SMALL)
    assert wrapped["trang.le-trai"] == "ỦY BAN NHÂN DÂN"
    assert all("Cách sửa:" in body and "Căn cứ:" in body for _, body, _ in found)
