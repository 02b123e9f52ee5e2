"""Mods on the command line: check lists what a mod changes, `mods` lists the mods installed,
play and simulate take --mod, a save remembers its mod, compare reports an edit's impact, and
--watch checks again on every save."""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest

from game.rules.reading import display_name
from tests.conftest import ROOT, run_main
from tests.rules.ruleskit import edit
from tests.rules.test_mods import DEEP_WELL, make_mod, rules_root

EXAMPLE = ROOT / "rules" / "mods" / "long-memory"


def test_check_a_mod_by_id_lists_what_it_adds_overrides_and_removes() -> None:
    status, out = run_main("check", "long-memory")
    assert status == 0, out
    assert out.splitlines() == [
        'Mod long-memory 1.0.0: "Long memories" by The Smychka team',
        "  extends base (layers: base -> long-memory)",
        "  adds 1, overrides 1, removes 0:",
        "  overrides parameters.coercion_forgetting (value, description, source),",
        "            memory.toml:6",
        "  adds      indicators.coercion_memory, memory.toml:12",
        "check ok: 1 item(s), 0 error(s), 0 warning(s)",
    ]
    assert max(map(len, out.splitlines())) <= 80
    assert run_main("check", "rules/mods/long-memory") == (status, out)


def test_the_guide_s_broken_removal_is_reported_at_the_removal(tmp_path: Path) -> None:
    # docs/MODDING.md, step 4: removing a parameter the base still uses.
    mod = tmp_path / "long-memory"
    shutil.copytree(EXAMPLE, mod)
    with (mod / "memory.toml").open("a", encoding="utf-8") as handle:
        handle.write('\n[remove]\nparameters = ["coercion_forgetting"]\n')
    status, out = run_main("check", str(mod))
    assert status == 1
    lines = out.splitlines()
    assert lines[0].startswith(f"{display_name(mod / 'memory.toml')}:6:1: error: override.parameters.coercion_forgetting: 'coercion_forgetting' "
                               "is removed by this mod (at ")
    assert lines[1].startswith(f"{display_name(mod / 'memory.toml')}:19:15: error: remove.parameters[0]: removing 'coercion_forgetting' "
                               "breaks rules/base/society.toml:")
    assert lines[1].endswith("variables.coercion_memory.formula: unknown name 'coercion_forgetting'; did you mean 'coercion_memory'?")
    assert lines[-1] == "check FAILED: 1 item(s), 2 error(s), 0 warning(s)"


def test_mods_lists_each_mod_with_its_check_status(user_mods_folder: Path) -> None:
    # A good mod packed as a zip and a broken one, in the player's own folder.
    packed = user_mods_folder / "zipped-memory.zip"
    with zipfile.ZipFile(packed, "w") as archive:
        for path in sorted(EXAMPLE.iterdir()):
            text = path.read_text(encoding="utf-8").replace('id = "long-memory"', 'id = "zipped-memory"')
            archive.writestr(f"zipped-memory/{path.name}", text)
    broken = user_mods_folder / "broken"
    shutil.copytree(EXAMPLE, broken)
    edit(broken / "ruleset.toml", 'id = "long-memory"', 'id = "broken"')
    edit(broken / "memory.toml", "value = 0.03", "value = 3")
    status, out = run_main("mods")
    assert status == 0
    user = display_name(user_mods_folder)
    assert out.splitlines() == [
        f"Mods in rules/mods and {user}:",
        '  long-memory 1.0.0: "Long memories", extends base',
        "      ok: adds 1, overrides 1, removes 0",
        "      rules/mods/long-memory",
        '  reading-left 1.0.0: "The Left: primitive socialist accumulation", extends base',
        "      ok: adds 0, overrides 5, removes 0",
        "      rules/mods/reading-left",
        '  reading-right 1.0.0: "The Right: the peasant economy as the base", extends',
        "      base",
        "      ok: adds 0, overrides 6, removes 0",
        "      rules/mods/reading-right",
        '  reading-turn 1.0.0: "The turn of 1928-29: tribute and maximum investment",',
        "      extends base",
        "      ok: adds 0, overrides 5, removes 0",
        "      rules/mods/reading-turn",
        "  broken 1.0.0, extends base",
        f"      FAILS check: 1 error(s); run main.py check {display_name(broken)}",
        f"      {display_name(broken)}",
        '  zipped-memory 1.0.0: "Long memories", extends base',
        "      ok: adds 1, overrides 1, removes 0",
        f"      {display_name(packed)}",
        "Play one: main.py play --mod ID.",
        "Check one: main.py check ID (lists what it changes).",
    ]
    assert all(len(line) <= 80 for line in out.splitlines() if user not in line)  # (a temporary folder's path is long)
    status, out = run_main("check", "broken")
    assert status == 1 and "override.parameters.coercion_forgetting.value: 3 is outside the declared bounds 0..1" in out


def test_a_mod_hidden_by_another_of_its_id_is_reported_by_mods_and_check(user_mods_folder: Path) -> None:
    """The game's rules/mods are looked in before the player's folder: a copy of a shipped mod
    there is never used by its id, and both `mods` and `check` say which one is."""
    copy = user_mods_folder / "long-memory"
    shutil.copytree(EXAMPLE, copy)
    status, out = run_main("mods")
    entries = [" ".join(line.strip() for line in entry.splitlines()) for entry in out.split("\n  long-memory")[1:]]
    assert status == 0 and len(entries) == 2
    # (the shipped readings, reading-..., follow the shipped long-memory)
    assert entries[0].startswith('1.0.0: "Long memories", extends base ok: adds 1, overrides 1, removes 0 rules/mods/long-memory '
                                 f"note: it hides another mod called 'long-memory' at {display_name(copy)}, which is never used: "
                                 "rename one of them reading-left 1.0.0")
    assert entries[1].startswith(f'1.0.0: "Long memories", extends base ok: adds 1, overrides 1, removes 0 {display_name(copy)} '
                                 "not used by its id: --mod long-memory finds rules/mods/long-memory first; rename one of them "
                                 "(a mod's id is its folder's name) Play one:")
    status, out = run_main("check", str(copy))
    assert status == 0 and out.splitlines()[-2:] == [
        f"{display_name(copy / 'ruleset.toml')}:7:6: warning: ruleset.id: not used by its id: --mod long-memory finds "
        "rules/mods/long-memory first; rename one of them (a mod's id is its folder's name)",
        "check ok: 1 item(s), 0 error(s), 1 warning(s)",
    ]
    # A mod beside the copy that extends it takes the copy, and says which one it leaves out.
    top = user_mods_folder / "top"
    top.mkdir()
    (top / "ruleset.toml").write_text('[ruleset]\nid = "top"\nname = "Top"\nversion = "1"\nextends = "long-memory"\nformat_version = 2\n',
                                      encoding="utf-8")
    status, out = run_main("check", str(top))
    assert status == 0 and f"{display_name(top / 'ruleset.toml')}:5:11: warning: ruleset.extends: 'long-memory' is taken from {display_name(copy)}; " \
        "another rule set or mod called 'long-memory' at rules/mods/long-memory is not used (it is looked for beside this mod first): " \
        "rename one of them" in out


def test_check_by_id_of_two_mods_as_near_checks_both_and_says_why(tmp_path: Path, user_mods_folder: Path) -> None:
    root = rules_root(tmp_path / "rules")
    folder = make_mod(root, "deep-well", DEEP_WELL)
    with zipfile.ZipFile(root / "mods" / "deep-well.zip", "w") as archive:
        for path in sorted(folder.iterdir()):
            archive.write(path, path.name)
    status, out = run_main("--rules", str(root), "check", "deep-well")
    assert status == 0, out
    for place in (folder, root / "mods" / "deep-well.zip"):
        other = root / "mods" / ("deep-well.zip" if place == folder else "deep-well")
        assert f"ruleset.id: not usable by its id: another mod called 'deep-well' is at {display_name(other)}, as near, " \
            "so --mod deep-well cannot choose: rename or remove one (a mod's id is its folder's name)" in out
    # Each copy also warns of the seepage rate written into its formula (a warning: both load).
    assert out.count("variables.seepage.formula: the number 0.05 is written into the formula") == 2, out
    assert out.splitlines()[-1] == "check ok: 2 item(s), 0 error(s), 4 warning(s)"


def test_simulate_and_play_take_a_mod_and_the_save_remembers_it(tmp_path: Path, user_mods_folder: Path) -> None:
    root = rules_root(tmp_path / "rules")
    make_mod(root, "deep-well", DEEP_WELL, folder=str(user_mods_folder))
    rules = ["--rules", str(root)]
    status, plain = run_main(*rules, "simulate", "--scenario", "mini-game", "--policy", "history")
    assert status == 0
    save = tmp_path / "deep.json"
    status, modded = run_main(*rules, "simulate", "--scenario", "mini-game", "--policy", "history", "--mod", "deep-well", "--save", str(save))
    assert status == 0
    seasons = json.loads(modded)["seasons"]
    assert "seepage" in seasons[0]["values"] and json.loads(plain)["seasons"] != seasons
    detail = json.loads(save.read_text())["rules_detail"]
    assert [layer["id"] for layer in detail["layers"]] == ["mini", "deep-well"] and detail["layers"][1]["version"] == "1.0.0"
    assert detail["digest"]["parameters"]["need"] == 50 and "variables.seepage.formula" in detail["digest"]["formulas"]
    status, out = run_main(*rules, "replay", str(save))
    assert status == 0 and out.splitlines()[-1].startswith("replay ok")
    status, out = run_main(*rules, "play", "--text", "--mod", "deep-well", "--scenario", "mini-game", stdin="quit\n")
    assert status == 0 and "Two years at the well" in out
    # Without the mod, the save says which mod it needs and where to put it.
    shutil.rmtree(user_mods_folder / "deep-well")
    status, out = run_main(*rules, "check", str(save))
    assert status == 1
    assert (f"{display_name(save)}:14:9: error: ruleset.id: this game was played with the mod 'deep-well' (version 1.0.0, over mini), "
            f"which is not installed: put it in {display_name(root / 'mods')} or {display_name(user_mods_folder)}") in out.splitlines()[0]
    status, out = run_main(*rules, "simulate", "--scenario", "mini-game", "--mod", "deep-wel")
    assert status == 1 and "no mod 'deep-wel'" in out


def test_check_simulate_and_play_find_a_rule_set_beside_the_scenario(tmp_path: Path) -> None:
    work = rules_root(tmp_path / "mine")
    shutil.move(work / "scenarios" / "mini-game.toml", work / "mini-game.toml")
    scenario = str(work / "mini-game.toml")
    assert run_main("check", scenario)[0] == 0
    assert run_main("simulate", "--scenario", scenario)[0] == 0
    status, out = run_main("play", "--text", "--scenario", scenario, stdin="quit\n")
    assert status == 0 and "Two years at the well" in out


# --- compare ---------------------------------------------------------------------------------------


def test_compare_reports_endings_the_first_difference_and_the_indicators(tmp_path: Path) -> None:
    root = rules_root(tmp_path)
    make_mod(root, "deep-well", DEEP_WELL)
    status, out = run_main("--rules", str(root), "compare", "--rules", "mini", "--rules", "deep-well", "--scenario", "mini-game", "--seeds", "4")
    assert status == 0, out
    lines = out.splitlines()
    assert max(map(len, lines)) <= 80
    assert lines[:3] == ["What changes from mini to deep-well", "Scenario: Two years at the well (8 seasons from 1925-spring)",
                         "Each side played 4 game(s): seeds 1 to 4, policy history."]
    assert lines[lines.index("How the games end (number of games)") + 1:][:3] == [
        f"  {'':<52}{'mini':>13}{'deep-well':>13}", f"  {'The well runs dry':<52}{4:>13}{4:>13}", ""]
    assert lines[lines.index("They first differ in 1925-spring (the first season), game with seed 1 (history):") + 1] == (
        "  Water in the well: 108 -> 102 buckets; −5 (−5.0%)")
    block = lines.index("Water in the well (buckets)")
    assert lines[block:block + 4] == ["Water in the well (buckets)", "  year              mini     deep-well   change",
                                      "  1925                63            56   −7 (−11%)", "  1926                 9             6   −2 (−28%)"]
    status, text = run_main("--rules", str(root), "compare", "--rules", "mini", "--rules", "deep-well", "--scenario", "mini-game", "--seeds", "4",
                            "--json", "--out", str(tmp_path / "impact.json"))
    data = json.loads(text)
    assert data == json.loads((tmp_path / "impact.json").read_text())
    assert [side["rules"] for side in data["sides"]] == ["mini", "deep-well"] and data["seeds"] == [1, 2, 3, 4]
    assert {e["ending"]: e["games"] for e in data["endings"]} == {"dry": [4, 4]}
    assert data["first_difference"]["turn"] == 1 and data["first_difference"]["season"] == "1925-spring"
    water = next(i for i in data["indicators"] if i["variable"] == "water")
    assert water["changed"] and [y["year"] for y in water["years"]] == [1925, 1926]


def test_compare_of_identical_rules_finds_no_difference(tmp_path: Path) -> None:
    root = rules_root(tmp_path)
    make_mod(root, "same", '\n[override.parameters.need]\ndescription = "Only the words change."\n')
    status, out = run_main("--rules", str(root), "compare", "--rules", "mini", "--rules", "same", "--seeds", "3", "--policy", "default")
    assert status == 0, out
    assert "The two sides never differ: every season of every game is the same." in out
    assert "Unchanged in every year: Water in the well, Went without." in out


def test_compare_needs_two_rule_sets_that_fit_the_scenario(tmp_path: Path) -> None:
    root = rules_root(tmp_path)
    status, out = run_main("--rules", str(root), "compare", "--rules", "mini")
    assert status == 1 and out == "error: compare needs two --rules (the rules to compare against, then the changed ones), found 1\n"
    status, out = run_main("--rules", str(root), "compare", "--rules", "mini", "--rules", "nothing", "--scenario", "mini-game")
    assert status == 1 and "no mod 'nothing'" in out and out.splitlines()[-1] == "cannot compare under nothing: 1 error(s)"


def test_the_impact_report_plays_on_the_batch_engine_exactly_as_the_season_engine(tmp_path: Path) -> None:
    """play_campaigns (the batch engine, all games at once) equals play_campaigns_by_season (one
    game at a time, the reference) value for value: for the shipped rules and a mod of them, a
    historical policy, the defaults and a policy file; and a rule that fails in a season stops
    each game there, with the same words."""
    from game.impact import play_campaigns, play_campaigns_by_season
    from game.rules.scenario import load_policy, load_scenario

    def same(scenario: object, policies: dict) -> list:
        batch, season = play_campaigns(scenario, [1, 2, 7], policies), play_campaigns_by_season(scenario, [1, 2, 7], policies)
        assert [(c.seed, c.policy, c.seasons, c.ending, c.error) for c in batch] == [(c.seed, c.policy, c.seasons, c.ending, c.error) for c in season]
        assert [[dict(v) for v in c.values] for c in batch] == [[dict(v) for v in c.values] for c in season]
        return batch

    for mod in (None, "long-memory"):
        scenario = load_scenario("nep-1923-1930", ROOT / "rules", mod=mod)
        policy = tmp_path / "policy.toml"
        policy.write_text('[levers]\nprocurement_price = 150\n\n[[season]]\nseason = "1925-spring"\ngoods_to_village = 0.3\n', encoding="utf-8")
        played = same(scenario, {"history": scenario.history, "default": None, "file": load_policy(policy, scenario)})
        assert len({c.ending for c in played}) > 1  # the policies lead to different ends
    root = rules_root(tmp_path / "rules")
    failing = make_mod(root, "failing", '\n[override.variables.water]\nformula = "prev(water) + inflow - pumped + 1 / (turn - 3)"\n')
    played = same(load_scenario("mini-game", root, mod=failing), {"pump 40": [{"pump": 40.0}] * 8})
    assert [(len(c.seasons), c.error.split(": ")[1][:16]) for c in played] == [(3, "division by zero"), (2, "value -1 is outs"), (2, "value -1 is outs")]


def test_compare_refuses_a_policy_the_mod_s_levers_refuse_at_its_line(tmp_path: Path) -> None:
    root = rules_root(tmp_path)
    make_mod(root, "narrow", '\n[override.levers.pump]\nmin = 20\n')
    policy = tmp_path / "policy.toml"
    policy.write_text("[levers]\npump = 10\n", encoding="utf-8")  # within mini's pump, not narrow's
    status, out = run_main("--rules", str(root), "compare", "--rules", "mini", "--rules", "narrow", "--scenario", "mini-game",
                           "--policy", str(policy))
    assert status == 1 and out.splitlines() == [
        f"{display_name(policy)}:2:8: error: levers.pump: 10 is outside pump's bounds 20..80", "cannot compare under narrow: 1 error(s)"]


def test_a_policy_is_checked_up_front_as_a_session_would_play_it() -> None:
    """The batch engine takes the levers as given: plans() refuses, naming the policy and the
    season, what Session.play would refuse in that season."""
    from game.impact import PolicyRefused, plans
    from game.rules.scenario import load_scenario

    scenario = load_scenario("nep-1923-1930", ROOT / "rules")
    history = list(scenario.history or ())
    rows = plans(scenario, {"history": history})["history"]
    assert len(rows) == scenario.seasons and rows[0][list(scenario.levers).index("procurement_price")] == history[0]["procurement_price"]
    history[3] = {**history[3], "procurement_price": 1000}
    with pytest.raises(PolicyRefused, match=r"policy 'history' cannot be played in 1924-summer: 1000 is outside the bounds of Grain procurement price"):
        plans(scenario, {"history": history})
    with pytest.raises(PolicyRefused, match=r"policy 'short' stops after 2 season\(s\); 1924-spring has no levers"):
        plans(scenario, {"short": history[:2]})


# --- watching ------------------------------------------------------------------------------------


def test_check_watch_runs_again_when_a_rule_file_is_saved(tmp_path: Path) -> None:
    from game.cli import _watched, cmd_check, watch_rules

    root = rules_root(tmp_path)
    model = root / "mini" / "model.toml"
    out = io.StringIO()
    edits = iter([
        lambda: None,  # nothing changed: no run
        lambda: edit(model, 'formula = "rain * (1 + 0.1 * guard)"', 'formula = "rian"'),
        lambda: edit(model, 'formula = "rian"', 'formula = "rain"'),
    ])

    def sleep(_seconds: float) -> None:
        step = next(edits, None)
        if step is None:
            raise KeyboardInterrupt
        step()
        # Make the change visible even on a file system with coarse times: the size changes too.

    status = watch_rules(lambda: cmd_check([root / "mini"], root, out), _watched([root / "mini"], root), out, sleep=sleep)
    text = out.getvalue()
    runs = text.split("--- ")
    assert status == 0 and len(runs) == 3, text
    assert runs[0].startswith("check ok") and "Watching " in runs[0]
    assert runs[1].startswith(f"{display_name(model)} changed; running again ---") and "unknown name 'rian'; did you mean 'rain'?" in runs[1]
    assert "check FAILED" in runs[1] and "check ok" in runs[2] and text.endswith("Stopped watching.\n")


@pytest.mark.parametrize("command", ["check", "simulate"])
def test_watch_is_offered_on_check_and_simulate(command: str) -> None:
    from game.cli import build_parser

    extra = ["--scenario", "x"] if command == "simulate" else []
    assert build_parser().parse_args([command, *extra, "--watch"]).watch


def test_the_guide_shows_what_the_commands_really_print() -> None:
    guide = (ROOT / "docs" / "MODDING.md").read_text(encoding="utf-8")

    def block_after(command: str) -> list[str]:
        start = guide.index(f"$ python main.py {command}\n") + len(f"$ python main.py {command}\n")
        return guide[start: guide.index("```", start)].rstrip("\n").splitlines()

    status, out = run_main("check", "long-memory")
    assert block_after("check long-memory") == out.splitlines()
    # (The figures are the NEP model's, refreshed by hand when it changes; the words must hold.)
    shown = [line for line in block_after("compare --rules base --rules long-memory") if line.strip() != "..." and not any(c.isdigit() for c in line)]
    assert len(shown) >= 5
    status, out = run_main("compare", "--rules", "base", "--rules", "long-memory")
    assert status == 0 and all(line in out.splitlines() for line in shown), [line for line in shown if line not in out.splitlines()]
