"""Small-cell suppression: every count from 1 to 10 hidden, and no hidden count that the
shown counts and the totals give back (checked here by an independent rank test)."""

from collections.abc import Hashable

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from outcomes.selectors import completion_relations
from outcomes.suppression import Relations, suppress


def _tables(people: list[tuple[int, int, bool]]):
    months: dict[str, tuple[int, int]] = {}
    groups: dict[str, tuple[int, int]] = {}
    for month, group, completed in people:
        for table, key in ((months, f"m{month}"), (groups, f"g{group}")):
            left, done = table.get(key, (0, 0))
            table[key] = (left + 1, done + int(completed))
    return months, groups


def recoverable(relations: Relations, hidden: set) -> set:
    """Hidden counts fixed by the relations once the shown ones are known: a count is fixed
    exactly when its unit vector lies in the row space of the relations over hidden counts
    (the rank does not grow when it is added). Floating-point rank, unlike the module's
    exact elimination."""
    order = sorted(hidden, key=repr)
    index = {name: i for i, name in enumerate(order)}
    rows = []
    for row in relations.rows():
        vector = np.zeros(len(order))
        for name, coefficient in row.items():
            if name in index:
                vector[index[name]] += coefficient
        if vector.any():
            rows.append(vector)
    matrix = np.array(rows) if rows else np.zeros((0, len(order)))
    rank = np.linalg.matrix_rank(matrix) if rows else 0
    found = set()
    for name in order:
        unit = np.zeros(len(order))
        unit[index[name]] = 1
        if np.linalg.matrix_rank(np.vstack([matrix, unit])) == rank:
            found.add(name)
    return found


people_strategy = st.lists(
    st.tuples(st.integers(0, 3), st.integers(0, 3), st.booleans()), min_size=0, max_size=120
)


@settings(max_examples=150, deadline=None)
@given(people_strategy)
def test_no_small_count_is_shown(people):
    relations = completion_relations(*_tables(people))
    hidden = suppress(relations)
    for name, value in relations.values.items():
        if 0 < value < 11:
            assert name in hidden


@settings(max_examples=150, deadline=None)
@given(people_strategy)
def test_no_hidden_count_can_be_worked_out_from_the_shown_ones(people):
    relations = completion_relations(*_tables(people))
    hidden = suppress(relations)
    assert recoverable(relations, hidden) == set()


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.lists(st.integers(0, 30), min_size=1, max_size=4), min_size=1, max_size=4).filter(
        lambda rows: len({len(r) for r in rows}) == 1
    )
)
def test_any_table_with_row_and_column_totals(table):
    """A plain two-way table with every margin and the grand total shown or hidden."""
    relations: Relations[Hashable] = Relations()
    for i, row in enumerate(table):
        for j, value in enumerate(row):
            relations.count(("cell", i, j), value)
        relations.count(("row", i), sum(row))
        relations.adds_up(("row", i), [("cell", i, j) for j in range(len(row))])
    for j in range(len(table[0])):
        relations.count(("column", j), sum(row[j] for row in table))
        relations.adds_up(("column", j), [("cell", i, j) for i in range(len(table))])
    relations.count("all", sum(map(sum, table)))
    relations.adds_up("all", [("row", i) for i in range(len(table))])
    relations.adds_up("all", [("column", j) for j in range(len(table[0]))])
    hidden = suppress(relations)
    assert {n for n, v in relations.values.items() if 0 < v < 11} <= hidden
    assert recoverable(relations, hidden) == set()


def test_a_lone_small_cell_takes_a_complement_with_it():
    months = {"2026-01": (30, 5), "2026-02": (30, 20)}
    relations = completion_relations(months, {"a": (60, 25)})
    hidden = suppress(relations)
    assert ("month", "2026-01", "completed") in hidden
    # Without a complement, 30 − not completed would give the 5 back.
    assert ("month", "2026-01", "other") in hidden or ("month", "2026-01", "left") in hidden
    # And the month's column would give it back from the total: another month's cell goes too.
    assert ("month", "2026-02", "completed") in hidden or ("total", "completed") in hidden


def test_two_separate_cycles_joined_by_one_cell_still_protect_it():
    """Every line has two hidden cells, yet the cell joining two blocks is fixed by the
    totals of one block: the degree rule alone would miss it; the rank test does not."""
    relations: Relations[Hashable] = Relations()
    big = 50
    table = [[3, 4, big, big], [5, 6, 7, big], [big, big, 8, 9], [big, big, big, big]]
    for i, row in enumerate(table):
        for j, value in enumerate(row):
            relations.count(("cell", i, j), value)
        relations.count(("row", i), sum(row))
        relations.adds_up(("row", i), [("cell", i, j) for j in range(4)])
    for j in range(4):
        relations.count(("column", j), sum(r[j] for r in table))
        relations.adds_up(("column", j), [("cell", i, j) for i in range(4)])
    hidden = suppress(relations)
    assert recoverable(relations, hidden) == set()


def test_zero_is_shown():
    relations = completion_relations({"2026-01": (40, 0)}, {"a": (40, 0)})
    assert suppress(relations) == set()
