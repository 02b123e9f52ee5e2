"""The indicator index and what the rules say about a name: its label, meaning, mechanisms and
source; finding a number by its label or id, with a short did-you-mean."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable

from game.lazydata import dataclass
from game.present.cache import once_per
from game.rules.models import Citation, Indicator
from game.rules.ruleset import Ruleset

# The facts of the calendar every formula can read, in words.
SEASON_FACT_TEXT = {
    "year": "the year", "season_of_year": "the time of year", "is_winter": "winter",
    "is_spring": "spring", "is_summer": "summer", "is_autumn": "autumn", "turn": "the season count",
}


@dataclass(frozen=True)
class RuleInfo:
    """What the rule set says about a name: its label, meaning, mechanisms and source."""

    name: str
    kind: str
    label: str
    description: str
    mechanisms: tuple[str, ...]  # mechanism titles
    source: str


def cite(ruleset: Ruleset, citation: Citation | None) -> str:
    """A citation as text: ``Author (1978), Part 2, ch. 2 (lines 4839–5104)``."""
    if citation is None:
        return ""
    work = ruleset.works.get(citation.work)
    who = f"{work.author}{f' ({work.year})' if work and work.year else ''}" if work else citation.work
    return f"{who}, {citation}"


def indicators(ruleset: Ruleset) -> tuple[Indicator, ...]:
    """The indicators to show, in the rules' order: the rule set's hints, or every variable."""
    if ruleset.indicators:
        return ruleset.indicators
    return once_per(ruleset, "indicators", lambda: tuple(Indicator(variable=v, label=label_of(ruleset, v)) for v in ruleset.variables))


def indicator(ruleset: Ruleset, name: str) -> Indicator | None:
    """The indicator that shows variable ``name`` (None: it is not one)."""
    table = once_per(ruleset, "indicator-of", lambda: {i.variable: i for i in ruleset.indicators})
    return table.get(name)


def label_of(ruleset: Ruleset, name: str) -> str:
    """A name's display label: its indicator label, its own label, a lever's, or its id in words."""
    shown = indicator(ruleset, name)
    if shown is not None:
        return shown.label
    variable = ruleset.variables.get(name)
    if variable is not None and variable.label:
        return variable.label
    lever = ruleset.levers.get(name)
    if lever is not None:
        return lever.label
    if name in SEASON_FACT_TEXT:
        return SEASON_FACT_TEXT[name]
    base, back = kept_from(ruleset, name)
    if back:  # a value kept from earlier seasons, named by what it keeps: 'Output two seasons ago'
        return f"{label_of(ruleset, base)} {seasons_back(back)}"
    return name.replace("_", " ")


_KEPT = r"\s*prev\(\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)\s*"  # compiled when first read (re keeps it)
_BACK = {1: "last season", 2: "two seasons ago", 3: "three seasons ago", 4: "a year ago", 8: "two years ago"}
_COUNT = {5: "five", 6: "six", 7: "seven", 9: "nine", 10: "ten", 11: "eleven", 12: "twelve"}


def seasons_back(n: int) -> str:
    """How far back a value is, in words: 'last season', 'two seasons ago', 'a year ago'."""
    return _BACK.get(n) or f"{_COUNT.get(n, str(n))} seasons ago"


def kept_from(ruleset: Ruleset, name: str) -> tuple[str, int]:
    """What ``name`` holds: a variable whose rule only keeps another's value from the season
    before (``prev(x)``) is ``x`` one season back, and so on down a chain of them:
    ('bread_price', 1); anything else is itself, 0 seasons back."""
    def build() -> dict[str, tuple[str, int]]:
        step = {}
        for ident, variable in ruleset.variables.items():
            kept = re.fullmatch(_KEPT, variable.formula)
            if kept and kept.group(1) in ruleset.variables and kept.group(1) != ident:
                step[ident] = kept.group(1)
        out = {}
        for ident in step:
            base, n = ident, 0
            while base in step and n <= len(step):
                base, n = step[base], n + 1
            out[ident] = (base, n)
        return out

    return once_per(ruleset, "kept-from", build).get(name, (name, 0))


def label_back(ruleset: Ruleset, name: str, back: int = 0) -> tuple[str, str]:
    """``name``'s label and when its value stood, ``back`` seasons before the season read:
    ('Workers' savings', 'last season'); a value kept from earlier seasons is named by what it
    keeps and how far back it all goes: ('Bread price', 'two seasons ago'), never
    '... a season before last season'. ``when`` is '' for this season's own value."""
    base, n = kept_from(ruleset, name)
    if n + back == 0:
        return label_of(ruleset, name), ""
    return label_of(ruleset, base), seasons_back(n + back)


def with_note(label: str, note: str, before: str = "") -> str:
    """``label`` with ``note`` in brackets after it: 'Output (last year 70.1 t)'. A label that
    ends in brackets of its own takes the note into them, after a semicolon: 'Scissors (farm ÷
    industrial prices; last year 45)', never two brackets in a row. ``before`` goes between the
    label and the note ('Output last season (65 to 70 t)'; inside: '(…; last season 65 to 70)')."""
    if label.endswith(")") and "(" in label:
        return f"{label[:-1]}; {before.strip() + ' ' if before.strip() else ''}{note})"
    return f"{label}{before} ({note})"


def better_direction(ruleset: Ruleset, name: str) -> str:
    """'higher', 'lower' or 'neither': which way ``name`` is better, as its indicator says."""
    shown = indicator(ruleset, name)
    return shown.better if shown is not None else "neither"


def rule_info(ruleset: Ruleset, name: str) -> RuleInfo:
    """Look ``name`` up among the rule set's variables, levers, draws, events and parameters."""
    rs = ruleset

    def titles(ids: list[str]) -> tuple[str, ...]:
        return tuple(rs.mechanisms[m].title for m in ids if m in rs.mechanisms)

    if name in rs.variables:
        v = rs.variables[name]
        return RuleInfo(name, "variable", label_of(rs, name), v.description, titles(v.mechanisms), cite(rs, v.source))
    if name in rs.levers:
        lv = rs.levers[name]
        return RuleInfo(name, "lever", lv.label, lv.description, titles(lv.mechanisms), cite(rs, lv.source))
    if name in rs.events:
        e = rs.events[name]
        return RuleInfo(name, "event", e.title, e.message, titles(e.mechanisms), cite(rs, e.source))
    for kind, table in (("draw", rs.draws), ("parameter", rs.parameters)):
        if name in table:
            d = table[name]
            return RuleInfo(name, kind, name.replace("_", " "), d.description, (), cite(rs, d.source))
    if name in SEASON_FACT_TEXT:
        return RuleInfo(name, "fact", SEASON_FACT_TEXT[name], "a fact of the calendar", (), "")
    return RuleInfo(name, "unknown", name, "", (), "")


def _norm(text: str) -> str:
    return " ".join(text.lower().replace("_", " ").replace("'", "").replace("’", "").split())


@dataclass(frozen=True)
class Found:
    """What a typed name found: the variable (None when nothing matched) and, when it did not,
    a few close names as (id, label)."""

    name: str | None
    suggestions: tuple[tuple[str, str], ...] = ()


def find_variable(ruleset: Ruleset, text: str, most: int = 4) -> Found:
    """The variable a player means by ``text``: its id ('worker_trust', 'worker trust'), its
    label ("Workers' trust", any case), or the one label or id that starts with or contains it;
    else up to ``most`` close names."""
    wanted = _norm(text)
    if not wanted:
        return Found(None)
    names = list(ruleset.variables)
    labels = {n: label_of(ruleset, n) for n in names}
    for n in names:
        if wanted in (_norm(n), _norm(labels[n])):
            return Found(n)
    # What a player reads (labels) before what the rules call them (ids): 'price' finds the
    # prices on the screen before variables whose id happens to start with it.
    for test in (lambda n: _norm(labels[n]).startswith(wanted), lambda n: wanted in _norm(labels[n]),
                 lambda n: _norm(n).startswith(wanted), lambda n: wanted in _norm(n)):
        hits = [n for n in names if test(n)]
        shown = [n for n in hits if indicator(ruleset, n) is not None]
        if len(hits) == 1 or len(shown) == 1:
            return Found((shown or hits)[0])
        if hits:  # the indicators on the screen whose label has it first, then these
            seen = [n for n in names if indicator(ruleset, n) is not None and wanted in _norm(labels[n])]
            ranked = seen + [n for n in hits if n not in seen]
            return Found(None, tuple((n, labels[n]) for n in ranked[:most]))
    keys = {_norm(labels[n]): n for n in names} | {_norm(n): n for n in names}
    close = difflib.get_close_matches(wanted, list(keys), n=most * 2, cutoff=0.6)
    out: list[str] = []
    for key in close:
        if keys[key] not in out:
            out.append(keys[key])
    return Found(None, tuple((n, labels[n]) for n in out[:most]))


_NAME = re.compile(r"\bprev\(\s*([A-Za-z_]\w*)\s*\)|\b([A-Za-z_]\w*)\b(?!\s*\()")
_SIGNS = ((" * ", " × "), (" / ", " ÷ "), ("**", "^"), (" - ", " − "))


def formula_in_words(ruleset: Ruleset, name: str) -> str:
    """Variable ``name``'s rule as a player can read it: each quantity by its label in square
    brackets ('[Workers' trust last season]'), each fixed parameter by its value, the signs as
    written by hand; the functions (min, max, clamp ...) as they are. '' when it has no rule."""
    variable = ruleset.variables.get(name)
    if variable is None:
        return ""
    from game.present.numbers import figure  # (numbers imports this module)

    def word(match: re.Match[str]) -> str:
        kept, ident = match.group(1), match.group(2)
        if kept is not None:
            label, when = label_back(ruleset, kept, 1) if kept in ruleset.variables else (rule_info(ruleset, kept).label, "last season")
            return f"[{label} {when}]"
        if ident in ruleset.parameters:
            return figure(ruleset.parameters[ident].value).replace(",", "")  # no comma read as a separator
        if ident in ruleset.variables or ident in ruleset.levers or ident in ruleset.events or ident in SEASON_FACT_TEXT:
            return f"[{rule_info(ruleset, ident).label}]"
        if ident in ruleset.draws:
            return f"[chance: {rule_info(ruleset, ident).label}]"
        return ident  # a word of the formula language: and, or, if, else

    text = _NAME.sub(word, " ".join(variable.formula.split()))
    for sign, written in _SIGNS:
        text = text.replace(sign, written)
    return text


def rule_words(ruleset: Ruleset) -> Callable[[str, str], str]:
    """Names a rule in words for a notice of what changed in the rules (see
    ``RulesChange.describe``): a variable or lever by its label, a parameter by what its
    description says it is, a formula or a bound by the label of the rule it belongs to."""

    def named(table: str, ident: str) -> str:
        entry = getattr(ruleset, table, {}).get(ident) if table in ("events", "endings") else None
        if entry is not None:
            return f"“{entry.title}”"
        if table == "parameters":
            return parameter_words(ruleset, ident)
        return label_of(ruleset, ident)

    def words(kind: str, key: str) -> str:
        if kind == "gone":
            return ident_words(key)
        if kind == "parameter":
            return parameter_words(ruleset, key)
        if kind in ("formula", "bound"):
            table, _, rest = key.partition(".")
            return named(table, rest.split(".")[0]) if rest else ident_words(key)
        return label_of(ruleset, key)

    return words


def parameter_words(ruleset: Ruleset, ident: str) -> str:
    """A parameter in words: the first clause of its description, in quotes (its id in words if
    the rules have no such parameter)."""
    parameter = ruleset.parameters.get(ident)
    if parameter is None:
        return ident_words(ident)
    first = re.split(r"(?<=[\w)])[.:;](?:\s|$)", parameter.description.strip(), maxsplit=1)[0]
    return f"“{first}”"


def ident_words(ident: str) -> str:
    """An id in words: ``water_level`` -> ``water level``."""
    return ident.replace("_", " ")
