"""``main.py report SAVE|FOLDER --html FILE [--csv FILE]``: read, build, then write.

Both outputs are checked before anything is read, built whole before anything is written, and
written atomically through :mod:`game.files`: a file that is there already is replaced only when
it is a report of the same kind written before (never a save, a rule file or a stranger's page);
``-`` is standard output.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TextIO

from game.engine import RuleError
from game.files import STDOUT, FileProblem, MayReplace, check_writable, decode_utf8, plain_reason, read_file, write_output
from game.reports.game import game_html, open_for_report
from game.reports.klass import Entry, class_csv, class_html, read_class, students
from game.rules.problems import LoadError
from game.saves import SaveRefused, load_save
from game.textsafe import escape_controls, escape_path

# What a report this command wrote starts with (so that only such a file is replaced).
HTML_MARK = '<meta name="generator" content="Smychka">'
CSV_MARK = "file,player,scenario,seed,"
MOST_REPLACED = 64 * 1024 * 1024


def _earlier(mark: str, what: str) -> MayReplace:
    def check(path: Path) -> str | None:
        try:
            head = decode_utf8(read_file(path, MOST_REPLACED, what))[:4096]
        except (FileProblem, ValueError):
            head = ""
        if mark in head:
            return None
        return f"is not {what} written before; nothing was overwritten (give a new file, or - for standard output)"
    return check


not_an_html_report = _earlier(HTML_MARK, "an HTML report")
not_a_csv_report = _earlier(CSV_MARK, "a CSV report")


def _refused(html: Path | None, csv: Path | None) -> str | None:
    """Why the outputs cannot be written (None: they can)."""
    if html is None and csv is None:
        return "error: report needs --html FILE or --csv FILE (or both); '-' writes to standard output"
    named = [(option, path, check) for option, path, check in (("--html", html, not_an_html_report), ("--csv", csv, not_a_csv_report))
             if path is not None]
    if len(named) == 2 and str(html) == STDOUT and str(csv) == STDOUT:
        return "error: --html and --csv cannot both go to standard output; give one of them a file"
    if len(named) == 2 and str(html) != STDOUT and os.path.abspath(str(html)) == os.path.abspath(str(csv)):
        return f"error: --html and --csv name the same file ({escape_path(html)}); give each its own"
    for option, path, check in named:
        if str(path) == STDOUT:
            continue
        try:
            check_writable(path, check)
        except FileProblem as err:
            return f"error: {option} {escape_path(path)}: {err.reason}"
    return None


def report(path: Path, rules_root: Path, html: Path | None, csv: Path | None, out: TextIO, err: TextIO) -> int:
    """Write the report of the save or class folder at ``path``; returns the exit status."""
    refused = _refused(html, csv)
    if refused:
        err.write(escape_controls(refused) + "\n")
        return 2 if html is None and csv is None else 1
    try:
        is_folder = path.is_dir()
    except (OSError, ValueError) as problem:
        err.write(f"error: {escape_path(path)}: {plain_reason(problem)}\n")
        return 1
    if is_folder:
        try:
            entries = read_class(path, rules_root)
        except OSError as problem:
            err.write(f"error: cannot read the folder {escape_path(path)}: {plain_reason(problem)}\n")
            return 1
        good = sum(1 for e in entries if e.opened is not None)
        for entry in entries:
            if entry.opened is None:
                err.write(f"left out: {escape_controls(entry.problem)}\n")
        if not good:
            err.write(f"error: no save in {escape_path(path)} could be read; nothing was written\n")
            return 1
        groups = students(entries)  # the debriefs, made once for both outputs
        texts = {"--html": class_html(path, entries, groups) if html is not None else "",
                 "--csv": class_csv(entries, groups) if csv is not None else ""}
        what = f"{good} game(s)"
    else:
        try:
            opened = open_for_report(load_save(path, rules_root))
        except LoadError as problem:
            for p in problem.problems:
                err.write(f"{p}\n")
            err.write(f"cannot report {escape_path(path)}: {len(problem.errors)} error(s)\n")
            return 1
        except (SaveRefused, RuleError) as problem:
            err.write(f"error: cannot report {escape_path(path)}: {escape_controls(str(problem))}\n")
            return 1
        texts = {"--html": game_html(opened) if html is not None else "", "--csv": class_csv([Entry(path, opened)]) if csv is not None else ""}
        what = "1 game"
    for option, target, check in (("--html", html, not_an_html_report), ("--csv", csv, not_a_csv_report)):
        if target is None:
            continue
        try:
            how = write_output(target, texts[option], out, may_replace=check)
        except OSError as problem:
            err.write(f"error: cannot write {escape_path(target)}: {plain_reason(problem)}\n")
            return 1
        if how != "standard output":
            err.write(f"wrote the report of {what} to {escape_path(target)} ({len(texts[option].encode('utf-8')):,} bytes)\n")
    return 0
