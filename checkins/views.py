"""The daily check-in pages: the participant's own (portal) and the single-use link's.

Thin: parse the form, call `services.record_checkin`, show what came of it.
"""

from typing import Any
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from accounts.http import SignedInRequest
from checkins import selectors, services
from checkins.crisis import crisis_page
from checkins.forms import CheckInForm
from checkins.models import CheckIn, Via
from links.models import SingleUseLink
from links.registry import TARGETS, LinkTarget
from links.services import LinkUnavailable, LinkVisit
from medications.selectors import taken_on
from participants.access import Scope
from participants.decorators import PortalRead, portal_read
from participants.models import Participant
from safety.display import answers_refused, closed_to_answers, own_crisis_page
from tandem.errors import AccessDenied, TandemError
from tandem.fields import refuse_on
from tandem.methods import serves


def _form(participant: Participant, data=None) -> CheckInForm:
    return CheckInForm(
        data,
        last=selectors.last_checkin(participant),
        coping_choices=selectors.coping_choices(participant),
        ask_medications=bool(taken_on(participant, timezone.localdate())),
    )


def _page(form: CheckInForm) -> dict[str, Any]:
    """The form, and the time of today's check-in if one was sent already."""
    return {"form": form, "checked_in_at": selectors.checked_in_today(form.last, timezone.now())}


def _send(request: HttpRequest, participant: Participant, form: CheckInForm, **kwargs):
    """Record a valid form; a refusal goes back onto the form, naming its field."""
    try:
        return services.record_checkin(participant, **form.service_kwargs(), **kwargs)
    except LinkUnavailable:
        raise
    except AccessDenied:
        raise
    except TandemError as exc:
        refuse_on(form, exc)
        return None


@serves("GET", "POST")
@login_required
@portal_read(Scope.CLINICAL)
def mine(request: SignedInRequest, participant: Participant, read: PortalRead) -> HttpResponse:
    """Today's check-in on the participant's own account."""
    if request.method != "POST":
        closed = closed_to_answers(request, participant)
        if closed is not None:
            return closed
    form = _form(participant, request.POST if request.method == "POST" else None)
    status = 200
    try:
        if request.method == "POST":
            if form.is_valid():
                sent = _send(request, participant, form, by=request.user, via=Via.PORTAL)
                if sent is not None:
                    if sent.critical:
                        # Post/redirect/get: a reload shows the page again, never resends.
                        return redirect("checkins:crisis", checkin=sent.checkin.public_id)
                    return redirect("checkins:done")
            status = 400  # the form comes back with its errors: audited as a view below
    except AccessDenied as exc:
        return answers_refused(request, exc.message)
    read.audit()
    return render(request, "checkins/mine.html", {**_page(form), "portal": True}, status=status)


@serves("GET")
@login_required
@portal_read(Scope.CLINICAL)
def crisis(
    request: SignedInRequest, participant: Participant, read: PortalRead, checkin: UUID
) -> HttpResponse:
    """The crisis page after a yes to the safety question, at an address of its own."""
    return own_crisis_page(
        request,
        read,
        CheckIn.objects.current()
        .filter(participant=participant, public_id=checkin, safety=True)
        .first(),
        show=lambda sent: crisis_page(request, participant, sent, back_url=reverse("portal:home")),
    )


@serves("GET")
@login_required
def done(request: SignedInRequest) -> HttpResponse:
    return render(request, "checkins/done.html", {"portal_url": reverse("portal:home")})


def handle_link(request: HttpRequest, visit: LinkVisit) -> HttpResponse:
    """A reminder link's check-in: the form and nothing else of the record."""
    participant = visit.participant
    form = _form(participant, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            sent = _send(request, participant, form, by=None, via=Via.LINK, link_visit=visit)
            if sent is not None:
                if sent.critical:
                    return crisis_page(request, participant, sent.checkin)
                return render(request, "checkins/done.html", {"portal_url": ""})
        return render(request, "checkins/mine.html", _page(form), status=400)
    return render(request, "checkins/mine.html", _page(form))


def critical_link_answer(link: SingleUseLink) -> CheckIn | None:
    """The check-in a spent link stored, when it said yes to the safety question."""
    return (
        CheckIn.objects.current()
        .filter(participant=link.participant, public_id=link.answer_id, safety=True)
        .first()
    )


def register_link_target() -> None:
    TARGETS.register(
        LinkTarget("checkin", "daily check-in", handle_link, critical_answer=critical_link_answer)
    )
