"""What a student reads in the window: seasons in words (never their ids), a change that is the
difference of the two values written, no id in a rule shown."""

from __future__ import annotations

import re
from decimal import Decimal

from game.present.seasons import season_label
from game.ui.inspect import find, visible_texts
from game.ui.scenes.why import colour_legend
from tests.ui.conftest import save_png
from tests.ui.test_why import open_why, played

SEASON_ID = re.compile(r"\b1[89]\d\d-(winter|spring|summer|autumn)\b")


def _decimal(text: str) -> Decimal:
    return Decimal(re.match(r"[+−-]?\d+(\.\d+)?", text.replace("−", "-")).group(0))


def test_the_why_view_names_seasons_in_words_and_its_change_is_the_difference_shown(make_app) -> None:
    app = make_app()
    session = played(app, seasons=6)
    scene = open_why(app, "alliance")
    save_png(app, "why-words")
    texts = visible_texts(app)
    assert not SEASON_ID.search(texts), SEASON_ID.search(texts)
    assert season_label(session.history[session.turn].season) in texts
    match = re.search(r"from (\S+) to (\S+)", texts)
    change = re.search(r"([+−]\S+|no change) in (winter|spring|summer|autumn) \d{4} \(since ", texts)
    assert match is not None and change is not None, texts
    before, after = _decimal(match.group(1)), _decimal(match.group(2))
    if change.group(1) == "no change":
        assert before == after
    else:
        assert after - before == _decimal(change.group(1)), (match.group(0), change.group(1))
    assert "Formula:" in find(app, "about").html_text
    assert not re.search(r"\w_\w", texts)  # no rule id anywhere on the screen
    del scene


def test_the_legend_says_which_way_is_better_in_plain_words(make_app) -> None:
    app = make_app()
    session = played(app)
    words = [w for _, w in colour_legend(session.scenario.ruleset, "alliance", app.palette)]
    assert words[0] == "helped (the higher, the better)"
