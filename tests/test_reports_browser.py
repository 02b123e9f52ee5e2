"""The reports in a real headless Chromium: they render without a console error, every chart is
drawn (its lines have length on the page), nothing is fetched from anywhere, and in print layout
the charts and tables stay on the page and the PDF has pages.

Skipped when Chromium is missing on a developer's machine; on CI (CI=true) a missing Chromium
fails, and .ci/run installs it first.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from game.reports import class_html, game_html, open_for_report, read_class
from game.reports.game import chart_variables
from game.saves import load_save
from tests.chromium import Browser, require_chromium
from tests.conftest import ROOT, RULES
from tests.reports_fixtures import write_class

pytestmark = pytest.mark.slow
OUT = ROOT / "out" / "reports"  # the pictures and PDFs, to look at

# What the page says of its charts: how many, and the drawn length of each one's lines.
CHARTS = """JSON.stringify([...document.querySelectorAll('svg.chart')].map(svg => ({
  id: svg.dataset.chart, lines: Number(svg.dataset.lines),
  drawn: [...svg.querySelectorAll('polyline')].map(p => p.getTotalLength()),
  box: svg.getBoundingClientRect().height})))"""


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    require_chromium()
    folder = tmp_path_factory.mktemp("class")
    write_class(folder)
    out = tmp_path_factory.mktemp("pages")
    game = out / "vera.html"
    game.write_text(game_html(open_for_report(load_save(folder / "vera.json", RULES))), encoding="utf-8")
    klass = out / "class.html"
    klass.write_text(class_html(folder, read_class(folder, RULES)), encoding="utf-8")
    return {"game": game, "class": klass, "folder": folder}


@pytest.fixture(scope="module")
def browser(pages: dict[str, Path]):  # noqa: ANN201
    with Browser.start() as b:
        yield b


def charts_of(page) -> list[dict]:  # noqa: ANN001
    import json

    return json.loads(page.evaluate(CHARTS))


def test_the_game_report_renders_with_every_chart(browser: Browser, pages: dict[str, Path]) -> None:
    page = browser.open(pages["game"])
    assert page.console_errors() == []
    assert page.requests() == [pages["game"].resolve().as_uri()]  # nothing but the page itself
    session = open_for_report(load_save(pages["folder"] / "vera.json", RULES)).session
    charts = charts_of(page)
    assert [c["id"] for c in charts] == chart_variables(session)
    for chart in charts:
        assert chart["box"] > 150, chart["id"]
        assert len(chart["drawn"]) >= 2 and all(length > 50 for length in chart["drawn"]), chart
    assert page.evaluate("document.querySelector('#sources li') !== null")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "game.png").write_bytes(page.png())
    print(f"\ngame report: {pages['game'].stat().st_size:,} bytes, loaded in Chromium in {page.load_seconds * 1000:.0f} ms")


def test_the_class_report_renders_everyone_on_each_chart(browser: Browser, pages: dict[str, Path]) -> None:
    page = browser.open(pages["class"])
    assert page.console_errors() == []
    assert page.requests() == [pages["class"].resolve().as_uri()]
    charts = charts_of(page)
    assert len(charts) == 3
    for chart in charts:
        assert chart["lines"] == 4 and len(chart["drawn"]) == 4 and min(chart["drawn"]) > 50, chart
    names = page.evaluate("[...document.querySelectorAll('tbody tr td:nth-child(2)')].slice(0, 3).map(td => td.textContent).join('|')")
    assert names.startswith("Anna|Boris|Vera <script>")  # the name shown as text, never run
    assert page.evaluate("document.querySelectorAll('script').length") == 0
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "class.png").write_bytes(page.png())
    print(f"\nclass report: {pages['class'].stat().st_size:,} bytes, loaded in Chromium in {page.load_seconds * 1000:.0f} ms")


@pytest.mark.parametrize("which", ["game", "class"])
def test_the_reports_print(browser: Browser, pages: dict[str, Path], which: str) -> None:
    page = browser.open(pages[which], width=794)  # an A4 page's width at 96 dpi
    page.emulate_print()
    assert page.evaluate("matchMedia('print').matches") is True
    # In print the charts stack one under the other, whole, no wider than the page.
    charts = charts_of(page)
    assert charts and all(c["box"] > 100 for c in charts)
    widths = page.evaluate("JSON.stringify([...document.querySelectorAll('svg.chart, table')].map(e => e.getBoundingClientRect().right))")
    assert max(float(w) for w in re.findall(r"[\d.]+", widths)) <= 794 + 1
    pdf = page.pdf()
    assert pdf.startswith(b"%PDF")
    pages_count = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages_count >= 2
    assert page.console_errors() == []
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"{which}.pdf").write_bytes(pdf)
    print(f"\n{which} report printed: {pages_count} A4 page(s), {len(pdf):,} bytes of PDF")


def test_the_browser_check_catches_a_page_that_fetches_and_fails(browser: Browser, tmp_path: Path) -> None:
    # The checks above could fail: a page with a missing picture and a script error is caught.
    bad = tmp_path / "bad.html"
    bad.write_text('<!DOCTYPE html><html><body><img src="missing.png"><script>undefined_name()</script></body></html>')
    page = browser.open(bad)
    errors = page.console_errors()
    assert any("undefined_name" in e for e in errors) and any("missing.png" in e or "ERR_FILE_NOT_FOUND" in e for e in errors)
    assert page.requests() == [bad.resolve().as_uri(), (tmp_path / "missing.png").as_uri()]
