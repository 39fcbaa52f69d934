"""The compiled render path used by every batch: docxtpl's output, without docxtpl's per-document work.

Plain docxtpl re-reads the template, re-patches its XML, re-compiles Jinja and re-zips every part for each
document. Here a template is prepared once per process — the body and the header parts that carry tags
are patched with docxtpl's own ``patch_xml`` and compiled once; every other part is kept deflated — and a
document costs one Jinja render per tagged part, one deflate per changed part and a zip assembled from
bytes. ``tests/test_fastrender.py`` holds the result to docxtpl's ``render()`` part by part.

This module also holds the Jinja sandbox every template renders in (:func:`jinja_environment`);
``render.py`` builds on it and nothing here imports ``render.py``.
"""

from __future__ import annotations

import os
import re
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import jinja2
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docxtpl import DocxTemplate
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

from .derive import PACKAGE_PARTS, package_additions
from .errors import Location, TemplateError
from .ooxml import source as xml_text
from .ooxml.package import Member, Rendered, deflate, members_of, too_large_unpacked, write_members

_TAG = re.compile(r"{[{%#]")
TAGS = re.compile(r"{{.*?}}|{%.*?%}")


def jinja_environment() -> SandboxedEnvironment:
    """Sandboxed (no Python internals), strict (a misspelt name is an error), escaping (no broken XML), and
    with a loader that finds nothing, so {% include %} and {% import %} cannot read files."""
    return SandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=True,
                                loader=jinja2.FunctionLoader(lambda name: None))


def where(line: str, tag: str | None = None, number: int | None = None) -> str:
    """"đoạn thứ N «…», thẻ «…»" for a line of template source (one paragraph a line). Without a tag, the
    first tag of the line is named — up to where the next one starts, when it was never closed."""
    text = re.sub(r"<[^>]+>", "", line).strip()
    if tag is None:
        opener = re.search(r"{[{%]", text)
        if opener:
            rest = text[opener.start():]
            closer = re.search(r"[}%]}", rest)
            following = re.search(r"{[{%]", rest[2:])
            end = closer.end() if closer and (not following or closer.start() < following.start() + 2) else \
                (following.start() + 2 if following else len(rest))
            tag = rest[:end].strip()
    text = text.split("{{", 2)[0:2]
    shown = "{{".join(text)[:80]
    paragraph = f"đoạn thứ {number}" if number else "đoạn"
    shown = f"{paragraph} «{shown}»" if shown else (paragraph if number else "một đoạn")
    return f"{shown}, thẻ «{re.sub(r'<[^>]+>', '', tag)}»" if tag else shown


# Jinja's messages, said in Vietnamese for the person who edited the template in Word.
_JINJA_MESSAGES = [
    (re.compile(r"Unexpected end of template.*?closed is '(\w+)'", re.S),
     lambda m: f"khối «{{% {m[1]} %}}» mở mà chưa đóng: thiếu «{{% end{m[1]} %}}»"),
    (re.compile(r"No (filter|test) named '([^']+)'"),
     lambda m: f"không có {'bộ lọc' if m[1] == 'filter' else 'phép thử'} «{m[2]}»"),
    (re.compile(r"Encountered unknown tag '([^']+)'"), lambda m: f"không có thẻ «{{% {m[1]} %}}»"),
    (re.compile(r"unexpected '([^']+)'"), lambda m: f"ký tự «{m[1]}» không đúng chỗ (thẻ viết thiếu hoặc thừa dấu ngoặc)"),
    (re.compile(r"unexpected end of template"), lambda m: "thẻ chưa được đóng (thiếu «}}» hoặc «%}»)"),
    (re.compile(r"expected token '([^']+)', got '([^']+)'"), lambda m: f"cần «{m[1]}» nhưng gặp «{m[2]}»"),
]


def jinja_message(message: str | None) -> str:
    for pattern, say in _JINJA_MESSAGES:
        found = pattern.search(message or "")
        if found:
            return say(found)
    return f"thẻ sai cú pháp ({message})"


def check_package(raw: bytes, path: Path) -> None:
    """A template is a zip from the user's hands: its size unpacked is bounded before anything opens it."""
    try:
        too_large = too_large_unpacked(raw)
    except zipfile.BadZipFile:
        raise TemplateError("mẫu văn bản bị hỏng, không phải tệp .docx (hãy lấy lại bản mẫu gốc)", Location(path)) from None
    if too_large:
        raise TemplateError("mẫu văn bản quá lớn khi giải nén (nghi là tệp độc hại), không mở", Location(path))




@dataclass
class _Part:
    name: str  # zip entry
    prefix: str  # text before the rendered region (the XML declaration and, for the document, up to the body)
    template: object  # compiled Jinja template of the region
    suffix: str


class CompiledTemplate:
    def __init__(self, path: Path, environment):
        self.path = Path(path)
        raw = self.path.read_bytes()
        check_package(raw, self.path)
        try:
            self.members = members_of(raw)
            document = DocxTemplate(self.path)
            document.init_docx()
        except TemplateError:
            raise
        except Exception:  # noqa: BLE001 - any damage inside the package: the file is not a usable .docx
            raise TemplateError("mẫu văn bản bị hỏng, không mở được bằng Word (hãy lấy lại bản mẫu gốc)",
                                Location(self.path)) from None
        self._listing = document.resolve_listing
        self.parts: list[_Part] = []
        self.sources: list[str] = []
        # the body, rendered as docxtpl does (get_xml → patch_xml → render_xml_part)
        part = document.docx.part
        whole = part.blob.decode("utf-8")
        start, end = xml_text.body_bounds(whole)
        self.parts.append(_Part(str(part.partname).lstrip("/"), whole[:start],
                                self._compile(document, document.get_xml(), environment), whole[end:]))
        for rel in part.rels.values():
            if rel.reltype in (RT.HEADER, RT.FOOTER) and not rel.is_external:
                xml = document.get_part_xml(rel.target_part)
                if _TAG.search(xml):
                    self.parts.append(_Part(str(rel.target_part.partname).lstrip("/"), xml_text.XML_DECLARATION,
                                            self._compile(document, xml, environment), ""))
        self.has_column_loops = "{%tc" in whole or "{%- tc" in whole
        core = next((m for m in self.members if m.name == "docProps/core.xml"), None)
        self.core = None
        if core is not None:
            self.core = zlib.decompress(core.data, -15).decode("utf-8")
        self._unchanged: dict[str, bytes] | None = None

    def unchanged_parts(self) -> dict[str, bytes]:
        """Every part of the template uncompressed, once: what a document passes on as it is."""
        if self._unchanged is None:
            self._unchanged = {m.name: zlib.decompress(m.data, -15) for m in self.members}
        return self._unchanged

    def _compile(self, document: DocxTemplate, xml: str, environment):
        source = xml_text.paragraphs_on_lines(document.patch_xml(xml))
        self.sources.append(source)
        try:
            return environment.from_string(source)
        except jinja2.TemplateSyntaxError as exc:  # a tag typed wrongly in Word
            lines = source.split("\n")
            number = exc.lineno if exc.lineno and exc.lineno <= len(lines) else None
            block = re.search(r"closed is '(\w+)'", exc.message or "")
            if block:  # Jinja stops at the end; the mistake is where the block opened
                number = _unclosed(lines, block.group(1)) or number
            line = lines[number - 1] if number else ""
            raise self.error(f"{where(line, number=self._paragraph(source, number))}: {jinja_message(exc.message)}")

    def error(self, message: str) -> TemplateError:
        return TemplateError(f"mẫu văn bản, {message}", Location(self.path))

    def _paragraph(self, source: str, line: int | None) -> int | None:
        """The paragraph number (1-based, in the part) of a line of the compiled source."""
        return line - 1 if line and line > 1 and source is self.sources[0] else None

    def locate(self, needle: str) -> str:
        """The paragraph and tag of the template where ``needle`` (a variable name) is used."""
        for source in self.sources:
            for number, line in enumerate(source.split("\n"), 1):
                for tag in TAGS.findall(line):
                    if re.search(rf"(?<!\w){re.escape(needle)}(?!\w)", tag):
                        return where(line, tag, self._paragraph(source, number))
        return "không rõ đoạn"

    def _render(self, template, context) -> str:
        xml = template.render(context)
        xml = xml_text.paragraphs_joined(xml)
        xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
        if "\t" in xml or "\n" in xml or "\a" in xml or "\f" in xml:
            xml = self._listing(xml)  # tabs and line breaks inside text, as docxtpl resolves them
        return xml

    def render(self, context: dict, *, title: str | None = None,
               properties: Mapping[str, str] | None = None) -> Rendered:
        changed: dict[str, bytes] = {}
        for part in self.parts:
            region = self._render(part.template, context)
            if xml_text.is_body(region) and (self.has_column_loops or "docPr" in region):
                region = self._fix_tree(region)
            changed[part.name] = (part.prefix + region + part.suffix).encode("utf-8")
        properties = {**(properties or {}), **({"title": title} if title is not None else {})}
        if properties and self.core is not None:
            changed["docProps/core.xml"] = xml_text.with_core_properties(self.core, properties).encode("utf-8")
        added = context.get(PACKAGE_PARTS)  # parts a document adds: the e-signature pictures, custom properties
        unchanged = self.unchanged_parts()
        if added:
            changed.update(package_additions(added, lambda name: unchanged[name].decode("utf-8")))
        parts = {**unchanged, **changed}
        members: list[Member] = [deflate(m.name, changed.pop(m.name)) if m.name in changed else m for m in self.members]
        members += [deflate(name, data) for name, data in changed.items()]
        return Rendered(write_members(members), parts)

    def _fix_tree(self, body: str) -> str:
        """Column loops and picture ids need docxtpl's tree fixes; only then is the body parsed."""
        document = DocxTemplate(self.path)
        document.render_init()
        tree = document.fix_tables(body)
        document.fix_docpr_ids(tree)
        return etree.tostring(tree, encoding="unicode")


def _unclosed(lines: list[str], block: str) -> int | None:
    """The line (1-based) where the last unclosed ``{% block %}`` opens."""
    opened: list[int] = []
    for number, line in enumerate(lines, 1):
        for tag in re.findall(r"{%[-+]?p?\s*(\w+)", re.sub(r"<[^>]+>", "", line)):
            if tag == block:
                opened.append(number)
            elif tag == f"end{block}" and opened:
                opened.pop()
    return opened[-1] if opened else None


@lru_cache(maxsize=16)
def _compiled(path: str, stamp: float) -> CompiledTemplate:
    return CompiledTemplate(Path(path), jinja_environment())


def compiled(path: Path) -> CompiledTemplate:
    """The template at ``path``, prepared once per process (again if the file changes)."""
    path = Path(path)
    if not path.is_file():
        raise TemplateError(f"không tìm thấy mẫu văn bản {path}")
    return _compiled(str(path.resolve()), os.stat(path).st_mtime)
