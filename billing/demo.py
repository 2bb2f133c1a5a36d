"""Synthetic payers and coverage for the demo program, recorded through the services. Every
payer, member id and coverage is made up.

Three payers: one taking H0015, one S9480 and one Medicare payer (Medicare IOP, condition
code 92). Most in-care demo participants are covered from their admission; every fifth is
left without coverage, so the service-days page shows lines held for it. Three covered
participants whose TPO consent was signed before the Wednesday of last week revoked it that
day: the first signed nothing else, so their days since are held for want of a consent to
disclose; the second signed a Part 2 consent naming their payer, picked from the program's
list as well as in its words, so their days stay ready; the third's consent names the payer
in words only, as one recorded before payers were picked does, so their days are held for the
biller to review it. The Medicare participants but one are certified (the prescriber
certifying, three weeks before last week or at admission, whichever is later), so the page
shows Medicare lines both certified and held for want of a certification; the one longest in
care, when in care long enough, was certified two months before (`_recertification_due`), so
its recertification is due on the worklist. Idempotent: nothing is added once the program has
a payer.
"""

from datetime import date, timedelta

from django.utils import timezone

from billing import selectors, services
from billing.models import RECERTIFY_NOTICE_DAYS, Payer, PerDiemCode, certified_until
from consent.models import Consent, ConsentKind, Expiry, RevocationReceived
from consent.services import record_consent, revoke_consent
from participants.demo import DemoContext
from participants.models import IN_CARE_STATUSES, Episode

PAYERS = (
    ("Prairie Health Plan (synthetic)", PerDiemCode.H0015),
    ("Lakeshore Medicaid (synthetic)", PerDiemCode.S9480),
    ("Medicare (synthetic)", PerDiemCode.MEDICARE_IOP),
)
DEMO_LIMIT = 40
UNCOVERED_EVERY = 5
# What each participant who revoked their TPO consent signed the same day: nothing, a consent
# naming their payer from the list, or one naming it in words only.
SIGNED_AGAIN = (None, "picked", "in words")


def seed(context: DemoContext) -> None:
    if Payer.objects.filter(organization=context.organization).exists():
        return
    by = context.staff["billing"]
    payers = [
        services.add_payer(
            context.organization,
            by=by,
            name=name,
            per_diem_code="" if code == PerDiemCode.MEDICARE_IOP else code,
            medicare=code == PerDiemCode.MEDICARE_IOP,
        )
        for name, code in PAYERS
    ]
    episodes = list(
        Episode.objects.filter(
            program=context.program,
            status__in=IN_CARE_STATUSES,
            participant__record_number__startswith="DEMO-",
        )
        .select_related("participant")
        .order_by("participant__record_number")[:DEMO_LIMIT]
    )
    last_week = selectors.last_week(context.program)
    revoked_on = last_week + timedelta(days=2)
    stories = list(SIGNED_AGAIN)
    made = 0
    on_medicare = []
    for index, episode in enumerate(episodes):
        if index % UNCOVERED_EVERY == UNCOVERED_EVERY - 1:
            continue
        payer = payers[index % len(payers)]
        services.add_coverage(
            episode.participant,
            by=by,
            payer=payer,
            member_id=f"SYN{episode.participant.record_number.removeprefix('DEMO-')}{index:02d}",
            starts_on=episode.admitted_on or episode.referred_on,
        )
        made += 1
        if stories and _revoke_tpo(episode, revoked_on, context):
            _sign_again(episode, payer, revoked_on, context, stories.pop(0))
        if payer.medicare:
            on_medicare.append(episode)
    # The longest in care of them, when in care by the month a certification would now be due
    # for recertification, was certified then; the last of the others is left uncertified.
    now = timezone.now()
    month = _recertification_due(context.program.today(now))
    due = min(on_medicare, key=_admitted, default=None)
    if due is not None and _admitted(due) >= _months_before(month, -1):
        due = None
    others = [e for e in on_medicare if e != due]
    certified = [(e, max(_admitted(e), last_week - timedelta(days=21))) for e in others[:-1]]
    if due is not None:
        certified.append((due, max(_admitted(due), month)))
    for episode, certified_on in certified:
        services.add_certification(
            episode.participant,
            by=context.staff["director"],
            episode=episode,
            physician=context.staff["prescriber"],
            certified_on=certified_on,
            needs_nine_hours=True,
        )
    asked = services.ask_for_recertifications(now=now, programs=[context.program])
    context.stdout(
        f"  billing: {len(payers)} synthetic payers, {made} coverages, "
        f"{len(certified)} IOP certifications, {len(asked)} recertification due"
    )


def _admitted(episode: Episode) -> date:
    return episode.admitted_on or episode.referred_on


def _recertification_due(today: date) -> date:
    """The first day of the month of a certification whose recertification the worklist asks
    for `today`: one ending this month when that is within the notice, else one that ended
    last month."""
    month = today.replace(day=1)
    if certified_until(_months_before(month, 2)) > today + timedelta(days=RECERTIFY_NOTICE_DAYS):
        month = _months_before(month, 1)
    return _months_before(month, 2)


def _months_before(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def _revoke_tpo(episode: Episode, on: date, context: DemoContext) -> bool:
    consent = (
        Consent.objects.current()
        .filter(participant=episode.participant, kind=ConsentKind.PART2, tpo=True)
        .select_related("participant", "revocation")
        .first()
    )
    if consent is None or consent.revocation_or_none is not None or consent.signed_on >= on:
        return False
    revoke_consent(
        consent,
        by=context.staff["director"],
        revoked_on=on,
        received=RevocationReceived.PAPER,
        expected_version=consent.version,
        note="Synthetic demo revocation",
    )
    return True


def _sign_again(
    episode: Episode, payer: Payer, on: date, context: DemoContext, how: str | None
) -> None:
    """A Part 2 consent for the payment of claims naming the participant's payer, signed the
    day the TPO consent was revoked: picked from the program's list, or in words only."""
    if how is None:
        return
    record_consent(
        episode.participant,
        by=context.staff["director"],
        episode=episode,
        kind=ConsentKind.PART2,
        signed_on=on,
        discloser=context.program.name,
        information="Dates of attendance, diagnoses and services, for claims (synthetic)",
        parts=("episodes", "diagnoses", "attendance", "coverage"),
        recipients=f"{payer.name}, for the payment of claims",
        recipients_hipaa=True,
        purpose="Payment of claims for my treatment",
        expiry=Expiry.END_OF_TREATMENT,
        named={"payers": [str(payer.public_id)]} if how == "picked" else None,
    )
