"""Render a docxtpl template with a context into .docx bytes.

Templates render in Jinja's sandbox with StrictUndefined and autoescaping: a tag cannot reach Python
internals, a misspelt variable is an error rather than a blank, and "&" or "<" in a name cannot break
the XML. Output bytes are reproducible (fixed zip entry times). The compiled path and the sandbox are in
``fastrender.py``; this module chooses the template and says Jinja's errors in Vietnamese.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Mapping
from pathlib import Path

import jinja2
from docxtpl import DocxTemplate
from jinja2.sandbox import SecurityError

from . import derive, resources
from .errors import TemplateError
from .fastrender import compiled, jinja_environment, jinja_message
from .ooxml.package import Rendered, read_package, write_package
from .ooxml.source import with_core_properties
from .vocabulary import CONG_VAN_TYPE

REPO_TEMPLATES = resources.templates()
TEMPLATE_FOR_TYPE = {"BC": "bao-cao.docx", "TTr": "bao-cao.docx"}
DEFAULT_TEMPLATE = "ke-hoach.docx"


def templates_dir() -> Path:
    """``$VANBAN_TEMPLATES`` if set, else the templates shipped with vanban (``templates_docx/``)."""
    return Path(os.environ.get("VANBAN_TEMPLATES", REPO_TEMPLATES))


def template_for(document, *, electronic: bool = False) -> Path:
    """The template of a document: the Báo cáo layout (Kính gửi, Phụ lục) where it is needed; a công văn's own.
    An electronic draft carries no Phụ lục (it goes to a file of its own, :func:`appendix_docx`), so its pages
    are those of a document without one."""
    if document.type == CONG_VAN_TYPE:  # số, trích yếu "V/v …" under it, Kính gửi
        name = "cong-van.docx"
    elif document.appendix is not None and not electronic:
        name = "bao-cao-ngang.docx" if document.appendix.landscape else "bao-cao.docx"
    else:
        name = TEMPLATE_FOR_TYPE.get(document.type, DEFAULT_TEMPLATE)
    return templates_dir() / name


def core_properties(context: Mapping, *, title: str | None = None, subject: str | None = None,
                    keywords: str | None = None, creator: str | None = None) -> dict[str, str]:
    """The document's core properties (title, author, subject, keywords), which LibreOffice and ``pdf.py``
    carry into a PDF's Info and XMP. What the caller gives wins; otherwise, from a render context of
    ``derive.document_context``: the author is the issuer as its header names it ("ỦY BAN NHÂN DÂN TỈNH GIA
    LAI"), the keywords are the tên loại, the ký hiệu, the place and the year. A context without those keys
    (a test's, a user's template) leaves the template's own values."""
    issuer = context.get("co_quan", {}).get("ten") if isinstance(context.get("co_quan"), Mapping) else None
    if creator is None and isinstance(issuer, (list, tuple)) and all(isinstance(x, str) for x in issuer) and issuer:
        creator = " ".join(line.strip() for line in issuer if line.strip())
    if keywords is None:
        keywords = _keywords(context) or None
    chosen = {"title": title, "creator": creator, "subject": subject, "keywords": keywords}
    return {key: value for key, value in chosen.items() if value}


def _keywords(context: Mapping) -> str:
    words = []
    kind = context.get("ten_loai")
    if isinstance(kind, str) and kind.strip():
        words.append(kind.strip()[:1] + kind.strip()[1:].lower())  # "KẾ HOẠCH" → "Kế hoạch"
    number = context.get("so_ky_hieu")
    found = re.search(r"Số:\s*(\S+)", number) if isinstance(number, str) else None
    if found:
        words.append(found.group(1).lstrip("/"))  # "…/KH-UBND" → "KH-UBND"; a given number stays: "12/KH-UBND"
    place_date = context.get("dia_danh_ngay")
    if isinstance(place_date, str) and "," in place_date:
        words.append(place_date.split(",", 1)[0].strip())
        year = re.search(r"(\d{4})\s*$", place_date)
        if year:
            words.append(year.group(1))
    return "; ".join(w for w in words if w)


def render_docx(template: Path, context: dict, *, title: str | None = None, subject: str | None = None,
                keywords: str | None = None, creator: str | None = None) -> bytes:
    """Render ``template`` with ``context``: the compiled path, equal to docxtpl's output part by part.
    The core properties are set by :func:`core_properties`."""
    return render_package(template, context, title=title, subject=subject, keywords=keywords, creator=creator).data


def render_package(template: Path, context: dict, *, title: str | None = None, subject: str | None = None,
                   keywords: str | None = None, creator: str | None = None) -> Rendered:
    """:func:`render_docx`, with the parts it zipped (for :func:`~generator.check.check_rendered`)."""
    prepared = compiled(template)
    properties = core_properties(context, title=title, subject=subject, keywords=keywords, creator=creator)
    try:
        return prepared.render(context, properties=properties)
    except SecurityError as exc:
        name = re.search(r"attribute '([^']+)'", str(exc))
        place = prepared.locate(name.group(1)) if name else "không rõ đoạn"
        raise prepared.error(f"{place}: thẻ không được phép (truy cập phần bên trong của Python bị chặn)") from None
    except jinja2.UndefinedError as exc:
        name = re.search(r"'([^']+)' is undefined|has no attribute '([^']+)'", exc.message or "")
        variable = next((g for g in name.groups() if g), None) if name else None
        place = prepared.locate(variable) if variable else "không rõ đoạn"
        raise prepared.error(f"{place}: dùng biến «{variable or exc.message}» không có trong dữ liệu") from None
    except jinja2.TemplateNotFound as exc:  # {% include %}, {% import %}, {% extends %}: no files to read
        raise prepared.error(f"{prepared.locate(str(exc.name))}: mẫu không được nạp tệp khác ({exc.name})") from None
    except jinja2.TemplateError as exc:
        raise prepared.error(jinja_message(exc.message)) from None


def appendix_docx(document, registry, *, layout=None) -> bytes | None:
    """An electronic draft's Phụ lục as a .docx of its own (Nghị định 30/2020/NĐ-CP, Phụ lục I, mục III.1.d):
    its top-right block for the văn thư's digital signature, then the Phụ lục; None without a Phụ lục. Rendered
    with the document's own template (its page orientation)."""
    context = derive.appendix_document_context(document, registry, layout)
    if context is None:
        return None
    unit = registry.unit(document.issuer)
    # its author the issuer, as its document's (the PDF's XMP dc:creator, as an archive reads it)
    return render_docx(template_for(document), context, title=f"Phụ lục: {context['phu_luc']['tieu_de']}",
                       creator=" ".join(line.strip() for line in unit.header if line.strip()) or None,
                       subject=f"Phụ lục của {derive.document_title(document)}")


def render_docx_docxtpl(template: Path, context: dict, *, title: str | None = None, subject: str | None = None,
                        keywords: str | None = None, creator: str | None = None) -> bytes:
    """The reference: docxtpl's own ``render()`` and ``save()`` (slow; kept for tests and the benchmark)."""
    if not template.is_file():
        raise TemplateError(f"không tìm thấy mẫu văn bản {template}")
    try:
        document = DocxTemplate(template)
        document.render(context, jinja_env=jinja_environment(), autoescape=True)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"mẫu {template.name} có thẻ sai cú pháp: {exc.message}") from None
    except jinja2.UndefinedError as exc:
        raise TemplateError(f"mẫu {template.name} dùng biến không có: {exc.message}") from None
    except SecurityError as exc:
        raise TemplateError(f"mẫu {template.name} có thẻ không được phép: {exc}") from None
    buffer = io.BytesIO()
    document.save(buffer)
    properties = core_properties(context, title=title, subject=subject, keywords=keywords, creator=creator)
    parts = [(name, with_core_properties(content.decode("utf-8"), properties).encode("utf-8")
              if name == "docProps/core.xml" and properties else content)
             for name, content in read_package(buffer.getvalue())]
    return write_package(parts)  # re-zipped with fixed entry times (python-docx stamps the current time)
