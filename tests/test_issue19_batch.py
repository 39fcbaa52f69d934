"""Issue 19 in a batch: an electronic document's Phụ lục in a file of its own, and the issue's "Done when".

- With ``--electronic`` a document that has a Phụ lục gets it beside it as ``<stem>-phu-luc.docx``
  (Nghị định 30/2020/NĐ-CP, Phụ lục I, III.1.d): checked like the document, written under the same journal and
  resume guarantees, in the manifest (json, csv «Tệp phụ lục»), the zip, the edXML envelope (a second
  attachment), the register's «Ghi chú», and as a PDF/A with no signature field when PDFs are made.
- Done when: a batch of the Gia Lai 2026 cascade with ``--pdf --edxml --electronic`` gives per unit a PDF/A-2b
  whose XMP and fonts pass, an empty signature field at the signer's place, a sidecar with the Phụ lục VI fields,
  an envelope that passes the structure test_edxml.py pins; the register opens with the Phụ lục IV columns; a
  duplicated số/ký hiệu stops the batch. Here over three units (LibreOffice costs about 0.3 s a PDF); the whole
  cascade was run the same way (see the README's batch outputs section).
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import os
import zipfile
from pathlib import Path

import pytest
import yaml
from lxml import etree
from openpyxl import load_workbook

from generator import batch, render
from generator.check import check_docx, subject_of
from generator.check.inspections_electronic import APPENDIX, kind_of
from generator.cli import main
from generator.ooxml.document import read_docx
from generator.pipeline import cascade, unit_reports

from conftest import ROOT, SEED_PLAN, requires_soffice
from test_edxml import E, check_shape
from test_records import PHU_LUC_IV, PHU_LUC_VI

PLAN_2026 = ROOT / "data" / "gia-lai-2025" / "ke-hoach-dan-van-2026.yaml"
UNITS = ["so-tu-phap", "ubnd-xa-ia-o"]
STEM = "ke-hoach-dan-van-2026"


def attachments(root) -> list[tuple[str, str, bytes]]:
    return [(a.findtext(E + "AttachmentName"), a.findtext(E + "Description"),
             base64.b64decode(a.findtext(E + "ContentTransferEncoded"))) for a in root.find(E + "AttachmentEncoded")]


@pytest.fixture(scope="module")
def electronic(tmp_path_factory):
    out = tmp_path_factory.mktemp("electronic")
    return cascade(PLAN_2026, out, units=UNITS, workers=1, electronic=True, edxml=True, make_zip=True)


# ---------------------------------------------------------------- the Phụ lục in a file of its own

def test_each_electronic_sub_plan_has_its_phu_luc_beside_it_checked_as_a_phu_luc_file(electronic):
    assert electronic.exit_code == 0, electronic.failures
    for entry in electronic.entries:
        assert entry.appendix == f"{entry.unit}/{STEM}-phu-luc.docx"
        data = (electronic.out_dir / entry.appendix).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry.appendix_sha256
        report = check_docx(data, entry.appendix)
        assert report.ok and kind_of(subject_of(read_docx(data))) == APPENDIX
        main_text = zipfile.ZipFile(electronic.out_dir / entry.file).read("word/document.xml").decode("utf-8")
        assert "PHÂN CÔNG NHIỆM VỤ" not in main_text  # the document itself carries no Phụ lục
        assert entry.record["appendix_file"] == entry.appendix
        assert entry.appendix_pdf is None  # no PDFs asked for


def test_the_manifest_the_zip_and_the_register_name_the_phu_luc_file(electronic):
    out = electronic.out_dir
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [d["appendix"] for d in manifest["documents"]] == [f"{u}/{STEM}-phu-luc.docx" for u in UNITS]
    rows = list(csv.DictReader((out / "manifest.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert [r["Tệp phụ lục"] for r in rows] == [f"{u}/{STEM}-phu-luc.docx" for u in UNITS]
    assert all(r["Tệp PDF phụ lục"] == "" for r in rows)
    names = set(zipfile.ZipFile(electronic.zip_path).namelist())
    assert {f"{u}/{STEM}-phu-luc.docx" for u in UNITS} <= names
    sheet = load_workbook(electronic.register_path).active
    notes = [sheet.cell(row=r, column=10).value for r in (5, 6)]
    assert all(n.splitlines() == ["Dự thảo, chưa cấp số và ngày ban hành",
                                  f"Kèm Phụ lục (tệp riêng {STEM}-phu-luc.docx)"] for n in notes), notes


def test_the_envelope_carries_the_phu_luc_as_a_second_attachment(electronic):
    for entry in electronic.entries:
        root = etree.parse(str(electronic.out_dir / entry.edxml)).getroot()
        check_shape(root)
        found = attachments(root)
        assert [(name, description) for name, description, _ in found] == [
            (f"{STEM}.docx", "Văn bản"), (f"{STEM}-phu-luc.docx", "Phụ lục của văn bản (tệp riêng)")]
        assert found[1][2] == (electronic.out_dir / entry.appendix).read_bytes()
        references = root.find(f"{E}edXMLEnvelope/{E}edXMLBody/{E}edXMLManifest")
        assert len(references) == 2
        header = root.find(f"{E}edXMLEnvelope/{E}edXMLHeader/{E}MessageHeader")
        assert [a.text for a in header.find(f"{E}OtherInfo/{E}Appendixes")] == [
            "Phân công nhiệm vụ thực hiện Kế hoạch"]


def test_a_paper_batch_writes_no_phu_luc_file(tmp_path):
    result = cascade(PLAN_2026, tmp_path / "out", units=UNITS[:1], workers=1)
    assert result.entries[0].appendix is None and not list((tmp_path / "out").rglob("*-phu-luc.docx"))
    sheet = load_workbook(result.register_path).active
    assert sheet["J5"].value == "Dự thảo, chưa cấp số và ngày ban hành"


def test_a_paper_batch_into_an_electronic_runs_folder_removes_its_phu_luc_files_unless_a_person_edited_one(tmp_path):
    from test_crash_safety import resave_as_word

    out = tmp_path / "out"
    electronic = cascade(PLAN_2026, out, units=UNITS, workers=1, electronic=True)
    appendices = [out / e.appendix for e in electronic.entries]
    (appendices[1].with_suffix(".pdf")).write_bytes(b"%PDF-1.7 the old one")  # as a --pdf run left it
    resave_as_word(appendices[0])  # the văn thư worked on this one
    paper = cascade(PLAN_2026, out, units=UNITS, workers=1)
    assert paper.exit_code == 1 and appendices[0].exists()  # her edit is kept, and the unit says why
    assert "phu-luc.docx" in paper.failures[0].reason and "giữ nguyên" in paper.failures[0].reason
    assert not appendices[1].exists() and not appendices[1].with_suffix(".pdf").exists()
    forced = cascade(PLAN_2026, out, units=UNITS, workers=1, force=True)
    assert forced.exit_code == 0 and not list(out.rglob("*-phu-luc.*"))


def test_unit_reports_have_a_phu_luc_of_indicators_and_in_electronic_mode_it_is_a_file_of_its_own(tmp_path):
    result = unit_reports(SEED_PLAN, "6-thang", tmp_path / "out", units=["so-tu-phap"], workers=1, electronic=True)
    assert result.exit_code == 0, result.failures
    entry = result.entries[0]
    assert entry.appendix == "so-tu-phap/bao-cao-6-thang-ke-hoach-dan-van-2021-phu-luc.docx"
    assert check_docx((result.out_dir / entry.appendix).read_bytes(), entry.appendix).ok


# ---------------------------------------------------------------- the same guarantees as the document

def test_the_journal_line_names_the_phu_luc_before_it_and_its_document_are_renamed_into_place(tmp_path, monkeypatch):
    import generator.output as output

    out = tmp_path / "out"
    real_replace = os.replace
    order = []

    def replace_after_the_journal(source, target):
        target = Path(target)
        if target.suffix == ".docx":
            lines = (out / batch.JOURNAL).read_text(encoding="utf-8").splitlines()
            entries = [json.loads(line)["entry"] for line in lines]
            digest = hashlib.sha256(Path(source).read_bytes()).hexdigest()
            relative = str(target.relative_to(out))
            assert any((e["file"], e["sha256"]) == (relative, digest)
                       or (e["appendix"], e["appendix_sha256"]) == (relative, digest) for e in entries), relative
            order.append(target.name)
        real_replace(source, target)

    monkeypatch.setattr(output.os, "replace", replace_after_the_journal)
    assert cascade(PLAN_2026, out, units=UNITS, workers=1, electronic=True).exit_code == 0
    assert order == [f"{STEM}-phu-luc.docx", f"{STEM}.docx"] * 2  # the Phụ lục first: a document on disk has it


def test_a_resumed_batch_rewrites_a_missing_or_damaged_phu_luc_and_keeps_what_is_right(electronic, tmp_path):
    out = tmp_path / "out"
    first = cascade(PLAN_2026, out, units=UNITS, workers=1, electronic=True)
    before = {p: p.read_bytes() for p in out.rglob("*.docx")}
    (out / first.entries[1].appendix).write_bytes((out / first.entries[0].appendix).read_bytes())  # vanban's, wrong
    (out / first.entries[0].appendix).unlink()  # killed between the journal line and the rename, say
    again = cascade(PLAN_2026, out, units=UNITS, workers=1, electronic=True)
    assert again.exit_code == 0 and again.skipped == 0
    assert {p: p.read_bytes() for p in out.rglob("*.docx")} == before
    third = cascade(PLAN_2026, out, units=UNITS, workers=1, electronic=True)
    assert third.skipped == 2 and [e.appendix for e in third.entries] == [e.appendix for e in first.entries]


def test_a_phu_luc_a_person_edited_is_kept_unless_force(tmp_path):
    from test_crash_safety import resave_as_word

    out = tmp_path / "out"
    first = cascade(PLAN_2026, out, units=UNITS[:1], workers=1, electronic=True)
    path = out / first.entries[0].appendix
    resave_as_word(path)
    edited = path.read_bytes()
    again = cascade(PLAN_2026, out, units=UNITS[:1], workers=1, electronic=True)
    assert again.exit_code == 1 and path.read_bytes() == edited
    assert "phu-luc.docx" in again.failures[0].reason and "giữ nguyên" in again.failures[0].reason
    forced = cascade(PLAN_2026, out, units=UNITS[:1], workers=1, electronic=True, force=True)
    assert forced.exit_code == 0 and path.read_bytes() != edited


def test_a_phu_luc_that_fails_the_check_fails_its_unit_and_nothing_of_it_is_written(tmp_path, monkeypatch):
    real = render.appendix_docx

    def without_its_block_on_the_right(document, registry):
        data = real(document, registry)
        source = zipfile.ZipFile(io.BytesIO(data))
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
            for name in source.namelist():
                content = source.read(name)
                if name == "word/document.xml":
                    content = content.replace(b'<w:pStyle w:val="VBKySoPhuLuc"/>',
                                              b'<w:pStyle w:val="VBKySoPhuLuc"/><w:jc w:val="left"/>')
                target.writestr(name, content)
        return buffer.getvalue()

    monkeypatch.setattr(render, "appendix_docx", without_its_block_on_the_right)
    out = tmp_path / "out"
    result = cascade(PLAN_2026, out, units=UNITS, workers=1, electronic=True)
    assert result.exit_code == 1 and result.entries == [] and len(result.failures) == 2
    reason = result.failures[0].reason
    assert "phụ lục (tệp riêng so-tu-phap/ke-hoach-dan-van-2026-phu-luc.docx) không đạt thể thức" in reason
    assert "dien-tu.phu-luc-rieng" in reason
    assert not list(out.rglob("*.docx"))


# ---------------------------------------------------------------- a duplicated số/ký hiệu (Gia Lai 2026)

def test_two_2026_reports_of_one_body_with_the_same_number_stop_the_batch_in_vietnamese_with_exit_2(
        tmp_path, capsys):
    registry = yaml.safe_load((ROOT / "data" / "vn-2025" / "gia-lai.yaml").read_text(encoding="utf-8"))
    units = {u["id"]: u for u in registry["units"]}
    units["so-tu-phap"].update(name=units["so-noi-vu"]["name"], code=units["so-noi-vu"]["code"])  # entered twice
    folder = tmp_path / "plan"
    folder.mkdir()
    (folder / "units.yaml").write_text(yaml.safe_dump(registry, allow_unicode=True, sort_keys=False), "utf-8")
    plan = folder / PLAN_2026.name
    plan.write_text(PLAN_2026.read_text(encoding="utf-8").replace("units: ../vn-2025/gia-lai.yaml",
                                                                  "units: units.yaml"), encoding="utf-8")
    results = folder / "ket-qua"
    results.mkdir()
    for unit_id in ("so-noi-vu", "so-tu-phap"):
        (results / f"{unit_id}.yaml").write_text(
            f"unit: {unit_id}\nperiod: 6-thang\nreport: {{number: 7, date: 05/6/2026}}\n"
            "indicators: {hoi-nghi-quan-triet: 1}\n", encoding="utf-8")
    out = tmp_path / "out"
    code = main(["report", str(plan), "--period", "6-thang", "--results", str(results), "-o", str(out),
                 "--unit", "so-noi-vu", "--unit", "so-tu-phap", "--pdf", "--edxml"])
    err = capsys.readouterr().err
    assert code == 2 and not out.exists()
    assert "hai văn bản trùng số và ký hiệu 07/BC-SNV năm 2026, cùng cơ quan ban hành «Sở Nội vụ»" in err
    assert "so-tu-phap.yaml" in err and "chưa tệp nào được ghi" in err and "Traceback" not in err


# ---------------------------------------------------------------- Done when, with LibreOffice

DONE_UNITS = ["so-tu-phap", "ubnd-xa-ia-o", "bch-quan-su-tinh"]


@pytest.fixture(scope="module")
def done(tmp_path_factory):
    """What the issue asks of a Gia Lai 2026 batch, run as a văn thư runs it (the CLI)."""
    from generator.cascade.subplan import issuing_units, load_context
    from generator.loading import load_plan

    targets = issuing_units(load_context(load_plan(PLAN_2026)))
    units = [u for u in targets if u in DONE_UNITS] or targets[:3]  # registry order, as the manifest lists them
    out = tmp_path_factory.mktemp("done") / "dw"
    args = ["cascade", str(PLAN_2026), "--out", str(out), "--pdf", "--edxml", "--electronic", "--print-pdf", "--zip"]
    for unit_id in units:
        args += ["--unit", unit_id]
    assert main(args) == 0
    return out, json.loads((out / "manifest.json").read_text(encoding="utf-8")), units


def _xmp(path: Path) -> dict:
    import pikepdf

    with pikepdf.open(path) as pdf:
        meta = pdf.open_metadata()
        return {key: meta.get(key) for key in ("pdfaid:part", "pdfaid:conformance", "dc:title", "dc:creator")}


@requires_soffice
def test_done_every_unit_has_a_pdfa_2b_with_its_metadata_and_every_font_embedded(done):
    import pikepdf

    from test_pdf_archive import _fonts

    out, manifest, units = done
    assert [d["unit"] for d in manifest["documents"]] == units and manifest["pdf_kind"] == "pdfa-2b"
    for document in manifest["documents"]:
        for name in (document["pdf"], document["appendix_pdf"]):
            xmp = _xmp(out / name)
            assert xmp["pdfaid:part"] == "2" and xmp["pdfaid:conformance"] == "B", name
            assert xmp["dc:title"] and xmp["dc:creator"] and xmp["dc:creator"] != ["vanban"], (name, xmp)
            with pikepdf.open(out / name) as pdf:
                fonts = list(_fonts(pdf))
                assert fonts
                for font in fonts:
                    if font.get("/Subtype") == pikepdf.Name.Type0:
                        assert font.get("/DescendantFonts")
                        continue
                    descriptor = font.get("/FontDescriptor")
                    assert descriptor is not None and any(k in descriptor for k in ("/FontFile", "/FontFile2",
                                                                                    "/FontFile3")), name
        main_xmp, appendix_xmp = _xmp(out / document["pdf"]), _xmp(out / document["appendix_pdf"])
        assert main_xmp["dc:title"] == document["trich_yeu"] and appendix_xmp["dc:title"].startswith("Phụ lục: ")
        assert appendix_xmp["dc:creator"] == main_xmp["dc:creator"]  # the issuer, not the template's "vanban"


@requires_soffice
def test_done_an_empty_signature_field_under_the_signers_title_and_none_on_the_phu_luc(done):
    import pdfplumber
    import pikepdf

    from generator.pdf import SIGNATURE_FIELD

    out, manifest, _ = done
    for document in manifest["documents"]:
        title = document["record"]["position"]  # "GIÁM ĐỐC": the name is the unit's to write, blank in a draft
        with pikepdf.open(out / document["pdf"]) as pdf:
            [field] = list(pdf.Root.AcroForm.Fields)
            assert str(field.T) == SIGNATURE_FIELD and field.FT == pikepdf.Name.Sig and "/V" not in field
            assert int(field.F) & 4 and "/N" in field.AP
            last = len(pdf.pages) - 1
            page_of = next(i for i, p in enumerate(pdf.pages) if any(a.objgen == field.objgen
                                                                     for a in p.get("/Annots", [])))
            x0, y0, x1, y1 = (float(v) for v in field.Rect)
        assert page_of == last  # the signature block closes the document
        with pdfplumber.open(out / document["pdf"]) as reading:
            page = reading.pages[page_of]
            height = float(page.height)
            words = page.extract_words()
            first = title.split()[0]
            title_word = [w for w in words if w["text"] == first][-1]
            assert height - title_word["bottom"] >= y1  # under the chức vụ line
            assert x0 <= title_word["x0"] and x1 >= title_word["x1"]  # centred over it
            assert y1 - y0 > 80  # the 30 mm signature area
            covered = [w["text"] for w in words if height - w["bottom"] < y1 - 1 and height - w["top"] > y0 + 1
                       and w["x1"] > x0 and w["x0"] < x1]
            assert covered == []  # nothing written where the signature goes
        with pikepdf.open(out / document["appendix_pdf"]) as pdf:
            assert "/AcroForm" not in pdf.Root  # the văn thư signs a Phụ lục at its top-right block


@requires_soffice
def test_done_sidecar_envelope_register_print_file_and_zip(done):
    check_records(*done, print_and_zip=True)


def check_records(out: Path, manifest: dict, units: list[str], *, print_and_zip: bool) -> None:
    """Each unit's sidecar and envelope, the register (and the print file and the zip, when the batch made
    them): kept apart so that a whole cascade's folder can be checked the same way."""
    import pypdfium2

    pages = 0
    for document in manifest["documents"]:
        root = etree.parse(str(out / document["metadata"])).getroot()
        for path, length in PHU_LUC_VI:
            found = root.findall(path)
            assert found, path
            assert not length or all(len(e.text or "") <= length for e in found), path
        assert root.findtext("TypeName") == "Kế hoạch" and root.findtext("CodeNumber") == ""
        main_pages = len(pypdfium2.PdfDocument(str(out / document["pdf"])))
        extra = len(pypdfium2.PdfDocument(str(out / document["appendix_pdf"])))
        assert root.findtext("PageAmount") == str(main_pages + extra) == str(document["pages"])
        pages += main_pages + extra
        envelope = etree.parse(str(out / document["edxml"])).getroot()
        check_shape(envelope)
        found = attachments(envelope)
        assert [name for name, _, _ in found] == [Path(document[k]).name for k in ("file", "pdf", "appendix",
                                                                                   "appendix_pdf")]
        assert all(data == (out / document[k]).read_bytes()
                   for (_, _, data), k in zip(found, ("file", "pdf", "appendix", "appendix_pdf")))
    sheet = load_workbook(out / manifest["register"]).active
    assert [c.value for c in sheet[3]] == PHU_LUC_IV and sheet.max_row == 4 + len(units)
    assert [sheet.cell(row=5 + i, column=1).value.split("/")[1] for i in range(len(units))] == [
        d["ky_hieu"] for d in manifest["documents"]]
    if print_and_zip:
        assert len(pypdfium2.PdfDocument(str(out / manifest["print"]))) == pages  # each document, then its Phụ lục
        names = set(zipfile.ZipFile(next(out.glob("*.zip"))).namelist())
        assert {d[k] for d in manifest["documents"] for k in ("file", "pdf", "appendix", "appendix_pdf", "metadata",
                                                               "edxml")} <= names
