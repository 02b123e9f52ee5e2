"""Class 1: writing to paths that are not regular files.

Every writer of the game (simulate --out and --save, the text mode's save, schema --out, autosaves,
the window's settings) against every kind of path: devices of our own (mknod), named pipes with
and without a reader, links out of the folder, to nothing and in a loop, folders, sockets, files of
another kind. A regular file or a new one is written atomically; /dev/null (a copy), a terminal or
a pipe with a reader is written straight and stays what it was; everything else is refused with a
sentence, a non-zero exit and every file as it was."""

from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path

import pytest

from game.files import FileProblem, check_writable, write_file, write_output
from tests.hostile.harness import RULES, case, guarded, make_device, make_fifo, make_loop, make_socket

SIM = ["simulate", "--scenario", "hammurabi-short", "--seed", "3"]

# kind -> (how to make it in FOLDER: returns the target path), what happens when a game is written there
TARGETS = ("null copy", "random copy", "block device", "fifo", "link to a file", "link to nothing", "link loop", "link to null copy",
           "folder", "socket", "text file", "scenario file", "empty file", "file as a folder", "link to a folder's file")
STRAIGHT = {"null copy", "link to null copy"}
REPLACED = {"empty file"}


def make(kind: str, folder: Path) -> Path:
    """A target of ``kind`` in ``folder`` (and what it points to, under folder/elsewhere)."""
    elsewhere = folder / "elsewhere"
    elsewhere.mkdir(exist_ok=True)
    target = folder / "target.json"
    if kind == "null copy":
        return make_device(target, 1, 3)
    if kind == "random copy":
        return make_device(target, 1, 8)  # writing to it would only stir the entropy pool; it is refused before it is opened
    if kind == "block device":
        return make_device(target, 7, 250, block=True)
    if kind == "fifo":
        return make_fifo(target)
    if kind == "link to a file":
        (elsewhere / "victim.txt").write_text("the user's own notes\n")
        target.symlink_to(elsewhere / "victim.txt")
    elif kind == "link to nothing":
        target.symlink_to(elsewhere / "not-yet.json")
    elif kind == "link loop":
        make_loop(target)
    elif kind == "link to null copy":
        make_device(elsewhere / "null", 1, 3)
        target.symlink_to(elsewhere / "null")
    elif kind == "folder":
        target.mkdir()
    elif kind == "socket":
        make_socket(target)
    elif kind == "text file":
        target.write_text("my essay about the NEP\n")
    elif kind == "scenario file":
        shutil.copy(RULES / "scenarios" / "hammurabi-short.toml", target)
    elif kind == "empty file":
        target.touch()
    elif kind == "file as a folder":
        (folder / "notes.txt").write_text("a file, not a folder\n")
        return folder / "notes.txt" / "target.json"
    elif kind == "link to a folder's file":
        (elsewhere / "target.json").write_text("{}\n")
        (folder / "via").symlink_to(elsewhere)
        return folder / "via" / "target.json"  # a link in the path the user named is followed; the file is not a save
    return target


def expected_words(kind: str) -> str:
    return {
        "random copy": "is a device (1:8) other than a terminal or /dev/null", "block device": "is a block device (a disk), not a file",
        "fifo": "is a named pipe (FIFO) that no program is reading from", "link to a file": "is a symbolic link (to ",
        "link to nothing": "is a symbolic link to nothing", "link loop": "the path goes round a loop of symbolic links",
        "folder": "is a folder, not a file", "socket": "is a socket, not a file", "file as a folder": "a part of the path is not a folder",
    }.get(kind, "nothing was overwritten")


@pytest.mark.parametrize("kind", TARGETS)
@pytest.mark.parametrize("option", ["--out", "--save"])
def test_simulate_writes_only_where_it_may(tmp_path: Path, kind: str, option: str) -> None:
    target = make(kind, tmp_path)
    refused = kind not in STRAIGHT | REPLACED
    may = [target] if kind in REPLACED else []
    result = case([*SIM, option, str(target)], roots=[tmp_path], refused=refused, may_change=may,
                  says=expected_words(kind) if refused else ())
    if kind in STRAIGHT:
        assert stat.S_ISCHR(os.stat(target).st_mode)  # still the device, written straight
    if kind == "empty file":
        written = json.loads(target.read_text())
        assert ("format" in written) == (option == "--save")
    if refused:
        assert "wrote " not in result.text and "saved the game" not in result.text


def test_simulate_out_dash_is_standard_output(tmp_path: Path) -> None:
    result = case([*SIM, "--out", "-"], roots=[tmp_path], refused=False)
    assert json.loads(result.out)["scenario"] == "hammurabi-short"


def test_simulate_replaces_its_own_output_and_a_save_but_not_each_other(tmp_path: Path) -> None:
    out, save = tmp_path / "run.json", tmp_path / "game.json"
    case([*SIM, "--out", str(out), "--save", str(save)], roots=[tmp_path], refused=False, may_change=[out, save])
    case([*SIM, "--out", str(out), "--save", str(save)], roots=[tmp_path], refused=False, may_change=[out, save])
    case([*SIM, "--out", str(save)], roots=[tmp_path], refused=True, says="is not the JSON output of a simulation")
    case([*SIM, "--save", str(out)], roots=[tmp_path], refused=True, says="is not a Smychka save")
    case([*SIM, "--out", str(out), "--save", str(out)], roots=[tmp_path], refused=True, says="name the same file")
    # One refused output: the other is not written either (both are checked before the game is played).
    case([*SIM, "--out", str(tmp_path / "new.json"), "--save", str(out)], roots=[tmp_path], refused=True, says="is not a Smychka save")
    assert not (tmp_path / "new.json").exists()


def test_a_pipe_with_a_reader_is_written_straight(tmp_path: Path) -> None:
    import select

    fifo = make_fifo(tmp_path / "pipe.json")
    reader = os.open(fifo, os.O_RDWR | os.O_NONBLOCK)  # a reader that is there before the game writes (and never sees the end)
    try:
        case([*SIM, "--out", str(fifo)], roots=[tmp_path], refused=False)
        got = b""
        while select.select([reader], [], [], 1.0)[0]:
            chunk = os.read(reader, 1 << 16)
            if not chunk:
                break
            got += chunk
    finally:
        os.close(reader)
    assert json.loads(got)["seed"] == 3 and stat.S_ISFIFO(os.lstat(fifo).st_mode)


@pytest.mark.parametrize("kind", ["random copy", "fifo", "link to a file", "link to nothing", "link loop", "folder", "socket", "text file",
                                  "scenario file", "file as a folder"])
def test_the_text_mode_save_writes_only_where_it_may(tmp_path: Path, kind: str) -> None:
    target = make(kind, tmp_path)
    saves = tmp_path / "saves"
    script = f"save {target}\nquit\n".encode()
    # The game goes on after a refused save (exit 0); the player is told, nothing is written.
    result = case(["play", "--text", "--scenario", "hammurabi-short", "--seed", "3", "--saves", str(saves)], roots=[tmp_path],
                  refused=False, stdin=script)
    assert "Not saved" in result.prose and "Saved to" not in result.prose


def test_the_text_mode_save_into_a_copy_of_dev_null_writes_straight(tmp_path: Path) -> None:
    target = make("null copy", tmp_path)
    result = case(["play", "--text", "--scenario", "hammurabi-short", "--saves", str(tmp_path / "saves")], roots=[tmp_path], refused=False,
                  stdin=f"save {target}\nquit\n".encode())
    assert "Saved to" in result.prose and stat.S_ISCHR(os.lstat(target).st_mode)


@pytest.mark.parametrize("kind", ["text file", "link to a file", "folder", "fifo"])
def test_schema_replaces_only_its_own_schemas(tmp_path: Path, kind: str) -> None:
    folder = tmp_path / "schema"
    folder.mkdir()
    target = make(kind, tmp_path)
    os.rename(target, folder / "policy.schema.json")
    case(["schema", "--out", str(folder)], roots=[tmp_path], refused=True, says="cannot write")
    assert sorted(p.name for p in folder.iterdir()) == ["policy.schema.json"]  # none written: all are checked first
    fresh = tmp_path / "fresh"
    case(["schema", "--out", str(fresh)], roots=[tmp_path], refused=False, may_change=[fresh])
    case(["schema", "--out", str(fresh)], roots=[tmp_path], refused=False, may_change=[fresh])  # its own: replaced


@pytest.mark.parametrize("kind", ["link to a folder", "fifo", "file"])
def test_autosaves_go_only_into_a_real_folder(tmp_path: Path, kind: str) -> None:
    saves = tmp_path / "saves"
    saves.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    if kind == "link to a folder":
        (saves / "autosave").symlink_to(elsewhere)
    elif kind == "fifo":
        make_fifo(saves / "autosave")
    else:
        (saves / "autosave").write_text("not a folder\n")
    result = case(["play", "--text", "--scenario", "hammurabi-short", "--saves", str(saves)], roots=[tmp_path], refused=False,
                  stdin=b"\n" * 12 + b"quit\n")
    assert "Autosave failed" in result.prose and not list(elsewhere.iterdir())


@pytest.mark.parametrize("kind", ["random copy", "fifo", "link to a file", "link loop", "folder", "socket"])
def test_the_settings_are_written_only_to_a_regular_file(tmp_path: Path, kind: str) -> None:
    pytest.importorskip("pygame")
    from game.ui.settings import Settings, save_settings

    target = make(kind, tmp_path)
    with guarded([tmp_path]):
        message = save_settings(Settings(ui_scale=1.5), target)
    assert message is not None and message.startswith("cannot save the settings to ")


# --- the module itself ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", TARGETS)
def test_check_writable_says_the_same_as_write_file(tmp_path: Path, kind: str) -> None:
    target = make(kind, tmp_path)
    try:
        planned = check_writable(target)
    except FileProblem as err:
        planned = f"refused: {err}"
    if kind == "fifo":  # whether a program reads from a pipe shows only when writing (a probe would end its stream)
        assert planned == "written straight"
        planned = "refused: is a named pipe (FIFO) that no program is reading from; nothing was written"
    with guarded([tmp_path], may_change=[target] if not planned.startswith("refused") else []):
        try:
            done = write_file(target, "{}\n")
        except FileProblem as err:
            done = f"refused: {err}"
    assert planned == done


def test_write_output_dash_and_a_device_copy(tmp_path: Path) -> None:
    import io

    stream = io.StringIO()
    assert write_output("-", "hello\n", stream) == "standard output" and stream.getvalue() == "hello\n"
    null = make_device(tmp_path / "null", 1, 3)
    assert write_output(null, "x" * 100_000) == "written straight" and stat.S_ISCHR(os.lstat(null).st_mode)
    full = make_device(tmp_path / "full", 1, 7)
    with pytest.raises(FileProblem, match="no space left on the device"):
        write_output(full, "x")
