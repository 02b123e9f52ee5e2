"""Figures of the instructor's reports (issue 15): the time to build the HTML of one game and of
a class of N games, their sizes, and how long headless Chromium takes to load each and to print
it to PDF. Prints; asserts nothing.

    .venv/bin/python bench/reports_bench.py [N]      (default: a class of 30)

The class is N games of procurement-crisis-1927 from its seed, each with its own grain price
(so that the lines differ), saved to a temporary folder.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.machine import header, report, timed  # noqa: E402
from game.reports import class_csv, class_html, game_html, open_for_report, read_class  # noqa: E402
from game.saves import load_save, save_game  # noqa: E402
from tests.chromium import Browser, chromium_path  # noqa: E402
from tests.reports_fixtures import play, scenario  # noqa: E402

RULES = ROOT / "rules"


def main(size: int) -> None:
    header(f"The instructor's reports: one game, and a class of {size}")
    scn = scenario()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "class"
        folder.mkdir()
        start = time.perf_counter()
        for i in range(size):
            price = 100 + 5 * (i % 17)
            session = play(scn, {0: {"procurement_price": price}, 4 + i % 3: {"emergency_measures": i % 2}})
            save_game(session, folder / f"student-{i + 1:02d}.json", player=f"Student {i + 1}")
        print(f"{size} games played and saved in {time.perf_counter() - start:.1f} s")
        one = folder / "student-01.json"
        game = timed(lambda: game_html(open_for_report(load_save(one, RULES))), runs=3)
        report("one game: read the save and build the page", game, 3)
        klass = timed(lambda: class_html(folder, read_class(folder, RULES)), runs=1, warm=0)
        report(f"a class of {size}: read every save and build the page", klass, 1)
        csv = timed(lambda: class_csv(read_class(folder, RULES)), runs=1, warm=0)
        report(f"a class of {size}: the CSV", csv, 1)
        pages = {"one game": Path(tmp) / "game.html", f"class of {size}": Path(tmp) / "class.html"}
        pages["one game"].write_text(game_html(open_for_report(load_save(one, RULES))), encoding="utf-8")
        pages[f"class of {size}"].write_text(class_html(folder, read_class(folder, RULES)), encoding="utf-8")
        for name, path in pages.items():
            print(f"{name}: {path.stat().st_size:,} bytes of HTML")
        if chromium_path() is None:
            print("no Chromium: the browser figures are left out")
            return
        with Browser.start() as browser:
            for name, path in pages.items():
                page = browser.open(path)
                loaded = page.load_seconds
                page.emulate_print()
                started = time.perf_counter()
                pdf = page.pdf()
                printed = time.perf_counter() - started
                errors = page.console_errors()
                print(f"{name}: loaded in Chromium in {loaded * 1000:,.0f} ms; printed to a {len(pdf):,}-byte PDF in "
                      f"{printed * 1000:,.0f} ms; {len(errors)} console error(s)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 30)
