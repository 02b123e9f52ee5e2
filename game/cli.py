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
from pathlib import Path
from typing import Any, TextIO

from game.engine import RuleError
from game.rules.problems import LoadError, Problem
from game.rules.reading import display_name, read_document
from game.rules.ruleset import MANIFEST_FILE, cached_rulesets, load_ruleset, ruleset_warnings
from game.rules.scenario import SCENARIO_FOLDER, Scenario, available_scenarios, load_policy, load_scenario
from game.saves import OpenWay, SaveRefused, check_replay, default_saves_folder, load_save, save_game, write_atomically
from game.session import BranchRefused, Session

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules"
# The scenario `play` starts when none is named (the first of these that exists).
DEFAULT_SCENARIOS = ("scissors-1923", "hammurabi-reign")
# The scenario `play --branch-at SEASON` branches from when none is named (if it has that season).
DEFAULT_BRANCH_SCENARIO = "nep-1923-1930"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="main.py", description="Smychka: the worker-peasant alliance under the NEP, 1923-1930.")
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
    play.add_argument("--player", default="", metavar="NAME", help="your name, recorded in saves")
    play.add_argument("--saves", type=Path, metavar="DIR", help="where saves and autosaves go (default: saves/)")

    check = sub.add_parser("check", help="validate rule sets and scenarios; FILE:LINE:COL: error: MESSAGE")
    check.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="rule set folders, .toml files or saves (.json) (default: everything under rules/)")

    sim = sub.add_parser("simulate", help="run a game headless and write every season as JSON")
    sim.add_argument("--scenario", required=True, metavar="ID|PATH")
    sim.add_argument("--policy", metavar="history|PATH", help="lever values: 'history' (the scenario's own) or a policy TOML file")
    sim.add_argument("--seed", type=int, metavar="N")
    sim.add_argument("--out", type=Path, metavar="FILE", help="write the JSON here (default: standard output)")
    sim.add_argument("--compare", action="store_true",
        help="print the model beside the scenario's historical series, year by year (the JSON goes to --out only)")
    sim.add_argument("--save", type=Path, metavar="PATH", help="also write the finished game as a save (to load, replay or check)")

    replay = sub.add_parser("replay", help="re-run a save's lever history from its scenario and seed; exit 0 only if every saved state is reproduced exactly")
    replay.add_argument("save", type=Path, metavar="SAVE")

    schema = sub.add_parser("schema", help="write the JSON Schemas of rule, scenario and policy files (for editors)")
    schema.add_argument("--out", type=Path, default=ROOT / "docs" / "schema", metavar="DIR")
    return parser


def main(argv: Sequence[str] | None = None, stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    args = build_parser().parse_args(argv)
    out = stdout or sys.stdout
    if args.command == "check":
        return cmd_check(args.paths, args.rules, out)
    if args.command == "simulate":
        return cmd_simulate(args, out)
    if args.command == "schema":
        return cmd_schema(args.out, out)
    if args.command == "replay":
        return cmd_replay(args.save, args.rules, out)
    return cmd_play(args, stdin or sys.stdin, out)


# --- check -----------------------------------------------------------------------------------


def cmd_check(paths: Sequence[Path], rules_root: Path, out: TextIO) -> int:
    """Validate everything named (or everything shipped); print every problem; 0 if no errors."""
    with cached_rulesets():
        return _check_all(paths, rules_root, out)


def _check_all(paths: Sequence[Path], rules_root: Path, out: TextIO) -> int:
    problems: set[Problem] = set()
    checked = 0
    targets = list(paths) or _shipped(rules_root)
    for target in targets:
        checked += 1
        problems.update(_check_one(target, rules_root))
    ordered = sorted(problems, key=lambda p: (p.file, p.line, p.col, p.message))
    for problem in ordered:
        out.write(f"{problem}\n")
    errors = sum(p.severity == "error" for p in ordered)
    warnings = len(ordered) - errors
    status = "ok" if not errors else "FAILED"
    out.write(f"check {status}: {checked} item(s), {errors} error(s), {warnings} warning(s)\n")
    return 1 if errors else 0


def _shipped(rules_root: Path) -> list[Path]:
    sets = sorted(p for p in rules_root.iterdir() if p.is_dir() and (p / MANIFEST_FILE).exists()) if rules_root.is_dir() else []
    scenarios = sorted((rules_root / SCENARIO_FOLDER).glob("*.toml"))
    return [*sets, *scenarios]


def _check_one(target: Path, rules_root: Path) -> list[Problem]:
    if target.is_dir():
        return _check_ruleset(target)
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
    return [Problem(display_name(target), 1, 1,
            "not a rule set file or a scenario: expected a [ruleset] or [scenario] table, or a file inside a rule set folder")]


def _is_save(target: Path) -> bool:
    """A save is recognised by its extension, or by content that starts like JSON."""
    if target.suffix.lower() == ".json":
        return True
    try:
        with open(target, "rb") as handle:
            return handle.read(64).lstrip().startswith(b"{")
    except OSError:
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

    for name in SCHEMAS:
        target = folder / f"{name}.schema.json"
        try:
            write_atomically(target, schema_text(name))
        except OSError as err:
            out.write(f"error: cannot write {target}: {err.strerror or err}\n")
            return 1
        out.write(f"wrote {target}\n")
    return 0


# --- simulate --------------------------------------------------------------------------------


def cmd_simulate(args: argparse.Namespace, out: TextIO) -> int:
    try:
        scenario = load_scenario(args.scenario, args.rules)
        policy = _policy(args.policy, scenario)
    except LoadError as err:
        return _report_problems(err, out)
    seed = _seed(args.seed, scenario)
    try:
        session = play_policy(scenario, seed, policy)
    except RuleError as err:
        sys.stderr.write(f"error: the rules failed: {err}\n")
        return 1
    result = game_record(session)
    if args.save is not None:
        try:
            save_game(session, args.save)
        except OSError as err:
            sys.stderr.write(f"error: cannot write {args.save}: {err.strerror or err}\n")
            return 1
        sys.stderr.write(f"saved the game ({session.turn} season(s)) to {args.save}\n")
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
        write_atomically(args.out, text)
    except OSError as err:
        sys.stderr.write(f"error: cannot write {args.out}: {err.strerror or err}\n")
        return 1
    sys.stderr.write(f"wrote {len(result['seasons'])} season(s) of {scenario.id} (seed {seed}) to {args.out}\n")
    return 0


def _policy(ref: str | None, scenario: Scenario) -> tuple[Mapping[str, float], ...] | None:
    if ref is None:
        return None
    if ref == "history":
        if scenario.history is None:
            raise LoadError([Problem(scenario.file, 1, 1, f"scenario '{scenario.id}' has no historical policy ([history] table); give a policy file instead")])
        return scenario.history
    return load_policy(Path(ref), scenario)


def play_policy(scenario: Scenario, seed: int, policy: Sequence[Mapping[str, float]] | None) -> Session:
    """A game of ``scenario`` played to its end with ``policy`` (None: the default levers)."""
    session = Session(scenario, seed)
    session.play(policy)
    return session


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
        ref = _historical_scenario(branch_at, args.rules)
    ref = ref or _default_scenario(args.rules)
    if ref is None:
        out.write(f"error: no scenarios found in {args.rules / SCENARIO_FOLDER}\n")
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
        out.write(f"error: cannot branch: {err}\n")
        return 1
    except RuleError as err:
        out.write(f"error: the scenario cannot start: {err}\n")
        return 1
    if branch_at is not None:
        out.write(f"The state's actual policy was played from {scenario.start} up to {branch_at}; you take over now.\n")
    return play_text(session, inp, out, saves=_saves_folder(args), player=getattr(args, "player", ""))


def _saves_folder(args: argparse.Namespace) -> Path:
    return getattr(args, "saves", None) or default_saves_folder()


def _historical_scenario(season: str, rules_root: Path) -> str | None:
    """The default branching scenario if it has ``season``, else the longest scenario with a
    historical policy that has it (None: the usual default, which will say why it cannot)."""
    best: tuple[bool, int, str] | None = None
    with cached_rulesets():
        for ident in available_scenarios(rules_root):
            try:
                scenario = load_scenario(ident, rules_root)
            except LoadError:
                continue
            seasons = scenario.season_names()
            if scenario.history is not None and season in seasons:
                rank = (ident == DEFAULT_BRANCH_SCENARIO, scenario.seasons, ident)
                best = max(best, rank) if best else rank
    return best[2] if best else None


def _play_saved(args: argparse.Namespace, inp: TextIO, out: TextIO, why_not: str | None) -> int:
    from game.text.play import ask_how_to_open, play_text

    try:
        loaded = load_save(args.load, args.rules)
    except LoadError as err:
        return _report_problems(err, out, f"cannot load {args.load}", "; nothing was changed")
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
        out.write(f"error: cannot open {args.load}: {err}\n")
        return 1
    branch = f", branched from history at {session.branch_at}" if session.branch_at else ""
    way = {"replay": " (replayed under the rules as they are now)", "as-saved": " (as saved)"}.get(how, "")
    out.write(f"Loaded {args.load}: {loaded.scenario.title}, {session.turn} season(s) played{branch}{way}.\n")
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
        scenario = getattr(args, "scenario", None) or (_historical_scenario(branch_at, args.rules) if branch_at else None)
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
        return _report_problems(err, out, f"cannot replay {path}")
    save = loaded.save
    if loaded.change is not None:
        out.write(f"Note: {loaded.change.describe()}; replaying under the rules as they are now.\n")
    try:
        result = check_replay(loaded)
    except RuleError as err:
        out.write(f"replay FAILED: the scenario cannot start under the rules as they are now: {err}\n")
        return 1
    who = f" by {save.metadata.player}" if save.metadata.player else ""
    branch = f", branched from history at {save.branch_at}" if save.branch_at else ""
    out.write(f"{path}: {save.scenario.id} (seed {save.seed}), {len(save.states) - 1} season(s) played{who}{branch}, "
              f"saved {save.metadata.saved_at:%Y-%m-%d %H:%M} UTC\n")
    if result.difference is not None:
        out.write(f"replay FAILED after {result.seasons} season(s) reproduced: {result.difference}\n")
        return 1
    out.write(f"replay ok: the lever history reproduces the start and all {result.seasons} season(s) exactly "
              f"({result.numbers:,} values, draws and events compared, with every log entry, random counter and ending)\n")
    return 0


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
