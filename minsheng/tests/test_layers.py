"""Layers run one way (DESIGN.md): `core` imports no other app, `org` only `core`, the domain apps
those two (open311 translates cases; programmes such as elevators use the case engine); what gathers every app (the staff home page, the demo
loader, cross-app test factories, the API's assembly) sits in the project package, which no app
imports. A new upward import fails here with the file and line that made it."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]
# What each app may import from the project besides itself, and whether its tests are held to
# it too. Tests above `core` may use the cross-app factories (minsheng/testing.py) and walk an
# app's rules through the others (org's access rules over cases).
LAYERS = {
    "core": (set(), True),
    "org": ({"core"}, False),
    "pledges": ({"core", "org"}, False),
    "cases": ({"core", "org"}, False),
    "open311": ({"core", "org", "cases"}, False),
    # Programmes reuse the case engine (a 办不成事 case links to an application; a lift's fault
    # is a case); the case pages learn of them through cases.links, never by import.
    "elevators": ({"core", "org", "cases"}, False),
    # A firm's demands are enterprise cases; the registry learns of nothing above it.
    "enterprises": ({"core", "org", "cases"}, False),
    # Inspections are of the registry's firms; the registry shows them through its panels.
    "inspections": ({"core", "org", "cases", "enterprises"}, False),
    # Policies match the registry's firms; applications are cases.
    "policies": ({"core", "org", "cases", "enterprises"}, False),
    # The evaluation's reform tasks and rectifications run on the pledge engine; the services the
    # platform itself runs (cases, lift approvals, policy payments) are measured from their events.
    "evaluation": ({"core", "org", "pledges", "cases", "elevators", "enterprises", "policies"}, False),
    # City stations: feedback is a case of the stations category (issue 15).
    "stations": ({"core", "org", "cases"}, False),
}


def imported_project_parts(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == "minsheng" and len(parts) > 1:
                found.append((node.lineno, parts[1]))
    return found


def test_lower_layers_import_nothing_above_them():
    offences = []
    for layer, (allowed, tests_too) in LAYERS.items():
        for path in sorted((PACKAGE / layer).rglob("*.py")):
            if not tests_too and "tests" in path.relative_to(PACKAGE / layer).parts:
                continue
            for line, part in imported_project_parts(path):
                if part != layer and part not in allowed:
                    offences.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports minsheng.{part}")
    assert offences == []


def test_the_checker_sees_an_upward_import(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("from minsheng.cases.queries import inbox_tabs\nimport minsheng.org.workdays\n")
    assert imported_project_parts(sample) == [(1, "cases"), (1, "cases"), (2, "org")]
