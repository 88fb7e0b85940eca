"""The import rules, read from the source: no circle, layers one way, no platform below bot/.

`python -m tests.test_layering [root]` prints the graph's figures (modules, edges, largest
strongly connected component).
"""

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "handlers", "store", "notifications")
PLATFORMS = ("telegram", "twilio", "starlette", "httpx", "uvicorn", "stripe")
# Who may import whom: bot -> handlers -> store, notifications -> store.
ALLOWED = {
    "bot": {"bot", "handlers", "store", "notifications"},
    "handlers": {"handlers", "store"},
    "notifications": {"notifications", "store"},
    "store": {"store"},
}


def modules(root: Path = ROOT) -> dict[str, Path]:
    """Every module of our packages, by dotted name (migrations' scripts left out)."""
    found = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            parts = path.relative_to(root).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports(path: Path) -> Iterator[tuple[str, int, bool]]:
    """(imported module, line, inside a function) for each run-time import of a file."""

    def walk(node: ast.AST, in_function: bool) -> Iterator[tuple[str, int, bool]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _type_checking(child):
                continue  # for the type checker only: nothing is imported at run time
            inner = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.Import):
                for alias in child.names:
                    yield alias.name, child.lineno, in_function
            elif isinstance(child, ast.ImportFrom) and child.module and not child.level:
                for alias in child.names:
                    yield f"{child.module}.{alias.name}", child.lineno, in_function
                yield child.module, child.lineno, in_function
            yield from walk(child, inner)

    yield from walk(ast.parse(path.read_text()), False)


def _resolve(name: str, known: dict[str, Path]) -> str | None:
    """The module of ours `name` is, or is in (`pkg.mod.func` -> `pkg.mod`)."""
    while name:
        if name in known:
            return name
        name = name.rpartition(".")[0]
    return None


def edges(root: Path = ROOT) -> tuple[set[tuple[str, str]], set[tuple[str, str, int]]]:
    """Module-level edges between our modules, and edges from imports inside functions."""
    known = modules(root)
    top, deferred = set(), set()
    for name, path in known.items():
        for imported, line, in_function in imports(path):
            target = _resolve(imported, known)
            if target is None or target == name or target == name.rpartition(".")[0]:
                continue
            if name.startswith(target + "."):
                continue  # a module importing its own package's __init__
            if in_function:
                deferred.add((name, target, line))
            else:
                top.add((name, target))
    return top, deferred


def components(nodes: set[str], graph: set[tuple[str, str]]) -> list[set[str]]:
    """Strongly connected components (Tarjan), largest first."""
    succ: dict[str, list[str]] = {n: [] for n in nodes}
    for a, b in graph:
        succ[a].append(b)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in succ[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            found.append(group)

    sys.setrecursionlimit(10_000)
    for node in sorted(nodes):
        if node not in index:
            visit(node)
    return sorted(found, key=len, reverse=True)


def _reaches(graph: set[tuple[str, str]], start: str, goal: str) -> bool:
    seen, todo = {start}, [start]
    while todo:
        node = todo.pop()
        if node == goal:
            return True
        for a, b in graph:
            if a == node and b not in seen:
                seen.add(b)
                todo.append(b)
    return False


def test_no_import_circle_between_our_modules():
    top, deferred = edges()
    every = top | {(a, b) for a, b, _ in deferred}
    circles = [c for c in components(set(modules()), every) if len(c) > 1]
    assert circles == [], f"import circles: {circles}"


def test_no_import_inside_a_function_dodges_a_circle():
    top, deferred = edges()
    dodging = [f"{a}:{line} -> {b}" for a, b, line in deferred if _reaches(top, b, a)]
    assert dodging == [], f"imports deferred into functions to hide a circle: {dodging}"


def test_layers_import_downwards_only():
    top, deferred = edges()
    wrong = [
        f"{a} -> {b}"
        for a, b in top | {(a, b) for a, b, _ in deferred}
        if b.split(".")[0] not in ALLOWED[a.split(".")[0]]
    ]
    assert wrong == [], f"imports against the layers: {wrong}"


def test_no_platform_library_below_bot():
    found = [
        f"{name} imports {imported} (line {line})"
        for name, path in modules().items()
        if not name.startswith("bot")
        for imported, line, _ in imports(path)
        if imported.split(".")[0] in PLATFORMS
    ]
    assert found == [], found


def test_only_the_engine_reads_the_routing_table():
    top, deferred = edges()
    readers = {a for a, b in top if b == "handlers.routes"}
    readers |= {a for a, b, _ in deferred if b == "handlers.routes"}
    assert readers == {"handlers.engine"}


def figures(root: Path = ROOT) -> str:
    top, deferred = edges(root)
    every = top | {(a, b) for a, b, _ in deferred}
    biggest = components(set(modules(root)), every)[0]
    return (
        f"modules {len(modules(root))}, edges {len(every)} "
        f"({len(deferred)} inside functions), largest strongly connected component "
        f"{len(biggest)}" + (f": {sorted(biggest)}" if len(biggest) > 1 else "")
    )


if __name__ == "__main__":
    print(figures(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT))
