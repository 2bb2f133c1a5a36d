"""The billing pages: the program's payers, the chart's Billing tab (coverage), and the
service days of a week to bill with their CSV. Thin: parse, authorize, call a service or a
selector, render."""

import csv
from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts.http import SignedInRequest
from accounts.models import Organization, Program, User
from audit.models import Action
from audit.services import record_event
from billing import forms, rows, selectors, services
from billing.models import RECERTIFY_NOTICE_DAYS, Coverage, IopCertification
from participants.access import (
    Scope,
    audit_access,
    decide,
    decide_with_capability,
    may_open,
    organizations_with,
    staff_holding,
)
from participants.decorators import not_found, participant_page, refused
from participants.export import REDISCLOSURE_NOTICE
from participants.http import StaffRequest
from participants.models import Episode, Participant
from participants.selectors import current_episode
from participants.views import chart_context
from placement import views as placement_views
from tandem import dates
from tandem.errors import AccessDenied, InvalidInput, TandemError
from tandem.fields import chosen, refuse_on
from tandem.methods import serves
from tandem.paging import page_of
from tandem.views import error_page

TAB = "billing"
UNKNOWN_PAYER = "Choose a payer from the program's list."
UNKNOWN_STAY = "Choose the participant's stay."
UNKNOWN_PHYSICIAN = "Choose the certifying physician among the staff who may sign."


# Participants on a page of the service days (each with all their lines of the week), and
# the page number's query parameter (a number, never participant data).
PAGE_SIZE = 25
PAGE = "page"


def _tab(
    request: StaffRequest,
    participant: Participant,
    *,
    status: int = 200,
    form: forms.CoverageForm | None = None,
    error_form: forms.EnteredInErrorForm | None = None,
    error_on: Coverage | None = None,
    certification_form: forms.CertificationForm | None = None,
    certification_error_form: forms.EnteredInErrorForm | None = None,
    certification_error_on: IopCertification | None = None,
) -> HttpResponse:
    """The tab; a refused form comes back with what was typed and its errors."""
    context = chart_context(request, participant, TAB)
    payers = list(selectors.payers_of(participant.organization_id))
    can_certify = decide_with_capability(
        request.user, participant, "billing.certify", Action.CREATE, Scope.BILLING
    ).allowed
    context.update(
        coverages=selectors.coverages_for(participant),
        payers=payers,
        form=form or forms.CoverageForm(payers=payers),
        error_form=error_form,
        error_on=error_on.pk if error_on is not None else None,
        can_edit=decide(request.user, participant, Action.CHANGE, Scope.BILLING).allowed,
        keeps_payers=may_open(request.user, "billing:payers"),
        certifications=selectors.certifications_for(participant),
        can_certify=can_certify,
        # Its choices (the stays, the staff who may sign) are read only for one who may use it.
        certification_form=certification_form
        or (_certification_form(participant) if can_certify else None),
        certification_error_form=certification_error_form,
        certification_error_on=(
            certification_error_on.pk if certification_error_on is not None else None
        ),
    )
    return render(request, "billing/tab.html", context, status=status)


@participant_page(Scope.BILLING, methods=("GET",))
def tab(request: StaffRequest, participant: Participant) -> HttpResponse:
    return _tab(request, participant)


@participant_page(Scope.BILLING, methods=("POST",))
def coverage_add(request: StaffRequest, participant: Participant) -> HttpResponse:
    payers = selectors.payers_of(participant.organization_id)
    form = forms.CoverageForm(request.POST, payers=payers)
    if not form.is_valid():
        return _tab(request, participant, status=400, form=form)
    data = form.cleaned_data
    try:
        payer = chosen(payers, data["payer"], refusal=UNKNOWN_PAYER, field="payer")
        services.add_coverage(
            participant,
            by=request.user,
            payer=payer,
            member_id=data["member_id"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
        )
    except AccessDenied as exc:
        return refused(request, participant, exc)
    except TandemError as exc:
        refuse_on(form, exc)
        return _tab(request, participant, status=400, form=form)
    messages.success(request, "Coverage recorded.")
    return redirect("billing:tab", participant_id=participant.public_id)


@participant_page(Scope.BILLING, methods=("POST",))
def coverage_error(request: StaffRequest, participant: Participant, coverage_id) -> HttpResponse:
    coverage = Coverage.objects.filter(public_id=coverage_id, participant=participant).first()
    if coverage is None:
        return not_found(request)
    form = forms.EnteredInErrorForm(request.POST)
    if form.is_valid():
        try:
            services.mark_coverage_in_error(
                coverage, by=request.user, reason=form.cleaned_data["reason"]
            )
        except AccessDenied as exc:
            return refused(request, participant, exc)
        except TandemError as exc:
            refuse_on(form, exc)
        else:
            messages.success(request, "Coverage marked entered in error.")
            return redirect("billing:tab", participant_id=participant.public_id)
    return _tab(request, participant, status=400, error_form=form, error_on=coverage)


def _stays(participant: Participant):
    return Episode.objects.filter(participant=participant).select_related("program")


def _certification_form(participant: Participant, data=None) -> forms.CertificationForm:
    return forms.CertificationForm(
        data,
        episodes=_stays(participant).order_by("-referred_on", "-pk"),
        physicians=staff_holding("clinical.sign", participant.organization_id),
    )


@participant_page(Scope.BILLING, methods=("POST",))
def certification_add(request: StaffRequest, participant: Participant) -> HttpResponse:
    try:
        services.require_certifier(participant, by=request.user)
    except AccessDenied as exc:
        return refused(request, participant, exc)
    form = _certification_form(participant, request.POST)
    if not form.is_valid():
        return _tab(request, participant, status=400, certification_form=form)
    data = form.cleaned_data
    try:
        episode = chosen(
            _stays(participant), data["episode"], refusal=UNKNOWN_STAY, field="episode"
        )
        physician = _physician(participant, data["physician"])
        services.add_certification(
            participant,
            by=request.user,
            episode=episode,
            physician=physician,
            certified_on=data["certified_on"],
            needs_nine_hours=data["needs_nine_hours"],
        )
    except AccessDenied as exc:
        return refused(request, participant, exc)
    except TandemError as exc:
        refuse_on(form, exc)
        return _tab(request, participant, status=400, certification_form=form)
    messages.success(request, "IOP certification recorded.")
    return redirect("billing:tab", participant_id=participant.public_id)


@participant_page(Scope.BILLING, methods=("POST",))
def certification_error(
    request: StaffRequest, participant: Participant, certification_id
) -> HttpResponse:
    try:
        services.require_certifier(participant, by=request.user, action=Action.CHANGE)
    except AccessDenied as exc:
        return refused(request, participant, exc)
    certification = IopCertification.objects.filter(
        public_id=certification_id, participant=participant
    ).first()
    if certification is None:
        return not_found(request)
    form = forms.EnteredInErrorForm(request.POST)
    if form.is_valid():
        try:
            services.mark_certification_in_error(
                certification, by=request.user, reason=form.cleaned_data["reason"]
            )
        except AccessDenied as exc:
            return refused(request, participant, exc)
        except TandemError as exc:
            refuse_on(form, exc)
        else:
            messages.success(request, "IOP certification marked entered in error.")
            return redirect("billing:tab", participant_id=participant.public_id)
    return _tab(
        request,
        participant,
        status=400,
        certification_error_form=form,
        certification_error_on=certification,
    )


def _physician(participant: Participant, value: str) -> User:
    """The certifying physician a form chose, among the staff who may sign; refused as the
    field otherwise."""
    return chosen(
        staff_holding("clinical.sign", participant.organization_id),
        value,
        refusal=UNKNOWN_PHYSICIAN,
        field="physician",
    )


# The Level of care tab's card (`placement.cards`) and its form's key there.
CARD = "iop_certification"


def _chart_certification_form(
    participant: Participant, data=None, initial=None
) -> forms.ChartCertificationForm:
    return forms.ChartCertificationForm(
        data,
        initial=initial,
        physicians=staff_holding("clinical.sign", participant.organization_id),
    )


def certification_card(
    request: StaffRequest,
    participant: Participant,
    episode: Episode,
    sent: forms.ChartCertificationForm | None,
) -> dict | None:
    """The Medicare IOP certification card on the Level of care tab: for one the policy lets
    record a certification on the clinical record (`billing.certify`), while a Medicare payer
    covers the participant. It shows the stay's latest certification and until when, and the
    form with the signer themself as the physician; nothing of the coverage (payer, member
    id, dates) is on it. That a card shows says Medicare covers the participant, so the
    card leaves its own event, found by whoever asks the trail who saw their billing."""
    decision = decide_with_capability(
        request.user, participant, "billing.certify", Action.CREATE, Scope.CLINICAL
    )
    if not decision.allowed:
        return None
    today = episode.program.today()
    if not selectors.covered_by_medicare(participant, today):
        return None
    latest = selectors.latest_certification(episode)
    audit_access(
        request.user,
        participant,
        Action.VIEW,
        Scope.BILLING,
        decision,
        record=latest,
        details={"page": "placement:level_of_care", "shows": "Medicare coverage in force"},
        event_type="billing.certification_viewed",
    )
    in_force = latest is not None and latest.covers(today)
    return {
        "template": "billing/_certification_card.html",
        "latest": latest,
        "in_force": in_force,
        "due_soon": in_force
        and latest is not None
        and latest.in_force_until <= today + timedelta(days=RECERTIFY_NOTICE_DAYS),
        "lapsed": latest is not None and latest.in_force_until < today,
        "form": sent
        or _chart_certification_form(
            participant,
            initial={"physician": str(request.user.public_id), "certified_on": today},
        ),
    }


@participant_page(Scope.CLINICAL, methods=("POST",))
def certify(request: StaffRequest, participant: Participant) -> HttpResponse:
    """The certification card's write: the current stay's certification, recorded through
    the clinical record by one who holds `billing.certify`. A refusal comes back on the Level
    of care tab, beside the field it names."""
    try:
        services.require_certifier(participant, by=request.user, through=Scope.CLINICAL)
    except AccessDenied as exc:
        return refused(request, participant, exc)
    form = _chart_certification_form(participant, request.POST)
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        try:
            physician = _physician(participant, data["physician"])
            services.add_certification(
                participant,
                by=request.user,
                episode=current_episode(participant),
                physician=physician,
                certified_on=data["certified_on"],
                needs_nine_hours=data["needs_nine_hours"],
                through=Scope.CLINICAL,
            )
        except AccessDenied as exc:
            return refused(request, participant, exc)
        except TandemError as exc:
            status = refuse_on(form, exc)
        else:
            messages.success(request, "IOP certification recorded.")
            return redirect("placement:level_of_care", participant_id=participant.public_id)
    return placement_views.tab_page(request, participant, sent={CARD: form}, status=status)


def _own_organization(request: SignedInRequest, capability: str) -> Organization | None:
    found = organizations_with(request.user, capability)
    return Organization.objects.filter(pk__in=found).order_by("pk").first() if found else None


@serves("GET", "POST")
@login_required
def payers(request: SignedInRequest) -> HttpResponse:
    """The payers the program bills, each with the per-diem code it takes; the billing role
    and the director add them."""
    organization = _own_organization(request, "billing.write")
    if organization is None:
        return error_page(
            request, "Not allowed", "The payers are kept by billing and the director.", status=403
        )
    form = forms.PayerForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.add_payer(organization, by=request.user, **form.cleaned_data)
            except TandemError as exc:
                refuse_on(form, exc)
            else:
                messages.success(request, "Payer added.")
                return redirect("billing:payers")
        status = 400
    record_event(
        actor=request.user,
        event_type="billing.payers_viewed",
        organization=organization,
        record_type="billing.Payer",
    )
    return render(
        request,
        "billing/payers.html",
        {"payers": list(selectors.payers_of(organization.pk)), "form": form},
        status=status,
    )


def _programs(request: SignedInRequest) -> list[Program]:
    return list(
        Program.objects.filter(
            organization_id__in=organizations_with(request.user, "billing.read")
        ).order_by("name", "pk")
    )


def _week_asked(request: SignedInRequest, week: str) -> tuple[list[Program], date] | HttpResponse:
    """The programs the user bills and the Monday of the week the path names (else last
    week, in the first program's zone), or the refusal: not theirs to read, or not a week."""
    programs = _programs(request)
    if not programs or not may_open(request.user, "billing:service_days"):
        return error_page(
            request, "Not allowed", "The service days are for billing and the director.", status=403
        )
    if not week:
        return programs, selectors.last_week(programs[0])
    try:
        return programs, selectors.monday_of(dates.parse(week, field="week", label="The week"))
    except InvalidInput:
        return error_page(request, "Not a week", "The address does not name a week.", status=400)


@serves("GET", "POST")
@login_required
def service_days(request: SignedInRequest, week: str = "") -> HttpResponse:
    """A week's dates of service to bill, each ready or held with its reasons. The week is
    in the path (a POSTed day moves to its week's address), never in a query string."""
    asked = _week_asked(request, week)
    if isinstance(asked, HttpResponse):
        return asked
    programs, monday = asked
    form = forms.WeekForm(request.POST or None, initial={"week": monday})
    if request.method == "POST":
        if form.is_valid():
            chosen_monday = selectors.monday_of(form.cleaned_data["week"])
            return redirect("billing:week", week=chosen_monday.isoformat())
        return render(
            request, "billing/service_days.html", {"form": form, "week": monday}, status=400
        )
    page = page_of(
        selectors.billed_participants(programs, monday), request.GET.get(PAGE), PAGE_SIZE
    )
    lines = selectors.service_days(programs, monday, [p.pk for p in page.object_list])
    record_event(
        actor=request.user,
        event_type="billing.service_days_viewed",
        record_type="billing.ServiceDays",
        details={"week": monday.isoformat(), "scope": str(Scope.BILLING)},
        listed=[line.participant for line in lines],
    )
    return render(
        request,
        "billing/service_days.html",
        {
            "form": form,
            "week": monday,
            "lines": lines,
            "rows_html": rows.line_rows(lines),
            "page": page,
            "page_param": PAGE,
            "ready": sum(1 for line in lines if line.is_ready),
            "export_url": reverse("billing:export", kwargs={"week": monday.isoformat()}),
        },
    )


CSV_COLUMNS = (
    "record_number",
    "date_of_service",
    "service",
    "minutes_attended",
    "payer",
    "member_id",
    "per_diem_code",
    "icd10_codes",
    "units_96127",
    "status",
    "held_because",
    "note",
    "sessions_that_day",
    "medicare_per_diem_band",
    "week_minutes_attended",
    "medicare_week_band",
)


@serves("POST")
@login_required
def export(request: SignedInRequest, week: str) -> HttpResponse:
    """The week's lines as CSV, by record number (no names), the export audited naming every
    participant it holds."""
    asked = _week_asked(request, week)
    if isinstance(asked, HttpResponse):
        return asked
    programs, monday = asked
    lines = selectors.service_days(programs, monday)
    record_event(
        actor=request.user,
        event_type="billing.service_days_exported",
        record_type="billing.ServiceDays",
        details={"week": monday.isoformat(), "lines": len(lines), "scope": str(Scope.BILLING)},
        listed=[line.participant for line in lines],
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="service-days-{monday.isoformat()}.csv"'
    )
    response["Cache-Control"] = "no-store"
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for line in lines:
        writer.writerow(
            [
                line.participant.record_number,
                line.day.isoformat(),
                line.service,
                "" if line.drug_test else line.minutes,
                _cell(line.payer.name if line.payer else ""),
                _cell(line.member_id),
                line.code,
                " ".join(line.diagnoses),
                "" if line.drug_test else line.assessment_units,
                "ready" if line.is_ready else "held",
                "; ".join(line.held),
                line.note,
                "" if line.drug_test else line.sessions,
                line.band,
                "" if line.drug_test else line.week_minutes,
                line.week_band if line.is_medicare else "",
            ]
        )
    writer.writerow([REDISCLOSURE_NOTICE] + [""] * (len(CSV_COLUMNS) - 1))
    return response


def _cell(typed: str) -> str:
    """Text someone typed, kept from being read as a formula by a spreadsheet."""
    return "'" + typed if typed[:1] in ("=", "+", "-", "@", "\t", "\r") else typed
