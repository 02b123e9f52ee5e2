"""Where each key and value of a TOML document stands (line and column).

:mod:`tomllib` parses TOML but forgets positions. This scanner reads text that ``tomllib`` has
already accepted and records, for every key path (``("variables", "stock", "formula")``,
``("history", "season", 2, "season")``), where its key and its value begin, so that a problem
found later — by pydantic or by a cross-reference check — can be reported as ``FILE:LINE:COL``.
"""

from __future__ import annotations

from game.lazydata import dataclass, field

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Position:
    """Where a key (and its value) stand; 1-based line and column."""

    key_line: int
    key_col: int
    value_line: int
    value_col: int
    # For strings: where the text itself starts (after the quotes), and whether positions
    # inside it map one-to-one onto the file (no escapes, no line-ending backslashes).
    text_line: int = 0
    text_col: int = 0
    text_exact: bool = False


@dataclass
class Locations:
    """Positions by key path, with a fall-back to the nearest enclosing key that exists."""

    positions: dict[Path, Position] = field(default_factory=dict)

    def find(self, path: Path, *, value: bool = False) -> tuple[int, int]:
        """(line, column) of ``path`` — its value if ``value`` and it has one, else its key;
        for a path that is not in the file, its nearest enclosing key; else (1, 1)."""
        for end in range(len(path), -1, -1):
            pos = self.positions.get(tuple(path[:end]))
            if pos is not None:
                if value and end == len(path):
                    return pos.value_line, pos.value_col
                return pos.key_line, pos.key_col
        return 1, 1

    def inside(self, path: Path, line: int, col: int) -> tuple[int, int]:
        """(line, column) in the file of position (``line`` 1-based, ``col`` 0-based) inside the
        string at ``path``; the string's own position when the mapping is not exact."""
        pos = self.positions.get(tuple(path))
        if pos is None:
            return self.find(path, value=True)
        if not pos.text_exact:
            return pos.value_line, pos.value_col
        if line <= 1:
            return pos.text_line, pos.text_col + col
        return pos.text_line + line - 1, col + 1


_BARE = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.i = 0
        self.line = 1
        self.line_start = 0
        self.out: dict[Path, Position] = {}
        self.aot_count: dict[Path, int] = {}
        self.headers: set[Path] = set()
        # The first key or [table] given twice: (path, first position, second position, whether
        # the second is a [table] header).
        self.duplicate: tuple[Path, Position, Position, bool] | None = None

    # -- low level ---------------------------------------------------------------------------
    @property
    def col(self) -> int:
        return self.i - self.line_start + 1

    def peek(self, n: int = 0) -> str:
        j = self.i + n
        return self.text[j] if j < len(self.text) else ""

    def startswith(self, s: str) -> bool:
        return self.text.startswith(s, self.i)

    def advance(self, n: int = 1) -> None:
        for _ in range(n):
            if self.i >= len(self.text):
                return
            if self.text[self.i] == "\n":
                self.line += 1
                self.line_start = self.i + 1
            self.i += 1

    def skip_ws(self, newlines: bool = False) -> None:
        while self.i < len(self.text):
            ch = self.text[self.i]
            if ch in " \t\r" or (newlines and ch == "\n"):
                self.advance()
            elif ch == "#":
                while self.i < len(self.text) and self.text[self.i] != "\n":
                    self.advance()
            else:
                return

    # -- grammar -------------------------------------------------------------------------------
    def run(self) -> dict[Path, Position]:
        table: Path = ()
        while True:
            self.skip_ws(newlines=True)
            if self.i >= len(self.text):
                return self.out
            if self.startswith("[["):
                line, col = self.line, self.col
                self.advance(2)
                keys = self.key()
                self.skip_ws()
                self.advance(2)
                parent = self.resolve(keys[:-1])
                base = parent + (keys[-1],)
                index = self.aot_count.get(base, -1) + 1
                self.aot_count[base] = index
                table = base + (index,)
                for end in range(1, len(base) + 1):
                    self.mark(base[:end], line, col)
                self.mark(table, line, col)
            elif self.peek() == "[":
                line, col = self.line, self.col
                self.advance()
                keys = self.key()
                self.skip_ws()
                self.advance()
                table = self.resolve(keys)
                if table in self.headers or (table in self.out and self._is_value(table)):
                    self._duplicate(table, line, col, True)
                self.headers.add(table)
                for end in range(1, len(table) + 1):
                    self.mark(table[:end], line, col)
            else:
                self.key_value(table)

    def resolve(self, keys: list[str]) -> Path:
        """The indexed path of a table header: arrays of tables get their current index."""
        path: Path = ()
        for k in keys:
            path = path + (k,)
            if path in self.aot_count:
                path = path + (self.aot_count[path],)
        return path

    def _is_value(self, path: Path) -> bool:
        pos = self.out[path]
        return (pos.key_line, pos.key_col) != (pos.value_line, pos.value_col)

    def _duplicate(self, path: Path, line: int, col: int, header: bool) -> None:
        if self.duplicate is None:
            self.duplicate = (path, self.out[path], Position(line, col, line, col), header)

    def mark(self, path: Path, line: int, col: int) -> None:
        self.out.setdefault(path, Position(line, col, line, col))

    def key(self) -> list[str]:
        parts: list[str] = []
        while True:
            self.skip_ws()
            ch = self.peek()
            if ch == '"' or ch == "'":
                value, _exact = self.string_token()
                parts.append(value)
            else:
                start = self.i
                while self.peek() in _BARE and self.peek() != "":
                    self.advance()
                parts.append(self.text[start:self.i])
            self.skip_ws()
            if self.peek() == ".":
                self.advance()
                continue
            return parts

    def key_value(self, table: Path) -> None:
        key_line, key_col = self.line, self.col
        keys = self.key()
        self.skip_ws()
        self.advance()  # '='
        self.skip_ws()
        path = table + tuple(keys)
        if path in self.out:
            self._duplicate(path, key_line, key_col, False)
        for end in range(len(table) + 1, len(path)):
            self.mark(path[:end], key_line, key_col)
        self.value(path, key_line, key_col)

    def value(self, path: Path, key_line: int, key_col: int) -> None:
        line, col = self.line, self.col
        ch = self.peek()
        if ch in "\"'":
            text_line, text_col, exact = self.string_value()
            self.out[path] = Position(key_line, key_col, line, col, text_line, text_col, exact)
        elif ch == "[":
            self.out[path] = Position(key_line, key_col, line, col)
            self.advance()
            index = 0
            while True:
                self.skip_ws(newlines=True)
                if self.peek() == "]" or self.peek() == "":
                    self.advance()
                    return
                start = self.i
                self.value(path + (index,), self.line, self.col)
                index += 1
                self.skip_ws(newlines=True)
                if self.peek() == ",":
                    self.advance()
                elif self.i == start:
                    self.advance()  # not TOML; never loop on it
        elif ch == "{":
            self.out[path] = Position(key_line, key_col, line, col)
            self.advance()
            while True:
                self.skip_ws()
                if self.peek() == "}" or self.peek() == "":
                    self.advance()
                    return
                self.key_value(path)
                self.skip_ws()
                if self.peek() == ",":
                    self.advance()
        else:
            self.out[path] = Position(key_line, key_col, line, col)
            while self.peek() not in ("", ",", "]", "}", "\n", "#"):
                self.advance()

    def string_value(self) -> tuple[int, int, bool]:
        """Skip a string value; return where its text starts and whether it maps exactly."""
        quote = self.peek()
        triple = self.startswith(quote * 3)
        self.advance(3 if triple else 1)
        if triple and self.peek() == "\n":
            self.advance()
        elif triple and self.startswith("\r\n"):
            self.advance(2)
        text_line, text_col = self.line, self.col
        exact = self.skip_string_body(quote, triple)
        return text_line, text_col, exact

    def string_token(self) -> tuple[str, bool]:
        """A quoted key: its text, with the escapes of a basic string resolved."""
        quote = self.peek()
        self.advance()
        start = self.i
        exact = self.skip_string_body(quote, False)
        raw = self.text[start:self.i - 1]
        if not exact:
            import tomllib

            try:
                raw = tomllib.loads("k = " + self.text[start - 1:self.i])["k"]
            except tomllib.TOMLDecodeError:
                pass
        return raw, exact

    def skip_string_body(self, quote: str, triple: bool) -> bool:
        exact = True
        closing = quote * 3 if triple else quote
        while self.i < len(self.text):
            if quote == '"' and self.peek() == "\\":
                exact = False
                self.advance(2)
                continue
            if self.startswith(closing):
                self.advance(len(closing))
                # A multi-line string may end with up to two more quotes inside it.
                while triple and self.peek() == quote:
                    self.advance()
                return exact
            self.advance()
        return exact


def locate(text: str) -> Locations:
    """Positions of every key path in ``text``, which must be TOML that tomllib accepted."""
    return Locations(_Scanner(text).run())


def find_duplicate(text: str) -> tuple[Path, Position, Position, bool] | None:
    """The first key or table that ``text`` defines twice: its path, where it was first defined,
    where again, and whether the second time is a ``[table]`` header. ``text`` must be TOML that
    tomllib read up to its end (a document tomllib rejected for a duplicate, cut where it stopped)."""
    scanner = _Scanner(text)
    scanner.run()
    return scanner.duplicate
