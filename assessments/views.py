"""Assessment pages: the chart tab, administering (staff and tablet), results, corrections.

Thin: parse, authorize (the participant_page decorator), call the service, render.
Scoring happens only in `services.record_administration`.
"""

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext

from accounts.http import SignedInRequest
from assessments import forms, selectors, services
from assessments.instruments.types import Instrument
from assessments.models import Administration, Mode
from audit.models import Action
from monitoring.models import Alert
from monitoring.selectors import who_was_alerted
from participants.access import Scope, decide, uses_portal
from participants.decorators import PortalRead, not_found, participant_page, portal_read
from participants.http import StaffRequest
from participants.language import answered_in, code_for
from participants.models import Participant
from participants.views import chart_context
from safety.display import (
    answers_refused,
    closed_to_answers,
    crisis_response,
    own_crisis_page,
)
from tandem.errors import AccessDenied, TandemError
from tandem.methods import serves
from tandem.views import error_page

TAB = "assessments"


def _program_tz(context: dict) -> str:
    episode = context.get("episode")
    return episode.program.time_zone if episode is not None else "UTC"


def _chart(request: StaffRequest, participant: Participant) -> dict:
    context = chart_context(request, participant, TAB)
    context["program_tz"] = _program_tz(context)
    return context


def _unavailable(request: HttpRequest, message: str, status: int = 404) -> HttpResponse:
    return error_page(request, gettext("Not available"), message, status=status)


@participant_page(Scope.CLINICAL, methods=("GET",))
def tab(request: StaffRequest, participant: Participant) -> HttpResponse:
    context = _chart(request, participant)
    context.update(
        histories=selectors.history_by_instrument(participant),
        start_form=forms.StartForm(),
        can_record=decide(request.user, participant, Action.CREATE, Scope.CLINICAL).allowed,
    )
    return render(request, "assessments/tab.html", context)


@participant_page(Scope.CLINICAL, methods=("GET",))
def start(request: StaffRequest, participant: Participant) -> HttpResponse:
    """Choose instrument and mode; the choice (no participant data) travels in the query."""
    form = forms.StartForm(request.GET or None)
    if form.is_valid():
        code, mode = form.cleaned_data["instrument"], form.cleaned_data["mode"]
        name = "assessments:self_report" if mode == Mode.SELF_REPORT else "assessments:administer"
        return redirect(name, participant_id=participant.public_id, code=code)
    context = _chart(request, participant)
    context["start_form"] = form
    return render(request, "assessments/start.html", context, status=400 if form.errors else 200)


def _submit(
    request: HttpRequest,
    participant: Participant,
    instrument: Instrument,
    *,
    mode: str,
    staff: bool,
    supersedes: Administration | None = None,
) -> tuple[Administration | None, dict]:
    """Parse the posted answers and record them; return the new row or what to show again
    (to staff, or to the person answering: `forms.questions`)."""
    answers, errors = forms.answers_from(instrument, request.POST)
    options = forms.SubmitOptionsForm(request.POST)
    correction = forms.CorrectionForm(request.POST) if supersedes is not None else None
    problems: list[str] = []
    reason_ok = correction is None or correction.is_valid()
    if not errors and reason_ok and options.is_valid():
        try:
            administration = services.record_administration(
                participant,
                code=instrument.code,
                answers=answers,
                context=supersedes.context if supersedes is not None else None,
                overrides=supersedes.overrides if supersedes is not None else None,
                mode=mode,
                by=request.user,
                supersedes=supersedes,
                reason=correction.cleaned_data["reason"] if correction is not None else "",
                allow_incomplete=options.cleaned_data["allow_incomplete"],
            )
        except services.InvalidAnswers as exc:
            errors, problems = forms.refusals(instrument, exc.errors)
        except AccessDenied:
            raise
        except TandemError as exc:
            problems.append(exc.message)
        else:
            return administration, {}
    return None, {
        "questions": forms.questions(instrument, answers, errors, staff=staff),
        "problems": problems,
        "item_errors": errors,
        "options_form": options,
        "correction_form": correction,
    }


def _form_context(instrument: Instrument, answers: dict | None = None, *, staff: bool) -> dict:
    return {
        "instrument": instrument,
        "questions": forms.questions(instrument, answers, staff=staff),
        "options_form": forms.SubmitOptionsForm(),
        "problems": [],
        "item_errors": {},
    }


def _answer(
    request: StaffRequest,
    participant: Participant,
    instrument: Instrument,
    context: dict,
    *,
    mode: str,
    then: str,
    staff: bool = True,
    supersedes: Administration | None = None,
    recorded: str = "",
) -> HttpResponse:
    """The answers' form, for staff or on the clinic tablet; once they are recorded, the page
    `then` of the new administration (saying `recorded`), else the form again with what was
    wrong (400). Staff entry, the tablet and a correction take answers alike."""
    template = "assessments/administer.html" if staff else "assessments/tablet.html"
    if request.method != "POST":
        return render(request, template, context)
    administration, again = _submit(
        request, participant, instrument, mode=mode, staff=staff, supersedes=supersedes
    )
    if administration is None:
        context.update(again)
        return render(request, template, context, status=400)
    if recorded:
        messages.success(request, recorded)
    return redirect(
        then, participant_id=participant.public_id, administration_id=administration.public_id
    )


@participant_page(Scope.CLINICAL, methods=("GET", "POST"))
def administer(request: StaffRequest, participant: Participant, code: str) -> HttpResponse:
    """Staff enter the answers: asked aloud, or copied from a (licensed) paper form."""
    instrument = selectors.definition(code)
    if instrument is None:
        return _unavailable(request, f"No instrument has the code {code!r}.")
    context = _chart(request, participant)
    context.update(_form_context(instrument, staff=True), mode=Mode.STAFF_ENTERED)
    return _answer(
        request,
        participant,
        instrument,
        context,
        mode=Mode.STAFF_ENTERED,
        then="assessments:result",
        recorded=f"{instrument.short_name} recorded.",
    )


@participant_page(Scope.CLINICAL, methods=("GET", "POST"))
def self_report(request: StaffRequest, participant: Participant, code: str) -> HttpResponse:
    """The clinic-tablet view: only the questions, no chart, no other participant's data, in
    the participant's language as their portal is."""
    return answered_in(
        code_for(participant.preferred_language),
        lambda: _self_report(request, participant, code),
    )


def _self_report(request: StaffRequest, participant: Participant, code: str) -> HttpResponse:
    instrument = selectors.definition(code)
    if instrument is None:
        return _unavailable(request, f"No instrument has the code {code!r}.")
    if not services.can_self_report(instrument):
        return _unavailable(
            request,
            f"{instrument.short_name} is given from the licensed paper form by staff.",
            status=400,
        )
    context = {"participant": participant, **_form_context(instrument, staff=False)}
    return _answer(
        request,
        participant,
        instrument,
        context,
        mode=Mode.SELF_REPORT,
        staff=False,
        then="assessments:self_report_done",
    )


def _follow_up(administration: Administration) -> Instrument | None:
    """The full instrument to give next when a pre-screen (PHQ-2, GAD-2) is positive."""
    instrument = administration.definition
    if instrument is None or not instrument.prescreen_for or not administration.positive:
        return None
    return selectors.definition(instrument.prescreen_for)


@participant_page(Scope.CLINICAL, methods=("GET",))
def self_report_done(
    request: HttpRequest, participant: Participant, administration_id
) -> HttpResponse:
    """Finish page for the tablet: thanks, hand the device back; no results on screen."""
    administration = selectors.administration_for(participant, administration_id)
    if administration is None:
        return not_found(request)
    return answered_in(
        code_for(participant.preferred_language),
        lambda: render(
            request,
            "assessments/tablet_done.html",
            {
                "participant": participant,
                "administration": administration,
                "follow_up": _follow_up(administration),
            },
        ),
    )


@participant_page(Scope.CLINICAL, methods=("GET",))
def result(request: StaffRequest, participant: Participant, administration_id) -> HttpResponse:
    administration = selectors.administration_for(participant, administration_id)
    if administration is None:
        return not_found(request)
    if administration.definition is None:
        return _unavailable(request, f"Tandem no longer carries {administration.instrument!r}.")
    context = _chart(request, participant)
    alerts = list(
        Alert.objects.filter(
            participant=participant,
            source_type=Administration._meta.label,
            source_id=str(administration.public_id),
        ).prefetch_related("assigned_to")
    )
    context.update(
        a=administration,
        instrument=administration.definition,
        answer_rows=forms.answer_rows(administration.definition, administration.answers),
        alerts=alerts,
        cutoffs=[
            (t["value"], selectors.basis_words(t["basis"]))
            for t in administration.thresholds.values()
        ],
        other_flags=[
            (selectors.flag_label(administration.definition, f["code"]), f["message"])
            for f in administration.flags
            if not f.get("critical")
        ],
        follow_up=_follow_up(administration),
        can_change=decide(request.user, participant, Action.CHANGE, Scope.CLINICAL).allowed,
        error_form=forms.EnteredInErrorForm(),
    )
    return render(request, "assessments/result.html", context)


@participant_page(Scope.CLINICAL, methods=("GET", "POST"))
def correct(request: StaffRequest, participant: Participant, administration_id) -> HttpResponse:
    """Re-enter an administration's answers; the new one supersedes it, with a reason."""
    original = selectors.administration_for(participant, administration_id)
    if original is None or original.definition is None:
        return not_found(request)
    if not original.is_current:
        messages.error(
            request,
            "This administration was already corrected or struck out; correct the newest one.",
        )
        return redirect(
            "assessments:result",
            participant_id=participant.public_id,
            administration_id=original.public_id,
        )
    instrument = original.definition
    context = _chart(request, participant)
    context.update(
        _form_context(instrument, original.answers, staff=True),
        mode=original.mode,
        original=original,
        correction_form=forms.CorrectionForm(),
    )
    return _answer(
        request,
        participant,
        instrument,
        context,
        mode=original.mode,
        supersedes=original,
        then="assessments:result",
        recorded="Correction recorded; the earlier version is superseded.",
    )


@participant_page(Scope.CLINICAL, methods=("POST",))
def entered_in_error(
    request: HttpRequest, participant: Participant, administration_id
) -> HttpResponse:
    administration = selectors.administration_for(participant, administration_id)
    if administration is None:
        return not_found(request)
    form = forms.EnteredInErrorForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for e in form.errors.get("reason", [])))
    else:
        try:
            services.mark_entered_in_error(
                administration, by=request.user, reason=form.cleaned_data["reason"]
            )
        except TandemError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Marked entered in error.")
    return redirect(
        "assessments:result",
        participant_id=participant.public_id,
        administration_id=administration.public_id,
    )


@serves("GET", "POST")
@login_required
@portal_read(Scope.CLINICAL)
def mine(
    request: SignedInRequest, participant: Participant, read: PortalRead, code: str
) -> HttpResponse:
    """A participant answers a questionnaire on their own account (their portal); the form
    shown, first or sent back with its errors, is audited as a view of their record."""
    instrument = selectors.definition(code)
    if instrument is None or not services.can_self_report(instrument):
        return _unavailable(request, gettext("This questionnaire is not available."))
    if request.method != "POST":
        closed = closed_to_answers(request, participant)
        if closed is not None:
            return closed
    context = {"participant": participant, **_form_context(instrument, staff=False)}
    status = 200
    if request.method == "POST":
        try:
            administration, again = _submit(
                request, participant, instrument, mode=Mode.SELF_REPORT, staff=False
            )
        except AccessDenied as exc:
            return answers_refused(request, exc.message)
        if administration is not None:
            if administration.critical_flags:
                # At an address of its own, so a reload shows it again instead of resending.
                return redirect(
                    "assessments:mine_crisis", administration_id=administration.public_id
                )
            return redirect("assessments:mine_done")
        context.update(again)
        status = 400
    read.audit(instrument=instrument.code)
    return render(request, "assessments/mine.html", context, status=status)


def _crisis(request: HttpRequest, administration: Administration) -> HttpResponse:
    """Shown at once after a critical answer: crisis lines, the program's after-hours number,
    and who was alerted (the service raised the alert in the same write), said only when true,
    and the participant's safety plan."""
    episode = administration.episode
    program = episode.program if episode is not None else None
    return crisis_response(
        request,
        administration.participant,
        program,
        alerted=who_was_alerted(administration.participant, administration),
    )


@serves("GET")
@login_required
@portal_read(Scope.CLINICAL)
def mine_crisis(
    request: SignedInRequest, participant: Participant, read: PortalRead, administration_id: UUID
) -> HttpResponse:
    """The crisis page after a critical answer on the participant's own questionnaire."""
    found = selectors.administration_for(participant, administration_id)
    critical = found is not None and not found.entered_in_error and bool(found.critical_flags)
    return own_crisis_page(
        request,
        read,
        found if critical else None,
        show=lambda administration: _crisis(request, administration),
    )


@serves("GET")
@login_required
def mine_done(request: SignedInRequest) -> HttpResponse:
    if not uses_portal(request.user):
        return redirect("home")
    return render(request, "assessments/mine_done.html", {"portal_url": reverse("portal:home")})
