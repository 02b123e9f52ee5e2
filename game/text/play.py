"""The terminal front end: the whole game, keyboard only, in plain text a screen reader can follow.

It reads lines from any text stream, so a game can be scripted by piping answers in. Each season:
the warnings, the indicators and their change, then one prompt per unlocked lever (Enter keeps a
value), then the season report; at the end, the debrief. Lines are wrapped to the terminal's width,
and a terminal that cannot print the game's characters gets plain ASCII. The game itself is run by
:class:`~game.controller.Game`; the words come from :mod:`game.present`.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Literal, TextIO

from game.controller import Game
from game.engine import RuleError
from game.files import name_problem, plain_reason
from game.forecast import forecast
from game.present.index import find_variable, indicators, label_of, rule_info
from game.present.levers import history_levers, lever_range, lever_text, parse_assignments, parse_lever_value, unlocked
from game.present.seasons import season_label
from game.present.story import change_story, compared_turn
from game.present.tutorial import Tutorial
from game.rules.problems import LoadError
from game.session import GameOver, LeverRejected, Session
from game.text import views
from game.text.terminal import Terminal
from game.textsafe import escape_controls, escape_path

HELP = """At a lever prompt:
  NUMBER          set this lever (a choice's name works too); Enter keeps it
  NAME=V, NAME=V  set several levers at once (also: set NAME=V, ...)
  end             end the season now, with the levers as they are
{history}  ?               what this lever does, and its source
  why NAME        why a number moved (a label or id: why {example})
  details         the last season report with what each cause means and its source
  report          the last season report again
  show            the indicators again
  chart A, B ...  numbers over the seasons (chart alone: the rules' presets)
  forecast        next season over many possible weathers
  encyclopedia [WORD], glossary WORD   the rules' encyclopedia
  undo, redo      take back the last season, or play it again
  save [PATH]     save the game (default: {default_save}); autosaves: {autosaves}
  help            this list;  quit  leave the game (it is autosaved)"""


class Quit(Exception):
    """The player left (or the input ended)."""


Outcome = Literal["next", "again", "undo", "end"]


class TextGame:
    """A text-mode game of ``game``, reading ``inp`` and writing ``out``."""

    def __init__(self, game: Game, inp: TextIO, out: TextIO, term: Terminal | None = None) -> None:
        self.game = game
        self.inp = inp
        self.term = term or Terminal(out)
        self.tutorial = Tutorial(game.session)
        self.details_wanted = False
        game.played_in("text")

    @property
    def session(self) -> Session:
        return self.game.session

    @property
    def rs(self):  # type: ignore[no-untyped-def]
        return self.session.scenario.ruleset

    def say(self, text: str = "") -> None:
        self.term.line(text)

    def para(self, text: str, indent: str = "", hang: str | None = None, keep_spaces: bool = False) -> None:
        self.term.para(text, indent, hang, keep_spaces)

    def ask(self, prompt: str) -> str:
        self.term.prompt(prompt)  # control characters escaped: a name from a file breaks no line in it
        self.term.out.flush()
        line = self.inp.readline()
        if not line:
            self.say()
            raise Quit("input ended")
        if not _is_terminal(self.inp):
            self.term.write(line.rstrip("\n") + "\n")  # echo piped answers so a transcript reads like a session
        return line.strip()

    # -- the game ----------------------------------------------------------------------------
    def run(self) -> int:
        self.intro()
        try:
            self.ask_name()
            while not self.session.is_over:
                self.show_status()
                self.checkpoint()
                outcome = self.set_levers()
                if outcome == "undo":
                    continue  # undone or redone: show the season again
                self.play_season()
            self.show_ending()
            self.offer_submission()
        except Quit as why:
            self.say(f"Leaving the game ({why}). {self.session.turn} season(s) played.")
            self.autosave()
        except KeyboardInterrupt:
            self.say()
            self.say(f"Interrupted. {self.session.turn} season(s) played.")
            self.autosave()
            return 130
        return 0

    def ask_name(self) -> None:
        """A class scenario that requires the player's name asks for it before the first season."""
        while self.game.needs_player_name:
            name = self.ask("Your name, as your teacher should see it in your save: ")
            if name and not any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in name):
                self.game.player = name[:200]
                self.say(f"Thank you, {escape_controls(self.game.player)}.")

    def checkpoint(self) -> None:
        """The checkpoint before this decision, if any: its prompt, a pause until the instructor's
        code is typed, and its question, whose answer goes into the save."""
        checkpoint = self.game.checkpoint()
        if checkpoint is None:
            return
        self.say()
        self.say(f"--- Checkpoint: {escape_controls(checkpoint.title)} ---")
        self.para(checkpoint.prompt)
        if checkpoint.code is not None:
            while not self.game.code_matches(checkpoint, self.ask("Wait for your teacher, then type the code they give: ")):
                self.say("  That is not the code. Ask your teacher.")
        answer = None
        if checkpoint.question is not None:
            self.para(f"Question: {checkpoint.question}")
            answer = ""
            while not answer:
                answer = self.ask("Your answer (one paragraph, then Enter): ")
                if not answer:
                    self.say("  Write a few words: your answer goes into your save for your teacher.")
        self.game.pass_checkpoint(checkpoint, answer)
        self.say("Checkpoint passed." + (" Your answer is kept in your save." if answer is not None else ""))

    def offer_submission(self) -> None:
        """At the ending: save the finished game under the player's name, to hand in."""
        if self.game.saves is None:
            return
        path = self.game.submission_path()
        answer = self.ask(f"Save your finished game as {escape_path(path)} to hand in? (y/n) ")
        if answer.lower() not in ("y", "yes", ""):
            self.say("Not saved as a submission (the game is in the autosaves).")
            return
        try:
            written = self.game.submit()
        except OSError as err:
            self.para(f"  Not saved: {plain_reason(err)}. Try 'save PATH' from a saved game, or ask your teacher.")
            return
        self.para(f"  Saved your finished game to {escape_path(written)}. Hand in this file.")

    def autosave(self) -> None:
        """Autosave (when there is a saves folder); a failure is said, not raised."""
        try:
            path = self.game.autosave()
        except OSError as err:
            self.para(f"(Autosave failed: {plain_reason(err)}. Your game goes on; try 'save PATH'.)")
            return
        if path is not None:
            self.para(f"(Autosaved as {escape_controls(path.name)}.)")

    def save(self, where: str) -> None:
        why = name_problem(where)  # before ~ is expanded: a user name with a NUL fails there
        if why:
            self.para(f"  Not saved: {why}. Nothing was written; give another name.", "", "    ")
            return
        try:
            path = Path(where).expanduser() if where else self.game.default_save_path()
        except RuntimeError:  # ~someone who has no home folder here
            self.para(f"  Not saved: {escape_controls(where)} names the home folder of a user this machine does not know. Give another path.", "", "    ")
            return
        why = name_problem(path)
        if why:
            self.para(f"  Not saved: {why}. Nothing was written; give another name.", "", "    ")
            return
        if _is_file_or_folder(path) and not self.may_replace(path):
            return  # (anything else but a new file is for save_game to write straight or refuse)
        try:
            self.game.save(path)
        except OSError as err:
            self.para(f"  Not saved: cannot write {escape_path(path)}: {plain_reason(err)}. Nothing was overwritten.", "", "    ")
            return
        self.para(f"  Saved to {escape_path(path)}. Resume with: main.py play --load {escape_path(path)}", "", "    ")

    def may_replace(self, path: Path) -> bool:
        """Whether this game may be saved over the file at ``path``: never over anything but a
        readable Smychka save, and over a save only when the player says so."""
        from game.saves.store import read_save

        try:
            old = read_save(path)
        except LoadError as err:
            why = err.problems[0].message if err.problems else "it cannot be read"
            self.para(f"  Not saved: {escape_path(path)} is not a Smychka save ({why}). Nothing was overwritten; give another path.", "", "    ")
            return False
        meta = old.metadata
        who = f", played by {meta.player}" if meta.player else ""
        answer = self.ask(f"  {escape_path(path)} already holds a save ({meta.scenario_title}, {season_label(meta.season)}{who}). Replace it? (y/n) ")
        if answer.lower() in ("y", "yes"):
            return True
        self.say("  Not saved: the old save is kept.")
        return False

    def intro(self) -> None:
        sc = self.session.scenario
        self.say(f"=== {sc.title} ===")
        self.para(sc.summary)
        if sc.objectives:
            self.say("You will learn to:")
            for objective in sc.objectives:
                self.para(objective, "  - ", "    ")
        history = " Type 'h' at a lever to play this season as the state did." if sc.history is not None else ""
        self.para(f"{sc.seasons} seasons from {season_label(sc.start)}; seed {self.session.seed}. "
                  f"Type 'help' at any prompt.{history}")

    def show_status(self, legend: bool = False) -> None:
        try:
            threats = self.game.threats()
        except RuleError:
            threats = ()
        views.status(self.term, self.session, threats, legend or self.session.turn == 0)
        for step in self.tutorial.before(self.session):
            self.say()
            self.para(f"Lesson: {step.title}. {step.text}", "", "  ")

    def set_levers(self) -> Outcome:
        """Ask for each unlocked lever (marking the one a lesson points at). 'undo' when the player
        undid or redid a season instead, 'end' when the season was ended early."""
        s = self.session
        pointed = self.tutorial.pointed(s)
        for name in unlocked(s):
            while True:
                lever = s.scenario.levers[name]
                hint = ""
                if name in pointed:
                    hint = f" (the lesson's lever: try {pointed[name]})" if pointed[name] else " (the lesson's lever)"
                answer = self.ask(f"{'> ' if hint else ''}{lever.label} [{lever_text(s, name, s.levers[name])}]{hint}: ")
                result = self.handle(name, answer)
                if result == "next":
                    break
                if result in ("undo", "end"):
                    return result
        return "next"

    def handle(self, lever_name: str, answer: str) -> Outcome:
        """Act on one answer at a lever prompt."""
        s = self.session
        lower = answer.lower()
        word, _, rest = answer.partition(" ")
        word = word.lower()
        if answer == "":
            return "next"
        if lower in ("quit", "q", "exit"):
            raise Quit("you quit")
        if lower in ("help", "?help"):
            self.show_help()
            return "again"
        if lower in ("end", "e", "go"):
            return "end"
        if lower in ("h", "history"):
            return self.take_history()
        if word == "save":
            self.save(rest.strip())
            return "again"
        if lower == "redo":
            if self.game.redo():
                self.say(f"Season {season_label(s.state.season)} played again as it was.")
                return "undo"
            self.say("Nothing to redo: no season has been taken back (or another was played since).")
            return "again"
        if lower == "undo":
            refused = self.game.undo_refused()
            if refused:
                self.say(refused)
                return "again"
            if self.game.undo():
                seen = " (Your teacher sees each undo in your save.)" if self.game.undo_recorded else ""
                self.para(f"Season {season_label(s.next_season)} taken back; its levers are restored.{seen}")
                return "undo"
            self.say("Nothing to undo: no season has been played yet.")
            return "again"
        if answer == "?":
            self.explain_lever(lever_name)
            return "again"
        if word == "why":
            self.why(rest.strip())
            return "again"
        if lower in ("details", "sources", "report"):
            self.show_report(details=lower != "report", again=True)
            return "again"
        if lower in ("show", "status"):
            self.show_status(legend=True)
            return "again"
        if word == "chart":
            self.chart(rest)
            return "again"
        if lower == "forecast":
            self.show_forecast()
            return "again"
        if word in ("encyclopedia", "glossary", "look"):
            self.look_up(rest.strip(), glossary=word == "glossary")
            return "again"
        if word == "set" or "=" in answer:
            self.set_many(rest if word == "set" else answer)
            return "again"
        try:
            s.set_lever(lever_name, parse_lever_value(s, lever_name, answer))
        except LeverRejected as err:
            self.para(f"  Not set: {err}.", "", "    ")
            return "again"
        except ValueError:
            self.para(f"  '{answer}' is not a value for this lever ({lever_range(s, lever_name)}). "
                      "Enter keeps it, ? explains it, help lists the commands.", "", "    ")
            return "again"
        return "next"

    def show_help(self) -> None:
        s = self.session
        autosaves = "none in this game" if self.game.saves is None else str(self.game.saves / "autosave")
        history = "  h               play this season as the state did (history's levers)\n" if s.scenario.history is not None else ""
        text = HELP.format(history=history, default_save=self.game.default_save_path(), autosaves=autosaves, example=self.example_name())
        for line in text.splitlines():
            command, gap, what = line.strip().partition("  ")
            if line.startswith("  ") and gap:  # a command and what it does, in two columns
                self.para(f"{command:<16}  {what.strip()}", "  ", " " * 20, keep_spaces=True)
            else:
                self.para(line.strip(), "  " if line.startswith("  ") else "", " " * 20)

    def example_name(self) -> str:
        """A number to ask 'why' about, for examples: the first indicator's label, in lower case."""
        shown = indicators(self.rs)
        return shown[0].label.lower() if shown else next(iter(self.rs.variables), "x")

    def example_setting(self) -> str:
        """Two levers and their values as a player would type them, for examples."""
        s = self.session
        return ", ".join(f"{n}={lever_text(s, n, s.levers[n])}" for n in unlocked(s)[:2]) or "NAME=VALUE"

    def take_history(self) -> Outcome:
        s = self.session
        levers = history_levers(s)
        if levers is None:
            self.say("  This scenario has no record of what the state did this season.")
            return "again"
        before = dict(s.levers)
        try:
            s.set_levers(levers)
        except LeverRejected as err:
            self.para(f"  Not set: {err}.", "", "    ")
            return "again"
        moved = [f"{s.scenario.levers[n].label} {lever_text(s, n, before[n])} → {lever_text(s, n, v)}"
                 for n, v in levers.items() if not s.is_locked(n) and v != before[n]]
        what = "; ".join(moved) + "; the other levers as they were" if moved else "the levers as they were"
        self.para(f"  As the state did in {season_label(s.next_season)}: {what}.", "", "    ")
        return "end"

    def set_many(self, text: str) -> None:
        s = self.session
        found = parse_assignments(s, text)
        for problem in found.problems:
            self.para(f"  Not set: {problem}.", "", "    ")
        if not found.values:
            if not found.problems:
                self.say(f"  Write NAME=VALUE, NAME=VALUE (e.g. {self.example_setting()}).")
            return
        try:
            s.set_levers(found.values)
        except LeverRejected as err:
            self.para(f"  Not set: {err}. (None of that line was set.)", "", "    ")
            return
        done = [f"{s.scenario.levers[n].label} {lever_text(s, n, s.levers[n])}" for n in found.values]
        self.para(f"  Set: {'; '.join(done)}. Type 'end' to end the season, or go on.", "", "    ")

    def explain_lever(self, name: str) -> None:
        info = rule_info(self.rs, name)
        lever = self.session.scenario.levers[name]
        self.para(f"{info.label}: {info.description.strip()}", "  ", "  ")
        self.para(f"Range {lever_range(self.session, name)}; default {lever_text(self.session, name, lever.default)}.", "  ", "  ")
        past = history_levers(self.session)
        if past is not None and name in past:
            self.para(f"The state set it to {lever_text(self.session, name, past[name])} this season ('h' to do the same).", "  ", "  ")
        if info.mechanisms:
            self.para(f"Mechanisms: {'; '.join(info.mechanisms)}.", "  ", "    ")
        if info.source:
            self.para(f"Source: {info.source}.", "  ", "    ")

    def why(self, text: str) -> None:
        s = self.session
        if not text:
            self.say(f"  Usage: why NAME, e.g. why {self.example_name()} (a label or id from the table).")
            return
        found = find_variable(self.rs, text)
        if found.name is None:
            views.suggestions(self.term, text, found.suggestions)
            return
        story = None
        if s.turn >= 1:
            ind = next((i for i in self.rs.indicators if i.variable == found.name), None)
            base = compared_turn(s, ind, s.turn) if ind is not None else s.turn - 1
            story = change_story(s, found.name, s.turn, s.turn - 1 if base is None else base)
        views.why(self.term, s, found.name, story)

    def chart(self, text: str) -> None:
        from game.present.series import presets, series  # (only for charts: not on the way to the first prompt)

        s = self.session
        if s.turn < 1:
            self.say("  Nothing to chart yet: play a season first.")
            return
        names: list[str] = []
        for part in [p.strip() for p in text.split(",") if p.strip()]:
            found = find_variable(self.rs, part)
            if found.name is not None:
                names.append(found.name)
                continue
            words = [find_variable(self.rs, word) for word in part.split()] if " " in part else []
            if words and all(w.name is not None for w in words):
                names += [w.name for w in words if w.name is not None]
                continue
            views.suggestions(self.term, part, found.suggestions)
            return
        if not names:
            shown = presets(s)
            self.say("  Charts the rules suggest (type 'chart' and the names):")
            for preset in shown:
                self.para(f"{preset.title}: {', '.join(label_of(self.rs, n) for n in preset.variables)}", "    ", "      ")
            names = list(shown[0].variables)
        views.chart(self.term, s, [series(s, n) for n in dict.fromkeys(names)])

    def show_forecast(self) -> None:
        s = self.session
        if s.is_over:
            self.say("  The game is over: there is no next season to forecast.")
            return
        try:
            outlook = forecast(s, runs=self.rs.story.warnings.runs)
            threats = self.game.threats()
        except RuleError as err:
            self.para(f"  No forecast: {err}.")
            return
        views.forecast(self.term, s, outlook, threats)

    def look_up(self, text: str, glossary: bool) -> None:
        from game import encyclopedia  # (only to look up: not on the way to the first prompt)

        rs = self.rs
        if not text:
            if glossary:
                terms = encyclopedia.entries(rs, "term")
                self.para("Glossary: " + ", ".join(title for _, title in terms) + ". Type 'glossary WORD'.", "  ", "    ")
                return
            for kind, heading in encyclopedia.CATEGORIES:
                titles = [title for _, title in encyclopedia.entries(rs, kind)]
                if titles:
                    self.para(f"{heading} ({len(titles)}): {', '.join(titles[:6])}{', …' if len(titles) > 6 else ''}", "  ", "    ")
            self.say("  Type 'encyclopedia WORD' to read an entry.")
            return
        hits = encyclopedia.search(rs, text)
        if glossary:
            hits = [h for h in hits if h[0].startswith("term:")] or hits
        exact = [h for h in hits if h[1].lower() == text.lower() or h[0].partition(":")[2].replace("_", " ") == text.lower()]
        if len(exact) == 1 or len(hits) == 1:
            key = (exact or hits)[0][0]
            views.article(self.term, encyclopedia.article(rs, key, self.session.values(), self.session.state.season))
            return
        if not hits:
            self.para(f"  Nothing in the encyclopedia for '{text}'. Type 'encyclopedia' for its contents.")
            return
        shown = ", ".join(title for _, title in hits[:8])
        more = f" and {len(hits) - 8} more" if len(hits) > 8 else ""
        self.para(f"  '{text}' is in: {shown}{more}. Type more of the name.", "", "    ")

    def play_season(self) -> None:
        s = self.session
        season = s.next_season
        played = dict(s.levers)
        try:
            self.game.end_season()
        except RuleError as err:
            self.para(f"The rules failed in {season_label(season)}, so the season was not played: {err}.")
            self.para("Change a lever and try again, or tell the rule set's author.")
            return
        except GameOver:
            return
        self.show_report()
        for reaction in self.tutorial.after(s, played):
            self.para(f"Lesson: {reaction}", "", "  ")
        self.autosave()

    def show_report(self, details: bool = False, again: bool = False) -> None:
        if self.session.turn < 1:
            self.say("  No season has been played yet.")
            return
        views.report(self.term, self.game.report(), details)

    def show_ending(self) -> None:
        views.debrief(self.term, self.game.debrief(), self.session)


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def play_text(session: Session | Game, inp: TextIO, out: TextIO, saves: Path | None = None, player: str = "") -> int:
    """Play a game in text mode to its end (or until the player quits); with ``saves``, autosave
    there after every season and on quitting."""
    game = session if isinstance(session, Game) else Game(session, saves, player, autosaved=session.state)
    return TextGame(game, inp, out).run()


def ask_how_to_open(inp: TextIO, out: TextIO) -> Literal["replay", "as-saved"] | None:
    """Ask how to open a save whose rules have changed: 'replay' or 'as-saved' (None: no answer)."""
    term = Terminal(out)
    while True:
        term.write("Type 'replay' to play its levers again under the new rules, or 'as-saved' to open it as saved: ")
        out.flush()
        line = inp.readline()
        if not line:
            out.write("\n")
            return None
        answer = line.strip().lower().replace(" ", "-").replace("_", "-")
        if not _is_terminal(inp):
            term.write(line.rstrip("\n") + "\n")
        if answer == "replay":
            return "replay"
        if answer == "as-saved":
            return "as-saved"
        if answer == "quit":
            return None


def _is_file_or_folder(path: Path) -> bool:
    try:
        mode = os.lstat(path).st_mode
    except (OSError, ValueError):
        return False
    return stat.S_ISREG(mode) or stat.S_ISDIR(mode)
