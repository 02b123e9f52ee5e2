"""Class 5: paths and names the system or the locale refuse; standard streams that fail.

Names over the file system's limits (a component, a whole path), a NUL, names that are not UTF-8
(in arguments, typed in the text mode, on disk), a loop of links, a file where a folder should be,
another user's home folder, a player's name too long or with controls; LANG=C and ASCII-only
terminals; standard output closed or on a full disk; a working folder that was deleted. Each gets a
sentence — never "internal error" — and nothing else changes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.hostile.harness import ROOT, assert_clean, case, guarded, make_device, make_loop, run_process

LONG = "a" * 300
LONG_PATH = "d/" * 2100 + "x.json"  # over PATH_MAX (4,096 bytes)
SIM = ["simulate", "--scenario", "hammurabi-short", "--seed", "3"]

NAMED = {
    "--load": lambda p: ["play", "--text", "--load", p],
    "--out": lambda p: [*SIM, "--out", p],
    "--save": lambda p: [*SIM, "--save", p],
    "--scenario": lambda p: ["play", "--text", "--scenario", p],
    "--policy": lambda p: [*SIM, "--policy", p],
    "check": lambda p: ["check", p],
    "replay": lambda p: ["replay", p],
    "schema --out": lambda p: ["schema", "--out", p],
}
NAMES = {
    "long name": (f"{LONG}.json", "the name is too long for the file system"),
    "long folder": (f"{LONG}/x.json", "the name is too long for the file system"),
    "long path": (LONG_PATH, "the name is too long for the file system"),
    "not UTF-8": ("caf\udce9.json", "caf\\xe9.json"),
    "file as a folder": ("notes.txt/x.json", "a part of the path is not a folder"),
    "link loop": ("loop.json", "the path goes round a loop of symbolic links"),
}


@pytest.mark.parametrize("name", sorted(NAMES))
@pytest.mark.parametrize("where", sorted(NAMED))
def test_odd_names_in_arguments(tmp_path: Path, where: str, name: str) -> None:
    (tmp_path / "notes.txt").write_text("a file\n")
    make_loop(tmp_path / "loop.json")
    make_loop(tmp_path / "loop.toml")
    path, says = NAMES[name]
    if where == "--scenario" and name in ("long name", "not UTF-8", "link loop"):
        path, says = path.replace(".json", ".toml"), says.replace(".json", ".toml")
    if where in ("--out", "--save", "schema --out") and name == "not UTF-8":
        says = "not valid UTF-8 text"  # a file the game would create
    if where in ("--load", "--scenario", "--policy", "check", "replay") and name in ("long folder", "long path") :
        says = "too long"  # (the system says so for the folder or the file)
    if where == "--scenario" and name == "long path":
        says = "cannot read the file"
    if where == "schema --out" and name in ("long name", "link loop"):
        says = "cannot write"
    case(NAMED[where](path), roots=[tmp_path], refused=True, says=says, cwd=tmp_path)


@pytest.mark.parametrize(("typed", "says"), [
    (b"save a\x00b.json", "the name contains a NUL character"),
    (b"save ./~\x00x/y.json", "the name contains a NUL character"),  # ~ plus NUL: the user lookup refuses it
    (b"save ~\x00/y.json", "the name contains a NUL character"),
    (b"save caf\xe9.json", "not valid UTF-8 text"),
    (b"save " + b"n" * 300 + b".json", "the name is too long for the file system"),
    (b"save ~no-such-user-here/x.json", "the home folder of a user this machine does not know"),
    (b"save notes.txt/x.json", "a part of the path is not a folder"),
    (b"save loop.json", "the path goes round a loop of symbolic links"),
    (b"\xff\xfe", "'\\xff\\xfe' is not a value for this lever"),
    (b"why \x1b[2J\xff", "No number called '\\x1b[2J\\xff'"),
])
def test_odd_names_typed_in_the_text_mode(tmp_path: Path, typed: bytes, says: str) -> None:
    (tmp_path / "notes.txt").write_text("a file\n")
    make_loop(tmp_path / "loop.json")
    result = case(["play", "--text", "--scenario", "hammurabi-short", "--saves", str(tmp_path / "saves")], roots=[tmp_path], refused=False,
                  stdin=typed + b"\nquit\n", cwd=tmp_path, says=says)
    assert "Saved to" not in result.prose


@pytest.mark.parametrize(("player", "says"), [
    ("p" * 201, "a player's name is at most 200 characters; this one has 201"),
    ("p" * 10_000, "this one has 10,000"),
    ("\x1b[2J", "without control characters"),
    ("tab\tname", "without control characters"),
    ("caf\udce9", "valid UTF-8"),
])
def test_a_player_name_the_saves_could_not_hold(tmp_path: Path, player: str, says: str) -> None:
    case(["play", "--text", "--player", player, "--saves", str(tmp_path)], roots=[tmp_path], refused=True, says=says)


def test_a_player_name_of_200_characters_plays_and_autosaves(tmp_path: Path) -> None:
    result = case(["play", "--text", "--scenario", "hammurabi-short", "--player", "П" * 200, "--saves", str(tmp_path)], roots=[tmp_path],
                  refused=False, stdin=b"\n" * 10 + b"quit\n", may_change=[tmp_path / "autosave"])
    assert "(Autosaved as " in result.prose


@pytest.mark.parametrize("kind", ["link loop", "file", "long name"])
def test_a_saves_folder_that_cannot_hold_autosaves(tmp_path: Path, kind: str) -> None:
    target = tmp_path / ("a" * 300 if kind == "long name" else "saves")
    if kind == "link loop":
        make_loop(target)
    elif kind == "file":
        target.write_text("not a folder\n")
    result = case(["play", "--text", "--scenario", "hammurabi-short", "--saves", str(target)], roots=[tmp_path], refused=False,
                  stdin=b"\n" * 10 + b"quit\n")
    assert "(Autosave failed: " in result.prose and "Your game goes on" in result.prose


# --- in processes of their own: bytes in arguments, locales, standard output ------------------------


@pytest.mark.slow
@pytest.mark.parametrize("args", [
    [b"check", b"\xff\xfe.toml"],
    [b"replay", b"caf\xe9.json"],
    [b"simulate", b"--scenario", b"hammurabi-short", b"--out", b"caf\xe9.json"],
    [b"play", b"--text", b"--scenario", b"\xff"],
    [b"play", b"--text", b"--player", b"Ren\xe9"],
])
def test_bytes_that_are_not_utf8_in_arguments(tmp_path: Path, args: list[bytes]) -> None:
    with guarded([tmp_path]):
        result = run_process(args, cwd=tmp_path)
    assert_clean(result, refused=True)
    assert "\\x" in result.text  # the bytes, shown as what they are


@pytest.mark.slow
@pytest.mark.parametrize("env", [{"LANG": "C", "LC_ALL": "C"}, {"PYTHONIOENCODING": "ascii"}, {"LC_ALL": "POSIX", "PYTHONUTF8": "0"},
                                 {"PYTHONIOENCODING": "latin-1"}])
def test_locales_and_ascii_terminals(tmp_path: Path, env: dict[str, str]) -> None:
    with guarded([tmp_path], may_change=[tmp_path / "saves"]):
        text = run_process(["play", "--text", "--scenario", "scissors-1923", "--saves", str(tmp_path / "saves")], stdin=b"\n\n\nquit\n",
                           env=env, cwd=tmp_path)
        compare = run_process(["simulate", "--scenario", "nep-1923-1930", "--policy", "history", "--compare"], env=env, cwd=tmp_path)
    assert_clean(text, refused=False)
    assert_clean(compare, refused=False)
    assert "Leaving the game" in text.out and "Scissors" in compare.out


@pytest.mark.slow
def test_standard_output_closed(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), "check"], stderr=subprocess.PIPE, cwd=tmp_path, timeout=120,
                          preexec_fn=lambda: os.close(1), check=False)
    err = done.stderr.decode()
    assert done.returncode == 0 and "standard output is closed" in err and "Traceback" not in err


@pytest.mark.slow
@pytest.mark.parametrize("args", [["check"], ["simulate", "--scenario", "nep-1923-1930"], ["play", "--text", "--scenario", "hammurabi-short"]])
def test_standard_output_on_a_full_disk(tmp_path: Path, args: list[str]) -> None:
    full = make_device(tmp_path / "full", 1, 7)  # our own copy of /dev/full
    with open(full, "wb") as sink, guarded([tmp_path]):
        done = subprocess.run([sys.executable, str(ROOT / "main.py"), *args, "--saves", str(tmp_path / "s")] if args[0] == "play"
                              else [sys.executable, str(ROOT / "main.py"), *args], stdout=sink, stderr=subprocess.PIPE, input=b"quit\n",
                              cwd=tmp_path, timeout=120, check=False)
    err = done.stderr.decode()
    assert done.returncode == 74 and "no space left on the device" in err and "Traceback" not in err, err


@pytest.mark.slow
def test_standard_output_whose_reader_stops(tmp_path: Path) -> None:
    proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "simulate", "--scenario", "nep-1923-1930"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, cwd=tmp_path)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.read(10)
    proc.stdout.close()  # as `| head -c 10` does
    err = proc.stderr.read().decode()
    assert proc.wait(120) == 0 and "Traceback" not in err and "Exception ignored" not in err, err


@pytest.mark.slow
def test_a_working_folder_that_was_deleted(tmp_path: Path) -> None:
    gone = tmp_path / "gone"
    gone.mkdir()
    done = subprocess.run(["/bin/sh", "-c", f'cd "{gone}" && rmdir "{gone}" && exec "{sys.executable}" "{ROOT / "main.py"}" check x.toml'],
                          capture_output=True, timeout=120, check=False)
    text = (done.stdout + done.stderr).decode()
    assert done.returncode == 1 and "x.toml:1:1: error: file not found" in text and "Traceback" not in text, text
