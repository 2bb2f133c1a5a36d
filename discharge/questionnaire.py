"""The follow-up questionnaire, opened by a single-use link (the shared `links` mechanism):
substance use since discharge and days of use, still in treatment, medication, work or
school, housing, arrests, emergency visits or hospital stays, and the WHO-5."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from assessments import forms as instrument_forms
from assessments.instruments.definitions.who5 import WHO5
from discharge import followups
from discharge.followups import KIND
from discharge.models import FollowUp, FollowUpAnswers, FollowUpStatus
from links.registry import TARGETS, LinkTarget
from links.services import LinkUnavailable, LinkVisit
from participants.access import Scope
from tandem.errors import TandemError

OPEN_STATUSES = frozenset({FollowUpStatus.SENT, FollowUpStatus.TO_CALL})
YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def _spoken(choices: list[tuple[str, str]]) -> list[tuple[str, StrOrPromise]]:
    """A model's choices with their labels in the page's language: the participant's on the
    link's page, English on the staff's call page (the catalogue keeps them by hand)."""
    return [(value, _(label)) for value, label in choices]


class OutcomesForm(forms.Form):
    used = forms.ChoiceField(
        label=_("Have you used alcohol or drugs since you left the program?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
    )
    days_used = forms.IntegerField(
        label=_("On how many of the past 30 days did you use?"),
        min_value=0,
        max_value=30,
        required=False,
    )
    in_treatment = forms.ChoiceField(
        label=_("Are you still in treatment or going to your aftercare appointments?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
    )
    medication = forms.ChoiceField(
        label=_("Are you still taking the medication you left with?"),
        choices=_spoken(FollowUpAnswers.Medication.choices),
        widget=forms.RadioSelect,
    )
    employment = forms.ChoiceField(
        label=_("Work or school"), choices=_spoken(FollowUpAnswers.Employment.choices)
    )
    housing = forms.ChoiceField(
        label=_("Where you live"), choices=_spoken(FollowUpAnswers.Housing.choices)
    )
    arrests = forms.IntegerField(
        label=_("How many times have you been arrested since you left?"),
        min_value=0,
        max_value=99,
    )
    emergency_visits = forms.IntegerField(
        label=_("How many emergency visits or hospital stays since you left?"),
        min_value=0,
        max_value=99,
    )

    def answers(self) -> dict:
        data = self.cleaned_data
        used = data["used"] == "yes"
        return {
            "used_since_discharge": used,
            "days_used": (data["days_used"] or 0) if used else 0,
            "in_treatment": data["in_treatment"] == "yes",
            "medication": data["medication"],
            "employment": data["employment"],
            "housing": data["housing"],
            "arrests": data["arrests"],
            "emergency_visits": data["emergency_visits"],
        }


def open_follow_up(ref: str, participant) -> FollowUp:
    """The follow-up a link opens, while it still waits for an answer and consent stands."""
    row = (
        FollowUp.objects.filter(public_id=ref, participant=participant)
        .select_related("discharge__consent")
        .first()
    )
    if row is None or row.status not in OPEN_STATUSES or not row.discharge.consent.active:
        raise LinkUnavailable()
    return row


def check_ref(ref: str) -> str | None:
    if not FollowUp.objects.filter(public_id=ref).exists():
        return "No follow-up has that id."
    return None


def take_answers(
    request: HttpRequest, record: Callable[[dict[str, Any]], object]
) -> tuple[bool, dict[str, object]]:
    """The posted answers kept by `record` (True), or the page's questions with each refusal
    beside its own question and the rest above them: the one reading of the questionnaire
    that the participant's link page and the staff's call page share. Nothing is kept until
    every answer is accepted."""
    form = OutcomesForm(request.POST or None)
    problems: list[str] = []
    context: dict[str, object] = {"form": form, "instrument": WHO5, "problems": problems}
    if request.method != "POST":
        context["questions"] = instrument_forms.questions(WHO5)
        return False, context
    who5_answers, errors = instrument_forms.answers_from(WHO5, request.POST)
    if form.is_valid() and not errors:
        try:
            record({**form.answers(), "who5": who5_answers})
        except LinkUnavailable:
            raise
        except followups.InvalidWho5 as exc:
            errors, whole_form = instrument_forms.refusals(WHO5, exc.errors)
            problems.extend(whole_form)
        except TandemError as exc:
            problems.append(exc.message)
        else:
            return True, context
    context["questions"] = instrument_forms.questions(WHO5, who5_answers, errors)
    context["item_errors"] = errors
    return False, context


def handle(request: HttpRequest, visit: LinkVisit) -> HttpResponse:
    row = open_follow_up(visit.link.target_ref, visit.participant)
    kept, context = take_answers(
        request,
        lambda answers: followups.record_answers(
            row, answers=answers, decision=visit.decision, now=visit.now, link_visit=visit
        ),
    )
    if kept:
        return render(request, "links/done.html")
    context["follow_up"] = row
    status = 400 if request.method == "POST" else 200
    return render(request, "discharge/follow_up_questionnaire.html", context, status=status)


def register() -> None:
    TARGETS.register(
        LinkTarget(KIND, "follow-up questionnaire", handle, check_ref, scope=Scope.AFTERCARE)
    )
