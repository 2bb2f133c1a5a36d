"""Rows read for several participants come back to each participant, in the order read."""

from dataclasses import dataclass

from tandem.grouping import by_participant


@dataclass(frozen=True)
class Line:
    participant_id: int
    label: str


def test_each_participant_gets_their_own_rows_in_the_order_read():
    rows = [Line(7, "a"), Line(3, "b"), Line(7, "c"), Line(3, "d"), Line(9, "e")]

    grouped = by_participant(rows)

    assert grouped == {
        7: [Line(7, "a"), Line(7, "c")],
        3: [Line(3, "b"), Line(3, "d")],
        9: [Line(9, "e")],
    }
    assert list(grouped) == [7, 3, 9]


def test_a_participant_without_rows_has_no_entry_and_asking_adds_none():
    grouped = by_participant(iter([Line(1, "a")]))

    assert grouped.get(2, []) == []
    assert 2 not in grouped
    assert type(grouped) is dict


def test_no_rows_group_to_nothing():
    assert by_participant([]) == {}
