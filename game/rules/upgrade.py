"""Rule format versions: reading a file written in an older format, and rewriting it.

Format 2 (this game's) says in generic words what format 1 said in one game's: an ending's
``alliance = "holds" | "breaks"`` is its ``outcome = "good" | "bad"`` (and the manifest's
``[ruleset.verdicts]`` words ``good`` and ``bad``); a glossary term's or a class's ``russian`` and
``transliteration`` are its ``original`` and ``romanized`` name.

An older file still loads: :func:`upgrade_data` renames its keys in memory, step by step, and the
loader says so in a note (``main.py upgrade PATH`` rewrites the files). Each renamed key keeps its
place in the file, so a problem in it is still located where the old key stands
(:attr:`Upgraded.aliases`). :func:`upgrade_text` makes the same change to a file's text with
tomlkit, which keeps its comments and layout.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, MutableMapping
from pathlib import Path as FsPath
from typing import Any

from game.lazydata import dataclass, field
from game.rules.locate import Path
from game.rules.problems import Problem

FORMAT_VERSION = 2
OLDEST_FORMAT = 1


@dataclass(frozen=True)
class Rename:
    """A key renamed by an upgrade step (and, for a word, its value translated)."""

    old: str
    new: str
    values: tuple[tuple[str, str], ...] = ()  # old value -> new value (other values stay as written)

    def value(self, found: Any) -> Any:
        return dict(self.values).get(found, found) if isinstance(found, str) else found


_OUTCOME = Rename("alliance", "outcome", (("holds", "good"), ("breaks", "bad")))
_ORIGINAL = Rename("russian", "original")
_ROMANIZED = Rename("transliteration", "romanized")
_GOOD = Rename("holds", "good")
_BAD = Rename("breaks", "bad")

# Format 1 -> 2: where each rename applies, as paths with "*" for any id. A mod's overrides take the
# same fields as the entries they change.
STEP_1_TO_2: tuple[tuple[Path, tuple[Rename, ...]], ...] = (
    (("endings", "*"), (_OUTCOME,)),
    (("override", "endings", "*"), (_OUTCOME,)),
    (("terms", "*"), (_ORIGINAL, _ROMANIZED)),
    (("override", "terms", "*"), (_ORIGINAL, _ROMANIZED)),
    (("classes", "*"), (_ORIGINAL, _ROMANIZED)),
    (("override", "classes", "*"), (_ORIGINAL, _ROMANIZED)),
    (("ruleset", "verdicts"), (_GOOD, _BAD)),
)
STEPS = {1: STEP_1_TO_2}

# What a format-2 file that still uses a format-1 key is told (the key -> its new name).
OLD_KEYS = {rename.old: rename.new for _, renames in STEP_1_TO_2 for rename in renames}
OLD_WORDS = {old: new for _, renames in STEP_1_TO_2 for rename in renames for old, new in rename.values}

WHAT_CHANGED = ("an ending's alliance = \"holds\"/\"breaks\" is now outcome = \"good\"/\"bad\" (and the verdicts' "
                "holds/breaks are good/bad); russian and transliteration are now original and romanized")


@dataclass
class Upgraded:
    """What upgrading one file's data did: the keys renamed (new path -> the key as written)."""

    aliases: dict[Path, str] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.aliases)


def _tables(node: Any, pattern: Path, at: Path = ()) -> Iterator[tuple[Path, MutableMapping[str, Any]]]:
    """The tables at ``pattern`` ("*": any key) inside ``node``, with their paths."""
    if not isinstance(node, MutableMapping):
        return
    if not pattern:
        yield at, node
        return
    head, rest = pattern[0], pattern[1:]
    keys = list(node) if head == "*" else [head] if head in node else []
    for key in keys:
        yield from _tables(node[key], rest, (*at, key))


def _renames(version: int) -> Iterator[tuple[Path, tuple[Rename, ...]]]:
    for step in range(version, FORMAT_VERSION):
        yield from STEPS[step]


def upgrade_data(data: MutableMapping[str, Any], version: int) -> Upgraded:
    """Rename, in place, the keys of one file's parsed ``data`` written in format ``version`` to
    this game's format. A key whose new name is already given stays (the check says it is unknown)."""
    done = Upgraded()
    for pattern, renames in _renames(version):
        for path, table in _tables(data, pattern):
            _rename(table, path, renames, done)
    return done


def _rename(table: MutableMapping[str, Any], path: Path, renames: tuple[Rename, ...], done: Upgraded) -> None:
    for rename in renames:
        if rename.old in table and rename.new not in table:
            # Rebuild the table in its order: the key keeps its place among the others.
            items = [(rename.new if k == rename.old else k, rename.value(v) if k == rename.old else v) for k, v in table.items()]
            table.clear()
            table.update(items)
            done.aliases[(*path, rename.new)] = rename.old


def upgrade_text(text: str, version: int) -> str:
    """The TOML ``text`` of a file written in format ``version``, rewritten in this game's format
    with its comments and layout kept (tomlkit). Raises ValueError when the text is not TOML."""
    import tomlkit  # (only to rewrite a file: not on the way to loading one)
    import tomlkit.exceptions

    try:
        document = tomlkit.parse(text)
    except (tomlkit.exceptions.TOMLKitError, RecursionError) as err:
        raise ValueError(f"not TOML tomlkit can read: {err}") from None
    for pattern, renames in _renames(version):
        for _path, table in _tables(document, pattern):
            for rename in renames:
                if rename.old in table and rename.new not in table:
                    _rename_item(table, rename)
    manifest = document.get("ruleset")
    if isinstance(manifest, MutableMapping) and "format_version" in manifest:
        manifest["format_version"] = FORMAT_VERSION
    scenario = document.get("scenario")
    if isinstance(scenario, MutableMapping):
        scenario["format_version"] = FORMAT_VERSION
    return tomlkit.dumps(document)


def _rename_item(table: Any, rename: Rename) -> None:
    """Rename a key of a tomlkit table (or inline table) in place, keeping its place, its layout
    and its comment; translate its value when the step says so."""
    import tomlkit
    import tomlkit.items

    container = table.value if isinstance(table, (tomlkit.items.Table, tomlkit.items.InlineTable)) else table
    item = container.item(rename.old)
    if not isinstance(item, tomlkit.items.Item):  # (a table split in pieces: never a key renamed here)
        return
    new_value = rename.value(item.unwrap())
    if new_value != item.unwrap():
        replacement = tomlkit.item(new_value)
        replacement.trivia.indent, replacement.trivia.comment_ws = item.trivia.indent, item.trivia.comment_ws
        replacement.trivia.comment, replacement.trivia.trail = item.trivia.comment, item.trivia.trail
        item = replacement
    container._replace(rename.old, rename.new, item)  # (tomlkit has no public rename that keeps the place)


# --- rewriting files: `main.py upgrade PATH` ------------------------------------------------------


@dataclass
class Rewrite:
    """One file of an upgrade: its path, its text as read, and its text in the current format."""

    path: FsPath
    old: str
    new: str


@dataclass
class Plan:
    """What upgrading a rule set, mod or scenario would write (nothing is written yet), or the
    problems that stop it."""

    what: str                      # "rule set 'x'", "scenario 'y'"
    version: int | None = None     # the format it is written in (None: nothing to upgrade)
    rewrites: list[Rewrite] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def plan_upgrade(place: FsPath) -> Plan:
    """Read the rule set or mod folder, or the scenario file, at ``place`` and work out its files
    in the current format. Every file must read cleanly, and each rewritten text must read back
    as exactly the data the loader makes of the old one (with tomlkit keeping comments and
    layout); otherwise nothing is to be written and the problems say why."""
    from game.rules.mods import MANIFEST_FILE, is_zip, rule_files
    from game.rules.reading import display_name, read_document

    name = display_name(place)
    if is_zip(place):
        return Plan(f"mod archive {name}", problems=[Problem(name, 1, 1, "a mod archive (.zip) is not rewritten: unpack it, "
                                                                          "upgrade the folder, and pack it again")])
    if place.is_dir():
        plan = Plan(f"rule set {name}")
        files = rule_files(place, plan.problems)
        docs = [(path, read_document(path, plan.problems)) for path in files or ()]
        manifest = next((doc for path, doc in docs if path.name == MANIFEST_FILE and doc is not None), None)
        table = manifest.data.get("ruleset") if manifest is not None else None
        if files is not None and not isinstance(table, dict):
            plan.problems.append(Problem(f"{name}/{MANIFEST_FILE}", 1, 1, "no [ruleset] manifest: not a rule set or mod to upgrade"))
        version = table.get("format_version") if isinstance(table, dict) else None
    else:
        plan = Plan(f"scenario {name}")
        doc = read_document(place, plan.problems)
        docs = [(place, doc)]
        table = doc.data.get("scenario") if doc is not None else None
        if doc is not None and not isinstance(table, dict):
            plan.problems.append(Problem(name, 1, 1, "not a rule set folder or a scenario file ([scenario] table): nothing to upgrade"))
        version = table.get("format_version") if isinstance(table, dict) else None
        if doc is not None and version is None:  # no version: the current format, unless it uses an older one's keys
            version = OLDEST_FORMAT if upgrade_data(copy.deepcopy(doc.data), OLDEST_FORMAT).changed else FORMAT_VERSION
    if plan.problems or any(doc is None for _, doc in docs):
        return plan
    at = f"{name}/{MANIFEST_FILE}" if place.is_dir() else name
    if type(version) is not int or not OLDEST_FORMAT <= version <= FORMAT_VERSION:
        plan.problems.append(Problem(at, 1, 1, f"format_version {version!r} is not one this game reads ({OLDEST_FORMAT} to {FORMAT_VERSION})"))
        return plan
    if version == FORMAT_VERSION:
        return plan  # already in the current format
    plan.version = version
    import tomllib

    for path, doc in docs:
        assert doc is not None
        try:
            new = upgrade_text(doc.text, version)
            expected = copy.deepcopy(doc.data)
            upgrade_data(expected, version)
            for key in ("ruleset", "scenario"):
                if isinstance(expected.get(key), dict) and (key == "scenario" or "format_version" in expected[key]):
                    expected[key]["format_version"] = FORMAT_VERSION
            same = tomllib.loads(new) == expected
        except (ValueError, RecursionError) as err:  # (tomllib's errors are ValueErrors)
            plan.problems.append(Problem(doc.file, 1, 1, f"cannot be rewritten: {err}; nothing was written"))
            continue
        if not same:
            plan.problems.append(Problem(doc.file, 1, 1, "the rewritten file would not read back as the same rules; nothing was "
                                                         "written (please report this file)"))
        elif new != doc.text:
            plan.rewrites.append(Rewrite(path, doc.text, new))
    return plan
