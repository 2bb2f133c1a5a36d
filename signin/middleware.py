"""Idle sign-out, the two-factor requirement for staff, and the signed-in user unwrapped."""

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth import logout
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.utils import translation
from django.utils.functional import LazyObject, SimpleLazyObject, empty
from django.utils.translation import gettext

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

from accounts.backends import read_with_session
from accounts.http import is_htmx
from participants.access import uses_staff_pages
from participants.language import language_of
from signin import services

# Pages a signed-in staff member without verified two-factor may still reach.
TWO_FACTOR_EXEMPT = ("accounts:two_factor", "accounts:enrol", "accounts:logout")
LAST_ACTIVITY = "last_activity"


def write_step() -> int:
    """Seconds the idle clock may lag: the setting, but never more than a tenth of the quiet
    period, so a short quiet period is not cut short by a long step."""
    return min(settings.TANDEM_IDLE_WRITE_STEP_SECONDS, settings.TANDEM_IDLE_TIMEOUT_SECONDS // 10)


def start_idle_clock(sender: object, request: HttpRequest, **kwargs: object) -> None:
    """Signing in is activity: the idle clock starts with the new session, so the first page
    after it has nothing to write."""
    request.session[LAST_ACTIVITY] = int(time.time())


def _signed_in_user(request: HttpRequest) -> "User | AnonymousUser":
    """Django's `auth.get_user`, letting the sign-in backend take the user and roles the
    session store read with the session (`signin.sessions`) instead of reading them again."""
    if not hasattr(request, "_cached_user"):
        with read_with_session(getattr(request.session, "signed_in_user", None)):
            request._cached_user = auth.get_user(request)  # type: ignore[attr-defined]
    return request._cached_user  # type: ignore[attr-defined]


class SignedInUserMiddleware(AuthenticationMiddleware):
    """Django's authentication middleware, reading the signed-in user with the session: one
    round trip for the session, the user and their roles instead of two. Everything else is
    Django's: the session names the user and the backend, the user must still be allowed to
    sign in, and the session's hash of their password must still match."""

    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _signed_in_user(request))  # type: ignore[assignment]


def _loaded(lazy: Any) -> object:
    """What a lazy object stands for, loading it first if nothing has read it yet."""
    if lazy._wrapped is empty:
        lazy._setup()
    return lazy._wrapped


class ResolvedUserMiddleware:
    """Replace the lazily loaded signed-in user with the user itself.

    Authentication and two-factor each wrap `request.user` in a lazy object; every attribute
    read through it (the access policy reads it dozens of times a page) then pays for the
    wrapper. Once both have run, the user is loaded on every page anyway, so nothing is
    saved by keeping it lazy.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user: object = request.user
        while isinstance(user, LazyObject):  # two-factor's wrapper holds authentication's
            user = _loaded(user)
        request.user = cast("User | AnonymousUser", user)
        return self.get_response(request)


class IdleTimeoutMiddleware:
    """Sign out after a quiet period (HIPAA automatic logoff; ONC (d)(5)).

    The time of the last request is written into the session only when it has moved by
    `TANDEM_IDLE_WRITE_STEP_SECONDS`, so most requests write nothing. The stored time is then
    up to one step behind, which can only bring the sign-out forward, never put it off: the
    quiet period is never longer than `TANDEM_IDLE_TIMEOUT_SECONDS`.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get(LAST_ACTIVITY, now)
            if now - last > settings.TANDEM_IDLE_TIMEOUT_SECONDS:
                # Before the language middleware: told in the language they were reading,
                # which only the user signing out can say (logout replaces `request.user`).
                language = language_of(request.user)
                logout(request)
                with translation.override(language):
                    messages.info(
                        request, gettext("You were signed out after a period of inactivity.")
                    )
                return whole_page_to_sign_in(request, redirect(settings.LOGIN_URL))
            if LAST_ACTIVITY not in request.session or now - last >= write_step():
                request.session[LAST_ACTIVITY] = now
        return whole_page_to_sign_in(request, self.get_response(request))


def whole_page_to_sign_in(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """An htmx request sent to sign in (its session ended or was never there, or two-factor
    is due) moves the whole page there with `HX-Redirect`: htmx would otherwise follow the
    redirect and draw the sign-in page inside the part of the page it was updating."""
    if response.status_code not in (301, 302, 303) or not is_htmx(request):
        return response
    if urlsplit(response["Location"]).path not in (
        resolve_url(settings.LOGIN_URL),
        reverse("accounts:two_factor"),
    ):
        return response
    moved = HttpResponse()
    moved["HX-Redirect"] = response["Location"]
    for name, cookie in response.cookies.items():
        moved.cookies[name] = cookie
    return moved


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
            and uses_staff_pages(user)
            and not services.two_factor_passed(user)
            and (settings.TANDEM_REQUIRE_2FA or services.has_confirmed_device(user))
        ):
            if self.exempt is None:
                self.exempt = {reverse(name) for name in TWO_FACTOR_EXEMPT}
            if request.path not in self.exempt and not request.path.startswith(settings.STATIC_URL):
                return redirect("accounts:two_factor")
        return self.get_response(request)
