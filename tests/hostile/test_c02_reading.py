"""Class 2: reading paths that are not regular files.

Every reader of the game (check, play --scenario, play --load, replay, simulate --policy, a rule
set's folder, a folder checked whole, the settings, the saves list) against named pipes nobody
writes to (reading one would wait forever), copies of /dev/zero and /dev/urandom (reading one
would fill the memory), folders, sockets, links to a pipe, in a loop or to nothing, and files over
the size limit. Each is refused at once — a located message that says what the thing is, or the
limit and what it is for — with a non-zero exit and nothing changed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from game.files import read_file
from tests.hostile.harness import RULES, case, guarded, make_device, make_fifo, make_loop, make_socket, make_sparse, watchdog

KINDS = ("fifo", "zero copy", "urandom copy", "folder", "socket", "link to a fifo", "link loop", "link to nothing", "huge file")
SAYS = {
    "fifo": "is a named pipe (FIFO), not a file", "zero copy": "is a character device, not a file",
    "urandom copy": "is a character device, not a file", "folder": "is a folder", "socket": "is a socket, not a file",
    "link to a fifo": "is a named pipe (FIFO), not a file", "link loop": "the path goes round a loop of symbolic links",
    "link to nothing": "is a symbolic link to nothing (", "huge file": "bytes; a ",
}


def make(kind: str, path: Path) -> Path:
    if kind == "fifo":
        return make_fifo(path)
    if kind == "zero copy":
        return make_device(path, 1, 5)
    if kind == "urandom copy":
        return make_device(path, 1, 9)
    if kind == "folder":
        path.mkdir()
    elif kind == "socket":
        make_socket(path)
    elif kind == "link to a fifo":
        make_fifo(path.with_name("the-pipe"))
        path.symlink_to(path.with_name("the-pipe"))
    elif kind == "link loop":
        make_loop(path)
    elif kind == "link to nothing":
        path.symlink_to(path.with_name("gone"))
    elif kind == "huge file":
        make_sparse(path, 100 * 1024 * 1024)  # over every limit; takes no room on the disk
    return path


READERS = {
    "check a .toml": lambda t: ["check", str(t)],
    "play --scenario": lambda t: ["play", "--text", "--scenario", str(t)],
    "play --load": lambda t: ["play", "--text", "--load", str(t)],
    "replay": lambda t: ["replay", str(t)],
    "simulate --policy": lambda t: ["simulate", "--scenario", "hammurabi-short", "--policy", str(t)],
    "check a .json": lambda t: ["check", str(t)],
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("reader", sorted(READERS))
def test_every_reader_reads_only_regular_files(tmp_path: Path, reader: str, kind: str) -> None:
    target = make(kind, tmp_path / ("thing.json" if "json" in reader or "load" in reader or reader == "replay" else "thing.toml"))
    says = SAYS[kind]
    if kind == "folder" and reader in ("check a .toml", "check a .json"):
        says = "no rule sets, scenarios, policies or saves"  # a folder is checked whole: this one holds nothing
    case(READERS[reader](target), roots=[tmp_path], refused=True, says=says)


@pytest.mark.parametrize("kind", ["fifo", "zero copy", "socket", "link loop", "huge file"])
def test_a_rule_set_folder_holding_one(tmp_path: Path, kind: str) -> None:
    folder = tmp_path / "hammurabi"
    shutil.copytree(RULES / "hammurabi", folder)
    make(kind, folder / "extra.toml")
    case(["check", str(folder)], roots=[tmp_path], refused=True, says=["extra.toml:1:1: error: ", SAYS[kind]])


@pytest.mark.parametrize("kind", ["fifo", "urandom copy", "link loop"])
def test_a_folder_checked_whole_holding_one(tmp_path: Path, kind: str) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    shutil.copy(RULES / "scenarios" / "hammurabi-short.toml", folder / "hammurabi-short.toml")
    make(kind, folder / "odd.toml")
    case(["check", str(folder)], roots=[tmp_path], refused=True, says=["odd.toml:1:1: error: ", SAYS[kind]])


@pytest.mark.parametrize("kind", KINDS)
def test_the_settings_file(tmp_path: Path, kind: str) -> None:
    pytest.importorskip("pygame")
    from game.ui.settings import Settings, load_settings

    target = make(kind, tmp_path / "settings.json")
    with guarded([tmp_path]), watchdog(10):
        settings, message = load_settings(target)
    assert settings == Settings()
    if kind == "link to nothing":
        assert message is None  # no settings yet: the defaults, nothing to say
    else:
        assert message is not None and "using the defaults" in message and SAYS[kind] in message


@pytest.mark.parametrize("kind", KINDS)
def test_the_saves_list(tmp_path: Path, kind: str) -> None:
    from game.rules.scenario import load_scenario
    from game.saves import list_saves, save_game
    from game.session import Session

    good = save_game(Session(load_scenario("hammurabi-short", RULES), 1), tmp_path / "good.json")
    make(kind, tmp_path / "odd.json")
    with guarded([tmp_path]), watchdog(10):
        entries = list_saves(tmp_path)
    assert entries[0].path == good and entries[0].problem is None
    for entry in entries[1:]:  # a regular file over the limit is listed, with why it cannot be opened
        assert entry.problem is not None and SAYS[kind] in entry.problem


def test_the_limits_say_what_they_are_for(tmp_path: Path) -> None:
    from game.rules.reading import MAX_FILE_BYTES
    from game.saves.store import MAX_SAVE_BYTES

    rules = make_sparse(tmp_path / "big.toml", MAX_FILE_BYTES + 1)
    case(["check", str(rules)], roots=[tmp_path], refused=True,
         says=f"file is {MAX_FILE_BYTES + 1:,} bytes; a rule, scenario or policy file is at most {MAX_FILE_BYTES:,} bytes")
    save = make_sparse(tmp_path / "big.json", MAX_SAVE_BYTES + 1)
    case(["replay", str(save)], roots=[tmp_path], refused=True, says=f"file is {MAX_SAVE_BYTES + 1:,} bytes; a save file is at most {MAX_SAVE_BYTES:,} bytes")
    at_limit = make_sparse(tmp_path / "edge.toml", MAX_FILE_BYTES)
    assert len(read_file(at_limit, MAX_FILE_BYTES, "a test file")) == MAX_FILE_BYTES  # the limit itself is allowed
