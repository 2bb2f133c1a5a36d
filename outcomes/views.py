"""The director's outcomes board and its CSV download.

The board shows aggregates only (no participant's name, id or record number appears on it
or in its CSV), so each load is audited as one program-level event with the filters it
used, not as a list of participants; the download is a separate audited export.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from audit.services import record_event
from outcomes import access, care_figures, charts, demographics, export, selectors
from outcomes.forms import FilterForm
from outcomes.models import Ethnicity, Race
from participants.access import (
    Scope,
    capability_decision,
    organizations_of,
    require_capability,
)
from participants.decorators import participant_page
from participants.http import StaffRequest
from participants.views import chart_context
from tandem.errors import AccessDenied, TandemError
from tandem.fields import refuse_on
from tandem.methods import serves
from tandem.templatetags.clock import month
from tandem.views import error_page


def _program_today(options: dict):
    """Today in the first program's zone (the board's "still in care" and "this week")."""
    programs = options["programs"]
    return programs[0].today() if programs else timezone.localdate()


def _allowed(request: HttpRequest, event_type: str) -> list[int] | None:
    """The organizations this user reads outcomes for; None after auditing a refusal."""
    orgs = access.organizations_read(request.user)
    if orgs:
        return orgs
    try:
        require_capability(
            request.user,
            access.CAPABILITY,
            organizations_of(request.user),
            event_type=event_type,
        )
    except AccessDenied:
        return None
    return None


def _refuse(request: HttpRequest) -> HttpResponse:
    return error_page(
        request, "Not allowed", "The outcomes board is for program directors.", status=403
    )


def _read(request: HttpRequest, orgs: list[int]) -> tuple[FilterForm, selectors.Filters, dict]:
    options = selectors.choices(orgs)
    form = FilterForm(
        request.POST if request.method == "POST" else None,
        options=options,
        today=_program_today(options),
    )
    if form.is_bound and not form.is_valid():
        form.filters_failed = True
        return form, FilterForm(options=options, today=form.today).filters(orgs), options
    return form, form.filters(orgs), options


def _role(request: HttpRequest, orgs: list[int]) -> str:
    return capability_decision(request.user, access.CAPABILITY, orgs[0]).role


@serves("GET", "POST")
@login_required
def board(request: HttpRequest) -> HttpResponse:
    """The board; the filter form is sent by POST, so no choice is kept in an address."""
    orgs = _allowed(request, "outcomes.board_viewed")
    if orgs is None:
        return _refuse(request)
    form, filters, options = _read(request, orgs)
    result = selectors.board(filters, options["sites"])
    record_event(
        actor=request.user,
        event_type="outcomes.board_viewed",
        role=_role(request, orgs),
        organization=orgs[0],
        record_type="outcomes.Board",
        details={"filters": filters.described(), "suppressed": len(result.suppressed)},
    )
    completion = result.completion
    context = {
        "form": form,
        "board": result,
        "completion_chart": charts.rate_bars(
            "completion-by-month",
            "Completion rate by month of discharge",
            [(month(row.month), row.rate) for row in completion.months],
        ),
        "group_chart": charts.rate_bars(
            "completion-by-group",
            f"Completion rate by {selectors.BREAKDOWNS[completion.breakdown].lower()}",
            [(row.label, row.rate) for row in completion.groups],
        ),
        "survival_chart": charts.survival_curve(
            "retention",
            "Share still in care, by days since admission",
            result.retention.steps,
            result.retention.at_days,
        ),
        "breakdown_label": selectors.BREAKDOWNS[completion.breakdown],
        **charts.after_care(result),
        "abstinence_points": [result.abstinence, *[s.abstinence for s in result.stages]],
        "effect_size_note": care_figures.EFFECT_SIZE_NOTE,
        "reliable_change_note": care_figures.RELIABLE_CHANGE_NOTE,
    }
    return render(request, "outcomes/board.html", context, status=200)


@serves("POST")
@login_required
def board_csv(request: HttpRequest) -> HttpResponse:
    """The board's figures as CSV, with the same filters and the same cells hidden."""
    orgs = _allowed(request, "outcomes.exported")
    if orgs is None:
        return _refuse(request)
    form, filters, options = _read(request, orgs)
    if form.filters_failed:
        return error_page(
            request, "Check the filters", "Correct the filters before downloading.", status=400
        )
    result = selectors.board(filters, options["sites"])
    body = export.board_csv(result)
    record_event(
        actor=request.user,
        event_type="outcomes.exported",
        role=_role(request, orgs),
        organization=orgs[0],
        record_type="outcomes.Board",
        details={"filters": filters.described(), "suppressed": len(result.suppressed)},
    )
    response = HttpResponse(body, content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="program-outcomes.csv"'
    return response


class RaceEthnicityForm(forms.Form):
    race = forms.ChoiceField(choices=Race.choices, widget=forms.RadioSelect)
    ethnicity = forms.ChoiceField(choices=Ethnicity.choices, widget=forms.RadioSelect)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


@participant_page(Scope.DEMOGRAPHICS, methods=("GET", "POST"))
def race_ethnicity(request: StaffRequest, participant) -> HttpResponse:
    """Race and ethnicity as the participant reports them, for the board's equity filters."""
    row = demographics.current(participant)
    initial = (
        {"race": row.race, "ethnicity": row.ethnicity, "version": row.version}
        if row
        else {"race": Race.NOT_REPORTED, "ethnicity": Ethnicity.NOT_REPORTED, "version": 0}
    )
    form = RaceEthnicityForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            demographics.record(
                participant,
                by=request.user,
                race=form.cleaned_data["race"],
                ethnicity=form.cleaned_data["ethnicity"],
                expected_version=form.cleaned_data["version"],
            )
        except TandemError as exc:
            refuse_on(form, exc)
        else:
            messages.success(request, "Race and ethnicity saved.")
            return redirect("outcomes:race_ethnicity", participant_id=participant.public_id)
    context = chart_context(request, participant, "race_ethnicity")
    context.update(form=form, row=row, source_note=demographics.SOURCE_NOTE)
    return render(
        request, "outcomes/race_ethnicity.html", context, status=400 if form.errors else 200
    )
