"""No two apps import each other, directly or through others.

The apps form layers: `tandem` (shared infrastructure) imports no app; each app imports only
the apps below it; `composition` (the URL map, the middleware, the demo command) is the only
code that may import every app, and nothing imports it. A lower app that needs something
from a higher one declares an extension point (`tandem.hooks.Hook`) that the higher one
registers into from its `AppConfig.ready()`. Every import counts, at module level or inside
a function, under `TYPE_CHECKING` too; tests and migrations are left out.
"""

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LEFT_OUT = {"tests", "migrations"}
ROOT_PACKAGE = "composition"


def packages(root: Path) -> set[str]:
    return {p.parent.name for p in root.glob("*/__init__.py")} - {"bench", "tests"}


def import_graph(root: Path) -> dict[str, dict[str, str]]:
    """{app: {imported app: the first file that imports it}}."""
    apps = packages(root)
    graph: dict[str, dict[str, str]] = defaultdict(dict)
    for app in sorted(apps):
        for path in sorted((root / app).rglob("*.py")):
            relative = path.relative_to(root)
            if LEFT_OUT & set(relative.parts) or path.name.startswith("test"):
                continue
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    top = name.split(".")[0]
                    if top in apps and top != app:
                        graph[app].setdefault(top, str(relative))
    return graph


def cycles(graph: dict[str, dict[str, str]]) -> list[list[str]]:
    """The strongly connected components with more than one app (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(app: str) -> None:
        index[app] = low[app] = len(index)
        stack.append(app)
        for other in graph.get(app, {}):
            if other not in index:
                visit(other)
                low[app] = min(low[app], low[other])
            elif other in stack:
                low[app] = min(low[app], index[other])
        if low[app] == index[app]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == app:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for app in sorted(set(graph) | {b for edges in graph.values() for b in edges}):
        if app not in index:
            visit(app)
    return found


def _described(graph: dict[str, dict[str, str]], component: list[str]) -> str:
    edges = [
        f"  {a} -> {b} ({graph[a][b]})"
        for a in component
        for b in sorted(graph[a])
        if b in component
    ]
    return "\n".join([" <-> ".join(component), *edges])


def test_no_app_imports_another_that_imports_it_back():
    graph = import_graph(ROOT)
    found = cycles(graph)
    assert not found, "Apps import each other in a circle:\n" + "\n".join(
        _described(graph, component) for component in found
    )


def test_shared_infrastructure_imports_no_app():
    imported = import_graph(ROOT).get("tandem", {})
    assert not imported, f"tandem imports apps: {imported}"


def test_nothing_imports_the_composition_root():
    graph = import_graph(ROOT)
    importers = {app: edges[ROOT_PACKAGE] for app, edges in graph.items() if ROOT_PACKAGE in edges}
    assert not importers, f"Only settings name the composition root: {importers}"


def test_the_check_finds_a_circle(tmp_path):
    for app, imports in {
        "lower": "higher.views",
        "higher": "lower.models",
        "other": "lower",
    }.items():
        (tmp_path / app).mkdir()
        (tmp_path / app / "__init__.py").write_text("")
        (tmp_path / app / "services.py").write_text(f"def f():\n    import {imports}\n")
    assert cycles(import_graph(tmp_path)) == [["higher", "lower"]]
