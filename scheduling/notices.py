"""Notices other modules show on a participant's Schedule tab (a change a barrier asks for).

A provider is `callable(request, participant) -> dict | None`; the dict has the `template`
that renders it. Registered from the module's AppConfig.ready().
"""

from collections.abc import Callable

from django.http import HttpRequest

from participants.http import StaffRequest

Provider = Callable[[HttpRequest, object], dict | None]
_providers: list[Provider] = []


def register(provider: Provider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def for_participant(request: StaffRequest, participant) -> list[dict]:
    return [notice for provide in _providers if (notice := provide(request, participant))]
