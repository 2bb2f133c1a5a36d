"""Typed requests and the one htmx test, so views say what a request carries."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from accounts.models import User
    from participants.access import Decision


class SignedInRequest(HttpRequest):
    """A request behind `login_required`: `user` is a `User`, never the anonymous one."""

    user: User


class StaffRequest(SignedInRequest):
    """A signed-in staff member's request; on a participant page, with the page's decision.

    `participants.decorators.participant_page` sets `access` before the view runs, so a view
    passes the decision on (to a service's audit event) instead of deciding again.
    """

    access: Decision


class ApiRequest(HttpRequest):
    """A django-ninja request after authentication: `auth` is the signed-in user."""

    auth: User


def is_htmx(request: HttpRequest) -> bool:
    """True for a request htmx sent (it wants a fragment, not the whole page)."""
    return request.headers.get("HX-Request") == "true"
