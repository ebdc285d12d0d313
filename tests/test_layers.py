"""The import contract: schedules -> crawlers -> pipelines, no cycles, pipelines without Scrapy.

Read from the source (every import, at module level or inside a function), so
a lazy import cannot hide a cycle or a layer crossing.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("pipelines", "crawlers", "schedules")
# What each layer may not import (beyond the layers above it).
FORBIDDEN = {
    "pipelines": {"crawlers", "schedules", "scrapy", "twisted", "itemadapter", "scrapy_playwright"},
    "crawlers": {"schedules"},
    "schedules": set(),
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")}


def _imports(path: Path, name: str, known: set[str]) -> list[tuple[str, int]]:
    """(imported module, line) for every import in the file, first-party names resolved to modules."""
    is_pkg = path.name == "__init__.py"
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = name.split(".")
                anchor = anchor[: len(anchor) - node.level + (1 if is_pkg else 0)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.append((sub if sub in known else base, node.lineno))
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: {m for m, _ in _imports(path, name, known) if m in known and m != name}
            for name, path in modules.items()}


def test_layers_import_one_way():
    modules = _modules()
    known = set(modules)
    crossings = []
    for name, path in modules.items():
        layer = name.split(".")[0]
        for imported, line in _imports(path, name, known):
            if imported.split(".")[0] in FORBIDDEN[layer]:
                crossings.append(f"{path.relative_to(ROOT)}:{line} imports {imported}")
    assert crossings == []


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on_stack, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_no_import_cycles():
    assert _cycles(_graph()) == []


def test_cycle_finder_finds_a_cycle():
    # The check above could pass by finding nothing; show it finds a planted cycle.
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


BLOCKER = textwrap.dedent("""
    import importlib, importlib.abc, pkgutil, sys
    BLOCKED = {"scrapy", "twisted", "itemadapter", "scrapy_playwright", "crawlers", "schedules"}

    class Blocker(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in BLOCKED:
                raise ImportError(f"blocked: {name}")
            return None

    sys.meta_path.insert(0, Blocker())
    import pipelines
    names = [m.name for m in pkgutil.walk_packages(pipelines.__path__, "pipelines.")]
    for name in names:
        importlib.import_module(name)
    print(len(names))
""")


def test_pipelines_import_with_scrapy_and_twisted_absent():
    proc = subprocess.run([sys.executable, "-c", BLOCKER], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert int(proc.stdout.strip()) >= 20  # every module of pipelines/ was imported


def test_blocker_blocks():
    # The same blocker refuses a crawlers module (which needs Scrapy), so the test above means something.
    code = BLOCKER.replace("import pipelines\n", "import pipelines\nimport crawlers.runtime\n")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0 and "blocked" in proc.stderr
