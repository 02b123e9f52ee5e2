"""The command line: ``check``, ``simulate``, ``play`` and ``replay``.

Every failure a user can cause (a bad file, a bad value, a rule that breaks mid-game) ends in a
plain message and a non-zero exit status, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from game.engine import RuleError
from game.files import STDOUT, FileProblem, check_writable, name_problem, plain_reason, read_file, write_file, write_output
from game.rules.problems import LoadError, Problem
from game.rules.reading import MAX_FILE_BYTES, display_name, read_document
from game.rules.ruleset import MANIFEST_FILE, cached_rulesets, load_ruleset, ruleset_warnings
from game.rules.scenario import SCENARIO_FOLDER, Scenario, available_scenarios, load_policy, load_scenario
from game.saves import OpenWay, SaveRefused, check_replay, default_saves_folder, load_save, save_game
from game.saves.format import MAX_PLAYER
from game.saves.store import not_a_save
from game.session import BranchRefused, LeverRejected, Session
from game.textsafe import SafeStream, escape_controls, escape_path

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules"
# The scenario `play` starts when none is named (the first of these that exists).
DEFAULT_SCENARIOS = ("scissors-1923", "hammurabi-reign")
# The scenario `play --branch-at SEASON` branches from when none is named (if it has that season).
DEFAULT_BRANCH_SCENARIO = "nep-1923-1930"


class _Parser(argparse.ArgumentParser):
    """argparse, whose usage errors quote the arguments given: shown with their controls escaped."""

    def _print_message(self, message: str, file: Any = None) -> None:
        super()._print_message(escape_controls(message, keep_lines=True), file)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="main.py", description="Smychka: the worker-peasant alliance under the NEP, 1923-1930.")
    parser.add_argument("--rules", type=Path, default=RULES, help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    play = sub.add_parser("play", help="play a scenario (the window when there is a display, else text mode)")
    play.add_argument("--scenario", metavar="ID|PATH", help="scenario id or file (default: the tutorial)")
    play.add_argument("--seed", type=int, metavar="N", help="random seed (default: the scenario's, or a fresh one)")
    play.add_argument("--text", action="store_true", help="play in the terminal even when a display is available")
    play.add_argument("--load", type=Path, metavar="SAVE", help="resume a saved game")
    play.add_argument("--branch-at", metavar="SEASON", help="play the scenario's historical policy up to SEASON (e.g. 1927-autumn) and take over from there")
    play.add_argument("--on-changed", choices=("replay", "as-saved"),
        help="if the rules changed since the save: replay its levers under the new rules, or open it as saved (default: ask)")
    play.add_argument("--player", default="", metavar="NAME", help=f"your name, recorded in saves (at most {MAX_PLAYER} characters)")
    play.add_argument("--saves", type=Path, metavar="DIR", help="where saves and autosaves go (default: saves/)")

    check = sub.add_parser("check", help="validate rule sets, scenarios, policies and saves; FILE:LINE:COL: error: MESSAGE")
    check.add_argument("paths", nargs="*", type=Path, metavar="PATH",
        help="rule set folders, .toml files, saves (.json), or folders holding any of them (default: everything under rules/)")
    check.add_argument("--scenario", metavar="ID|PATH", help="the scenario to check policy files against (default: any scenario they fit)")

    sim = sub.add_parser("simulate", help="run a game headless and write every season as JSON")
    sim.add_argument("--scenario", required=True, metavar="ID|PATH")
    sim.add_argument("--policy", metavar="history|PATH", help="lever values: 'history' (the scenario's own) or a policy TOML file")
    sim.add_argument("--seed", type=int, metavar="N")
    sim.add_argument("--out", type=Path, metavar="FILE",
        help="write the JSON here ('-': standard output, the default); an existing file is replaced only if it is such a JSON output")
    sim.add_argument("--compare", action="store_true",
        help="print the model beside the scenario's historical series, year by year (the JSON goes to --out only)")
    sim.add_argument("--save", type=Path, metavar="PATH",
        help="also write the finished game as a save (to load, replay or check); an existing file is replaced only if it is a save")

    replay = sub.add_parser("replay", help="re-run a save's lever history from its scenario and seed; exit 0 only if every saved state is reproduced exactly")
    replay.add_argument("save", type=Path, metavar="SAVE")

    schema = sub.add_parser("schema", help="write the JSON Schemas of rule, scenario and policy files (for editors)")
    schema.add_argument("--out", type=Path, default=ROOT / "docs" / "schema", metavar="DIR")
    return parser


def main(argv: Sequence[str] | None = None, stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    args = build_parser().parse_args(argv)
    # Everything printed passes through escape_controls: text from files never drives the terminal.
    out = SafeStream(stdout or sys.stdout)
    refused = _argument_problem(args)
    if refused:
        say_error(refused)
        return 2
    if args.command == "check":
        return cmd_check(args.paths, args.rules, out, getattr(args, "scenario", None))
    if args.command == "simulate":
        return cmd_simulate(args, out)
    if args.command == "schema":
        return cmd_schema(args.out, out)
    if args.command == "replay":
        return cmd_replay(args.save, args.rules, out)
    return cmd_play(args, stdin or sys.stdin, out)


def say_error(text: str) -> None:
    """One line on standard error, its control characters escaped (a closed stderr is not an error)."""
    if sys.stderr is None:
        return
    try:
        sys.stderr.write(escape_controls(text) + "\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


def _argument_problem(args: argparse.Namespace) -> str | None:
    """A command-line value the game refuses before doing anything (None: all are usable)."""
    player = getattr(args, "player", "") or ""
    if len(player) > MAX_PLAYER:
        return f"error: --player: a player's name is at most {MAX_PLAYER} characters; this one has {len(player):,}"
    if name_problem(player, new=True) or any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in player):
        shown = escape_controls(player[:60])
        return f"error: --player '{shown}': a player's name must be text without control characters (and valid UTF-8)"
    for option in ("load", "out", "save", "saves", "rules"):
        value = getattr(args, option, None)
        if isinstance(value, Path):
            why = name_problem(value)
            if why:
                return f"error: --{option} {escape_path(value)}: {why}"
    for value in getattr(args, "paths", None) or ():
        why = name_problem(value)
        if why:
            return f"error: {escape_path(value)}: {why}"
    return None


# --- check -----------------------------------------------------------------------------------


def cmd_check(paths: Sequence[Path], rules_root: Path, out: TextIO, policy_scenario: str | None = None) -> int:
    """Validate everything named (or everything shipped); print every problem; 0 if no errors.
    A folder that is not a rule set is checked whole: every rule set, scenario, policy and save
    in it (``check rules``, ``check rules/scenarios``, ``check saves``)."""
    with cached_rulesets():
        return _check_all(paths, rules_root, out, policy_scenario)


def _check_all(paths: Sequence[Path], rules_root: Path, out: TextIO, policy_scenario: str | None = None) -> int:
    problems: set[Problem] = set()
    checked = 0
    targets = list(paths) or _shipped(rules_root)
    if not targets:
        problems.add(Problem(display_name(rules_root), 1, 1, "no rule sets or scenarios here: give the folder that holds them"))
    for named in targets:
        found, empty = _expand(named)
        problems.update(empty)
        for target in found:
            checked += 1
            problems.update(_check_one(target, rules_root, policy_scenario))
    ordered = sorted(problems, key=lambda p: (p.file, p.line, p.col, p.message))
    for problem in ordered:
        out.write(f"{problem}\n")
    errors = sum(p.severity == "error" for p in ordered)
    warnings = len(ordered) - errors
    status = "ok" if not errors else "FAILED"
    out.write(f"check {status}: {checked} item(s), {errors} error(s), {warnings} warning(s)\n")
    return 1 if errors else 0


def _shipped(rules_root: Path) -> list[Path]:
    try:
        sets = sorted(p for p in rules_root.iterdir() if p.is_dir() and (p / MANIFEST_FILE).exists()) if rules_root.is_dir() else []
        scenarios = sorted((rules_root / SCENARIO_FOLDER).glob("*.toml"))
    except OSError:  # not a folder that can be listed: said by the caller
        return []
    return [*sets, *scenarios]


MAX_FOLDER_DEPTH = 8


def _expand(target: Path, depth: int = 0) -> tuple[list[Path], list[Problem]]:
    """What checking ``target`` means: itself, unless it is a folder that is not a rule set; then
    every rule set, ``.toml`` file and save (``.json``) inside it, folders within folders (links
    to folders are not followed). Also a problem if such a folder holds nothing to check."""
    try:
        is_folder = target.is_dir() and not (depth and target.is_symlink())
        is_ruleset = is_folder and (target / MANIFEST_FILE).is_file()
    except (OSError, ValueError):
        return [target], []  # the check of the path itself says what is wrong with it
    if not is_folder or is_ruleset:
        return [target], []
    found: list[Path] = []
    try:
        entries = sorted(p for p in target.iterdir() if not p.name.startswith("."))
    except OSError as err:
        return [], [Problem(display_name(target), 1, 1, f"cannot list the folder: {plain_reason(err)}")]
    for entry in entries:
        try:
            if entry.is_dir():
                if depth < MAX_FOLDER_DEPTH and not entry.is_symlink():
                    found += _expand(entry, depth + 1)[0]
            elif entry.suffix.lower() in (".toml", ".json"):
                found.append(entry)
        except OSError:
            found.append(entry)
    if not found and depth == 0:
        return [], [Problem(display_name(target), 1, 1, "no rule sets, scenarios, policies or saves (.toml, .json) in this folder")]
    return found, []


def _check_one(target: Path, rules_root: Path, policy_scenario: str | None = None) -> list[Problem]:
    try:
        if target.is_dir():
            return _check_ruleset(target)
    except OSError:
        pass  # the read below says what is wrong with the path
    if _is_save(target):
        return _check_save(target, rules_root)
    problems: list[Problem] = []
    doc = read_document(target, problems)
    if doc is None:
        return problems
    if "scenario" in doc.data:
        try:
            # A scenario inside some rules/scenarios/ folder is read with the rule sets beside it.
            parent = target.resolve().parent
            load_scenario(str(target), parent.parent if parent.name == SCENARIO_FOLDER else rules_root)
        except LoadError as err:
            return err.problems
        return []
    if "ruleset" in doc.data or (target.parent / MANIFEST_FILE).exists():
        return _check_ruleset(target.parent)
    if doc.data and set(doc.data) <= {"levers", "season"}:
        return _check_policy(target, rules_root, policy_scenario)
    return [Problem(display_name(target), 1, 1,
            "not a rule set file, a scenario or a policy: expected a [ruleset] or [scenario] table, [levers] or [[season]], "
            "or a file inside a rule set folder")]


def _check_policy(target: Path, rules_root: Path, scenario_ref: str | None) -> list[Problem]:
    """A policy file against the scenario named; without one, against every scenario: it passes
    if it fits one, else the problems it has with the one it fits best are shown."""
    name = display_name(target)
    if scenario_ref is not None:
        refs = [scenario_ref]
    else:
        refs = available_scenarios(rules_root)
    best: tuple[tuple[int, int], str, list[Problem]] | None = None
    for ref in refs:
        try:
            scenario = load_scenario(ref, rules_root)
        except LoadError as err:
            if scenario_ref is not None:
                return [Problem(name, 1, 1, f"cannot check this policy: its scenario '{scenario_ref}' does not load; its problems follow"), *err.problems]
            continue
        try:
            load_policy(target, scenario)
        except LoadError as err:
            errors = [p for p in err.problems if p.severity == "error"]
            # The closest: the one whose levers it names, then the fewest problems.
            rank = (sum("unknown lever" in p.message for p in errors), len(errors))
            if best is None or rank < best[0]:
                best = (rank, scenario.id, err.problems)
            continue
        return []
    if best is None:
        return [Problem(name, 1, 1, "cannot check this policy: no scenario loads (give one with --scenario)")]
    _count, ident, problems = best
    if scenario_ref is None and len(refs) > 1:
        note = Problem(name, 1, 1, f"this policy fits no scenario; checked against '{ident}', the closest (choose one with --scenario)", "warning")
        return [note, *problems]
    return problems


def _is_save(target: Path) -> bool:
    """A save is recognised by its extension, or by content that starts like JSON (only a regular
    file is looked into)."""
    if target.suffix.lower() == ".json":
        return True
    try:
        return read_file(target, MAX_FILE_BYTES, "a rule file").lstrip()[:1] == b"{"
    except FileProblem:
        return False


def _check_save(target: Path, rules_root: Path) -> list[Problem]:
    try:
        loaded = load_save(target, rules_root)
    except LoadError as err:
        return err.problems
    if loaded.change is not None:
        return [Problem(display_name(target), 1, 1, f"{loaded.change.describe()} (the game can be replayed under the new rules or opened as saved)", "warning")]
    return []


def _check_ruleset(folder: Path) -> list[Problem]:
    try:
        ruleset = load_ruleset(folder)
    except LoadError as err:
        return err.problems
    return ruleset_warnings(ruleset)


def cmd_schema(folder: Path, out: TextIO) -> int:
    from game.rules.schema import SCHEMAS, schema_text

    targets = [folder / f"{name}.schema.json" for name in SCHEMAS]
    try:
        for target in targets:  # every target is checked before any is written; schemas go to files only
            if check_writable(target, _not_a_schema) == "written straight":
                raise FileProblem("is a pipe or a device: schemas are written to files", target)
        for name, target in zip(SCHEMAS, targets):
            write_file(target, schema_text(name), _not_a_schema)
            out.write(f"wrote {escape_path(target)}\n")
    except FileProblem as err:
        out.write(f"error: cannot write {escape_path(err.path)}: {err.reason}\n")
        return 1
    return 0


def _not_a_schema(path: Path) -> str | None:
    """Why ``path`` must not be replaced by a schema (None: it is a JSON Schema this command wrote)."""
    try:
        data = json.loads(read_file(path, MAX_FILE_BYTES, "a JSON Schema"))
    except (FileProblem, ValueError, RecursionError):
        data = None
    if isinstance(data, dict) and str(data.get("title", "")).startswith("Smychka ") and "$schema" in data:
        return None
    return "is not a JSON Schema written by this command; nothing was overwritten"


# --- simulate --------------------------------------------------------------------------------


def cmd_simulate(args: argparse.Namespace, out: TextIO) -> int:
    try:
        scenario = load_scenario(args.scenario, args.rules)
        policy = _policy(args.policy, scenario)
    except LoadError as err:
        return _report_problems(err, out)
    refused = _outputs_refused(args)
    if refused:
        say_error(refused)
        return 1
    seed = _seed(args.seed, scenario)
    session = Session(scenario, seed)
    try:
        session.play(policy)
    except RuleError as err:
        say_error(f"error: the rules failed: {err}")
        return 1
    except LeverRejected as err:  # (a policy is checked when read; this is the last line of defence)
        say_error(f"error: {scenario.file}: the policy cannot be played in {session.next_season}: {err}; nothing was written")
        return 1
    result = game_record(session)
    if args.save is not None:
        try:
            save_game(session, args.save)
        except OSError as err:
            say_error(f"error: cannot write {escape_path(args.save)}: {plain_reason(err)}")
            return 1
        say_error(f"saved the game ({session.turn} season(s)) to {escape_path(args.save)}")
    text = json.dumps(result, indent=1, ensure_ascii=False) + "\n"
    if args.compare:
        from game.history import compare, format_comparison

        if not scenario.series:
            out.write(f"scenario '{scenario.id}' has no historical series to compare with\n")
        else:
            rows = compare(scenario.series, [(s["season"], s["values"]) for s in result["seasons"]])
            out.write(format_comparison(rows) + "\n")
        if args.out is None:
            return 0
    elif args.out is None:
        out.write(text)
        return 0
    try:
        how = write_output(args.out, text, out, may_replace=_not_a_simulation)
    except OSError as err:
        say_error(f"error: cannot write {escape_path(args.out)}: {plain_reason(err)}")
        return 1
    if how != "standard output":
        say_error(f"wrote {len(result['seasons'])} season(s) of {scenario.id} (seed {seed}) to {escape_path(args.out)}")
    return 0


def _outputs_refused(args: argparse.Namespace) -> str | None:
    """Why ``simulate`` may not write the files it is asked to (checked before the game is
    played, so that nothing is written unless everything can be). None: it may."""
    outputs = [(option, path, check) for option, path, check in (("--save", args.save, not_a_save), ("--out", args.out, _not_a_simulation))
               if path is not None and str(path) != STDOUT]
    if str(args.save) == STDOUT:
        return "error: --save -: a save is written to a file, not to standard output"
    if len(outputs) == 2 and os.path.abspath(outputs[0][1]) == os.path.abspath(outputs[1][1]):
        return f"error: --save and --out name the same file ({escape_path(args.out)}); give each its own"
    for option, path, check in outputs:
        try:
            check_writable(path, check)
        except FileProblem as err:
            return f"error: {option} {escape_path(path)}: {err.reason}"
    return None


def _not_a_simulation(path: Path) -> str | None:
    """Why ``path`` must not be replaced by a simulation's JSON (None: it is one, written before)."""
    try:
        data = json.loads(read_file(path, 64 * 1024 * 1024, "a simulation's output"))
    except (FileProblem, ValueError, RecursionError):
        data = None
    if isinstance(data, dict) and {"scenario", "seed", "seasons"} <= set(data):
        return None
    return "is not the JSON output of a simulation; nothing was overwritten (give a new file, or - for standard output)"


def _policy(ref: str | None, scenario: Scenario) -> tuple[Mapping[str, float], ...] | None:
    if ref is None:
        return None
    if ref == "history":
        if scenario.history is None:
            raise LoadError([Problem(scenario.file, 1, 1, f"scenario '{scenario.id}' has no historical policy ([history] table); give a policy file instead")])
        return scenario.history
    return load_policy(Path(ref), scenario)


def game_record(session: Session) -> dict[str, Any]:
    """Every season of ``session``: levers, values, draws and events; and the ending (JSON-ready)."""
    scenario = session.scenario
    seasons: list[dict[str, Any]] = []
    for turn in range(1, session.turn + 1):
        state = session.history[turn]
        seasons.append({
            "season": state.season,
            "levers": session.levers_played(turn),
            "values": session.values(turn),
            "draws": {e.name: e.value for e in state.log if e.kind == "draw"},
            "events": [e.name for e in state.log if e.kind == "event"],
        })
    ending = session.ending
    ending_json = None
    if ending is not None and ending.ending is not None:
        ending_json = {"id": ending.id, "alliance": ending.ending.alliance, "season": ending.season}
    return {"scenario": scenario.id, "seed": session.seed, "seasons": seasons, "ending": ending_json}


# --- play ------------------------------------------------------------------------------------


def cmd_play(args: argparse.Namespace, inp: TextIO, out: TextIO) -> int:
    from game.text.play import play_text

    why_not = None if getattr(args, "text", False) else _no_window_reason()
    if not getattr(args, "text", False) and why_not is None:
        why_not = _open_window(args)
        if why_not is None:
            return 0
    if getattr(args, "load", None) is not None:
        return _play_saved(args, inp, out, why_not)
    branch_at = getattr(args, "branch_at", None)
    ref = getattr(args, "scenario", None)
    if ref is None and branch_at is not None:
        ref = DEFAULT_BRANCH_SCENARIO
    ref = ref or _default_scenario(args.rules)
    if ref is None:
        out.write(f"error: no scenarios found in {escape_path(args.rules / SCENARIO_FOLDER)}\n")
        return 1
    try:
        scenario = load_scenario(ref, args.rules)
    except LoadError as err:
        return _report_problems(err, out)
    if why_not is not None:
        out.write(f"{why_not} Starting the text mode.\n")
    seed = _seed(getattr(args, "seed", None), scenario)
    try:
        session = Session(scenario, seed) if branch_at is None else Session.branch(scenario, seed, branch_at)
    except BranchRefused as err:
        out.write(f"error: cannot branch: {err}{_other_branches(branch_at, scenario.id, args.rules)}\n")
        return 1
    except LeverRejected as err:  # (a history is checked when read; this is the last line of defence)
        out.write(f"error: {scenario.file}: the historical policy cannot be played: {err}\n")
        return 1
    except RuleError as err:
        out.write(f"error: the scenario cannot start: {err}\n")
        return 1
    if branch_at is not None:
        out.write(f"The state's actual policy was played from {scenario.start} up to {branch_at}; you take over now.\n")
    return play_text(session, inp, out, saves=_saves_folder(args), player=getattr(args, "player", ""))


def _saves_folder(args: argparse.Namespace) -> Path:
    return getattr(args, "saves", None) or default_saves_folder()


def _other_branches(season: str | None, refused: str, rules_root: Path) -> str:
    """'; scenario X has SEASON: ...' when other scenarios with a historical policy have it."""
    if season is None:
        return ""
    others = [ident for ident in _historical_scenarios(season, rules_root) if ident != refused]
    if not others:
        return ""
    return f". {', '.join(others)} {'has' if len(others) == 1 else 'have'} that season: add --scenario {others[0]} to branch from it"


def _historical_scenarios(season: str, rules_root: Path) -> list[str]:
    """The scenarios with a historical policy that have ``season``."""
    found = []
    with cached_rulesets():
        for ident in available_scenarios(rules_root):
            try:
                scenario = load_scenario(ident, rules_root)
            except LoadError:
                continue
            if scenario.history is not None and season in scenario.season_names():
                found.append(ident)
    return found


def _play_saved(args: argparse.Namespace, inp: TextIO, out: TextIO, why_not: str | None) -> int:
    from game.text.play import ask_how_to_open, play_text

    try:
        loaded = load_save(args.load, args.rules)
    except LoadError as err:
        return _report_problems(err, out, f"cannot load {escape_path(args.load)}", "; nothing was changed")
    if why_not is not None:
        out.write(f"{why_not} Starting the text mode.\n")
    how: OpenWay = "resume"
    if loaded.change is not None:
        out.write(f"Note: {loaded.change.describe()}.\n")
        chosen: OpenWay | None = getattr(args, "on_changed", None) or ask_how_to_open(inp, out)
        if chosen is None:
            out.write("Not loaded: no choice was made.\n")
            return 1
        how = chosen
    try:
        session = loaded.open(how)
    except (SaveRefused, RuleError) as err:
        out.write(f"error: cannot open {escape_path(args.load)}: {err}\n")
        return 1
    branch = f", branched from history at {session.branch_at}" if session.branch_at else ""
    way = {"replay": " (replayed under the rules as they are now)", "as-saved": " (as saved)"}.get(how, "")
    out.write(f"Loaded {escape_path(args.load)}: {escape_controls(loaded.scenario.title)}, {session.turn} season(s) played{branch}{way}.\n")
    return play_text(session, inp, out, saves=_saves_folder(args), player=getattr(args, "player", "") or loaded.save.metadata.player)


def _no_window_reason() -> str | None:
    """Why the window cannot open here (None: it can try)."""
    driver = os.environ.get("SDL_VIDEODRIVER", "")
    if driver in ("dummy", "offscreen"):
        return f"No display (SDL_VIDEODRIVER={driver})."
    if not driver and sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return "No display found."
    return None


def _open_window(args: argparse.Namespace) -> str | None:
    """Play in the window; None when the player has quit it, else why it could not open."""
    try:
        from game.ui.window import WindowUnavailable, run_window
    except ImportError as err:
        return f"The window needs pygame-ce and pygame_gui ({err})."
    try:
        branch_at = getattr(args, "branch_at", None)
        scenario = getattr(args, "scenario", None) or (DEFAULT_BRANCH_SCENARIO if branch_at else None)
        run_window(args.rules, scenario, getattr(args, "seed", None), load=getattr(args, "load", None), branch_at=branch_at,
                   on_changed=getattr(args, "on_changed", None), saves_dir=getattr(args, "saves", None))
    except WindowUnavailable as err:
        return f"The window could not open ({err})."
    return None


# --- replay ----------------------------------------------------------------------------------


def cmd_replay(path: Path, rules_root: Path, out: TextIO) -> int:
    """Re-run a save's lever history and compare every state; 0 only if all are reproduced."""
    try:
        loaded = load_save(path, rules_root)
    except LoadError as err:
        return _report_problems(err, out, f"cannot replay {escape_path(path)}")
    save = loaded.save
    if loaded.change is not None:
        out.write(f"Note: {loaded.change.describe()}; replaying under the rules as they are now.\n")
    try:
        result = check_replay(loaded)
    except RuleError as err:
        out.write(f"replay FAILED: the scenario cannot start under the rules as they are now: {err}\n")
        return 1
    who = f" by {escape_controls(save.metadata.player)}" if save.metadata.player else ""
    branch = f", branched from history at {save.branch_at}" if save.branch_at else ""
    out.write(f"{escape_path(path)}: {escape_controls(save.scenario.id)} (seed {save.seed}), {len(save.states) - 1} season(s) played{who}{branch}, "
              f"saved {_stamp(save.metadata.saved_at)} UTC\n")
    if result.difference is not None:
        out.write(f"replay FAILED after {result.seasons} season(s) reproduced: {result.difference}\n")
        return 1
    out.write(f"replay ok: the lever history reproduces the start and all {result.seasons} season(s) exactly "
              f"({result.numbers:,} values, draws and events compared, with every log entry, random counter and ending)\n")
    return 0


def _stamp(m: datetime) -> str:
    return f"{m.year:04d}-{m.month:02d}-{m.day:02d} {m.hour:02d}:{m.minute:02d}"  # (strftime's %Y drops the zeros of year 1)


# --- shared ----------------------------------------------------------------------------------


def _default_scenario(rules_root: Path) -> str | None:
    known = available_scenarios(rules_root)
    for ident in DEFAULT_SCENARIOS:
        if ident in known:
            return ident
    return known[0] if known else None


def _seed(requested: int | None, scenario: Scenario) -> int:
    if requested is not None:
        return requested
    if scenario.seed is not None:
        return scenario.seed
    return secrets.randbelow(2**31)


def _report_problems(err: LoadError, out: TextIO, what: str = "cannot start", then: str = "") -> int:
    """Print every problem of ``err``, then '<what>: N error(s)<then>'; returns the exit status 1."""
    for problem in err.problems:
        out.write(f"{problem}\n")
    out.write(f"{what}: {len(err.errors)} error(s){then}\n")
    return 1
