"""Reads of check-ins shared by the pages, the API and the trajectory."""

from checkins import lists
from checkins.models import CheckIn
from participants.models import Participant


def last_checkin(participant: Participant) -> CheckIn | None:
    return (
        CheckIn.objects.current().filter(participant=participant).order_by("-recorded_at").first()
    )


def coping_choices(participant: Participant) -> list[tuple[str, str]]:
    """The coping skills offered: the participant's plan's, when a provider gives them."""
    for provider in COPING_PROVIDERS:
        choices = provider(participant)
        if choices:
            return list(choices)
    return list(lists.COPING)


# `plans` (or another module) appends `provider(participant) -> [(code, label)] | None`.
COPING_PROVIDERS: list = []
