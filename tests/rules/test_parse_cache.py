"""The cache of parsed rule files (game.rules.cache): used when the text is the same, never when it
is not, and never a problem a user sees, however the cache folder is damaged."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tomllib
from pathlib import Path

import pytest

from game.rules import cache
from game.rules.problems import LoadError
from game.rules.reading import parse_document
from game.rules.scenario import load_scenario
from tests.conftest import RULES, run_main


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    where = tmp_path / "cache"
    monkeypatch.setenv(cache.ENV_VAR, str(where))
    return where


@pytest.fixture
def no_parsing(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """tomllib.loads, counted: the texts it was asked to parse."""
    asked: list[str] = []
    real = tomllib.loads

    def counted(text: str, **kwargs):  # type: ignore[no-untyped-def]
        asked.append(text)
        return real(text, **kwargs)

    monkeypatch.setattr(tomllib, "loads", counted)
    return asked


def entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.json"))


TEXT = 'a = 1\nb = [1.5, -0.0, inf, -inf, "x"]\n[c]\nd = true\ne = { f = 12345678901234567890 }\n'
EXPECTED = tomllib.loads(TEXT)


def test_a_text_parsed_once_is_read_from_the_cache_after_with_the_same_data(folder: Path, no_parsing: list[str]) -> None:
    first = parse_document("a.toml", TEXT, [])
    assert first is not None and len(no_parsing) == 1 and len(entries(folder)) == 1
    again = parse_document("a.toml", TEXT, [])
    assert again is not None and len(no_parsing) == 1  # not parsed again
    assert again.data == first.data == EXPECTED
    assert repr(again.data) == repr(first.data)  # the signs of zeros, ints and floats kept apart
    assert again.data is not first.data  # each reader gets data of its own to change
    assert parse_document("a.toml", TEXT + "g = 2\n", []) is not None and len(no_parsing) == 2  # another text: parsed


def test_a_scenario_loads_the_same_from_the_cache(folder: Path, no_parsing: list[str]) -> None:
    cold = load_scenario("nep-1923-1930", RULES)
    parsed = len(no_parsing)
    assert parsed >= 10 and len(entries(folder)) == 2 * parsed  # what each file parsed to, and validated to
    warm = load_scenario("nep-1923-1930", RULES)
    assert len(no_parsing) == parsed
    assert warm.content_hash == cold.content_hash and warm.initial == cold.initial and warm.history == cold.history
    assert warm.ruleset.variables == cold.ruleset.variables and warm.ruleset.order == cold.ruleset.order
    assert [f.source for f in warm.formulas.values()] == [f.source for f in cold.formulas.values()]


def test_an_edited_file_is_parsed_again_and_its_errors_are_found(folder: Path, tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(RULES / "base", rules / "base")
    shutil.copytree(RULES / "scenarios", rules / "scenarios")
    load_scenario("scissors-1923", rules)
    market = rules / "base" / "market.toml"
    market.write_text(market.read_text(encoding="utf-8") + "\n[variables.broken\n", encoding="utf-8")
    with pytest.raises(LoadError, match="TOML syntax error"):
        load_scenario("scissors-1923", rules)


def damage(entry: Path, how: str) -> None:
    raw = entry.read_bytes()
    head, _, body = raw.partition(b"\n")
    if how == "truncated":
        entry.write_bytes(raw[: len(raw) // 2])
    elif how == "garbage":
        entry.write_bytes(b"\x00\xff not json at all")
    elif how == "empty":
        entry.write_bytes(b"")
    elif how == "changed body":  # the digest in the head no longer fits
        entry.write_bytes(head + b"\n" + body.replace(b"1", b"2"))
    elif how == "other version":
        meta = json.loads(head)
        entry.write_bytes(json.dumps({**meta, "version": meta["version"] + 1}).encode() + b"\n" + body)
    elif how == "a folder":
        entry.unlink()
        entry.mkdir()
    elif how == "a link to nothing":
        entry.unlink()
        entry.symlink_to(entry.parent / "nowhere")
    elif how == "a fifo":
        entry.unlink()
        os.mkfifo(entry)
    elif how == "unreadable":
        entry.chmod(0)
    elif how == "huge":
        with entry.open("ab") as handle:
            handle.truncate(cache.MAX_ENTRY_BYTES + 1)


@pytest.mark.parametrize("how", ["truncated", "garbage", "empty", "changed body", "other version", "a folder", "a link to nothing",
                                 "a fifo", "unreadable", "huge"])
def test_a_damaged_entry_is_ignored_and_the_file_parsed(folder: Path, no_parsing: list[str], how: str) -> None:
    parse_document("a.toml", TEXT, [])
    [entry] = entries(folder) or [folder / "x"]
    damage(entry, how)
    doc = parse_document("a.toml", TEXT, [])
    assert doc is not None and doc.data == EXPECTED
    assert len(no_parsing) == 2 or (how == "unreadable" and os.geteuid() == 0)  # (root reads a file it may not)


def test_an_entry_holding_what_toml_cannot_is_ignored(folder: Path, no_parsing: list[str]) -> None:
    parse_document("a.toml", TEXT, [])
    [entry] = entries(folder)
    head = json.loads(entry.read_bytes().partition(b"\n")[0])
    for body in (b'{"a":null}', b'{"a":[1,NaN]}', b'[1,2]'):
        entry.write_bytes(json.dumps({**head, "body": hashlib.sha256(body).hexdigest()}).encode() + b"\n" + body)
        doc = parse_document("a.toml", TEXT, [])
        assert doc is not None and doc.data == EXPECTED
    assert len(no_parsing) == 4


def test_a_cache_folder_that_cannot_be_used_is_no_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv(cache.ENV_VAR, str(blocked / "cache"))
    assert parse_document("a.toml", TEXT, []) is not None
    status, out = run_main("check", str(RULES / "scenarios" / "scissors-1923.toml"))
    assert status == 0 and "0 error(s)" in out
    assert blocked.read_text() == "not a folder"


def test_entries_are_written_whole_without_waiting_for_the_disk(folder: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """An entry is written atomically (a temporary file renamed: never half of one in its name) but
    not flushed to the disk, which can take a second on a busy one: one lost or torn by a crash
    of the system is noticed (the damaged entries above) and costs a slower run. A save, say,
    still waits for the disk."""
    from game.files import write_file

    synced: list[int] = []
    real = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(fd), real(fd))[1])
    renamed: list[str] = []
    real_replace = os.replace
    monkeypatch.setattr(os, "replace", lambda a, b: (renamed.append(str(b)), real_replace(a, b))[1])
    assert parse_document("a.toml", TEXT, []) is not None
    [entry] = entries(folder)
    assert renamed == [str(entry)] and not synced
    assert not [p for p in folder.iterdir() if p.suffix == ".tmp"]
    write_file(tmp_path / "a-save.json", "{}")
    assert len(synced) == 2  # the file, then its folder


def test_off_means_nothing_is_read_or_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_parsing: list[str]) -> None:
    monkeypatch.setenv(cache.ENV_VAR, "off")
    assert cache.cache_folder() is None
    parse_document("a.toml", TEXT, [])
    parse_document("a.toml", TEXT, [])
    assert len(no_parsing) == 2


def test_the_oldest_entries_go_past_the_limit(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "MAX_ENTRIES", 6)
    for k in range(7):
        parse_document("a.toml", f"a = {k}\n", [])
    assert len(entries(folder)) == 3
    # The default is the user cache folder, never a folder of the project.
    monkeypatch.delenv(cache.ENV_VAR)
    found = cache.cache_folder()
    assert found is not None and found.name == "parsed" and "smychka" in found.parts and RULES.parent not in found.parents


# --- validated models ---------------------------------------------------------------------------


def same_models(a: object, b: object) -> bool:
    """Equal, and every model within made of the same fields set (what validation records)."""
    from pydantic import BaseModel

    from game.rules.record import Record

    if isinstance(a, (BaseModel, Record)):
        return (type(a) is type(b) and a.model_fields_set == b.model_fields_set  # type: ignore[attr-defined]
                and a.__pydantic_extra__ == b.__pydantic_extra__  # type: ignore[attr-defined]
                and all(same_models(getattr(a, f), getattr(b, f)) for f in type(a).model_fields))
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(same_models(x, y) for x, y in zip(a, b))  # type: ignore[arg-type]
    if isinstance(a, dict):
        return type(b) is dict and list(a) == list(b) and all(same_models(v, b[k]) for k, v in a.items())
    return type(a) is type(b) and (a == b or a != a)


@pytest.fixture
def validations(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The models pydantic, or the validation that spares valid data its import
    (game.rules.quick), was asked to validate, by name."""
    from pydantic import BaseModel

    from game.rules import quick

    asked: list[str] = []
    real = BaseModel.model_validate.__func__  # type: ignore[attr-defined]
    real_quick = quick.validate

    def counted(cls, *args, **kwargs):  # type: ignore[no-untyped-def]
        asked.append(cls.__name__)
        return real(cls, *args, **kwargs)

    def counted_quick(model, data):  # type: ignore[no-untyped-def]
        asked.append(model.__name__)
        return real_quick(model, data)

    monkeypatch.setattr(BaseModel, "model_validate", classmethod(counted))
    monkeypatch.setattr(quick, "validate", counted_quick)
    return asked


@pytest.mark.parametrize("place", ["base", "hammurabi", "mods/long-memory", "mods/reading-left"])
def test_a_rule_set_validated_once_is_rebuilt_the_same_without_validating(folder: Path, validations: list[str], place: str) -> None:
    from game.rules.ruleset import load_ruleset

    cold = load_ruleset(RULES / place)
    assert "RuleFile" in validations
    validations.clear()
    warm = load_ruleset(RULES / place)
    assert validations == []
    assert warm == cold and warm.content_hash == cold.content_hash
    for table in ("works", "mechanisms", "parameters", "levers", "variables", "draws", "events", "endings", "invariants", "classes", "terms"):
        assert same_models(dict(getattr(warm, table)), dict(getattr(cold, table))), table
    assert same_models(warm.indicators, cold.indicators) and same_models(warm.verdicts, cold.verdicts)
    assert warm.story == cold.story and warm.order == cold.order and warm.depends_on == cold.depends_on


@pytest.mark.parametrize("ident", ["nep-1923-1930", "class-procurement-crisis", "hammurabi-reign"])
def test_a_scenario_validated_once_is_rebuilt_the_same(folder: Path, validations: list[str], ident: str) -> None:
    from game.rules.models import ScenarioFile
    from game.rules.reading import read_model
    from game.rules.scenario import scenario_path

    path = scenario_path(ident, RULES)
    _, cold = read_model(path, ScenarioFile, [], versioned="scenario")
    validations.clear()
    _, warm = read_model(path, ScenarioFile, [], versioned="scenario")
    assert validations == [] and same_models(warm, cold)
    assert load_scenario(ident, RULES) == load_scenario(ident, RULES)


def test_check_says_the_same_with_the_cache_and_without(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    lever = rules / "base" / "levers.toml"
    lever.write_text(lever.read_text(encoding="utf-8").replace("max = ", "max = -", 1), encoding="utf-8")  # a broken lever
    said = {}
    for how in ("off", str(tmp_path / "cache"), str(tmp_path / "cache")):
        monkeypatch.setenv(cache.ENV_VAR, how)
        said.setdefault(how, []).append(run_main("check", str(rules), cwd=tmp_path))
    off, (cold, warm) = said["off"][0], said[str(tmp_path / "cache")]
    assert off[0] == cold[0] == warm[0] == 1 and "error" in off[1]
    assert off == cold == warm


@pytest.mark.parametrize("how", ["unknown class", "not a model", "wrong field", "tuple for a model"])
def test_a_validated_entry_that_does_not_fit_is_ignored(folder: Path, validations: list[str], how: str) -> None:
    from game.rules.ruleset import load_ruleset

    cold = load_ruleset(RULES / "hammurabi")
    for entry in entries(folder):
        head, _, body = entry.read_bytes().partition(b"\n")
        meta = json.loads(head)
        if meta["format"] != cache.VALIDATED:
            continue
        changed = {"unknown class": body.replace(b'"$m":"RuleFile"', b'"$m":"Evil"'),
                   "not a model": b'{"$t":[1,2]}',
                   "wrong field": body.replace(b'"$m":"RuleFile","f":{', b'"$m":"RuleFile","f":{"no_such_field":1,', 1),
                   "tuple for a model": b'[1]'}[how]
        entry.write_bytes(json.dumps({**meta, "body": hashlib.sha256(changed).hexdigest()}).encode() + b"\n" + changed)
    validations.clear()
    assert load_ruleset(RULES / "hammurabi") == cold
    if how != "wrong field":  # (an unknown field is set aside by the rebuild: the entry is still whole)
        assert "RuleFile" in validations


def test_a_warm_load_decodes_the_parsed_data_of_the_manifest_alone(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A rule file whose validated model is kept is read without decoding what it parsed to (only
    the manifest's format version is read from its data)."""
    from game.rules.ruleset import load_ruleset

    cold = load_ruleset(RULES / "base")
    decoded: list[str] = []
    real = cache.parsed_later

    def counted(text: str):  # type: ignore[no-untyped-def]
        later = real(text)
        if later is None:
            return None

        def decode():  # type: ignore[no-untyped-def]
            decoded.append(text)
            return later()

        return decode

    monkeypatch.setattr(cache, "parsed_later", counted)
    assert load_ruleset(RULES / "base") == cold
    assert len(decoded) == 1 and "[ruleset]" in decoded[0]


def test_an_entry_that_lies_about_a_text_gives_no_traceback(folder: Path) -> None:
    """An entry for a text TOML cannot parse, holding what TOML cannot give: no data, no error."""
    broken = "a = [1,\n"
    head_of = json.dumps
    body = b"[1,2]"
    key = cache._key(broken)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / (key + cache.ENTRY_SUFFIX)).write_bytes(
        head_of({"format": cache.FORMAT, "version": cache.VERSION, "key": key, "body": hashlib.sha256(body).hexdigest()}).encode() + b"\n" + body)
    doc = parse_document("a.toml", broken, [])
    assert doc is not None and doc.data == {}
