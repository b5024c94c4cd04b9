"""The imports between the project's top-level packages form a graph without cycles.

Read from the sources with ``ast`` (nothing is imported): every ``import x`` / ``from x import ...``
anywhere in a module, functions included, counts. Bottom up: ``labelchain_fn`` (the Lambda package, which
ships alone), ``stacks``, then ``labelchain_cli`` and ``sandbox`` (neither needs the other), ``demo`` on
both, and ``bench`` and ``scripts`` beside.
"""

from __future__ import annotations

import ast
import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
#: Top-level package → its folder.
PACKAGES = {
    "stacks": ROOT / "stacks",
    "labelchain_fn": ROOT / "lambdas" / "labelchain_fn",
    "labelchain_cli": ROOT / "labelchain_cli",
    "sandbox": ROOT / "sandbox",
    "demo": ROOT / "demo",
    "bench": ROOT / "bench",
    "scripts": ROOT / "scripts",
}
Graph = dict[str, dict[str, str]]


def _imported_packages(path: Path) -> Iterator[str]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module.split(".")[0]


def package_graph() -> Graph:
    """``{package: {imported package: first module that imports it}}`` between the top-level packages."""
    graph: Graph = {name: {} for name in PACKAGES}
    for name, folder in PACKAGES.items():
        for path in sorted(folder.rglob("*.py")):
            for imported in _imported_packages(path):
                if imported in PACKAGES and imported != name:
                    graph[name].setdefault(imported, str(path.relative_to(ROOT)))
    return graph


def find_cycle(graph: Graph) -> list[str] | None:
    """One cycle as ``[a, b, ..., a]``, or ``None``."""
    done: set[str] = set()

    def visit(node: str, path: list[str]) -> list[str] | None:
        if node in path:
            return [*path[path.index(node) :], node]
        if node in done:
            return None
        for imported in graph[node]:
            cycle = visit(imported, [*path, node])
            if cycle:
                return cycle
        done.add(node)
        return None

    for start in graph:
        cycle = visit(start, [])
        if cycle:
            return cycle
    return None


@pytest.fixture(scope="module")
def graph() -> Graph:
    return package_graph()


def test_the_graph_is_read_from_the_sources(graph: Graph) -> None:
    # GIVEN/WHEN the graph THEN it has the edges the demo is built on (the parser sees real imports)
    assert {"sandbox", "labelchain_cli"} <= set(graph["demo"])


def test_the_packages_import_each_other_without_a_cycle(graph: Graph) -> None:
    cycle = find_cycle(graph)
    steps = [f"{graph[a][b]} imports {b}" for a, b in itertools.pairwise(cycle or [])]
    assert cycle is None, "import cycle: " + "; ".join(steps)


@pytest.mark.parametrize("package", ["sandbox", "labelchain_cli"])
def test_the_demo_sits_on_top_nothing_below_imports_it(graph: Graph, package: str) -> None:
    assert "demo" not in graph[package], f"{graph[package].get('demo')} imports demo"


def test_the_lambda_package_imports_no_other_package(graph: Graph) -> None:
    # The function package is deployed alone (the asset is lambdas/): anything else would be missing in AWS.
    assert graph["labelchain_fn"] == {}


def test_finds_a_cycle_when_there_is_one() -> None:
    # GIVEN a -> b -> c -> a WHEN searched THEN the cycle is reported in import order
    graph: Graph = {"a": {"b": "a.py"}, "b": {"c": "b.py"}, "c": {"a": "c.py"}, "d": {}}
    assert find_cycle(graph) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b": "a.py"}, "b": {}}) is None
