"""The terminal front end: the whole game, keyboard only, in plain text a screen reader can follow.

It reads lines from any text stream, so a game can be scripted by piping answers in. Each season:
the indicators and their change, then one prompt per lever (Enter keeps the value), then the
season report; at the end, the ending and its debrief.
"""

from __future__ import annotations

import os
import stat
import textwrap
from pathlib import Path
from typing import Literal, TextIO

from game.engine import RuleError
from game.engine.explain import Cause, Explanation
from game.files import name_problem, plain_reason
from game.history import format_comparison
from game.report import (
    CauseLine,
    cause_lines,
    cause_phrase,
    cause_sentence,
    cite,
    format_value,
    historical_ending,
    history_rows,
    indicators,
    label_of,
    lever_range,
    lever_text,
    parse_lever_value,
    rule_info,
    season_report,
    turning_points,
    verdict,
)
from game.rules.models import Indicator
from game.rules.problems import LoadError
from game.rules.season import Season
from game.saves import autosave, default_save_path, read_save, save_game
from game.session import LeverRejected, Session
from game.textsafe import escape_controls, escape_path

HELP = """Commands at a lever prompt:
  <number>     set this lever (a choice's name works too)
  Enter        keep the value shown in [brackets]
  ?            what this lever does, and its source
  why NAME     why a number moved this season (e.g. why {example})
  show         the indicators again
  undo         take back the last season (again and again, back to the start)
  redo         play again a season you took back, exactly as it was
  save [PATH]  save the game (default: {default_save}); autosaves go to {autosaves}
  help         this list
  quit         leave the game (it is autosaved)"""


class Quit(Exception):
    """The player left (or the input ended)."""


class TextGame:
    """A text-mode game over ``session``, reading ``inp`` and writing ``out``."""

    def __init__(self, session: Session, inp: TextIO, out: TextIO, saves: Path | None = None, player: str = "") -> None:
        self.session = session
        self.inp = inp
        self.out = out
        self.rs = session.scenario.ruleset
        self.saves = saves  # the saves folder; None: no autosaves (and `save` uses the default folder)
        self.player = player
        self.autosaved: object = session.state  # the state last autosaved (or loaded): no need to again

    def say(self, text: str = "") -> None:
        self.out.write(escape_controls(text, keep_lines=True) + "\n")  # text from files never drives the terminal

    def say_wrapped(self, text: str, indent: str = "") -> None:
        """A paragraph of prose, wrapped for an 88-column terminal."""
        for paragraph in text.strip().split("\n\n"):
            self.say(textwrap.fill(" ".join(paragraph.split()), width=88, initial_indent=indent, subsequent_indent=indent))

    def ask(self, prompt: str) -> str:
        self.out.write(escape_controls(prompt))
        self.out.flush()
        line = self.inp.readline()
        if not line:
            self.say()
            raise Quit("input ended")
        if not _is_terminal(self.inp):
            self.say(line.rstrip("\n"))  # echo piped answers so a transcript reads like a session
        return line.strip()

    # -- the game ----------------------------------------------------------------------------
    def run(self) -> int:
        self.intro()
        try:
            while not self.session.is_over:
                self.show_status()
                if not self.set_levers():
                    continue  # undone: show the earlier season again
                self.play_season()
            self.show_ending()
        except Quit as why:
            self.say(f"Leaving the game ({why}). {self.session.turn} season(s) played.")
            self.autosave()
        except KeyboardInterrupt:
            self.say()
            self.say(f"Interrupted. {self.session.turn} season(s) played.")
            self.autosave()
            return 130
        return 0

    def autosave(self) -> None:
        """Autosave into the saves folder (when there is one); a failure is said, not raised."""
        if self.saves is None or self.session.state is self.autosaved:
            return
        try:
            path = autosave(self.session, self.saves, self.player)
        except OSError as err:
            self.say(f"(Autosave failed: {plain_reason(err)}. Your game goes on; try 'save PATH'.)")
            return
        self.autosaved = self.session.state
        self.say(f"(Autosaved to {escape_path(path)}.)")

    def save(self, where: str) -> None:
        try:
            path = Path(where).expanduser() if where else default_save_path(self.session, self.saves)
        except RuntimeError:  # ~someone who has no home folder here
            self.say(f"  Not saved: {escape_controls(where)} names the home folder of a user this machine does not know. Give another path.")
            return
        why = name_problem(path)
        if why:
            self.say(f"  Not saved: {why}. Nothing was written; give another name.")
            return
        if _is_file_or_folder(path) and not self.may_replace(path):
            return  # (anything else but a new file is for save_game to write straight or refuse)
        try:
            save_game(self.session, path, self.player)
        except OSError as err:
            self.say(f"  Not saved: cannot write {escape_path(path)}: {plain_reason(err)}. Nothing was overwritten.")
            return
        self.say(f"  Saved to {escape_path(path)}. Resume with: main.py play --load {escape_path(path)}")

    def may_replace(self, path: Path) -> bool:
        """Whether this game may be saved over the file at ``path``: never over anything but a
        readable Smychka save, and over a save only when the player says so."""
        try:
            old = read_save(path)
        except LoadError as err:
            why = err.problems[0].message if err.problems else "it cannot be read"
            self.say(f"  Not saved: {escape_path(path)} is not a Smychka save ({why}). Nothing was overwritten; give another path.")
            return False
        meta = old.metadata
        who = f", played by {meta.player}" if meta.player else ""
        answer = self.ask(f"  {path} already holds a save ({meta.scenario_title}, {meta.season}{who}). Replace it? (y/n) ")
        if answer.lower() in ("y", "yes"):
            return True
        self.say("  Not saved: the old save is kept.")
        return False

    def intro(self) -> None:
        sc = self.session.scenario
        self.say(f"=== {sc.title} ===")
        self.say_wrapped(sc.summary)
        if sc.objectives:
            self.say("You will learn to:")
            for objective in sc.objectives:
                self.say(textwrap.fill(objective, width=88, initial_indent="  - ", subsequent_indent="    "))
        self.say(f"{sc.seasons} seasons from {sc.start}; seed {self.session.seed}. Type 'help' at any prompt.")

    def show_status(self) -> None:
        s = self.session
        self.say()
        self.say(f"--- {s.next_season} (season {s.turn + 1} of {s.scenario.seasons}) ---")
        width = max((len(i.label) for i in indicators(self.rs)), default=10)
        unit_width = max((len(self.short_unit(i)) for i in indicators(self.rs)), default=0)
        for ind in indicators(self.rs):
            now = s.value(ind.variable)
            unit = self.short_unit(ind)
            shown = format_value(self.rs, ind.variable, now)
            line = f"  {ind.label:<{width}}  {shown:>12} {unit:<{unit_width}}"
            if s.turn >= 1:
                before = s.value(ind.variable, s.turn - 1)
                line += f"  {_signed(self, ind.variable, now - before)}"
            self.say(line.rstrip())
        settings = []
        for name, lever in s.scenario.levers.items():
            lock = " (locked)" if name in s.scenario.locked else ""
            settings.append(f"{lever.label} {self.lever_text(name, s.levers[name])}{lock}")
        self.say_wrapped("Your levers: " + "; ".join(settings) + ".", indent="  ")

    def short_unit(self, indicator: Indicator) -> str:
        """The unit beside a number, when it adds something (not for percentages and indexes)."""
        unit = self.rs.variables[indicator.variable].unit
        if "%" in indicator.format or unit.startswith("index") or unit in ("0-100", "0-1", "share", "ratio"):
            return ""
        return unit

    def set_levers(self) -> bool:
        """Ask for each unlocked lever. False if the player undid a season instead."""
        s = self.session
        for name, lever in s.scenario.levers.items():
            if name in s.scenario.locked:
                continue
            while True:
                answer = self.ask(f"{lever.label} [{self.lever_text(name, s.levers[name])}] ({self.range_text(name)}): ")
                result = self.handle(name, answer)
                if result == "next":
                    break
                if result == "undo":
                    return False
        return True

    def handle(self, lever_name: str, answer: str) -> str:
        """Act on one answer at a lever prompt: 'next' (go on), 'again' (ask again), 'undo'."""
        s = self.session
        lower = answer.lower()
        if answer == "":
            return "next"
        if lower in ("quit", "q", "exit"):
            raise Quit("you quit")
        if lower in ("help", "h"):
            default_save = default_save_path(s, self.saves)
            autosaves = "nowhere in this game" if self.saves is None else self.saves / "autosave"
            self.say(HELP.format(example=next(iter(s.model.variables), "x"), default_save=default_save, autosaves=autosaves))
            return "again"
        if lower == "save" or lower.startswith("save "):
            self.save(answer[4:].strip())
            return "again"
        if lower == "redo":
            if s.redo():
                self.say(f"Season {s.state.season} played again as it was.")
                return "undo"
            self.say("Nothing to redo: no season has been taken back (or another was played since).")
            return "again"
        if answer == "?":
            self.explain_lever(lever_name)
            return "again"
        if lower.startswith("why"):
            self.why(answer[3:].strip())
            return "again"
        if lower == "show":
            self.show_status()
            return "again"
        if lower == "undo":
            if s.undo():
                self.say(f"Season {s.next_season} taken back; its levers are restored.")
                return "undo"
            self.say("Nothing to undo: no season has been played yet.")
            return "again"
        try:
            s.set_lever(lever_name, self.parse_value(lever_name, answer))
        except LeverRejected as err:
            self.say(f"  Not set: {err}.")
            return "again"
        except ValueError:
            self.say(f"  '{answer}' is not a number. Type a value, Enter to keep it, ? to learn about this lever, or help.")
            return "again"
        return "next"

    def parse_value(self, name: str, answer: str) -> float:
        return parse_lever_value(self.session, name, answer)

    def lever_text(self, name: str, value: float) -> str:
        return lever_text(self.session, name, value)

    def range_text(self, name: str) -> str:
        return lever_range(self.session, name)

    def explain_lever(self, name: str) -> None:
        info = rule_info(self.rs, name)
        lever = self.session.scenario.levers[name]
        self.say(f"  {info.label}: {info.description.strip()}")
        self.say(f"  Range {self.range_text(name)}; default {self.lever_text(name, lever.default)}.")
        if info.mechanisms:
            self.say(f"  Mechanisms: {'; '.join(info.mechanisms)}.")
        if info.source:
            self.say(f"  Source: {info.source}.")

    def why(self, name: str) -> None:
        s = self.session
        if not name:
            self.say("  Usage: why NAME, e.g. why " + next(iter(s.model.variables), "x"))
            return
        key = name.strip().replace(" ", "_")
        if key not in s.model.index:
            matches = [v for v in s.model.variables if label_of(self.rs, v).lower() == name.lower()]
            if matches:
                key = matches[0]
            else:
                try:
                    s.explain(key)
                except KeyError as err:
                    self.say(f"  {err.args[0]}. Variables: {', '.join(s.model.variables)}.")
                    return
        self.say(self.explanation_text(s.explain(key)))

    def explanation_text(self, e: Explanation) -> str:
        info = rule_info(self.rs, e.variable)
        lines = [f"  {info.label} ({e.season}): {self.fmt(e.variable, e.before)} -> {self.fmt(e.variable, e.after)}"
                 f" ({_signed(self, e.variable, e.change)})."]
        lines.append(f"  What it is: {info.description.strip()}")
        if info.mechanisms or info.source:
            lines.append(f"  Rule: {'; '.join(info.mechanisms) or '-'}. Source: {info.source or '-'}.")
        if not e.causes:
            lines.append("  Nothing that feeds it changed this season." if self.session.turn else "  No season has been played yet.")
        else:
            lines.append("  What moved it, largest first:")
            lines.extend(self.cause_lines(e.variable, e.causes, "    "))
        if e.other:
            lines.append(f"    {_signed(self, e.variable, e.other)}  the inputs acting together")
        if e.start_gap:
            lines.append(f"    {_signed(self, e.variable, e.start_gap)}  the scenario's starting value differs from what this rule computes")
        return "\n".join(lines)

    def cause_lines(self, parent: str, causes: tuple[Cause, ...], indent: str, depth: int = 2) -> list[str]:
        lines: list[str] = []
        for c in causes:
            moved = f"{self.fmt(c.name, c.before)} -> {self.fmt(c.name, c.after)}" if c.kind != "event" else ("happened" if c.after else "ended")
            lines.append(f"{indent}{_signed(self, parent, c.contribution)}  {cause_phrase(self.rs, c)} ({moved})")
            if c.causes and depth > 1:
                lines.extend(self.cause_lines(c.name, c.causes[:3], indent + "    ", depth - 1))
        return lines

    def fmt(self, name: str, value: float) -> str:
        return format_value(self.rs, name, value)

    def play_season(self) -> None:
        s = self.session
        season = s.next_season
        try:
            s.end_season()
        except RuleError as err:
            self.say(f"The rules failed in {season}, so the season was not played: {err}.")
            self.say("Change a lever and try again, or tell the rule set's author.")
            return
        self.show_report()
        self.autosave()

    def show_report(self) -> None:
        report = season_report(self.session)
        self.say()
        self.say(f"=== Season report: {report.season} ===")
        for title, message in report.events:
            self.say_wrapped(f"Event - {title}: {message.strip()}")
        for name, value, scripted in report.draws:
            self.say(f"Chance - {rule_info(self.rs, name).label}: {value:.3g}{' (as history had it)' if scripted else ''}")
        if not report.changes:
            self.say("No indicator moved this season.")
        for change in report.changes:
            verb = "rose" if change.after > change.before else "fell"
            since = f" (in {change.since})" if change.since and change.since != self._previous_season(report.season) else ""
            self.say(f"* {change.label} {verb} from {self.fmt(change.name, change.before)}{since} to {self.fmt(change.name, change.after)}.")
            for line in cause_lines(self.rs, change.explanation):
                self.say_wrapped(self.cause_sentence(change.name, line), indent="    ")
        self.say("(Type 'why NAME' at the next prompt for the full chain of causes.)")

    @staticmethod
    def _previous_season(season: str) -> str:
        return str(Season.parse(season).plus(-1))

    def cause_sentence(self, owner: str, line: CauseLine) -> str:
        """'Goods famine, up from 12% to 35%, took away 1.20 (through poor and middle peasants'
        sales): peasants sell grain above all to buy goods... [Mechanism — Source]'"""
        return cause_sentence(self.rs, owner, line).text

    def show_ending(self) -> None:
        session = self.session
        ending = session.ending
        self.say()
        if ending is None or ending.ending is None:
            self.say(f"=== The scenario ends after {session.scenario.seasons} seasons with no decisive outcome. ===")
        else:
            words = verdict(self.rs, ending.ending)
            self.say(f"=== Ending: {ending.ending.title} ({ending.season}){f' - {words}.' if words else ''} ===")
            self.say_wrapped(ending.ending.debrief)
            titles = [self.rs.mechanisms[m].title for m in ending.ending.mechanisms if m in self.rs.mechanisms]
            self.say_wrapped(f"Mechanisms: {'; '.join(titles)}. Source: {cite(self.rs, ending.ending.source)}.")
        points = turning_points(session)
        if points:
            self.say()
            self.say("The turning points of your game:")
            for point in points:
                verb = "rose" if point.after > point.before else "fell"
                events = f" (events: {', '.join(point.events)})" if point.events else ""
                self.say(f"* {point.season}: {point.label} {verb} from {point.before:.0f} to {point.after:.0f}{events}.")
                for line in point.causes[:2]:
                    self.say_wrapped(self.cause_sentence(self.indicator_name(), line), indent="    ")
        rows = history_rows(session)
        if rows:
            self.say()
            self.say("Your game beside history (year by year):")
            for text in format_comparison(rows).splitlines():
                self.say("  " + text)
        real = historical_ending(session)
        if real is not None:
            ident, season = real
            title = session.scenario.endings[ident].title if ident else "no decisive outcome"
            self.say_wrapped(f"Under the state's actual policy this scenario ends in: {title} ({season}).")
        questions = session.scenario.debrief_questions
        if questions:
            self.say()
            self.say("Questions to discuss:")
            for i, q in enumerate(questions, 1):
                self.say(textwrap.fill(q, width=88, initial_indent=f"  {i}. ", subsequent_indent="     "))

    def indicator_name(self) -> str:
        shown = indicators(self.rs)
        return shown[0].variable if shown else ""


def _is_file_or_folder(path: Path) -> bool:
    try:
        mode = os.lstat(path).st_mode
    except (OSError, ValueError):
        return False
    return stat.S_ISREG(mode) or stat.S_ISDIR(mode)


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _signed(game: TextGame, name: str, delta: float) -> str:
    text = game.fmt(name, abs(delta))
    return f"+{text}" if delta >= 0 else f"-{text}"


def play_text(session: Session, inp: TextIO, out: TextIO, saves: Path | None = None, player: str = "") -> int:
    """Play ``session`` in text mode to its end (or until the player quits); with ``saves``, autosave
    there after every season and on quitting."""
    return TextGame(session, inp, out, saves, player).run()


def ask_how_to_open(inp: TextIO, out: TextIO) -> Literal["replay", "as-saved"] | None:
    """Ask how to open a save whose rules have changed: 'replay' or 'as-saved' (None: no answer)."""
    while True:
        out.write("Type 'replay' to play its levers again under the new rules, or 'as-saved' to open the game as it was saved: ")
        out.flush()
        line = inp.readline()
        if not line:
            out.write("\n")
            return None
        answer = line.strip().lower().replace(" ", "-").replace("_", "-")
        if not _is_terminal(inp):
            out.write(line.rstrip("\n") + "\n")
        if answer == "replay":
            return "replay"
        if answer == "as-saved":
            return "as-saved"
        if answer == "quit":
            return None
