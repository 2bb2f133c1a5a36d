"""When a signed plan is next due for review: the one rule the stored date and the computed
lists share (no model imports, so the backfill migration can use it too)."""

from collections.abc import Iterable, Mapping
from datetime import date, timedelta


def next_review(
    signed_on: date, reviewed_on: date | None, decisions: Iterable[Mapping], interval_days: int
) -> tuple[date, str]:
    """The program's interval after the signing or the last review, or sooner, the first
    level-of-care decision since then that changed the level (`decisions` oldest first, each
    with `decided_on` and `chosen_level`). Returns the date and why ("scheduled" or
    "level_of_care")."""
    anchor = max(signed_on, reviewed_on or signed_on)
    due_on = anchor + timedelta(days=interval_days)
    reason = "scheduled"
    previous = None
    for d in decisions:
        if previous is not None and d["chosen_level"] != previous and d["decided_on"] > anchor:
            if d["decided_on"] < due_on:
                due_on, reason = d["decided_on"], "level_of_care"
            break
        previous = d["chosen_level"]
    return due_on, reason
