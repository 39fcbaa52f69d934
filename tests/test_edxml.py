"""`--edxml`: beside each document its envelope of QCVN 102:2016/BTTTT (Sửa đổi 1:2022) with the file attached.

No public copy of the standard's XSD could be found (see generator/edxml.py), so this test pins the envelope
as the public builders write it: every element, its order, its namespace prefix and its content, for a real
numbered report of the Gia Lai 2026 plan and a real draft sub-plan."""

from __future__ import annotations

import base64
import hashlib
import shutil

import pytest
import yaml
from lxml import etree

from generator import edxml
from generator.cli import main
from generator.pipeline import cascade, unit_reports

from conftest import ROOT, requires_soffice

PLAN_2026 = ROOT / "data" / "gia-lai-2025" / "ke-hoach-dan-van-2026.yaml"
NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
XLINK = "http://www.w3.org/1999/xlink"
E = f"{{{NS}}}"

# The envelope's elements, in order; "*" marks an element that repeats (To, Place, Reference, Attachment)
MESSAGE_HEADER = ["From", "To*", "Code", "PromulgationInfo", "DocumentType", "Subject", "Content", "SignerInfo",
                  "DueDate", "ToPlaces", "OtherInfo", "SteeringType", "DocumentId"]
CHILDREN = {
    "From": ["OrganId", "OrganizationInCharge", "OrganName"],
    "To": ["OrganId", "OrganName"],
    "Code": ["CodeNumber", "CodeNotation"],
    "PromulgationInfo": ["Place", "PromulgationDate"],
    "DocumentType": ["Type", "TypeName"],
    "SignerInfo": ["Competence", "Position", "FullName"],
    "OtherInfo": ["Priority", "SphereOfPromulgation", "TyperNotation", "PromulgationAmount", "PageAmount",
                  "Appendixes"],
    "Reference": ["Description", "AttachmentName", "ContentType"],
    "Attachment": ["ContentType", "ContentId", "Description", "ContentTransferEncoded", "AttachmentName"],
}


def names(element) -> list[str]:
    return [etree.QName(child).localname for child in element if isinstance(child.tag, str)]


def collapse(found: list[str]) -> list[str]:
    """["From", "To", "To", "Code"] → ["From", "To*", "Code"]."""
    out: list[str] = []
    for name in found:
        if out and out[-1].rstrip("*") == name:
            out[-1] = name + "*"
        else:
            out.append(name)
    return out


def check_shape(root) -> None:
    """The structure the public builders agree on, every element in the edXML namespace with its prefix."""
    assert etree.QName(root).localname == "edXML" and root.nsmap == {"edXML": NS, "xlink": XLINK}
    assert all(element.prefix == "edXML" for element in root.iter() if isinstance(element.tag, str))
    assert names(root) == ["edXMLEnvelope", "AttachmentEncoded"]
    envelope = root.find(E + "edXMLEnvelope")
    assert names(envelope) == ["edXMLHeader", "edXMLBody"]
    assert names(envelope.find(E + "edXMLHeader")) == ["MessageHeader"]
    header = envelope.find(f"{E}edXMLHeader/{E}MessageHeader")
    found = collapse(names(header))
    assert [n.rstrip("*") for n in found] == [n.rstrip("*") for n in MESSAGE_HEADER]
    for element in header.iter():
        local = etree.QName(element).localname
        if local in CHILDREN and element.getparent() is header:
            assert names(element) == CHILDREN[local], local
    assert set(names(header.find(E + "ToPlaces"))) <= {"Place"}
    manifest = envelope.find(f"{E}edXMLBody/{E}edXMLManifest")
    assert manifest.get("version") == "1.0" and set(names(manifest)) == {"Reference"}
    for reference in manifest:
        assert names(reference) == CHILDREN["Reference"]
        assert reference.get(f"{{{XLINK}}}type") == "simple" and reference.get(f"{{{XLINK}}}href").startswith("cid:")
    for attachment in root.find(E + "AttachmentEncoded"):
        assert names(attachment) == CHILDREN["Attachment"]


@pytest.fixture(scope="module")
def numbered_report(tmp_path_factory):
    """Sở Nội vụ's numbered, dated report of the 2026 plan, with test mã định danh in a registry copy."""
    folder = tmp_path_factory.mktemp("plan")
    registry = yaml.safe_load((ROOT / "data" / "vn-2025" / "gia-lai.yaml").read_text(encoding="utf-8"))
    units = {u["id"]: u for u in registry["units"]}
    units["so-noi-vu"]["organ_id"] = "000.00.99.T03"  # test codes, not real ones
    units["ubnd-tinh"]["organ_id"] = "000.00.00.T00"
    (folder / "units.yaml").write_text(yaml.safe_dump(registry, allow_unicode=True, sort_keys=False), encoding="utf-8")
    plan = folder / PLAN_2026.name
    plan.write_text(PLAN_2026.read_text(encoding="utf-8").replace("units: ../vn-2025/gia-lai.yaml",
                                                                  "units: units.yaml"), encoding="utf-8")
    results = folder / "ket-qua"
    results.mkdir()
    (results / "so-noi-vu.yaml").write_text(
        "unit: so-noi-vu\nperiod: 6-thang\nreport: {number: 7, date: 05/6/2026}\n"
        "signer: {name: Nguyễn Văn A, role: deputy}\nindicators: {hoi-nghi-quan-triet: 3}\n", encoding="utf-8")
    return unit_reports(plan, "6-thang", folder / "out", results_dir=results, units=["so-noi-vu"], workers=1,
                        edxml=True, make_zip=True)


def test_the_envelope_of_a_numbered_report_pins_every_element_and_its_content(numbered_report):
    result = numbered_report
    assert result.exit_code == 0
    entry = result.entries[0]
    assert entry.edxml == "so-noi-vu/bao-cao-6-thang-ke-hoach-dan-van-2026.edxml"
    root = etree.parse(str(result.out_dir / entry.edxml)).getroot()
    check_shape(root)
    h = root.find(f"{E}edXMLEnvelope/{E}edXMLHeader/{E}MessageHeader")

    def text(path: str) -> str:
        return h.findtext("/".join(E + p for p in path.split("/"))) or ""

    assert [text("From/OrganId"), text("From/OrganizationInCharge"), text("From/OrganName")] == [
        "000.00.99.T03", "Ủy ban nhân dân tỉnh Gia Lai", "Sở Nội vụ"]
    to = [(t.findtext(E + "OrganId"), t.findtext(E + "OrganName")) for t in h.findall(E + "To")]
    assert to[0] == ("000.00.00.T00", "Ủy ban nhân dân tỉnh Gia Lai")  # the Kính gửi, by its mã định danh
    assert [text("Code/CodeNumber"), text("Code/CodeNotation")] == ["07", "BC-SNV"]
    assert [text("PromulgationInfo/Place"), text("PromulgationInfo/PromulgationDate")] == ["Gia Lai", "2026/06/05"]
    assert [text("DocumentType/Type"), text("DocumentType/TypeName")] == ["1", "Báo cáo"]
    assert text("Subject") == text("Content") and text("Subject").startswith("Kết quả thực hiện")
    assert [text("SignerInfo/Competence"), text("SignerInfo/Position"), text("SignerInfo/FullName")] == [
        "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Nguyễn Văn A"]
    places = [p.text for p in h.find(E + "ToPlaces")]
    assert text("DueDate") == "" and places[:len(to)] == [name for _, name in to]
    # the Sở's own leaders are a Nơi nhận of the paper, not a body the exchange sends to
    assert "Giám đốc, các Phó Giám đốc Sở" in places and "Giám đốc, các Phó Giám đốc Sở" not in dict(to).values()
    assert [text("OtherInfo/Priority"), text("OtherInfo/PromulgationAmount"), text("OtherInfo/PageAmount")] == [
        "0", "", ""]
    appendixes = [a.text for a in h.find(f"{E}OtherInfo/{E}Appendixes")]
    assert len(appendixes) == 1 and appendixes[0].startswith("Kết quả")  # the Phụ lục chỉ tiêu, by its title
    assert text("SteeringType") == "0"
    assert text("DocumentId") == "000.00.99.T03,2026/06/05,07/BC-SNV"  # "<mã cơ quan>,<YYYY/MM/DD>,<số>/<ký hiệu>"


def test_the_document_travels_whole_in_the_envelope_and_the_manifest_points_at_it(numbered_report):
    entry = numbered_report.entries[0]
    root = etree.parse(str(numbered_report.out_dir / entry.edxml)).getroot()
    docx = (numbered_report.out_dir / entry.file).read_bytes()
    [attachment] = root.find(E + "AttachmentEncoded")
    assert base64.b64decode(attachment.findtext(E + "ContentTransferEncoded")) == docx
    assert attachment.findtext(E + "AttachmentName") == "bao-cao-6-thang-ke-hoach-dan-van-2026.docx"
    assert attachment.findtext(E + "ContentType") == ("application/vnd.openxmlformats-officedocument."
                                                      "wordprocessingml.document")
    [reference] = root.find(f"{E}edXMLEnvelope/{E}edXMLBody/{E}edXMLManifest")
    assert reference.get(f"{{{XLINK}}}href") == "cid:" + attachment.findtext(E + "ContentId")
    assert attachment.findtext(E + "ContentId") == edxml.Attachment("x", docx, "").content_id
    assert len(hashlib.sha256(docx).hexdigest()) == 64
    import zipfile
    assert entry.edxml in zipfile.ZipFile(numbered_report.zip_path).namelist()


def test_a_draft_sub_plan_envelope_leaves_what_the_e_office_gives_empty_and_says_so(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["cascade", str(PLAN_2026), "-o", str(out), "--unit", "ubnd-xa-ia-o", "--edxml"]) == 0
    captured = capsys.readouterr()
    assert "gói tin edXML: tệp .edxml" in captured.out
    assert "gói tin edXML còn để trống mã định danh của cơ quan gửi (1 văn bản); số văn bản (1 văn bản)" in captured.err
    path = out / "ubnd-xa-ia-o" / "ke-hoach-dan-van-2026.edxml"
    data = path.read_bytes()
    root = etree.fromstring(data)
    check_shape(root)
    h = root.find(f"{E}edXMLEnvelope/{E}edXMLHeader/{E}MessageHeader")
    assert h.findtext(f"{E}DocumentId") == ",,/KH-UBND"
    assert h.findtext(f"{E}Code/{E}CodeNumber") == "" and h.findtext(f"{E}PromulgationInfo/{E}Place") == "Ia O"
    assert h.findtext(f"{E}SignerInfo/{E}Competence") == "TM. ỦY BAN NHÂN DÂN"
    again = tmp_path / "again"
    assert main(["cascade", str(PLAN_2026), "-o", str(again), "--unit", "ubnd-xa-ia-o", "--edxml"]) == 0
    assert (again / "ubnd-xa-ia-o" / "ke-hoach-dan-van-2026.edxml").read_bytes() == data  # no clock inside


@requires_soffice
def test_with_pdf_the_envelope_carries_the_pdf_too_and_the_print_file_holds_every_page(tmp_path):
    import pypdfium2

    result = cascade(PLAN_2026, tmp_path / "out", units=["so-noi-vu", "ubnd-xa-ia-o"], workers=2, edxml=True,
                     print_pdf=True, pdf_kind="pdf")
    assert result.exit_code == 0 and result.pdf_kind == "pdf"
    for entry in result.entries:
        root = etree.parse(str(result.out_dir / entry.edxml)).getroot()
        check_shape(root)
        attachments = root.find(E + "AttachmentEncoded")
        assert [a.findtext(E + "AttachmentName")[-4:] for a in attachments] == ["docx", ".pdf"]
        pages = entry.pages
        assert pages and pages >= 1
        meta = etree.parse(str(result.out_dir / entry.metadata)).getroot()
        assert meta.findtext("PageAmount") == str(pages)
        header = root.find(f"{E}edXMLEnvelope/{E}edXMLHeader/{E}MessageHeader")
        assert header.findtext(f"{E}OtherInfo/{E}PageAmount") == str(pages)
    assert result.print_path == result.out_dir / "ke-hoach-dan-van-2026-ban-in.pdf"
    merged = pypdfium2.PdfDocument(str(result.print_path))
    assert len(merged) == sum(e.pages for e in result.entries)
    merged.close()
