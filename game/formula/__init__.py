"""The modders' expression language: parse (whitelisted AST) -> compile -> evaluate."""

from game.formula.compiler import expression_function, make_function, to_python
from game.formula.functions import FUNCTIONS, PREV
from game.formula.parser import MAX_DEPTH, MAX_EXPONENT, MAX_LENGTH, Formula, FormulaError, parse
from game.formula.suggest import did_you_mean

__all__ = [
    "FUNCTIONS", "PREV", "MAX_DEPTH", "MAX_EXPONENT", "MAX_LENGTH", "Formula", "FormulaError",
    "parse", "to_python", "make_function", "expression_function", "did_you_mean",
]
