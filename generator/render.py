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
from pathlib import Path

import jinja2
from docxtpl import DocxTemplate
from jinja2.sandbox import SecurityError

from . import resources
from .errors import TemplateError
from .fastrender import compiled, jinja_environment, jinja_message
from .ooxml.package import normalise_package
from .vocabulary import CONG_VAN_TYPE

REPO_TEMPLATES = resources.templates()
TEMPLATE_FOR_TYPE = {"BC": "bao-cao.docx", "TTr": "bao-cao.docx"}
DEFAULT_TEMPLATE = "ke-hoach.docx"


def templates_dir() -> Path:
    """``$VANBAN_TEMPLATES`` if set, else the templates shipped with vanban (``templates_docx/``)."""
    return Path(os.environ.get("VANBAN_TEMPLATES", REPO_TEMPLATES))


def template_for(document) -> Path:
    """The template of a document: the Báo cáo layout (Kính gửi, Phụ lục) where it is needed; a công văn's own."""
    if document.type == CONG_VAN_TYPE:  # số, trích yếu "V/v …" under it, Kính gửi
        name = "cong-van.docx"
    elif document.appendix is not None:
        name = "bao-cao-ngang.docx" if document.appendix.landscape else "bao-cao.docx"
    else:
        name = TEMPLATE_FOR_TYPE.get(document.type, DEFAULT_TEMPLATE)
    return templates_dir() / name


def render_docx(template: Path, context: dict, *, title: str | None = None) -> bytes:
    """Render ``template`` with ``context``: the compiled path, equal to docxtpl's output part by part."""
    prepared = compiled(template)
    try:
        return prepared.render(context, title=title)
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


def render_docx_docxtpl(template: Path, context: dict, *, title: str | None = None) -> bytes:
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
    if title is not None:
        document.docx.core_properties.title = title
    buffer = io.BytesIO()
    document.save(buffer)
    return normalise_package(buffer.getvalue())
