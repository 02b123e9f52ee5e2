"""Turn validated formulas into Python functions, once, at load time.

A :class:`~game.formula.parser.Formula` has already passed the whitelist. Here its tree is
rewritten into a fresh Python expression tree in which every name is replaced by whatever the
caller resolves it to (for instance ``V[12]``), every number becomes a float, ``**`` becomes a
safe power function and calls go to the implementations in :mod:`game.formula.functions`. The
tree is compiled to a code object and wrapped in a function whose globals hold only those
helpers: no builtins, no modules. Source text is never evaluated.
"""

from __future__ import annotations

import ast
import copy
import types
from collections.abc import Callable, Sequence
from typing import Any

from game.formula.functions import FUNCTIONS, PREV, safe_pow
from game.formula.parser import Formula

Resolver = Callable[[str], ast.expr]

_HELPERS: dict[str, Any] = {f"_f_{name}": spec.run for name, spec in FUNCTIONS.items()}
_HELPERS["_f_pow"] = safe_pow
_HELPERS["_float"] = float
_HELPERS["_truth"] = lambda x: 1.0 if x else 0.0
_HELPERS["__builtins__"] = {}


def to_python(formula: Formula, resolve: Resolver, resolve_prev: Resolver) -> ast.expr:
    """A Python expression tree for ``formula`` with names replaced by ``resolve(name)`` and
    ``prev(name)`` by ``resolve_prev(name)``."""
    rewritten: ast.expr = _Rewriter(resolve, resolve_prev).visit(copy.deepcopy(formula.tree))
    return rewritten


class _Rewriter(ast.NodeTransformer):
    def __init__(self, resolve: Resolver, resolve_prev: Resolver) -> None:
        self.resolve = resolve
        self.resolve_prev = resolve_prev

    def visit_Constant(self, node: ast.Constant) -> ast.expr:
        value = node.value  # the parser admits only numbers and booleans
        assert isinstance(value, (int, float))
        return ast.Constant(float(value))

    def visit_Name(self, node: ast.Name) -> ast.expr:
        return self.resolve(node.id)

    def visit_BinOp(self, node: ast.BinOp) -> ast.expr:
        left, right = self.visit(node.left), self.visit(node.right)
        if isinstance(node.op, ast.Pow):
            return _call("_f_pow", [left, right])
        return ast.BinOp(left, node.op, right)

    def visit_BoolOp(self, node: ast.BoolOp) -> ast.expr:
        # 'a and b' gives 1 or 0 (not one of its operands, as in Python): a truth value.
        return _call("_truth", [ast.BoolOp(node.op, [self.visit(v) for v in node.values])])

    def visit_Call(self, node: ast.Call) -> ast.expr:
        assert isinstance(node.func, ast.Name)
        name = node.func.id
        if name == PREV:
            arg = node.args[0]
            assert isinstance(arg, ast.Name)
            return self.resolve_prev(arg.id)
        return _call(f"_f_{name}", [self.visit(arg) for arg in node.args])


def _call(helper: str, args: list[ast.expr]) -> ast.expr:
    return ast.Call(ast.Name(helper, ast.Load()), args, [])


def load(name: str, ctx: ast.expr_context | None = None) -> ast.Name:
    """A reference to a local variable or argument of a generated function."""
    return ast.Name(name, ctx or ast.Load())


def item(container: str, index: int) -> ast.expr:
    """``container[index]`` as an expression tree."""
    return ast.Subscript(load(container), ast.Constant(index), ast.Load())


def as_float(expr: ast.expr) -> ast.expr:
    """``float(expr)``, so that comparisons and booleans become 0.0 or 1.0."""
    return _call("_float", [expr])


def make_function(
    name: str, args: Sequence[str], body: list[ast.stmt], filename: str
) -> Callable[..., Any]:
    """Compile a function ``def name(*args): body`` from generated statements.

    Statements keep the line numbers they were given, so an exception raised inside the
    function can be traced (via its traceback's ``tb_lineno``) to the statement, and so to the
    rule, that raised it.
    """
    arguments = ast.arguments(
        posonlyargs=[], args=[ast.arg(a) for a in args], vararg=None, kwonlyargs=[],
        kw_defaults=[], kwarg=None, defaults=[],
    )
    for stmt in body:
        _place(stmt, stmt.lineno)
    func = ast.FunctionDef(name, arguments, body or [ast.Pass()], [], None, None)
    func.lineno = 1
    module = ast.Module([func], [])
    ast.fix_missing_locations(module)
    code = compile(module, filename, "exec")
    func_code = next(c for c in code.co_consts if isinstance(c, types.CodeType))
    return types.FunctionType(func_code, dict(_HELPERS), name)


def _place(stmt: ast.stmt, line: int) -> None:
    """Put every node of ``stmt`` on ``line`` (formula trees arrive with their own positions)."""
    for node in ast.walk(stmt):
        if "lineno" in node._attributes:
            node.lineno = node.end_lineno = line  # type: ignore[attr-defined]
            node.col_offset = node.end_col_offset = 0  # type: ignore[attr-defined]


def expression_function(name: str, args: Sequence[str], expr: ast.expr, filename: str) -> Callable[..., Any]:
    """A function of ``args`` returning ``float(expr)``."""
    ret = ast.Return(as_float(expr))
    ret.lineno = 2
    return make_function(name, args, [ret], filename)
