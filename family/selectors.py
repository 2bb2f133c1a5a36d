"""Reads of support people shared by the tab and the tests, in one query."""

from django.db.models import Prefetch

from family.models import Sharing, SupportPerson
from participants.models import Participant


def support_people_for(participant: Participant) -> list[SupportPerson]:
    """The participant's current support people, emergency contacts first, then by name, each
    with what their consents share (`sharings`)."""
    return list(
        SupportPerson.objects.current()
        .filter(participant=participant)
        .select_related("user")
        .prefetch_related(
            Prefetch(
                "sharings",
                queryset=Sharing.objects.current()
                .filter(consent__entered_in_error_at__isnull=True)
                .select_related("consent__episode", "consent__revocation")
                .order_by("-consent__signed_on", "-id"),
            )
        )
        .order_by("-emergency_contact", "name", "id")
    )
