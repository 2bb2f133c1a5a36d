"""Response headers every page carries."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone

from accounts.models import Program
from accounts.roles import program_zones
from participants.access import uses_portal


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


def program_time_zones(user) -> list[str]:
    """The zones of a signed-in person's programs, first program first (none signed out)."""
    if user is None or not user.is_authenticated:
        return []
    if not uses_portal(user):
        return program_zones(user)
    programs = Program.objects.filter(episodes__participant__user=user).order_by(
        "-episodes__referred_on"
    )
    zones: list[str] = []
    for zone in programs.values_list("time_zone", flat=True):
        if zone not in zones:
            zones.append(zone)
    return zones


def _zone_of_page(path: str) -> str | None:
    """The zone of the one program a page belongs to, found from its address: a chart
    (the participant's latest episode), a session, a schedule run, a program."""
    from participants.models import Episode
    from scheduling.models import ScheduleRun, Session

    try:
        kwargs = resolve(path).kwargs
    except Resolver404:
        return None
    found: tuple[str] | None
    if "participant_id" in kwargs:
        episodes = Episode.objects.filter(participant__public_id=kwargs["participant_id"])
        found = episodes.order_by("-referred_on", "-pk").values_list("program__time_zone").first()
    elif "session_id" in kwargs:
        sessions = Session.objects.filter(public_id=kwargs["session_id"])
        found = sessions.values_list("program__time_zone").first()
    elif "run_id" in kwargs:
        runs = ScheduleRun.objects.filter(public_id=kwargs["run_id"])
        found = runs.values_list("program__time_zone").first()
    elif "program_id" in kwargs:
        programs = Program.objects.filter(public_id=kwargs["program_id"])
        found = programs.values_list("time_zone").first()
    else:
        return None
    return found[0] if found else None


class ProgramTimeZoneMiddleware:
    """Show every time in the program's zone (stored times stay UTC).

    Someone in one zone sees every page in it. Someone whose programs lie in several zones
    sees a page that belongs to one program (a chart, a session, a run, a program's pages) in
    that program's zone; pages across programs show each row in its own program's zone
    (the `when` filter's argument) and name the zone.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        zones = program_time_zones(getattr(request, "user", None))
        if not zones:
            return self.get_response(request)
        zone = zones[0]
        if len(zones) > 1:
            zone = _zone_of_page(request.path_info) or zone
        with timezone.override(zone):
            return self.get_response(request)
