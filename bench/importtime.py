"""Parse ``python -X importtime`` reports into trees and attribute their time.

Only the standard library is needed, so the cold-start benchmark's children stay unaffected.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: Packages whose subtrees are excluded from a handler's own import time.
EXCLUDED_ROOTS = ("boto3", "botocore")


@dataclass
class Node:
    """One line of an ``-X importtime`` report."""

    name: str
    depth: int
    self_us: int
    cumulative_us: int
    children: list[Node] = field(default_factory=list)


def import_tree(report: str) -> list[Node]:
    """The top-level nodes of an ``-X importtime`` report (children are listed before their parent)."""
    stack: list[Node] = []
    for line in report.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        own, cumulative, name = line.split("|", 2)
        stripped = name.lstrip(" ")
        depth = (len(name) - len(stripped) - 1) // 2
        node = Node(stripped.strip(), depth, int(own.split(":")[1]), int(cumulative))
        while stack and stack[-1].depth > node.depth:
            node.children.insert(0, stack.pop())
        stack.append(node)
    return stack


def excluded_us(node: Node) -> int:
    """Microseconds under ``node`` spent in the outermost boto3/botocore subtrees."""
    if node.name.split(".")[0] in EXCLUDED_ROOTS:
        return node.cumulative_us
    return sum(excluded_us(child) for child in node.children)


def own_by_package(node: Node, into: dict[str, int]) -> dict[str, int]:
    """Self time (us) of every module outside boto3/botocore subtrees, summed by top-level package."""
    root = node.name.split(".")[0]
    if root not in EXCLUDED_ROOTS:
        into[root] = into.get(root, 0) + node.self_us
        for child in node.children:
            own_by_package(child, into)
    return into


def importer_of(nodes: list[Node], package: str) -> str | None:
    """The module that first imports ``package`` (the parent of its outermost node)."""
    for node in nodes:
        for child in node.children:
            if child.name.split(".")[0] == package and node.name.split(".")[0] != package:
                return node.name
        found = importer_of(node.children, package)
        if found:
            return found
    return None
