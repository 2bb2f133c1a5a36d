"""Test helpers: answer builders and a Hypothesis strategy for valid answer sets.

The strategy reads each item's declared skip rule but evaluates it with its own small
two-valued evaluator (every earlier answer is known while generating), so it does not
reuse the scorer's code under test.
"""

from __future__ import annotations

from hypothesis import strategies as st

from assessments.instruments import get
from assessments.instruments.types import (
    AllOf,
    AnyOf,
    Condition,
    Count,
    Instrument,
    Item,
    ItemAtLeast,
    ItemIn,
)


def fill(code: str, total: int, **fixed: int) -> dict[str, int]:
    """Answers to every total item of a plain-sum instrument, adding up to ``total``.

    Points go to the earliest items first; ``fixed`` pins answers (keyword ``q9=2`` pins
    item "9"). Only for instruments without reverse items or skip rules in play.
    """
    instrument = get(code)
    pinned = {key.removeprefix("q"): value for key, value in fixed.items()}
    answers = dict(pinned)
    remaining = total - sum(pinned.values())
    for item_id in instrument.scoring.total_items:
        if item_id in pinned:
            continue
        options = sorted(instrument.item(item_id).allowed_values)
        value = max((v for v in options if v <= remaining), default=options[0])
        answers[item_id] = value
        remaining -= value
    assert remaining == 0, f"cannot reach total {total} for {code}"
    return answers


def holds(condition: Condition, answers: dict[str, int]) -> bool:
    """Two-valued evaluation of an item-only condition; absent items count as 0."""
    match condition:
        case ItemIn(item=item, values=values):
            return answers.get(item, 0) in values
        case ItemAtLeast(item=item, value=value):
            return answers.get(item, 0) >= value
        case Count(items=items, low=low, high=high, at_least=at_least, at_most=at_most):
            n = sum(1 for item in items if low <= answers.get(item, 0) <= high)
            return (at_least is None or n >= at_least) and (at_most is None or n <= at_most)
        case AllOf(conditions=conditions):
            return all(holds(sub, answers) for sub in conditions)
        case AnyOf(conditions=conditions):
            return any(holds(sub, answers) for sub in conditions)
    raise AssertionError(f"skip conditions use item-only conditions, not {condition!r}")


def _value_strategy(item: Item) -> st.SearchStrategy[int]:
    if item.value_range is not None:
        low, high = item.value_range
        return st.one_of(st.just(0), st.integers(low, high))
    return st.sampled_from(item.allowed_values)


@st.composite
def valid_answers(draw: st.DrawFn, instrument: Instrument) -> dict[str, int]:
    """A complete, valid answer set, honouring the instrument's skip rules."""
    answers: dict[str, int] = {}
    for item in instrument.items:
        skip = item.skip
        skipped = skip is not None and holds(skip.when, answers)
        if skip and skipped and skip.effect == "must-omit":
            continue
        if skip and skipped and skip.effect == "absent-or-zero":
            if draw(st.booleans()):
                answers[item.id] = 0
            continue
        if (skipped or not item.required) and draw(st.booleans()):
            continue
        answers[item.id] = draw(_value_strategy(item))
    return answers
