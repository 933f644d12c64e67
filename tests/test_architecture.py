"""The shape of src/: no import cycle, no private name imported across modules, no function over 80 lines.

The import graph is read with ``ast`` from every ``import`` in a module, at any depth: imports inside functions
count (a function-level import that closes a cycle is still a cycle, only a deferred one). Imports under
``if TYPE_CHECKING:`` do not: they never run.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "pillscan"
MAX_FUNCTION_LINES = 80
#: The generator's families are long on purpose: each is one readable table of phrasings.
LONG_FUNCTIONS_ALLOWED_UNDER = ("pillscan/generate/",)
#: Functions over the limit, each owned by a helper rewriting that file now: split them there, then delete the entry
#: (test_every_allowance_is_still_needed fails once an entry is no longer needed).
LONG_FUNCTIONS_ALLOWED: dict[str, str] = {
    "pillscan.train.train_model": "196 lines; train.py is being changed now by the model and the analyst-loop work",
}
#: Underscore names still imported across modules (owner, why it is not fixed here).
PRIVATE_IMPORTS_ALLOWED: dict[str, str] = {}


@dataclass(frozen=True)
class Import:
    importer: str
    target: str  # the module imported (a package's __init__ for a name defined there)
    names: tuple[str, ...]  # the names taken from it (empty for ``import x``)
    line: int


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted((SRC / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _is_package(module: str) -> bool:
    return MODULES[module].name == "__init__.py"


def _type_checking_only(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _walk(node: ast.AST) -> Iterator[ast.AST]:
    """Every node, except the bodies of ``if TYPE_CHECKING:``."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and _type_checking_only(child):
            yield from (n for stmt in child.orelse for n in [stmt, *_walk(stmt)])
            continue
        yield child
        yield from _walk(child)


def _absolute(module: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".") if _is_package(module) else module.split(".")[:-1]
    base = base[: len(base) - node.level + 1]
    return ".".join([*base, node.module] if node.module else base)


def _imports(module: str) -> list[Import]:
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    out = []
    for node in _walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == PACKAGE and alias.name in MODULES:
                    out.append(Import(module, alias.name, (), node.lineno))
        elif isinstance(node, ast.ImportFrom):
            source = _absolute(module, node)
            if source.split(".")[0] != PACKAGE or source not in MODULES:
                continue
            names = tuple(alias.name for alias in node.names)
            # ``from pillscan import model`` imports the submodule; other names come from the package's __init__.
            submodules = [n for n in names if f"{source}.{n}" in MODULES]
            for name in submodules:
                out.append(Import(module, f"{source}.{name}", (), node.lineno))
            rest = tuple(n for n in names if n not in submodules)
            if rest:
                out.append(Import(module, source, rest, node.lineno))
    return out


IMPORTS = {module: _imports(module) for module in MODULES}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for succ in sorted(graph[node]):
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1 or node in graph[node]:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_import_graph_is_read_from_every_module() -> None:
    assert {"pillscan", "pillscan.cli", "pillscan.model", "pillscan.readers"} <= set(MODULES)
    # Function-level imports are in the graph: cli.py imports the model module inside its commands.
    assert "pillscan.model" in {i.target for i in IMPORTS["pillscan.cli"]}


def test_no_import_cycle_in_src() -> None:
    graph = {module: {i.target for i in IMPORTS[module] if i.target != module} for module in MODULES}
    cycles = _cycles(graph)
    detail = [
        " <-> ".join(cycle)
        + ": "
        + "; ".join(f"{i.importer}:{i.line} imports {i.target}" for m in cycle for i in IMPORTS[m] if i.target in cycle)
        for cycle in cycles
    ]
    assert not cycles, "\n".join(detail)


def test_the_cycle_finder_finds_cycles() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def test_no_module_imports_an_underscore_name_from_another_module() -> None:
    offenders = []
    for module, imports in IMPORTS.items():
        for imp in imports:
            key = f"{module} <- {imp.target}"
            private = [n for n in imp.names if _private(n)]
            if private and key not in PRIVATE_IMPORTS_ALLOWED:
                offenders.append(
                    f"{MODULES[module].relative_to(SRC)}:{imp.line} imports {', '.join(private)} from {imp.target}"
                )
    assert not offenders, "\n".join(offenders)


def test_private_modules_are_imported_only_inside_their_package() -> None:
    offenders = []
    for module, imports in IMPORTS.items():
        for imp in imports:
            parts = imp.target.split(".")
            private_at = [i for i, part in enumerate(parts) if _private(part)]
            if private_at:
                package = ".".join(parts[: private_at[0]])
                if not (module == package or module.startswith(package + ".")):
                    offenders.append(f"{MODULES[module].relative_to(SRC)}:{imp.line} imports {imp.target}")
    assert not offenders, "\n".join(offenders)


def _functions(path: Path) -> Iterator[tuple[str, int, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            assert node.end_lineno is not None
            yield node.name, node.lineno, node.end_lineno - node.lineno + 1


def test_no_function_in_src_is_over_80_lines() -> None:
    offenders = []
    for module, path in MODULES.items():
        where = path.relative_to(SRC).as_posix()
        if where.startswith(LONG_FUNCTIONS_ALLOWED_UNDER):
            continue
        for name, line, length in _functions(path):
            key = f"{module}.{name}"
            if length > MAX_FUNCTION_LINES and key not in LONG_FUNCTIONS_ALLOWED:
                offenders.append(f"{where}:{line} {name}: {length} lines")
    assert not offenders, "\n".join(offenders)


@pytest.mark.parametrize("allowed", sorted({**LONG_FUNCTIONS_ALLOWED, **PRIVATE_IMPORTS_ALLOWED}))
def test_every_allowance_is_still_needed(allowed: str) -> None:
    """An allow-list entry whose offence is gone must be removed (so the list only shrinks)."""
    if allowed in LONG_FUNCTIONS_ALLOWED:
        module, _, name = allowed.rpartition(".")
        lengths = [length for fname, _, length in _functions(MODULES[module]) if fname == name]
        assert any(length > MAX_FUNCTION_LINES for length in lengths), f"{allowed} is short now: remove it"
    else:
        module, _, target = allowed.partition(" <- ")
        assert any(imp.target == target and any(map(_private, imp.names)) for imp in IMPORTS[module])
