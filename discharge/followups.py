"""Follow-ups after discharge: scheduled at discharge, sent by delayed tasks, answered by the
participant or on a staff call, stopped at once by an opt-out.

Each follow-up is a row with a status; the delayed tasks only move a row on when it is still
where they expect it, so an opt-out (or an answer) makes every pending task a no-op.
"""

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.scoring import AnswerError, ScoringError, score
from audit.models import Action
from audit.services import record_event
from discharge.models import (
    DEFAULT_CALL_AFTER_DAYS,
    DEFAULT_FOLLOW_UP_DAYS,
    PENDING_STATUSES,
    Aftercare,
    ContactConsent,
    Discharge,
    FollowUp,
    FollowUpAnswers,
    FollowUpChannel,
    FollowUpSettings,
    FollowUpStatus,
    ReadmissionSignal,
)
from links.models import SingleUseLink
from links.services import issue_link, revoke
from measurement import sms
from participants.access import Scope, require
from participants.language import speaking
from participants.models import Episode
from tandem import lifecycle
from tandem.delivery import delivering
from tandem.errors import InvalidInput
from tandem.hooks import Hook
from tandem.tasks import enqueue_after_commit
from tandem.validation import validate

# The single-use link target the follow-up questionnaire registers (discharge.questionnaire).
KIND = "follow_up"
# Contacts go out in the program's morning, never at midnight.
SEND_AT = time(10, 0)
ANSWER_LINKS = ("follow_up", "participant", "recorded_by")

# Called inside the write's transaction as hook(participant_id) whenever what follows a
# participant's discharge changes: the discharge recorded with its contact consent and
# follow-ups, a follow-up moved on (sent, listed for a call, called, answered, stopped) or an
# opt-out. Outcomes registers one that keeps its follow-up facts current.
ChangedHook = Callable[[int], object]
CHANGED: Hook[ChangedHook] = Hook("discharge.changed")


def changed(participant_id: int) -> None:
    for hook in CHANGED.implementations():
        hook(participant_id)


def program_days(program: Any) -> tuple[list[int], int]:
    """The program's follow-up days and call-list delay, or the defaults."""
    row = FollowUpSettings.objects.filter(program=program).first()
    if row is None or not row.days:
        return list(DEFAULT_FOLLOW_UP_DAYS), (
            row.call_after_days if row else DEFAULT_CALL_AFTER_DAYS
        )
    return sorted({int(d) for d in row.days}), row.call_after_days


def morning_of(day: date, program: Any) -> datetime:
    return datetime.combine(day, SEND_AT, tzinfo=program.tz)


def schedule(record: Discharge, *, now: datetime) -> list[FollowUp]:
    """One follow-up per program day after the discharge, each a delayed task."""
    program = record.episode.program
    days, _ = program_days(program)
    rows = []
    for day in days:
        due_on = record.discharged_on + timedelta(days=day)
        row = FollowUp.objects.create(
            discharge=record, participant=record.participant, day=day, due_on=due_on
        )
        enqueue_after_commit(
            "discharge.tasks.send_follow_up",
            row.pk,
            run_after=max(morning_of(due_on, program), now),
        )
        rows.append(row)
    return rows


def schedule_appointment_check(plan: Aftercare) -> None:
    """The morning after the first aftercare appointment, ask whether it happened."""
    if plan.first_appointment_on is None:
        return
    program = plan.discharge.episode.program
    enqueue_after_commit(
        "discharge.tasks.check_first_appointment",
        plan.pk,
        plan.first_appointment_on.isoformat(),
        run_after=morning_of(plan.first_appointment_on + timedelta(days=1), program),
    )


def _call_listed(row: FollowUp) -> None:
    """The audit event of a follow-up put on the staff call list, asked for by phone from the
    start or left unanswered: either way the trail reads the same."""
    record_event(
        actor=None,
        event_type="follow_up.call_listed",
        participant=row.participant,
        record=row,
        details={"day": row.day},
    )


def send(follow_up_id: int, *, now: datetime) -> FollowUp:
    """The follow-up falls due: the questionnaire goes out, unless the participant opted out
    (or anything already moved the follow-up on)."""
    with transaction.atomic():
        row = (
            FollowUp.objects.select_for_update(of=("self",))
            .select_related("discharge__consent", "discharge__episode__program")
            .get(pk=follow_up_id)
        )
        if row.status != FollowUpStatus.SCHEDULED:
            return row
        changed(row.participant_id)  # every way on from here moves the follow-up on
        if not row.discharge.consent.active:
            row.status = FollowUpStatus.STOPPED
            lifecycle.save_new_version(row, ["status"])
            return row
        channel = row.discharge.consent.channel
        if channel == FollowUpChannel.PHONE:
            # Asked to be phoned: the follow-up goes straight to the call list.
            row.status = FollowUpStatus.TO_CALL
            lifecycle.save_new_version(row, ["status"])
            _call_listed(row)
            return row
        row.status = FollowUpStatus.SENT
        row.sent_at = now
        lifecycle.save_new_version(row, ["status", "sent_at"])
        issued = issue_link(row.participant, KIND, ref=str(row.public_id), now=now)
        call_after = program_days(row.discharge.episode.program)[1]
        record_event(
            actor=None,
            event_type="follow_up.sent",
            participant=row.participant,
            record=row,
            details={"day": row.day, "channel": channel, "link": str(issued.link.public_id)},
        )
        enqueue_after_commit(
            "discharge.tasks.check_unanswered",
            row.pk,
            run_after=now + timedelta(days=call_after),
        )
    with speaking(row.participant):
        subject, body = str(_("How are you doing?")), _message(issued.path)
    with delivering(f"Follow-up {row.public_id}"):
        if channel == FollowUpChannel.EMAIL and row.participant.email:
            send_mail(subject, body, None, [row.participant.email])
        if channel == FollowUpChannel.TEXT and row.participant.phone:
            sms.sender().send(row.participant.phone, body)
    return row


def _message(path: str) -> str:
    """The link, by email or text after the follow-up is saved; it names no answer or record."""
    base = getattr(settings, "TANDEM_BASE_URL", "http://localhost:8000").rstrip("/")
    body = _(
        "The program you attended asks how you are doing. A few short questions, once, in the "
        "next 24 hours: %(url)s\nIn a crisis call or text 988, any time."
    ) % {"url": base + path}
    return str(body)


def check_unanswered(follow_up_id: int) -> FollowUp:
    """No answer a few days after sending: the follow-up goes on the staff call list."""
    with transaction.atomic():
        row = (
            FollowUp.objects.select_for_update(of=("self",))
            .select_related("discharge__consent")
            .get(pk=follow_up_id)
        )
        if row.status != FollowUpStatus.SENT:
            return row
        row.status = (
            FollowUpStatus.TO_CALL if row.discharge.consent.active else FollowUpStatus.STOPPED
        )
        lifecycle.save_new_version(row, ["status"])
        changed(row.participant_id)
        if row.status == FollowUpStatus.TO_CALL:
            _call_listed(row)
    return row


def opt_out(consent: ContactConsent, *, by: Any, expected_version: int) -> ContactConsent:
    """Stop every follow-up at once: pending ones are stopped now, their tasks do nothing."""
    decision = require(by, consent.participant, Action.CHANGE, Scope.AFTERCARE)
    with transaction.atomic():
        current = lifecycle.lock_current(
            ContactConsent, consent.pk, expected_version=expected_version, what="contact consent"
        )
        if current.opted_out_at is not None or not current.consented:
            raise InvalidInput("The participant is not being contacted for follow-up.")
        current.opted_out_at = timezone.now()
        current.opted_out_by = by
        lifecycle.save_new_version(current, ["opted_out_at", "opted_out_by"])
        # Locked and read once, so the days the trail names are the ones stopped even while a
        # follow-up is being sent; each stopped row's version moves on, so a call recorded
        # from a page opened before is told the follow-up changed.
        pending = list(
            FollowUp.objects.select_for_update()
            .filter(discharge_id=current.discharge_id, status__in=PENDING_STATUSES)
            .values_list("pk", "day", "public_id")
        )
        FollowUp.objects.filter(pk__in=[pk for pk, _, _ in pending]).update(
            status=FollowUpStatus.STOPPED, version=F("version") + 1, modified_at=timezone.now()
        )
        stopped = [day for _, day, _ in pending]
        refs = [str(ref) for _, _, ref in pending]
        changed(current.participant_id)
        for link in SingleUseLink.objects.filter(
            target=KIND, target_ref__in=refs, used_at__isnull=True, revoked_at__isnull=True
        ):
            revoke(link, by=by)
        record_event(
            actor=by,
            event_type="follow_up.opted_out",
            participant=current.participant,
            record=current,
            decision=decision,
            details={"stopped": sorted(stopped)},
        )
    return current


def record_call(
    follow_up: FollowUp, *, by: Any, reached: bool, note: str, expected_version: int
) -> FollowUp:
    """A staff call from the call list: reached (answers read back separately) or not."""
    note = (note or "").strip()
    if len(note) < 3:
        raise InvalidInput("Say what happened on the call (a short note).", field="note")
    decision = require(by, follow_up.participant, Action.CHANGE, Scope.AFTERCARE)
    with transaction.atomic():
        row = lifecycle.lock_current(
            FollowUp, follow_up.pk, expected_version=expected_version, what="follow-up"
        )
        if row.status not in (FollowUpStatus.TO_CALL, FollowUpStatus.SENT):
            raise InvalidInput("This follow-up is not waiting for a call.")
        row.status = FollowUpStatus.REACHED if reached else FollowUpStatus.NOT_REACHED
        row.called_at = timezone.now()
        row.called_by = by
        row.call_note = note[:500]
        lifecycle.save_new_version(row, ["status", "called_at", "called_by", "call_note"])
        changed(row.participant_id)
        record_event(
            actor=by,
            event_type="follow_up.called",
            participant=row.participant,
            record=row,
            decision=decision,
            details={"day": row.day, "reached": reached},
        )
    return row


def record_answers_on_call(
    follow_up: FollowUp, *, by: Any, answers: dict[str, Any], now: datetime
) -> FollowUpAnswers:
    """Staff read the questionnaire to the participant on a call and enter the answers: the
    follow-up is answered (and reached) as if through the link, which can no longer be used."""
    decision = require(by, follow_up.participant, Action.CHANGE, Scope.AFTERCARE)
    if follow_up.status not in (FollowUpStatus.SENT, FollowUpStatus.TO_CALL):
        raise InvalidInput("This follow-up is not waiting for an answer.")
    if not follow_up.discharge.consent.active:
        raise InvalidInput("The participant opted out of follow-up contact.")
    with transaction.atomic():
        record = record_answers(follow_up, answers=answers, by=by, decision=decision, now=now)
        row = FollowUp.objects.get(pk=follow_up.pk)
        row.called_at, row.called_by, row.call_note = now, by, "Answered on a call."
        lifecycle.save_new_version(row, ["called_at", "called_by", "call_note"])
        for link in SingleUseLink.objects.filter(
            target=KIND,
            target_ref=str(row.public_id),
            used_at__isnull=True,
            revoked_at__isnull=True,
        ):
            revoke(link, by=by, now=now)
    return record


def re_referral(episode: Episode) -> None:
    """A new episode for someone discharged before is a readmission signal on that discharge
    (registered on `participants.services.EPISODE_OPENED`)."""
    record = (
        Discharge.objects.current()
        .filter(participant_id=episode.participant_id)
        .exclude(episode_id=episode.pk)
        .order_by("-discharged_on", "-pk")
        .first()
    )
    if record is None:
        return
    ReadmissionSignal.objects.get_or_create(
        discharge=record,
        participant_id=episode.participant_id,
        kind=ReadmissionSignal.Kind.RE_REFERRAL,
        source_id=str(episode.public_id),
        defaults={"noticed_on": episode.referred_on},
    )


class InvalidWho5(InvalidInput):
    """The WHO-5's scorer refused the answers. `errors` names each question concerned, so the
    link's page says what is missing in the participant's language (`assessments.forms.refusals`)
    rather than in the scorer's English."""

    def __init__(self, errors: list[AnswerError]) -> None:
        super().__init__("WHO-5: " + "; ".join(e["message"] or "" for e in errors), field="who5")
        self.errors = errors


def record_answers(
    follow_up: FollowUp,
    *,
    answers: dict[str, Any],
    by: Any = None,
    decision: Any = None,
    now: datetime | None = None,
    link_visit: Any = None,
) -> FollowUpAnswers:
    """Keep the outcomes questionnaire's answers (the WHO-5 scored by the instrument's own
    scorer); an emergency visit or hospital stay is a readmission signal."""
    now = now or timezone.now()
    who5 = {str(k): v for k, v in (answers.pop("who5", None) or {}).items()}
    try:
        result = score("who-5", who5)
    except ScoringError as exc:
        raise InvalidWho5(exc.errors) from None
    with transaction.atomic():
        row = (
            FollowUp.objects.select_for_update(of=("self",))
            .select_related("discharge__episode__program")
            .get(pk=follow_up.pk)
        )
        if row.status in (FollowUpStatus.ANSWERED, FollowUpStatus.STOPPED) or hasattr(
            row, "answers"
        ):
            raise InvalidInput(_("This follow-up is closed."))
        record = FollowUpAnswers(
            follow_up=row,
            participant=row.participant,
            recorded_by=by,
            recorded_at=now,
            who5_answers=who5,
            who5_total=result.total,
            who5_band=result.band or "",
            **answers,
        )
        validate(record, exclude=ANSWER_LINKS)
        record.save()
        if link_visit is not None:
            link_visit.spend(details={"follow_up": str(row.public_id)})
        row.status = FollowUpStatus.ANSWERED
        row.answered_at = now
        lifecycle.save_new_version(row, ["status", "answered_at"])
        changed(row.participant_id)
        if record.emergency_visits:
            ReadmissionSignal.objects.get_or_create(
                discharge_id=row.discharge_id,
                participant=row.participant,
                kind=ReadmissionSignal.Kind.STEP_UP_REPORTED,
                source_id=str(row.public_id),
                # The day in the program's time: an evening answer is UTC's next day.
                defaults={"noticed_on": timezone.localdate(now, row.discharge.episode.program.tz)},
            )
        record_event(
            actor=by,
            event_type="follow_up.answered",
            participant=row.participant,
            record=record,
            decision=decision,
            details={"day": row.day},
        )
    return record
