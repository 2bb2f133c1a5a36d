"""The read-only FHIR R4 API under /fhir/R4/ (docs/fhir.md).

Authenticated as the JSON API is (the signed-in staff session), every read decided by the
access policy and audited, one event per response naming the participant. An account that is
not staff's is refused by its kind (403) before any id is looked up. For staff, an unknown id
and a refused read answer alike, 404 with an OperationOutcome, so an answer never tells
whether someone is a participant here; the refusal is still audited. Search parameters carry ids
only (the patient's public id, a LOINC code); no search by name or birth date is offered.

The staff are served too, as Practitioners: no participant's data, so they are decided by the
program capability to read the organization's staff (`STAFF`), in the same search and read
shape, each answer audited all the same; staff of another organization are never found.
"""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any
from uuid import UUID

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.models import Membership, User
from accounts.roles import organizations_of
from assessments.instruments import all_instruments
from assessments.models import Administration
from audit.models import Action, Outcome
from audit.services import record_event
from billing.models import Coverage
from billing.selectors import payers_named
from consent.models import Consent
from consent.selectors import consents_for
from fhirapi import encounters as encounters_mapping
from fhirapi import resources
from fhirapi.labels import PART2_LABELS, carries_part2
from intake.models import Diagnosis, DiagnosisStatus
from medications.models import Medication
from medications.selectors import medications_for
from participants.access import (
    Decision,
    Scope,
    authorize,
    capability_decision,
    organizations_with,
    require_capability,
    uses_staff_pages,
)
from participants.audit_events import access_event_type
from participants.models import CareTeamMember, Episode, Participant
from participants.selectors import chart_participant, program_today, program_zone
from plans.models import Goal, Problem, TreatmentPlan
from screens.models import DrugScreen, ScreenResult
from tandem import dates
from tandem.errors import AccessDenied, InvalidInput
from tandem.fields import public_id as read_public_id

CONTENT_TYPE = "application/fhir+json; charset=utf-8"
NOT_FOUND = "No patient with that id is available to you."
STAFF_ONLY = "The FHIR API is for staff accounts."
STAFF_REFUSED = "Your role does not read the organization's staff."
# `_format` is accepted and ignored: every answer is JSON.
COMMON_PARAMETERS = frozenset({"_format"})
STAFF_READ_EVENT = "fhir.staff_read"


@dataclass(frozen=True)
class StaffData:
    """What decides a read of a resource that is the organization's staff, not a participant's
    record: the program capability `capability`, held in an organization, reads that
    organization's staff (and no other's)."""

    capability: str


STAFF = StaffData("staff.read")
# What a search or a read is decided by: a scope of the participant's record, or for staff
# data the capability to read the staff.
Reach = Scope | StaffData


def _answer(data: dict[str, Any], status: int = 200) -> HttpResponse:
    return HttpResponse(json.dumps(data), content_type=CONTENT_TYPE, status=status)


def _outcome(status: int, code: str, text: str) -> HttpResponse:
    return _answer(
        resources.validated(
            {
                "resourceType": "OperationOutcome",
                "issue": [{"severity": "error", "code": code, "diagnostics": text}],
            }
        ),
        status,
    )


def _not_found(text: str = NOT_FOUND) -> HttpResponse:
    return _outcome(404, "not-found", text)


def _participant_id(raw: str) -> UUID | None:
    """A patient id as FHIR sends it: the public UUID, or `Patient/<uuid>` in a search."""
    try:
        return UUID(raw.removeprefix("Patient/"))
    except ValueError:
        return None


def _read_participant(
    request: HttpRequest,
    public_id: UUID,
    scope: Scope,
    resource: str,
    record: UUID | None = None,
) -> Participant | None:
    """The participant, decided and audited as a read of `scope` (one event, naming the
    `record` read when one resource of theirs is), or None when unknown or refused (the
    refusal audited as the JSON API audits it)."""
    participant = chart_participant(public_id)
    if participant is None:
        return None
    details: dict[str, Any] = {"api": True, "fhir": resource}
    if record is not None:
        details["id"] = str(record)
    try:
        authorize(request.user, participant, Action.VIEW, scope, details=details)
    except AccessDenied:
        return None
    return participant


def _named(request: HttpRequest, kwargs: dict[str, Any]) -> Participant | None:
    """The participant a request's id names, if any: the Patient read's id, the search's
    `patient`, or the owner of the resource read by its id."""
    if "resource_id" in kwargs:
        name = request.resolver_match.view_name if request.resolver_match else ""
        if name in STAFF_ROWS:
            return None
        try:
            public_id = UUID(kwargs["resource_id"])
        except ValueError:
            return None
        found = _owned(ROWS[name], public_id)
        return chart_participant(found[0].patient_id) if found else None
    named = _participant_id(kwargs.get("participant_id", request.GET.get("patient", "")))
    return chart_participant(named) if named else None


def _resource_type(request: HttpRequest) -> str:
    """The resource type an address reads: the first part of its path past the base."""
    base = reverse("fhir:metadata").removesuffix("metadata")
    return request.path.removeprefix(base).split("/")[0]


def fhir_read(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """GET and HEAD only (anything else an empty 405), signed in as for the JSON API.

    An account that is not staff's is refused by its kind alone, as the JSON API refuses it
    (403), before anything is looked up for the answer, so a made-up id and a real one get
    the same answer; the refusal is audited, naming the participant when there is one."""

    @require_http_methods(["GET", "HEAD"])
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return _outcome(401, "login", "Sign in first.")
        if not uses_staff_pages(request.user):
            record_event(
                actor=request.user,
                event_type=access_event_type(Action.VIEW, Scope.DEMOGRAPHICS),
                participant=_named(request, kwargs),
                outcome=Outcome.REFUSED,
                details={"api": True, "fhir": _resource_type(request), "why": "staff API"},
            )
            return _outcome(403, "forbidden", STAFF_ONLY)
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@require_http_methods(["GET", "HEAD"])
def metadata(request: HttpRequest) -> HttpResponse:
    """The CapabilityStatement: what this server reads and searches; no participant data,
    so it is served without sign-in, as FHIR clients ask for it before they authenticate."""
    return _answer(resources.validated(resources.capability_statement()))


@fhir_read
def patient(request: HttpRequest, participant_id: str) -> HttpResponse:
    """`GET Patient/{id}`: the demographics, read as the JSON API's participant is."""
    public_id = _participant_id(participant_id)
    if public_id is None:
        return _not_found()
    participant = _read_participant(request, public_id, Scope.DEMOGRAPHICS, "Patient")
    if participant is None:
        return _not_found()
    return _answer(resources.patient(participant))


def _unsupported(request: HttpRequest, served: frozenset[str]) -> HttpResponse | None:
    """The 400 refusing a search parameter this server does not offer, if one is asked."""
    unknown = set(request.GET) - served - COMMON_PARAMETERS
    if not unknown:
        return None
    return _outcome(400, "not-supported", f"Unsupported search parameter: {sorted(unknown)[0]}.")


def _search_staff(
    request: HttpRequest, resource: str, reach: StaffData, extra: frozenset[str]
) -> list[int] | HttpResponse:
    """The organizations whose staff a search of staff data reads, decided and audited; or the
    answer that refuses the search (400 for a parameter this server does not offer, 403 to a
    role that reads no staff, the refusal audited)."""
    unsupported = _unsupported(request, extra)
    if unsupported is not None:
        return unsupported
    reached = _staff_reach(request, reach)
    if reached is None:
        return _outcome(403, "forbidden", STAFF_REFUSED)
    decision, organizations = reached
    _staff_read(request, decision, resource)
    return organizations


def _search(
    request: HttpRequest, resource: str, scope: Scope, extra: frozenset[str] = frozenset()
) -> Participant | HttpResponse:
    """The participant a search names in `patient`, decided and audited; or the answer that
    refuses the search (400 for a parameter this server does not offer, 404 as for a read)."""
    unsupported = _unsupported(request, extra | {"patient"})
    if unsupported is not None:
        return unsupported
    values = request.GET.getlist("patient")
    if len(values) != 1 or not values[0]:
        return _outcome(400, "required", "Search by one patient: ?patient=<id>.")
    public_id = _participant_id(values[0])
    if public_id is None:
        return _not_found()
    participant = _read_participant(request, public_id, scope, resource)
    return _not_found() if participant is None else participant


def _staff_reach(request: HttpRequest, reach: StaffData) -> tuple[Decision, list[int]] | None:
    """The decision to read staff data and the organizations whose staff it reaches, or None
    when the reader's role reads no organization's staff (the refusal audited)."""
    try:
        decision = require_capability(
            request.user,
            reach.capability,
            organizations_of(request.user),
            event_type=STAFF_READ_EVENT,
        )
    except AccessDenied:
        return None
    return decision, organizations_with(request.user, reach.capability)


def _staff_read(
    request: HttpRequest, decision: Decision, resource: str, record: User | None = None
) -> None:
    """Audit an answer carrying staff data: the search, or the one member of staff read."""
    details: dict[str, Any] = {"api": True, "fhir": resource}
    if record is not None:
        details["id"] = str(record.public_id)
    record_event(
        actor=request.user,
        event_type=STAFF_READ_EVENT,
        decision=decision,
        record=record,
        details=details,
    )


def _practitioners(organizations: list[int]) -> QuerySet[User]:
    """The staff a search and a read serve: every account that has held a role in these
    organizations (those who left too, whom an earlier care team or session names), each with
    `works_here`, a role here still held, by name."""
    held = Membership.objects.filter(user=OuterRef("pk"), organization_id__in=organizations)
    return (
        User.objects.filter(Exists(held), kind=User.Kind.STAFF)
        .annotate(works_here=Exists(held.filter(is_active=True)))
        .order_by("last_name", "first_name", "pk")
    )


def _practitioner(user: User) -> dict[str, Any]:
    """A member of staff as `_practitioners` reads them: active while their account is open
    and they hold a role here."""
    return resources.practitioner(user, user.is_active and getattr(user, "works_here", False))


def _episodes() -> QuerySet[Episode]:
    """The stays a search and a read serve: every one."""
    return Episode.objects.select_related("program")


def _care_teams() -> QuerySet[Episode]:
    """The care teams a search and a read serve: every stay's, each with every place on it
    (ended ones too) and who held it, in the order they began."""
    places = CareTeamMember.objects.select_related("user").order_by("started_on", "pk")
    return Episode.objects.select_related("program").prefetch_related(Prefetch("care_team", places))


def _diagnoses() -> QuerySet[Diagnosis]:
    """The diagnoses a search and a read serve: current, none entered in error."""
    return Diagnosis.objects.current().exclude(status=DiagnosisStatus.ENTERED_IN_ERROR)


def _administrations() -> QuerySet[Administration]:
    """The results a search and a read serve: current (not corrected or struck out) and
    complete."""
    return Administration.objects.current().filter(complete=True)


def _screen_results() -> QuerySet[ScreenResult]:
    """The drug-screen results a search and a read serve: every analyte's of the current
    screens (none entered in error), as the Drug screens tab reads them."""
    return ScreenResult.objects.filter(screen__in=DrugScreen.objects.current()).select_related(
        "screen", "analyte"
    )


def _screens() -> QuerySet[DrugScreen]:
    """The drug screens a search and a read serve as reports: the current ones (none entered
    in error), each with the results `_screen_results` serves as its Observations."""
    return (
        DrugScreen.objects.current()
        .select_related("panel")
        .prefetch_related(Prefetch("results", ScreenResult.objects.select_related("analyte")))
    )


def _newest_signed(episode: str) -> Subquery:
    """The number of the newest signed version in force of the stay at `episode`: the
    version a plan's status is decided against."""
    return Subquery(
        TreatmentPlan.objects.current()
        .filter(signed_at__isnull=False, episode=OuterRef(episode))
        .order_by("-number")
        .values("number")[:1]
    )


def _named_diagnoses(problems: str) -> Prefetch:
    """The diagnoses the problems at `problems` name, as the Condition read serves them
    (none entered in error), each problem's in the order they were recorded: what a plan
    version and a goal address."""
    return Prefetch(f"{problems}diagnoses", _diagnoses().order_by("pk"))


def _care_plans() -> QuerySet[TreatmentPlan]:
    """The plan versions a search and a read serve: signed, none entered in error (a draft
    is no plan yet), each with the newest signed version of its stay, its goals and its
    problems' diagnoses."""
    return (
        TreatmentPlan.objects.current()
        .filter(signed_at__isnull=False)
        .select_related("episode", "revises")
        .annotate(newest=_newest_signed("episode"))
        .prefetch_related(
            Prefetch("goals", Goal.objects.order_by("order", "pk")),
            Prefetch("problems", Problem.objects.order_by("order", "pk")),
            _named_diagnoses("problems__"),
        )
    )


def _goals() -> QuerySet[Goal]:
    """The goals a search and a read serve: those of the versions `_care_plans` serves, each
    with its problem's diagnoses."""
    return (
        Goal.objects.filter(
            plan__in=TreatmentPlan.objects.current().filter(signed_at__isnull=False)
        )
        .select_related("plan__episode", "problem")
        .annotate(newest=_newest_signed("plan__episode"))
        .prefetch_related("objectives", _named_diagnoses("problem__"))
    )


def _medications() -> QuerySet[Medication]:
    """The list entries a read serves: the current ones, as `medications_for` reads them."""
    return Medication.objects.current()


def _consents() -> QuerySet[Consent]:
    """The consents a read serves: the current ones, as `consents_for` reads them, with what
    their status on a day is decided from."""
    return Consent.objects.current().select_related("episode", "revocation")


def _coverages() -> QuerySet[Coverage]:
    """The coverages a search and a read serve: every one, those entered in error too (the
    Billing tab keeps them, struck out; FHIR says so in `status`), each with its payer."""
    return Coverage.objects.select_related("payer")


# Where a resource type's rows come from: a selection of the rows its search serves, and the
# path from a row to its participant.
Rows = tuple[tuple[Callable[[], QuerySet[Any]], str], ...]


def _owned(rows: Rows, public_id: UUID) -> tuple[Any, str] | None:
    """The row with that public id among `rows`, its participant's public id as `patient_id`,
    and the path to its participant; None when no selection holds it."""
    for selection, owner in rows:
        row = (
            selection()
            .annotate(patient_id=F(f"{owner}__public_id"))
            .filter(public_id=public_id)
            .first()
        )
        if row is not None:
            return row, owner
    return None


def _read(request: HttpRequest, raw_id: str, resource: str, scope: Scope, rows: Rows) -> Any:
    """`GET <resource>/{id}`: the row of `rows` (what the search serves) with that public
    id, read through the access policy of the participant it belongs to (one event naming
    them and the record), or a 404 alike for an unknown id and a refusal."""
    not_found = _not_found(f"No {resource} with that id is available to you.")
    try:
        public_id = UUID(raw_id)
    except ValueError:
        return not_found
    found = _owned(rows, public_id)
    if found is None:
        return not_found
    row, owner = found
    participant = _read_participant(request, row.patient_id, scope, resource, record=public_id)
    if participant is None:
        return not_found
    _tell(row, owner, participant)
    return row


def _read_staff(
    request: HttpRequest,
    raw_id: str,
    resource: str,
    reach: StaffData,
    rows: Callable[[list[int]], QuerySet[Any]],
) -> Any:
    """`GET <resource>/{id}` of staff data: the row of `rows` (what the search serves) with
    that public id among the organizations the reader reads the staff of, audited; or a 404
    alike for an unknown id, another organization's member of staff and a role that reads no
    staff, the refusals audited (one of another organization's as their organization's
    capability decides it: no role there)."""
    not_found = _not_found(f"No {resource} with that id is available to you.")
    public_id = read_public_id(raw_id)
    if public_id is None:
        return not_found
    reached = _staff_reach(request, reach)
    if reached is None:
        return not_found
    decision, organizations = reached
    row = rows(organizations).filter(public_id=public_id).first()
    if row is None:
        theirs = (
            Membership.objects.filter(user__public_id=public_id, user__kind=User.Kind.STAFF)
            .values_list("organization_id", flat=True)
            .first()
        )
        if theirs is not None:
            record_event(
                actor=request.user,
                event_type=STAFF_READ_EVENT,
                decision=capability_decision(request.user, reach.capability, theirs),
                record_type=User._meta.label,
                record_id=str(public_id),
                details={"api": True, "fhir": resource, "id": str(public_id)},
            )
        return not_found
    _staff_read(request, decision, resource, row)
    return row


def _tell(row: Any, owner: str, participant: Participant) -> None:
    """Give the row (at the end of the path `owner`) the participant already read, so the
    resource built from it reads them no more."""
    *path, last = owner.split("__")
    holder = row
    for step in path:
        holder = getattr(holder, step)
    setattr(holder, last, participant)


def _searched(
    request: HttpRequest,
    resource: str,
    scope: Reach,
    rows: Callable[[Any], QuerySet[Any]],
    build: Callable[[Any], dict[str, Any]],
    extra: frozenset[str] = frozenset(),
) -> HttpResponse:
    """The one shape of a search: by patient, the participant decided and audited, their
    `rows` in the search's order (each given the participant by the path `ROWS` names); of
    staff data, the organizations whose staff the reader reads, decided and audited, and their
    `rows`. Each row built as its read builds it, in a Bundle. `extra`: the type's own search
    parameters, which `rows` reads."""
    found: Participant | list[int] | HttpResponse
    if isinstance(scope, StaffData):
        found = _search_staff(request, resource, scope, extra)
    else:
        found = _search(request, resource, scope, extra)
    if isinstance(found, HttpResponse):
        return found
    selected = list(rows(found))
    if isinstance(found, Participant):
        owner = ROWS[READS[resource]][0][1]
        for row in selected:
            _tell(row, owner, found)
    return _bundle(request, [build(row) for row in selected])


def _one(
    request: HttpRequest,
    resource_id: str,
    resource: str,
    scope: Reach,
    build: Callable[[Any], dict[str, Any]],
) -> HttpResponse:
    """The one shape of a read by id: the row its search would serve, built alike."""
    if isinstance(scope, StaffData):
        found = _read_staff(request, resource_id, resource, scope, STAFF_ROWS[READS[resource]])
    else:
        found = _read(request, resource_id, resource, scope, ROWS[READS[resource]])
    return found if isinstance(found, HttpResponse) else _answer(build(found))


def _bundle(request: HttpRequest, entries: list[dict[str, Any]]) -> HttpResponse:
    """A searchset Bundle. It carries the Part 2 labels when any entry does (the high-water
    mark of its contents), so a recipient that reads only the Bundle's labels still knows."""
    data: dict[str, Any] = {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": len(entries),
        "link": [{"relation": "self", "url": request.build_absolute_uri()}],
        "entry": [
            {
                "fullUrl": request.build_absolute_uri(
                    reverse(READS[entry["resourceType"]], args=[entry["id"]])
                ),
                "resource": entry,
                "search": {"mode": "match"},
            }
            for entry in entries
        ],
    }
    if any(carries_part2(entry) for entry in entries):
        data["meta"] = {"security": [dict(label) for label in PART2_LABELS]}
    return _answer(resources.validated(data))


@fhir_read
def episodes(request: HttpRequest) -> HttpResponse:
    """`GET EpisodeOfCare?patient={id}`: every stay, read as the JSON API's episodes are."""
    return _searched(
        request,
        "EpisodeOfCare",
        Scope.DEMOGRAPHICS,
        lambda p: _episodes().filter(participant=p).order_by("-referred_on", "-pk"),
        resources.episode_of_care,
    )


@fhir_read
def conditions(request: HttpRequest) -> HttpResponse:
    """`GET Condition?patient={id}`: the diagnoses, none entered in error."""
    return _searched(
        request,
        "Condition",
        Scope.CLINICAL,
        lambda p: _diagnoses().filter(participant=p).order_by("-made_on", "-pk"),
        resources.condition,
    )


def _loinc_code(token: str) -> str | None:
    """The code a `code` token (`http://loinc.org|x` or `x`) names, or None when the token
    names another code system."""
    system, _, code = token.rpartition("|")
    return code if system in ("", resources.LOINC) else None


@fhir_read
def observations(request: HttpRequest) -> HttpResponse:
    """`GET Observation?patient={id}[&code=<loinc>]`: the instruments' results and the drug
    screens' results, newest first; corrected and struck-out results, and screens entered in
    error, are left out. `code` matches a result whose LOINC code is one of those named."""
    found = _search(request, "Observation", Scope.CLINICAL, frozenset({"code"}))
    if isinstance(found, HttpResponse):
        return found
    rows = _administrations().filter(participant=found)
    codes: set[str] | None = None
    if "code" in request.GET:
        tokens = ",".join(request.GET.getlist("code")).split(",")
        codes = {code for code in map(_loinc_code, tokens) if code}
        rows = rows.filter(
            instrument__in=[i.code for i in all_instruments() if i.loinc_total in codes]
        )
    administrations = list(rows.order_by("-completed_at", "-pk"))
    screened = list(
        _screen_results()
        .filter(screen__participant=found)
        .order_by("-screen__collected_at", "-screen__pk", "analyte__order", "analyte__code")
    )
    for row in administrations:
        row.participant = found
    for result in screened:
        result.screen.participant = found
    dated = [(a.completed_at, resources.observation(a)) for a in administrations]
    dated += [
        (r.screen.collected_at, resources.screen_observation(r))
        for r in screened
        if codes is None or resources.screen_loinc(r) in codes
    ]
    # Newest first; a screen's results keep the panel's order (the sort is stable).
    dated.sort(key=lambda row: row[0], reverse=True)
    return _bundle(request, [entry for _, entry in dated])


@fhir_read
def diagnostic_reports(request: HttpRequest) -> HttpResponse:
    """`GET DiagnosticReport?patient={id}`: the drug screens, newest collected first, each
    grouping its results; screens entered in error are left out, as their results are."""
    return _searched(
        request,
        "DiagnosticReport",
        Scope.CLINICAL,
        lambda p: _screens().filter(participant=p).order_by("-collected_at", "-pk"),
        resources.screen_report,
    )


@fhir_read
def care_plans(request: HttpRequest) -> HttpResponse:
    """`GET CarePlan?patient={id}`: every signed version of every plan, the newest stay's
    first and the newest version first; drafts and versions entered in error left out. Each
    row carries the annotation `newest` (`_care_plans`)."""
    return _searched(
        request,
        "CarePlan",
        Scope.CLINICAL,
        lambda p: (
            _care_plans()
            .filter(participant=p)
            .order_by("-episode__referred_on", "-episode_id", "-number")
        ),
        lambda plan: resources.care_plan(plan, plan.newest),
    )


@fhir_read
def goals(request: HttpRequest) -> HttpResponse:
    """`GET Goal?patient={id}`: the goals of every signed version, in their plans' order."""
    return _searched(
        request,
        "Goal",
        Scope.CLINICAL,
        lambda p: (
            _goals()
            .filter(plan__participant=p)
            .order_by(
                "-plan__episode__referred_on", "-plan__episode_id", "-plan__number", "order", "pk"
            )
        ),
        lambda goal: resources.goal(goal, goal.newest),
    )


@fhir_read
def care_teams(request: HttpRequest) -> HttpResponse:
    """`GET CareTeam?patient={id}`: every stay's care team, the newest stay's first, read as
    the JSON API's care team is (the clinical scope)."""
    return _searched(
        request,
        "CareTeam",
        Scope.CLINICAL,
        lambda p: _care_teams().filter(participant=p).order_by("-referred_on", "-pk"),
        resources.care_team,
    )


@fhir_read
def medication_statements(request: HttpRequest) -> HttpResponse:
    """`GET MedicationStatement?patient={id}`: the medication list, taken now first."""
    found = _search(request, "MedicationStatement", Scope.CLINICAL)
    if isinstance(found, HttpResponse):
        return found
    today = program_today(found)
    rows = medications_for(found, today)
    for row in rows:
        row.participant = found
    return _bundle(request, [resources.medication_statement(m, today) for m in rows])


@fhir_read
def consents(request: HttpRequest) -> HttpResponse:
    """`GET Consent?patient={id}`: the consents, read as the Consents tab reads them."""
    found = _search(request, "Consent", Scope.CLINICAL)
    if isinstance(found, HttpResponse):
        return found
    today = program_today(found)
    rows = consents_for(found, today)
    for row in rows:
        row.participant = found
    named = payers_named([c.pk for c in rows])
    return _bundle(request, [resources.consent(c, today, named.get(c.pk, [])) for c in rows])


@fhir_read
def coverages(request: HttpRequest) -> HttpResponse:
    """`GET Coverage?patient={id}`: the coverages, the latest start first, read under the
    billing scope as the Billing tab is (the billing role and the director: member ids stay
    with billing)."""
    return _searched(
        request,
        "Coverage",
        Scope.BILLING,
        lambda p: _coverages().filter(participant=p).order_by("-starts_on", "-pk"),
        resources.coverage,
    )


@fhir_read
def episode(request: HttpRequest, resource_id: str) -> HttpResponse:
    """`GET EpisodeOfCare/{id}`: one stay, as its search gives it."""
    return _one(
        request, resource_id, "EpisodeOfCare", Scope.DEMOGRAPHICS, resources.episode_of_care
    )


@fhir_read
def condition(request: HttpRequest, resource_id: str) -> HttpResponse:
    """`GET Condition/{id}`: one diagnosis, as its search gives it."""
    return _one(request, resource_id, "Condition", Scope.CLINICAL, resources.condition)


@fhir_read
def observation(request: HttpRequest, resource_id: str) -> HttpResponse:
    """`GET Observation/{id}`: one instrument's or drug screen's result, as its search gives
    it."""
    found = _read(request, resource_id, "Observation", Scope.CLINICAL, ROWS["fhir:observation"])
    if isinstance(found, HttpResponse):
        return found
    if isinstance(found, ScreenResult):
        return _answer(resources.screen_observation(found))
    return _answer(resources.observation(found))


@fhir_read
def diagnostic_report(request: HttpRequest, resource_id: str) -> HttpResponse:
    """`GET DiagnosticReport/{id}`: one drug screen with its results, as its search gives
    it."""
    return _one(request, resource_id, "DiagnosticReport", Scope.CLINICAL, resources.screen_report)


@fhir_read
def care_plan(request: HttpRequest, resource_id: str) -> HttpResponse:
    """`GET CarePlan/{id}`: one signed plan version, as its search gives it."""
    return _one(
        request,
        resource_id,
        "CarePlan",
        Scope.CLINICAL,
        lambda plan: resources.care_plan(plan, plan.newest),
    )


@fhir_read
def goal(request: HttpRequest, resource_id: str) -> HttpResponse:
    """`GET Goal/{id}`: one goal of a signed plan version, as its search gives it."""
    return _one(
        request, resource_id, "Goal", Scope.CLINICAL, lambda goal: resources.goal(goal, goal.newest)
    )


@fhir_read
def care_team(request: HttpRequest, resource_id: str) -> HttpResponse:
    """`GET CareTeam/{id}`: one stay's care team, as its search gives it."""
    return _one(request, resource_id, "CareTeam", Scope.CLINICAL, resources.care_team)


@fhir_read
def medication_statement(request: HttpRequest, resource_id: str) -> HttpResponse:
    """`GET MedicationStatement/{id}`: one medication, its status on the program's today."""
    found = _read(
        request,
        resource_id,
        "MedicationStatement",
        Scope.CLINICAL,
        ROWS["fhir:medication_statement"],
    )
    if isinstance(found, HttpResponse):
        return found
    return _answer(resources.medication_statement(found, program_today(found.participant)))


@fhir_read
def consent(request: HttpRequest, resource_id: str) -> HttpResponse:
    """`GET Consent/{id}`: one consent, its status on the program's today."""
    found = _read(request, resource_id, "Consent", Scope.CLINICAL, ROWS["fhir:consent"])
    if isinstance(found, HttpResponse):
        return found
    named = payers_named([found.pk]).get(found.pk, [])
    return _answer(resources.consent(found, program_today(found.participant), named))


@fhir_read
def coverage(request: HttpRequest, resource_id: str) -> HttpResponse:
    """`GET Coverage/{id}`: one coverage, as its search gives it."""
    return _one(request, resource_id, "Coverage", Scope.BILLING, resources.coverage)


# The rows each read by id serves, by its URL name: an Observation is an instrument's result
# or a drug screen's.
ROWS: dict[str, Rows] = {
    "fhir:episode": ((_episodes, "participant"),),
    "fhir:condition": ((_diagnoses, "participant"),),
    "fhir:observation": (
        (_administrations, "participant"),
        (_screen_results, "screen__participant"),
    ),
    "fhir:diagnostic_report": ((_screens, "participant"),),
    "fhir:care_plan": ((_care_plans, "participant"),),
    "fhir:goal": ((_goals, "plan__participant"),),
    "fhir:care_team": ((_care_teams, "participant"),),
    "fhir:medication_statement": ((_medications, "participant"),),
    "fhir:consent": ((_consents, "participant"),),
    "fhir:coverage": ((_coverages, "participant"),),
    "fhir:encounter": ((encounters_mapping.encounter_rows, "participant"),),
}
# The rows each read by id of staff data serves, by its URL name, for the organizations whose
# staff the reader reads: no participant's.
STAFF_ROWS: dict[str, Callable[[list[int]], QuerySet[Any]]] = {
    "fhir:practitioner": _practitioners,
}

# The read answering each resource type a search gives, named for its fullUrl.
READS = {
    "EpisodeOfCare": "fhir:episode",
    "Condition": "fhir:condition",
    "Observation": "fhir:observation",
    "DiagnosticReport": "fhir:diagnostic_report",
    "CarePlan": "fhir:care_plan",
    "Goal": "fhir:goal",
    "CareTeam": "fhir:care_team",
    "MedicationStatement": "fhir:medication_statement",
    "Consent": "fhir:consent",
    "Coverage": "fhir:coverage",
    "Encounter": "fhir:encounter",
    "Practitioner": "fhir:practitioner",
}


# `date` prefixes served: a day against a session's period as the FHIR search page defines a
# range against a range (eq: the period falls within the day, ne: it does not; gt/lt: part of
# it falls after or before the day; ge/le: either; sa/eb: all of it starts after or ends
# before the day). ap, whose closeness the specification leaves to each server, is refused.
_DATE_PREFIXES = ("eq", "ne", "gt", "lt", "ge", "le", "sa", "eb")
_DAY = re.compile(r"(?:(?P<prefix>[a-z]{2}))?(?P<day>\d{4}-\d{2}-\d{2})")


def _days(values: list[str]) -> list[tuple[str, date]] | str:
    """Each `date` value as its prefix and day, or the sentence refusing the first that is
    not one (a day, YYYY-MM-DD, in the program range, after a prefix this server serves)."""
    days = []
    for value in values:
        matched = _DAY.fullmatch(value.strip())
        if matched is None:
            return "A date is a day with an optional prefix: date=ge2026-11-30."
        prefix = matched["prefix"] or "eq"
        if prefix not in _DATE_PREFIXES:
            return f"Unsupported date prefix: {prefix} (served: {', '.join(_DATE_PREFIXES)})."
        try:
            day = dates.parse(matched["day"], field="date", label="The date")
        except InvalidInput as exc:
            return exc.message
        days.append((prefix, day))
    return days


def _within_days(days: list[tuple[str, date]], zone: tzinfo) -> Q:
    """The enrolments whose session's period matches every (prefix, day), each day whole in
    the program's zone."""
    matches = Q()
    for prefix, day in days:
        start = datetime.combine(day, time(), zone)
        end = datetime.combine(day + timedelta(days=1), time(), zone)
        within = Q(session__starts_at__gte=start, session__ends_at__lte=end)
        after, before = Q(session__ends_at__gt=end), Q(session__starts_at__lt=start)
        matches &= {
            "eq": within,
            "ne": ~within,
            "gt": after,
            "lt": before,
            "ge": within | after,
            "le": within | before,
            "sa": Q(session__starts_at__gte=end),
            "eb": Q(session__ends_at__lte=start),
        }[prefix]
    return matches


@fhir_read
def encounters(request: HttpRequest) -> HttpResponse:
    """`GET Encounter?patient={id}[&date=<prefix><day>]`: every session the participant was
    booked into, the latest first, each with its status as of now; `date` (repeatable, all
    must match) keeps those whose session falls on, after or before a day. Read under the
    schedule scope, as the attendance pages and the JSON API's roll call read sessions and
    attendance."""
    days = _days(request.GET.getlist("date"))
    if isinstance(days, str):
        return _outcome(400, "invalid", days)
    now = timezone.now()
    return _searched(
        request,
        "Encounter",
        Scope.SCHEDULE,
        lambda p: (
            encounters_mapping.encounter_rows()
            .filter(participant=p)
            .filter(_within_days(days, program_zone(p)))
            .order_by("-session__starts_at", "-pk")
        ),
        lambda row: encounters_mapping.encounter(row, now),
        extra=frozenset({"date"}),
    )


@fhir_read
def encounter(request: HttpRequest, resource_id: str) -> HttpResponse:
    """`GET Encounter/{id}`: one session of a participant, as its search gives it."""
    now = timezone.now()
    return _one(
        request,
        resource_id,
        "Encounter",
        Scope.SCHEDULE,
        lambda row: encounters_mapping.encounter(row, now),
    )


_ACTIVE = {"true": True, "false": False}


def _staff_named(values: list[str]) -> Q:
    """The staff whose name matches every `name` value (one of its comma-separated words
    each), as FHIR's string search matches: the start of the name Tandem shows or of a word of
    it, or of the first or the last name, in any case."""
    matches = Q()
    for value in values:
        either = Q()
        for word in filter(None, (w.strip() for w in value.split(","))):
            either |= (
                Q(display_name__istartswith=word)
                | Q(display_name__icontains=f" {word}")
                | Q(first_name__istartswith=word)
                | Q(last_name__istartswith=word)
            )
        matches &= either
    return matches


def _staff_search(
    organizations: list[int], ids: list[str] | None, named: list[str], active: bool | None
) -> QuerySet[User]:
    """The staff of `organizations` a search asks for: with one of `ids` (any that is not an
    id names no one), matching `named`, working here or not."""
    rows = _practitioners(organizations).filter(_staff_named(named))
    if ids is not None:
        rows = rows.filter(public_id__in=[i for i in map(read_public_id, ids) if i is not None])
    if active is not None:
        now_here = Q(is_active=True, works_here=True)
        rows = rows.filter(now_here if active else ~now_here)
    return rows


@fhir_read
def practitioners(request: HttpRequest) -> HttpResponse:
    """`GET Practitioner[?_id=…][&name=…][&active=true|false]`: the staff of the organizations
    whose staff the reader reads, by name; those who left too unless `active` says otherwise.
    No patient is named: staff data, read under the capability to read the staff (`STAFF`)."""
    asked = request.GET.getlist("active")
    if any(value not in _ACTIVE for value in asked) or len(asked) > 1:
        return _outcome(400, "invalid", "active is true or false, given once.")
    ids = ",".join(request.GET.getlist("_id")).split(",") if "_id" in request.GET else None
    return _searched(
        request,
        "Practitioner",
        STAFF,
        lambda organizations: _staff_search(
            organizations, ids, request.GET.getlist("name"), _ACTIVE[asked[0]] if asked else None
        ),
        _practitioner,
        extra=frozenset({"_id", "name", "active"}),
    )


@fhir_read
def practitioner(request: HttpRequest, resource_id: str) -> HttpResponse:
    """`GET Practitioner/{id}`: one member of staff, as the search gives them; another
    organization's is not found."""
    return _one(request, resource_id, "Practitioner", STAFF, _practitioner)
