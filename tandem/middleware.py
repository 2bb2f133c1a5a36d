"""Response headers every page carries."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from accounts.models import Program
from accounts.roles import organizations_of


class ContentSecurityPolicyMiddleware:
    """Only the app's own scripts and styles run: no CDN, no inline script."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        if request.user.is_authenticated if hasattr(request, "user") else False:
            # Pages with participant data must not linger in shared browser caches.
            response.setdefault("Cache-Control", "no-store")
        return response


def program_time_zone(user) -> str | None:
    """The zone a signed-in person's pages are shown in: their program's."""
    if user is None or not user.is_authenticated:
        return None
    if user.kind == user.Kind.PARTICIPANT:
        programs = Program.objects.filter(episodes__participant__user=user).order_by(
            "-episodes__referred_on"
        )
    else:
        programs = Program.objects.filter(organization_id__in=organizations_of(user)).order_by("pk")
    return programs.values_list("time_zone", flat=True).first()


class ProgramTimeZoneMiddleware:
    """Show every time in the program's zone (stored times stay UTC)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        zone = program_time_zone(getattr(request, "user", None))
        if zone is None:
            return self.get_response(request)
        with timezone.override(zone):
            return self.get_response(request)
