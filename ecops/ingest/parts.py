"""What is known of the canonical tables' parts beyond their SQL (the SELECTs :mod:`ecops.ingest.canonical` writes
the tables from): the stages typed in place, the parts made of a stage's columns as they stand (:class:`Columns`,
which a table of that one part takes over), and the orders built on a guess (:class:`OrdersGuess`, made by
:mod:`ecops.ingest.flat`), all in one :class:`Known` per load.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ecops.ingest import Notice
from ecops.ingest.staging import Notes

__all__ = ["Columns", "Known", "OrdersGuess"]


@dataclass(frozen=True)
class OrdersGuess:
    """The orders of a flat export built on a guess that holds for most exports: no order amount differs between
    the lines of one order (such an amount is a line amount, to be summed), and an order's first line has every
    value any of its lines has. Testing the amounts first takes a grouping of every line (0.12 s for 1.57M lines);
    the orders' own grouping checks both instead (0.06 s there, :func:`ecops.ingest.flat._flat_orders_sql` with
    ``guess``), and where the guess is wrong the orders are built again from the tests, which costs the grouping
    once more (0.35 s there; 3.5 s at 3M orders into a file). An export whose amounts vary in its first lines is
    not guessed (:data:`ecops.ingest.flat._GUESS_HEAD`): none of the committed exports is built twice. What the
    tests note goes where they would have noted it."""

    exact: Callable[[Notes], str]  # the orders SQL from the tests, which note what they find in the Notes given
    slot: Notice  # the place kept among the notes for what the tests note

    def settle(self, notes: Notes, held: bool) -> str | None:
        """Put the tests' notes in their place; the orders SQL from the tests, None when the guess held."""
        found = Notes()
        sql = None if held else self.exact(found)
        k = next(k for k, n in enumerate(notes.items) if n is self.slot)
        notes.items[k:k + 1] = found.items
        return sql


@dataclass(frozen=True)
class Columns:
    """A part made of a stage's columns as they stand, renamed: ``columns`` are (staged column, name) pairs, and
    the lines where the staged column ``key`` is empty are left out."""

    stage: str
    columns: tuple[tuple[str, str], ...]
    key: str | None


_STAGED = re.compile(r"v_\w+")


@dataclass
class Known:
    """What is known of the canonical tables' parts beyond their SQL: the stages typed in place, and by SQL the
    orders built on a guess (:class:`OrdersGuess`) and the parts made of a stage's columns as
    they stand (:class:`Columns`, which a table of that one part takes over:
    :func:`ecops.ingest.canonical._taking_over`)."""

    in_place: dict[str, tuple[str, dict[str, str]]] = field(default_factory=dict)  # stage → raw table, raw columns
    guesses: dict[str, OrdersGuess] = field(default_factory=dict)
    columns: dict[str, Columns] = field(default_factory=dict)

    def projection(self, stage: str, cols: list[tuple[str, str]], key: str | None = None) -> str:
        """The SELECT of ``cols`` ((expression, name) pairs) of ``stage``, without the lines where ``key`` is
        empty; known as :class:`Columns` when every expression is a staged column."""
        sql = f"SELECT {', '.join(f'{e} AS {n}' for e, n in cols)} FROM {stage}"
        sql += f" WHERE {key} IS NOT NULL" if key else ""
        if all(_STAGED.fullmatch(e) for e, _ in cols) and (key is None or _STAGED.fullmatch(key)):
            self.columns[sql] = Columns(stage, tuple(cols), key)
        return sql
