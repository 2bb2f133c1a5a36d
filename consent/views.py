"""The Consents tab: the list with each consent's status, recording one, revoking one, and
the copies of the record given out (the accounting of disclosures), made from the one page
that gives a copy, which the tab and the chart's overview both link to."""

import csv
import io
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation

from accounts.http import SignedInRequest
from audit.models import Action
from consent import selectors, services
from consent.export import consent_row
from consent.forms import (
    ConsentForm,
    DiscloseForm,
    EnteredInErrorForm,
    ExpiryEventForm,
    RevokeForm,
    part2_choices,
)
from consent.models import (
    HIPAA_REDISCLOSURE,
    REFUSING_TO_SIGN,
    RIGHT_TO_REVOKE,
    TPO_RECIPIENTS,
    Consent,
    DisclosedCopy,
    Disclosure,
)
from consent.recipients import offered
from participants.access import (
    Scope,
    decide,
    may,
    require_with_capability,
)
from participants.decorators import PortalRead, not_found, participant_page, portal_read
from participants.export import (
    REDISCLOSURE_NOTICE,
    SECTIONS,
    RecordEncoder,
    copy_parts,
    export_record,
    printable_record,
)
from participants.history import history_csv
from participants.http import StaffRequest
from participants.language import code_for
from participants.models import Participant
from participants.selectors import current_episode, program_today, program_zone
from participants.views import chart_context
from tandem.errors import ConcurrentEdit, InvalidInput
from tandem.fields import refuse_on
from tandem.methods import serves
from tandem.templatetags.clock import day, when
from tandem.views import error_page


def _render(request, participant, form, status=200) -> HttpResponse:
    context = chart_context(request, participant, "consents")
    episode = context["episode"]
    rows = selectors.consents_for(participant, program_today(participant, episode))
    holds = may(request.user, "consent.record", participant.organization_id)
    copies = may(request.user, "record.export", participant.organization_id)
    record = decide(request.user, participant, Action.CREATE, Scope.CLINICAL)
    revoke = decide(request.user, participant, Action.CHANGE, Scope.CLINICAL, addendum=True)
    context.update(
        consents=rows,
        disclosures=selectors.disclosures_for(participant),
        gives_copies=copies,
        form=form,
        can_record=holds and record.allowed,
        can_revoke=holds and revoke.allowed,
        closed_chart=record.closed_chart,
        right_to_revoke=RIGHT_TO_REVOKE,
        hipaa_redisclosure=HIPAA_REDISCLOSURE,
        refusing_to_sign=REFUSING_TO_SIGN,
    )
    return render(request, "consent/tab.html", context, status=status)


def _form(participant, data=None) -> ConsentForm:
    """The form, with the program of the participant's stay as who may disclose."""
    episode = current_episode(participant)
    return ConsentForm(
        data,
        program_name=episode.program.name if episode else "",
        organization_id=participant.organization_id,
    )


@participant_page(Scope.CLINICAL, methods=("GET", "POST"))
def tab(request: StaffRequest, participant) -> HttpResponse:
    if request.method != "POST":
        return _render(request, participant, _form(participant))
    form = _form(participant, request.POST)
    if form.is_valid():
        try:
            services.record_consent(participant, by=request.user, **form.cleaned_data)
        except (InvalidInput, ConcurrentEdit) as exc:
            refuse_on(form, exc)
        else:
            messages.success(request, "Consent recorded.")
            return redirect("consent:tab", participant_id=participant.public_id)
    return _render(request, participant, form, status=400)


def _consent(participant, consent_id) -> Consent | None:
    return Consent.objects.current().filter(public_id=consent_id, participant=participant).first()


# A revocation received after discharge is still recorded: it adds to the closed chart.
@participant_page(Scope.CLINICAL, methods=("POST",), addenda=True)
def revoke(request: StaffRequest, participant, consent_id) -> HttpResponse:
    consent = _consent(participant, consent_id)
    if consent is None:
        return not_found(request)
    form = RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the day the written revocation was received and how.")
    else:
        try:
            services.revoke_consent(consent, by=request.user, **_revocation(form))
        except (InvalidInput, ConcurrentEdit) as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Revocation recorded.")
    return redirect("consent:tab", participant_id=participant.public_id)


def _revocation(form: RevokeForm) -> dict:
    data = dict(form.cleaned_data)
    data["expected_version"] = data.pop("version")
    return data


# Like a revocation, the event's marking may come after discharge: it adds to the closed chart.
@participant_page(Scope.CLINICAL, methods=("POST",), addenda=True)
def expiry_event(request: StaffRequest, participant, consent_id) -> HttpResponse:
    """Mark that the event or condition a consent expires on happened: expired from that day."""
    consent = _consent(participant, consent_id)
    if consent is None:
        return not_found(request)
    form = ExpiryEventForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the day the event happened.")
    else:
        try:
            services.mark_expiry_event(
                consent,
                by=request.user,
                happened_on=form.cleaned_data["happened_on"],
                expected_version=form.cleaned_data["version"],
            )
        except (InvalidInput, ConcurrentEdit) as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "The event is marked: the consent is expired from that day.")
    return redirect("consent:tab", participant_id=participant.public_id)


@participant_page(Scope.CLINICAL, methods=("POST",))
def entered_in_error(request: StaffRequest, participant, consent_id) -> HttpResponse:
    consent = _consent(participant, consent_id)
    if consent is None:
        return not_found(request)
    form = EnteredInErrorForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why the consent was entered in error.")
    else:
        try:
            services.mark_entered_in_error(
                consent, by=request.user, reason=form.cleaned_data["reason"]
            )
        except (InvalidInput, ConcurrentEdit) as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Consent marked entered in error.")
    return redirect("consent:tab", participant_id=participant.public_id)


# The languages the consent form is printed in, by the code a link asks for.
FORM_LANGUAGES = {"en": "en-us", "es": "es"}


@participant_page(Scope.CLINICAL, methods=("GET",), action=Action.PRINT)
def consent_form(request: StaffRequest, participant) -> HttpResponse:
    """The Part 2 consent form the participant signs, printed in their language (or the one
    the link asks for): each element §2.31(a) asks, to fill in, with the right to revoke and
    what refusing to sign means, so the consent recorded on the tab is the one they read; the
    parts of the record are boxes to tick beside the information's words, and the
    organization's payers (and any other list the tab picks recipients from) are boxes to
    tick beside the recipients' words, as the tab records them."""
    asked = request.GET.get("language", "")
    if asked and asked not in FORM_LANGUAGES:
        return error_page(
            request, "No such language", "The form is printed in English or Spanish.", status=400
        )
    context = chart_context(request, participant, "consents")
    context.update(
        right_to_revoke=RIGHT_TO_REVOKE,
        hipaa_redisclosure=HIPAA_REDISCLOSURE,
        refusing_to_sign=REFUSING_TO_SIGN,
        tpo_recipients=TPO_RECIPIENTS,
        named_lists=offered(participant.organization_id),
        part_titles=[s.title for s in SECTIONS.implementations()],
    )
    code = FORM_LANGUAGES[asked] if asked else code_for(participant.preferred_language)
    with translation.override(code):
        context["language_code"] = translation.get_language()
        return render(request, "consent/form.html", context)


# Kept to what booking and billing need: the kind, whether it is in force, and its dates.
ON_FILE_REFUSAL = "Your role does not read the consents on file."


@participant_page(Scope.DEMOGRAPHICS, methods=("GET",))
def on_file(request: StaffRequest, participant) -> HttpResponse:
    """Which consents are on file and whether each is in force today, for the front desk before
    booking a telehealth session and billing before a claim: each consent's kind, status and
    dates, never what a Part 2 consent lets be disclosed or to whom."""
    require_with_capability(
        request.user,
        participant,
        "consent.status_read",
        Action.VIEW,
        Scope.DEMOGRAPHICS,
        refusal=ON_FILE_REFUSAL,
    )
    context = chart_context(request, participant, "consents_on_file")
    context["consents"] = selectors.consents_for(
        participant, program_today(participant, context["episode"])
    )
    return render(request, "consent/on_file.html", context)


@participant_page(Scope.CLINICAL, methods=("GET",), action=Action.PRINT, addenda=True)
def accounting(request: StaffRequest, participant) -> HttpResponse:
    """The accounting of disclosures (42 CFR §2.25), printed for the participant on request:
    every copy given out over the last 3 years, to whom, when, what and under which consent."""
    context = chart_context(request, participant, "consents")
    context.update(_accounting(participant, context["episode"]))
    return render(request, "consent/accounting.html", context)


def _accounting(participant, episode) -> dict:
    zone = program_zone(participant, episode)
    today = timezone.now().astimezone(zone).date()
    return {
        "disclosures": selectors.accounting_for(participant, today, zone),
        "since": selectors.accounting_since(today),
        "today": today,
        "zone_name": str(zone),
    }


@serves("GET")
@login_required
@portal_read(Scope.CLINICAL)
def mine(request: SignedInRequest, participant: Participant, read: PortalRead) -> HttpResponse:
    """The participant's own accounting of disclosures: every copy of their record given out
    over the last 3 years, to whom, when, what and under which consent."""
    read.audit(page="copies of my record")
    context = _accounting(participant, current_episode(participant))
    context["participant"] = participant
    return render(request, "consent/mine.html", context)


def _in_force_part2_consents(rows: list[Consent]) -> list[Consent]:
    """The Part 2 consents in force today, which a copy may rely on."""
    return [c for c in rows if c.is_part2 and c.is_in_force]


def _in_force_part2(rows: list[Consent]) -> list[tuple[str, str]]:
    """The Part 2 consents in force today, as choices naming their recipients."""
    return part2_choices(_in_force_part2_consents(rows))


def _disclose_page(
    request, participant, form, under: Consent | None = None, status=200
) -> HttpResponse:
    context = chart_context(request, participant, "consents")
    context.update(form=form, under=under)
    return render(request, "consent/disclose.html", context, status=status)


def _offered(request: StaffRequest, participant, under: Consent | None) -> list[tuple[str, str]]:
    """The parts of the record a copy may carry: those the staff member may read, and under a
    consent that lists the parts it covers, of those alone."""
    readable = copy_parts(request.user, participant)
    return [(name, title) for name, title in readable if under is None or under.covers(name)]


def _may_give_copies(request: StaffRequest, participant) -> None:
    require_with_capability(
        request.user,
        participant,
        "record.export",
        Action.VIEW,
        Scope.CLINICAL,
        refusal=services.COPY_REFUSAL,
    )


# A copy is given after discharge too, so the closed chart does not refuse it.
@participant_page(Scope.CLINICAL, methods=("GET", "POST"), addenda=True)
def disclose(request: StaffRequest, participant) -> HttpResponse:
    """The one way to a copy of the record: say whom it is for, log it as a disclosure, then
    make it, with the §2.32 notice on top and, for a recipient other than the participant, the
    scope of the consent it relies on. Refused, nothing is logged and no copy is made: a part
    of the record the consent asked under does not cover is not even a choice."""
    rows = selectors.consents_for(participant, program_today(participant))
    if request.method != "POST":
        _may_give_copies(request, participant)
        return _disclose_page(
            request,
            participant,
            DiscloseForm(
                consents=_in_force_part2(rows), parts=_offered(request, participant, None)
            ),
        )
    asked = request.POST.get("consent", "") if request.POST.get("to") == "other" else ""
    under = next((c for c in rows if str(c.public_id) == asked and c.is_part2), None)
    form = DiscloseForm(
        request.POST,
        consents=_in_force_part2(rows),
        parts=_offered(request, participant, under),
    )
    if not form.is_valid():
        return _disclose_page(request, participant, form, under, status=400)
    data = form.cleaned_data
    consent = next((c for c in rows if str(c.public_id) == data["consent"]), None)
    try:
        disclosure = services.disclose_record(
            participant,
            by=request.user,
            what=data["what"],
            to_participant=data["to"] == "participant",
            recipient=data["recipient"],
            consent=consent,
            parts=data["parts"],
        )
    except (InvalidInput, ConcurrentEdit) as exc:
        refuse_on(form, exc)
        return _disclose_page(request, participant, form, under, status=400)
    scope = consent_row(consent) if consent is not None else None
    named = [(g.label, g.names) for g in consent.named] if consent is not None else []
    if disclosure.what == DisclosedCopy.EXPORT:
        return _exported(request, participant, disclosure, scope)
    if disclosure.what == DisclosedCopy.HISTORY:
        return _history(participant, disclosure, scope, named)
    whole_record = disclosure.what == DisclosedCopy.PRINT
    # The face sheet is the demographics and the episode; the record, the parts ticked.
    parts = set(disclosure.parts) if whole_record else {"participant", "episodes"}
    context = chart_context(request, participant, "consents")
    context.update(
        sections=printable_record(participant, request.user, parts) if whole_record else [],
        shows_demographics="participant" in parts,
        shows_episodes="episodes" in parts,
        parts_label=disclosure.parts_label,
        title="record" if whole_record else "face sheet",
        redisclosure_notice=REDISCLOSURE_NOTICE,
        disclosure=disclosure,
        scope=scope,
        scope_named=named,
    )
    return render(request, "consent/copy.html", context)


# Opened from a consent on the Consents tab; it posts to `disclose`, which decides again.
@participant_page(Scope.CLINICAL, methods=("GET",), addenda=True)
def disclose_under(request: StaffRequest, participant, consent_id) -> HttpResponse:
    """The copy page for someone a Part 2 consent in force names: that consent chosen, and of
    the parts of the record only those it covers, ticked to start with, since a copy for the
    recipient usually carries what they were consented to (all the staff member may read,
    none ticked, for the staff member to tick against its words, when it lists none)."""
    _may_give_copies(request, participant)
    rows = _in_force_part2_consents(selectors.consents_for(participant, program_today(participant)))
    under = next((c for c in rows if c.public_id == consent_id), None)
    if under is None:
        return not_found(request)
    offered = _offered(request, participant, under)
    form = DiscloseForm(
        initial={
            "to": "other",
            "consent": str(under.public_id),
            "parts": [name for name, _ in offered] if under.lists_parts else [],
        },
        consents=part2_choices([under]),
        parts=offered,
    )
    return _disclose_page(request, participant, form, under)


def _history(
    participant, disclosure: Disclosure, scope: dict | None, named: list[tuple[str, str]]
) -> HttpResponse:
    """The history's CSV as a disclosed copy: the §2.32 notice, to whom and under which
    consent's scope first, then the history as the History tab gives it."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([REDISCLOSURE_NOTICE])
    writer.writerow(
        [
            "Copy given to",
            disclosure.recipient or "the participant (their own copy)",
            "on",
            when(disclosure.recorded_at),
        ]
    )
    if scope is not None:
        writer.writerow(
            ["Under the consent signed", day(scope["signed_on"]), "by", scope["signed_by"]]
        )
        for label, key in _SCOPE_ROWS:
            writer.writerow([label, scope[key]])
            if key == "recipients":
                writer.writerows([heading, names] for heading, names in named)
    writer.writerow([])
    response = HttpResponse(out.getvalue() + history_csv(participant), content_type="text/csv")
    name = f"history-{participant.public_id}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# What a disclosed copy says of the consent it relies on (§2.32: its scope), as the printed
# copy lists it.
_SCOPE_ROWS = (
    ("Who may disclose", "who_may_disclose"),
    ("Information", "information"),
    ("Parts of the record it covers", "parts_covered"),
    ("Recipients", "recipients"),
    ("Purpose", "purpose"),
    ("Expires", "expires"),
)


def _exported(
    request: StaffRequest, participant, disclosure: Disclosure, scope: dict | None
) -> HttpResponse:
    record = export_record(participant, request.user, disclosure.parts)
    body = {
        "redisclosure_notice": record.pop("redisclosure_notice"),
        "disclosure": {
            "id": str(disclosure.public_id),
            "recipient": disclosure.recipient or "the participant",
            "disclosed_at": disclosure.recorded_at,
            "consent": scope,
            "parts": disclosure.parts,
        },
        **record,
    }
    response = HttpResponse(
        json.dumps(body, cls=RecordEncoder, indent=2), content_type="application/json"
    )
    name = f"record-{participant.public_id}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
