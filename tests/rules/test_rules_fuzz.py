"""Mangled rule files never crash the loader: they load, or fail with located problems."""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.rules.problems import LoadError
from game.rules.reading import display_name
from game.rules.ruleset import load_ruleset, ruleset_warnings
from game.rules.scenario import load_scenario
from tests.rules.ruleskit import MINI, MINI_GAME

TARGETS = ["ruleset.toml", "model.toml", "outcomes.toml", "scenario"]
EXTREMES = ["1e308", "-1e308", "5e-324", "0", "-0.0", "inf", "-inf", "nan", "99999999999999999999999", "-1", "0.1"]
NUMBER = re.compile(r"(?<=[=\[, ])-?\d+(\.\d+)?(?=[\],\n ])")
NOISE = st.text(alphabet=st.sampled_from(list('[]{}"\'=.,#\n\\ \t-_+*()<>0123456789aezAZ\u00e9\u65e5\ufeff\r\x00')), min_size=1, max_size=8)


def mutate(text: str, data: st.DataObject) -> str:
    kind = data.draw(st.sampled_from(["delete line", "swap", "insert", "extreme number"]))
    numbers = list(NUMBER.finditer(text))
    if kind == "extreme number" and numbers:
        m = data.draw(st.sampled_from(numbers))
        return text[:m.start()] + data.draw(st.sampled_from(EXTREMES)) + text[m.end():]
    if kind == "delete line":
        lines = text.split("\n")
        index = data.draw(st.integers(0, len(lines) - 1))
        return "\n".join(lines[:index] + lines[index + 1:])
    if kind == "swap":
        i = data.draw(st.integers(0, len(text) - 2))
        j = data.draw(st.integers(0, len(text) - 1))
        chars = list(text)
        chars[i], chars[j] = chars[j], chars[i]
        return "".join(chars)
    at = data.draw(st.integers(0, len(text)))
    return text[:at] + data.draw(NOISE) + text[at:]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(target=st.sampled_from(TARGETS), data=st.data())
def test_mangled_files_load_or_fail_with_located_problems(target: str, data: st.DataObject) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        shutil.copytree(MINI, root / "mini")
        (root / "scenarios").mkdir()
        shutil.copy(MINI_GAME, root / "scenarios" / "mini-game.toml")
        path = root / "scenarios" / "mini-game.toml" if target == "scenario" else root / "mini" / target
        for _ in range(data.draw(st.integers(1, 3))):
            path.write_text(mutate(path.read_text(encoding="utf-8"), data), encoding="utf-8")
        lines = path.read_text(encoding="utf-8").count("\n") + 1
        try:
            if target == "scenario":
                scenario = load_scenario("mini-game", root)
                assert scenario.ruleset.id == "mini"
            else:
                ruleset = load_ruleset(root / "mini")
                for warning in ruleset_warnings(ruleset):
                    assert warning.severity == "warning" and warning.line >= 1 and warning.col >= 1
        except LoadError as err:
            assert err.problems
            for problem in err.problems:
                assert problem.line >= 1 and problem.col >= 1, problem
                assert problem.message, problem
                if problem.file == display_name(path):
                    assert problem.line <= lines, problem


# --- the locator finds every key of any document -------------------------------------------------

KEYS = st.text(alphabet=st.sampled_from(list("ab_-1 .\"'é\\")), min_size=1, max_size=4)
SCALARS = st.one_of(st.integers(-10**6, 10**6), st.floats(allow_nan=False, allow_infinity=False), st.booleans(),
                    st.text(alphabet=st.sampled_from(list("ab \"'\\\n\t#[]{}=é")), max_size=6))
DOCS = st.recursive(
    SCALARS,
    lambda children: st.one_of(st.lists(children, max_size=3), st.dictionaries(KEYS, children, max_size=3)),
    max_leaves=12,
)


def leaves(data: object, path: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    if isinstance(data, dict):
        return [p for k, v in data.items() for p in leaves(v, path + (k,))] or [path]
    if isinstance(data, list):
        return [p for i, v in enumerate(data) for p in leaves(v, path + (i,))] or [path]
    return [path]


@settings(max_examples=200, deadline=None)
@given(data=st.dictionaries(KEYS, DOCS, min_size=1, max_size=4), multiline=st.booleans())
def test_locator_places_every_value(data: dict[str, object], multiline: bool) -> None:
    import tomllib

    import tomli_w

    from game.rules.locate import locate

    text = tomli_w.dumps(data, multiline_strings=multiline)
    assert tomllib.loads(text) == data
    positions = locate(text).positions
    lines = text.split("\n")
    for path in leaves(data):
        if not path:
            continue
        assert path in positions, (path, text)
        pos = positions[path]
        first = lines[pos.value_line - 1][pos.value_col - 1]
        value: Any = data
        for part in path:
            value = value[part]
        expected = {bool: "tf", int: "-+0123456789", float: "-+0123456789in", str: "\"'"}.get(type(value), "[{")
        if isinstance(value, (dict, list)) and not value:
            expected = "[{"
        assert first in expected, (path, pos, text)
