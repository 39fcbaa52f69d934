"""The edXML envelope of a document (QCVN 102:2016/BTTTT, as amended by Sửa đổi 1:2022 — Thông tư 01/2022/TT-BTTTT),
to hand a batch's documents to the e-office and the national exchange.

No public copy of the standard's schema (XSD) was found; the structure follows two public builders of the same
envelope, which agree on it: a TypeScript builder written from the Lạng Sơn exchange's SDK sample
(``edoc_new.edxml``) and the VNPT Java library as ``tungsfer512/edxml-convert`` drives it (``EdXMLBuild.java``),
checked against Bkav's integrator (``XmlUtil.java``):

    edXML
      edXMLEnvelope
        edXMLHeader
          MessageHeader: From, To…, Code, PromulgationInfo, DocumentType, Subject, Content, SignerInfo,
                         DueDate, ToPlaces, OtherInfo, SteeringType, DocumentId
        edXMLBody
          edXMLManifest: Reference (xlink:href="cid:…") per attached file
      AttachmentEncoded
        Attachment: ContentType, ContentId, Description, ContentTransferEncoded (base64), AttachmentName

Every element carries the ``edXML:`` prefix (the VPCP validator refuses children without it). What vanban
leaves out, on purpose: ``TraceHeaderList`` (who sent it when: the sending system writes it as it sends) and the
digital signature (the signer's). Nothing in the envelope depends on the clock, so the same document gives the
same bytes. Fields vanban does not know (the mã định danh of a body, the số and ngày of a draft) are empty
elements, for the e-office to fill; :func:`missing` names them.
"""

from __future__ import annotations

import base64
import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from .records import Record, rules

XLINK = "http://www.w3.org/1999/xlink"
SUFFIX = ".edxml"


@dataclass(frozen=True)
class Attachment:
    name: str  # the file's name as the receiver will save it: "ke-hoach-dan-van-2021.docx"
    data: bytes
    description: str  # "Văn bản (Word)", "Văn bản (PDF)"

    @property
    def content_type(self) -> str:
        return rules().edxml["content_types"].get(Path(self.name).suffix.lstrip(".").lower(),
                                                   "application/octet-stream")

    @property
    def content_id(self) -> str:
        """Stable: derived from the file's bytes (a UUID's form, as the public builders write it)."""
        return str(uuid.UUID(bytes=hashlib.sha256(self.data).digest()[:16]))


def namespace() -> str:
    return rules().edxml["namespace"]


def _date(iso: str) -> str:
    """The envelope's dates: "2021/03/10" (YYYY/MM/DD); "" when not known."""
    return iso.replace("-", "/") if iso else ""


def document_id(record: Record) -> str:
    """"<mã cơ quan gửi>,<YYYY/MM/DD>,<số>/<ký hiệu>"; the parts vanban does not know are left empty."""
    return f"{record.organ_id},{_date(record.issued_date)},{record.code_number}/{record.code_notation}"


def missing(record: Record) -> list[str]:
    """What the envelope leaves for the e-office to fill, in plain words."""
    gaps = []
    if not record.organ_id:
        gaps.append("mã định danh của cơ quan gửi")
    if not record.code_number:
        gaps.append("số văn bản")
    if not record.issued_date:
        gaps.append("ngày ban hành")
    if any(not a.organ_id for a in exchanged_to(record)):
        gaps.append("mã định danh của nơi nhận")
    return gaps


def exchanged_to(record: Record) -> tuple:
    """The addressees the message goes to over the exchange: the bodies of the registry (a unit's own
    divisions, its Đảng ủy or Lưu are Nơi nhận on paper, not endpoints); all of them when none is known."""
    return tuple(a for a in record.to if a.registered) or record.to


def _cut(tag_number: str, value) -> str:
    rule = rules().field(tag_number)
    text = "" if value is None else str(value)
    return text[: rule.length] if rule.length else text


def envelope(record: Record, attachments: Sequence[Attachment]) -> bytes:
    """The edXML envelope of the document ``record`` describes, with ``attachments`` (the .docx, and the PDF
    when there is one) base64-encoded, as UTF-8 bytes."""
    settings = rules().edxml
    ns = namespace()
    prefix = settings["prefix"]

    def sub(parent, tag: str, text=None, **attributes):
        element = etree.SubElement(parent, f"{{{ns}}}{tag}", attributes)
        if text is not None:
            element.text = str(text)
        return element

    root = etree.Element(f"{{{ns}}}edXML", nsmap={prefix: ns, "xlink": XLINK})
    wrapper = sub(root, "edXMLEnvelope")
    header = sub(sub(wrapper, "edXMLHeader"), "MessageHeader")
    sender = sub(header, "From")
    sub(sender, "OrganId", _cut("1.1", record.organ_id))
    sub(sender, "OrganizationInCharge", _cut("7", record.parent_name or record.organ_name))
    sub(sender, "OrganName", _cut("7", record.organ_name))
    for addressee in exchanged_to(record):
        to = sub(header, "To")
        sub(to, "OrganId", _cut("13.1", addressee.organ_id))
        sub(to, "OrganName", _cut("13.2", addressee.organ_name))
    code = sub(header, "Code")
    sub(code, "CodeNumber", _cut("4", record.code_number))
    sub(code, "CodeNotation", _cut("5", record.code_notation))
    promulgation = sub(header, "PromulgationInfo")
    sub(promulgation, "Place", record.place)
    sub(promulgation, "PromulgationDate", _date(record.issued_date))
    kind = sub(header, "DocumentType")
    types = settings["document_type"]
    sub(kind, "Type", types.get(record.type_code, types["default"]))
    sub(kind, "TypeName", _cut("3", record.type_name))
    sub(header, "Subject", _cut("8", record.subject))
    sub(header, "Content", _cut("8", record.subject))
    signer = sub(header, "SignerInfo")
    sub(signer, "Competence", record.competence)
    sub(signer, "Position", _cut("12.1", record.position))
    sub(signer, "FullName", _cut("12.2", record.full_name))
    sub(header, "DueDate", _date(record.due_date))
    places = sub(header, "ToPlaces")
    for addressee in record.to:
        sub(places, "Place", addressee.organ_name)
    other = sub(header, "OtherInfo")
    sub(other, "Priority", record.priority)
    sub(other, "SphereOfPromulgation", "")
    sub(other, "TyperNotation", "")
    sub(other, "PromulgationAmount", "" if record.issued_amount is None else record.issued_amount)
    sub(other, "PageAmount", "" if record.page_amount is None else record.page_amount)
    appendixes = sub(other, "Appendixes")
    if record.appendix:
        sub(appendixes, "Appendix", record.appendix)
    sub(header, "SteeringType", settings["steering_type"])
    sub(header, "DocumentId", document_id(record))
    manifest = sub(sub(wrapper, "edXMLBody"), "edXMLManifest", version="1.0")
    for item in attachments:
        reference = sub(manifest, "Reference", **{f"{{{XLINK}}}href": f"cid:{item.content_id}",
                                                   f"{{{XLINK}}}role": "XLinkRole", f"{{{XLINK}}}type": "simple"})
        sub(reference, "Description", item.description)
        sub(reference, "AttachmentName", item.name)
        sub(reference, "ContentType", item.content_type)
    if attachments:
        encoded = sub(root, "AttachmentEncoded")
        for item in attachments:
            attached = sub(encoded, "Attachment")
            sub(attached, "ContentType", item.content_type)
            sub(attached, "ContentId", item.content_id)
            sub(attached, "Description", item.description)
            sub(attached, "ContentTransferEncoded", base64.b64encode(item.data).decode("ascii"))
            sub(attached, "AttachmentName", item.name)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def envelope_name(docx_file: str) -> str:
    """``so-tu-phap/ke-hoach.docx`` → ``so-tu-phap/ke-hoach.edxml``."""
    return str(Path(docx_file).with_suffix(SUFFIX))
