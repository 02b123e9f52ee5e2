"""The locator on tricky TOML, and the season calendar."""

from __future__ import annotations

import tomllib

import pytest

from game.rules.locate import Locations, find_duplicate, locate
from game.rules.season import Season

# --- the locator -----------------------------------------------------------------------------


def where(text: str, *path: str | int, value: bool = False) -> tuple[int, int]:
    tomllib.loads(text)  # the locator only ever sees text tomllib accepted
    return locate(text).find(path, value=value)


def test_tables_keys_and_values() -> None:
    text = '# comment\n\n[variables.harvest]\nformula   =   "a + b"  # trailing\nmin = 0\n'
    assert where(text, "variables") == (3, 1)
    assert where(text, "variables", "harvest") == (3, 1)
    assert where(text, "variables", "harvest", "formula") == (4, 1)
    assert where(text, "variables", "harvest", "formula", value=True) == (4, 15)
    assert where(text, "variables", "harvest", "min", value=True) == (5, 7)


def test_missing_paths_fall_back_to_the_nearest_enclosing_key() -> None:
    text = "[a]\nb = 1\n"
    assert where(text, "a", "c", "d") == (1, 1)
    assert where(text, "a", "c", value=True) == (1, 1)
    assert where(text, "zzz") == (1, 1)
    assert Locations().find(("x",)) == (1, 1)


def test_dotted_keys() -> None:
    text = '[variables]\nharvest.formula = "x"\nharvest . min = 0\n"a.b".c = 1\n'
    assert where(text, "variables", "harvest") == (2, 1)
    assert where(text, "variables", "harvest", "formula", value=True) == (2, 19)
    assert where(text, "variables", "harvest", "min") == (3, 1)
    assert where(text, "variables", "harvest", "min", value=True) == (3, 17)
    assert where(text, "variables", "a.b", "c", value=True) == (4, 11)


def test_quoted_keys_and_headers() -> None:
    text = "[\"my table\".'x y']\n\"odd key\" = 1\n'lit' = 2\n"
    assert where(text, "my table", "x y") == (1, 1)
    assert where(text, "my table", "x y", "odd key", value=True) == (2, 13)
    assert where(text, "my table", "x y", "lit", value=True) == (3, 9)
    # escapes in a quoted key are resolved, as tomllib does
    assert where('"caf\\u00e9" = 1\n"a\\"b" = 2\n', "caf\u00e9", value=True) == (1, 15)
    assert where('"caf\\u00e9" = 1\n"a\\"b" = 2\n', 'a"b', value=True) == (2, 10)


def test_inline_tables_nested() -> None:
    text = 'source = { work = "w", inner = { lines = [1, 2] }, section = "s" }\n'
    assert where(text, "source", value=True) == (1, 10)
    assert where(text, "source", "work", value=True) == (1, 19)
    assert where(text, "source", "inner", "lines") == (1, 34)
    assert where(text, "source", "inner", "lines", 1, value=True) == (1, 46)
    assert where(text, "source", "section") == (1, 52)


def test_arrays_of_tables_with_nested_tables() -> None:
    text = (
        "[[history.season]]\nseason = \"1925-spring\"\n\n"
        "[[history.season]]\nseason = \"1926-spring\"\n"
        "[history.season.extra]\nx = 1\n"
        "[[history.season.sub]]\ny = 2\n"
        "[[history.season.sub]]\ny = 3\n"
        "[[history.season]]\nseason = \"1927-spring\"\n"
    )
    assert where(text, "history", "season", 0) == (1, 1)
    assert where(text, "history", "season", 0, "season", value=True) == (2, 10)
    assert where(text, "history", "season", 1) == (4, 1)
    assert where(text, "history", "season", 1, "extra", "x") == (7, 1)
    assert where(text, "history", "season", 1, "sub", 0, "y", value=True) == (9, 5)
    assert where(text, "history", "season", 1, "sub", 1, "y", value=True) == (11, 5)
    assert where(text, "history", "season", 2, "season") == (13, 1)


def test_arrays_spanning_lines_with_comments() -> None:
    text = (
        "sources = [  # the works\n"
        "  { work = \"a\", section = \"x\" },   # first\n"
        "  # a comment line with ] and , in it\n"
        "  { work = \"b\", section = \"y\" },\n"
        "]\n"
        "after = [\"]\", ',', \"\"\"a\n]\"\"\", [1, [2, 3]]]\n"
        "last = 1\n"
    )
    assert where(text, "sources", 0, "work", value=True) == (2, 12)
    assert where(text, "sources", 1) == (4, 3)
    assert where(text, "sources", 1, "section", value=True) == (4, 27)
    assert where(text, "after", 1, value=True) == (6, 15)
    assert where(text, "after", 3, 1, 0, value=True) == (7, 12)
    assert where(text, "last") == (8, 1)


def test_positions_inside_strings() -> None:
    text = 'formula = "a + bb"\nbasic = """\nx +\n  yy"""\nliteral = \'\'\'p + q\'\'\'\nescaped = "a\\t+ b"\n'
    loc = locate(text)
    # one-line string: column 0 inside the text is just after the quote
    assert loc.inside(("formula",), 1, 4) == (1, 16)
    # a multi-line string starts on the line after the opening quotes
    assert loc.inside(("basic",), 1, 0) == (3, 1)
    assert loc.inside(("basic",), 2, 2) == (4, 3)
    assert loc.inside(("literal",), 1, 4) == (5, 18)
    # escapes break the one-to-one mapping: the string itself is shown
    assert loc.inside(("escaped",), 1, 4) == (6, 11)
    # and a path that is no string falls back to the nearest key's value
    assert loc.inside(("nothing",), 1, 3) == (1, 1)


def test_multi_line_string_with_line_ending_backslash_is_not_exact() -> None:
    text = 'f = """\\\n   a + b"""\n'
    assert locate(text).inside(("f",), 1, 2) == (1, 5)


def test_multi_line_string_ending_in_quotes() -> None:
    text = 'a = """x "quoted"""""\nb = 2\n'
    assert tomllib.loads(text)["a"] == 'x "quoted""'
    assert where(text, "b", value=True) == (2, 5)


def test_crlf_line_endings() -> None:
    text = '[t]\r\nf = """\r\nx +\r\n  y"""\r\ng = 1\r\n'
    loc = locate(text)
    assert loc.find(("t", "g"), value=True) == (5, 5)
    assert loc.inside(("t", "f"), 2, 2) == (4, 3)


def test_non_ascii_columns_count_characters() -> None:
    text = 'title = "Über"\nx = "é" ; y = 1\n'.replace(" ; ", "\n")
    assert where(text, "y", value=True) == (3, 5)
    assert where("a = \"日本\"\nb = { c = \"é\", d = 2 }\n", "b", "d", value=True) == (2, 20)


def test_find_duplicate() -> None:
    path, first, again, header = find_duplicate("[t]\na = 1\n\n[u]\n[t]")  # type: ignore[misc]
    assert (path, first.key_line, again.key_line, header) == (("t",), 1, 5, True)
    path, first, again, header = find_duplicate("[t]\na = 1\n b = 2\n a = 3")  # type: ignore[misc]
    assert (path, (first.key_line, first.key_col), (again.key_line, again.key_col), header) == (("t", "a"), (2, 1), (4, 2), False)
    assert find_duplicate("[a.b]\n[a]\nc = 1") is None  # declaring a parent later is allowed
    assert find_duplicate("[[a]]\nb = 1\n[[a]]\nb = 2") is None


# --- seasons ---------------------------------------------------------------------------------


def test_season_parse_and_print() -> None:
    assert Season.parse("1927-autumn") == Season(1927, 3)
    assert Season.parse("1925-winter").name == "winter"
    assert str(Season(1923, 1)) == "1923-spring"
    assert str(Season.parse("0999-summer")) == "0999-summer"  # four digits, so that it reads back (and a save holds it)


@pytest.mark.parametrize("text", ["1927-Autumn", "1927-fall", "27-autumn", "1927 autumn", "1927-autumn\n", " 1927-autumn",
                                  "\uff11\uff19\uff12\uff17-autumn", "", "1927-autumnal"])
def test_season_parse_rejects(text: str) -> None:
    with pytest.raises(ValueError) as info:
        Season.parse(text)
    assert str(info.value) == f"expected a season like '1927-autumn' (YYYY-winter|spring|summer|autumn), found {text!r}"


def test_season_parse_rejects_non_text() -> None:
    with pytest.raises(ValueError):
        Season.parse(1927)  # type: ignore[arg-type]


def test_season_arithmetic() -> None:
    spring = Season(1925, 1)
    assert spring.plus(0) == spring
    assert spring.plus(3) == Season(1926, 0)
    assert spring.plus(7) == Season(1927, 0)
    assert spring.plus(-2) == Season(1924, 3)
    assert Season(1927, 0).minus(spring) == 7
    assert spring.minus(Season(1927, 0)) == -7
    assert spring.plus(41).minus(spring) == 41
    assert Season(1924, 3) < spring < Season(1925, 2) <= Season(1925, 2)
    assert sorted([Season(1926, 0), Season(1925, 3), Season(1925, 1)]) == [Season(1925, 1), Season(1925, 3), Season(1926, 0)]
