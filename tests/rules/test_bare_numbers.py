"""No game number hides in a shipped model formula: each is a named, described, bounded and cited
parameter (see game/rules/bare_numbers.py for the numbers that count as part of how a formula is
written). Scenarios are left out: a scenario cannot declare a parameter."""

from __future__ import annotations

from pathlib import Path

import pytest

from game.formula.parser import parse
from game.rules.bare_numbers import bare_numbers, is_model_formula, lever_choices
from game.rules.ruleset import MANIFEST_FILE, load_ruleset
from tests.rules.ruleskit import ROOT

RULES = ROOT / "rules"
RULE_SETS = sorted(p for p in RULES.iterdir() if p.is_dir() and (p / MANIFEST_FILE).exists())

# Formulas of a shipped rule set allowed to hold game numbers for now: none (the base rules' last
# were named in December 2026). Keep it empty; name a new number as a parameter instead.
PENDING: frozenset[str] = frozenset()


def found(folder: Path) -> dict[str, list[float]]:
    ruleset = load_ruleset(folder)
    choices = lever_choices(ruleset.levers)
    out = {}
    for key, formula in ruleset.formulas.items():
        numbers = bare_numbers(formula, choices) if is_model_formula(key) else []
        if numbers:
            out[f"{folder.name}:{'.'.join(key)}"] = [n for n, _, _ in numbers]
    return out


@pytest.mark.parametrize("folder", RULE_SETS, ids=lambda p: p.name)
def test_shipped_model_formulas_hold_no_game_number(folder: Path) -> None:
    mine = found(folder)
    new = {key: numbers for key, numbers in mine.items() if key not in PENDING}
    assert new == {}, "name these numbers as parameters (described, bounded, cited)"
    done = sorted(key for key in PENDING if key.startswith(f"{folder.name}:") and key not in mine)
    assert done == [], "these formulas hold no game number any more: take them off PENDING"


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("1 - share", []),
        ("tax / 100 * price_level / 100", []),
        ("x ** 2 + y ** 3", [3.0]),
        ("0.5 * (a - prev(a))", [0.5]),
        ("emergency_measures >= 2 or 2 <= emergency_measures", []),
        ("a * private_trade_policy / 2", []),
        ("a / 2", [2.0]),
        ("floor(people * rate + 0.5) + floor(x) * 0.5", [0.5]),
        ("clamp(x, -0.05, 0.3)", [0.05, 0.3]),
        ("2 * middle_hit_share + (3 if emergency_measures >= 3 else 0)", [2.0, 3.0, 3.0]),
    ],
)
def test_what_counts_as_a_game_number(text: str, numbers: list[float]) -> None:
    choices = {"emergency_measures": [0.0, 1.0, 2.0], "private_trade_policy": [0.0, 1.0, 2.0]}
    assert [n for n, _, _ in bare_numbers(parse(text), choices)] == numbers
