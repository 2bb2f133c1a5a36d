"""Idle sign-out and the two-factor requirement for staff."""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from signin import services

# Pages a signed-in staff member without verified two-factor may still reach.
TWO_FACTOR_EXEMPT = ("accounts:two_factor", "accounts:enrol", "accounts:logout")


class IdleTimeoutMiddleware:
    """Sign out after a quiet period (HIPAA automatic logoff; ONC (d)(5))."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get("last_activity", now)
            if now - last > settings.TANDEM_IDLE_TIMEOUT_SECONDS:
                logout(request)
                messages.info(request, "You were signed out after a period of inactivity.")
                return redirect(settings.LOGIN_URL)
            request.session["last_activity"] = now
        return self.get_response(request)


class TwoFactorRequiredMiddleware:
    """Staff must pass a TOTP check before any page when the deployment requires it, and
    always once they have enrolled an authenticator (a password alone never skips it)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.exempt: set[str] | None = None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and user.is_staff_member
            and not services.two_factor_passed(user)
            and (settings.TANDEM_REQUIRE_2FA or services.confirmed_device(user) is not None)
        ):
            if self.exempt is None:
                self.exempt = {reverse(name) for name in TWO_FACTOR_EXEMPT}
            if request.path not in self.exempt and not request.path.startswith(settings.STATIC_URL):
                return redirect("accounts:two_factor")
        return self.get_response(request)
