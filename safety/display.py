"""The safety plan where it is needed at once: after any critical answer (a questionnaire,
the daily check-in) and one tap from the portal home.

`crisis_response(request, participant, program, alerted=...)` is the page every critical answer shows:
crisis lines, the program's after-hours number, that who was alerted, and the
participant's confirmed safety plan. `plan_context(participant, program)` gives the same
data for a page that shows the plan inside its own layout (template `safety/_plan.html`).
Crisis lines: clinical reference §7 (monitoring.crisis).
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from monitoring.crisis import CRISIS_LINES
from safety.selectors import confirmed_plan


def plan_context(participant, program) -> dict:
    return {
        "safety_plan": confirmed_plan(participant) if participant is not None else None,
        "crisis_lines": CRISIS_LINES,
        "after_hours_phone": program.after_hours_phone if program else "",
        "program_name": program.name if program else "",
    }


def crisis_response(request: HttpRequest, participant, program, *, alerted: str) -> HttpResponse:
    """The page shown at once after a critical answer (the caller raised the alert and
    audited the write that carried the answer). `alerted` is whom the alert reached
    (`monitoring.selectors.who_was_alerted`): the page says only what is true."""
    context = plan_context(participant, program)
    context["portal_url"] = reverse("portal:home")
    context["alerted"] = alerted
    return render(request, "safety/crisis.html", context)
