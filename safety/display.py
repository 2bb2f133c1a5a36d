"""The safety plan where it is needed at once: after any critical answer (a questionnaire,
the daily check-in) and one tap from the portal home.

`crisis_response(request, participant, program, alerted=...)` is the page every critical answer shows:
crisis lines, the program's after-hours number, that who was alerted, and the
participant's confirmed safety plan. `plan_context(participant, program)` gives the same
data for a page that shows the plan inside its own layout (template `safety/_plan.html`).
`answers_refused(request, message)` is what a participant reads when a check-in or a
questionnaire of theirs is refused (their stay has ended): the refusal and the crisis lines,
and `closed_to_answers(request, participant)` says it before they fill in the form.
`own_crisis_page(...)` serves such a page at an address of its own after the answer's POST
redirects there, so a reload shows it again instead of resending the answer.
Crisis lines: clinical reference §7 (monitoring.crisis).
"""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext, gettext_noop

from audit.models import Action
from monitoring.crisis import CRISIS_LINES, crisis_contacts
from participants.access import Scope, decide, refusal_message
from participants.decorators import PortalRead
from safety.selectors import confirmed_plan
from tandem.views import error_page


def plan_context(participant, program) -> dict:
    return {
        "safety_plan": confirmed_plan(participant) if participant is not None else None,
        **crisis_contacts(program),
    }


def crisis_response(request: HttpRequest, participant, program, *, alerted: str) -> HttpResponse:
    """The page shown at once after a critical answer (the caller raised the alert and
    audited the write that carried the answer). `alerted` is whom the alert reached
    (`monitoring.selectors.who_was_alerted`): the page says only what is true."""
    context = plan_context(participant, program)
    context["portal_url"] = reverse("portal:home")
    context["alerted"] = alerted
    return render(request, "safety/crisis.html", context)


def own_crisis_page(
    request: HttpRequest,
    read: PortalRead,
    answer: Any,
    *,
    show: Callable[[Any], HttpResponse],
) -> HttpResponse:
    """The crisis page after a participant's own critical answer, on a page behind
    `portal_read(Scope.CLINICAL)`, so shown to that participant only (`answer` is found among
    theirs, None when it is not a critical one) and audited as a clinical read of the answer
    each time it is shown."""
    if answer is None:
        return error_page(
            request,
            gettext("Not found"),
            gettext("There is nothing to show at this address."),
            status=404,
        )
    read.audit(record=answer)
    return show(answer)


# What a participant reads on opening a check-in or a questionnaire after their discharge.
ANSWERS_CLOSED = gettext_noop(
    "Your time in the program has ended, so check-ins and questionnaires can no longer be "
    "sent here. If you agreed to hear from the program after you left, it will send you its "
    "own follow-up questions."
)


def answers_refused(request: HttpRequest, message: str) -> HttpResponse:
    """A participant's check-in or questionnaire refused (after their discharge, most often):
    the refusal, with the crisis lines beside it, since what they were sending may have said
    they are not safe and nothing of it was kept to alert anyone."""
    return render(
        request,
        "safety/answers_refused.html",
        {
            "title": gettext("Not available"),
            "message": message,
            "crisis_lines": CRISIS_LINES,
            "portal_url": reverse("portal:home"),
        },
        status=403,
    )


def closed_to_answers(request: HttpRequest, participant) -> HttpResponse | None:
    """`answers_refused` for a participant who can no longer send answers of their own (a
    check-in or questionnaire form kept open in a tab or a bookmark after their discharge),
    before they fill in a form that would be refused; None while they can."""
    decision = decide(request.user, participant, Action.CREATE, Scope.CLINICAL)
    if decision.allowed:
        return None
    # Nothing has been sent yet: said before they answer, not as an answer refused.
    closed = gettext(ANSWERS_CLOSED) if decision.closed_chart else refusal_message(decision)
    return answers_refused(request, closed)
