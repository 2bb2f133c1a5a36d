"""Typed requests and the one htmx test, so views say what a request carries.

A participant page's request, which also carries the page's decision, is
`participants.http.StaffRequest`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from accounts.models import User


class SignedInRequest(HttpRequest):
    """A request behind `login_required`: `user` is a `User`, never the anonymous one."""

    user: User


class ApiRequest(HttpRequest):
    """A django-ninja request after authentication: `auth` is the signed-in user."""

    auth: User


def is_htmx(request: HttpRequest) -> bool:
    """True for a request htmx sent (it wants a fragment, not the whole page)."""
    return request.headers.get("HX-Request") == "true"
