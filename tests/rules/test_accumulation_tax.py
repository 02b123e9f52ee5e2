"""The agricultural tax's part in what accumulation can pay for is a named, bounded, described
and cited parameter of the rules, not a number written into the formula."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from game.rules.scenario import load_scenario
from game.session import Session
from tests.conftest import RULES

SCENARIO = "nep-1923-1930"


def test_the_tax_term_of_accumulation_reads_a_documented_parameter() -> None:
    rs = load_scenario(SCENARIO, RULES).ruleset
    formula = " ".join(rs.variables["accumulation"].formula.split())
    assert "accumulation_tax_weight * (agricultural_tax / 100 - 1)" in formula
    assert not re.search(r"(?<![\w.])\d+(\.\d+)? \* \(agricultural_tax", formula)  # no bare weight
    weight = rs.parameters["accumulation_tax_weight"]
    assert weight.value == 20 and weight.min is not None and weight.max is not None
    assert weight.min <= weight.value <= weight.max
    assert weight.description.strip() and weight.unit
    assert weight.source is not None and weight.source.work in rs.works


def _tax_effect(rules: Path) -> float:
    """What doubling the tax adds to accumulation in the first season."""
    out = []
    for tax in (100.0, 200.0):
        session = Session(load_scenario(SCENARIO, rules), 5)
        session.set_levers({"agricultural_tax": tax})
        session.end_season()
        out.append(session.value("accumulation"))
    return out[1] - out[0]


@pytest.mark.slow
def test_the_parameter_is_the_weight_of_the_tax(tmp_path: Path) -> None:
    copy = tmp_path / "rules"
    shutil.copytree(RULES, copy)
    towns = copy / "base" / "towns.toml"
    text = towns.read_text(encoding="utf-8")
    block = re.search(r"\[parameters\.accumulation_tax_weight\]\nvalue = 20\n", text)
    assert block is not None
    towns.write_text(text.replace(block.group(0), "[parameters.accumulation_tax_weight]\nvalue = 40\n"), encoding="utf-8")
    assert abs(_tax_effect(copy) - _tax_effect(RULES) - 20) < 1e-9
