"""Hostile formulas: every one is refused by ``parse`` with a FormulaError that says why and where,
quickly, and without anything being executed."""

from __future__ import annotations

import builtins
import sys
import time
from typing import Any

import pytest

from game.formula import MAX_DEPTH, MAX_LENGTH, FormulaError, expression_function, make_function, parse, to_python
from game.formula.compiler import item
from tests.formula.helpers import assert_inside

# (id, formula, a phrase the message must contain, expected (line, col) or None)
HOSTILE: list[tuple[str, Any, str, tuple[int, int] | None]] = [
    # attributes and dunders
    ("attribute-dunder", "a.__class__", "attribute access", (1, 0)),
    ("attribute-late", "x + a.b", "attribute access", (1, 4)),
    ("subclasses-escape", "().__class__.__bases__[0].__subclasses__()", "only the built-in functions can be called", (1, 0)),
    ("method-call", "a.b(1)", "only the built-in functions can be called", (1, 0)),
    ("attribute-line-2", "1 +\n  a.b", "attribute access", (2, 2)),
    # imports
    ("dunder-import", "__import__('os')", "unknown function '__import__'", (1, 0)),
    ("import-statement", "import os", "not a valid formula", (1, 0)),
    ("import-system", "__import__('os').system('true')", "only the built-in functions can be called", (1, 0)),
    # calls of functions that are not in the language
    ("open", "open('x')", "unknown function 'open'", (1, 0)),
    ("eval", "eval('1')", "unknown function 'eval'", (1, 0)),
    ("exec", "exec('1')", "unknown function 'exec'", (1, 0)),
    ("getattr", "getattr(a, 'b')", "unknown function 'getattr'", (1, 0)),
    ("print", "print(1)", "unknown function 'print'", (1, 0)),
    ("globals", "globals()", "unknown function 'globals'", (1, 0)),
    ("call-late", "1 +\n  open(1)", "unknown function 'open'", (2, 2)),
    ("fullwidth-open", "\uff4f\uff50\uff45\uff4e('x')", "unknown function 'open'", (1, 0)),
    ("call-a-call", "max(a, b)(1)", "only the built-in functions can be called", (1, 0)),
    ("helper-name", "_f_exp(1)", "unknown function '_f_exp'", (1, 0)),
    # lambdas, comprehensions, generators
    ("lambda", "lambda: 1", "lambda not allowed", (1, 0)),
    ("lambda-called", "(lambda: 1)()", "only the built-in functions can be called", (1, 0)),
    ("list-comprehension", "[x for x in a]", "comprehensions not allowed", (1, 0)),
    ("set-comprehension", "{x for x in a}", "comprehensions not allowed", (1, 0)),
    ("dict-comprehension", "{x: 1 for x in a}", "comprehensions not allowed", (1, 0)),
    ("generator-argument", "max(1, (x for x in a))", "comprehensions not allowed", (1, 7)),
    ("generator-bare", "x for x in a", "comprehensions not allowed", (1, 0)),
    # containers
    ("list", "[1, 2]", "lists not allowed", (1, 0)),
    ("tuple", "1, 2", "tuples not allowed", (1, 0)),
    ("set", "{1}", "sets not allowed", (1, 0)),
    ("dict", "{1: 2}", "dictionaries not allowed", (1, 0)),
    ("dict-unpacking", "{**a}", "dictionaries not allowed", (1, 0)),
    ("comment-escapes-wrapper", "# (\n1), (2 #)", "tuples not allowed", None),
    # subscripts and slices
    ("subscript", "a[0]", "subscripts", (1, 0)),
    ("slice", "a[1:2]", "subscripts", (1, 0)),
    ("slice-step", "a[::-1]", "subscripts", (1, 0)),
    # strings
    ("f-string", "f'{a}'", "strings not allowed", (1, 0)),
    ("string", "'abc'", "strings not allowed", (1, 0)),
    ("bytes", "b'abc'", "strings not allowed", (1, 0)),
    ("string-argument", "max(1, 'a')", "strings not allowed", (1, 7)),
    # assignments and statements
    ("walrus", "(a:=1)", "assignment (':=')", (1, 1)),
    ("walrus-in-condition", "1 if (x := 2) else 3", "assignment (':=')", (1, 6)),
    ("assign", "a = 1", "not a valid formula", (1, 0)),
    ("augmented-assign", "a += 1", "not a valid formula", (1, 2)),
    ("two-statements", "a; b", "not a valid formula", (1, 1)),
    ("del", "del a", "not a valid formula", (1, 0)),
    ("global", "global a", "not a valid formula", (1, 0)),
    ("def", "async def f(): pass", "not a valid formula", (1, 0)),
    ("print-statement", "print 1", "not a valid formula", (1, 0)),
    ("yield", "yield 1", "yield not allowed", (1, 0)),
    ("yield-from", "yield from a", "yield not allowed", (1, 0)),
    ("await", "await a", "await not allowed", (1, 0)),
    # huge numbers and exponents
    ("power-tower", "9**9**9", "exponent must be a number or a parameter", (1, 3)),
    ("two-to-1000", "2**1000", "exponent 1000 is too large", (1, 3)),
    ("ten-to-400", "10**400", "exponent 400 is too large", (1, 4)),
    ("exponent-late", "x + 2**1000", "exponent 1000 is too large", (1, 7)),
    ("exponent-fraction", "a ** 16.5", "exponent 16.5 is too large", (1, 5)),
    ("exponent-negative", "a ** -17", "is too large", (1, 5)),
    ("exponent-infinite", "2 ** 1e999", "too large", (1, 5)),
    ("exponent-expression", "a ** (b + 1)", "exponent must be a number or a parameter", (1, 6)),
    ("exponent-prev", "a ** prev(b)", "exponent must be a number or a parameter", (1, 5)),
    ("huge-int", "9" * 400, "number is too large", (1, 0)),
    ("huge-hex", "0x" + "f" * 300, "number is too large", (1, 0)),
    ("huge-int-late", "1 + " + "9" * 400, "number is too large", (1, 4)),
    ("1e999", "1e999", "too large", (1, 0)),
    ("complex", "1j", "the constant 1j not allowed", (1, 0)),
    ("complex-sum", "a + 2j", "not allowed", (1, 4)),
    ("none", "None", "the constant None not allowed", (1, 0)),
    ("ellipsis", "...", "the constant Ellipsis not allowed", (1, 0)),
    # size and depth
    ("1000-parentheses", "(" * 999 + "1" + ")" * 999, f"more than {MAX_DEPTH} brackets deep", (1, MAX_DEPTH)),
    ("1000-parentheses-too-long", "(" * 1000 + "1" + ")" * 1000, "characters long", (1, 0)),
    ("100-kb", "1+" * 50_000 + "1", "characters long", (1, 0)),
    ("unary-chain", "- " * 999 + "1", f"nested more than {MAX_DEPTH} levels", None),
    ("unary-chain-tight", "-" * 1999 + "1", f"nested more than {MAX_DEPTH} levels", None),
    ("not-chain", "not " * 499 + "1", f"nested more than {MAX_DEPTH} levels", None),
    ("sum-chain", "1+" * 999 + "1", f"nested more than {MAX_DEPTH} levels", None),
    ("nested-calls", "abs(" * MAX_DEPTH + "1" + ")" * MAX_DEPTH, f"nested more than {MAX_DEPTH} levels", None),
    # arguments
    ("starred", "max(*a)", "positional arguments only", (1, 0)),
    ("starred-bare", "(*a)", "not a valid formula", None),
    ("keyword", "max(a, b=1)", "positional arguments only", (1, 0)),
    ("double-star", "max(**a)", "positional arguments only", (1, 0)),
    ("min-one-argument", "min(1)", "min() takes at least 2 arguments, found 1", (1, 0)),
    ("clamp-two-arguments", "clamp(1, 2)", "clamp() takes 3 arguments, found 2", (1, 0)),
    ("abs-two-arguments", "abs(1, 2)", "abs() takes 1 argument, found 2", (1, 0)),
    ("log-no-arguments", "log()", "log() takes 1 argument, found 0", (1, 0)),
    ("prev-expression", "prev(a+1)", "prev() takes exactly one name", (1, 0)),
    ("prev-two", "prev(a, b)", "prev() takes exactly one name", (1, 0)),
    ("prev-underscore", "prev(__builtins__)", "may not start with '_'", (1, 5)),
    ("prev-function", "prev(min)", "'min' is a function", (1, 5)),
    ("function-as-name", "min + 1", "'min' is a function", (1, 0)),
    ("prev-as-name", "prev", "'prev' is a function", (1, 0)),
    # operators
    ("bit-or", "a | b", "operator '|' is not allowed", (1, 0)),
    ("bit-and", "a & b", "operator '&' is not allowed", (1, 0)),
    ("bit-xor", "a ^ b", "operator '^' is not allowed", (1, 0)),
    ("shift-left", "1 << 100000", "operator '<<' is not allowed", (1, 0)),
    ("shift-right", "a >> 1", "operator '>>' is not allowed", (1, 0)),
    ("matmul", "a @ b", "operator '@' is not allowed", (1, 0)),
    ("floor-division", "a // b", "operator '//' is not allowed", (1, 0)),
    ("invert", "~a", "operator '~' is not allowed", (1, 0)),
    ("is", "a is b", "comparison 'is' is not allowed", (1, 0)),
    ("is-not", "a is not b", "comparison 'is not' is not allowed", (1, 0)),
    ("in", "a in b", "comparison 'in' is not allowed", (1, 0)),
    ("not-in", "a not in b", "comparison 'not in' is not allowed", (1, 0)),
    ("chained-is", "a < b is c", "comparison 'is' is not allowed", (1, 0)),
    # names
    ("builtins", "__builtins__", "may not start with '_'", (1, 0)),
    ("underscore", "a + _secret", "may not start with '_'", (1, 4)),
    ("dunder-class", "__class__", "may not start with '_'", (1, 0)),
    # brackets
    ("unclosed", "(a", "opened and never closed", (1, 2)),
    ("unmatched-close", "a)", "unmatched ')'", (1, 1)),
    ("unmatched-square", "a]", "unmatched ']'", (1, 1)),
    ("unmatched-line-2", "a +\n b)", "unmatched ')'", (2, 2)),
    ("close-then-open", ")(", "unmatched ')'", (1, 0)),
    # empty and malformed text
    ("empty", "", "formula is empty", (1, 0)),
    ("whitespace", "   \n\t  \n", "formula is empty", (1, 0)),
    ("comment-only", "# nothing here", "formula is empty", (1, 0)),
    ("backslash-only", "\\", "formula is empty", (1, 0)),
    ("trailing-operator", "a -", "not a valid formula", (1, 3)),
    ("continuation-error", "a +\\\n b +\\\n $", "not a valid formula", (3, 1)),
    ("trailing-operator-multiline", "a +\n  b +\n  ", "not a valid formula", (3, 2)),
    ("if-without-else", "a if b", "not a valid formula", (1, 0)),
    ("backquote", "`a`", "not a valid formula", (1, 0)),
    ("null-byte", "1\x00", "not a valid formula", (1, 0)),
    ("lone-surrogate", "\ud800", "not a valid formula", (1, 0)),
    ("unknown-function-suggestion", "clmap(a, 0, 1)", "did you mean 'clamp'?", (1, 0)),
    # not text at all
    ("none-input", None, "must be text, found NoneType", (1, 0)),
    ("int-input", 1, "must be text, found int", (1, 0)),
    ("bytes-input", b"1 + 1", "must be text, found bytes", (1, 0)),
    ("list-input", ["a"], "must be text, found list", (1, 0)),
]


@pytest.mark.parametrize(("source", "phrase", "where"), [c[1:] for c in HOSTILE], ids=[c[0] for c in HOSTILE])
def test_hostile_formula_is_refused_quickly_with_message_and_position(source: Any, phrase: str, where: tuple[int, int] | None) -> None:
    start = time.perf_counter()
    with pytest.raises(FormulaError) as info:
        parse(source)
    elapsed = time.perf_counter() - start
    assert elapsed < 1.0, f"parse took {elapsed:.3f} s"
    err = info.value
    assert phrase in err.message
    assert str(err) == err.message
    assert_inside(err, source)
    if where is not None:
        assert (err.line, err.col) == where


def test_there_are_at_least_thirty_hostile_formulas() -> None:
    assert len(HOSTILE) >= 30
    assert len({c[0] for c in HOSTILE}) == len(HOSTILE)


def test_formula_error_is_a_value_error_with_position() -> None:
    err = FormulaError("boom", 3, 7)
    assert isinstance(err, ValueError)
    assert (err.message, err.line, err.col) == ("boom", 3, 7)
    assert (FormulaError("x").line, FormulaError("x").col) == (1, 0)


def test_length_limit_is_exact() -> None:
    longest = "1" + "+1" * ((MAX_LENGTH - 1) // 2)
    assert len(longest) <= MAX_LENGTH
    # A flat sum this long is too deep, but it is refused for its depth, not its length.
    with pytest.raises(FormulaError, match="levels deep"):
        parse(longest)
    padded = "1" + " " * (MAX_LENGTH - 1)
    assert parse(padded).source == padded
    with pytest.raises(FormulaError, match="characters long"):
        parse(padded + " ")


def test_bracket_depth_limit_is_exact() -> None:
    assert parse("(" * MAX_DEPTH + "a" + ")" * MAX_DEPTH).names == ("a",)
    with pytest.raises(FormulaError, match="brackets deep"):
        parse("(" * (MAX_DEPTH + 1) + "a" + ")" * (MAX_DEPTH + 1))


# --- nothing is executed ---------------------------------------------------------------------

_PWNED = "untouched"

_tripped: list[str] = []
_watching = False


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _watching and (event in {"exec", "open", "os.system", "subprocess.Popen", "os.remove", "os.rename"} or event.startswith(("os.exec", "os.posix_spawn", "ctypes"))):
        _tripped.append(event)


sys.addaudithook(_audit)  # audit hooks cannot be removed; this one only records while _watching


def _side_effect_formulas(path: str) -> list[str]:
    return [
        f"open({path!r}, 'w').write('x')",
        f"__import__('builtins').open({path!r}, 'w')",
        f"__import__('os').system('touch {path}')",
        f"exec(\"open({path!r}, 'w')\")",
        f"eval(\"__import__('os').system('touch {path}')\")",
        "globals().update(_PWNED='pwned')",
        "exec('global _PWNED; _PWNED = 1')",
        "__import__('sys').modules[__name__].__dict__.update(_PWNED=2)",
        f"[open({path!r}, 'w') for _ in (1,)]",
        f"(lambda: open({path!r}, 'w'))()",
        f"(f := open({path!r}, 'w'))",
        f"max(1, 2) if open({path!r}, 'w') else 0",
        "setattr(__import__(__name__), '_PWNED', 3)",
        f"a.__class__.__base__.__subclasses__()[0].__init__.__globals__['open']({path!r}, 'w')",
    ]


def test_hostile_formulas_execute_nothing(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    global _watching
    target = tmp_path / "pwned"
    called: list[str] = []
    real_compile = builtins.compile

    def only_ast_compile(source: Any, filename: Any, mode: str, flags: int = 0, *args: Any, **kwargs: Any) -> Any:
        # ast.parse goes through compile() with PyCF_ONLY_AST; anything else would build code.
        if not flags & 0x400:  # ast.PyCF_ONLY_AST
            called.append("compile")
        return real_compile(source, filename, mode, flags, *args, **kwargs)

    def tripwire(name: str) -> Any:
        def trip(*args: Any, **kwargs: Any) -> None:
            called.append(name)
            raise AssertionError(f"{name} called while parsing")

        return trip

    monkeypatch.setattr(builtins, "compile", only_ast_compile)
    for name in ("eval", "exec", "open"):
        monkeypatch.setattr(builtins, name, tripwire(name))
    formulas = _side_effect_formulas(str(target)) + [c[1] for c in HOSTILE]
    _tripped.clear()
    _watching = True
    try:
        for source in formulas:
            with pytest.raises(FormulaError):
                parse(source)
    finally:
        _watching = False
    monkeypatch.undo()
    assert called == []
    assert _tripped == []
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []
    assert _PWNED == "untouched"


def test_compiled_functions_have_no_builtins() -> None:
    formula = parse("a + 1")
    fn = expression_function("f", ["V"], to_python(formula, lambda n: item("V", 0), lambda n: item("O", 0)), "<test>")
    assert fn([2.0]) == 3.0
    assert fn.__globals__["__builtins__"] == {}
    assert fn.__builtins__ == {}  # type: ignore[attr-defined]
    assert not {"open", "__import__", "eval", "exec", "getattr", "compile"} & set(fn.__globals__)
    assert all(key.startswith("_") for key in fn.__globals__)
    # Each function has its own globals: one cannot plant something for another.
    other = expression_function("g", ["V"], to_python(formula, lambda n: item("V", 0), lambda n: item("O", 0)), "<test>")
    assert other.__globals__ is not fn.__globals__


def _generated(body_source: str) -> Any:
    import ast

    stmts = ast.parse(body_source).body
    for number, stmt in enumerate(stmts, start=2):
        stmt.lineno = number
    return make_function("f", ["V"], stmts, "<test>")


def test_generated_code_cannot_reach_open_or_import(tmp_path: Any) -> None:
    target = tmp_path / "pwned"
    with pytest.raises(NameError, match="open"):
        _generated(f"return open({str(target)!r}, 'w')")([0.0])
    with pytest.raises(NameError, match="__import__"):
        _generated("return __import__('os')")([0.0])
    with pytest.raises(ImportError):
        _generated("import os\nreturn os")([0.0])
    with pytest.raises(NameError, match="len"):
        _generated("return len(V)")([0.0])
    assert not target.exists()
