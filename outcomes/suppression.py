"""Small-cell suppression: no figure from fewer than 11 people, and no hidden figure that a
reader could work out again from the figures shown.

Figures are named counts tied together by additive relations (a month's completed plus not
completed is the month's total; the months add up to the whole). Primary suppression hides
every count from 1 to 10 (a zero is shown: it is a statement about the whole line, not about
a few people). Complementary suppression then hides more counts until no hidden count is
determined by the shown ones through the relations: a hidden count is determined exactly
when every solution of the relations that keeps the shown counts gives it the same value,
which is a question about the null space of the relations restricted to the hidden counts,
answered here in exact integer arithmetic.
"""

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Generic, TypeVar

SMALLEST_SHOWN = 11

# A count's name: any hashable value; each caller names its counts one way.
Name = TypeVar("Name", bound=Hashable)


@dataclass
class Relations(Generic[Name]):
    """Counts by name and the sums that tie them: each relation says `parts` add up to `total`."""

    values: dict[Name, int] = field(default_factory=dict)
    sums: list[tuple[Name, tuple[Name, ...]]] = field(default_factory=list)
    totals: set[Name] = field(default_factory=set)

    def count(self, name: Name, value: int) -> None:
        self.values[name] = int(value)

    def adds_up(self, total: Name, parts: Iterable[Name]) -> None:
        self.sums.append((total, tuple(parts)))
        self.totals.add(total)

    def rows(self) -> list[dict[Name, int]]:
        """Each relation as coefficients: parts +1, total −1, summing to zero."""
        rows = []
        for total, parts in self.sums:
            row: dict[Name, int] = {}
            for part in parts:
                row[part] = row.get(part, 0) + 1
            row[total] = row.get(total, 0) - 1
            rows.append(row)
        return rows


def primary(values: Mapping[Name, int], smallest: int = SMALLEST_SHOWN) -> set[Name]:
    """Counts from fewer than `smallest` people (zero excepted)."""
    return {name for name, value in values.items() if 0 < value < smallest}


def determined(rows: Sequence[Mapping[Name, int]], hidden: set[Name]) -> set[Name]:
    """The hidden counts that the relations fix once every other count is known.

    Restricted to the hidden counts, the relations are a homogeneous system M·x = b. A hidden
    count is fixed exactly when it is zero in every vector of M's null space: in the reduced
    row echelon form, a pivot count whose row has no free count in it. The elimination is
    exact, in integers (fraction-free, each row divided by its gcd).
    """
    order = sorted(hidden, key=repr)
    if not order:
        return set()
    column = {name: i for i, name in enumerate(order)}
    matrix = []
    for row in rows:
        coefficients = [0] * len(order)
        for name, coefficient in row.items():
            if name in column:
                coefficients[column[name]] += coefficient
        if any(coefficients):
            matrix.append(coefficients)
    pivots = _reduce(matrix, len(order))
    pivot_columns = {col for col, _ in pivots}
    return {
        order[col]
        for col, row in pivots
        if all(row[c] == 0 for c in range(len(order)) if c not in pivot_columns)
    }


def _reduce(matrix: list[list[int]], width: int) -> list[tuple[int, list[int]]]:
    """Gauss–Jordan elimination in integers; the pivot column and row of each non-zero row
    (rows are scaled, which changes no entry from zero to non-zero or back)."""
    rows = [r[:] for r in matrix]
    top = 0
    pivot_of: list[int] = []
    for col in range(width):
        pivot = next((i for i in range(top, len(rows)) if rows[i][col] != 0), None)
        if pivot is None:
            continue
        rows[top], rows[pivot] = rows[pivot], rows[top]
        lead_row = rows[top]
        lead = lead_row[col]
        for i in range(len(rows)):
            factor = rows[i][col]
            if i != top and factor != 0:
                merged = [lead * a - factor * b for a, b in zip(rows[i], lead_row, strict=True)]
                divisor = math.gcd(*merged)
                rows[i] = [v // divisor for v in merged] if divisor > 1 else merged
        pivot_of.append(col)
        top += 1
        if top == len(rows):
            break
    return [(col, rows[i]) for i, col in enumerate(pivot_of)]


def suppress(relations: Relations[Name], smallest: int = SMALLEST_SHOWN) -> set[Name]:
    """Every count to hide: the small ones, then complements until none can be worked out.

    The answer depends on the counts and their relations alone, so it is remembered for the
    process: a board loaded again with the same counts does not work it out again.
    """
    key = (
        tuple(relations.values.items()),
        tuple(relations.sums),
        frozenset(relations.totals),
        smallest,
    )
    return set(_suppressed(key))


@lru_cache(maxsize=1024)
def _suppressed(key: tuple[Any, ...]) -> frozenset:
    values, sums, totals, smallest = key
    return frozenset(_suppress(Relations(dict(values), list(sums), set(totals)), smallest))


def _suppress(relations: Relations[Name], smallest: int) -> set[Name]:
    """`suppress`, worked out. Each round protects the first count still exposed by hiding
    one more: the count that frees it, else the one that leaves the fewest exposed, nearest
    first (in one of its relations), parts before totals and smallest first, so the board
    loses little.
    """
    rows = relations.rows()
    values = relations.values
    hidden = primary(values, smallest)
    neighbours: dict[Name, set[Name]] = {}
    for row in rows:
        for name in row:
            neighbours.setdefault(name, set()).update(row)

    def rank(name: Name) -> tuple:
        return (name in relations.totals, values.get(name, 0), repr(name))

    while True:
        exposed = determined(rows, hidden)
        if not exposed:
            return hidden
        target = min(exposed, key=rank)
        near = neighbours.get(target, set())
        freeing = next(
            (
                c
                for c in sorted((near & set(values)) - hidden, key=rank)
                if target not in determined(rows, hidden | {c})
            ),
            None,
        )
        if freeing is not None:
            hidden.add(freeing)
            continue
        best = None
        for candidate in sorted(set(values) - hidden, key=rank):
            still = determined(rows, hidden | {candidate})
            score = (target in still, len(still), candidate not in near, rank(candidate))
            if best is None or score < best[0]:
                best = (score, candidate)
        if best is None:
            return hidden
        hidden.add(best[1])
