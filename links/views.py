"""The one address a single-use link opens: resolve the token, hand off to the target's handler.

The token is a path segment. Responses are never cached, and the page shows only the one
target (no navigation, no other part of the record). Its Referer carries the origin alone,
never the path with the token: "no-referrer" would also make the browser send `Origin: null`
with the answer, which the CSRF check refuses.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.views.decorators.csrf import csrf_protect

from audit.context import counting_events
from links import services
from links.registry import target_for
from monitoring.crisis import crisis_contacts
from monitoring.selectors import who_was_alerted
from participants.language import code_for
from participants.selectors import current_episode, program_zone
from safety.selectors import confirmed_plan
from tandem.languages import told_language, visitor_language
from tandem.methods import serves


def unavailable(
    request: HttpRequest, message: str, status: int = 410, *, everyone: bool = False
) -> HttpResponse:
    """The link no longer opens anything. When whose link it was is not known (`everyone`),
    the page says so in every portal language rather than reveal the holder's."""
    others = [code for code, _ in settings.LANGUAGES if code != translation.get_language()]
    return render(
        request,
        "links/unavailable.html",
        {"message": message, "other_languages": others if everyone else []},
        status=status,
    )


def crisis_again(request: HttpRequest, spent: services.SpentAfterCrisis) -> HttpResponse:
    """A spent link's page after a critical answer: the crisis lines, the program's line and
    who was alerted, as on the crisis page the answer showed, with nothing of what was
    answered. The safety plan is the participant's own words, so it stays behind sign-in."""
    participant = spent.participant
    episode = current_episode(participant)
    program = episode.program if episode is not None else None
    return render(
        request,
        "links/crisis.html",
        {
            **crisis_contacts(program),
            "alerted": who_was_alerted(participant, spent.answer),
            "spent": True,
            "has_safety_plan": confirmed_plan(participant) is not None,
        },
    )


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "strict-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


@serves("GET", "POST")
@csrf_protect
def open_link(request: HttpRequest, token: str) -> HttpResponse:
    try:
        visit = services.open_link(token, method=request.method)
    except services.LinkClosed as exc:
        with translation.override(code_for(exc.participant.preferred_language)):
            response = unavailable(request, translation.gettext(exc.message))
            response.headers.setdefault("Content-Language", translation.get_language())
        return _private(response)
    except services.LinkUnavailable as exc:
        spent = services.open_spent_after_crisis(token)
        if spent is None:
            # Whose link it was is not known: the browser's language first, then the others.
            with translation.override(visitor_language(request)):
                return _private(told_language(unavailable(request, exc.message, everyone=True)))
        # A reload (or the answer sent again) after a critical answer: the crisis lines again.
        with (
            translation.override(code_for(spent.participant.preferred_language)),
            timezone.override(program_zone(spent.participant)),
        ):
            response = crisis_again(request, spent)
            response.headers.setdefault("Content-Language", translation.get_language())
        return _private(response)
    target = target_for(visit.link.target)
    # The page speaks the language the participant's record names (participants.language),
    # and tells the time of their program: nobody is signed in to set the zone for it.
    with (
        translation.override(code_for(visit.participant.preferred_language)),
        timezone.override(program_zone(visit.participant)),
    ):
        try:
            with counting_events() as events:
                response = target.handle(request, visit)
            if request.method not in ("GET", "HEAD") and not events.written:
                # A form sent back with its errors shows the target again: audit that too.
                services.audit_shown_again(visit)
        except services.LinkClosed as exc:
            # The stay ended between the opening and the answer: the answer rolled back.
            if exc.decision is not None:
                services.audit_refused(visit.link, exc.decision, opening=False)
            response = unavailable(request, translation.gettext(exc.message))
        except services.LinkUnavailable as exc:
            response = unavailable(request, exc.message)
        response.headers.setdefault("Content-Language", translation.get_language())
    return _private(response)
