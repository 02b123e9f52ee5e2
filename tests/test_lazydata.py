"""game.lazydata: a class declared with its ``@dataclass`` is made a dataclass when first used,
and from then on is exactly what ``dataclasses.dataclass`` makes at once."""

from __future__ import annotations

import copy
import dataclasses
import pickle
import sys

import pytest

from game import lazydata
from game.lazydata import dataclass, field


def _pair(frozen: bool = True) -> tuple[type, type]:
    """The same class declared twice: with the lazy decorator and with the standard one."""
    def declare(decorator):  # type: ignore[no-untyped-def]
        @decorator(frozen=frozen)
        class Point:
            """A point."""

            x: float
            y: float = 0.0
            tags: list[str] = field(default_factory=list, compare=False)
            note: str = field(default="", repr=False)

            @property
            def norm(self) -> float:
                return abs(self.x) + abs(self.y)

        return Point

    return declare(dataclass), declare(dataclasses.dataclass)


def test_a_class_is_made_when_first_instantiated() -> None:
    lazy, _ = _pair()
    assert lazy in lazydata._PENDING
    point = lazy(1.0, 2.0)
    assert lazy not in lazydata._PENDING
    assert (point.x, point.y, point.norm) == (1.0, 2.0, 3.0)


@pytest.mark.parametrize("frozen", [True, False])
def test_made_it_behaves_as_the_standard_dataclass(frozen: bool) -> None:
    lazy, eager = _pair(frozen)
    a, b = lazy(1.0, 2.0, ["x"], "n"), eager(1.0, 2.0, ["x"], "n")
    assert repr(a) == repr(b).replace(eager.__qualname__, lazy.__qualname__)
    assert a == lazy(1.0, 2.0, ["other"], "n") and a != lazy(1.0, 3.0)
    assert [(f.name, f.compare, f.repr) for f in dataclasses.fields(a)] == [(f.name, f.compare, f.repr) for f in dataclasses.fields(b)]
    assert dataclasses.replace(a, y=5.0) == lazy(1.0, 5.0, ["x"], "n")
    assert dataclasses.asdict(a) == dataclasses.asdict(b)
    assert lazy(3.0).tags == [] and lazy(3.0).tags is not lazy(3.0).tags
    if frozen:
        assert hash(a) == hash(lazy(1.0, 2.0, [], "n")) == hash(b)
        with pytest.raises(dataclasses.FrozenInstanceError):
            a.x = 5.0  # type: ignore[misc]
    else:
        assert lazy.__hash__ is None and eager.__hash__ is None
    assert set(lazy.__dict__) == set(eager.__dict__)  # nothing of the waiting is left


def test_asking_for_the_fields_makes_it() -> None:
    lazy, _ = _pair()
    assert dataclasses.is_dataclass(lazy)
    assert [f.name for f in dataclasses.fields(lazy)] == ["x", "y", "tags", "note"]
    assert lazy not in lazydata._PENDING


def test_subclasses_and_copies() -> None:
    @dataclass(frozen=True)
    class Base:
        a: int

    @dataclass(frozen=True)
    class Child(Base):
        b: int = 2

    class Plain(Base):
        pass

    assert Child(1) == Child(1, 2) and repr(Child(1)).endswith("Child(a=1, b=2)")
    assert Plain(4).a == 4 and Plain(4) == Plain(4)
    assert copy.copy(Child(1)) == Child(1) and copy.deepcopy(Child(1)) == Child(1)


Kept = None


def test_an_instance_unpickled_before_any_was_made() -> None:
    """Unpickling (another process's instance) makes the class too."""
    global Kept

    @dataclass(frozen=True)
    class Kept:  # type: ignore[no-redef]
        x: int

    Kept.__qualname__ = "Kept"
    data = pickle.dumps(Kept(3))

    @dataclass(frozen=True)
    class Kept:  # type: ignore[no-redef]
        x: int

    Kept.__qualname__ = "Kept"
    assert Kept in lazydata._PENDING
    again = pickle.loads(data)
    assert again == Kept(3) and hash(again) == hash(Kept(3)) and type(again) is Kept


def test_a_class_with_its_own_init_is_made_at_once() -> None:
    @dataclass
    class Own:
        x: int

        def __init__(self, x: int) -> None:
            self.x = x * 2

    assert Own not in lazydata._PENDING and Own(2).x == 4 and dataclasses.is_dataclass(Own)


def test_the_game_makes_few_dataclasses_before_the_first_prompt() -> None:
    """The point of it: modules imported, most of their dataclasses still wait."""
    import game.controller  # noqa: F401
    import game.text.play  # noqa: F401

    waiting = [cls for cls in lazydata._PENDING if cls.__module__.startswith("game.")]
    assert waiting, "every dataclass of the game was made on import"
    assert sys.modules["game.lazydata"] is lazydata
