"""The layers, checked by parsing every module's imports: a forbidden edge fails the suite."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.conftest import ROOT

GAME = ROOT / "game"

# package -> packages of ours it must never import (imports point downward only)
FORBIDDEN_INTERNAL = {
    "game.formula": ("game.rules", "game.engine", "game.session", "game.present", "game.controller", "game.text", "game.ui", "game.cli",
                     "game.saves"),
    "game.rules": ("game.engine", "game.session", "game.present", "game.controller", "game.text", "game.ui", "game.cli", "game.saves"),
    "game.engine": ("game.session", "game.present", "game.controller", "game.text", "game.ui", "game.cli", "game.saves"),
    "game.session": ("game.present", "game.controller", "game.text", "game.ui", "game.cli", "game.saves", "game.forecast"),
    # forecast plays seasons over a session, below the presentation layer: it calls none of it.
    "game.forecast": ("game.present", "game.controller", "game.text", "game.ui", "game.cli", "game.saves"),
    # saves sits beside the session's front ends: it reads and rebuilds sessions, and they call it.
    "game.saves": ("game.present", "game.controller", "game.text", "game.ui", "game.cli"),
    # the presentation layer turns numbers into words; it reads no files and knows no front end.
    "game.present": ("game.controller", "game.saves", "game.text", "game.ui", "game.cli"),
    # the controller runs a game for both front ends.
    "game.controller": ("game.text", "game.ui", "game.cli"),
    "game.text": ("game.ui", "game.cli"),
    # Safe file access and safe printing sit below everything: every reader, writer and printer calls them.
    "game.files": ("game.formula", "game.rules", "game.engine", "game.session", "game.report", "game.text", "game.ui", "game.cli",
                   "game.saves", "game.forecast", "game.textsafe"),
    "game.textsafe": ("game.formula", "game.rules", "game.engine", "game.session", "game.report", "game.text", "game.ui", "game.cli",
                      "game.saves", "game.forecast", "game.files"),
}
# The presentation layer reads no files and no clock either.
PRESENT_IMPURE = ("os", "pathlib", "io", "socket", "subprocess", "shutil", "tempfile", "pygame", "pygame_gui", "time", "random")
# The pure core: no I/O, no clock, no global random, no windowing.
IMPURE = ("random", "time", "datetime", "os", "pathlib", "io", "socket", "subprocess", "shutil", "tempfile", "pygame", "pygame_gui", "secrets", "sys")
PURE = ("game.engine", "game.formula")


def modules() -> list[tuple[str, Path]]:
    out = []
    for path in sorted(GAME.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out.append((name, path))
    return out


def imports(path: Path) -> list[tuple[str, int]]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, node.lineno))
    return found


def within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


@pytest.mark.parametrize("module, path", modules(), ids=[m for m, _ in modules()])
def test_imports_point_downward(module: str, path: Path) -> None:
    problems = []
    for imported, line in imports(path):
        for package, forbidden in FORBIDDEN_INTERNAL.items():
            if within(module, package):
                problems += [f"{path.name}:{line} imports {imported}" for f in forbidden if within(imported, f)]
        if within(module, PURE[0]) or within(module, PURE[1]):
            problems += [f"{path.name}:{line} imports {imported} in the pure core" for bad in IMPURE if within(imported, bad)]
        if within(module, "game.present"):
            problems += [f"{path.name}:{line} imports {imported} in the presentation layer" for bad in PRESENT_IMPURE if within(imported, bad)]
        if within(imported, "pygame") and not within(module, "game.ui"):
            problems.append(f"{path.name}:{line} imports pygame outside game.ui")
    assert not problems


def test_no_eval_or_exec_anywhere_in_game() -> None:
    for _module, path in modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id not in ("eval", "exec", "__import__"), f"{path}:{node.lineno}"


def test_architecture_test_catches_a_forbidden_edge(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import random\nfrom game.session import Session\n")
    assert [name for name, _ in imports(bad)] == ["random", "game.session"]


def test_no_game_specific_vocabulary_in_the_engine() -> None:
    # ("alliance" is part of the ending format itself: every ending says whether it holds.)
    words = ("grain", "peasant", "kulak", "procurement", "harvest", "acres", "hammurabi", "nep", "bettelheim")
    for _module, path in modules():
        # The presentation layer, the controller and the text mode are generic too: the NEP's
        # words are in the rules' story, not in Python.
        generic = ("game.engine", "game.formula", "game.rules", "game.present", "game.controller", "game.text")
        if not any(within(_module, package) for package in generic):
            continue
        code = path.read_text().lower()
        hits = [w for w in words if re.search(rf"\b{w}", code)]
        assert not hits, f"{path}: {hits}"
