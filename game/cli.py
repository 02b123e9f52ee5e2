"""The command line: ``check``, ``simulate``, ``play``, ``replay``, ``report``, ``mods`` and ``compare``.

Every failure a user can cause (a bad file, a bad value, a rule that breaks mid-game) ends in a
plain message and a non-zero exit status, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import textwrap
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from game.files import STDOUT, FileProblem, check_writable, name_problem, plain_reason, read_file, write_file, write_output
from game.limits import MAX_PLAYER
from game.textsafe import SafeStream, escape_controls, escape_path

if TYPE_CHECKING:
    from datetime import datetime

    from game.controller import StartRefused
    from game.rules.catalog import ModEntry
    from game.rules.problems import LoadError
    from game.rules.scenario import Scenario
    from game.saves import OpenWay
    from game.session import Session

# Each command imports what it needs when it runs: `check` (game.check) and the first prompt of
# `play` do not pay for the rest.

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
    play.add_argument("--mod", metavar="ID|PATH", help="play under a mod (see `main.py mods`) that builds on the scenario's rule set")

    check = sub.add_parser("check", help="validate rule sets, mods, scenarios, policies and saves; FILE:LINE:COL: error: MESSAGE")
    check.add_argument("paths", nargs="*", type=Path, metavar="PATH",
        help="rule set or mod folders (or ids), mod .zip files, .toml files, saves (.json), or folders holding any of them "
             "(default: everything under rules/)")
    check.add_argument("--scenario", metavar="ID|PATH", help="the scenario to check policy files against (default: any scenario they fit)")
    check.add_argument("--watch", action="store_true", help="check again every time a rule file is saved (Ctrl-C to stop)")

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
    sim.add_argument("--mod", metavar="ID|PATH", help="play under a mod that builds on the scenario's rule set")
    sim.add_argument("--watch", action="store_true", help="run again every time a rule file is saved (Ctrl-C to stop)")

    sub.add_parser("mods", help="list the mods installed (rules/mods and your mod folder) and whether each passes check")

    compare = sub.add_parser("compare", help="play two rule sets (or mods) over the same seeds and policies and report what changes")
    compare.add_argument("--rules", dest="sides", action="append", required=True, metavar="ID|PATH",
        help="a rule set or mod (id, folder or .zip); give two (the first is the one compared against)")
    compare.add_argument("--scenario", metavar="ID|PATH",
        help=f"the scenario both play (default: {DEFAULT_BRANCH_SCENARIO} if both can play it, else the first that both can)")
    compare.add_argument("--seeds", type=int, default=20, metavar="N", help="play seeds 1 to N (default 20)")
    compare.add_argument("--policy", action="append", metavar="history|default|PATH",
        help="the levers: the scenario's 'history', the 'default' levers, or a policy file; repeat for several (default: history if any)")
    compare.add_argument("--json", action="store_true", help="print the report as JSON instead of text")
    compare.add_argument("--out", type=Path, metavar="FILE", help="also write the report as JSON to FILE")

    upgrade = sub.add_parser("upgrade", help="rewrite rule sets, mods or scenarios written in an older rule format in the current one "
                                                "(comments kept; nothing is written unless every file reads back the same)")
    upgrade.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="a rule set or mod folder (or id), or a scenario file")

    readings = sub.add_parser("readings", help="rival readings side by side: which reproduces the scenario's history best, "
                                                  "and how one policy fares under each")
    readings.add_argument("--rules", dest="sides", action="append", metavar="ID|PATH",
        help="a rule set or mod to set beside the others; repeat (default: base and every installed mod called reading-...)")
    readings.add_argument("--scenario", default=DEFAULT_BRANCH_SCENARIO, metavar="ID|PATH", help=f"the scenario (default {DEFAULT_BRANCH_SCENARIO})")
    readings.add_argument("--seeds", type=int, default=10, metavar="N", help="play seeds 1 to N (default 10)")
    readings.add_argument("--policy", default="history", metavar="history|default|PATH",
        help="the policy whose fate is shown under each reading (default: history's)")
    readings.add_argument("--years", default="1926-1929", metavar="FIRST-LAST", help="the years to judge the fit by (default 1926-1929)")
    readings.add_argument("--json", action="store_true", help="print the report as JSON instead of text")

    replay = sub.add_parser("replay", help="re-run a save's lever history from its scenario and seed; exit 0 only if every saved state is reproduced exactly")
    replay.add_argument("save", type=Path, metavar="SAVE")

    rep = sub.add_parser("report", help="an HTML page (and CSV) of one student's game, or of a whole class's saves in a folder")
    rep.add_argument("save", type=Path, metavar="SAVE|FOLDER", help="a save, or a folder of saves (its .json files)")
    rep.add_argument("--html", type=Path, metavar="FILE", help="write the HTML report here ('-': standard output)")
    rep.add_argument("--csv", type=Path, metavar="FILE", help="write one row per game as CSV here ('-': standard output)")

    ver = sub.add_parser("verify", help="check students' saves: a real, finished game of the class scenario? one verdict per save; exit 1 if any fails")
    ver.add_argument("saves", nargs="+", type=Path, metavar="SAVE|FOLDER", help="saves, or folders of saves (their .json files)")
    ver.add_argument("--scenario", metavar="ID|PATH", help="the class scenario the saves must be games of (default: each save's own)")
    ver.add_argument("--csv", type=Path, metavar="FILE", help="also write one row per save as CSV ('-': standard output)")

    schema = sub.add_parser("schema", help="write the JSON Schemas of rule, scenario and policy files (for editors)")
    schema.add_argument("--out", type=Path, default=ROOT / "docs" / "schema", metavar="DIR")
    return parser


def main(argv: Sequence[str] | None = None, stdin: TextIO | None = None, stdout: TextIO | None = None, whole_process: bool = False) -> int:
    """Run one command. ``whole_process``: this process was started for this command alone
    (``main.py``), so a check may answer with what a check of the same files by the same code
    printed before (:mod:`game.rules.checked`); a program that calls this in a process of its own
    may have replaced a part of the code."""
    args = build_parser().parse_args(argv)
    if args.command != "play":
        started()
    # Everything printed passes through escape_controls: text from files never drives the terminal.
    out = SafeStream(stdout or sys.stdout)
    refused = _argument_problem(args)
    if refused:
        say_error(refused)
        return 2
    if args.command == "check":
        if args.watch:
            return watch_rules(lambda: cmd_check(args.paths, args.rules, out, args.scenario, whole_process), _watched(args.paths, args.rules), out)
        return cmd_check(args.paths, args.rules, out, args.scenario, whole_process)
    if args.command == "simulate":
        if args.watch:
            return watch_rules(lambda: cmd_simulate(args, out), _watched([Path(args.scenario)], args.rules), out)
        return cmd_simulate(args, out)
    if args.command == "mods":
        return cmd_mods(args.rules, out)
    if args.command == "compare":
        return cmd_compare(args, out)
    if args.command == "readings":
        return cmd_readings(args, out)
    if args.command == "upgrade":
        return cmd_upgrade(args.paths, args.rules, out)
    if args.command == "schema":
        return cmd_schema(args.out, out)
    if args.command == "replay":
        return cmd_replay(args.save, args.rules, out)
    if args.command == "verify":
        return cmd_verify(args.saves, args.rules, args.scenario, args.csv, out)
    if args.command == "report":
        from game.reports import report

        return report(args.save, args.rules, args.html, args.csv, out, SafeStream(sys.stderr))
    return cmd_play(args, stdin or sys.stdin, out)


def started() -> None:
    """Start-up is over: collect garbage again if ``main.py`` turned the collector off while the
    game started, leaving what starting made (the rules, the compiled model: kept as long as
    the game) out of every later pass (``gc.freeze``)."""
    import gc

    if not gc.isenabled():
        gc.freeze()
        gc.enable()


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
    for option in ("load", "out", "save", "saves", "rules", "html", "csv"):
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


def cmd_check(paths: Sequence[Path], rules_root: Path, out: TextIO, policy_scenario: str | None = None, remember: bool = False) -> int:
    """Validate everything named (or everything shipped); print every problem; 0 if no errors
    (see :mod:`game.check`). With ``remember`` (a process of its own), a check of files checked
    before by the same code prints what it printed then (:mod:`game.rules.checked`)."""
    key = None
    if remember:
        from game.rules import checked

        key = checked.key(paths, rules_root, policy_scenario)
        answer = None if key is None else checked.recall(key)
        if answer is not None:
            out.write(answer[0])
            return answer[1]
    from game.check import check

    if key is None:
        return check(paths, rules_root, out, policy_scenario)
    copy = _Copy(out)
    status = check(paths, rules_root, copy, policy_scenario)
    if checked.unchanged(key):  # nothing changed meanwhile
        checked.keep(key, copy.text(), status)
    return status


class _Copy:
    """A stream that writes to another and keeps a copy of what it wrote."""

    def __init__(self, out: TextIO) -> None:
        self._out = out
        self._parts: list[str] = []

    def write(self, text: str) -> int:
        self._parts.append(text)
        return self._out.write(text)

    def flush(self) -> None:
        self._out.flush()

    def text(self) -> str:
        return "".join(self._parts)



def cmd_upgrade(paths: Sequence[Path], rules_root: Path, out: TextIO) -> int:
    """Rewrite each rule set, mod or scenario named in the current rule format. Every file of
    every one is read and rewritten in memory first, and each rewrite must read back as exactly
    the rules the game reads from the old file; only then is anything written, each file
    atomically and only over itself, unchanged since it was read."""
    from game.check import named_places
    from game.rules.problems import Problem
    from game.rules.reading import display_name
    from game.rules.upgrade import FORMAT_VERSION, plan_upgrade

    plans = [plan_upgrade(target) for path in paths for target in named_places(path, rules_root)]
    problems = [p for plan in plans for p in plan.problems]
    try:
        if not problems:
            for rewrite in (r for plan in plans for r in plan.rewrites):
                check_writable(rewrite.path, _unchanged(rewrite.old))
    except FileProblem as err:
        problems.append(Problem(display_name(err.path), 1, 1, f"cannot write it: {err.reason}"))
    if problems:
        for problem in sorted(problems):
            out.write(f"{problem}\n")
        out.write("upgrade FAILED: nothing was written\n")
        return 1
    for plan in plans:
        if plan.version is None:
            out.write(f"{plan.what}: already in rule format {FORMAT_VERSION}; nothing to do\n")
            continue
        try:
            for rewrite in plan.rewrites:
                write_file(rewrite.path, rewrite.new, _unchanged(rewrite.old))
        except FileProblem as err:  # (checked above; only a change on disk meanwhile gets here)
            out.write(f"error: cannot write {escape_path(err.path)}: {err.reason}\n")
            return 1
        files = ", ".join(escape_path(r.path.name) for r in plan.rewrites)
        out.write(f"{plan.what}: rule format {plan.version} -> {FORMAT_VERSION}; rewrote {len(plan.rewrites)} file(s): {files}\n")
    return 0


def _unchanged(text: str) -> Callable[[Path], str | None]:
    """A file may be replaced by its upgrade only while it still holds the text that was read."""
    from game.rules.reading import MAX_FILE_BYTES

    def why(path: Path) -> str | None:
        try:
            same = read_file(path, MAX_FILE_BYTES, "a rule file").decode("utf-8", "replace").lstrip("\ufeff") == text
        except FileProblem as err:
            return err.reason
        return None if same else "it changed since it was read; nothing was written to it"
    return why


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
    from game.rules.reading import MAX_FILE_BYTES

    try:
        data = json.loads(read_file(path, MAX_FILE_BYTES, "a JSON Schema"))
    except (FileProblem, ValueError, RecursionError):
        data = None
    if isinstance(data, dict) and str(data.get("title", "")).startswith("Smychka") and "$schema" in data:
        return None
    return "is not a JSON Schema written by this command; nothing was overwritten"


# --- simulate --------------------------------------------------------------------------------


def cmd_simulate(args: argparse.Namespace, out: TextIO) -> int:
    from game.controller import StartRefused
    from game.engine import RuleError
    from game.rules.problems import LoadError
    from game.rules.scenario import load_scenario
    from game.saves import save_game
    from game.session import LeverRejected, Session

    try:
        scenario = load_scenario(args.scenario, args.rules, mod=getattr(args, "mod", None))
        policy = _policy(args.policy, scenario)
    except LoadError as err:
        return _report_problems(err, out)
    refused = _outputs_refused(args)
    if refused:
        say_error(refused)
        return 1
    try:
        seed = _seed(args.seed, scenario)
    except StartRefused as err:  # a class scenario's fixed seed
        say_error(f"error: {err}: {err.problems[0]}; nothing was written")
        return 1
    session = Session(scenario, seed)
    session.record.made_in("simulated")
    try:
        session.play(policy, as_history=policy is not None and policy is scenario.history)
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
    from game.saves.store import not_a_save

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


def _not_json_with(keys: set[str], what: str) -> Callable[[Path], str | None]:
    """A check for :func:`game.files.write_file`: the file may be replaced only if it is a JSON
    object with ``keys`` (``what``, written before by the same command)."""
    def check(path: Path) -> str | None:
        try:
            data = json.loads(read_file(path, 64 * 1024 * 1024, what))
        except (FileProblem, ValueError, RecursionError):
            data = None
        if isinstance(data, dict) and keys <= set(data):
            return None
        return f"is not {what} written before; nothing was overwritten (give a new file, or - for standard output)"
    return check


_not_a_simulation = _not_json_with({"scenario", "seed", "seasons"}, "the JSON output of a simulation")


def _policy(ref: str | None, scenario: Scenario) -> tuple[Mapping[str, float], ...] | None:
    from game.rules.problems import LoadError, Problem
    from game.rules.scenario import load_policy

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
        ending_json = {"id": ending.id, "outcome": ending.ending.outcome, "season": ending.season}
    return {"scenario": scenario.id, "seed": session.seed, "seasons": seasons, "ending": ending_json}


# --- play ------------------------------------------------------------------------------------


def cmd_play(args: argparse.Namespace, inp: TextIO, out: TextIO) -> int:
    """Play in the window when there is one, else in the text mode: parse, then dispatch to the
    game controller (:mod:`game.controller`) and the text front end."""
    from game.controller import Game, StartRefused, open_scenario, read_saved_game
    from game.present.index import rule_words
    from game.rules.scenario import SCENARIO_FOLDER
    from game.session import LeverRejected
    from game.text.play import ask_how_to_open, play_text

    why_not = None if getattr(args, "text", False) else _no_window_reason()
    mod = getattr(args, "mod", None)
    if not getattr(args, "text", False) and why_not is None:
        why_not = _open_window(args)
        if why_not is None:
            return 0
    saves, player = _saves_folder(args), getattr(args, "player", "")
    load = getattr(args, "load", None)
    try:
        if load is not None:
            loaded = read_saved_game(args.rules, load)
            if why_not is not None:
                out.write(f"{why_not} Starting the text mode.\n")
            how: OpenWay = "resume"
            if loaded.change is not None:
                out.write(f"Note: {loaded.change.describe(rule_words(loaded.scenario.ruleset))}.\n")
                chosen: OpenWay | None = getattr(args, "on_changed", None) or ask_how_to_open(inp, out)
                if chosen is None:
                    out.write("Not loaded: no choice was made.\n")
                    return 1
                how = chosen
            game = Game.open(loaded, how, saves, player)
            branch = f", branched from history at {game.session.branch_at}" if game.session.branch_at else ""
            way = {"replay": " (replayed under the rules as they are now)", "as-saved": " (as saved)"}.get(how, "")
            out.write(f"Loaded {escape_path(load)}: {escape_controls(loaded.scenario.title)}, {game.session.turn} season(s) played{branch}{way}.\n")
        else:
            branch_at = getattr(args, "branch_at", None)
            ref = getattr(args, "scenario", None)
            if ref is None and branch_at is not None:
                ref = DEFAULT_BRANCH_SCENARIO
            ref = ref or _default_scenario(args.rules, mod)
            if ref is None:
                out.write(f"error: no scenarios found in {escape_path(args.rules / SCENARIO_FOLDER)}\n")
                return 1
            scenario = open_scenario(args.rules, ref, mod)
            if why_not is not None:
                out.write(f"{why_not} Starting the text mode.\n")
            game = Game.of_scenario(scenario, getattr(args, "seed", None), branch_at, saves, player)
            if branch_at is not None:
                out.write(f"The state's actual policy was played from {scenario.start} up to {branch_at}; you take over now.\n")
    except StartRefused as err:
        hint = _other_branches(getattr(args, "branch_at", None), getattr(args, "scenario", None) or DEFAULT_BRANCH_SCENARIO, args.rules)
        return _refused(err, load, out, hint if err.kind == "branch" else "")
    except LeverRejected as err:  # (a history is checked when read; this is the last line of defence)
        out.write(f"error: the historical policy cannot be played: {err}\n")
        return 1
    started()
    return play_text(game, inp, out)


def _refused(err: StartRefused, load: Path | None, out: TextIO, hint: str = "") -> int:
    """Say why a game could not start or open: every located problem, then one line; exit status 1."""
    if err.kind in ("scenario", "save"):
        for line in err.lines():
            out.write(f"{line}\n")
        what = f"cannot load {escape_path(load)}" if err.kind == "save" and load is not None else "cannot start"
        then = "; nothing was changed" if err.kind == "save" else ""
        out.write(f"{what}: {err.errors} error(s){then}\n")
    elif err.kind == "open":
        out.write(f"error: cannot open {escape_path(load) if load is not None else 'the save'}: {err.problems[0]}\n")
    elif err.kind == "branch":
        out.write(f"error: cannot branch: {err.problems[0]}{hint}\n")
    else:
        out.write(f"error: the scenario cannot start: {err.problems[0]}\n")
    return 1


def _saves_folder(args: argparse.Namespace) -> Path:
    from game.saves import default_saves_folder

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
    from game.rules.problems import LoadError
    from game.rules.ruleset import cached_rulesets
    from game.rules.scenario import available_scenarios, load_scenario

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
    started()
    try:
        from game.ui.window import WindowUnavailable, run_window
    except ImportError as err:
        return f"The window needs pygame-ce and pygame_gui ({err})."
    try:
        branch_at = getattr(args, "branch_at", None)
        mod = getattr(args, "mod", None)
        scenario = getattr(args, "scenario", None) or (DEFAULT_BRANCH_SCENARIO if branch_at else None)
        if scenario is None and mod is not None:  # as the text mode: the default scenario the mod builds on
            scenario = _default_scenario(args.rules, mod)
        run_window(args.rules, scenario, getattr(args, "seed", None), load=getattr(args, "load", None), branch_at=branch_at,
                   on_changed=getattr(args, "on_changed", None), saves_dir=getattr(args, "saves", None), mod=mod)
    except WindowUnavailable as err:
        return f"The window could not open ({err})."
    return None


# --- replay ----------------------------------------------------------------------------------


def cmd_replay(path: Path, rules_root: Path, out: TextIO) -> int:
    """Re-run a save's lever history and compare every state; 0 only if all are reproduced."""
    from game.engine import RuleError
    from game.rules.problems import LoadError
    from game.saves import check_replay, load_save

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
    for note in result.notes:
        out.write(f"Note: {escape_controls(note)}\n")
    if result.difference is not None:
        out.write(f"replay FAILED after {result.seasons} season(s) reproduced: {result.difference}\n")
        return 1
    out.write(f"replay ok: the lever history reproduces the start and all {result.seasons} season(s) exactly "
              f"({result.numbers:,} values, draws and events compared, with every log entry, random counter and ending)\n")
    return 0


# --- verify ----------------------------------------------------------------------------------

VERIFY_CSV_MARK = "verdict,file,player,scenario,"


def cmd_verify(targets: Sequence[Path], rules_root: Path, scenario_ref: str | None, csv_path: Path | None, out: TextIO) -> int:
    """One verdict per save (a line, then its facts and reasons, wrapped to the terminal); the CSV
    if asked; exit 1 if any save fails (or none was found), 0 if all pass."""
    import csv
    import io
    import shutil

    from game.rules.problems import LoadError
    from game.rules.ruleset import cached_rulesets
    from game.rules.scenario import load_scenario
    from game.verify import CSV_HEADER, csv_row, details, verify

    if csv_path is not None and str(csv_path) != STDOUT:
        try:
            check_writable(csv_path, _not_a_verify_csv)
        except FileProblem as err:
            say_error(f"error: --csv {escape_path(csv_path)}: {err.reason}")
            return 1
    scenario = None
    if scenario_ref is not None:
        try:
            scenario = load_scenario(scenario_ref, rules_root)
        except LoadError as err:
            return _report_problems(err, out, "cannot verify")
    from game.verify import collect

    paths = collect(targets)
    if not paths:
        out.write(f"verify: no saves (.json files) in {', '.join(escape_path(t) for t in targets)}\n")
        return 1
    width = max(40, min(shutil.get_terminal_size((80, 24)).columns, 120))
    with cached_rulesets():
        verdicts = verify(paths, rules_root, scenario)
    for verdict in verdicts:
        who = escape_controls(verdict.player) if verdict.player else "(no name)"
        head = f"{'pass' if verdict.ok else 'FAIL'} {escape_path(verdict.path.name)}: {who}"
        if not verdict.ok:
            head += f": {escape_controls(verdict.problems[0])}"
        out.write(textwrap.fill(head, width, subsequent_indent="     ", break_on_hyphens=False) + "\n")
        facts = "; ".join(escape_controls(d) for d in details(verdict))
        if facts:
            out.write(textwrap.fill(facts, width, initial_indent="     ", subsequent_indent="     ", break_on_hyphens=False) + "\n")
        for reason in verdict.problems[1:]:
            out.write(textwrap.fill(f"also: {escape_controls(reason)}", width, initial_indent="     ", subsequent_indent="       ",
                                    break_on_hyphens=False) + "\n")
        for note in verdict.notes:
            out.write(textwrap.fill(f"note: {escape_controls(note)}", width, initial_indent="     ", subsequent_indent="       ",
                                    break_on_hyphens=False) + "\n")
    failed = sum(1 for v in verdicts if not v.ok)
    out.write(f"{len(verdicts)} save(s): {len(verdicts) - failed} pass, {failed} fail\n")
    if csv_path is not None:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(CSV_HEADER)
        for verdict in verdicts:
            writer.writerow([_csv_safe(cell) for cell in csv_row(verdict)])
        try:
            how = write_output(csv_path, buffer.getvalue(), out, may_replace=_not_a_verify_csv)
        except OSError as err:
            say_error(f"error: cannot write {escape_path(csv_path)}: {plain_reason(err)}")
            return 1
        if how != "standard output":
            say_error(f"wrote {len(verdicts)} row(s) to {escape_path(csv_path)}")
    return 1 if failed else 0


def _csv_safe(cell: str) -> str:
    """A CSV cell without control characters, and never read as a formula by a spreadsheet."""
    cell = escape_controls(cell)
    return "'" + cell if cell[:1] in ("=", "+", "-", "@") and not cell[1:2].isdigit() else cell


def _not_a_verify_csv(path: Path) -> str | None:
    """Why ``verify --csv`` may not replace the file at ``path`` (None: an earlier verify CSV)."""
    from game.rules.reading import MAX_FILE_BYTES

    try:
        head = read_file(path, MAX_FILE_BYTES, "a CSV file")[:len(VERIFY_CSV_MARK)].decode("utf-8", "replace")
    except FileProblem as err:
        return err.reason
    if head == VERIFY_CSV_MARK:
        return None
    return "is not a CSV written by verify; nothing was overwritten (give a new file, or - for standard output)"


def _stamp(m: datetime) -> str:
    return f"{m.year:04d}-{m.month:02d}-{m.day:02d} {m.hour:02d}:{m.minute:02d}"  # (strftime's %Y drops the zeros of year 1)


# --- shared ----------------------------------------------------------------------------------


def _default_scenario(rules_root: Path, mod: str | None = None) -> str | None:
    """The scenario to play when none is named: the first default there is; with a mod, the
    first default (else the first scenario) whose rule set the mod builds on."""
    from game.rules.scenario import available_scenarios

    known = available_scenarios(rules_root)
    if mod is not None:
        fitting = _scenarios_for(mod, rules_root)
        if fitting is not None:
            known = [ident for ident in known if ident in fitting] or known
    for ident in DEFAULT_SCENARIOS:
        if ident in known:
            return ident
    return known[0] if known else None


def _scenarios_for(rules: str, rules_root: Path) -> list[str] | None:
    """The scenarios that can be played under ``rules`` (a rule set or mod), or None when it does
    not load (loading the scenario will then say why)."""
    from game.rules.mods import Library, is_zip
    from game.rules.problems import LoadError
    from game.rules.reading import read_document
    from game.rules.ruleset import load_ruleset
    from game.rules.scenario import SCENARIO_FOLDER, available_scenarios, scenario_library

    by_path = "/" in rules or is_zip(Path(rules))
    place = Path(rules) if by_path else next(iter(Library.default(rules_root).candidates(rules)), None)
    if place is None:
        return None
    # Loaded as a scenario under this mod loads it (load_scenario), so that cached_rulesets serves both.
    library = scenario_library(rules_root / SCENARIO_FOLDER / "any.toml", rules_root)
    try:
        layers = {layer.id for layer in load_ruleset(place, library.with_first(place.parent) if by_path else library).stack}
    except LoadError:
        return None
    out = []
    for ident in available_scenarios(rules_root):
        try:
            doc = read_document(rules_root / SCENARIO_FOLDER / f"{ident}.toml", [])
        except OSError:
            continue
        if doc is not None and isinstance(doc.data.get("scenario"), dict) and doc.data["scenario"].get("ruleset") in layers:
            out.append(ident)
    return out


def _seed(requested: int | None, scenario: Scenario) -> int:
    from game.controller import choose_seed

    return choose_seed(requested, scenario)


def _report_problems(err: LoadError, out: TextIO, what: str = "cannot start", then: str = "") -> int:
    """Print every problem of ``err``, then '<what>: N error(s)<then>'; returns the exit status 1."""
    for problem in err.problems:
        out.write(f"{problem}\n")
    out.write(f"{what}: {len(err.errors)} error(s){then}\n")
    return 1


# --- mods ------------------------------------------------------------------------------------


def cmd_mods(rules_root: Path, out: TextIO) -> int:
    """List the mods in ``rules_root/mods`` and the player's mod folder, each with its check."""
    from game.rules.catalog import mod_entries, mod_folders
    from game.rules.reading import display_name

    out.write(f"Mods in {' and '.join(display_name(f) for f in mod_folders(rules_root))}:\n")
    entries = mod_entries(rules_root)
    if not entries:
        out.write("  none yet: see docs/MODDING.md to make one in ten minutes\n")
    for entry in entries:
        out.write(_mod_row(entry) + "\n")
    out.write("Play one: main.py play --mod ID.\nCheck one: main.py check ID (lists what it changes).\n")
    return 0


def _mod_row(entry: ModEntry) -> str:
    from game.rules.reading import display_name

    where = display_name(entry.place)
    if entry.ruleset is None:
        head = f"  {entry.ident} {entry.version}"
        status = f"{entry.status()}; run main.py check {where}"
    else:
        head = f"  {entry.ident} {entry.version}: \"{entry.name}\""
        status = entry.status()
    extends = f", extends {entry.extends}" if entry.extends else ""
    lines = [*textwrap.wrap(f"{head}{extends}", 80, subsequent_indent=" " * 6, break_on_hyphens=False, break_long_words=False),
             f"      {status}", f"      {where}"]
    if entry.note is not None:
        lines += textwrap.wrap(entry.note if not entry.used else f"note: {entry.note}", 78, initial_indent=" " * 6, subsequent_indent=" " * 8,
                               break_on_hyphens=False, break_long_words=False)
    return "\n".join(lines)


# --- compare ---------------------------------------------------------------------------------


def cmd_compare(args: argparse.Namespace, out: TextIO) -> int:
    """Play two rule sets over the same seeds and policies; print the impact report."""
    from game.rules.ruleset import cached_rulesets

    if len(args.sides) != 2:
        out.write(f"error: compare needs two --rules (the rules to compare against, then the changed ones), found {len(args.sides)}\n")
        return 1
    if args.seeds < 1 or args.seeds > 10_000:
        out.write(f"error: --seeds must be from 1 to 10,000, found {args.seeds}\n")
        return 1
    with cached_rulesets():  # each rule set read and checked once
        return _compare(args, out)


def _compare(args: argparse.Namespace, out: TextIO) -> int:
    from game.impact import PolicyRefused, Side, impact, impact_json, impact_text, play_campaigns
    from game.rules.problems import LoadError
    from game.rules.scenario import load_scenario

    rules_root: Path = args.rules
    ref = args.scenario or _compare_scenario(args.sides, rules_root)
    if ref is None:
        out.write(f"error: no scenario can be played under both {args.sides[0]} and {args.sides[1]}: name one with --scenario\n")
        return 1
    seeds = list(range(1, args.seeds + 1))
    sides = []
    labels: list[str] = []
    for rules in args.sides:
        try:
            scenario = load_scenario(ref, rules_root, mod=rules)
            policies = _compare_policies(args.policy, scenario)
            campaigns = play_campaigns(scenario, seeds, policies)
        except LoadError as err:
            return _report_problems(err, out, f"cannot compare under {rules}")
        except PolicyRefused as err:  # (policies are checked when read; this is the last line of defence)
            out.write(f"error: cannot compare under {rules}: {err}\n")
            return 1
        labels = list(policies)
        name = scenario.ruleset.id if not sides or scenario.ruleset.id != sides[0].name else f"{rules} (2)"
        sides.append(Side(name, scenario, tuple(campaigns)))
    report = impact(sides[0], sides[1], seeds, labels)
    data = impact_json(report)
    if args.out is not None:
        try:
            write_output(args.out, json.dumps(data, indent=1, ensure_ascii=False) + "\n", out,
                         may_replace=_not_json_with({"scenario", "seeds", "sides"}, "a comparison report"))
        except OSError as err:
            out.write(f"error: cannot write {escape_path(args.out)}: {plain_reason(err)}\n")
            return 1
    out.write(json.dumps(data, indent=1, ensure_ascii=False) + "\n" if args.json else impact_text(report))
    return 0


MAX_READINGS = 5  # side by side in 80 columns, with history's column


def cmd_readings(args: argparse.Namespace, out: TextIO) -> int:
    """Rival readings side by side: the fit to history over some years, and one policy's fate."""
    from game.impact import PolicyRefused
    from game.readings import PREFIX, play_readings, readings_json, readings_report, readings_text
    from game.rules.catalog import mod_entries
    from game.rules.problems import LoadError
    from game.rules.ruleset import cached_rulesets
    from game.rules.scenario import load_scenario

    span = args.years.split("-")
    if len(span) != 2 or not all(p.isdigit() and len(p) == 4 for p in span) or span[0] > span[1]:
        out.write(f"error: --years must be two years like 1926-1929, found '{escape_controls(args.years)}'\n")
        return 1
    if not 1 <= args.seeds <= 1000:
        out.write(f"error: --seeds must be from 1 to 1,000, found {args.seeds}\n")
        return 1
    with cached_rulesets():
        sides = args.sides or ["base", *(entry.ident for entry in mod_entries(args.rules)
                                         if entry.ident.startswith(PREFIX) and entry.ok and entry.used and "base" in entry.layers)]
        if len(sides) < 2 or len(sides) > MAX_READINGS:
            out.write(f"error: give from 2 to {MAX_READINGS} readings (--rules), found {len(sides)}\n")
            return 1
        scenarios = {}
        policies = {}
        for rules in sides:
            try:
                scenario = load_scenario(args.scenario, args.rules, mod=None if rules == "base" else rules)
                policies[rules] = None if args.policy in ("default", "history") else _policy(args.policy, scenario)
            except LoadError as err:
                return _report_problems(err, out, f"cannot set {rules} beside the others")
            if args.policy == "history" and scenario.history is None:
                out.write(f"error: scenario '{scenario.id}' has no historical policy to judge the readings by\n")
                return 1
            scenarios[rules if rules not in scenarios else f"{rules} (2)"] = scenario
        seeds = list(range(1, args.seeds + 1))
        try:
            played = play_readings(scenarios, seeds, args.policy, policies)
        except PolicyRefused as err:
            out.write(f"error: {err}\n")
            return 1
    report = readings_report(played, seeds, args.policy, int(span[0]), int(span[1]))
    out.write(json.dumps(readings_json(report), indent=1, ensure_ascii=False) + "\n" if args.json else readings_text(report))
    return 0


def _compare_scenario(sides: Sequence[str], rules_root: Path) -> str | None:
    """The default scenario of a comparison: the default branching scenario if both sides can play
    it, else the first (by id) that both can."""
    fits = [_scenarios_for(rules, rules_root) for rules in sides]
    if any(f is None for f in fits):
        return _default_scenario(rules_root)  # loading will say what is wrong
    common = [ident for ident in fits[0] or [] if ident in (fits[1] or [])]
    if not common:
        return None
    if DEFAULT_BRANCH_SCENARIO in common:
        return DEFAULT_BRANCH_SCENARIO
    return common[0]


def _compare_policies(refs: Sequence[str] | None, scenario: Scenario) -> dict[str, Sequence[Mapping[str, float]] | None]:
    """Each policy of a comparison by its label: 'history', 'default' or a policy file's path."""
    if not refs:
        return {"history": scenario.history} if scenario.history is not None else {"default": None}
    out: dict[str, Sequence[Mapping[str, float]] | None] = {}
    for ref in refs:
        out[ref] = None if ref == "default" else _policy(ref, scenario)
    return out


# --- watching ----------------------------------------------------------------------------------


def _watched(paths: Sequence[Path], rules_root: Path) -> Callable[[], list[Path]]:
    """The files a ``--watch`` looks at: every rule file under ``rules_root``, the player's mods,
    and the paths named (with the rule sets beside a named file)."""
    from game.rules.mods import user_mods_folder

    def files() -> list[Path]:
        found: list[Path] = []
        for folder in (rules_root, user_mods_folder(), *paths):
            if folder.is_file():
                found.append(folder)
                folder = folder.parent
            if folder.is_dir():
                found += [p for p in folder.rglob("*") if p.suffix in (".toml", ".zip") and len(p.relative_to(folder).parts) <= 3]
        return found
    return files


def watch_rules(run: Callable[[], int], files: Callable[[], list[Path]], out: TextIO, interval: float = 0.5,
                sleep: Callable[[float], None] | None = None) -> int:
    """Run ``run``, then again each time one of ``files()`` is saved, added or removed, until
    Ctrl-C (polling the files' times and sizes: no extra dependency). Returns the last status."""
    import time

    from game.rules.reading import display_name

    pause = sleep or time.sleep
    status = run()
    seen = _stamps(files())
    out.write(f"Watching {len(seen)} rule file(s) for changes; Ctrl-C to stop.\n")
    out.flush()
    try:
        while True:
            pause(interval)
            now = _stamps(files())
            if now == seen:
                continue
            changed = sorted({*now.keys() ^ seen.keys(), *(k for k in now.keys() & seen.keys() if now[k] != seen[k])})
            seen = now
            names = ", ".join(display_name(Path(p)) for p in changed[:3]) + (f" and {len(changed) - 3} more" if len(changed) > 3 else "")
            out.write(f"\n--- {names} changed; running again ---\n")
            status = run()
            out.flush()
    except KeyboardInterrupt:
        out.write("Stopped watching.\n")
    return status


def _stamps(paths: Sequence[Path]) -> dict[str, tuple[int, int]]:
    stamps = {}
    for path in paths:
        try:
            info = path.stat()
        except OSError:
            continue
        stamps[str(path)] = (info.st_mtime_ns, info.st_size)
    return stamps
