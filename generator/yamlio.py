"""Reading YAML so that every value remembers its line.

Validation errors must name the file, the line and the field. PyYAML's node tree carries the
marks; we keep a map from field path (``("document", "sections", 0, "title")``) to line, refuse
duplicate keys (PyYAML silently keeps the last one) and keep dates as text so that "31/02/2021"
is reported by validation instead of crashing the parser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import InputError, Location

FieldPath = tuple[str | int, ...]


# libyaml's parser when PyYAML has it (a registry of 3,000 units loads ten times faster), else Python's.
_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):
    """SafeLoader without implicit timestamps: dates stay strings and are parsed by the model."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _decimal_int(loader, node):
    """"05" or "010" is what a secretary types for five or ten: decimal, never YAML 1.1's octal."""
    text = loader.construct_scalar(node).replace("_", "")
    if re.fullmatch(r"[-+]?0[0-9]+", text):
        return int(text, 10)
    return yaml.SafeLoader.construct_yaml_int(loader, node)


_Loader.add_constructor("tag:yaml.org,2002:int", _decimal_int)


@dataclass
class YamlDocument:
    """Parsed YAML data with the line of every mapping key and sequence item."""

    path: Path
    data: Any
    lines: dict[FieldPath, int] = field(default_factory=dict)

    def line_of(self, path: FieldPath) -> int | None:
        """The line of ``path``, or of its nearest ancestor that has one."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get(())

    def location(self, path: FieldPath) -> Location:
        return Location(self.path, self.line_of(path), field=format_path(path))


def format_path(path: FieldPath) -> str:
    """``("document", "sections", 0, "title")`` → ``document.sections[0].title``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


_YAML_PROBLEMS = [
    (re.compile(r"found character '\\t'|tab character"), "có ký tự Tab; YAML chỉ cho phép thụt lề bằng dấu cách"),
    (re.compile(r"mapping values are not allowed"), "dấu «:» đặt sai chỗ (nếu nội dung có dấu «:», hãy đặt cả câu trong ngoặc kép)"),
    (re.compile(r"could not find expected ':'"), "thiếu dấu «:» sau tên trường"),
    (re.compile(r"found unexpected end of stream|while scanning a quoted scalar"), "thiếu dấu ngoặc kép đóng"),
    (re.compile(r"did not find expected key|expected <block end>"), "thụt lề không thẳng hàng"),
    (re.compile(r"found undefined alias|found unhashable key"), "cú pháp YAML không hợp lệ"),
    (re.compile(r"special characters are not allowed|unacceptable character|control characters are not allowed"),
     "có ký tự điều khiển không in được (thường do chép từ phần mềm khác); hãy xóa ký tự đó"),
]


def _explain(problem: str) -> str:
    for pattern, message in _YAML_PROBLEMS:
        if pattern.search(problem):
            return message
    return f"cú pháp YAML không hợp lệ ({problem})"


def read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError("không tìm thấy tệp", Location(path)) from None
    except OSError as exc:
        raise InputError(f"không đọc được tệp ({exc.strerror})", Location(path)) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError("tệp không phải văn bản UTF-8", Location(path, line),
                         hint="hãy lưu lại tệp với bảng mã UTF-8") from None


def load(path: Path) -> YamlDocument:
    """Parse ``path``; syntax errors and duplicate keys become :class:`InputError` with a line."""
    path = Path(path)
    text = read_text(path)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise InputError("tệp rỗng", Location(path, 1))
        doc = YamlDocument(path, None)
        _record(node, (), doc)
        doc.data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        message = _explain(str(exc.problem or exc))
        if exc.context_mark is not None and mark is not None and exc.context_mark.line != mark.line:
            message += f"; phần này bắt đầu ở dòng {exc.context_mark.line + 1}"
        raise InputError(message, Location(path, line)) from None
    except yaml.YAMLError as exc:
        raise InputError(_explain(str(exc)), Location(path)) from None
    finally:
        loader.dispose()
    return doc


def _record(node: yaml.Node, path: FieldPath, doc: YamlDocument) -> None:
    doc.lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            line = key_node.start_mark.line + 1
            if key in seen:
                raise InputError(
                    f"khóa «{key}» bị lặp (đã có ở dòng {seen[key]})",
                    Location(doc.path, line, field=format_path(path + (key,))),
                )
            seen[key] = line
            doc.lines[path + (key,)] = line
            _record(value_node, path + (key,), doc)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            doc.lines[path + (index,)] = item.start_mark.line + 1
            _record(item, path + (index,), doc)
