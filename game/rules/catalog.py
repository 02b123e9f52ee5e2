"""The mods a player can choose from, each with its check status: what ``main.py mods`` lists and
the window's New game screen offers.

A mod is listed from the game's ``rules/mods`` and the player's mod folder. Each is loaded (with
every layer below it) as ``--mod ID`` would load it; one that does not load keeps its problems, to
be shown; one whose id another mod also has says which one is used (:meth:`Library.hiding`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from game.rules.layers import read_layer
from game.rules.mods import MODS_FOLDER, Library, place_id, place_key, user_mods_folder
from game.rules.problems import LoadError, Problem
from game.rules.ruleset import Ruleset, cached_rulesets, load_ruleset, ruleset_warnings


@dataclass(frozen=True)
class ModEntry:
    """One mod found in a mod folder, checked."""

    place: Path
    ident: str
    version: str  # "?" when its manifest cannot be read
    name: str  # the manifest's name ("" when it cannot be read)
    extends: str | None
    ruleset: Ruleset | None  # None: it does not load
    problems: tuple[Problem, ...] = ()  # why it does not load
    warnings: tuple[Problem, ...] = ()
    note: str | None = None  # its id is shared with another mod (Library.hiding)
    used: bool = True  # --mod ID finds this one (False: another of its id, or a conflict)

    @property
    def ok(self) -> bool:
        """It passes ``check``."""
        return self.ruleset is not None

    @property
    def errors(self) -> int:
        return sum(1 for p in self.problems if p.severity == "error")

    @property
    def layers(self) -> tuple[str, ...]:
        """The ids of its stack, the base first (empty when it does not load)."""
        return tuple(layer.id for layer in self.ruleset.stack) if self.ruleset is not None else ()

    @property
    def title(self) -> str:
        return self.name or self.ident

    def changes(self) -> str:
        """``adds 1, overrides 1, removes 0`` (or what it is when it extends nothing)."""
        if self.ruleset is None:
            return ""
        if not self.ruleset.is_mod:
            return "a rule set of its own (extends nothing)"
        counts = [sum(c.kind == kind for c in self.ruleset.changes) for kind in ("adds", "overrides", "removes")]
        return f"adds {counts[0]}, overrides {counts[1]}, removes {counts[2]}"

    def status(self) -> str:
        """``ok: adds 1, overrides 1, removes 0``, ``ok, 2 warning(s): ...`` or ``FAILS check: 3 error(s)``."""
        if self.ruleset is None:
            return f"FAILS check: {self.errors} error(s)"
        warnings = sum(p.severity == "warning" for p in self.warnings)
        notes = len(self.warnings) - warnings
        warned = (f", {warnings} warning(s)" if warnings else "") + (f", {notes} note(s)" if notes else "")
        return f"ok{warned}: {self.changes()}"


def mod_folders(rules_root: Path) -> tuple[Path, Path]:
    """Where mods are listed from: the game's ``rules/mods`` and the player's mod folder."""
    return rules_root / MODS_FOLDER, user_mods_folder()


def mod_entries(rules_root: Path) -> list[ModEntry]:
    """Every mod (folder or zip) in :func:`mod_folders`, checked, in the order listed."""
    with cached_rulesets():
        return [mod_entry(place, rules_root) for place in Library.of(*mod_folders(rules_root)).places()]


def mod_entry(place: Path, rules_root: Path) -> ModEntry:
    """The mod at ``place``, loaded as ``--mod ID`` loads it under the scenarios of ``rules_root``
    (by its path when another mod has its id)."""
    from game.rules.scenario import SCENARIO_FOLDER, scenario_library

    library = Library.default(rules_root)
    ident = place_id(place)
    note = library.hiding(place)
    used = [place_key(p) for p in library.candidates(ident)] == [place_key(place)]
    loading = scenario_library(rules_root / SCENARIO_FOLDER / "any.toml", rules_root)
    try:
        ruleset = load_ruleset(place, loading if used else loading.with_first(place.parent))
    except LoadError as err:
        layer = read_layer(place, [])
        manifest = layer.manifest if layer is not None else None
        return ModEntry(place, ident, manifest.version if manifest else "?", manifest.name if manifest else "",
                        manifest.extends if manifest else None, None, tuple(err.problems), (), note, used)
    return ModEntry(place, ident, ruleset.version, ruleset.name, ruleset.extends, ruleset, (), tuple(ruleset_warnings(ruleset)), note, used)
