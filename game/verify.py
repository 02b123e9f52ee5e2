"""The grading verifier (``main.py verify``): for each save handed in, whether it is a real,
finished game of the class scenario — its player, the scenario and its hash, the seed against the
scenario's, finished or where it stopped, branched or not, played or simulated, the undos, the
rules and scenario unchanged (or changed in words only), and the replay — each failure with a
reason a teacher can read out.

A save is checked against the game itself, never against what it says of itself: the metadata
against the states (when it is loaded), the record of how it was made against the replay, the
seal against the text. Nothing here writes a file.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from game.engine import RuleError
from game.present.seasons import season_label
from game.rules.problems import LoadError
from game.rules.scenario import Scenario, load_scenario
from game.saves import LoadedSave, check_replay, load_save, read_save
from game.saves.store import seal_of


@dataclass
class Verdict:
    """What ``verify`` found in one save. ``problems`` are the reasons it fails (none: it passes);
    ``notes`` are said but do not fail it."""

    path: Path
    player: str = ""
    scenario: str = ""
    scenario_hash: str = ""  # the first 12 hex digits of the scenario's hash recorded in the save
    seed: int | None = None
    seed_expected: int | None = None  # the scenario's seed (None: the scenario leaves it free)
    finished: bool = False
    at: str = ""  # the last season played (finished) or the one to be played next
    played: int = 0  # seasons played
    seasons: int = 0  # seasons of the scenario
    branched: str | None = None
    made_by: str = ""  # "text", "window", "text+window", "simulated" or "unknown"
    undos: int = 0
    redos: int = 0
    rules_unchanged: bool = False
    replay: str = ""  # "ok", or the first difference
    answers: int = 0
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    game_key: str = ""  # the same game in two saves has the same key

    @property
    def ok(self) -> bool:
        return not self.problems


def collect(targets: Sequence[Path]) -> list[Path]:
    """The saves named: files as given, and every ``.json`` file in a folder named (not in its
    subfolders, not hidden files, not autosaves' temporary files), in name order."""
    out: list[Path] = []
    for target in targets:
        if target.is_dir():
            try:
                found = sorted(p for p in target.glob("*.json") if not p.name.startswith(".") and p.is_file())
            except OSError:
                found = []
            out += found
        else:
            out.append(target)
    return out


def load_class_scenario(ref: str, rules_root: Path) -> Scenario:
    """The scenario saves are checked against (``--scenario``); LoadError with its problems."""
    return load_scenario(ref, rules_root)


def verify(paths: Iterable[Path], rules_root: Path, scenario: Scenario | None = None) -> list[Verdict]:
    """A verdict for each save at ``paths``, against ``scenario`` when given (else each save's own
    scenario from ``rules_root``); the same game handed in under two names fails both."""
    verdicts = [verify_one(path, rules_root, scenario) for path in paths]
    by_game: dict[str, list[Verdict]] = {}
    for verdict in verdicts:
        if verdict.game_key:
            by_game.setdefault(verdict.game_key, []).append(verdict)
    for same in by_game.values():
        players = {v.player for v in same}
        if len(players) > 1:
            # The save whose seal holds is the one the game wrote; the others were edited from it.
            sealed = [v for v in same if not any(p.startswith(("edited after", "no seal")) for p in v.problems)]
            for verdict in same:
                others = ", ".join(f"{o.path.name} ({o.player or 'no name'})" for o in same if o is not verdict)
                if len(sealed) == 1 and verdict is sealed[0]:
                    verdict.notes.append(f"a copy of this game, with another name, was handed in as {others}")
                else:
                    verdict.problems.append(f"the same game as {others}: one game, handed in under another name")
    return verdicts


def verify_one(path: Path, rules_root: Path, scenario: Scenario | None = None) -> Verdict:
    verdict = Verdict(path)
    try:
        loaded = load_save(path, rules_root, scenario)
    except LoadError as err:
        try:  # whose it says it is, if it reads as a save at all
            verdict.player = read_save(path).metadata.player
        except LoadError:
            pass
        first = err.problems[0] if err.problems else None
        where = f"{first.line}:{first.col}: " if first is not None else ""
        verdict.problems.append(f"cannot be loaded: {where}{first.message if first is not None else 'unreadable'}")
        return verdict
    save = loaded.save
    meta, record = save.metadata, save.record
    own = loaded.scenario
    verdict.player = meta.player
    verdict.scenario = save.scenario.id
    verdict.scenario_hash = save.scenario.hash[:12]
    verdict.seed = save.seed
    verdict.played = len(save.states) - 1
    verdict.seasons = own.seasons
    verdict.branched = save.branch_at
    verdict.made_by = "+".join(record.made_by) or "unknown"
    verdict.undos = sum(1 for u in record.undos if u.action == "undo")
    verdict.redos = len(record.undos) - verdict.undos
    verdict.answers = len(record.answers)
    verdict.game_key = _game_key(loaded)
    if scenario is not None and save.scenario.id != scenario.id:
        verdict.problems.append(f"a game of '{save.scenario.id}', not of '{scenario.id}'")
        return verdict
    target = scenario or own

    # How the game was made, and whether the file is as the game wrote it.
    if not save.seal:
        verdict.problems.append("no seal: saved by an older version of the game (or rewritten by another program)")
    elif save.seal != seal_of(save):
        verdict.problems.append("edited after the game wrote it: its seal does not match its contents")
    if "simulated" in record.made_by:
        verdict.problems.append("made by `simulate --save`, not played")
    elif not record.made_by:
        verdict.problems.append("not played in the game's window or text mode (how it was made is not recorded)")

    # The rules and the replay.
    verdict.rules_unchanged = loaded.change is None
    try:
        replay = check_replay(loaded)
    except RuleError as err:
        verdict.replay = f"the scenario cannot start under the rules as they are now: {err}"
        verdict.problems.append(f"replay failed: {verdict.replay}")
        return verdict
    verdict.replay = "ok" if replay.reproduced else (replay.difference or "")
    verdict.notes += list(replay.notes)
    if loaded.change is not None:
        change = loaded.change
        words_only = replay.reproduced and not (change.details or change.layers or change.missing_variables or change.new_variables
                                                or change.missing_levers or change.new_levers)
        if words_only:
            verdict.notes.append(f"{change.describe()}, in words only: the replay reproduces every number")
        else:
            verdict.problems.append(f"played under other rules: {change.describe()}")
    if not replay.reproduced:
        verdict.problems.append(f"replay failed after {replay.seasons} season(s): {replay.difference}")
        return verdict

    # Against the class settings.
    seasons = target.season_names()
    over = save.states[-1].ending is not None or verdict.played >= target.seasons
    verdict.finished = over
    verdict.at = save.states[-1].season if over else (seasons[verdict.played] if verdict.played < len(seasons) else "")
    classroom = target.classroom
    verdict.seed_expected = target.seed
    if target.seed is not None and save.seed != target.seed:
        fixed = "fixes" if classroom is not None and classroom.fixed_seed else "gives"
        verdict.problems.append(f"seed {save.seed}: the scenario {fixed} the seed {target.seed}")
    if not over and (classroom is None or classroom.finish):
        verdict.problems.append(f"not finished: stopped before {_label(verdict.at)} ({verdict.played} of {target.seasons} seasons played)")
    if classroom is not None:
        if save.branch_at is not None and not classroom.branching:
            verdict.problems.append(f"taken over from history at {save.branch_at}: this class scenario is played from the start")
        if record.undos and classroom.undo == "forbidden":
            verdict.problems.append(f"{verdict.undos} undo(s): this class scenario forbids taking seasons back")
        if classroom.player_name == "required" and not meta.player.strip():
            verdict.problems.append("no player name: this class scenario requires one")
    answered = {a.checkpoint for a in record.answers}
    for checkpoint in target.checkpoints:
        if checkpoint.season in seasons and seasons.index(checkpoint.season) < verdict.played and checkpoint.id not in answered:
            verdict.problems.append(f"checkpoint '{checkpoint.id}' ({checkpoint.season}) was not passed")
    return verdict


def _game_key(loaded: LoadedSave) -> str:
    """What makes one game one game: the scenario, the seed, when it began and its levers."""
    save = loaded.save
    began = save.record.times[0].isoformat() if save.record.times and save.record.times[0] is not None else ""
    if not began and not save.record.game_id:
        return ""  # a game without a record (an older save): nothing to tell it by
    text = f"{save.scenario.id}\0{save.seed}\0{save.record.game_id}\0{began}\0{save.lever_history!r}"
    return hashlib.sha256(text.encode()).hexdigest()


# --- as text and CSV -------------------------------------------------------------------------

CSV_HEADER = ("verdict", "file", "player", "scenario", "scenario_hash", "seed", "scenario_seed", "finished", "at", "seasons_played",
              "seasons", "branched_at", "made_by", "undos", "redos", "answers", "rules_unchanged", "replay", "reasons", "notes")


def csv_row(verdict: Verdict) -> list[str]:
    return [
        "pass" if verdict.ok else "FAIL", str(verdict.path), verdict.player, verdict.scenario, verdict.scenario_hash,
        "" if verdict.seed is None else str(verdict.seed), "" if verdict.seed_expected is None else str(verdict.seed_expected),
        "yes" if verdict.finished else "no", verdict.at, str(verdict.played), str(verdict.seasons), verdict.branched or "",
        verdict.made_by, str(verdict.undos), str(verdict.redos), str(verdict.answers), "yes" if verdict.rules_unchanged else "no",
        verdict.replay, "; ".join(verdict.problems), "; ".join(verdict.notes),
    ]


def details(verdict: Verdict) -> list[str]:
    """The verdict's facts, one short phrase each, in the order of the issue's list."""
    if not verdict.scenario:
        return []
    seed = f"seed {verdict.seed}"
    if verdict.seed_expected is not None:
        seed += " (the scenario's)" if verdict.seed == verdict.seed_expected else f" (the scenario's is {verdict.seed_expected})"
    at = _label(verdict.at) or "?"
    finished = f"finished in {at}" if verdict.finished else f"stopped before {at} ({verdict.played} of {verdict.seasons})"
    return [
        f"scenario {verdict.scenario} {verdict.scenario_hash}", seed, finished,
        f"branched at {_label(verdict.branched)}" if verdict.branched else "not branched",
        {"simulated": "simulated", "unknown": "made: unknown"}.get(verdict.made_by, f"played in {verdict.made_by.replace('+', ' and ')}"),
        f"{verdict.undos} undo(s)" + (f", {verdict.redos} redo(s)" if verdict.redos else ""),
        f"{verdict.answers} answer(s)",
        "rules unchanged" if verdict.rules_unchanged else "rules changed",
        f"replay {verdict.replay}" if verdict.replay == "ok" else "replay FAILED" if verdict.replay else "not replayed",
    ]


def _label(season: str | None) -> str:
    """'summer 1925' for a season id of the save's ('1925-summer'); the text as it is otherwise."""
    if not season:
        return ""
    try:
        return season_label(season)
    except ValueError:
        return season
