"""The import graph of generator/ points one way through the layers (README, "Lớp và chiều phụ thuộc").

A module may import from its own layer or a lower one, never from a higher one, and no set of modules may
import each other in a circle. An import inside a function hides an edge from the reader; it is allowed only
to defer a heavy optional third-party dependency, with a comment saying why — never for vanban's own modules.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "generator"

# Lowest first. A name stands for a module or a whole sub-package; the longest matching name wins.
LAYERS: list[tuple[str, ...]] = [
    ("errors", "output", "ooxml", "resources", "data"),
    ("inline", "vietnamese", "metrics", "yamlio", "encodings", "vocabulary"),
    ("model", "validation", "layout", "store"),
    ("loading", "units", "migrate", "signature", "template_styles"),
    ("derive", "cascade", "results", "reports", "reminders"),
    ("render", "fastrender", "check", "importer", "pdf"),
    ("produce",),
    ("records", "edxml"),
    ("batch",),
    ("pipeline",),
    ("workplace", "accounts"),
    ("cli", "cli_vi", "web"),
]
DEVELOPER_TOOLS = "buildtools"  # may import anything; nothing imports them


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    line: int
    inside_function: bool
    third_party: bool = False
    commented: bool = False


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _resolve(importer: str, is_package: bool, level: int, module: str | None) -> str:
    base = importer.split(".") if is_package else importer.split(".")[:-1]
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join(base + ([module] if module else []))


def _function_ranges(tree: ast.AST) -> list[tuple[int, int]]:
    return [(n.lineno, n.end_lineno or n.lineno) for n in ast.walk(tree)
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))]


def edges() -> list[Edge]:
    known = modules()
    found = []
    for name, path in known.items():
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        tree = ast.parse(source)
        functions = _function_ranges(tree)
        for node in ast.walk(tree):
            if not isinstance(node, (ast.Import, ast.ImportFrom)):
                continue
            inside = any(start < node.lineno <= end for start, end in functions)
            comment = "#" in lines[node.lineno - 1] or (node.lineno >= 2 and lines[node.lineno - 2].strip().startswith("#"))
            if isinstance(node, ast.ImportFrom) and node.level:
                target = _resolve(name, path.name == "__init__.py", node.level, node.module)
            elif isinstance(node, ast.ImportFrom):
                target = node.module or ""
            else:
                for alias in node.names:
                    if alias.name.startswith("generator"):
                        found.append(Edge(name, alias.name, node.lineno, inside))
                    elif inside:
                        found.append(Edge(name, alias.name, node.lineno, inside, True, comment))
                continue
            if not target.startswith("generator"):
                if inside:
                    found.append(Edge(name, target, node.lineno, inside, True, comment))
                continue
            for alias in node.names:  # "from . import derive" names a module, "from .x import f" a function
                candidate = f"{target}.{alias.name}"
                found.append(Edge(name, candidate if candidate in known else target, node.lineno, inside))
    return found


def layer_of(module: str) -> int | None:
    """The layer index of ``generator.x.y``, by the longest name of LAYERS it starts with."""
    relative = module.split(".")[1:]
    best, depth = None, 0
    for index, names in enumerate(LAYERS):
        for layer_name in names:
            parts = layer_name.split(".")
            if relative[: len(parts)] == parts and len(parts) > depth:
                best, depth = index, len(parts)
    return best


def _unique(lines: list[str]) -> list[str]:
    return list(dict.fromkeys(lines))


def _where(edge: Edge) -> str:
    return f"{modules()[edge.source].relative_to(PACKAGE.parent)}:{edge.line}: {edge.source} → {edge.target}"


def _internal(edge: Edge) -> bool:
    return not edge.third_party and edge.target != "generator"


def test_every_module_has_a_layer():
    unplaced = [m for m in modules() if m != "generator" and layer_of(m) is None
                and m.split(".")[1] != DEVELOPER_TOOLS]
    assert not unplaced, f"modules with no layer in LAYERS (and in the README): {unplaced}"


def test_no_import_points_up_the_layers():
    upward = []
    for edge in filter(_internal, edges()):
        if edge.source.split(".")[1:2] == [DEVELOPER_TOOLS]:
            continue
        if edge.target.split(".")[1:2] == [DEVELOPER_TOOLS]:
            upward.append(_where(edge) + " (developer tools are imported by nothing)")
            continue
        source, target = layer_of(edge.source), layer_of(edge.target)
        if source is not None and target is not None and target > source:
            upward.append(_where(edge))
    assert not upward, "imports that point up the layers:\n" + "\n".join(_unique(upward))


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    # Tarjan's strongly connected components: any component of two or more modules is a cycle
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for following in graph.get(node, ()):
            if following not in index:
                visit(following)
                low[node] = min(low[node], low[following])
            elif following in on_stack:
                low[node] = min(low[node], index[following])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return cycles


def _graph(name_of) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for edge in filter(_internal, edges()):
        source, target = name_of(edge.source), name_of(edge.target)
        if source != target:
            graph.setdefault(source, set()).add(target)
    return graph


def test_no_import_cycle_between_modules():
    cycles = _cycles(_graph(lambda module: module))
    assert not cycles, f"modules that import each other in a circle: {cycles}"


def test_no_import_cycle_between_packages():
    """cascade/ → reports → cascade/ is a circle too, though no single module closes it."""
    cycles = _cycles(_graph(lambda module: ".".join(module.split(".")[:2])))
    assert not cycles, f"packages and modules that import each other in a circle: {cycles}"


def test_imports_inside_functions_only_defer_heavy_dependencies():
    hidden = [_where(e) for e in edges() if e.inside_function and _internal(e)]
    assert not hidden, "vanban's own modules imported inside a function (move to the top):\n" + "\n".join(_unique(hidden))
    silent = [_where(e) for e in edges() if e.inside_function and e.third_party and not e.commented]
    assert not silent, "deferred imports without a one-line reason:\n" + "\n".join(_unique(silent))


@pytest.mark.parametrize("module, layer", [("generator.ooxml.reading", 0), ("generator.check.anatomy", 5),
                                           ("generator.web.app", 11)])
def test_layers_are_found_by_the_longest_name(module, layer):
    assert layer_of(module) == layer
