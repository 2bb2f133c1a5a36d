"""The gate every participant page passes: load the record, ask the policy, audit."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.models import User
from audit.models import Action, Outcome
from audit.services import record_event
from participants.access import Scope, authorize, decide, require
from participants.audit_events import access_event_type
from participants.models import Participant
from tandem.errors import AccessDenied


def load_participant(participant_id) -> Participant | None:
    return (
        Participant.objects.select_related("organization")
        .filter(public_id=participant_id, entered_in_error_at__isnull=True)
        .first()
    )


def not_found(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "error.html",
        {"title": "Participant not found", "message": "No participant has that id."},
        status=404,
    )


def refused(request: HttpRequest, participant: Participant, exc: AccessDenied) -> HttpResponse:
    decision = decide(request.user, participant, Action.VIEW, Scope.CLINICAL)
    return render(
        request,
        "participants/refused.html",
        {
            "participant": participant,
            "message": exc.message,
            "can_break_glass": decision.can_break_glass,
        },
        status=403,
    )


def participant_page(scope: Scope, *, action: str = Action.VIEW) -> Callable:
    """Authorize the page for `scope`: GETs are audited as `action` (a view, print or
    export); writes are checked here and audited by their service."""

    def decorator(view: Callable) -> Callable:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, participant_id, **kwargs) -> HttpResponse:
            participant = load_participant(participant_id)
            if participant is None:
                return not_found(request)
            if request.user.kind != User.Kind.STAFF:
                record_event(
                    actor=request.user,
                    event_type=access_event_type(Action.VIEW, scope),
                    participant=participant,
                    outcome=Outcome.REFUSED,
                    details={"why": "staff page", "page": request.resolver_match.url_name},
                )
                return render(
                    request,
                    "error.html",
                    {"title": "Not allowed", "message": "This page is for staff."},
                    status=403,
                )
            try:
                if request.method in ("GET", "HEAD"):
                    request.access = authorize(
                        request.user,
                        participant,
                        action,
                        scope,
                        details={"page": request.resolver_match.url_name},
                    )
                else:
                    request.access = require(request.user, participant, Action.CHANGE, scope)
                return view(request, participant, **kwargs)
            except AccessDenied as exc:
                return refused(request, participant, exc)

        wrapper.participant_scope = scope
        return wrapper

    return decorator
