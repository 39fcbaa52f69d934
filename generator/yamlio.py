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

# A plan, a registry, a results or an overrides file comes from a user's hands, over the web too: YAML's
# anchors and aliases (&a, *a) let a few kilobytes stand for billions of nodes once followed ("billion
# laughs"; 27 KB took 55 s and 2.6 GB). The largest file vanban ships (a province's registry) has about
# 5,000 nodes; a registry of 3,000 units about 60,000.
MAX_NODES = 200_000  # nodes of the document with every alias followed
MAX_DEPTH = 100  # mappings and lists inside each other
TOO_MANY = (f"tệp có hơn {MAX_NODES:,} phần tử".replace(",", ".") + " khi mở các bí danh YAML (&tên, *tên); vanban "
            "không đọc tệp như vậy (nghi là tệp độc hại)")
TOO_BIG = f"tệp có hơn {MAX_NODES:,} phần tử".replace(",", ".") + "; vanban không đọc tệp lớn như vậy"
TOO_DEEP = f"các mục lồng nhau quá sâu (hơn {MAX_DEPTH} tầng); vanban không đọc tệp như vậy"


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
    (re.compile(r"expected '-' indicator"), "thụt lề không thẳng hàng với danh sách (các mục «- » phải cùng một cột)"),
    (re.compile(r"found unknown escape character|expected escape sequence|expected hexdecimal"),
     "trong ngoặc kép, dấu «\\» phải viết thành «\\\\» (hoặc đặt giá trị trong nháy đơn '…')"),
    (re.compile(r"expected alphabetic or numeric character|found undefined alias|cannot start any token"),
     "ký tự đầu giá trị (như * & @ ` ! % |) có nghĩa riêng trong YAML; hãy đặt cả giá trị trong ngoặc kép"),
    (re.compile(r"exceeded maximum nesting depth"), TOO_DEEP),
    (re.compile(r"found unhashable key|while parsing a flow"), "cú pháp YAML không hợp lệ ở đây"),
    (re.compile(r"special characters are not allowed|unacceptable character|control characters are not allowed"),
     "có ký tự điều khiển không in được (thường do chép từ phần mềm khác); hãy xóa ký tự đó"),
]


def _explain(problem: str) -> str:
    for pattern, message in _YAML_PROBLEMS:
        if pattern.search(problem):
            return message
    return "cú pháp YAML không hợp lệ ở đây (xem lại dấu ngoặc, dấu «:» và thụt lề)"


# What the YAML 1.1 reader accepts (spec 5.1 "c-printable"); anything else stops the parse.
_NOT_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_QUOTE_OPENED = re.compile(r'(?:^|:\s|-\s|\[|,\s?)"')


def _unclosed_quote(text: str, first: int, last: int) -> int | None:
    """The line (1-based) between ``first`` (0-based) and ``last`` where a double-quoted value opens and is
    not closed: YAML then reads on over the following lines and fails far from the real mistake."""
    lines = text.split("\n")  # as YAML counts lines (str.splitlines also breaks at \x0b, \x1c, \u2028 …)
    for number in range(first, min(last, len(lines))):
        content = lines[number].split(" #")[0]
        quotes = len(re.findall(r'(?<!\\)"', content))
        if quotes % 2 and _QUOTE_OPENED.search(content.lstrip()):
            return number + 1
    return None


def read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError("không tìm thấy tệp", Location(path)) from None
    except OSError as exc:
        raise InputError(f"không đọc được tệp ({exc.strerror})", Location(path)) from None
    return decode(raw, path)


def decode(raw: bytes, path: Path | str) -> str:
    """UTF-8 text (a byte-order mark dropped), or an :class:`InputError` with the line of the first bad byte."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError("tệp không phải văn bản UTF-8", Location(path, line),
                         hint="hãy lưu lại tệp với bảng mã UTF-8") from None


def load(path: Path) -> YamlDocument:
    """Parse ``path``; syntax errors and duplicate keys become :class:`InputError` with a line."""
    path = Path(path)
    return parse(read_text(path), path)


def load_bytes(data: bytes, name: Path | str) -> YamlDocument:
    """:func:`load` for bytes already in hand (an upload); ``name`` is what messages call the file."""
    return parse(decode(data, name), name)


def _bounded_events(text: str, path: Path | str) -> None:
    """Refuse a document with more than MAX_NODES nodes before any is built, or nested deeper than MAX_DEPTH.
    Events stream past one at a time: memory stays flat however large the file."""
    loader = _Loader(text)
    nodes = depth = 0
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, (yaml.ScalarEvent, yaml.AliasEvent, yaml.CollectionStartEvent)):
                nodes += 1
                if nodes > MAX_NODES:
                    raise InputError(TOO_BIG, Location(path, event.start_mark.line + 1))
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise InputError(TOO_DEEP, Location(path, event.start_mark.line + 1))
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    finally:
        loader.dispose()


def _bounded_aliases(root: yaml.Node, path: Path | str) -> None:
    """Refuse a node graph whose aliases, followed, make more than MAX_NODES nodes or nest deeper than
    MAX_DEPTH (or that contains itself). Each node is measured once and its subtree's size and height are
    remembered, so a bomb is measured without being expanded."""
    measured: dict[int, tuple[int, int]] = {}  # id(node) → (nodes, height) of its subtree, aliases followed
    open_: set[int] = set()

    def measure(node: yaml.Node, level: int) -> tuple[int, int]:
        key = id(node)
        if key in open_:
            raise InputError("bí danh YAML (*tên) trỏ vào chính mục chứa nó; vanban không đọc tệp như vậy",
                             Location(path, node.start_mark.line + 1))
        if key not in measured:
            if level > MAX_DEPTH:
                raise InputError(TOO_DEEP, Location(path, node.start_mark.line + 1))
            open_.add(key)
            if isinstance(node, yaml.MappingNode):
                children = [part for pair in node.value for part in pair]
            elif isinstance(node, yaml.SequenceNode):
                children = node.value
            else:
                children = []
            total, height = 1, 1
            for child in children:
                nodes, below = measure(child, level + 1)
                total, height = total + nodes, max(height, below + 1)
                if total > MAX_NODES:  # the smallest subtree too large: its line is where the bomb is built
                    raise InputError(TOO_MANY, Location(path, node.start_mark.line + 1))
            open_.discard(key)
            measured[key] = total, height
        nodes, height = measured[key]
        if level + height > MAX_DEPTH + 1:
            raise InputError(TOO_DEEP, Location(path, node.start_mark.line + 1))
        return nodes, height

    measure(root, 1)


def parse(text: str, path: Path | str) -> YamlDocument:
    """Parse YAML ``text`` read from ``path`` (named in messages), bounded in nodes, aliases and depth."""
    loader = _Loader(text)
    try:
        _bounded_events(text, path)
        node = loader.get_single_node()
        if node is None:
            raise InputError("tệp rỗng", Location(path, 1))
        _bounded_aliases(node, path)
        doc = YamlDocument(path, None)
        _record(node, (), doc)
        doc.data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        opened = _unclosed_quote(text, exc.context_mark.line if exc.context_mark else 0, line or 0)
        bracket = re.search(r"expected ',' or '([\]}])'", str(exc.problem))
        if bracket and exc.context_mark is not None:
            pair = "[" if bracket.group(1) == "]" else "{"
            raise InputError(f"dấu «{pair}» mở ở dòng này chưa được đóng bằng «{bracket.group(1)}» (hoặc thiếu dấu phẩy "
                             "giữa các phần tử)", Location(path, exc.context_mark.line + 1)) from None
        if opened:
            raise InputError("dấu ngoặc kép «\"» mở ở dòng này chưa được đóng, nên YAML đọc lẫn sang các dòng sau "
                             f"(đến dòng {line})", Location(path, opened)) from None
        message = _explain(str(exc.problem or exc))
        if exc.context_mark is not None and mark is not None and exc.context_mark.line != mark.line:
            message += f"; phần này bắt đầu ở dòng {exc.context_mark.line + 1}"
        raise InputError(message, Location(path, line)) from None
    except yaml.reader.ReaderError as exc:
        # A character YAML refuses (\x00, \x0b, \x0c …): say which one and where it is.
        # (libyaml counts its position in UTF-8 bytes, the pure-Python reader in characters: search instead)
        bad = _NOT_PRINTABLE.search(text)
        position = bad.start() if bad else 0
        before = text[:position]
        line, column = before.count("\n") + 1, position - (before.rfind("\n") + 1) + 1
        code = ord(bad.group()) if bad else 0
        raise InputError(f"có ký tự điều khiển không in được (mã {code:#04x}) ở cột {column}, thường do chép từ phần "
                         "mềm khác; hãy xóa ký tự đó", Location(path, line)) from None
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
