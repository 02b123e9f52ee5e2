"""The command line: ``check``, ``simulate`` and ``play``.

Every failure a user can cause (a bad file, a bad value, a rule that breaks mid-game) ends in a
plain message and a non-zero exit status, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
import tempfile
from pathlib import Path
from typing import Any, Mapping, Sequence, TextIO

from game.engine import RuleError
from game.rules.problems import LoadError, Problem
from game.rules.reading import display_name, read_document
from game.rules.ruleset import MANIFEST_FILE, cached_rulesets, load_ruleset, ruleset_warnings
from game.rules.scenario import SCENARIO_FOLDER, Scenario, available_scenarios, load_policy, load_scenario
from game.session import Session

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules"
# The scenario `play` starts when none is named (the first of these that exists).
DEFAULT_SCENARIOS = ("scissors-1923", "hammurabi-reign")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="main.py", description="Smychka: the worker-peasant alliance under the NEP, 1923-1930.")
    parser.add_argument("--rules", type=Path, default=RULES, help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    play = sub.add_parser("play", help="play a scenario (the window when there is a display, else text mode)")
    play.add_argument("--scenario", metavar="ID|PATH", help="scenario id or file (default: the tutorial)")
    play.add_argument("--seed", type=int, metavar="N", help="random seed (default: the scenario's, or a fresh one)")
    play.add_argument("--text", action="store_true", help="play in the terminal even when a display is available")

    check = sub.add_parser("check", help="validate rule sets and scenarios; FILE:LINE:COL: error: MESSAGE")
    check.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="rule set folders or .toml files (default: everything under rules/)")

    sim = sub.add_parser("simulate", help="run a game headless and write every season as JSON")
    sim.add_argument("--scenario", required=True, metavar="ID|PATH")
    sim.add_argument("--policy", metavar="history|PATH", help="lever values: 'history' (the scenario's own) or a policy TOML file")
    sim.add_argument("--seed", type=int, metavar="N")
    sim.add_argument("--out", type=Path, metavar="FILE", help="write the JSON here (default: standard output)")
    sim.add_argument("--compare", action="store_true", help="print the model beside the scenario's historical series, year by year (the JSON goes to --out only)")

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
    return [Problem(display_name(target), 1, 1, "not a rule set file or a scenario: expected a [ruleset] or [scenario] table, or a file inside a rule set folder")]


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
        result = simulate(scenario, seed, policy)
    except RuleError as err:
        sys.stderr.write(f"error: the rules failed: {err}\n")
        return 1
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


def simulate(scenario: Scenario, seed: int, policy: Sequence[Mapping[str, float]] | None) -> dict[str, Any]:
    """Play ``scenario`` headless with ``policy`` (lever values per turn; None: the defaults)."""
    session = Session(scenario, seed)
    seasons: list[dict[str, Any]] = []
    while not session.is_over:
        if policy is not None:
            session.set_levers(policy[session.turn])
        state = session.end_season()
        seasons.append({
            "season": state.season,
            "levers": session.levers_played(session.turn),
            "values": session.values(),
            "draws": {e.name: e.value for e in state.log if e.kind == "draw"},
            "events": [e.name for e in state.log if e.kind == "event"],
        })
    ending = session.ending
    ending_json = None
    if ending is not None and ending.ending is not None:
        ending_json = {"id": ending.id, "alliance": ending.ending.alliance, "season": ending.season}
    return {"scenario": scenario.id, "seed": seed, "seasons": seasons, "ending": ending_json}


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``path``, flush it to disk, rename it over."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


# --- play ------------------------------------------------------------------------------------


def cmd_play(args: argparse.Namespace, inp: TextIO, out: TextIO) -> int:
    from game.text.play import play_text

    why_not = None if getattr(args, "text", False) else _no_window_reason()
    if not getattr(args, "text", False) and why_not is None:
        why_not = _open_window(args)
        if why_not is None:
            return 0
    ref = getattr(args, "scenario", None) or _default_scenario(args.rules)
    if ref is None:
        out.write(f"error: no scenarios found in {args.rules / SCENARIO_FOLDER}\n")
        return 1
    try:
        scenario = load_scenario(ref, args.rules)
    except LoadError as err:
        return _report_problems(err, out)
    if why_not is not None:
        out.write(f"{why_not} Starting the text mode.\n")
    try:
        session = Session(scenario, _seed(getattr(args, "seed", None), scenario))
    except RuleError as err:
        out.write(f"error: the scenario cannot start: {err}\n")
        return 1
    return play_text(session, inp, out)


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
        run_window(args.rules, getattr(args, "scenario", None), getattr(args, "seed", None))
    except WindowUnavailable as err:
        return f"The window could not open ({err})."
    return None


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


def _report_problems(err: LoadError, out: TextIO) -> int:
    for problem in err.problems:
        out.write(f"{problem}\n")
    out.write(f"cannot start: {len(err.errors)} error(s)\n")
    return 1
