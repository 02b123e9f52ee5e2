"""A mutation fuzzer over the shipped rule files, scenarios and saves, and the hostile environment.

Each case takes one shipped file (or a save written by playing a shipped scenario), mutates it —
byte flips, truncation, deleted, duplicated and swapped lines, swapped values and types, random
structural TOML/JSON edits, deep nesting, huge numbers, unicode, hostile formulas — and loads it
in-process under a watchdog. Every case must either load (and then play its first season, or fail
with the engine's RuleError) or raise :class:`LoadError` whose problems all have a file, a line
>= 1, a column >= 1 and a message. Anything else, or a load that takes longer than the watchdog
allows, is a failure; failing inputs are kept under ``--keep`` to reproduce.

Three more kinds try the machine around the files (scripts/fuzz_hostile.py): ``files`` (paths that
are not regular files where the game reads or writes one), ``names`` (names the system or the
locale refuse, in arguments, typed, on disk) and ``locale`` (ASCII and latin-1 terminals, random
bytes typed). Each runs main.py in-process and must answer — accepted, or refused with a sentence —
with no traceback, no raw control character, and no file changed that it was not asked to write.

    .venv/bin/python scripts/fuzz.py                    # 10,000 cases, both cores
    .venv/bin/python scripts/fuzz.py --cases 500 --seed 7 --jobs 1
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import re
import shutil
import signal
import sys
import tempfile
import time
import tomllib
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

import tomli_w

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from game.engine import Model, RuleError, initial_state, step  # noqa: E402
from game.rules.problems import LoadError  # noqa: E402
from game.rules.ruleset import MANIFEST_FILE, cached_rulesets  # noqa: E402
from game.rules.scenario import Scenario, load_scenario  # noqa: E402
from scripts import fuzz_hostile  # noqa: E402

RULES = ROOT / "rules"
# "loaded": the input was read (a hostile case: the command was accepted); "located error": it was
# refused with a located problem (a hostile case: with a sentence); "failure": anything else.
OUTCOMES = ("loaded", "located error", "failure")
FILE_KINDS = ("rules", "scenario", "save")
KINDS = (*FILE_KINDS, *fuzz_hostile.KINDS)
WATCHDOG_SECONDS = 10.0


# --- the inputs -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Target:
    """A file to mutate: its kind (rules, scenario, save), its place under the fuzz root, and the
    scenario that uses it (what a loaded rule file is played with)."""

    kind: str
    relative: str
    scenario: str


def targets(root: Path) -> list[Target]:
    """Every shipped rule file and scenario under ``root/rules``, and the saves in ``root/saves``."""
    rules = root / "rules"
    scenario_of: dict[str, str] = {}
    for path in sorted((rules / "scenarios").glob("*.toml")):
        scenario_of.setdefault(tomllib.loads(path.read_text(encoding="utf-8"))["scenario"]["ruleset"], path.stem)
    out = []
    for folder in sorted(p for p in rules.iterdir() if (p / MANIFEST_FILE).exists()):
        for path in sorted(folder.glob("*.toml")):
            out.append(Target("rules", str(path.relative_to(root)), scenario_of[folder.name]))
    for path in sorted((rules / "scenarios").glob("*.toml")):
        out.append(Target("scenario", str(path.relative_to(root)), path.stem))
    for path in sorted((root / "saves").glob("*.json")):
        out.append(Target("save", str(path.relative_to(root)), ""))
    out += [Target(kind, kind, "") for kind in fuzz_hostile.KINDS]  # the hostile environment: no file of its own to mutate
    return out


def make_root(folder: Path) -> Path:
    """A private copy of the shipped rules, with saves of two games played on them."""
    from game.saves import save_game
    from game.session import Session

    shutil.copytree(RULES, folder / "rules")
    saves = folder / "saves"
    saves.mkdir()
    with cached_rulesets():
        nep = load_scenario("nep-1923-1930", folder / "rules")
        session = Session(nep, 1)
        for levers in nep.history or ():
            if session.is_over:
                break
            session.set_levers(levers)
            session.end_season()
        save_game(session, saves / "nep-1923-1930-history.json", player="Fuzz")
        short = load_scenario("hammurabi-short", folder / "rules")
        session = Session(short, 4)
        for _ in range(5):
            session.end_season()
        save_game(session, saves / "hammurabi-short.json")
    first_format = ROOT / "tests" / "fixtures" / "saves" / "hammurabi-short-v1.json"
    if first_format.exists():
        shutil.copy(first_format, saves / "hammurabi-short-v1.json")
    return folder


# --- mutations --------------------------------------------------------------------------------

TOML_VALUE = re.compile(r'(?m)(?<==)[ \t]*("(?:[^"\\\n]|\\.)*"|-?[0-9][0-9_.eE+-]*|true|false)')
JSON_VALUE = re.compile(r'(?<=:)[ \t]*("(?:[^"\\\n]|\\.)*"|-?[0-9][0-9.eE+-]*|true|false|null)')
NUMBER = re.compile(r"(?<![\w.\"])-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?(?![\w\"])")
FORMULA = re.compile(r'(?m)^(?:formula|condition|chance|left|right)\s*=\s*"([^"\n]*)"')
HUGE = ["1e308", "-1e308", "1e309", "-1e999", "1" + "0" * 400, "9" * 5000, "5e-324", "-0.0", "0", "inf", "-inf", "nan",
        "0x7fffffffffffffff", "1_000_000_000_000_000", "1e-400", "123456789012345678901234567890.5"]
OTHER_TYPES = ['"text"', '""', "42", "4.2", "-1", "true", "false", "[]", "{}", "[1, \"a\"]", "{ x = 1 }", "1979-05-27",
               "07:32:00", "1979-05-27T07:32:00Z", '"1923-autumn"', '"' + "a" * 3000 + '"', "null", '{"a": 1}']
UNICODE = ["\u202e", "é", "e\u0301", "日本語", "\U0001f600", "\ufeff", "\x00", "\u0000", "İ", "\u00a0", "\u2028", "\t",
           "\r", "\\u0000", "\\ud800", "\u200b", "ﬁ", "𝒙", "\x7f", "\x1b[31m", "Ω" * 200]
FORMULA_NOISE = ["**", "** 99", "prev(", ")", "(", "__class__", "lambda: 1", "1/0", "prev(prev(x))", "import os", ".real",
                 "[0]", " if ", " and ", " or not ", "%", "** 1e9", "'s'", "f(x)", "x.y", "*", "clamp(", ",", "exp(999)",
                 "log(0)", "sqrt(-1)", "1e999", "nan", "inf", "turn", "abs", "min()", "max(1)", "  ", "\\n", "#"]


def _lines(text: str) -> list[str]:
    return text.split("\n")


def byte_flip(rng: random.Random, raw: bytes, kind: str) -> bytes:
    data = bytearray(raw)
    for _ in range(rng.randint(1, 6)):
        if data:
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    return bytes(data)


def truncate(rng: random.Random, raw: bytes, kind: str) -> bytes:
    return raw[: rng.randrange(len(raw) + 1)]


def delete_lines(rng: random.Random, raw: bytes, kind: str) -> bytes:
    lines = _lines(raw.decode("utf-8"))
    start = rng.randrange(len(lines))
    del lines[start: start + rng.choice([1, 1, 1, 2, 5, 20])]
    return "\n".join(lines).encode()


def duplicate_lines(rng: random.Random, raw: bytes, kind: str) -> bytes:
    lines = _lines(raw.decode("utf-8"))
    start = rng.randrange(len(lines))
    chunk = lines[start: start + rng.choice([1, 1, 3, 10])]
    at = rng.choice([start, rng.randrange(len(lines) + 1)])
    return "\n".join(lines[:at] + chunk + lines[at:]).encode()


def swap_lines(rng: random.Random, raw: bytes, kind: str) -> bytes:
    lines = _lines(raw.decode("utf-8"))
    i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
    lines[i], lines[j] = lines[j], lines[i]
    return "\n".join(lines).encode()


def _values(text: str, kind: str) -> list[re.Match[str]]:
    return list((JSON_VALUE if kind == "save" else TOML_VALUE).finditer(text))


def _replace(text: str, m: re.Match[str], new: str, group: int = 1) -> str:
    return text[: m.start(group)] + new + text[m.end(group):]


def swap_values(rng: random.Random, raw: bytes, kind: str) -> bytes:
    text = raw.decode("utf-8")
    found = _values(text, kind)
    if len(found) < 2:
        return truncate(rng, raw, kind)
    a, b = sorted(rng.sample(found, 2), key=lambda m: m.start())
    return (text[: a.start(1)] + b.group(1) + text[a.end(1): b.start(1)] + a.group(1) + text[b.end(1):]).encode()


def change_type(rng: random.Random, raw: bytes, kind: str) -> bytes:
    text = raw.decode("utf-8")
    found = _values(text, kind)
    if not found:
        return truncate(rng, raw, kind)
    return _replace(text, rng.choice(found), rng.choice(OTHER_TYPES)).encode()


def huge_number(rng: random.Random, raw: bytes, kind: str) -> bytes:
    text = raw.decode("utf-8")
    found = list(NUMBER.finditer(text))
    if not found:
        return change_type(rng, raw, kind)
    return _replace(text, rng.choice(found), rng.choice(HUGE), 0).encode()


def unicode_noise(rng: random.Random, raw: bytes, kind: str) -> bytes:
    text = raw.decode("utf-8")
    noise = "".join(rng.choice(UNICODE) for _ in range(rng.randint(1, 4)))
    at = rng.randrange(len(text) + 1)
    if rng.random() < 0.1:
        return text[:at].encode() + b"\xed\xa0\x80" + text[at:].encode()  # a lone surrogate: not UTF-8
    return (text[:at] + noise + text[at:]).encode()


def deep_nesting(rng: random.Random, raw: bytes, kind: str) -> bytes:
    text = raw.decode("utf-8")
    depth = rng.choice([70, 500, 5000, 100_000])
    if kind == "save":
        deep = "[" * depth + "]" * depth
        found = _values(text, kind)
        return (_replace(text, rng.choice(found), deep) if found else deep).encode()
    style = rng.randrange(3)
    if style == 0:
        deep = "[" * depth + "]" * depth
    elif style == 1:
        deep = "{ a = " * depth + "1" + " }" * depth
    else:
        deep = '"' + "(" * depth + "1" + ")" * depth + '"'  # a formula nested too deep
    formulas = list(FORMULA.finditer(text))
    if style == 2 and formulas:
        return _replace(text, rng.choice(formulas), deep[1:-1]).encode()
    found = _values(text, kind)
    return (_replace(text, rng.choice(found), deep) if found else text + f"\nx = {deep}\n").encode()


def formula_noise(rng: random.Random, raw: bytes, kind: str) -> bytes:
    text = raw.decode("utf-8")
    formulas = list(FORMULA.finditer(text))
    if not formulas:
        return swap_values(rng, raw, kind)
    m = rng.choice(formulas)
    body = m.group(1)
    at = rng.randrange(len(body) + 1)
    return _replace(text, m, body[:at] + rng.choice(FORMULA_NOISE) + body[at:]).encode()


def _random_value(rng: random.Random, depth: int = 0) -> Any:
    choice = rng.randrange(9 if depth < 3 else 6)
    if choice == 0:
        return rng.choice(["", "x", "1923-autumn", "prev(x)", "é" * 50, "a" * 5000, "base", "hammurabi"])
    if choice == 1:
        return rng.choice([0, 1, -1, 10**18, -(10**18), 2**63 - 1])
    if choice == 2:
        return rng.choice([0.0, 0.5, -2.5, 1e300, -1e300, 5e-324])
    if choice == 3:
        return rng.choice([True, False])
    if choice == 4:
        return rng.choice(["formula", "min", "max", "default", "step", "locked"])
    if choice == 5:
        return []
    if choice == 6:
        return [_random_value(rng, depth + 1) for _ in range(rng.randint(1, 3))]
    return {rng.choice(["a", "min", "formula", "title", "x-y"]): _random_value(rng, depth + 1) for _ in range(rng.randint(1, 3))}


def _paths(data: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _paths(value, path + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _paths(value, path + (index,))


def structural(rng: random.Random, raw: bytes, kind: str) -> bytes:
    """Parse, change the tree (delete, add, rename, retype, wrap), write it out again."""
    data: Any = json.loads(raw) if kind == "save" else tomllib.loads(raw.decode("utf-8"))
    paths = [p for p in _paths(data) if p]
    path = rng.choice(paths)
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    key = path[-1]
    action = rng.randrange(5)
    if action == 0:
        del parent[key]
    elif action == 1 and isinstance(parent, dict):
        parent[rng.choice([str(key) + "s", "extra", "Formula", "", "é", "min", "initial"])] = _random_value(rng)
    elif action == 2 and isinstance(parent, dict):
        value = parent.pop(key)
        parent[rng.choice([str(key)[:-1] or "k", str(key).upper(), str(key) + "_", "x" + str(key)])] = value
    elif action == 3:
        parent[key] = [parent[key]] if rng.random() < 0.5 else {"value": parent[key]}
    else:
        parent[key] = _random_value(rng)
    if kind == "save":
        return json.dumps(data, indent=rng.choice([None, 1])).encode()
    try:
        return tomli_w.dumps(data).encode()
    except (TypeError, ValueError):  # a value TOML cannot hold (a null in a list, say)
        return raw


def splice(rng: random.Random, raw: bytes, kind: str, others: tuple[bytes, ...] = ()) -> bytes:
    if not others:
        return duplicate_lines(rng, raw, kind)
    donor = _lines(rng.choice(others).decode("utf-8"))
    start = rng.randrange(len(donor))
    chunk = donor[start: start + rng.randint(1, 30)]
    lines = _lines(raw.decode("utf-8"))
    at = rng.randrange(len(lines) + 1)
    return "\n".join(lines[:at] + chunk + lines[at:]).encode()


Mutator = Callable[[random.Random, bytes, str], bytes]
MUTATORS: dict[str, Mutator] = {
    "byte flip": byte_flip, "truncate": truncate, "delete lines": delete_lines, "duplicate lines": duplicate_lines,
    "swap lines": swap_lines, "swap values": swap_values, "change type": change_type, "huge number": huge_number,
    "unicode": unicode_noise, "deep nesting": deep_nesting, "formula": formula_noise, "structural edit": structural,
    "splice": splice, "several": lambda rng, raw, kind: raw,  # stands for 2-4 of the others, applied in turn
}


def mutate(rng: random.Random, raw: bytes, kind: str, name: str, others: tuple[bytes, ...]) -> bytes:
    if name == "several":
        for _ in range(rng.randint(2, 4)):
            raw = mutate(rng, raw, kind, rng.choice([m for m in MUTATORS if m not in ("several", "structural edit")]), others)
        return raw
    try:
        if name == "splice":
            return splice(rng, raw, kind, others)
        return MUTATORS[name](rng, raw, kind)
    except (UnicodeDecodeError, json.JSONDecodeError, tomllib.TOMLDecodeError, ValueError):
        return byte_flip(rng, raw, kind)  # an earlier mutation left no text to work on


# --- running one case ---------------------------------------------------------------------------

class Hang(BaseException):
    """The watchdog fired: a load took too long. (Not an Exception: nothing may swallow it.)"""


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise Hang()


@dataclass
class Outcome:
    kind: str
    mutator: str
    result: str  # one of OUTCOMES
    detail: str = ""
    played: str = ""  # for loaded cases: "played", or "rule error" (the engine refused, naming the rule)


def check_problems(err: LoadError) -> str:
    """Why ``err`` is not a properly located error, or ``""``."""
    if not err.problems:
        return "LoadError without problems"
    for p in err.problems:
        if not p.file or p.line < 1 or p.col < 1 or not p.message.strip():
            return f"badly located problem: {p!r}"
    return ""


def _play_first_season(scenario: Scenario) -> str:
    try:
        model = Model(scenario)
        state = initial_state(model, scenario.seed if scenario.seed is not None else 1)
        step(model, state, {name: lever.default for name, lever in scenario.levers.items()})
    except RuleError:
        return "rule error"
    return "played"


def _load(target: Target, root: Path) -> str:
    """Load what the mutated ``target`` belongs to; returns how playing it went."""
    rules = root / "rules"
    if target.kind == "rules":
        # The scenario loads the mutated rule set and reports its problems (read once).
        return _play_first_season(load_scenario(target.scenario, rules))
    if target.kind == "scenario":
        return _play_first_season(load_scenario(str(root / target.relative), rules))
    from game.saves import SaveRefused, check_replay, load_save

    loaded = load_save(root / target.relative, rules)
    try:
        session = loaded.as_saved() if loaded.rules_changed else loaded.resume()
        if not session.is_over:
            session.end_season()
        check_replay(loaded)
    except SaveRefused:
        return "refused"
    except RuleError:
        return "rule error"
    return "played"


def run_case(target: Target, mutator: str, data: bytes, root: Path, keep: Path | None) -> Outcome:
    path = root / target.relative
    original = path.read_bytes()
    path.write_bytes(data)
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, WATCHDOG_SECONDS)
    try:
        played = _load(target, root)
        signal.setitimer(signal.ITIMER_REAL, 0)
        return Outcome(target.kind, mutator, "loaded", played=played)
    except LoadError as err:
        signal.setitimer(signal.ITIMER_REAL, 0)
        why = check_problems(err)
        if not why:
            return Outcome(target.kind, mutator, "located error")
        return _failure(target, mutator, data, why, keep)
    except Hang:
        return _failure(target, mutator, data, f"no answer within {WATCHDOG_SECONDS:g} s", keep)
    except Exception as err:  # noqa: BLE001 - anything but LoadError is what we are looking for
        signal.setitimer(signal.ITIMER_REAL, 0)
        tb = traceback.format_exception(type(err), err, err.__traceback__)
        return _failure(target, mutator, data, "".join(tb[-4:]).strip(), keep)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        path.write_bytes(original)


def run_hostile_case(target: Target, mutator: str, rng: random.Random, root: Path, index: int, keep: Path | None) -> Outcome:
    """A hostile-environment case (see scripts/fuzz_hostile.py) in a folder of its own, under the watchdog."""
    case = root / "cases" / f"case-{index}"
    case.mkdir(parents=True)
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, WATCHDOG_SECONDS)
    try:
        result, detail = fuzz_hostile.run_hostile(target.kind, mutator, rng, root, case)
    except Hang:
        result, detail = "failure", f"{mutator}: no answer within {WATCHDOG_SECONDS:g} s"
    except Exception as err:  # noqa: BLE001 - the fuzzer's own harness failing is a failure too
        tb = traceback.format_exception(type(err), err, err.__traceback__)
        result, detail = "failure", "".join(tb[-4:]).strip()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        shutil.rmtree(case, ignore_errors=True)
    if result == "failure" and keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        (keep / f"{len(list(keep.iterdir())):04d}-{target.kind}.txt").write_text(f"{mutator}\n{detail}\n")
    return Outcome(target.kind, fuzz_hostile.class_of(target.kind, mutator), result, detail, played="accepted" if result == "loaded" else "")


def _failure(target: Target, mutator: str, data: bytes, detail: str, keep: Path | None) -> Outcome:
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        name = f"{len(list(keep.iterdir())):04d}-{target.kind}-{Path(target.relative).name}"
        (keep / name).write_bytes(data)
        detail = f"{detail}\n(input kept as {keep / name}, mutating {target.relative})"
    return Outcome(target.kind, mutator, "failure", detail)


# --- running many -------------------------------------------------------------------------------

@dataclass
class Report:
    counts: Counter[tuple[str, str, str]] = field(default_factory=Counter)  # (kind, mutator, result)
    played: Counter[tuple[str, str]] = field(default_factory=Counter)  # (kind, how the loaded ones played)
    failures: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0

    def add(self, outcome: Outcome) -> None:
        self.counts[(outcome.kind, outcome.mutator, outcome.result)] += 1
        if outcome.result == "loaded":
            self.played[(outcome.kind, outcome.played)] += 1
        if outcome.result == "failure":
            self.failures.append(outcome)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def by(self, index: int) -> dict[str, Counter[str]]:
        out: dict[str, Counter[str]] = {}
        for key, n in self.counts.items():
            out.setdefault(key[index], Counter())[key[2]] += n
        return out

    def text(self) -> str:
        lines = [f"{self.total:,} mutated inputs in {self.seconds:.1f} s ({self.total / max(self.seconds, 1e-9):,.0f}/s)", ""]
        width = max([16, *(len(k[1]) for k in self.counts)])
        for title, index in (("by file kind", 0), ("by mutation", 1)):
            lines.append(f"{title:<{width + 2}}" + "".join(f"{o:>15}" for o in OUTCOMES))
            for name, c in sorted(self.by(index).items()):
                lines.append(f"  {name:<{width}}" + "".join(f"{c[o]:>15,}" for o in OUTCOMES))
            lines.append("")
        played = ", ".join(f"{kind} {how}: {n:,}" for (kind, how), n in sorted(self.played.items()))
        lines.append(f"loaded inputs, then played: {played}")
        lines.append(f"failures: {len(self.failures)}")
        for f in self.failures[:10]:
            lines.append(f"--- {f.kind} / {f.mutator}:\n{f.detail}")
        return "\n".join(lines)


def plan(seed: int, cases: int, all_targets: list[Target], kinds: tuple[str, ...] = KINDS) -> list[tuple[int, Target, str]]:
    """Which file and which mutation each case gets (the mutation's own randomness comes later,
    from the case's number)."""
    rng = random.Random(seed)
    by_kind: dict[str, list[Target]] = {}
    for t in all_targets:
        if t.kind in kinds:
            by_kind.setdefault(t.kind, []).append(t)
    kinds = sorted(by_kind)
    out = []
    for index in range(cases):
        kind = kinds[index % len(kinds)]  # the kinds in turn: each gets its third
        mutators = list(MUTATORS) if kind in FILE_KINDS else fuzz_hostile.MUTATORS_OF[kind]
        out.append((index, rng.choice(by_kind[kind]), rng.choice(mutators)))
    return out


def run_chunk(seed: int, chunk: list[tuple[int, Target, str]], keep: Path | None) -> Report:
    report = Report()
    with tempfile.TemporaryDirectory(prefix="smychka-fuzz-") as tmp:
        root = make_root(Path(tmp))
        originals = {t.relative: (root / t.relative).read_bytes() for _, t, _ in chunk if t.kind in FILE_KINDS}
        same_kind = {kind: tuple(raw for rel, raw in originals.items() if rel.endswith(".json") == (kind == "save")) for kind in FILE_KINDS}
        # Rule-file cases first and uncached (they change a rule set); then the others, with each
        # rule set read once.
        ordered = sorted(chunk, key=lambda c: c[1].kind != "rules")
        split = sum(1 for c in ordered if c[1].kind == "rules")
        for position, (index, target, mutator) in enumerate(ordered):
            rng = random.Random(f"{seed}:{index}")
            if position == split:
                cache = cached_rulesets()
                cache.__enter__()
            if target.kind not in FILE_KINDS:
                report.add(run_hostile_case(target, mutator, rng, root, index, keep))
                continue
            data = mutate(rng, originals[target.relative], target.kind, mutator, same_kind[target.kind])
            report.add(run_case(target, mutator, data, root, keep))
        if split < len(ordered):
            cache.__exit__(None, None, None)
    return report


def _run_chunk_args(args: tuple[int, list[tuple[int, Target, str]], Path | None]) -> Report:
    return run_chunk(*args)


def run(cases: int = 10_000, seed: int = 1, jobs: int = 1, keep: Path | None = None, kinds: tuple[str, ...] = KINDS) -> Report:
    """Run ``cases`` mutated inputs of ``kinds`` (split over ``jobs`` processes) and report the
    outcomes."""
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="smychka-fuzz-") as tmp:
        all_targets = targets(make_root(Path(tmp)))
    cases_planned = plan(seed, cases, all_targets, kinds)
    chunks = [cases_planned[i::jobs] for i in range(jobs)] if jobs > 1 else [cases_planned]
    report = Report()
    if jobs > 1:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            parts = pool.map(_run_chunk_args, [(seed, chunk, keep) for chunk in chunks])
    else:
        parts = [run_chunk(seed, chunks[0], keep)]
    for part in parts:
        report.counts.update(part.counts)
        report.played.update(part.played)
        report.failures.extend(part.failures)
    report.seconds = time.perf_counter() - start
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=multiprocessing.cpu_count())
    parser.add_argument("--keep", type=Path, default=None, metavar="DIR", help="write each failing input here")
    parser.add_argument("--kinds", nargs="+", choices=KINDS, default=list(KINDS),
                        help="which files to mutate, which hostile environments to try (default: all)")
    args = parser.parse_args(argv)
    report = run(args.cases, args.seed, max(1, args.jobs), args.keep, tuple(args.kinds))
    print(report.text())
    return 1 if report.failures else 0


if __name__ == "__main__":
    from scripts import run_script

    sys.exit(run_script(main))
