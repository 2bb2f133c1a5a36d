"""Reads of support people shared by the tab and the tests, in one query."""

from family.models import SupportPerson
from participants.models import Participant


def support_people_for(participant: Participant) -> list[SupportPerson]:
    """The participant's current support people, emergency contacts first, then by name."""
    return list(
        SupportPerson.objects.current()
        .filter(participant=participant)
        .order_by("-emergency_contact", "name", "id")
    )
