"""The request a participant page hands its view, with the decision the page made."""

from accounts.http import SignedInRequest
from participants.access import Decision


class StaffRequest(SignedInRequest):
    """A signed-in staff member's request; on a participant page, with the page's decision.

    `participants.decorators.participant_page` sets `access` before the view runs, so a view
    passes the decision on (to a service's audit event) instead of deciding again.
    """

    access: Decision
