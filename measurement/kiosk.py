"""Kiosk mode: a staff member's signed-in device handed to a participant.

While it is on, `KioskMiddleware` lets through only the kiosk page, the single-use links it
lists and static files; everything else goes back to the kiosk page. Ending it needs the
staff member's own password. The state lives in the server-side session; starting and
ending are audited.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from audit.services import record_event
from participants.language import code_for
from participants.models import Participant

KEY = "tandem_kiosk"


def start(request: HttpRequest, participant: Participant, items: list[tuple[str, str]]) -> None:
    """Kiosk mode on, for `items`: each due questionnaire's instrument code and its link."""
    request.session[KEY] = {
        "participant": str(participant.public_id),
        "staff": request.user.pk,
        "items": [{"instrument": code, "path": p} for code, p in items],
        "language": code_for(participant.preferred_language),
    }
    record_event(
        actor=request.user,
        event_type="measurement.kiosk_started",
        participant=participant,
        details={"questionnaires": len(items)},
    )


def state(request: HttpRequest) -> dict | None:
    return request.session.get(KEY) if hasattr(request, "session") else None


def end(request: HttpRequest) -> str:
    data = request.session.pop(KEY)
    participant = Participant.objects.filter(public_id=data["participant"]).first()
    record_event(actor=request.user, event_type="measurement.kiosk_ended", participant=participant)
    return data["participant"]


class KioskMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        data = state(request)
        if data is not None:
            allowed = {reverse("measurement:kiosk"), reverse("measurement:kiosk_end")}
            allowed |= {item["path"] for item in data["items"]}
            if request.path not in allowed and not request.path.startswith("/static/"):
                return redirect("measurement:kiosk")
        return self.get_response(request)
