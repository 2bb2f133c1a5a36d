"""The discharge tab of the chart: discharge a participant in care; after discharge, the
summary, the aftercare plan and the follow-ups. Thin: parse, authorize, call, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language

from accounts.http import SignedInRequest
from audit.models import Action
from audit.services import record_event
from discharge import followups, handover, selectors, services, summary
from discharge.forms import AftercareForm, CallForm, DischargeForm, SummaryForm, VersionForm
from discharge.models import Discharge, FollowUp
from discharge.questionnaire import take_answers
from participants.access import (
    Scope,
    decide,
    may,
    may_open,
    organizations_of,
)
from participants.decorators import PortalRead, not_found, participant_page, portal_read
from participants.http import StaffRequest
from participants.models import IN_CARE_STATUSES, Participant
from participants.selectors import current_episode
from participants.views import chart_context
from tandem.errors import TandemError
from tandem.fields import refuse_on
from tandem.methods import serves
from tandem.paging import page_of
from tandem.views import error_page


def _tab(request: HttpRequest, participant) -> HttpResponse:
    return redirect("discharge:tab", participant_id=participant.public_id)


@participant_page(Scope.AFTERCARE, methods=("GET",))
def tab(request: StaffRequest, participant) -> HttpResponse:
    """The latest discharge with its summary, aftercare plan and follow-ups."""
    context = chart_context(request, participant, "discharge")
    record = selectors.latest_discharge(participant)
    episode = current_episode(participant)
    context.update(
        record=record,
        can_discharge=episode is not None
        and episode.status in IN_CARE_STATUSES
        and decide(request.user, participant, Action.CHANGE, Scope.CLINICAL).allowed,
        can_write=decide(request.user, participant, Action.CHANGE, Scope.AFTERCARE).allowed,
        can_sign=may(request.user, "clinical.sign", participant.organization_id),
    )
    if record is not None:
        current = summary.current_summary(record)
        context.update(
            summary=current,
            titles=summary.titles(),
            summary_form=SummaryForm(
                initial={
                    "version": current.version,
                    **{n: getattr(current, n) for n in summary.SUMMARY_TEXT},
                }
            )
            if current
            else None,
            follow_ups=selectors.follow_ups_of(participant),
        )
    return render(request, "discharge/tab.html", context)


@participant_page(Scope.CLINICAL, methods=("GET", "POST"))
def discharge(request: StaffRequest, participant) -> HttpResponse:
    """The discharge form; a form with errors comes back with them."""
    episode = current_episode(participant)
    if episode is None or episode.status not in IN_CARE_STATUSES:
        messages.error(request, "Only a participant in care can be discharged.")
        return _tab(request, participant)
    items = handover.open_items(participant)
    form = DischargeForm(
        request.POST or None,
        items=items,
        takers=handover.takers(participant),
        initial={
            "version": episode.version,
            "date": episode.program.today(),
            "crisis_resources": services.DEFAULT_CRISIS_RESOURCES,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.discharge(
                episode,
                by=request.user,
                type=data["type"],
                on=data["date"],
                reason=data["reason"],
                expected_version=data["version"],
                aftercare={name: data[name] for name in services.AFTERCARE_FIELDS},
                follow_up_consent=data["follow_up_consent"],
                channel=data["channel"],
                choices={
                    item.key: services.ItemChoice(
                        data[f"choice:{item.key}"],
                        data[f"to:{item.key}"],
                        data[f"note:{item.key}"],
                    )
                    for item in items
                },
            )
        except TandemError as exc:
            form.add_error(form.field_for(exc.field), exc.message)
        else:
            messages.success(request, "Discharged. Review and sign the discharge summary.")
            return _tab(request, participant)
    context = chart_context(request, participant, "discharge")
    context.update(form=form, episode=episode)
    return render(
        request, "discharge/discharge_form.html", context, status=400 if form.errors else 200
    )


def _summary_of(participant, summary_id):
    return (
        summary.DischargeSummary.objects.filter(public_id=summary_id, participant=participant)
        .select_related("discharge")
        .first()
    )


@participant_page(Scope.AFTERCARE, methods=("POST",))
def summary_save(request: StaffRequest, participant, summary_id) -> HttpResponse:
    """Save the summary's words, sign it, or start an addendum to a signed one."""
    row = _summary_of(participant, summary_id)
    if row is None:
        return not_found(request)
    form = SummaryForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Check the summary: " + form.errors.as_text())
        return _tab(request, participant)
    data = form.cleaned_data
    action = request.POST.get("action", "save")
    try:
        if action == "addendum":
            summary.start_addendum(row, by=request.user, reason=data["addendum_reason"])
            messages.success(request, "Addendum started: edit it and sign it.")
        else:
            row = summary.save_text(
                row, by=request.user, text=data, expected_version=data["version"]
            )
            if action == "sign":
                summary.sign(row, by=request.user, expected_version=row.version)
                messages.success(request, "Summary signed.")
            else:
                messages.success(request, "Summary saved.")
    except TandemError as exc:
        messages.error(request, exc.message)
    return _tab(request, participant)


@participant_page(Scope.AFTERCARE, methods=("POST",))
def opt_out(request: StaffRequest, participant, discharge_id) -> HttpResponse:
    """The participant asked not to be contacted: every pending follow-up stops now."""
    record = Discharge.objects.filter(public_id=discharge_id, participant=participant).first()
    if record is None:
        return not_found(request)
    form = VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Reload the page and try again.")
        return _tab(request, participant)

    try:
        followups.opt_out(
            record.consent, by=request.user, expected_version=form.cleaned_data["version"]
        )
    except TandemError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Follow-ups stopped.")
    return _tab(request, participant)


# Rows per page on the follow-up call list.
PAGE_SIZE = 50


@serves("GET")
@login_required
def call_list(request: SignedInRequest) -> HttpResponse:
    """Follow-ups nobody answered within the program's days: who to phone, and a form each,
    a page at a time (a count and a page of rows: the same queries however many there are)."""
    if not may_open(request.user, "discharge:call_list"):
        return error_page(
            request, "Not allowed", "The follow-up call list is for clinical staff.", status=403
        )
    page = page_of(selectors.call_list(request.user), request.GET.get("page"), PAGE_SIZE)
    rows = list(page)
    if rows:
        record_event(
            actor=request.user,
            event_type="follow_up.call_list_viewed",
            record_type="discharge.CallList",
            details={
                "follow_ups": [str(r.public_id) for r in rows],
            },
            listed=[r.participant for r in rows],
        )
    overseen = [
        org
        for org in organizations_of(request.user)
        if may(request.user, "follow_up.call_all", org)
    ]
    rates = selectors.reach_rates(overseen, today=timezone.localdate()) if overseen else []
    return render(request, "discharge/call_list.html", {"rows": rows, "page": page, "rates": rates})


@participant_page(Scope.AFTERCARE, methods=("POST",))
def call(request: StaffRequest, participant, follow_up_id) -> HttpResponse:
    """Record a follow-up call: reached or not, with a note."""
    row = FollowUp.objects.filter(public_id=follow_up_id, participant=participant).first()
    if row is None:
        return not_found(request)
    form = CallForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say what happened on the call (a short note).")
    else:
        try:
            followups.record_call(
                row,
                by=request.user,
                reached=form.cleaned_data["reached"],
                note=form.cleaned_data["note"],
                expected_version=form.cleaned_data["version"],
            )
        except TandemError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Call recorded.")
    return redirect("discharge:call_list")


@serves("GET")
@login_required
@portal_read(Scope.AFTERCARE)
def my_discharge(
    request: SignedInRequest, participant: Participant, read: PortalRead
) -> HttpResponse:
    """The participant's own signed discharge summary and aftercare plan, on the portal."""
    record = selectors.latest_discharge(participant)
    signed = None
    if record is not None:
        signed = (
            summary.DischargeSummary.objects.current()
            .filter(discharge=record, signed_at__isnull=False)
            .order_by("-pk")
            .first()
        )
    read.audit(record=signed or record)
    context = {"record": record, "summary": signed, "titles": summary.titles()}
    if signed is not None:
        context["facts_language"], context["facts"] = signed.facts_in(get_language())
    return render(request, "discharge/mine.html", context)


@participant_page(Scope.AFTERCARE, methods=("GET", "POST"))
def aftercare(request: StaffRequest, participant) -> HttpResponse:
    """Edit the aftercare plan after discharge (the chart is closed; this part is not):
    each save is a new version, refused when someone saved in between."""
    record = selectors.latest_discharge(participant)
    plan = getattr(record, "aftercare", None) if record is not None else None
    if plan is None:
        return not_found(request)
    form = AftercareForm(request.POST or None, instance=plan, initial={"version": plan.version})
    if request.method == "POST" and form.is_valid():
        changes = form.changes()
        plan.refresh_from_db()
        try:
            services.update_aftercare(
                plan,
                by=request.user,
                changes=changes,
                expected_version=form.cleaned_data["version"],
            )
        except TandemError as exc:
            refuse_on(form, exc)
        else:
            messages.success(request, "Aftercare plan saved.")
            return _tab(request, participant)
    context = chart_context(request, participant, "discharge")
    context.update(form=form, plan=plan)
    return render(
        request,
        "discharge/aftercare_edit.html",
        context,
        status=400 if request.method == "POST" else 200,
    )


@participant_page(Scope.AFTERCARE, methods=("GET", "POST"))
def call_answers(request: StaffRequest, participant, follow_up_id) -> HttpResponse:
    """The outcomes questionnaire read to the participant on a call, the same questions as
    the link, entered by staff. A refused answer is said beside its question, as on the
    link's page."""
    row = (
        FollowUp.objects.filter(public_id=follow_up_id, participant=participant)
        .select_related("discharge__consent")
        .first()
    )
    if row is None:
        return not_found(request)
    kept, context = take_answers(
        request,
        lambda answers: followups.record_answers_on_call(
            row, by=request.user, answers=answers, now=timezone.now()
        ),
    )
    if kept:
        messages.success(request, f"Day {row.day} follow-up answered on the call.")
        return redirect("discharge:call_list")
    context.update(participant=participant, follow_up=row)
    status = 400 if request.method == "POST" else 200
    return render(request, "discharge/call_answers.html", context, status=status)
