"""The code's shape as the team keeps it (issue #34): lower packages import nothing from higher
ones, and no module grows past 400 lines."""

from __future__ import annotations

import ast
import re
from graphlib import CycleError, TopologicalSorter
from itertools import pairwise
from pathlib import Path

import tracker

PACKAGE = Path(tracker.__file__).parent
#: The web layer, besides the modules that hold a route's view (found from the app): it sits on
#: top of every package's services, so its imports do not order the packages.
WEB_MODULES = re.compile(r"\.(blueprint|receivers|cli|forms|openapi)$|^tracker(\.(web|wsgi|cli))?$")


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if "migrations" in parts:
            continue
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _runtime_imports(path: Path) -> set[str]:
    """The tracker modules ``path`` imports when it runs (not those under TYPE_CHECKING)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
        for node in ast.walk(block)
    }
    imported = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("tracker"):
            if node.module == "tracker":
                imported |= {f"tracker.{alias.name}" for alias in node.names}
            else:
                imported.add(node.module)
        elif isinstance(node, ast.Import):
            imported |= {a.name for a in node.names if a.name.startswith("tracker.")}
    return imported


def _package(module: str) -> str:
    return module.split(".")[1] if "." in module else module


def test_lower_packages_import_nothing_from_higher_ones(app):
    """The packages below the web layer form layers: no two import from each other, however
    indirectly. Where one must hear from a higher one, it sends a signal that the higher one
    connects to (as the outbox asks the evaluation to write its e-mails)."""
    views = {view.__module__ for view in app.view_functions.values()}
    graph: dict[str, set[str]] = {}
    why: dict[tuple[str, str], set[str]] = {}
    for module, path in _modules().items():
        if module in views or WEB_MODULES.search(module):
            continue
        for imported in _runtime_imports(path):
            edge = (_package(module), _package(imported))
            if edge[0] != edge[1]:
                graph.setdefault(edge[0], set()).add(edge[1])
                why.setdefault(edge, set()).add(module)
    try:
        order = list(TopologicalSorter(graph).static_order())
    except CycleError as error:
        cycle = error.args[1]
        steps = [f"{a} -> {b} ({', '.join(sorted(why[(a, b)]))})" for a, b in pairwise(cycle)]
        raise AssertionError("packages import each other: " + "; ".join(steps)) from None
    assert order.index("plan") < order.index("notifications") < order.index("evaluation")


def test_no_module_grows_past_400_lines():
    long = {
        module: lines
        for module, path in _modules().items()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > 400
    }
    assert long == {}
