"""PDF for the archive and the e-office: PDF/A-2b (default) and PDF/A-3b with the source .docx and sidecars
attached, metadata from the document, every font embedded, an empty signature field above the signer's
name, and one merged file to print.

No PDF/A validator can be installed here: veraPDF is a Java program published neither on PyPI nor in
Debian nor on npm. These tests check what such a validator would check first: the XMP identification
(pdfaid part and conformance), Info and XMP saying the same, every font embedded, the associated files of
PDF/A-3 (AFRelationship, MIME subtype, /AF on the catalog, ModDate), the signature widget printable and
with an appearance. LibreOffice is run once per kind for the whole module.
"""

from __future__ import annotations

import io
import shutil
import unicodedata
import zipfile
from pathlib import Path

import pdfplumber
import pikepdf
import pytest

from generator.errors import ConversionError, InputError, OutputError
from generator.pdf import (DOCX_MIME, PDF_KINDS, SIGNATURE_FIELD, add_signature_field, check_kind, convert_many,
                           convert_to_pdf, merge_for_print, pdf_kind_label)
from generator.pipeline import render_plan

from conftest import SEED_PLAN, requires_soffice

TRICH_YEU = "Triển khai công tác dân vận năm 2021 chủ đề “Đẩy mạnh thực hiện Quy chế dân chủ ở cơ sở”"
ISSUER = "ỦY BAN NHÂN DÂN TỈNH GIA LAI"
SIGNER = "Nguyễn Thị Thanh Lịch"
NAMES = ("ke-hoach-pdf", "ke-hoach-a2", "ke-hoach-a3", "ke-hoach-a2-ky")


@pytest.fixture(scope="module")
def converted(tmp_path_factory) -> dict[str, Path]:
    """The seed plan as a plain PDF, a PDF/A-2b, a PDF/A-3b with a sidecar, and a PDF/A-2b with a
    signature field: one LibreOffice run per kind."""
    if shutil.which("soffice") is None:
        pytest.skip("chưa cài LibreOffice (soffice): bỏ qua kiểm thử PDF/A")
    folder = tmp_path_factory.mktemp("pdf-archive")
    docx = render_plan(SEED_PLAN, folder).docx
    paths = {}
    for name in NAMES:
        paths[name] = folder / f"{name}.docx"
        shutil.copy(docx, paths[name])
    sidecar = folder / "ke-hoach-a3.metadata.xml"
    sidecar.write_text('<?xml version="1.0" encoding="UTF-8"?><VanBan><Subject>thử</Subject></VanBan>', "utf-8")
    runs = [([paths["ke-hoach-pdf"]], {"kind": "pdf"}),
            ([paths["ke-hoach-a2"]], {}),  # the default: PDF/A-2b
            ([paths["ke-hoach-a3"]], {"kind": "pdfa-3b", "attachments": {paths["ke-hoach-a3"]: [sidecar]}}),
            ([paths["ke-hoach-a2-ky"]], {"signature_field": True})]
    for documents, options in runs:
        results = convert_many(documents, workers=1, **options)
        assert [r.error for r in results] == [None]
    return {name: path.with_suffix(".pdf") for name, path in paths.items()} | {"sidecar": sidecar, "docx": docx}


def _metadata(path: Path):
    with pikepdf.open(path) as pdf:
        meta = pdf.open_metadata()
        return ({key: meta.get(key) for key in ("pdfaid:part", "pdfaid:conformance", "dc:title", "dc:creator",
                                                 "dc:description", "pdf:Keywords", "pdf:Producer")},
                {str(k): str(v) for k, v in pdf.docinfo.items()})


@requires_soffice
@pytest.mark.parametrize("name, part", [("ke-hoach-a2", "2"), ("ke-hoach-a3", "3"), ("ke-hoach-a2-ky", "2")])
def test_pdfa_identification_and_metadata_from_the_document(converted, name, part):
    xmp, info = _metadata(converted[name])
    assert xmp["pdfaid:part"] == part and xmp["pdfaid:conformance"] == "B"
    assert xmp["dc:title"] == TRICH_YEU
    assert xmp["dc:creator"] == [ISSUER]
    assert xmp["dc:description"] == f"Kế hoạch: {TRICH_YEU}"
    assert xmp["pdf:Keywords"] == "Kế hoạch; KH-UBND; Gia Lai; 2021"  # whole, not split at spaces
    # PDF/A: what the Info dictionary says, the XMP says too
    assert info["/Title"] == xmp["dc:title"] and info["/Author"] == ISSUER
    assert info["/Subject"] == xmp["dc:description"] and info["/Keywords"] == xmp["pdf:Keywords"]
    assert info["/Producer"] == xmp["pdf:Producer"]


@requires_soffice
def test_a_plain_pdf_claims_no_pdfa_but_has_the_metadata(converted):
    xmp, info = _metadata(converted["ke-hoach-pdf"])
    assert xmp["pdfaid:part"] is None
    assert info["/Title"] == TRICH_YEU and info["/Author"] == ISSUER


def _fonts(pdf: pikepdf.Pdf):
    """Every font of every page, descendant fonts of Type0 fonts and fonts of form XObjects included."""
    seen: set[tuple[int, int]] = set()

    def walk(resources):
        if resources is None:
            return
        for font in (resources.get("/Font") or {}).values():
            stack = [font]
            while stack:
                current = stack.pop()
                if current.objgen != (0, 0) and current.objgen in seen:
                    continue
                seen.add(current.objgen)
                yield current
                stack.extend(current.get("/DescendantFonts") or [])
        for xobject in (resources.get("/XObject") or {}).values():
            if xobject.get("/Subtype") == pikepdf.Name.Form:
                yield from walk(xobject.get("/Resources"))

    for page in pdf.pages:
        yield from walk(page.obj.get("/Resources"))


@requires_soffice
@pytest.mark.parametrize("name", ["ke-hoach-a2", "ke-hoach-a3", "ke-hoach-pdf"])
def test_every_font_is_embedded(converted, name):
    with pikepdf.open(converted[name]) as pdf:
        fonts = list(_fonts(pdf))
        assert fonts
        for font in fonts:
            if font.get("/Subtype") == pikepdf.Name.Type0:
                assert font.get("/DescendantFonts"), font.get("/BaseFont")
                continue
            descriptor = font.get("/FontDescriptor")
            assert descriptor is not None, f"{font.get('/BaseFont')}: no FontDescriptor (a standard 14 font?)"
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), font.get("/BaseFont")
            assert "LiberationSerif" in str(font.get("/BaseFont")) or "TimesNewRoman" in str(font.get("/BaseFont"))


@requires_soffice
def test_pdfa3_carries_the_docx_and_the_sidecar_as_associated_files(converted):
    with pikepdf.open(converted["ke-hoach-a3"]) as pdf:
        associated = list(pdf.Root.AF)
        by_name = {str(spec.UF): spec for spec in associated}
        assert set(by_name) == {"ke-hoach-a3.docx", "ke-hoach-a3.metadata.xml"}
        assert set(pdf.attachments) == set(by_name)  # in the EmbeddedFiles name tree too
        source, data = by_name["ke-hoach-a3.docx"], by_name["ke-hoach-a3.metadata.xml"]
        assert source.AFRelationship == pikepdf.Name.Source and data.AFRelationship == pikepdf.Name.Data
        for spec, mime in ((source, DOCX_MIME), (data, "application/xml")):
            stream = spec.EF.F
            assert stream.Subtype == pikepdf.Name("/" + mime)
            assert "/ModDate" in stream.Params and str(spec.F) == str(spec.UF) and str(spec.Desc)
        embedded = source.EF.F.read_bytes()
        assert embedded == (converted["ke-hoach-a3"].with_suffix(".docx")).read_bytes()
        with zipfile.ZipFile(io.BytesIO(embedded)) as package:
            assert "word/document.xml" in package.namelist()
        assert data.EF.F.read_bytes() == converted["sidecar"].read_bytes()


@requires_soffice
def test_pdfa2_carries_no_files(converted):
    with pikepdf.open(converted["ke-hoach-a2"]) as pdf:
        assert "/AF" not in pdf.Root and len(pdf.attachments) == 0


def _name_words(pdf_path: Path, name: str):
    wanted = name.split()
    with pdfplumber.open(pdf_path) as document:
        for index in range(len(document.pages) - 1, -1, -1):
            page = document.pages[index]
            words = page.extract_words()
            for start in range(len(words) - len(wanted) + 1):
                run = words[start:start + len(wanted)]
                if [unicodedata.normalize("NFC", w["text"]) for w in run] == wanted:
                    return index, page.height, run
    raise AssertionError(f"{name} not on any page")


@requires_soffice
def test_an_empty_signature_field_stands_above_the_signers_name(converted):
    path = converted["ke-hoach-a2-ky"]
    page_index, height, name = _name_words(path, SIGNER)
    with pikepdf.open(path) as pdf:
        fields = list(pdf.Root.AcroForm.Fields)
        assert [str(f.T) for f in fields] == [SIGNATURE_FIELD]
        field = fields[0]
        assert field.FT == pikepdf.Name.Sig and "/V" not in field  # empty: nobody has signed
        assert int(field.F) & 4 and not int(field.F) & (1 | 2 | 32)  # printed, not hidden (PDF/A)
        assert "/N" in field.AP  # an appearance, as PDF/A asks of every widget
        page = pdf.pages[page_index]
        assert any(a.objgen == field.objgen for a in page.Annots)  # on the signer's page
        x0, y0, x1, y1 = (float(v) for v in field.Rect)
    name_top = height - min(w["top"] for w in name)  # PDF space: from the bottom of the page
    assert y0 >= name_top and y1 - y0 > 40  # above the name, the height of the blank lines
    assert x0 <= min(w["x0"] for w in name) and x1 >= max(w["x1"] for w in name)  # over the name
    with pdfplumber.open(path) as document:  # and under the title lines ("PHÓ CHỦ TỊCH"), not over them
        words = document.pages[page_index].extract_words()
        covered = [w["text"] for w in words if height - w["bottom"] < y1 - 1 and height - w["top"] > y0 + 1
                   and w["x1"] > x0 and w["x0"] < x1]
        assert covered == []
        title = [w for w in words if w["text"] == "PHÓ"][-1]
        assert height - title["bottom"] >= y1


@requires_soffice
def test_the_signature_field_is_an_incremental_update(converted):
    data = converted["ke-hoach-a2-ky"].read_bytes()
    assert data.count(b"%%EOF") == 2  # LibreOffice's file, then the update with the field


@requires_soffice
def test_a_signature_field_for_a_name_not_in_the_pdf_is_a_clear_error(converted, tmp_path):
    copy = tmp_path / "ban.pdf"
    shutil.copy(converted["ke-hoach-a2"], copy)
    before = copy.read_bytes()
    with pytest.raises(OutputError) as caught:
        add_signature_field(copy, signer_name="Trần Văn Không Có")
    assert "không tìm thấy họ tên người ký «Trần Văn Không Có»" in str(caught.value)
    assert str(copy) in str(caught.value)  # the location
    assert copy.read_bytes() == before  # left as it was


@requires_soffice
def test_add_signature_field_to_an_existing_pdfa_keeps_it_consistent(converted, tmp_path):
    copy = tmp_path / "ban.pdf"
    shutil.copy(converted["ke-hoach-a2"], copy)
    add_signature_field(copy, signer_name=SIGNER, field_name="ChuKy2")
    xmp, info = _metadata(copy)
    assert xmp["pdfaid:part"] == "2" and info["/Producer"] == xmp["pdf:Producer"]
    with pikepdf.open(copy) as pdf:
        assert [str(f.T) for f in pdf.Root.AcroForm.Fields] == ["ChuKy2"]
    with pytest.raises(OutputError, match="ChuKy2"):  # twice the same field: said, not a traceback
        add_signature_field(copy, signer_name=SIGNER, field_name="ChuKy2")


@requires_soffice
def test_merge_for_print_keeps_the_order_and_every_page(converted, tmp_path):
    order = [converted["ke-hoach-a3"], converted["ke-hoach-pdf"], converted["ke-hoach-a2-ky"]]
    counts = []
    for path in order:
        with pikepdf.open(path) as pdf:
            counts.append(len(pdf.pages))
    target = merge_for_print(order, tmp_path / "in" / "ban-in.pdf")
    assert target == tmp_path / "in" / "ban-in.pdf" and not list(target.parent.glob(".*.tmp"))
    with pikepdf.open(target) as merged:
        assert len(merged.pages) == sum(counts)
    with pdfplumber.open(target) as document:
        firsts = [0, counts[0], counts[0] + counts[1]]
        for index in firsts:  # each document starts where it should: its first page has the Quốc hiệu
            assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in (document.pages[index].extract_text() or "")
        assert len(document.pages[-1].annots) == 0  # no signature widget left without its form
    with pytest.raises(ConversionError):
        merge_for_print([], tmp_path / "rong.pdf")
    with pytest.raises(ConversionError) as caught:
        merge_for_print([tmp_path / "khong-co.pdf"], tmp_path / "x.pdf")
    assert "khong-co.pdf" in str(caught.value) and not (tmp_path / "x.pdf").exists()


@requires_soffice
def test_convert_to_pdf_takes_the_kind(converted, tmp_path):
    out = tmp_path / "ra"
    out.mkdir()
    written = convert_to_pdf([converted["docx"]], out, kind="pdf")
    assert written == [out / converted["docx"].with_suffix(".pdf").name]
    assert _metadata(written[0])[0]["pdfaid:part"] is None


def test_kinds_and_their_labels():
    assert PDF_KINDS == ("pdf", "pdfa-2b", "pdfa-3b")
    assert pdf_kind_label("pdfa-2b") == "PDF/A-2b (lưu trữ)"
    assert pdf_kind_label("pdf") == "PDF thường" and "PDF/A-3b" in pdf_kind_label("pdfa-3b")
    with pytest.raises(InputError) as caught:
        check_kind("pdfa-1b")
    assert "không có loại PDF «pdfa-1b»" in str(caught.value) and "pdfa-2b" in str(caught.value)


def test_a_bad_kind_is_refused_before_libreoffice_runs(tmp_path, monkeypatch):
    from generator import pdf

    monkeypatch.setattr(pdf, "soffice", lambda: "/bin/false")
    with pytest.raises(InputError):
        convert_many([tmp_path / "a.docx"], kind="pdfa")  # type: ignore[arg-type]


@requires_soffice
def test_a_signing_tool_signs_the_field_where_it_is(converted, tmp_path):
    """What the e-office's signing tool does, with pyHanko and a throwaway certificate: sign the empty field
    by its name; the signature covers the whole file and the field has not moved."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign import signers
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Thu nghiem vanban")])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
                   .serial_number(1).not_valid_before(now).not_valid_after(now + datetime.timedelta(days=1))
                   .sign(key, hashes.SHA256()))
    (tmp_path / "khoa.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                          serialization.NoEncryption()))
    (tmp_path / "chung-thu.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    signer = signers.SimpleSigner.load(str(tmp_path / "khoa.pem"), str(tmp_path / "chung-thu.pem"))
    with pikepdf.open(converted["ke-hoach-a2-ky"]) as pdf:
        before = [float(v) for v in pdf.Root.AcroForm.Fields[0].Rect]
    with open(converted["ke-hoach-a2-ky"], "rb") as handle:
        signed = signers.sign_pdf(IncrementalPdfFileWriter(handle),
                                  signers.PdfSignatureMetadata(field_name=SIGNATURE_FIELD), signer=signer).getvalue()
    embedded = PdfFileReader(io.BytesIO(signed)).embedded_signatures
    assert [s.field_name for s in embedded] == [SIGNATURE_FIELD]  # the field vanban made, no new one
    assert [float(v) for v in embedded[0].sig_field["/Rect"]] == pytest.approx(before, abs=0.01)  # not moved
    status = validate_pdf_signature(embedded[0], ValidationContext(trust_roots=[signer.signing_cert]))
    assert status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
