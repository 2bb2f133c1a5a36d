"""Shared steps of every status change: lock the row, check the version, check the table."""

from collections.abc import Mapping
from typing import TypeVar

from django.db import models

from tandem.errors import ConcurrentEdit, InvalidInput

M = TypeVar("M", bound=models.Model)


def lock_current(model: type[M], pk: int, *, expected_version: int, what: str) -> M:
    """The row as it is now, locked until commit; refused if someone saved since the form opened."""
    current = model.objects.select_for_update().get(pk=pk)
    if current.version != expected_version:
        raise ConcurrentEdit(what)
    return current


def check_transition(
    table: Mapping[str, frozenset[str]],
    choices: type[models.TextChoices],
    current: str,
    to_status: str,
    *,
    subject: str,
) -> None:
    """Refuse a move the transition table does not list, naming the moves it does allow."""
    allowed = table[current]
    if to_status not in allowed:
        options = ", ".join(choices(s).label.lower() for s in sorted(allowed)) or "none"
        raise InvalidInput(
            f"{subject} that is {choices(current).label.lower()} cannot become "
            f"{choices(to_status).label.lower()}. Allowed next: {options}.",
            field="to_status",
        )
