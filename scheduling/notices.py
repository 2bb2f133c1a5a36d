"""Notices other modules show on a participant's Schedule tab (a change a barrier asks for).

A provider is `callable(request, participant) -> dict | None`; the dict has the `template`
that renders it. Registered from the module's AppConfig.ready().
"""

from collections.abc import Callable

from django.http import HttpRequest

from participants.http import StaffRequest
from tandem.hooks import Hook

Provider = Callable[[HttpRequest, object], dict | None]
NOTICES: Hook[Provider] = Hook("scheduling.notices")


def for_participant(request: StaffRequest, participant) -> list[dict]:
    return [
        notice for provide in NOTICES.implementations() if (notice := provide(request, participant))
    ]
