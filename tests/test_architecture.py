"""The layers of docs/ARCHITECTURE.md, checked by parsing every module's imports.

The layer table in the document is the source of truth: every package of ``game`` must have a row,
a module may import only packages of lower layers (and its own), and each row's purity is enforced.
So the document cannot drift from the code.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.conftest import ROOT

GAME = ROOT / "game"
DOC = ROOT / "docs" / "ARCHITECTURE.md"

# What each purity forbids a package to import.
IMPURE = ("random", "time", "datetime", "os", "pathlib", "io", "socket", "subprocess", "shutil", "tempfile", "pygame", "pygame_gui", "secrets", "sys")
NO_FILES = ("os", "pathlib", "io", "socket", "subprocess", "shutil", "tempfile", "pygame", "pygame_gui", "time", "random")
PURITY = {"pure": IMPURE, "no files": NO_FILES, "any": ()}


def layer_table(text: str) -> dict[str, tuple[int, str]]:
    """The rows between the document's layer markers: package -> (layer, purity)."""
    block = text.split("<!-- layers: read by tests/test_architecture.py -->", 1)[1].split("<!-- end of layers -->", 1)[0]
    rows = {}
    for line in block.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 4 or not cells[0].isdigit():
            continue
        rows[cells[1].strip("`")] = (int(cells[0]), cells[3])
    return rows


LAYERS = layer_table(DOC.read_text(encoding="utf-8"))


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


def package_of(module: str) -> str | None:
    """The table's row a module belongs to: the longest package that contains it."""
    owners = [p for p in LAYERS if within(module, p)]
    return max(owners, key=len) if owners else None


def test_the_layer_table_reads() -> None:
    assert LAYERS["game.formula"] == (1, "pure")
    assert LAYERS["game.cli"][0] > LAYERS["game.ui"][0] > LAYERS["game.present"][0] > LAYERS["game.engine"][0]
    assert set(purity for _, purity in LAYERS.values()) <= set(PURITY)


@pytest.mark.parametrize("module, path", modules(), ids=[m for m, _ in modules()])
def test_every_module_has_a_row_in_the_architecture(module: str, path: Path) -> None:
    owner = package_of(module)
    # The bare ``game`` row covers only game/__init__.py: a new module or package needs its own row.
    assert owner is not None and (owner != "game" or module == "game"), (
        f"{path.relative_to(ROOT)}: add its package to the layer table in docs/ARCHITECTURE.md")


@pytest.mark.parametrize("module, path", modules(), ids=[m for m, _ in modules()])
def test_imports_point_downward(module: str, path: Path) -> None:
    owner = package_of(module)
    if owner is None:
        pytest.skip("no row (reported by the test above)")
    layer, purity = LAYERS[owner]
    problems = []
    for imported, line in imports(path):
        target = package_of(imported) if within(imported, "game") else None
        if target is not None and target != owner and LAYERS[target][0] >= layer:
            problems.append(f"{path.name}:{line} imports {imported} (layer {LAYERS[target][0]}) from layer {layer}")
        problems += [f"{path.name}:{line} imports {imported}, but {owner} is {purity}" for bad in PURITY[purity] if within(imported, bad)]
        if within(imported, "pygame") and not within(module, "game.ui"):
            problems.append(f"{path.name}:{line} imports pygame outside game.ui")
    assert not problems


def test_the_layer_check_catches_an_upward_edge_and_an_impure_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import random\nfrom game.session import Session\n")
    assert [name for name, _ in imports(bad)] == ["random", "game.session"]
    assert LAYERS[package_of("game.session.x")][0] > LAYERS["game.engine"][0]
    assert "random" in PURITY[LAYERS["game.engine"][1]]


def test_no_eval_or_exec_anywhere_in_game() -> None:
    for _module, path in modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id not in ("eval", "exec", "__import__"), f"{path}:{node.lineno}"


def test_no_game_specific_vocabulary_in_the_engine() -> None:
    # (The rule format itself is generic too: an ending has an "outcome", not an "alliance".)
    words = ("grain", "peasant", "kulak", "procurement", "harvest", "acres", "hammurabi", "nep", "bettelheim")
    for _module, path in modules():
        # The presentation layer, the controller and the text mode are generic too: the NEP's
        # words are in the rules' story, not in Python.
        generic = ("game.engine", "game.formula", "game.rules", "game.present", "game.controller", "game.text", "game.reports")
        if not any(within(_module, package) for package in generic):
            continue
        code = path.read_text().lower()
        hits = [w for w in words if re.search(rf"\b{w}", code)]
        assert not hits, f"{path}: {hits}"
