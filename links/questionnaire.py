"""The questionnaire target: a reminder link that opens one self-report questionnaire."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from assessments import forms, selectors, services
from assessments.models import Administration, Mode
from links.models import SingleUseLink
from links.registry import TARGETS, LinkTarget
from links.services import LinkUnavailable, LinkVisit
from monitoring.crisis import crisis_contacts
from monitoring.selectors import who_was_alerted
from participants.selectors import current_episode
from tandem.errors import TandemError

KIND = "questionnaire"


def check_ref(code: str) -> str | None:
    instrument = selectors.definition(code)
    if instrument is None or not services.can_self_report(instrument):
        return f"{code!r} is not a questionnaire a participant answers on their own."
    return None


def crisis_page(request: HttpRequest, participant, administration) -> HttpResponse:
    """Crisis lines at once after a critical answer given through a link (no other data),
    and who was alerted, said only when true."""
    episode = current_episode(participant)
    program = episode.program if episode is not None else None
    return render(
        request,
        "links/crisis.html",
        {
            **crisis_contacts(program),
            "alerted": who_was_alerted(participant, administration),
        },
    )


def critical_answer(link: SingleUseLink) -> Administration | None:
    """The questionnaire a spent link stored, when one of its answers was critical."""
    administration = (
        Administration.objects.current()
        .filter(participant=link.participant, public_id=link.answer_id)
        .first()
    )
    return administration if administration and administration.critical_flags else None


def handle(request: HttpRequest, visit: LinkVisit) -> HttpResponse:
    instrument = selectors.definition(visit.link.target_ref)
    if instrument is None:
        # The library no longer carries the instrument the link was sent for.
        raise LinkUnavailable()
    problems: list[str] = []
    context = {
        "instrument": instrument,
        "questions": forms.questions(instrument),
        "problems": problems,
    }
    if request.method == "POST":
        answers, errors = forms.answers_from(instrument, request.POST)
        if not errors:
            try:
                administration = services.record_administration(
                    visit.participant,
                    code=instrument.code,
                    answers=answers,
                    mode=Mode.SELF_REPORT,
                    by=None,
                    completed_at=visit.now,
                    link_visit=visit,
                )
            except services.InvalidAnswers as exc:
                errors, whole_form = forms.refusals(instrument, exc.errors)
                problems.extend(whole_form)
            except LinkUnavailable:
                raise
            except TandemError as exc:
                problems.append(exc.message)
            else:
                if administration.critical_flags:
                    return crisis_page(request, visit.participant, administration)
                return render(request, "links/done.html")
        context["questions"] = forms.questions(instrument, answers, errors)
        context["item_errors"] = errors
        return render(request, "links/questionnaire.html", context, status=400)
    return render(request, "links/questionnaire.html", context)


def register() -> None:
    TARGETS.register(
        LinkTarget(KIND, "questionnaire", handle, check_ref, critical_answer=critical_answer)
    )
