"""scripts/counterfactuals.py: the five counterfactuals of issue 11 played against the history run
of nep-1923-1930, each changing only the levers and seasons it names, and reported in 80 columns
with the sources' claim and whether the rules bear it out."""

from __future__ import annotations

import pytest

from game.rules.scenario import load_scenario
from scripts.counterfactuals import CLAIMS, COUNTERFACTUALS, SCENARIO, compare, counterfactual_plan, main, report, verdicts
from tests.conftest import RULES

SEEDS = range(1, 4)


@pytest.fixture(scope="module")
def figures():  # type: ignore[no-untyped-def]
    return compare(SEEDS)


def changed(name: str) -> dict[str, set[str]]:
    """Season -> the levers the counterfactual ``name`` sets otherwise than history."""
    scenario = load_scenario(SCENARIO, RULES)
    assert scenario.history is not None
    cf = next(c for c in COUNTERFACTUALS if c.name == name)
    plan = counterfactual_plan(scenario, cf)
    out: dict[str, set[str]] = {}
    for season, theirs, ours in zip(scenario.season_names(), scenario.history, plan, strict=True):
        moved = {lever for lever in theirs if theirs[lever] != ours[lever]}
        if moved:
            out[season] = moved
    return out


def test_each_counterfactual_changes_only_its_own_levers_and_seasons() -> None:
    assert changed("no-measures-1928") == {s: {"emergency_measures"} for s in ("1928-winter", "1928-spring", "1928-summer", "1928-autumn")}
    assert set(changed("goods-1926-27")) == {"1926-summer", "1926-autumn", "1927-winter", "1927-spring"}
    assert {lever for levers in changed("price-1926-kept").values() for lever in levers} == {"procurement_price"}
    assert "1926-summer" in changed("price-1926-kept") and "1926-spring" not in changed("price-1926-kept")
    assert {lever for levers in changed("fast-investment").values() for lever in levers} == {"industrial_investment"}
    assert {lever for levers in changed("coop-credit").values() for lever in levers} <= {"coop_credit", "coop_credit_earmarked", "coop_credit_advantage"}
    assert "1925-spring" in changed("coop-credit") and "1925-winter" not in changed("coop-credit")


def test_every_policy_plays_every_seed_and_the_report_fits_80_columns(figures) -> None:  # type: ignore[no-untyped-def]
    assert [f.policy for f in figures] == ["history", *(c.name for c in COUNTERFACTUALS)]
    for f in figures:
        assert sum(f.endings.values()) == len(SEEDS) and None not in f.endings
        assert all(0 < v < 20 for v in f.procured.values()), f.procured
    # Different policies give different games.
    assert len({round(f.procured["1927-28"], 6) for f in figures}) > 3
    text = report(figures)
    assert all(len(line) <= 80 for line in text.splitlines())
    for claim in CLAIMS:
        assert f"{claim.policy}: " in text and claim.cite in text.replace("\n    ", " ")
    found = verdicts(figures)
    assert set(found) == {c.name for c in COUNTERFACTUALS}
    assert all(len(checks) >= 2 for checks in found.values())


def test_the_script_runs_from_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--seeds", "1"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{SCENARIO}: the state's policy and five counterfactuals, 1 seed(s) each")
    assert "endings, history:" in out
