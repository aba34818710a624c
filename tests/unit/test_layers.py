"""Imports point one way (README, Layout): voice imports no other project package; nlp only voice; reports
never the CLI or the workspace; nothing imports the CLI. Read from the source, so a new import line that breaks
the rule fails here before it tangles the packages."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ("voice", "nlp", "interview", "reports")


def imported_packages(path: Path) -> set[str]:
    """The project modules a file imports, at the top or inside functions (lazy imports count too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return {name for name in found if name.split(".")[0] in PACKAGES}


def sources(package: str) -> list[Path]:
    return sorted((REPO / package).rglob("*.py"))


@pytest.mark.parametrize("package, allowed", [("voice", ("voice",)), ("nlp", ("nlp", "voice"))])
def test_lower_layers_import_nothing_above_them(package, allowed):
    wrong = {f"{path.relative_to(REPO)}: {name}" for path in sources(package) for name in imported_packages(path)
             if name.split(".")[0] not in allowed}
    assert not wrong, sorted(wrong)


def test_nothing_outside_the_front_ends_imports_them():
    front_ends = ("interview.cli", "interview.web")
    wrong = set()
    for package in PACKAGES:
        for path in sources(package):
            relative = path.relative_to(REPO).as_posix()
            if relative.startswith(("interview/cli/", "interview/web/")) or relative == "interview/__main__.py":
                continue   # `python -m interview` is the command's own entry point
            wrong |= {f"{relative}: {name}" for name in imported_packages(path) if name.startswith(front_ends)}
    assert not wrong, sorted(wrong)


def test_interview_core_leaves_reports_to_its_front_ends():
    wrong = {f"{path.relative_to(REPO)}: {name}" for path in sources("interview")
             if not path.relative_to(REPO).as_posix().startswith(("interview/cli/", "interview/web/"))
             for name in imported_packages(path) if name.split(".")[0] == "reports"}
    assert not wrong, sorted(wrong)
