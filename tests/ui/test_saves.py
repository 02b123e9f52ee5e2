"""The save and load dialog: lists saves and autosaves, loads and resumes, refuses bad saves on
the error screen without writing, asks when the rules changed, saves under a checked name and
asks before overwriting; autosave on quit; taking over from history in the scenario picker."""

from __future__ import annotations

import shutil
from pathlib import Path

import pygame
import pytest

from game.present.seasons import season_label
from game.rules.scenario import load_scenario
from game.saves import AUTOSAVE_FOLDER, default_save_path, list_saves, load_save, save_game
from game.session import Session
from game.ui.inspect import cut_off, find, overlaps, visible_texts
from game.ui.scenes.error import ErrorScene
from game.ui.scenes.picker import PickerScene
from game.ui.scenes.saves import SavesScene, check_name, default_name
from game.ui.scenes.title import TitleScene
from tests.conftest import ROOT
from tests.ui.conftest import SCALES, SIZES, click, key, save_png, settle

RULES = ROOT / "rules"


def game(seasons: int = 3, rules: Path = RULES, scenario: str = "nep-1923-1930") -> Session:
    session = Session(load_scenario(scenario, rules), 1923)
    for _ in range(seasons):
        session.end_season()
    return session


def type_text(app, text: str) -> None:
    for ch in text:
        app.frame([pygame.event.Event(pygame.TEXTINPUT, text=ch)])


def clear_entry(app) -> None:
    entry = app.scene.name_entry
    entry.set_text("")
    app.scene.name_text = ""


def dashboard_class():
    from game.ui.scenes.dashboard import DashboardScene

    return DashboardScene


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """The saves folder the test apps use, with a save, an autosave and a broken file."""
    saves = tmp_path / "saves"
    session = game()
    save_game(session, saves / "my game.json", player="Anna Petrovna")
    from game.saves import autosave

    autosave(game(2), saves, player="Anna Petrovna")
    (saves / "broken.json").write_text('{"format": "smychka-save", "version": 2, "metad')
    return saves


def open_load(app) -> SavesScene:
    app.push(TitleScene(app))
    app.frame(key(pygame.K_l, text="l"))
    assert isinstance(app.scene, SavesScene) and app.scene.mode == "load"
    settle(app)
    return app.scene


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("scale", SCALES)
def test_load_dialog_lists_saves_with_scenario_season_date_and_player(make_app, folder, size, scale) -> None:
    app = make_app(size, scale)
    scene = open_load(app)
    save_png(app, "load")
    assert [e.path.name for e in scene.entries][:2] == [e.path.name for e in list_saves(folder)][:2]
    texts = visible_texts(app)
    entry = scene.entries[0]
    assert entry.scenario_title in texts and season_label(entry.season) in texts and "Anna Petrovna" in texts
    assert entry.saved_at is not None and entry.saved_at.astimezone().strftime("%Y-%m-%d %H:%M") in texts
    assert "autosave" in texts and "my game" in texts and "broken.json — cannot be opened" in texts
    assert overlaps(app) == [] and cut_off(app) == []


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("scale", SCALES)
def test_save_dialog_offers_a_name_from_scenario_and_season(make_app, folder, size, scale) -> None:
    app = make_app(size, scale)
    app.session = game(4)
    app.push(TitleScene(app))
    app.push(SavesScene(app, mode="save"))
    settle(app)
    save_png(app, "save")
    # The name the text mode's "save" gives: the scenario and the season last played.
    assert find(app, "name").get_text() == f"nep-1923-1930-{app.session.state.season}" == default_name(app.session)
    assert default_name(app.session) == default_save_path(app.session).stem
    assert app.typing()  # the name has the keyboard
    assert overlaps(app) == [] and cut_off(app) == []


def test_loading_with_the_keyboard_resumes_the_saved_game(make_app, folder) -> None:
    app = make_app()
    scene = open_load(app)
    index = next(i for i, e in enumerate(scene.entries) if e.path.name == "my game.json")
    for _ in range(index):
        app.frame(key(pygame.K_DOWN))
    assert scene.selected == index
    assert "Anna Petrovna" in visible_texts(app)
    app.frame(key(pygame.K_RETURN))
    settle(app)
    assert isinstance(app.scene, dashboard_class())
    assert isinstance(app.scenes[0], TitleScene)
    expected = game()
    assert app.session.turn == 3 and app.session.state == expected.state


def test_a_double_click_loads_too(make_app, folder) -> None:
    app = make_app()
    scene = open_load(app)
    first = scene.list.item_list[0]["button_element"]
    app.frame(click(first.rect.center) + click(first.rect.center))
    settle(app)
    assert isinstance(app.scene, dashboard_class())


BAD_SAVES = {  # a good save's bytes -> a bad one
    "truncated": lambda good: good[: len(good) // 2],
    "corrupt": lambda good: good[:200] + b"\xff\xfe" + good[202:],
    "future": lambda good: good.replace(b'"version": 4', b'"version": 9', 1),
    "not-a-save": lambda good: b'{"hello": "world"}',
    "empty": lambda good: b"",
    "nonsense": lambda good: good.replace(b'"seed": 1923', b'"seed": "many"', 1),
}


@pytest.mark.parametrize("kind", sorted(BAD_SAVES))
def test_a_bad_save_opens_the_error_screen_and_nothing_is_written(make_app, tmp_path, kind) -> None:
    saves = tmp_path / "saves"
    good = save_game(game(), saves / "good.json").read_bytes()
    bad = saves / f"{kind}.json"
    bad.write_bytes(BAD_SAVES[kind](good))
    assert bad.read_bytes() != good
    before = {p: p.read_bytes() for p in saves.rglob("*") if p.is_file()}
    app = make_app()
    scene = open_load(app)
    scene.choose(next(i for i, e in enumerate(scene.entries) if e.path == bad))
    settle(app)
    assert "cannot be opened" in visible_texts(app)
    app.frame(key(pygame.K_RETURN))
    settle(app)
    assert isinstance(app.scene, ErrorScene)
    texts = visible_texts(app)
    save_png(app, f"error-save-{kind}")
    assert f"{kind}.json:" in texts and "nothing was changed" in texts
    assert overlaps(app) == [] and cut_off(app) == []
    assert {p: p.read_bytes() for p in saves.rglob("*") if p.is_file()} == before
    assert app.session is None
    app.frame(key(pygame.K_ESCAPE))
    assert isinstance(app.scene, TitleScene)


@pytest.fixture
def changed_rules(tmp_path: Path) -> tuple[Path, Path]:
    """Rules copied and a game saved under them, then the scenario edited (a modder's change)."""
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    path = save_game(game(3, rules), tmp_path / "saves" / "before the change.json")
    scenario = rules / "scenarios" / "nep-1923-1930.toml"
    scenario.write_text(scenario.read_text() + "\n# a modder was here\n")
    return rules, path


@pytest.mark.parametrize("how,key_code", [("replay", pygame.K_r), ("as-saved", pygame.K_o)])
def test_a_save_whose_rules_changed_asks_replay_or_as_saved(make_app, changed_rules, how, key_code) -> None:
    rules, path = changed_rules
    app = make_app(rules=rules)
    open_load(app)
    app.frame(key(pygame.K_RETURN))
    settle(app)
    texts = visible_texts(app)
    save_png(app, "load-rules-changed")
    assert "The rules changed since 'before the change.json' was saved" in texts
    assert "the scenario changed since this game was saved" in texts.lower()
    assert find(app, "replay").visible and find(app, "as-saved").visible
    assert overlaps(app) == [] and cut_off(app) == []
    app.frame(key(key_code, text=chr(key_code)))
    settle(app)
    assert isinstance(app.scene, dashboard_class())
    assert app.session.turn == 3
    loaded = load_save(path, rules)
    expected = loaded.replay() if how == "replay" else loaded.as_saved()
    assert app.session.state.values == expected.state.values


def test_the_rules_changed_question_can_be_cancelled(make_app, changed_rules) -> None:
    rules, _ = changed_rules
    app = make_app(rules=rules)
    scene = open_load(app)
    app.frame(key(pygame.K_RETURN))
    app.frame(key(pygame.K_ESCAPE))
    settle(app)
    assert app.scene is scene and scene.changed is None and app.session is None
    assert find(app, "load").visible


def test_saving_under_a_typed_name_writes_a_loadable_save_with_the_players_name(make_app, tmp_path) -> None:
    app = make_app()
    app.settings = app.settings.model_copy(update={"player": "Иван"})
    app.session = game(4)
    app.push(TitleScene(app))
    scene = app.push(SavesScene(app, mode="save"))
    settle(app)
    clear_entry(app)
    type_text(app, "Мой план")
    app.frame(key(pygame.K_RETURN))
    settle(app)
    path = tmp_path / "saves" / "Мой план.json"
    assert path.is_file()
    assert "Saved as Мой план.json" in visible_texts(app)
    loaded = load_save(path, RULES)
    assert loaded.save.metadata.player == "Иван" and loaded.resume().state == app.session.state
    assert any(e.path == path for e in scene.entries)
    assert overlaps(app) == [] and cut_off(app) == []


@pytest.mark.parametrize("name", ["", "   ", "../escape", "a/b", "a\\b", "c:d", "what?", ".hidden", "x" * 81, "tab\there", "autosave"])
def test_bad_file_names_are_refused_with_a_message(make_app, tmp_path, name) -> None:
    app = make_app()
    app.session = game(1)
    app.push(TitleScene(app))
    scene = app.push(SavesScene(app, mode="save"))
    settle(app)
    scene.name_entry.set_text(name)
    scene.save()
    settle(app)
    assert scene.message_bad and scene.message
    assert scene.message in visible_texts(app) or scene.message[:20] in visible_texts(app)
    assert not (tmp_path / "saves").exists() or not any((tmp_path / "saves").glob("*.json"))
    assert check_name(name)[0] is None


def test_check_name_accepts_plain_names() -> None:
    assert check_name("  my game ") == ("my game.json", "")
    assert check_name("nep-1923-1930-1924-summer.json") == ("nep-1923-1930-1924-summer.json", "")
    assert check_name("Смычка 2") == ("Смычка 2.json", "")


def test_overwriting_a_save_is_asked_first(make_app, tmp_path) -> None:
    saves = tmp_path / "saves"
    old = save_game(game(1), saves / "mine.json")
    before = old.read_bytes()
    app = make_app()
    app.session = game(4)
    app.push(TitleScene(app))
    scene = app.push(SavesScene(app, mode="save"))
    settle(app)
    # Choosing the existing save puts its name in the entry.
    scene.choose(next(i for i, e in enumerate(scene.entries) if e.path == old))
    settle(app)
    assert find(app, "name").get_text() == "mine"
    app.frame(click(find(app, "save").rect.center))
    settle(app)
    texts = visible_texts(app)
    save_png(app, "save-overwrite")
    assert "A save named 'mine.json' already exists" in texts
    assert overlaps(app) == [] and cut_off(app) == []
    app.frame(key(pygame.K_RETURN))  # Enter on the focused "Keep it"
    settle(app)
    assert old.read_bytes() == before and scene.overwrite is None
    scene.save()
    app.frame(key(pygame.K_y, text="y"))
    settle(app)
    assert old.read_bytes() != before
    assert load_save(old, RULES).turn == 4


def test_a_save_that_cannot_be_written_says_so_and_overwrites_nothing(make_app, tmp_path) -> None:
    app = make_app()
    (tmp_path / "saves").write_text("a file where the folder should be")
    app.session = game(1)
    app.push(TitleScene(app))
    scene = app.push(SavesScene(app, mode="save"))
    settle(app)
    app.frame(key(pygame.K_RETURN))
    settle(app)
    assert scene.message_bad and scene.message.startswith("Not saved")
    assert (tmp_path / "saves").read_text() == "a file where the folder should be"
    assert overlaps(app) == [] and cut_off(app) == []


def test_quitting_autosaves_the_game_in_progress(make_app, tmp_path) -> None:
    from game.ui.games import start_session

    app = make_app()
    app.push(TitleScene(app))
    start_session(app, game(2))
    start_session(app, app.session)  # the quit hook is registered once
    app.frame(key(pygame.K_q, mod=pygame.KMOD_CTRL))
    assert not app.running
    autosaves = list((tmp_path / "saves" / AUTOSAVE_FOLDER).glob("*.json"))
    assert len(autosaves) == 1
    assert load_save(autosaves[0], RULES).turn == 2


def test_an_autosave_on_quit_that_fails_is_said_on_stderr(make_app, tmp_path, capsys) -> None:
    from game.ui.games import start_session

    app = make_app()
    app.push(TitleScene(app))
    start_session(app, game(2))
    (tmp_path / "saves").write_text("a file where the folder should be")
    app.frame(key(pygame.K_q, mod=pygame.KMOD_CTRL))
    assert not app.running
    err = capsys.readouterr().err
    assert err.startswith("smychka: The autosave could not be written") and "Traceback" not in err


def test_an_empty_folder_says_there_are_no_saves(make_app) -> None:
    app = make_app()
    open_load(app)
    assert "No saves" in visible_texts(app)
    assert not find(app, "load").is_enabled
    app.frame(key(pygame.K_RETURN))  # nothing to load: nothing happens
    assert isinstance(app.scene, SavesScene)
    assert overlaps(app) == [] and cut_off(app) == []


# --- taking over from history in the picker -----------------------------------------------------


def open_picker(app, ident: str) -> PickerScene:
    app.push(TitleScene(app))
    app.frame(key(pygame.K_n, text="n"))
    scene = app.scene
    scene.choose(next(i for i, c in enumerate(scene.choices) if c.ident == ident))
    settle(app)
    return scene


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("scale", SCALES)
def test_picker_lets_the_player_take_over_from_history(make_app, size, scale) -> None:
    app = make_app(size, scale)
    scene = open_picker(app, "nep-1923-1930")
    slider = find(app, "branch")
    assert slider.is_enabled
    app.set_focus(slider)
    for _ in range(3):
        app.frame(key(pygame.K_RIGHT))
    app.frame(key(pygame.K_PERIOD, text="."))
    settle(app)
    seasons = scene.seasons()
    assert scene.branch_at() == seasons[4]
    assert seasons[4] in visible_texts(app)
    save_png(app, "picker-take-over")
    assert overlaps(app) == [] and cut_off(app) == []
    app.frame(click(find(app, "start").rect.center))
    settle(app)
    assert isinstance(app.scene, dashboard_class())
    session = app.session
    assert session.branch_at == seasons[4] and session.turn == 4
    scenario = session.scenario
    assert [session.levers_played(t) for t in range(1, 5)] == [dict(scenario.history[t]) for t in range(4)]


def test_picker_without_history_plays_from_the_start(make_app) -> None:
    app = make_app()
    scene = open_picker(app, "cooperative-plan")
    assert scene.seasons() == [] and not find(app, "branch").is_enabled
    assert "no historical policy" in visible_texts(app)
    app.frame(key(pygame.K_PERIOD, text="."))
    assert scene.branch_at() is None
    app.frame(key(pygame.K_RETURN))
    settle(app)
    assert app.session.branch_at is None and app.session.turn == 0
