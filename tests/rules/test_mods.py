"""Mods: layering over a rule set (add, override, remove), chains, cycles, conflicts, archives,
and every problem placed in the layer that caused it."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from game.rules.mods import MAX_ZIP_MEMBERS, Library
from game.rules.problems import LoadError
from game.rules.reading import display_name
from game.rules.ruleset import load_ruleset, ruleset_warnings
from game.rules.scenario import load_scenario
from tests.rules.ruleskit import MINI_GAME, append, copy_mini, edit, only_problem, ruleset_problems, shown

MANIFEST = '''[ruleset]
id = "{id}"
name = "A deeper well"
version = "1.0.0"
extends = "{extends}"
format_version = 2
authors = ["A. Modder"]
'''

DEEP_WELL = '''
[override.parameters.need]
value = 45
max = 60

[override.variables.water]
max = 20000
formula = "prev(water) + inflow - pumped - seepage"

[variables.seepage]
formula = "0.05 * (prev(water) + inflow - pumped)"
unit = "buckets"
min = 0
description = "Water lost into the ground."
mechanisms = ["rain"]
source = { work = "manual", section = "ch. 6" }

[remove]
endings = ["watered"]
'''


def rules_root(tmp_path: Path) -> Path:
    """``tmp_path`` as a rules folder: the mini rule set, its scenario, an empty ``mods/``."""
    copy_mini(tmp_path)
    (tmp_path / "scenarios").mkdir()
    shutil.copy(MINI_GAME, tmp_path / "scenarios" / "mini-game.toml")
    (tmp_path / "mods").mkdir()
    return tmp_path


def make_mod(root: Path, ident: str, body: str, extends: str = "mini", folder: str = "mods") -> Path:
    mod = root / folder / ident
    mod.mkdir(parents=True)
    (mod / "ruleset.toml").write_text(MANIFEST.format(id=ident, extends=extends) + body, encoding="utf-8")
    return mod


def loc(path: Path, line: int, col: int) -> str:
    return f"{display_name(path)}:{line}:{col}"


def mod_problems(mod: Path) -> list[str]:
    return [str(p) for p in ruleset_problems(mod)]


# --- adding, overriding, removing ----------------------------------------------------------------


def test_a_mod_adds_overrides_field_by_field_and_removes(tmp_path: Path) -> None:
    root = rules_root(tmp_path)
    mini = load_ruleset(root / "mini")
    ruleset = load_ruleset(make_mod(root, "deep-well", DEEP_WELL))
    assert [layer.id for layer in ruleset.stack] == ["mini", "deep-well"] and ruleset.extends == "mini"
    assert ruleset.version == "1.0.0" and ruleset.stack[-1].authors == ("A. Modder",)
    assert [str(c) for c in ruleset.changes] == [
        "removes endings.watered", "overrides parameters.need (value, max)", "overrides variables.water (formula, max)",
        "adds variables.seepage",
    ]
    need = ruleset.parameters["need"]
    assert (need.value, need.max, need.min, need.description) == (45, 60, 0, mini.parameters["need"].description)  # the rest is kept
    water = ruleset.variables["water"]
    assert water.formula.endswith("- seepage") and water.max == 20000 and water.initial == 100
    assert "seepage" in ruleset.depends_on["water"] and ruleset.order.index("seepage") < ruleset.order.index("water")
    assert "watered" not in ruleset.endings and "watered" in mini.endings
    assert ruleset.content_hash != mini.content_hash and ruleset.stack[0].hash == mini.content_hash
    # The layering itself warns of nothing; the seepage rate written into its formula is a warning
    # (name it as a parameter), not an error: the mod loads.
    assert [str(w) for w in ruleset_warnings(ruleset)] == [shown(
        root / "mods" / "deep-well" / "ruleset.toml", 18, 12,
        "variables.seepage.formula: the number 0.05 is written into the formula: make it a parameter (with a "
        "description, bounds and a source) so that players see what it means and scenarios can change it", "warning")]


def test_a_scenario_written_for_the_base_runs_under_a_mod(tmp_path: Path) -> None:
    from game.session import Session

    root = rules_root(tmp_path)
    make_mod(root, "deep-well", DEEP_WELL)
    plain, modded = load_scenario("mini-game", root), load_scenario("mini-game", root, mod="deep-well")
    assert modded.ruleset.id == "deep-well" and modded.parameters["need"] == 50  # the scenario's own value still applies
    a, b = Session(plain, 3), Session(modded, 3)
    a.play(plain.history)
    b.play(modded.history)
    assert b.value("seepage", 1) > 0 and a.value("water", 2) != b.value("water", 2)


def test_the_base_itself_cannot_override_or_remove(tmp_path: Path) -> None:
    mini = copy_mini(tmp_path)
    line = append(mini / "model.toml", '\n[override.parameters.need]\nvalue = 3\n')
    assert mod_problems(mini) == [shown(mini / "model.toml", line + 1, 1,
        'override: [override] changes the rule set a mod extends; this one extends nothing: add extends = "<id>" to its [ruleset] '
        "manifest, or define the entries here")]


# --- every problem in the layer that caused it -------------------------------------------------


def test_mistakes_in_a_mod_are_placed_in_the_mod_with_suggestions(tmp_path: Path) -> None:
    root = rules_root(tmp_path)
    mod = make_mod(root, "typos", '''
[override.parameters.nede]
value = 1

[override.variables.water]
formula = "prev(water) + inflw"

[variables.inflow]
formula = "1"
description = "x"
mechanisms = ["rain"]
source = { work = "manual", section = "ch. 6" }

[remove]
levers = ["pmp"]

[[indicators]]
variable = "water"
label = "again"
''')
    file = mod / "ruleset.toml"
    base = root / "mini"
    assert mod_problems(mod) == [
        shown(file, 9, 1, "override.parameters.nede: 'mini' has no parameter 'nede' to override; did you mean 'need'?"),
        shown(file, 13, 26, "override.variables.water.formula: unknown name 'inflw'; did you mean 'inflow'?"),
        shown(file, 15, 1, f"variables.inflow: 'inflow' is already a variable of 'mini' (at {loc(base / 'model.toml', 51, 1)}): "
              "to change it, write [override.variables.inflow] with the fields to change (or remove it first to replace it whole)"),
        shown(file, 22, 11, "remove.levers[0]: nothing to remove: 'mini' has no lever 'pmp'; did you mean 'pump'?"),
        shown(file, 25, 12, f"indicators[0].variable: 'water' already has an indicator in 'mini' (at {loc(base / 'outcomes.toml', 30, 1)}): "
              "to change it, write [override.indicators.water]"),
    ]


def test_a_removal_that_breaks_the_base_is_placed_at_the_removal_and_names_what_breaks(tmp_path: Path) -> None:
    root = rules_root(tmp_path)
    mod = make_mod(root, "no-shortage", '\n[remove]\nvariables = ["shortage"]\n')
    at, outcomes = loc(mod / "ruleset.toml", 10, 14), display_name(root / "mini" / "outcomes.toml")
    assert mod_problems(mod) == [
        f"{at}: error: remove.variables[0]: removing 'shortage' breaks {outcomes}:15:29: endings.dry.condition: unknown name 'shortage'",
        f"{at}: error: remove.variables[0]: removing 'shortage' breaks {outcomes}:23:14: endings.watered.condition: unknown name 'shortage'",
        f"{at}: error: remove.variables[0]: removing 'shortage' breaks {outcomes}:37:12: indicators[1].variable: unknown variable 'shortage'",
    ]


def test_an_override_that_breaks_another_field_is_placed_at_the_override(tmp_path: Path) -> None:
    root = rules_root(tmp_path)
    mod = make_mod(root, "low-max", '\n[override.parameters.need]\nmax = 30\n')
    problem = only_problem(ruleset_problems(mod))
    model = loc(root / "mini" / "model.toml", 14, 1)
    assert str(problem) == shown(mod / "ruleset.toml", 9, 1, f"override.parameters.need: value: 40 is outside the declared bounds 0..30 (value as defined at {model})")


def test_overriding_what_the_mod_removes_or_adds_is_refused(tmp_path: Path) -> None:
    root = rules_root(tmp_path)
    mod = make_mod(root, "both", '''
[remove]
parameters = ["need"]

[override.parameters.need]
value = 3

[override.variables.seepage]
min = 0

[variables.seepage]
formula = "0"
description = "x"
mechanisms = ["rain"]
source = { work = "manual", section = "ch. 6" }
''')
    messages = [p.message for p in ruleset_problems(mod)]
    file = display_name(mod / "ruleset.toml")
    assert f"override.parameters.need: 'need' is removed by this mod (at {file}:10:15): remove it, or override it, not both" in messages
    assert f"override.variables.seepage: 'seepage' is defined by this mod (at {file}:18:1): change it there" in messages
    # ...and the removal breaks the base's formula that reads it, said at the removal.
    assert f"remove.parameters[0]: removing 'need' breaks {display_name(root / 'mini' / 'model.toml')}:81:5: variables.shortage.formula: unknown name 'need'" in messages
    assert len(messages) == 3


def test_an_override_with_a_wrong_type_is_located_at_its_value(tmp_path: Path) -> None:
    root = rules_root(tmp_path)
    mod = make_mod(root, "typed", '\n[override.parameters.need]\nvalue = "lots"\n')
    assert mod_problems(mod) == [shown(mod / "ruleset.toml", 10, 9, 'override.parameters.need.value: expected a number, found text "lots"')]


MINI_STORY = """[[headlines]]
about = "well"
when = "shortage > 10"
text = "The village went without: {shortage} buckets short."

[[headlines]]
about = "well"
text = "The well holds {water} buckets."

[debriefs.watered]
text = "Everyone drank; {shortage} buckets were missed."
"""

NO_SHORTAGE = """
[remove]
variables = ["shortage"]
indicators = ["shortage"]

[override.endings.dry]
condition = "water <= 0"

[override.endings.watered]
condition = "water > 0"
"""


def test_a_removal_that_breaks_the_story_below_is_placed_at_the_removal_and_names_the_line(tmp_path: Path) -> None:
    """The reports' story may read what a mod removes: its condition would never hold and its
    {placeholder} would print as is. The removal says which story line it breaks."""
    root = rules_root(tmp_path)
    story = root / "mini" / "story.toml"
    story.write_text(MINI_STORY, encoding="utf-8")
    assert load_ruleset(root / "mini").story.headlines  # the base's story is sound
    mod = make_mod(root, "no-shortage", NO_SHORTAGE)
    at = loc(mod / "ruleset.toml", 10, 14)
    unknown = "names no variable or lever (a story text shows numbers as {variable})"
    assert sorted(mod_problems(mod)) == [
        f"{at}: error: remove.variables[0]: removing 'shortage' breaks {loc(story, 11, 8)}: debriefs.watered.text: '{{shortage}}' {unknown}",
        f"{at}: error: remove.variables[0]: removing 'shortage' breaks {loc(story, 3, 9)}: headlines[0].when: unknown name 'shortage'",
        f"{at}: error: remove.variables[0]: removing 'shortage' breaks {loc(story, 4, 8)}: headlines[0].text: '{{shortage}}' {unknown}",
    ]
    # A debrief the mod tells anew replaces the one that read the removed name.
    with (mod / "ruleset.toml").open("a", encoding="utf-8") as handle:
        handle.write('\n[debriefs.watered]\ntext = "Everyone drank: {water} buckets are left."\n')
    assert [p.split("breaks ")[1].split(": ")[1] for p in sorted(mod_problems(mod))] == ["headlines[0].when", "headlines[0].text"]
    edit(story, 'when = "shortage > 10"\ntext = "The village went without: {shortage} buckets short."', 'when = "water < 10"\ntext = "Little water."')
    assert load_ruleset(mod).story.debriefs["watered"].text == "Everyone drank: {water} buckets are left."
    top = make_mod(root, "top", '\n[remove]\nvariables = ["pumped"]\n\n[override.variables.water]\nformula = "prev(water) + inflow"\n',
                   extends="no-shortage")
    edit(story, "The well holds {water} buckets.", "The well holds {water} buckets; {pumped} were pumped.")
    # A mod on top of it is held to the story of every layer below.
    assert mod_problems(top) == [
        f"{loc(top / 'ruleset.toml', 10, 14)}: error: remove.variables[0]: removing 'pumped' breaks {loc(story, 8, 8)}: headlines[1].text: "
        f"'{{pumped}}' {unknown}; did you mean 'pump'?",
    ]


# --- chains, cycles, conflicts ------------------------------------------------------------------


def test_a_chain_of_mods_stacks_in_order_and_any_layer_changes_the_hash(tmp_path: Path) -> None:
    root = rules_root(tmp_path)
    make_mod(root, "deep-well", DEEP_WELL)
    top = make_mod(root, "deeper", '\n[override.variables.seepage]\nformula = "0.01 * (prev(water) + inflow - pumped)"\n', extends="deep-well")
    ruleset = load_ruleset(top)
    assert [layer.id for layer in ruleset.stack] == ["mini", "deep-well", "deeper"]
    assert ruleset.variables["seepage"].formula == "0.01 * (prev(water) + inflow - pumped)" and ruleset.parameters["need"].value == 45
    before = ruleset.content_hash
    edit(root / "mods" / "deep-well" / "ruleset.toml", "value = 45", "value = 46")
    assert load_ruleset(top).content_hash != before


def test_a_field_a_lower_mod_overrode_is_named_where_that_mod_gave_it(tmp_path: Path) -> None:
    root = rules_root(tmp_path)
    lower = make_mod(root, "deep-well", DEEP_WELL)
    top = make_mod(root, "tight", "\n[override.parameters.need]\nmax = 44\n", extends="deep-well")
    # need's value (45) comes from deep-well's override, line 10: not from the base's definition.
    assert mod_problems(top) == [shown(top / "ruleset.toml", 9, 1,
        f"override.parameters.need: value: 45 is outside the declared bounds 0..44 (value as defined at {loc(lower / 'ruleset.toml', 10, 1)})")]
    # A field no mod overrode is still named in the base.
    edit(top / "ruleset.toml", "max = 44", "min = 50\nmax = 70")
    problem = only_problem(ruleset_problems(top))
    assert problem.message.endswith(f"(value as defined at {loc(lower / 'ruleset.toml', 10, 1)})")
    edit(lower / "ruleset.toml", "value = 45\n", "")
    edit(lower / "ruleset.toml", "[override.parameters.need]\n", "[override.parameters.need]\ndescription = \"Deeper.\"\n")
    problem = only_problem(ruleset_problems(top))
    assert problem.message.endswith(f"(value as defined at {loc(root / 'mini' / 'model.toml', 14, 1)})"), problem.message


def test_a_cycle_of_extends_is_named_at_the_extends_key(tmp_path: Path) -> None:
    root = rules_root(tmp_path)
    a = make_mod(root, "a", "", extends="b")
    make_mod(root, "b", "", extends="a")
    assert mod_problems(a) == [
        shown(a / "ruleset.toml", 5, 11, "ruleset.extends: 'b', which this mod extends, does not load: 1 error(s), listed here"),
        shown(root / "mods" / "b" / "ruleset.toml", 5, 11,
              "ruleset.extends: 'b' extends 'a', which builds on 'b' itself: the chain a -> b -> a never reaches a base"),
    ]


def test_an_unknown_or_ambiguous_base_is_named_at_the_extends_key(tmp_path: Path) -> None:
    root = rules_root(tmp_path)
    mod = make_mod(root, "lost", "", extends="mnii")
    problem = only_problem(ruleset_problems(mod))
    assert (problem.line, problem.col) == (5, 11)
    assert problem.message.startswith(f"ruleset.extends: no rule set or mod 'mnii'; did you mean 'mini'? (looked in {display_name(root / 'mods')}, ")
    twin = make_mod(root, "twin", "", extends="deep-well")
    folder = make_mod(root, "deep-well", DEEP_WELL)
    zip_of(folder, root / "mods" / "deep-well.zip")  # the same mod, folder and archive side by side
    problem = only_problem(ruleset_problems(twin))
    assert problem.message == (f"ruleset.extends: two rule sets are called 'deep-well': {display_name(root / 'mods' / 'deep-well')} and "
                               f"{display_name(root / 'mods' / 'deep-well.zip')}; rename or remove one")
    # A copy nearer the mod wins over the game's own: a copy of a rule set beside a mod is no conflict.
    (root / "mods" / "deep-well.zip").unlink()
    make_mod(root, "deep-well", DEEP_WELL, folder="elsewhere")
    assert load_ruleset(twin, Library.default(root).with_first(root / "elsewhere")).stack[1].place == display_name(root / "mods" / "deep-well")


def test_a_mod_needs_a_version_and_its_folder_name_as_id(tmp_path: Path) -> None:
    root = rules_root(tmp_path)
    mod = make_mod(root, "unversioned", "")
    edit(mod / "ruleset.toml", 'version = "1.0.0"\n', "")
    edit(mod / "ruleset.toml", 'id = "unversioned"', 'id = "other"')
    assert mod_problems(mod) == [
        shown(mod / "ruleset.toml", 1, 1, "ruleset: a mod (it extends 'mini') needs a version, e.g. version = \"1.0.0\": saves record it"),
        shown(mod / "ruleset.toml", 2, 6, "ruleset.id: id 'other' must equal the folder name 'unversioned'"),
    ]


def test_a_broken_base_is_reported_through_the_mod(tmp_path: Path) -> None:
    root = rules_root(tmp_path)
    mod = make_mod(root, "deep-well", DEEP_WELL)
    edit(root / "mini" / "model.toml", 'formula = "rain * (1 + 0.1 * guard)"', 'formula = "rian"')
    assert mod_problems(mod) == [
        shown(root / "mini" / "model.toml", 52, 12, "variables.inflow.formula: unknown name 'rian'; did you mean 'rain'?"),
        shown(mod / "ruleset.toml", 5, 11, "ruleset.extends: 'mini', which this mod extends, does not load: 1 error(s), listed here"),
    ]


# --- archives ------------------------------------------------------------------------------------


def zip_of(folder: Path, target: Path, top: str | None = None) -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.iterdir()):
            archive.write(path, f"{top}/{path.name}" if top else path.name)
    return target


@pytest.mark.parametrize("top", [None, "deep-well"], ids=["files at the top", "one top folder"])
def test_a_zipped_mod_loads_like_its_folder(tmp_path: Path, top: str | None) -> None:
    root = rules_root(tmp_path)
    folder = make_mod(root, "deep-well", DEEP_WELL, folder="src")
    packed = zip_of(folder, root / "mods" / "deep-well.zip", top)
    from_folder, from_zip = load_ruleset(folder, Library.default(root)), load_ruleset(packed)
    assert from_zip.stack[-1].hash == from_folder.stack[-1].hash and from_zip.parameters == from_folder.parameters
    assert load_scenario("mini-game", root, mod="deep-well").ruleset.folder == str(packed)


def test_a_problem_in_a_zipped_mod_names_the_file_inside(tmp_path: Path) -> None:
    root = rules_root(tmp_path)
    folder = make_mod(root, "bad", '\n[override.parameters.need]\nvalue = "x"\n', folder="src")
    packed = zip_of(folder, root / "mods" / "bad.zip")
    assert mod_problems(packed) == [shown(packed, 10, 9, 'override.parameters.need.value: expected a number, found text "x"').replace(
        "bad.zip:", "bad.zip/ruleset.toml:")]


def test_unsafe_archives_are_refused_unread(tmp_path: Path) -> None:
    root = rules_root(tmp_path)
    manifest = MANIFEST.format(id="evil", extends="mini")
    cases = {
        "climbing": [("../ruleset.toml", manifest)],
        "absolute": [("/etc/ruleset.toml", manifest)],
        "crowded": [(f"f{i}.txt", "") for i in range(MAX_ZIP_MEMBERS + 1)],
        "no manifest": [("model.toml", "")],
        "huge": [("ruleset.toml", manifest + "#" * (5 * 1024 * 1024))],
    }
    expected = {
        "climbing": "unsafe name in the archive: '../ruleset.toml' (names must stay inside the mod)",
        "absolute": "unsafe name in the archive: '/etc/ruleset.toml' (names must stay inside the mod)",
        "crowded": f"the archive holds {MAX_ZIP_MEMBERS + 1:,} entries; the limit is {MAX_ZIP_MEMBERS:,}",
        "no manifest": "no ruleset.toml in the archive (at its top, or inside its one top folder)",
        "huge": "ruleset.toml: more than 4,194,304 bytes unpacked; the limit for a rule file",
    }
    for name, members in cases.items():
        target = root / "mods" / "evil.zip"
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            for member, text in members:
                archive.writestr(member, text)
        assert [p.message for p in ruleset_problems(target)] == [expected[name]], name
    target.write_bytes(b"PK\x03\x04 not really")
    assert [p.message for p in ruleset_problems(target)][0].startswith("not a readable .zip archive")


def test_a_mod_archive_is_read_through_the_safe_file_reader(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Only a regular file within the archive's size limit is read: a named pipe (made here, in the
    test's own folder) is refused unopened, as every reader of the game refuses one."""
    import os

    from game.rules import mods

    root = rules_root(tmp_path)
    packed = zip_of(make_mod(root, "deep-well", DEEP_WELL, folder="src"), root / "mods" / "deep-well.zip")
    monkeypatch.setattr(mods, "MAX_ZIP_BYTES", packed.stat().st_size - 1)
    assert [p.message for p in ruleset_problems(packed)] == [
        f"file is {packed.stat().st_size:,} bytes; a mod archive (.zip) is at most {packed.stat().st_size - 1:,} bytes"]
    monkeypatch.undo()
    packed.unlink()
    os.mkfifo(packed)
    assert [p.message for p in ruleset_problems(packed)] == [
        "is a named pipe (FIFO), not a file: a mod archive (.zip) is read only from a regular file"]


def test_a_mod_folder_is_read_file_by_file_through_the_safe_file_reader(tmp_path: Path) -> None:
    import os

    root = rules_root(tmp_path)
    mod = make_mod(root, "piped", DEEP_WELL)
    os.mkfifo(mod / "extra.toml")
    (mod / "bad.toml").write_bytes(b'# fine\nx = "caf\xe9"\n')
    (mod / ".hidden.toml").write_text("not = [toml", encoding="utf-8")  # an editor's file: not a rule file
    assert mod_problems(mod) == [
        shown(mod / "bad.toml", 2, 9, "not UTF-8 text (byte 0xe9): TOML files must be saved as UTF-8"),
        shown(mod / "extra.toml", 1, 1, "is a named pipe (FIFO), not a file: a rule, scenario or policy file is read only from a regular file"),
    ]


def test_a_mod_folder_has_an_archive_s_limits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from game.rules import layers, mods

    root = rules_root(tmp_path)
    mod = make_mod(root, "crowded", "")
    for i in range(3):
        (mod / f"f{i}.toml").write_text("# nothing\n", encoding="utf-8")
    monkeypatch.setattr(mods, "MAX_ZIP_MEMBERS", 3)
    assert [p.message for p in ruleset_problems(mod)] == ["the folder holds 4 .toml files; the limit for a rule set is 3"]
    monkeypatch.setattr(mods, "MAX_ZIP_MEMBERS", 256)
    monkeypatch.setattr(layers, "MAX_ZIP_TOTAL", 100)
    assert [p.message for p in ruleset_problems(mod)] == ["the rule files come to more than 100 bytes; the limit for a rule set"]


# --- scenarios under mods --------------------------------------------------------------------------


def test_a_mod_that_does_not_build_on_the_scenarios_rules_is_refused(tmp_path: Path) -> None:
    root = rules_root(tmp_path)
    other = copy_mini(root, "other")
    edit(other / "ruleset.toml", 'id = "mini"', 'id = "other"')
    make_mod(root, "elsewhere", "", extends="other")
    with pytest.raises(LoadError) as info:
        load_scenario("mini-game", root, mod="elsewhere")
    assert str(only_problem(info.value.problems)) == shown(root / "scenarios" / "mini-game.toml", 8, 11,
        "scenario.ruleset: this scenario is written for 'mini', and mod 'elsewhere' does not build on it (its layers: other -> elsewhere)")
    with pytest.raises(LoadError) as info:
        load_scenario("mini-game", root, mod="elswhere")
    assert only_problem(info.value.problems).message.startswith("no mod 'elswhere'; did you mean 'elsewhere'?")


def test_a_scenario_naming_what_a_mod_removed_says_so(tmp_path: Path) -> None:
    root = rules_root(tmp_path)
    mod = make_mod(root, "no-guard", '\n[remove]\nlevers = ["guard"]\n\n[override.variables.inflow]\nformula = "rain"\n')
    with pytest.raises(LoadError) as info:
        load_scenario("mini-game", root, mod="no-guard")
    messages = [p.message for p in info.value.problems]
    where = loc(mod / "ruleset.toml", 10, 11)
    assert f"levers.guard: unknown lever 'guard' (removed by mod 'no-guard' at {where})" in messages


def test_a_lever_a_mod_adds_to_a_scenario_that_locks_levers_is_reported(tmp_path: Path) -> None:
    root = rules_root(tmp_path)
    make_mod(root, "bucket", '''
[levers.bucket]
label = "Bucket size"
min = 1
max = 3
step = 1
default = 1
description = "How big a bucket."
source = { work = "manual", section = "ch. 7" }
''')
    scenario = load_scenario("mini-game", root, mod="bucket")
    assert "bucket" not in scenario.locked
    [warning] = scenario.warnings
    assert str(warning) == shown(root / "scenarios" / "mini-game.toml", 3, 1,
        "scenario: lever 'bucket' (Bucket size, added by mod 'bucket') is not mentioned here, so players will find it unlocked: lock it "
        "with [levers.bucket] locked = true, or list the levers players set in [scenario] unlocked = [...]", "warning")
    # Listing the levers players set locks every other, and says nothing.
    edit(root / "scenarios" / "mini-game.toml", 'seed = 7\n', 'seed = 7\nunlocked = ["pump"]\n')
    scenario = load_scenario("mini-game", root, mod="bucket")
    assert scenario.locked == {"guard", "bucket"} and scenario.warnings == ()


def test_unlocked_names_real_levers_and_does_not_contradict_a_lock(tmp_path: Path) -> None:
    root = rules_root(tmp_path)
    edit(root / "scenarios" / "mini-game.toml", 'seed = 7\n', 'seed = 7\nunlocked = ["pmp", "guard", "pump"]\n')
    messages = [p.message for p in scenario_problems(root)]
    assert messages == ["scenario.unlocked[0]: unknown lever 'pmp'; did you mean 'pump'?",
                        "levers.guard.locked: lever guard is listed in [scenario] unlocked, and locked here"]


def scenario_problems(root: Path) -> list:
    with pytest.raises(LoadError) as info:
        load_scenario("mini-game", root)
    return info.value.problems
