"""Billing writes: the program's payers and each participant's coverage. Every write checks
the access policy before its transaction and records its audit event inside it."""

from collections.abc import Sequence
from datetime import date, datetime

from django.db import IntegrityError, transaction

from accounts.models import Organization, Program, User
from audit.models import Action
from audit.services import record_event
from billing import selectors
from billing.models import ConsentPayer, Coverage, IopCertification, Payer, PerDiemCode
from consent.models import Consent
from participants.access import (
    Decision,
    Scope,
    may,
    require,
    require_capability,
    require_with_capability,
)
from participants.models import CareTeamRole, Episode, Participant
from tandem import dates, lifecycle
from tandem.errors import InvalidInput
from tandem.fields import public_id
from tandem.templatetags.clock import day
from tandem.validation import validate
from worklist.models import Task
from worklist.services import complete_tasks_from, create_task_for_first, never_asked

# Clinical reference §5: S9480 has Medicare status "I" (not payable); Medicare pays IOP per
# diem on an institutional claim with condition code 92.
S9480_NOT_FOR_MEDICARE = (
    'Medicare does not pay S9480 (status "I", clinical reference §5): a Medicare payer\'s '
    "IOP per diem is billed on an institutional claim with condition code 92."
)
H0015_NOT_FOR_MEDICARE = (
    "A Medicare payer's IOP per diem is billed on an institutional claim with condition code "
    "92 (clinical reference §5), not as H0015."
)


def add_payer(
    organization: Organization,
    *,
    by: User,
    name: str,
    per_diem_code: str = "",
    medicare: bool = False,
) -> Payer:
    """Add a payer the program bills, with the IOP per-diem code its contract takes; a
    Medicare payer's per diem is Medicare IOP (condition code 92) and takes no other code."""
    decision = require_capability(
        by,
        "billing.write",
        [organization.pk],
        event_type="billing.payer_added",
        refusal="Your role does not keep the program's payers.",
    )
    if medicare:
        if per_diem_code == PerDiemCode.S9480:
            raise InvalidInput(S9480_NOT_FOR_MEDICARE, field="per_diem_code")
        if per_diem_code not in ("", PerDiemCode.MEDICARE_IOP):
            raise InvalidInput(H0015_NOT_FOR_MEDICARE, field="per_diem_code")
        per_diem_code = PerDiemCode.MEDICARE_IOP
    elif per_diem_code not in (PerDiemCode.H0015, PerDiemCode.S9480):
        raise InvalidInput(
            "Choose the per-diem code: H0015 or S9480, or mark the payer as Medicare.",
            field="per_diem_code",
        )
    payer = Payer(
        organization=organization,
        name=(name or "").strip(),
        per_diem_code=per_diem_code,
        medicare=medicare,
    )
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
                details={
                    "name": payer.name,
                    "per_diem_code": payer.per_diem_code,
                    "medicare": payer.medicare,
                },
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


NOT_ON_THE_LIST = "Choose payers from the program's list."


def name_payers(consent: Consent, ids: list[str]) -> list[int]:
    """Write the payers a Part 2 consent being recorded names, picked from its organization's
    list (`consent.recipients.LISTS`: `consent.services.record_consent` calls it inside its
    transaction, after its own access check, and writes the audit event with the payers'
    ids). An id not on the list, another organization's payer among them, is refused and
    the recording rolls back whole. The payers are part of what was signed: a consent that
    already names payers is refused, and the rows never change."""
    wanted = {public_id(value) for value in ids}
    if None in wanted:
        raise InvalidInput(NOT_ON_THE_LIST, field="payers")
    payers = list(
        Payer.objects.filter(
            organization_id=consent.participant.organization_id, public_id__in=wanted
        ).order_by("pk")
    )
    if len(payers) != len(wanted):
        raise InvalidInput(NOT_ON_THE_LIST, field="payers")
    if ConsentPayer.objects.filter(consent=consent).exists():
        raise InvalidInput(
            "The payers a consent names are part of what was signed: record a new consent.",
            field="payers",
        )
    ConsentPayer.objects.bulk_create(ConsentPayer(consent=consent, payer=p) for p in payers)
    return [p.pk for p in payers]


# The kind of the worklist task asking for a certification's recertification.
RECERTIFY_KIND = "billing.recertify"
# The kind of the worklist task asking for a Medicare stay's first certification.
CERTIFY_KIND = "billing.certify"
CERTIFY_REFUSAL = "Your role does not record physicians' IOP certifications."


def require_certifier(
    participant: Participant,
    *,
    by: User,
    action: str = Action.CREATE,
    through: Scope = Scope.BILLING,
) -> Decision:
    """Whether `by` may record (or withdraw) the participant's IOP certifications:
    `billing.certify` and the part of the record the page belongs to (`through`: the Billing
    tab's billing part, or the clinical part for the chart's certification card, where the
    signer works). The page asks before reading the form, so a role without it is refused
    alike whatever it sent; a refusal is audited."""
    return require_with_capability(
        by, participant, "billing.certify", action, through, refusal=CERTIFY_REFUSAL
    )


def add_certification(
    participant: Participant,
    *,
    by: User,
    episode: Episode | None,
    physician: User | None,
    certified_on: date,
    needs_nine_hours: bool,
    through: Scope = Scope.BILLING,
) -> IopCertification:
    """Record a physician's certification (or recertification) that the participant needs at
    least 9 hours a week of IOP services (clinical reference §5), through the Billing tab or
    the chart's card (`through`, as `require_certifier`). Refused whole: a stay not theirs, a
    physician whose role may not sign, a date outside the program range, or no statement of
    the 9 hours. The recertification tasks of the stay's certifications it outlasts are done
    with it."""
    decision = require_certifier(participant, by=by, through=through)
    if episode is None or episode.participant_id != participant.pk:
        raise InvalidInput("Choose the participant's stay.", field="episode")
    if physician is None or not may(physician, "clinical.sign", participant.organization_id):
        raise InvalidInput(
            "Choose the certifying physician among the staff who may sign.", field="physician"
        )
    dates.check(certified_on, field="certified_on")
    certification = IopCertification(
        participant=participant,
        episode=episode,
        physician=physician,
        certified_on=certified_on,
        needs_nine_hours=needs_nine_hours,
        recorded_by=by,
    )
    validate(certification, exclude=["participant", "episode", "physician", "recorded_by"])
    with transaction.atomic():
        certification.save()
        record_event(
            actor=by,
            event_type="billing.certification_added",
            decision=decision,
            participant=participant,
            record=certification,
            details={
                "episode": episode.pk,
                "physician": physician.pk,
                "certified_on": certified_on.isoformat(),
            },
        )
        outlasted = IopCertification.objects.filter(
            episode=episode, certified_on__lt=certified_on.replace(day=1)
        )
        complete_tasks_from(
            list(outlasted),
            kind=RECERTIFY_KIND,
            by=by,
            note=f"Recertified on {day(certified_on)}, in force until "
            f"{day(certification.in_force_until)}.",
            decision=decision,
        )
        complete_tasks_from(
            [episode],
            kind=CERTIFY_KIND,
            by=by,
            note=f"Certified on {day(certified_on)}, in force until "
            f"{day(certification.in_force_until)}.",
            decision=decision,
        )
    return certification


def mark_certification_in_error(
    certification: IopCertification, *, by: User, reason: str
) -> IopCertification:
    """Withdraw a certification recorded by mistake: it stays on the tab, struck, with why,
    and covers no day."""
    decision = require_certifier(certification.participant, by=by, action=Action.CHANGE)
    with transaction.atomic():
        return lifecycle.mark_entered_in_error(
            certification,
            by=by,
            reason=reason,
            decision=decision,
            what="IOP certification",
            event_type="billing.certification_entered_in_error",
        )


def _ask_to_recertify(certification: IopCertification) -> Task | None:
    """The task asking for this certification's recertification, for its physician, or the
    primary clinician when the physician can no longer open the record (left the care team or
    the program), or else the program's oversight (`create_task_for_first`)."""
    return create_task_for_first(
        [certification.physician, CareTeamRole.PRIMARY_CLINICIAN],
        participant=certification.participant,
        title="Recertify the Medicare IOP need (9 hours a week)",
        due_on=certification.in_force_until,
        source=certification,
        kind=RECERTIFY_KIND,
        by=None,
        detail=f"The physician's certification of {day(certification.certified_on)} is in "
        f"force until {day(certification.in_force_until)}. Record the recertification on the "
        "Level of care tab.",
    )


def _ask_to_certify(episode: Episode, today: date) -> Task | None:
    """The task asking for a Medicare stay's first certification, for its primary clinician
    (or else the program's oversight), due on the first day its service days are held
    (admitted and covered)."""
    held_from = max(episode.admitted_on or today, episode.covered_from)  # type: ignore[attr-defined]
    return create_task_for_first(
        [CareTeamRole.PRIMARY_CLINICIAN],
        participant=episode.participant,
        title="Have a physician certify the Medicare IOP need (9 hours a week)",
        due_on=min(held_from, today),
        source=episode,
        kind=CERTIFY_KIND,
        by=None,
        detail="A Medicare payer covers this stay and no physician's certification of it "
        "is recorded, so its service days are held from billing. A physician records it "
        "on the Level of care tab.",
    )


def ask_for_recertifications(*, now: datetime, programs: Sequence[Program]) -> list[Task]:
    """Open a worklist task for each certification of a Medicare participant in care that
    ends within `RECERTIFY_NOTICE_DAYS` of the program's day, or has ended, due on its last
    day in force, and one for each such stay with no certification yet (a daily job at each
    program's morning). One task per certification or stay: a run again, or a task closed by
    hand, opens none."""
    made: list[Task | None] = []
    for program in programs:
        today = program.today(now)
        stays = selectors.stays_never_certified(program, today)
        made += [_ask_to_certify(e, today) for e in never_asked(stays, kind=CERTIFY_KIND)]
        ending = selectors.certifications_ending(program, today)
        made += [_ask_to_recertify(c) for c in never_asked(ending, kind=RECERTIFY_KIND)]
    return [task for task in made if task is not None]
