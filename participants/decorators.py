"""The gate every participant page passes: method, sign-in, kind of account, record, policy,
audit."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from functools import wraps
from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext

from accounts.http import SignedInRequest, is_htmx
from accounts.models import User
from audit.context import counting_events
from audit.models import Action, Outcome
from audit.services import record_event
from participants.access import (
    Decision,
    Scope,
    audit_access,
    beyond_reach,
    decide,
    organizations_of,
    own_records,
    refusal_message,
    scopes_reached_by_role,
    uses_portal,
    uses_staff_pages,
)
from participants.audit_events import access_event_type
from participants.chart import flag_values, unread_flag_values
from participants.http import StaffRequest
from participants.models import Participant
from participants.selectors import (
    chart_participant,
    chart_participant_with_relations,
    keep_row_values,
    row_values_statement,
    with_chart_relations,
)
from tandem.errors import AccessDenied
from tandem.methods import READS, serves
from tandem.views import error_page, forbidden


def load_participant(participant_id, *, chart_for: User | None = None) -> Participant | None:
    """The participant a page's address names; `chart_for`: with the episodes and care
    teams the chart header and the access decision read (`prefetch_chart_relations`) and,
    in the same round trip, the values of the header's flags this staff member's roles
    reach on every record of their organizations (`scopes_reached_by_role`); the header
    reads the others once the decision allows them."""
    if chart_for is not None:
        return chart_participant_with_relations(
            participant_id,
            flag_values(scopes_reached_by_role(chart_for)),
            organizations=organizations_of(chart_for),
        )
    return chart_participant(participant_id)


def not_found(request: HttpRequest) -> HttpResponse:
    return error_page(request, "Participant not found", "No participant has that id.", status=404)


def no_record_yet(request: HttpRequest) -> HttpResponse:
    """What a participant's account with no record of its own (none linked yet, or the one it
    had entered in error) reads on every portal page, instead of a page of someone's data."""
    return error_page(
        request,
        gettext("No record yet"),
        gettext("Your account is not linked to a record yet. Ask your care team."),
        status=404,
    )


def own_portal_record(
    request: HttpRequest, *, chart_relations: bool = False
) -> Participant | HttpResponse:
    """The record a portal page is about, the signed-in participant's own, or the answer
    given instead: any other kind of account goes home, and an account with no record yet is
    told so. `chart_relations`: with the episodes and care teams a page about their stay
    reads (`with_chart_relations`)."""
    if not uses_portal(request.user):
        return redirect("home")
    records = own_records(request.user)
    participant = (with_chart_relations(records) if chart_relations else records).first()
    return no_record_yet(request) if participant is None else participant


@dataclass(frozen=True)
class PortalRead:
    """What the gate let a portal page show: the participant's own record and the policy's
    decision to read `scope` of it, which the page's audit event carries whole. `page`: the
    page's name in the trail (its URL name unless the page keeps an older one)."""

    user: User
    participant: Participant
    scope: Scope
    decision: Decision
    page: str

    def audit(self, *, record: Any = None, **details: Any) -> None:
        """Write the page's one event for what it shows (`record`, `details`), resting on
        the decision the gate took."""
        audit_access(
            self.user,
            self.participant,
            Action.VIEW,
            self.scope,
            self.decision,
            record=record,
            details={"portal": True, "page": self.page, **details},
        )

    def widened(self, scope: Scope) -> "PortalRead | None":
        """The read of a wider part of the record (the week, the plan) where the policy
        allows it, for a page that shows that part only then; None when it does not."""
        decision = decide(self.user, self.participant, Action.VIEW, scope)
        return replace(self, scope=scope, decision=decision) if decision.allowed else None


def portal_read(scope: Scope, *, chart_relations: bool = False) -> Callable:
    """A participant's own portal page that shows `scope` of their record: `own_portal_record`'s
    answers to another kind of account and to an account with no record, then the policy's
    decision; a refusal is audited and answered 403, before the view reads anything. The view
    is called with the record and the `PortalRead`, and audits what it shows with
    `read.audit(...)` (a write's service audits the write)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: SignedInRequest, *args, **kwargs) -> HttpResponse:
            found = own_portal_record(request, chart_relations=chart_relations)
            if isinstance(found, HttpResponse):
                return found
            page = request.resolver_match.view_name if request.resolver_match else ""
            read = PortalRead(
                request.user, found, scope, decide(request.user, found, Action.VIEW, scope), page
            )
            if not read.decision.allowed:
                read.audit()
                return forbidden(request)
            return view(request, found, read, *args, **kwargs)

        return wrapper

    return decorator


def refused(request: HttpRequest, participant: Participant, exc: AccessDenied) -> HttpResponse:
    decision = decide(request.user, participant, Action.VIEW, Scope.CLINICAL)
    return render(
        request,
        "participants/refused.html",
        {
            "participant": participant,
            "message": exc.message,
            "can_break_glass": decision.can_break_glass,
        },
        status=403,
    )


def for_staff_only(request: HttpRequest) -> HttpResponse:
    """The one answer to an account that is not staff's on any staff address: decided by the
    kind of account alone, so it is the same whether or not the address names a record."""
    return error_page(request, "Not allowed", "This page is for staff.", status=403)


def refused_as_not_staff(
    request: HttpRequest, participant_id, scope: Scope, page: str
) -> HttpResponse:
    """A participant's or a support person's account on a staff page: refused by the kind of
    account alone (`for_staff_only`); the refusal is audited, naming the participant when
    there is one."""
    record_event(
        actor=request.user,
        event_type=access_event_type(Action.VIEW, scope),
        participant=load_participant(participant_id),
        outcome=Outcome.REFUSED,
        details={"why": "staff page", "page": page},
    )
    return for_staff_only(request)


def staff_address(key: str, load: Callable[[object], object], event_type: str, scope: Scope):
    """For a staff address keyed by a record other than a participant (a session): an account
    that is not staff's is refused before the view looks the record up (`for_staff_only`),
    as `participant_page` refuses it, so a made-up id and a real one get the same answer; the
    refusal is audited, naming the record `load` finds for `kwargs[key]` when there is one."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: SignedInRequest, **kwargs) -> HttpResponse:
            if not uses_staff_pages(request.user):
                page = request.resolver_match.view_name if request.resolver_match else ""
                record_event(
                    actor=request.user,
                    event_type=event_type,
                    record=load(kwargs[key]),
                    outcome=Outcome.REFUSED,
                    details={"scope": str(scope), "why": "staff page", "page": page},
                )
                return for_staff_only(request)
            return view(request, **kwargs)

        return wrapper

    return decorator


def carries_participant_data(response: HttpResponse) -> bool:
    """Every answer of an authorized participant page except a redirect shows the record
    (a page, a fragment, a re-rendered form with its errors, an export)."""
    return not 300 <= response.status_code < 400


def _audit_read(
    request: HttpRequest,
    participant: Participant,
    action: str,
    scope: Scope,
    decision: Decision,
    details: dict,
) -> None:
    """The read's audit event. A whole page viewed shows the chart header, whose flags not
    read with the participant (a clinician's, through the care team) are read once the
    decision allows them: they are sent with the event, one round trip for both where the
    database allows it, and kept on the participant for the header."""
    groups = (
        unread_flag_values(participant, request.user)
        if action == Action.VIEW and not is_htmx(request)
        else []
    )
    statement = row_values_statement(participant, groups)
    found = audit_access(
        request.user, participant, action, scope, decision, details=details, reading=statement
    )
    if found is not None:
        keep_row_values(participant, groups, found)


def participant_page(
    scope: Scope, *, methods: Iterable[str], action: str = Action.VIEW, addenda: bool = False
) -> Callable:
    """Serve `methods` only (405 for the rest), authorize for `scope`, and leave exactly one
    audit event for every response that shows the record.

    An account that is not staff's is refused, with its refusal audited, before the record
    is looked up: a made-up id and a real one get the same answer. Staff of another
    organization (`beyond_reach`) are refused as if the id named nothing (404, audited).

    Reads (GET, HEAD) are decided and audited as `action` (a view, print or export) before
    the view runs. Other methods are decided as a change and the view runs with its audit
    events counted: a write's service audits the write; when nothing was audited and the
    response shows the record (a preview, a form sent back with its errors), the page writes
    the access event itself. `addenda`: the page's writes may add an addendum to a signed
    record, which a closed chart still allows (the service decides which it is).
    """

    def decorator(view: Callable) -> Callable:
        @serves(*methods)
        @login_required
        @wraps(view)
        def wrapper(request: SignedInRequest, participant_id, **kwargs) -> HttpResponse:
            read = request.method in READS
            page = request.resolver_match.view_name if request.resolver_match else ""
            if not uses_staff_pages(request.user):
                return refused_as_not_staff(request, participant_id, scope, page)
            # A read by staff shows the chart header, whose episodes and care teams the
            # decision reads too.
            participant = load_participant(participant_id, chart_for=request.user if read else None)
            if participant is None:
                return not_found(request)
            details = {"page": page, "method": request.method}
            asked = action if read else Action.CHANGE
            decision = decide(
                request.user, participant, asked, scope, addendum=addenda and not read
            )
            if not decision.allowed:
                audit_access(
                    request.user, participant, asked, scope, decision, details={"page": page}
                )
                if beyond_reach(request.user, participant.organization_id):
                    return not_found(request)
                return refused(request, participant, AccessDenied(refusal_message(decision)))
            cast(StaffRequest, request).access = decision
            if read:
                _audit_read(request, participant, action, scope, decision, details)
            try:
                with counting_events() as events:
                    response = view(request, participant, **kwargs)
            except AccessDenied as exc:
                return refused(request, participant, exc)
            if not read and events.written == 0 and carries_participant_data(response):
                audit_access(request.user, participant, action, scope, decision, details=details)
            return response

        wrapper.participant_scope = scope
        return wrapper

    return decorator
