"""The showcase: rival readings of the NEP as mods of the base (the Left, the Right, the turn of
1928-29), each cited to Bettelheim's Part 4 and behaving differently, and ``main.py readings``
setting them side by side."""

from __future__ import annotations

import json
import tomllib

import pytest

from game.history import compare as beside_history
from game.impact import play_campaigns
from game.rules.scenario import load_scenario
from tests.conftest import ROOT, run_main

READINGS = ("reading-left", "reading-right", "reading-turn")
SOURCE = ROOT.parent / "shared" / "sources" / "002_a33086497c1aed1f.txt"
PART_4 = (12170, 17400)  # Part 4's lines in the Bettelheim file (its chapters and notes)


def overrides(mod: str) -> dict[str, dict[str, object]]:
    data = tomllib.loads((ROOT / "rules" / "mods" / mod / "assumptions.toml").read_text(encoding="utf-8"))
    return data["override"]["parameters"]


@pytest.mark.parametrize("mod", READINGS)
def test_each_reading_passes_check_with_no_warning(mod: str) -> None:
    status, out = run_main("check", mod)
    assert status == 0 and out.endswith("check ok: 1 item(s), 0 error(s), 0 warning(s)\n"), out
    assert "extends base (layers: base -> " + mod + ")" in out and "adds 0" in out and "removes 0" in out


@pytest.mark.parametrize("mod", READINGS)
def test_each_override_is_a_changed_assumption_cited_to_part_4(mod: str) -> None:
    base = load_scenario("nep-1923-1930", ROOT / "rules").ruleset
    modded = load_scenario("nep-1923-1930", ROOT / "rules", mod=mod).ruleset
    changed = overrides(mod)
    assert len(changed) >= 4
    for name, fields in changed.items():
        assert set(fields) == {"value", "description", "source"}, name
        assert modded.parameters[name].value != base.parameters[name].value, f"{mod}: {name} is the base's value"
        low, high = base.parameters[name].min, base.parameters[name].max
        assert low is not None and high is not None and low <= modded.parameters[name].value <= high
        source = modded.parameters[name].source
        assert source is not None and source.work == "bettelheim" and source.section.startswith("Part 4, ch. ")
        assert source.lines is not None and PART_4[0] <= source.lines[0] <= source.lines[1] <= PART_4[1], name
        if SOURCE.is_file():  # the cited lines exist and are text
            lines = SOURCE.read_text(encoding="utf-8").splitlines()[source.lines[0] - 1:source.lines[1]]
            assert sum(len(line.strip()) for line in lines) > 100, f"{mod}: {name} cites blank lines"


def procurement(mod: str | None, year: str = "1928-29", seeds: range = range(1, 6)) -> float:
    """The average of the scenario's procurement series in ``year`` under history's policy."""
    scenario = load_scenario("nep-1923-1930", ROOT / "rules", mod=mod)
    series = next(s for s in scenario.series if s.variable == "grain_procured")
    found = []
    for game in play_campaigns(scenario, list(seeds), {"history": scenario.history}):
        found += [r.model for r in beside_history([series], list(zip(game.seasons, game.values, strict=True)))
                  if r.year == year and r.model is not None]
    return sum(found) / len(found)


def test_the_readings_behave_as_their_assumptions_say() -> None:
    # The same history: the Right (coercion stops paying and makes farming decline) gets less grain
    # in 1928-29 than the base; the turn (the measures keep working) gets more.
    right, base, turn = procurement("reading-right"), procurement(None), procurement("reading-turn")
    assert right < base - 1 and turn > base + 1


def test_the_readings_report_sets_them_side_by_side_in_80_columns() -> None:
    status, out = run_main("readings", "--seeds", "3")
    assert status == 0, out
    lines = out.splitlines()
    assert all(len(line) <= 80 for line in lines), [line for line in lines if len(line) > 80]
    heading = next(line for line in lines if line.rstrip().endswith("turn") and "history" in line)
    assert heading.split() == ["history", "base", "left", "right", "turn"]
    for mod in READINGS:
        assert f"{mod}: " in out
    row = next(line for line in lines if "1928-29" in line and "8.30" in line)
    cells = row.split()[-5:]
    assert cells[0] == "8.30"  # history's figure, from the scenario
    assert cells[1] == f"{procurement(None, seeds=range(1, 4)):.2f}"  # the base's, the average over the games
    assert cells[4] == f"{procurement('reading-turn', seeds=range(1, 4)):.2f}"
    data = json.loads(run_main("readings", "--seeds", "3", "--json")[1])
    fits = {r["id"]: r["fit"] for r in data["readings"]}
    assert [r["id"] for r in data["readings"]] == ["base", *READINGS]
    ranked = min(fits, key=lambda ident: (fits[ident]["ended_early"] + fits[ident]["missing"], fits[ident]["mean_miss"]))
    assert data["best"] == ranked and f"Closest to history: {ranked.removeprefix('reading-')} (" in out
    assert all(f"{fits[i]['mean_miss']:.1%}" in next(line for line in lines if "average miss" in line) for i in fits)


def test_the_same_policy_under_each_reading() -> None:
    status, out = run_main("readings", "--seeds", "2", "--policy", "default", "--rules", "base", "--rules", "reading-right")
    assert status == 0, out
    part = out.split("2. The same policy under each reading: default (2 game(s) each)", 1)[1]
    assert "how the games end (number of games)" in part and "seasons played (average)" in part


@pytest.mark.parametrize("argv,message", [
    (("--years", "1929-1926"), "error: --years must be two years like 1926-1929, found '1929-1926'"),
    (("--rules", "base"), "error: give from 2 to 5 readings (--rules), found 1"),
    (("--rules", "base", "--rules", "no-such"), "no mod 'no-such'"),
])
def test_the_readings_command_refuses_what_it_cannot_compare(argv: tuple[str, ...], message: str) -> None:
    status, out = run_main("readings", "--seeds", "1", *argv)
    assert status == 1 and message in out, out


@pytest.mark.parametrize("policy", ["tribute", "prices-and-goods"])
def test_the_shipped_policies_check_and_play_under_every_reading(policy: str) -> None:
    path = f"docs/policies/{policy}.toml"
    assert run_main("check", path, "--scenario", "nep-1923-1930")[0] == 0
    status, out = run_main("readings", "--seeds", "1", "--policy", path)
    assert status == 0 and f"2. The same policy under each reading: {path} (1 game(s) each)" in " ".join(out.split())
    assert all(len(line) <= 80 for line in out.splitlines())


def test_a_reading_says_where_it_breaks_when_the_base_renames_what_it_overrides(tmp_path) -> None:
    import shutil

    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules" / "base", rules / "base")
    shutil.copytree(ROOT / "rules" / "mods" / "reading-right", rules / "mods" / "reading-right")
    for path in (rules / "base").glob("*.toml"):  # a later base calls the parameter otherwise
        path.write_text(path.read_text(encoding="utf-8").replace("ratchet_strength", "ratchet_weight"), encoding="utf-8")
    status, out = run_main("--rules", str(rules), "check", "reading-right")
    assert status == 1, out
    text = (rules / "mods" / "reading-right" / "assumptions.toml").read_text(encoding="utf-8")
    line = text[: text.index("[override.parameters.ratchet_strength]")].count("\n") + 1
    assert f"reading-right/assumptions.toml:{line}:1: error: override.parameters.ratchet_strength: 'base' has no parameter " \
           "'ratchet_strength' to override; did you mean 'ratchet_weight'?" in out
