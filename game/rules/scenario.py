"""Scenarios and policies: loading, checking against their rule set, resolving lever values."""

from __future__ import annotations

import dataclasses
import hashlib
import math
import re
from collections.abc import Callable, Mapping
from pathlib import Path as FsPath
from typing import TypeVar

from game.formula import MAX_EXPONENT, Formula, did_you_mean
from game.lazydata import dataclass, field
from game.rules.locate import Path
from game.rules.models import Checkpoint, Classroom, Ending, Event, Invariant, Lesson, Lever, Policy, ScenarioFile, Series
from game.rules.mods import Library, is_zip
from game.rules.problems import LoadError, Problem
from game.rules.reading import Document, display_name, read_model
from game.rules.ruleset import (
    RESERVED,
    Origin,
    RuleChecker,
    Ruleset,
    by_priority,
    check_event,
    check_invariant,
    ending_names,
    load_ruleset,
    name_problem,
    on_step,
    unreachable_endings,
)
from game.rules.season import Season
from game.rules.start import start_roles

SCENARIO_FOLDER = "scenarios"


@dataclass(frozen=True)
class Scenario:
    """A scenario resolved against its rule set: everything the engine needs to start a game."""

    id: str
    title: str
    summary: str
    objectives: tuple[str, ...]
    debrief_questions: tuple[str, ...]
    start: Season
    seasons: int
    seed: int | None
    ruleset: Ruleset
    file: str
    content_hash: str
    initial: Mapping[str, float]
    parameters: Mapping[str, float]
    levers: Mapping[str, Lever]
    locked: frozenset[str]
    scripted_draws: Mapping[tuple[int, str], float]
    events: Mapping[str, Event]
    formulas: Mapping[tuple[str, ...], Formula]
    history: tuple[Mapping[str, float], ...] | None
    series: tuple[Series, ...] = ()
    # The scenario's own endings first, then the rule set's (each group checked in file order).
    endings: Mapping[str, Ending] = field(default_factory=dict)
    # The rule set's invariants, then the scenario's own.
    invariants: Mapping[str, Invariant] = field(default_factory=dict)
    # What `check` reports without refusing the scenario (a lever it does not mention, say).
    warnings: tuple[Problem, ...] = field(default=(), compare=False, repr=False)
    # The tutorial's lessons (each before its season's decision), and its reactions' formulas
    # as ("tutorial", lesson, reaction) -> formula.
    tutorial: tuple[Lesson, ...] = ()
    # A class scenario: notes for the instructor, checkpoints before given seasons' decisions,
    # the class settings (None: nothing enforced), levers not shown, levers unlocked from a turn.
    teacher_notes: str | None = None
    checkpoints: tuple[Checkpoint, ...] = ()
    classroom: Classroom | None = None
    hidden: frozenset[str] = frozenset()
    unlock_turn: Mapping[str, int] = field(default_factory=dict)
    # The starting values that are records of the past (a rule that is only prev(y)): name -> y.
    lags: Mapping[str, str] = field(default_factory=dict)

    def season_at(self, turn: int) -> Season:
        """The season played at ``turn`` (0 = the first)."""
        return self.start.plus(turn)

    def season_names(self) -> list[str]:
        """Every season of the scenario in order, as text ('1923-spring', ...)."""
        return [str(self.season_at(turn)) for turn in range(self.seasons)]


def scenario_path(ref: str, rules_root: FsPath) -> FsPath:
    """A scenario given as an id (``my-scenario``) or a path to a ``.toml`` file."""
    candidate = FsPath(ref)
    if ref.endswith(".toml") or "/" in ref or _exists(candidate):
        return candidate
    return rules_root / SCENARIO_FOLDER / f"{ref}.toml"


def _exists(path: FsPath) -> bool:
    """Whether ``path`` exists; False for a name the file system cannot even look up (too long,
    a NUL, a loop of links): reading it then says why."""
    try:
        return path.exists()
    except (OSError, ValueError):
        return False


def available_scenarios(rules_root: FsPath) -> list[str]:
    return sorted(p.stem for p in (rules_root / SCENARIO_FOLDER).glob("*.toml"))


def scenario_library(path: FsPath, rules_root: FsPath) -> Library:
    """Where the rule sets of the scenario at ``path`` are looked for: beside the scenario file
    (and, for a file in a ``scenarios/`` folder, in the folder above), then ``rules_root``, its
    ``mods/`` and the player's mod folder. ``check``, ``simulate`` and ``play`` all use this."""
    folder = path.parent
    near = [folder.parent, folder.parent / "mods"] if path.resolve().parent.name == SCENARIO_FOLDER else []
    return Library.default(rules_root).with_first(folder, *near)


def load_scenario(ref: str, rules_root: FsPath, mod: str | FsPath | None = None) -> Scenario:
    """Load scenario ``ref`` (id or path) and its rule set; raise :class:`LoadError` with every
    problem of both. ``mod`` (an id, or a mod's folder or archive) plays it under a mod that
    extends the scenario's rule set, directly or through other mods."""
    path = scenario_path(ref, rules_root)
    if not _exists(path) and not ref.endswith(".toml") and "/" not in ref:
        known = available_scenarios(rules_root)
        raise LoadError([Problem(ref, 1, 1, f"no scenario '{ref}'{did_you_mean(ref, known)} (scenarios: {', '.join(known) or 'none'})")])
    problems: list[Problem] = []
    doc, parsed = read_model(path, ScenarioFile, problems, versioned="scenario")
    notes = [p for p in problems if p.severity != "error"]  # (read from an older format: said, and no fault)
    problems[:] = [p for p in problems if p.severity == "error"]
    library = scenario_library(path, rules_root)
    wanted = parsed.scenario.ruleset
    # A folder of that name with .toml files but no manifest is still the one meant: loading it says what is missing.
    found = library.candidates(wanted) or [f / wanted for f in library.folders if _has_toml(f / wanted)][:1]
    if len(found) != 1:
        if found:
            message = f"two rule sets are called '{wanted}': {display_name(found[0])} and {display_name(found[1])}; rename or remove one"
        else:
            known = library.ids()
            message = (f"no rule set '{wanted}'{did_you_mean(wanted, known)} (rule sets: {', '.join(known) or 'none'}; "
                       f"looked in {', '.join(display_name(f) for f in library.folders if f.is_dir())})")
        problems.append(doc.problem(("scenario", "ruleset"), message, value=True))
        raise LoadError(problems)
    try:
        ruleset = load_ruleset(found[0], library)
        if mod is not None:
            ruleset = _under_mod(doc, ruleset, mod, library)
    except LoadError as err:
        raise LoadError(problems + err.problems) from None
    scenario = _resolve(doc, parsed, ruleset, problems)
    if scenario is None or any(p.severity == "error" for p in problems):
        raise LoadError(problems + notes)
    return dataclasses.replace(scenario, warnings=(*notes, *scenario.warnings)) if notes else scenario


def _has_toml(folder: FsPath) -> bool:
    try:
        return folder.is_dir() and any(folder.glob("*.toml"))
    except OSError:  # a name the file system cannot hold (too long, say): no such rule set
        return False


def _under_mod(doc: Document, ruleset: Ruleset, mod: str | FsPath, library: Library) -> Ruleset:
    """The mod ``mod`` (id or place), which must build on ``ruleset``."""
    if isinstance(mod, FsPath) or "/" in mod or is_zip(FsPath(mod)):
        place = FsPath(mod)
        modded = load_ruleset(place, library.with_first(place.parent))
    else:
        found = library.candidates(mod)
        if len(found) != 1:
            known = [i for i in library.ids() if i != ruleset.id]
            message = (f"two mods are called '{mod}': {display_name(found[0])} and {display_name(found[1])}; rename or remove one" if found
                       else f"no mod '{mod}'{did_you_mean(mod, known)} (looked in {', '.join(display_name(f) for f in library.folders if f.is_dir())})")
            raise LoadError([Problem(str(mod), 1, 1, message)])
        modded = load_ruleset(found[0], library)
    layers = [layer.id for layer in modded.stack]
    if ruleset.id not in layers:
        raise LoadError([doc.problem(("scenario", "ruleset"),
            f"this scenario is written for '{ruleset.id}', and mod '{modded.id}' does not build on it (its layers: {' -> '.join(layers)})",
            value=True)])
    return modded


def _resolve(doc: Document, f: ScenarioFile, ruleset: Ruleset, problems: list[Problem]) -> Scenario | None:
    meta = f.scenario
    start = Season.parse(meta.start)
    last = start.plus(meta.seasons - 1)
    _check_calendar(doc, start, last, problems)
    stem = doc.file.replace("\\", "/").rsplit("/", 1)[-1].removesuffix(".toml")
    if meta.id != stem:
        problems.append(doc.problem(("scenario", "id"),
                f"id '{meta.id}' must equal the file name '{stem}' (players and instructors load scenarios by id)", value=True))

    def where(path: Path, message: str, value: bool = True) -> None:
        problems.append(doc.problem(path, message, value=value))

    def turn_of(path: Path, text: str) -> int | None:
        season = Season.parse(text)
        if not start <= season <= last:
            where(path, f"season {season} is outside this scenario ({start} to {last})")
            return None
        return season.minus(start)

    initial = {k: v.initial for k, v in ruleset.variables.items() if v.initial is not None}
    start_notes: list[Problem] = []
    for name, value in f.initial.items():
        var = ruleset.variables.get(name)
        if var is None:
            where(("initial", name), f"unknown variable '{name}'{did_you_mean(name, ruleset.variables)}{ruleset.removed_note('variables', name)}",
                  value=False)
        elif not var.min <= value <= var.max:
            where(("initial", name), f"{value:g} is outside the bounds of {name} ({var.min:g}..{var.max:g})")
        else:
            initial[name] = value
    roles = start_roles(ruleset)
    computed = [name for name in initial if not roles.kept(name)]
    for name in computed:
        if name in f.initial:
            start_notes.append(doc.problem(("initial", name), f"{name} is computed by its rule at the start, from the other "
                                           "starting values; this value is not used (see docs/MODDING.md, 'Starting values')",
                                           value=False, severity="warning"))
        del initial[name]

    parameters = {k: p.value for k, p in ruleset.parameters.items()}
    for name, value in f.parameters.items():
        param = ruleset.parameters.get(name)
        if param is None:
            where(("parameters", name), f"unknown parameter '{name}'{did_you_mean(name, ruleset.parameters)}"
                  f"{ruleset.removed_note('parameters', name)}", value=False)
        elif (param.min is not None and value < param.min) or (param.max is not None and value > param.max):
            low = "-inf" if param.min is None else f"{param.min:g}"
            high = "inf" if param.max is None else f"{param.max:g}"
            where(("parameters", name), f"{value:g} is outside the range the rule set allows for {name} ({low}..{high})")
        else:
            parameters[name] = value

    levers = dict(ruleset.levers)
    locked: set[str] = set()
    hidden: set[str] = set()
    unlock_turn: dict[str, int] = {}
    for name, setting in f.levers.items():
        lever = ruleset.levers.get(name)
        if lever is None:
            where(("levers", name), f"unknown lever '{name}'{did_you_mean(name, ruleset.levers)}{ruleset.removed_note('levers', name)}",
                  value=False)
            continue
        lo = lever.min if setting.min is None else setting.min
        hi = lever.max if setting.max is None else setting.max
        default = lever.default if setting.default is None else setting.default
        step = lever.step if setting.step is None else setting.step
        ok = True
        if setting.step is not None and not (on_step(step, 0.0, lever.step) and step >= lever.step):
            where(("levers", name, "step"), f"step {step:g} must be a whole multiple of the rule set's step for {name} ({lever.step:g})")
            ok = False
        for key, bound in (("min", setting.min), ("max", setting.max)):
            if bound is not None and not lever.min <= bound <= lever.max:
                where(("levers", name, key), f"{key} {bound:g} is outside the rule set's range for {name} ({lever.min:g}..{lever.max:g})")
                ok = False
            elif ok and bound is not None and not on_step(bound, lever.min, step):
                where(("levers", name, key), f"{key} {bound:g} is not on a step of {name} ({lever.min:g} + n × {step:g})")
                ok = False
        if ok and lo > hi:
            where(("levers", name), f"min {lo:g} is above max {hi:g}")
            ok = False
        if ok and not (lo <= default <= hi and on_step(default, lever.min, step)):
            where(("levers", name, "default"), f"default {default:g} must lie in {lo:g}..{hi:g} on a step of {step:g}")
            ok = False
        if ok and setting.unlocked_from is not None:
            if setting.locked or setting.hidden:
                where(("levers", name, "unlocked_from"), f"lever {name} is locked for the whole game here; unlocked_from needs it unlocked")
                ok = False
            else:
                turn = turn_of(("levers", name, "unlocked_from"), setting.unlocked_from)
                if turn is None:
                    ok = False
                elif turn > 0:
                    unlock_turn[name] = turn
        if ok:
            levers[name] = lever.model_copy(update={"min": lo, "max": hi, "default": default, "step": step,
                                                    "label": lever.label if setting.label is None else setting.label})
            if setting.locked or setting.hidden:
                locked.add(name)
            if setting.hidden:
                hidden.add(name)
    warnings: list[Problem] = list(start_notes)
    _lock_unlisted(doc, f, ruleset, locked, problems, warnings)

    scripted: dict[tuple[int, str], float] = {}
    for index, sd in enumerate(f.scripted_draws):
        path: Path = ("scripted_draws", index)
        draw = ruleset.draws.get(sd.draw)
        if draw is None:
            where(path + ("draw",), f"unknown draw '{sd.draw}'{did_you_mean(sd.draw, ruleset.draws)}")
            continue
        if not draw.min <= sd.value <= draw.max:
            where(path + ("value",), f"{sd.value:g} is outside the range of draw {sd.draw} ({draw.min:g}..{draw.max:g})")
        turn = turn_of(path + ("season",), sd.season)
        if turn is not None:
            if (turn, sd.draw) in scripted:
                where(path, f"draw {sd.draw} is already scripted for {sd.season}")
            scripted[(turn, sd.draw)] = sd.value

    events = dict(ruleset.events)
    formulas: dict[tuple[str, ...], Formula] = {}
    if f.events:
        origins = {("scenario_events", ident): Origin(doc, ("events", ident)) for ident in f.events}
        checker = RuleChecker.for_ruleset(ruleset, origins, problems)
        for ident, event in f.events.items():
            origin = origins[("scenario_events", ident)]
            if ident in checker.names:
                table = checker.names[ident]
                other = ruleset.origins[(table, ident)].where
                problems.append(origin.problem(f"'{ident}' is already a name in the rule set's {table} (at {other}); give the event another id"))
                continue
            problem = name_problem(ident) or (f"'{ident}' is a reserved name" if ident in RESERVED else "")
            if problem:
                problems.append(origin.problem(problem))
                continue
            checker.check_citations_of(origin, event)
            checker.check_mechanisms_of("scenario_events", ident, event)
            check_event(checker, ident, event, table="scenario_events")
            events[ident] = event
            if event.season is not None:
                turn_of(("events", ident, "season"), event.season)
        formulas = {("events", *key[1:]): formula for key, formula in checker.formulas.items()}

    endings = _scenario_endings(doc, f, ruleset, problems, formulas)
    invariants = _scenario_invariants(doc, f, ruleset, problems, formulas)
    if f.endings:
        own = {("endings", ident): Origin(doc, ("endings", ident)) for ident in f.endings}
        warnings += unreachable_endings(endings, {**ruleset.formulas, **formulas},
                                        lambda ident: own.get(("endings", ident)) or ruleset.origins[("endings", ident)])

    # An override must keep every exponent small, in the rule set's formulas and the scenario's.
    exponents = {n for formula in (*ruleset.formulas.values(), *formulas.values()) for n in formula.exponent_names}
    for name, value in f.parameters.items():
        if name in exponents and name in ruleset.parameters and abs(value) > MAX_EXPONENT:
            where(("parameters", name), f"{value:g} is too large: {name} is used as an exponent, at most {MAX_EXPONENT:g}")

    history = None
    series: tuple[Series, ...] = ()
    if f.history is not None:
        # History's policy is what the state did: a lever the scenario locks for the player keeps
        # history's values (checked against the rule set's range), so the game is compared with
        # real history, not with one edited to fit the lock.
        as_was = {name: ruleset.levers[name] if name in locked or name in unlock_turn else lever for name, lever in levers.items()}
        history = resolve_policy(f.history, doc, ("history",), as_was, frozenset(), start, meta.seasons, problems)
        series = tuple(f.history.series)
        _check_series(doc, series, ruleset, problems)

    _check_tutorial(doc, f, ruleset, levers, locked, turn_of, problems, formulas)
    _check_checkpoints(doc, f, turn_of, problems)
    if f.classroom is not None and f.classroom.fixed_seed and meta.seed is None:
        problems.append(doc.problem(("classroom", "fixed_seed"), "a fixed seed needs the scenario's seed: set [scenario] seed", value=True))

    if problems:
        return None
    return Scenario(
        id=meta.id, title=meta.title, summary=meta.summary, objectives=tuple(meta.objectives),
        debrief_questions=tuple(meta.debrief_questions), start=start, seasons=meta.seasons, seed=meta.seed,
        ruleset=ruleset, file=doc.file, content_hash=hashlib.sha256(doc.text.encode()).hexdigest(),
        initial=initial, parameters=parameters, levers=levers, locked=frozenset(locked),
        scripted_draws=scripted, events=events, endings=endings, formulas=formulas, history=history, series=series,
        invariants=invariants, warnings=tuple(warnings), tutorial=tuple(f.tutorial),
        teacher_notes=meta.teacher_notes, checkpoints=tuple(f.checkpoints), classroom=f.classroom,
        hidden=frozenset(hidden), unlock_turn=unlock_turn, lags={n: roles.lags[n] for n in initial if n in roles.lags},
    )


def _check_checkpoints(doc: Document, f: ScenarioFile, turn_of: Callable[[Path, str], int | None], problems: list[Problem]) -> None:
    """Checkpoints: ids used once, seasons inside the scenario, one checkpoint per season."""
    ids: dict[str, int] = {}
    seasons: dict[str, int] = {}
    for i, checkpoint in enumerate(f.checkpoints):
        if checkpoint.id in ids:
            problems.append(doc.problem(("checkpoints", i, "id"), f"checkpoint '{checkpoint.id}' is already checkpoint {ids[checkpoint.id] + 1}; "
                                        "give each its own id", value=True))
        ids.setdefault(checkpoint.id, i)
        turn_of(("checkpoints", i, "season"), checkpoint.season)
        if checkpoint.season in seasons:
            problems.append(doc.problem(("checkpoints", i, "season"), f"{checkpoint.season} already has checkpoint "
                                        f"'{f.checkpoints[seasons[checkpoint.season]].id}'; put both in one", value=True))
        seasons.setdefault(checkpoint.season, i)


def _check_calendar(doc: Document, start: Season, last: Season, problems: list[Problem]) -> None:
    """Every season of a game, and the start state's (the season before the first), is written
    with a four-digit year: the calendar runs from 0000-winter to 9999-autumn."""
    if start.plus(-1).year < 0:
        problems.append(doc.problem(("scenario", "start"), f"{start} is too early: a scenario starts in 0000-spring at the earliest "
                                    "(its starting state is dated the season before)", value=True))
    if last.year > 9999:
        problems.append(doc.problem(("scenario", "seasons"), f"the game would run to {last.year}-{last.name}, past 9999-autumn, "
                                    "the last season the calendar can write", value=True))


def _check_tutorial(doc: Document, f: ScenarioFile, ruleset: Ruleset, levers: Mapping[str, Lever], locked: set[str],
                    turn_of: Callable[[Path, str], int | None], problems: list[Problem], formulas: dict[tuple[str, ...], Formula]) -> None:
    """Lessons: their seasons inside the scenario, the lever they point at (one the player may
    move), their texts' numbers and their reactions' conditions."""
    if not f.tutorial:
        return
    from game.rules.story import check_names, placeholders

    origins = {("tutorial", str(i)): Origin(doc, ("tutorial", i)) for i in range(len(f.tutorial))}
    checker = RuleChecker.for_ruleset(ruleset, origins, problems)
    names = [*ending_names(vars(ruleset)), *f.events]
    shown = {*ruleset.variables, *ruleset.levers}
    for i, lesson in enumerate(f.tutorial):
        ident = ("tutorial", str(i))
        turn_of(("tutorial", i, "season"), lesson.season)
        if lesson.lever is not None:
            if lesson.lever not in levers:
                problems.append(doc.problem(("tutorial", i, "lever"), f"unknown lever '{lesson.lever}'{did_you_mean(lesson.lever, levers)}", value=True))
            elif lesson.lever in locked:
                why = f"'{lesson.lever}' is locked in this scenario: a lesson points at a lever the player can move"
                problems.append(doc.problem(("tutorial", i, "lever"), why, value=True))
        texts = [(("text",), lesson.text)] + [(("reactions", j, "text"), r.text) for j, r in enumerate(lesson.reactions)]
        for sub, text in texts:
            for name in placeholders(text):
                if name not in shown:
                    why = f"'{{{name}}}' names no variable or lever{did_you_mean(name, sorted(shown))}"
                    problems.append(doc.problem(("tutorial", i, *sub), why, value=True))
        for j, reaction in enumerate(lesson.reactions):
            when: tuple[str, ...] = ("reactions", str(j), "when")
            formula = checker.parse(*ident, when, reaction.when)
            if formula is not None and check_names(checker, ident, when, formula, names):
                formulas[("tutorial", str(i), str(j))] = formula


def _scenario_endings(doc: Document, f: ScenarioFile, ruleset: Ruleset, problems: list[Problem],
                      formulas: dict[tuple[str, ...], Formula]) -> dict[str, Ending]:
    """The scenario's own endings, checked like the rule set's, ahead of them."""
    def check(checker: RuleChecker, ident: str, ending: Ending, names: list[str]) -> None:
        formula = checker.parse("scenario_endings", ident, ("condition",), ending.condition)
        if formula is not None and checker.check_refs("scenario_endings", ident, ("condition",), formula, names, "ending"):
            formulas[("endings", ident, "condition")] = formula

    own = _scenario_own(doc, f, ruleset, problems, "endings", "an ending", f.endings, ruleset.endings, check)
    return by_priority({**own, **ruleset.endings})


def _scenario_invariants(doc: Document, f: ScenarioFile, ruleset: Ruleset, problems: list[Problem],
                         formulas: dict[tuple[str, ...], Formula]) -> dict[str, Invariant]:
    """The scenario's own invariants, checked like the rule set's, after them."""
    def check(checker: RuleChecker, ident: str, invariant: Invariant, names: list[str]) -> None:
        if check_invariant(checker, ident, invariant, names, table="scenario_invariants"):
            for key, formula in checker.formulas.items():
                if key[:2] == ("scenario_invariants", ident):
                    formulas[("invariants", *key[1:])] = formula

    own = _scenario_own(doc, f, ruleset, problems, "invariants", "an invariant", f.invariants, ruleset.invariants, check)
    return {**ruleset.invariants, **own}


Entry = TypeVar("Entry", Ending, Invariant)


def _scenario_own(doc: Document, f: ScenarioFile, ruleset: Ruleset, problems: list[Problem], table: str, kind: str,
                  entries: Mapping[str, Entry], existing: Mapping[str, Entry],
                  check: Callable[[RuleChecker, str, Entry, list[str]], None]) -> dict[str, Entry]:
    """A scenario's own entries of ``table`` (endings, invariants): ids the rule set does not use,
    citations and mechanisms checked, and each one's formulas by ``check``."""
    if not entries:
        return {}
    scenario_table = f"scenario_{table}"
    origins = {(scenario_table, ident): Origin(doc, (table, ident)) for ident in entries}
    checker = RuleChecker.for_ruleset(ruleset, origins, problems)
    names = [*ending_names(vars(ruleset)), *f.events]  # what the rule set's endings read, and the scenario's events
    own: dict[str, Entry] = {}
    for ident, entry in entries.items():
        origin = origins[(scenario_table, ident)]
        if ident in existing:
            problems.append(origin.problem(f"the rule set already has {kind} '{ident}' (at {ruleset.origins[(table, ident)].where}); give this one another id"))
            continue
        checker.check_citations_of(origin, entry)
        checker.check_mechanisms_of(scenario_table, ident, entry)
        check(checker, ident, entry, names)
        own[ident] = entry
    return own


def _lock_unlisted(doc: Document, f: ScenarioFile, ruleset: Ruleset, locked: set[str], problems: list[Problem], warnings: list[Problem]) -> None:
    """``[scenario] unlocked = [...]`` locks every lever it does not list. Without it, a scenario
    that locks some levers but does not mention one (a lever a mod or a later version of the rules
    added, say) is warned about: players would find that lever unlocked."""
    unlocked = f.scenario.unlocked
    if unlocked is not None:
        for index, name in enumerate(unlocked):
            if name not in ruleset.levers:
                problems.append(doc.problem(("scenario", "unlocked", index),
                        f"unknown lever '{name}'{did_you_mean(name, ruleset.levers)}{ruleset.removed_note('levers', name)}", value=True))
            elif name in locked:
                problems.append(doc.problem(("levers", name, "locked"), f"lever {name} is listed in [scenario] unlocked, and locked here", value=True))
        locked.update(name for name in ruleset.levers if name not in unlocked)
        return
    if not locked:
        return  # every lever is the player's: nothing can be unlocked by mistake
    for name, lever in ruleset.levers.items():
        if name not in f.levers:
            origin = ruleset.origins[("levers", name)]
            by = f", added by mod '{ruleset.stack[origin.layer].id}'" if origin.layer and origin.layer < len(ruleset.stack) else ""
            warnings.append(doc.problem(("scenario",),
                f"lever '{name}' ({lever.label}{by}) is not mentioned here, so players will find it unlocked: lock it with "
                f"[levers.{name}] locked = true, or list the levers players set in [scenario] unlocked = [...]", severity="warning"))


_YEAR_KEY = {"calendar": re.compile(r"^\d{4}$"), "agricultural": re.compile(r"^(\d{4})-(\d{2})$")}


def _check_series(doc: Document, series: tuple[Series, ...], ruleset: Ruleset, problems: list[Problem]) -> None:
    """Series name variables of the rule set and label their years as their kind of year reads."""
    for index, entry in enumerate(series):
        path: Path = ("history", "series", index)
        if entry.variable not in ruleset.variables:
            problems.append(doc.problem(path + ("variable",), f"unknown variable '{entry.variable}'{did_you_mean(entry.variable, ruleset.variables)}",
                    value=True))
        if entry.source.work not in ruleset.works:
            problems.append(doc.problem(path + ("source", "work"),
                    f"unknown work '{entry.source.work}'{did_you_mean(entry.source.work, ruleset.works)}", value=True))
        form = "'1926'" if entry.year == "calendar" else "'1926-27'"
        for key in entry.values:
            match = _YEAR_KEY[entry.year].match(key)
            if not match or (entry.year == "agricultural" and int(match.group(2)) != (int(match.group(1)) + 1) % 100):
                problems.append(doc.problem(path + ("values", key), f"a {entry.year} year is written like {form}, found '{key}'", value=False))


def resolve_policy(
    policy: Policy, doc: Document, at: Path, levers: Mapping[str, Lever], locked: frozenset[str] | set[str],
    start: Season, seasons: int, problems: list[Problem],
) -> tuple[Mapping[str, float], ...] | None:
    """Lever values for every turn: each lever's default, then ``[levers]``, then each
    ``[[season]]`` from its season on. Values are checked against the scenario's bounds."""
    before = len(problems)

    def check(path: Path, name: str, value: float) -> bool:
        lever = levers.get(name)
        if lever is None:
            problems.append(doc.problem(path, f"unknown lever '{name}'{did_you_mean(name, levers)}", value=False))
            return False
        if name in locked and value != lever.default:
            problems.append(doc.problem(path, f"lever {name} is locked at {lever.default:g} in this scenario", value=True))
            return False
        if not lever.min <= value <= lever.max:
            problems.append(doc.problem(path, f"{value:g} is outside {name}'s bounds {lever.min:g}..{lever.max:g}", value=True))
            return False
        if not on_step(value, lever.min, lever.step):
            low = lever.min + math.floor((value - lever.min) / lever.step) * lever.step
            near = " or ".join(f"{v:g}" for v in (low, low + lever.step) if lever.min <= v <= lever.max)
            problems.append(doc.problem(path, f"{value:g} is not on a step of {name}: it moves in steps of {lever.step:g} from {lever.min:g}; "
                                        f"try {near}", value=True))
            return False
        return True

    base = {name: lever.default for name, lever in levers.items()}
    for name, value in policy.levers.items():
        if check(at + ("levers", name), name, value):
            base[name] = value
    changes: dict[int, dict[str, float]] = {}
    previous = -1
    for index, entry in enumerate(policy.season):
        path = at + ("season", index)
        season = Season.parse(entry.season)
        turn = season.minus(start)
        if not 0 <= turn < seasons:
            problems.append(doc.problem(path + ("season",), f"season {season} is outside this scenario ({start} to {start.plus(seasons - 1)})", value=True))
            continue
        if turn <= previous:
            problems.append(doc.problem(path + ("season",), f"seasons must come in order; {season} does not follow the one before", value=True))
        previous = max(previous, turn)
        for name, value in entry.levers.items():
            if check(path + (name,), name, value):
                changes.setdefault(turn, {})[name] = value
    if len(problems) > before:
        return None
    out: list[Mapping[str, float]] = []
    current = dict(base)
    for turn in range(seasons):
        current.update(changes.get(turn, {}))
        out.append(dict(current))
    return tuple(out)


def load_policy(path: FsPath, scenario: Scenario) -> tuple[Mapping[str, float], ...]:
    """Read a policy file for ``scenario``; raise :class:`LoadError` with every problem."""
    problems: list[Problem] = []
    doc, policy = read_model(path, Policy, problems)
    resolved = resolve_policy(policy, doc, (), scenario.levers, scenario.locked, scenario.start, scenario.seasons, problems)
    if resolved is None or problems:
        raise LoadError(problems)
    return resolved
