"""Each module of the package binds a module-level name once: a second ``_PATTERN = re.compile(...)`` or ``def f`` with
the same name silently replaces the first for every caller above it (it happened four times in the router's modules:
``_CLAUSE_END``, ``_STILL_BUYING``, ``_COHORT_NAMED``, ``_SAME_LAST_YEAR``). Ruff's F811 sees only redefined imports and
functions used in between; this check sees every top-level assignment and definition."""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "crm_insights"
MODULES = sorted(PACKAGE.rglob("*.py"))


def _bindings(tree: ast.Module) -> Counter[str]:
    names: Counter[str] = Counter()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names[node.name] += 1
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    names[target.id] += 1
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            names[node.target.id] += 1
    return names


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_each_module_level_name_is_bound_once(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    twice = sorted(name for name, n in _bindings(tree).items() if n > 1 and name != "__all__")
    assert not twice, f"{path.relative_to(PACKAGE)} binds these module-level names more than once: {twice}"


def test_the_check_sees_a_second_binding() -> None:
    tree = ast.parse("import re\n_A = re.compile('a')\ndef f(): pass\n_A = re.compile('b')\n")
    assert _bindings(tree)["_A"] == 2
