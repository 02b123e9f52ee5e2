"""The instructor's reports: one game's page, a class's page and CSV, and `main.py report`.
(What a real browser makes of the pages: tests/test_reports_browser.py.)"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from game.present.debrief import debrief
from game.reports import class_csv, class_html, game_html, open_for_report, read_class
from game.reports.game import chart_variables
from game.reports.klass import runs
from game.reports.page import esc
from game.reports.svg import nice_ticks
from game.saves import load_save
from tests.conftest import RULES, run_main
from tests.reports_fixtures import HOSTILE, write_class


@pytest.fixture(scope="module")
def klass(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("class")
    write_class(folder)
    return folder


def no_network(page: str) -> None:
    """The page loads nothing: no script, no link, no src, no url() to fetch."""
    assert "<script" not in page.lower()
    assert not re.search(r"\b(src|href)\s*=\s*\"(?!#)", page), "a reference to another file or address"
    assert "url(" not in page and "@import" not in page


def test_a_game_report_has_every_part_and_draws_its_charts(klass: Path) -> None:
    opened = open_for_report(load_save(klass / "vera.json", RULES))
    page = game_html(opened)
    no_network(page)
    d = debrief(opened.session)
    for part in ("ending", "scorecard", "charts", "levers", "turning-points", "record", "questions", "sources"):
        assert f'id="{part}"' in page, part
    assert esc(d.title) in page
    for score in d.scorecard:
        assert esc(score.yours_text) in page and esc(score.history_text) in page
    for point in d.turning_points:
        assert esc(point.story.sentence) in page
    # One chart per key variable, each with the game's line and history's, every line drawn.
    names = chart_variables(opened.session)
    assert len(names) >= 4
    charts = re.findall(r'<svg class="chart"[^>]*data-chart="([^"]+)"[^>]*data-lines="(\d)"', page)
    assert [c for c, _ in charts] == names and all(n == "2" for _, n in charts)
    assert page.count("<polyline") >= 2 * len(names)
    # The levers moved are in the table, the season of the change in bold.
    assert '<td class="changed">requisition</td>' in page
    # Every [n] points to a numbered source that is in the list.
    cited = set(re.findall(r'href="#source-(\d+)"', page))
    listed = set(re.findall(r'<li id="source-(\d+)">', page))
    assert cited and cited == listed


def test_text_from_a_save_is_escaped_and_its_controls_shown(klass: Path) -> None:
    page = game_html(open_for_report(load_save(klass / "vera.json", RULES)))
    assert "<script>alert" not in page and "\x1b" not in page and "\u202e" not in page
    assert "Vera &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; \\x1b[2J\\u202e" in page


def test_the_class_page_sets_everyone_side_by_side(klass: Path) -> None:
    entries = read_class(klass, RULES)
    page = class_html(klass, entries)
    no_network(page)
    assert "<script>alert" not in page
    for name in ("Anna", "Boris", esc(HOSTILE)):
        assert name in page
    # Everyone's line (and history's) on each of the key charts, each ending in the student's number.
    charts = re.findall(r'<svg class="chart"[^>]*data-lines="(\d+)"', page)
    assert charts and all(n == "4" for n in charts)
    assert ">1</text>" in page and ">3</text>" in page
    # Who used requisition when: Vera for three seasons, Boris never.
    row = re.search(r"<h3>Emergency measures</h3>.*?</table>", page, re.S)
    assert row is not None
    assert "requisition from autumn 1927 to spring 1928 (3 seasons)" in row.group()
    assert re.search(r"<td>Boris</td><td class=\"num\">0</td><td class=\"quiet\">never</td>", row.group())


def test_runs_of_a_choice_are_told_as_stretches() -> None:
    played = [("1927-autumn", 1.0), ("1928-winter", 1.0), ("1928-spring", 0.0), ("1928-summer", 1.0), ("1928-autumn", 2.0)]
    assert runs(played, 0.0) == [(1.0, "1927-autumn", "1928-winter", 2), (1.0, "1928-summer", "1928-summer", 1),
                                 (2.0, "1928-autumn", "1928-autumn", 1)]


def test_the_class_csv_has_a_row_per_file_and_a_bad_file_says_why(klass: Path, tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    for path in klass.glob("*.json"):
        (folder / path.name).write_bytes(path.read_bytes())
    (folder / "broken.json").write_text('{"format": "smychka-save", "version": 3,')
    (folder / ".hidden.json").write_text("not read")
    entries = read_class(folder, RULES)
    rows = list(csv.reader(io.StringIO(class_csv(entries))))
    assert rows[0][:8] == ["file", "player", "scenario", "seed", "seasons played", "finished", "ending", "ending season"]
    by_file = {r[0]: dict(zip(rows[0], r)) for r in rows[1:]}
    assert sorted(by_file) == ["anna.json", "boris.json", "broken.json", "vera.json"]
    assert re.search(r"broken\.json:1:\d+: error: the save ends too early", by_file["broken.json"]["problem"])
    assert by_file["boris.json"]["Seasons of requisition"] == "0" and by_file["vera.json"]["Seasons of requisition"] == "3"
    assert by_file["vera.json"]["player"] == "Vera <script>alert('x')</script> & \\x1b[2J\\u202e"
    assert float(by_file["anna.json"]["Grain to the towns"]) > 0
    page = class_html(folder, entries)
    assert "Files left out" in page and "broken.json" in page and ".hidden.json" not in page


def test_a_name_that_starts_a_formula_is_quoted_in_the_csv(tmp_path: Path) -> None:
    from game.reports.klass import _cell

    assert _cell("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"
    assert _cell("-12") == "-12" and _cell("@me") == "'@me" and _cell("Anna") == "Anna"


def test_round_ticks_cover_the_values() -> None:
    assert nice_ticks(3.2, 47.9) == [0.0, 10.0, 20.0, 30.0, 40.0, 50.0]
    ticks = nice_ticks(32.5, 47.1)
    assert ticks[0] <= 32.5 and ticks[-1] >= 47.1 and len(ticks) <= 8
    assert nice_ticks(5.0, 5.0)[0] < 5.0 < nice_ticks(5.0, 5.0)[-1]


# --- the command ------------------------------------------------------------------------------


def test_report_writes_a_game_and_a_class(klass: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _ = run_main("report", str(klass / "anna.json"), "--html", str(tmp_path / "anna.html"))
    assert status == 0
    assert (tmp_path / "anna.html").read_text().startswith("<!DOCTYPE html>")
    assert "wrote the report of 1 game" in capsys.readouterr().err
    status, _ = run_main("report", str(klass), "--html", str(tmp_path / "class.html"), "--csv", str(tmp_path / "class.csv"))
    assert status == 0
    assert "Class report" in (tmp_path / "class.html").read_text()
    assert len((tmp_path / "class.csv").read_text().splitlines()) == 4
    # Written again over its own earlier reports: allowed.
    assert run_main("report", str(klass), "--html", str(tmp_path / "class.html"), "--csv", str(tmp_path / "class.csv"))[0] == 0


def test_report_to_standard_output(klass: Path) -> None:
    status, out = run_main("report", str(klass), "--csv", "-")
    assert status == 0 and out.startswith("file,player,scenario,seed,")
    status, _ = run_main("report", str(klass), "--csv", "-", "--html", "-")
    assert status == 1


def test_report_never_overwrites_a_file_that_is_not_a_report(klass: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    save = tmp_path / "precious.json"
    save.write_bytes((klass / "anna.json").read_bytes())
    before = save.read_bytes()
    status, _ = run_main("report", str(klass), "--html", str(save))
    assert status == 1
    assert "is not an HTML report written before; nothing was overwritten" in capsys.readouterr().err
    assert save.read_bytes() == before
    # Nor is anything written when the second output is refused.
    status, _ = run_main("report", str(klass), "--html", str(tmp_path / "new.html"), "--csv", str(save))
    assert status == 1 and not (tmp_path / "new.html").exists() and save.read_bytes() == before


def test_report_answers_bad_input_plainly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "smychka-save",\n "version": 3,\n "metadata": 12}')
    status, _ = run_main("report", str(broken), "--html", str(tmp_path / "out.html"))
    err = capsys.readouterr().err
    assert status == 1 and re.search(r"broken\.json:\d+:\d+: error: ", err) and "Traceback" not in err
    assert not (tmp_path / "out.html").exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run_main("report", str(empty), "--html", str(tmp_path / "out.html"))[0] == 1
    assert "no save in" in capsys.readouterr().err
    assert run_main("report", str(tmp_path / "missing.json"), "--html", str(tmp_path / "out.html"))[0] == 1
    assert "file not found" in capsys.readouterr().err
    assert run_main("report", str(broken))[0] == 2
    assert "report needs --html FILE or --csv FILE" in capsys.readouterr().err


def test_report_writes_only_to_files_devices_it_may_and_standard_output(klass: Path, tmp_path: Path,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "a-folder"
    folder.mkdir()
    assert run_main("report", str(klass), "--html", str(folder))[0] == 1
    assert "is a folder" in capsys.readouterr().err
    target = tmp_path / "elsewhere.html"
    target.write_text("<!DOCTYPE html><p>someone else's page</p>")
    link = tmp_path / "link.html"
    link.symlink_to(target)
    assert run_main("report", str(klass), "--html", str(link))[0] == 1
    assert "symbolic link" in capsys.readouterr().err and "someone else's page" in target.read_text()
    assert run_main("report", str(klass), "--html", "/dev/null")[0] == 0


def test_a_save_without_a_name_is_headed_as_such_and_a_change_of_rules_is_told_in_words(tmp_path: Path) -> None:
    from game.saves import save_game
    from game.session import Session
    from tests.conftest import build_scenario, lever, variable

    def rules(factor: int, keep: float) -> Session:
        parameters = {"keep": {"value": keep, "min": 0, "max": 1, "description": "Share of the grain kept for seed. A guess."}}
        scn = build_scenario(tmp_path, {"grain": variable(f"prev(grain) * keep + {factor} * sown", initial=0, label="Grain in store")},
                             levers={"sown": lever(default=5)}, parameters=parameters, scenario={"seasons": 4})
        return Session(scn, 7)

    session = rules(1, 0.5)
    session.end_season()
    path = save_game(session, tmp_path / "game-3.json")
    rules(2, 0.6)
    page = game_html(open_for_report(load_save(path, tmp_path)))
    assert "<h1>No player&#x27;s name given (save game-3.json)</h1>" in page
    assert ("The rule set changed since this game was saved; parameters changed: “Share of the grain kept for seed” 0.5 → 0.6; "
            "formulas changed: Grain in store; this report reads") in page
    assert "variables.grain" not in page and "keep 0.5" not in page
