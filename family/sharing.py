"""What participants share with a support person's account, for the access policy
(`participants.access.SUPPORT_SHARES`): their sharings whose consent is in force."""

from datetime import date
from typing import Any

from family.models import Sharing
from participants.selectors import program_today


def shares(user: Any, today: date | None) -> dict[int, frozenset[str]]:
    """Each participant's categories, from the sharings of the account's support person whose
    Part 2 consent is in force on `today` (each program's date when None)."""
    rows = (
        Sharing.objects.current()
        .filter(
            support_person__user=user,
            support_person__entered_in_error_at__isnull=True,
            consent__entered_in_error_at__isnull=True,
        )
        .select_related("consent__episode", "consent__revocation", "consent__participant")
    )
    shared: dict[int, frozenset[str]] = {}
    for row in rows:
        consent = row.consent
        if consent.in_force_on(today or program_today(consent.participant)):
            shared[consent.participant_id] = shared.get(consent.participant_id, frozenset()) | (
                row.categories
            )
    return shared
