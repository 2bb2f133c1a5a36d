"""Billing writes: the program's payers and each participant's coverage. Every write checks
the access policy before its transaction and records its audit event inside it."""

from datetime import date

from django.db import IntegrityError, transaction

from accounts.models import Organization, User
from audit.models import Action
from audit.services import record_event
from billing.models import Coverage, Payer, PerDiemCode
from participants.access import Scope, require, require_capability
from participants.models import Participant
from tandem import dates, lifecycle
from tandem.errors import InvalidInput
from tandem.validation import validate


def add_payer(organization: Organization, *, by: User, name: str, per_diem_code: str) -> Payer:
    """Add a payer the program bills, with the IOP per-diem code its contract takes."""
    decision = require_capability(
        by,
        "billing.write",
        [organization.pk],
        event_type="billing.payer_added",
        refusal="Your role does not keep the program's payers.",
    )
    payer = Payer(organization=organization, name=(name or "").strip(), per_diem_code=per_diem_code)
    if per_diem_code not in PerDiemCode.values:
        raise InvalidInput("Choose the per-diem code: H0015 or S9480.", field="per_diem_code")
    validate(payer, exclude=["organization"])
    if Payer.objects.filter(organization=organization, name__iexact=payer.name).exists():
        raise InvalidInput("The program already has a payer of this name.", field="name")
    try:
        with transaction.atomic():
            payer.save()
            record_event(
                actor=by,
                event_type="billing.payer_added",
                decision=decision,
                organization=organization,
                record=payer,
                details={"name": payer.name, "per_diem_code": payer.per_diem_code},
            )
    except IntegrityError:
        raise InvalidInput("The program already has a payer of this name.", field="name") from None
    return payer


def add_coverage(
    participant: Participant,
    *,
    by: User,
    payer: Payer | None,
    member_id: str,
    starts_on: date,
    ends_on: date | None = None,
) -> Coverage:
    """Record a participant's coverage by one of the program's payers. Refused whole: an
    unknown payer, an end before the start, or a period sharing a day with a coverage by the
    same payer (a second payer's coverage of the same days stands: the biller chooses)."""
    decision = require(by, participant, Action.CREATE, Scope.BILLING)
    if payer is None or payer.organization_id != participant.organization_id:
        raise InvalidInput("Choose a payer from the program's list.", field="payer")
    dates.check(starts_on, field="starts_on")
    if ends_on is not None:
        dates.check(ends_on, field="ends_on")
    coverage = Coverage(
        participant=participant,
        payer=payer,
        member_id=member_id,
        starts_on=starts_on,
        ends_on=ends_on,
        recorded_by=by,
    )
    validate(coverage, exclude=["participant", "payer", "recorded_by"])
    with transaction.atomic():
        # One coverage at a time per participant: two recorded at once cannot both pass.
        list(Participant.objects.select_for_update().filter(pk=participant.pk).values("pk"))
        same_payer = Coverage.objects.current().filter(participant=participant, payer=payer)
        if any(row.overlaps(starts_on, ends_on) for row in same_payer):
            raise InvalidInput(
                f"This participant already has a coverage by {payer.name} on some of these "
                "days: end that one first, or mark it entered in error.",
                field="starts_on",
            )
        coverage.save()
        record_event(
            actor=by,
            event_type="billing.coverage_added",
            decision=decision,
            participant=participant,
            record=coverage,
            details={
                "payer": payer.pk,
                "starts_on": starts_on.isoformat(),
                "ends_on": ends_on.isoformat() if ends_on else None,
            },
        )
    return coverage


def mark_coverage_in_error(coverage: Coverage, *, by: User, reason: str) -> Coverage:
    """Withdraw a coverage recorded by mistake: it stays on the tab, struck, with why."""
    decision = require(by, coverage.participant, Action.CHANGE, Scope.BILLING)
    with transaction.atomic():
        return lifecycle.mark_entered_in_error(
            coverage,
            by=by,
            reason=reason,
            decision=decision,
            what="coverage",
            event_type="billing.coverage_entered_in_error",
        )
