"""Reading one TOML file into validated models, with every problem located.

Missing and unreadable files, bad encodings and TOML syntax errors become :class:`Problem` s;
pydantic's errors are translated into the project's words (what was expected, what was found,
"did you mean"), and placed at the line and column of the offending key or value.
"""

from __future__ import annotations

import datetime
import errno
import functools
import os
import re
import types
import typing
from collections.abc import Callable
from pathlib import Path as FsPath
from typing import Any, TypeVar

from game.files import FileProblem, NotUtf8, decode_utf8, read_file
from game.formula import did_you_mean
from game.lazydata import dataclass, field
from game.rules import cache
from game.rules.locate import Locations, Path, find_duplicate, locate
from game.rules.problems import Problem
from game.rules.record import Record
from game.rules.upgrade import FORMAT_VERSION, OLD_KEYS, OLD_WORDS, OLDEST_FORMAT, WHAT_CHANGED, upgrade_data

if typing.TYPE_CHECKING:
    from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=Record)

MAX_FILE_BYTES = 4 * 1024 * 1024


@dataclass
class Document:
    """A parsed TOML file: its name for messages, its data, and the positions of its keys —
    worked out only when a problem needs placing (a valid file never pays for them)."""

    file: str
    data: dict[str, Any]
    text: str
    aliases: dict[Path, str] = field(default_factory=dict)  # keys an upgrade renamed: new path -> the key as written

    @functools.cached_property
    def locations(self) -> Locations:
        found = locate(self.text)
        for new, old in self.aliases.items():  # a renamed key is found where it is written
            written = (*new[:-1], old)
            for path, position in list(found.positions.items()):
                if path[: len(written)] == written:
                    found.positions[(*new, *path[len(written):])] = position
        return found

    def upgrade(self, version: int) -> bool:
        """Read this file, written in rule format ``version``, as the current format: its keys
        are renamed in memory and found where they are written. True if any key was renamed."""
        renamed = upgrade_data(self.data, version).aliases
        self.aliases.update(renamed)
        return bool(renamed)

    def upgrade_note(self, version: int, at: Path, what: str) -> Problem:
        """The note that ``what`` ("this rule set") is read from an older format."""
        return self.problem(at, f"{what} is written in rule format {version}, read as format {FORMAT_VERSION} ({WHAT_CHANGED}); "
                                "`main.py upgrade PATH` rewrites it", value=True, severity="note")

    def problem(self, path: Path, message: str, *, value: bool = False, severity: str = "error") -> Problem:
        line, col = self.locations.find(path, value=value)
        return Problem(self.file, line, col, f"{key_path(path)}: {message}" if path else message, severity)  # type: ignore[arg-type]


class _KeptDocument(Document):
    """A document whose text was parsed before: its data is decoded from the rules cache's entry
    when first asked for (a rule file whose validated model is kept too is read without it)."""

    def __init__(self, file: str, text: str, decode: Callable[[], dict[str, Any] | None]) -> None:
        super().__init__(file, {}, text)
        del self.__dict__["data"]
        self._decode = decode

    @functools.cached_property
    def data(self) -> dict[str, Any]:  # type: ignore[override]
        found = self._decode()
        if found is None:  # the entry holds what TOML cannot give: the text is parsed after all
            import tomllib

            try:
                found = tomllib.loads(self.text)
            except (ValueError, RecursionError):  # (the entry said it parsed: it lied)
                found = {}
        return found


def display_name(path: FsPath) -> str:
    """The file's name as messages show it: relative to the working directory when inside it."""
    try:  # (links are not followed: a message names the path the user gave, not where it leads)
        return str(FsPath(os.path.normpath(os.path.abspath(path))).relative_to(FsPath.cwd()))
    except (ValueError, OSError):  # outside it; or a NUL, no working directory
        return str(path)


def read_document(path: FsPath, problems: list[Problem]) -> Document | None:
    """Read and parse ``path``; on failure add a located problem and return None. Only a regular
    file of at most :data:`MAX_FILE_BYTES` is read (see :func:`game.files.read_file`)."""
    name = display_name(path)
    try:
        raw = read_file(path, MAX_FILE_BYTES, TOML_FILE)
    except FileProblem as err:
        problems.append(Problem(name, 1, 1, _read_problem(err)))
        return None
    try:
        text = decode_utf8(raw)  # a byte-order mark (Windows editors write one) is not part of the text
    except NotUtf8 as err:
        problems.append(Problem(name, err.line, err.col, f"not UTF-8 text (byte 0x{err.byte:02x}): TOML files must be saved as UTF-8"))
        return None
    return parse_document(name, text, problems)


TOML_FILE = "a rule, scenario or policy file"


def _read_problem(err: FileProblem) -> str:
    """A file that could not be read, in the words every rule file's problems use."""
    if err.errno == errno.EISDIR:
        return "is a folder, expected a .toml file"
    if err.errno in (errno.ENOENT, errno.EFBIG, errno.EINVAL):
        return err.reason  # not found (or a link to nothing), its size and the limit, or what kind of thing it is
    return f"cannot read the file: {err.reason}"


_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
_TOML_END = re.compile(r"\s*\(at end of document\)$")


def parse_document(name: str, text: str, problems: list[Problem]) -> Document | None:
    """Parse TOML ``text``; a syntax error becomes a located problem. A text parsed before (in
    this run or an earlier one) is not parsed again: :mod:`game.rules.cache`."""
    known = cache.parsed_later(text)
    if known is not None:
        return _KeptDocument(name, text, known)
    import tomllib  # (only for a text not parsed before: a start from the cache parses none)

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        message = str(err)
        match = _TOML_POSITION.search(message)
        if match:
            line, col = int(match.group(1)), int(match.group(2))
            message = message[: match.start()]
        else:
            line = text.count("\n") + 1
            col = len(text) - (text.rfind("\n") + 1) + 1
            message = _TOML_END.sub("", message)
        if message == "Illegal character '\\n'":
            # tomllib's words for a one-line string whose closing quote is missing.
            message = 'unterminated string: the closing quote is missing on this line (use """ for text over several lines)'
        if message.startswith(("Cannot overwrite a value", "Cannot declare")):
            duplicate = _duplicate(text, line, col)
            if duplicate is not None:
                line, col, message = duplicate
        problems.append(Problem(name, line, col, f"TOML syntax error: {message[:1].lower()}{message[1:]}"))
        return None
    except RecursionError:
        problems.append(Problem(name, 1, 1, "TOML syntax error: the document is nested too deeply"))
        return None
    except ValueError:
        # tomllib refuses an integer of more than 4,300 digits with a bare ValueError.
        line, col = long_number(text)
        problems.append(Problem(name, line, col, f"a number with more than {MAX_DIGITS:,} digits is too long to read"))
        return None
    cache.keep(text, data)
    return Document(name, data, text)


MAX_DIGITS = 4300  # Python's limit on converting text to an integer (sys.get_int_max_str_digits)


def long_number(text: str) -> tuple[int, int]:
    """Line and column of the first run of more than 4,300 digits (1, 1 if none is found)."""
    match = re.search(rf"[0-9_]{{{MAX_DIGITS + 1},}}", text)
    if match is None:
        return 1, 1
    line = text.count("\n", 0, match.start()) + 1
    return line, match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1


def _duplicate(text: str, line: int, col: int) -> tuple[int, int, str] | None:
    """tomllib says only "cannot overwrite a value", just after it: say which key or table is
    given twice, where, and where it was first given."""
    lines = text.split("\n")
    offset = sum(len(t) + 1 for t in lines[: line - 1]) + col - 1
    try:
        found = find_duplicate(text[:offset])
    except (RecursionError, IndexError):
        return None
    if found is None:
        return None
    path, first, again, header = found
    what = f"the table [{key_path(path)}] is declared twice" if header else f"{key_path(path)} is given twice"
    return again.key_line, again.key_col, f"{what}; the first is at line {first.key_line}, column {first.key_col}"


def key_path(path: Path) -> str:
    """``("variables", "stock", "formula")`` -> ``variables.stock.formula``;
    ``("history", "season", 2)`` -> ``history.season[2]``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            text = part if re.fullmatch(r"[A-Za-z0-9_-]+", part) else f'"{part}"'
            out += f".{text}" if out else text
    return out


def validate_partially(model: type[M], doc: Document, data: Any, problems: list[Problem]) -> tuple[M | None, dict[str, set[str | int]]]:
    """Validate ``data`` (None: the whole file's, ``doc.data``) as ``model``; if that fails,
    report every problem and keep what is valid.

    The entries that failed (``variables.x``, ``indicators[3]``, a whole top-level table) are
    dropped and the rest is validated again, so that the second pass (cross-references) can still
    check the valid part — all problems at once, not in batches. Returns the model of the valid
    part (None if nothing usable is left) and, per top-level key, the entries dropped.
    """
    whole = data is None or data is doc.data  # (a whole file's data: what the cache keeps)
    if whole:
        known = cache.validated(model, doc.text, doc.aliases)
        if known is not None:
            return known, {}
        data = doc.data
    from game.rules import quick

    valid = quick.validate(model, data)  # (valid data, as pydantic would build it, without importing pydantic)
    if valid is not None:
        if whole:
            cache.keep_validated(model, doc.text, doc.aliases, valid)
        return valid, {}
    from pydantic import ValidationError  # (only for data that may have a problem: pydantic finds and words them)

    try:
        valid = model.model_validate(data)
        if whole:
            cache.keep_validated(model, doc.text, doc.aliases, valid)
        return valid, {}
    except ValidationError as err:
        problems.extend(translate(err, _twin(model), doc, data, ()))
        failed = [_real_loc(data, tuple(detail["loc"])) for detail in err.errors(include_url=False)]
    if not isinstance(data, dict):
        return None, {}
    pruned = {key: (dict(value) if isinstance(value, dict) else list(value) if isinstance(value, list) else value) for key, value in data.items()}
    dropped: dict[str, set[str | int]] = {}
    for loc in failed:
        if not loc or loc[0] not in pruned:
            continue
        top, container = str(loc[0]), pruned[loc[0]]
        if len(loc) >= 2 and isinstance(container, dict) and loc[1] in container:
            dropped.setdefault(top, set()).add(loc[1])
        elif len(loc) >= 2 and isinstance(container, list) and isinstance(loc[1], int):
            dropped.setdefault(top, set()).add(loc[1])
        else:
            dropped.setdefault(top, set()).add("*")
    for top, keys in dropped.items():
        container = pruned[top]
        if "*" in keys:
            del pruned[top]
        elif isinstance(container, dict):
            for key in keys:
                container.pop(key, None)
        elif isinstance(container, list):
            pruned[top] = [item for index, item in enumerate(container) if index not in keys]
    try:
        return model.model_validate(pruned), dropped
    except ValidationError:
        return None, dropped


def read_model(path: FsPath, model: type[M], problems: list[Problem], versioned: str = "") -> tuple[Document, M]:
    """Read ``path`` and validate it as ``model``, keeping the valid part (see
    :func:`validate_partially`); raise :class:`LoadError` when nothing usable is left.
    ``versioned``: the table whose ``format_version`` says the file's rule format (older
    formats are read as the current one, with a note)."""
    from game.rules.problems import LoadError

    doc = read_document(path, problems)
    if doc is None:
        raise LoadError(problems)
    if versioned:
        upgrade_file(doc, versioned, problems)
    parsed, _dropped = validate_partially(model, doc, None, problems)
    if parsed is None:
        raise LoadError(problems)
    return doc, parsed


def upgrade_file(doc: Document, table: str, problems: list[Problem]) -> None:
    """A file whose ``[table] format_version`` names an older rule format is read as the current
    one, with a note. Without a version it is read as the current format; keys an older format
    used are still read (there is no other meaning they could have), with the same note."""
    meta = doc.data.get(table)
    version = meta.get("format_version") if isinstance(meta, dict) else None
    if version is None:
        if doc.upgrade(OLDEST_FORMAT):
            problems.append(doc.upgrade_note(OLDEST_FORMAT, (table,), f"this {table}"))
    elif type(version) is int and OLDEST_FORMAT <= version < FORMAT_VERSION:
        doc.upgrade(version)
        problems.append(doc.upgrade_note(version, (table, "format_version"), f"this {table}"))
    elif type(version) is int and version != FORMAT_VERSION:
        problems.append(doc.problem((table, "format_version"), f"format_version {version} is not supported; this version of the game "
                                                                 f"reads format_version {OLDEST_FORMAT} to {FORMAT_VERSION}", value=True))


# --- pydantic errors in our words ------------------------------------------------------------

_EXPECTED = {
    "float_type": "a number", "float_parsing": "a number", "int_type": "a whole number",
    "int_from_float": "a whole number", "string_type": "text in quotes", "bool_type": "true or false",
    "list_type": "a list [...]", "tuple_type": "a list [...]", "dict_type": "a table",
    "model_type": "a table", "model_attributes_type": "a table", "none_required": "nothing",
    "finite_number": "a finite number",
}


def translate(err: ValidationError, model: type[BaseModel], doc: Document, data: Any, at: Path) -> list[Problem]:
    """Turn pydantic's errors into located problems, merging the alternatives of a union."""
    grouped: dict[Path, list[dict[str, Any]]] = {}
    for detail in err.errors(include_url=False):
        loc = _real_loc(data, tuple(detail["loc"]))
        grouped.setdefault(loc, []).append(dict(detail))
    out: list[Problem] = []
    for loc, errors in grouped.items():
        full = at + loc
        kinds = [e["type"] for e in errors]
        if all(k in _EXPECTED for k in kinds):
            expected = " or ".join(dict.fromkeys(_EXPECTED[k] for k in kinds))
            out.append(doc.problem(full, f"expected {expected}, found {describe(errors[0]['input'])}", value=True))
            continue
        for e in errors:
            out.append(_one(e, loc, full, model, doc))
    return out


def _one(e: dict[str, Any], loc: Path, full: Path, model: type[BaseModel], doc: Document) -> Problem:
    kind, ctx = e["type"], e.get("ctx") or {}
    if kind == "missing":
        key = loc[-1] if loc else "?"
        return doc.problem(full[:-1], f"missing required key '{key}'")
    if kind == "extra_forbidden":
        known = _known_keys(model, loc[:-1])
        if OLD_KEYS.get(str(loc[-1])) in known:
            return doc.problem(full, f"unknown key '{loc[-1]}': since rule format {FORMAT_VERSION} it is "
                                     f"'{OLD_KEYS[str(loc[-1])]}' (`main.py upgrade` rewrites a format-{OLDEST_FORMAT} file)")
        hint = did_you_mean(str(loc[-1]), known)
        listing = f" (expected one of: {', '.join(known)})" if known and not hint else ""
        return doc.problem(full, f"unknown key '{loc[-1]}'{hint}{listing}")
    if kind == "literal_error":
        expected = ctx.get("expected", "")
        choices = re.findall(r"'([^']*)'", expected)
        found = e["input"]
        hint = did_you_mean(found, choices) if isinstance(found, str) else ""
        if isinstance(found, str) and OLD_WORDS.get(found) in choices:
            hint = f": since rule format {FORMAT_VERSION} it is '{OLD_WORDS[found]}'"
        return doc.problem(full, f"expected {expected}, found {describe(found)}{hint}", value=True)
    if kind == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern", ""))
        what = f"text matching {pattern}"
        if "winter" in pattern:
            what = "a season like '1927-autumn'"
        elif pattern.startswith("^[a-z]["):
            what = "an id of lower-case letters, digits, '-' and '_', starting with a letter"
        elif pattern.startswith("^[a-z0-9]["):
            what = "an id of lower-case letters, digits, '-' and '_', starting with a letter or digit"
        return doc.problem(full, f"expected {what}, found {describe(e['input'])}", value=True)
    if kind == "string_too_short" or (kind == "too_short" and ctx.get("min_length", 1) <= 1):
        return doc.problem(full, "must not be empty", value=True)
    if kind == "too_short":
        return doc.problem(full, f"expected at least {ctx.get('min_length')} items, found {ctx.get('actual_length')}", value=True)
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        sign = {"greater_than": ">", "greater_than_equal": ">=", "less_than": "<", "less_than_equal": "<="}[kind]
        bound = next(iter(ctx.values()), "?")
        if isinstance(bound, float):
            bound = f"{bound:g}"
        return doc.problem(full, f"expected a value {sign} {bound}, found {describe(e['input'])}", value=True)
    if kind in ("too_long", "string_too_long"):
        return doc.problem(full, f"expected at most {ctx.get('max_length')} items, found {ctx.get('actual_length')}", value=True)
    if kind == "value_error":
        message = str(e.get("msg", "")).removeprefix("Value error, ")
        return doc.problem(full, message, value=True)
    return doc.problem(full, f"{e['msg']}, found {describe(e.get('input'))}", value=True)


def _twin(model: type[Record]) -> type[BaseModel]:
    from game.rules.shapes import twin

    return twin(model)


def _real_loc(data: Any, loc: Path) -> Path:
    """Drop the parts of pydantic's ``loc`` that name union members rather than keys."""
    out: list[str | int] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and part in node:
            out.append(part)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            out.append(part)
            node = node[part]
        elif isinstance(node, dict) and isinstance(part, str) and not _is_tag(part):
            out.append(part)  # a missing or unknown key
            node = None
        # else: a union member's tag such as 'str', 'float' or 'function-after[...]'
    return tuple(out)


def _is_tag(part: str) -> bool:
    return part in ("str", "float", "int", "bool", "list", "dict", "none") or "[" in part or part[:1].isupper()


def _known_keys(model: type[BaseModel], loc: Path) -> list[str]:
    """The keys allowed at ``loc`` inside ``model``: walks fields, dicts, lists and optionals."""
    from pydantic import BaseModel

    annotation: Any = model
    for part in loc:
        annotation = _unwrap(annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            field = annotation.model_fields.get(str(part))
            if field is None:
                return []
            annotation = field.annotation
        elif typing.get_origin(annotation) is dict:
            annotation = typing.get_args(annotation)[1]
        elif typing.get_origin(annotation) in (list, tuple):
            annotation = typing.get_args(annotation)[0]
        else:
            return []
    annotation = _unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return list(annotation.model_fields)
    return []


def _unwrap(annotation: Any) -> Any:
    """``X | None`` -> X; ``Annotated[X, ...]`` -> X."""
    from pydantic import BaseModel

    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            members = [a for a in typing.get_args(annotation) if a is not type(None)]
            models = [a for a in members if isinstance(a, type) and issubclass(a, BaseModel)]
            annotation = models[0] if models else members[0]
        else:
            return annotation


def describe(value: Any) -> str:
    """A found value as a message shows it: its kind and, when short, the value itself."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f'text "{shown}"'
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    if isinstance(value, (datetime.date, datetime.time)):
        return f"the date/time {value.isoformat()}"
    return type(value).__name__
