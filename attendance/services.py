"""Roll call, drop-ins, make-up enrolments, cancellation notices and the missed-sessions alert.

Every write is one transaction that first locks the session row, so two people on the same
roll call are serialized and the second one sees the first one's entry (and gets a
ConcurrentEdit instead of overwriting it).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from attendance import weekly
from attendance.models import (
    ABSENT_STATUSES,
    FULL_STATUSES,
    Attendance,
    AttendanceStatus,
)
from attendance.selectors import NOTICE_RECORD_TYPE, cancellation_notices, in_care_episode
from audit.models import Action, Outcome
from audit.services import field_changes, record_event
from monitoring.models import Alert, Severity
from monitoring.services import raise_alert
from participants.access import (
    Decision,
    RollCallAccess,
    Scope,
    require,
    require_roll_call_row,
    roll_call_access,
)
from participants.language import speaking
from participants.models import Episode, Participant
from scheduling.models import Enrolment, Session, SessionMode
from tandem.delivery import delivering
from tandem.errors import AccessDenied, ConcurrentEdit, InvalidInput
from tandem.lifecycle import save_new_version
from tandem.templatetags.clock import day, portal_clock

MISSED_KIND = "missed-sessions"
NOTE_MAX = int(Attendance._meta.get_field("note").max_length or 0)


@dataclass(frozen=True)
class RollCallEntry:
    """One row of a roll call as submitted: `expected_version` 0 means not yet recorded."""

    participant: Participant
    status: str
    minutes: int | None = None
    note: str = ""
    expected_version: int = 0


def minutes_attended(session: Session, status: str, minutes: int | None) -> int:
    """The minutes a status stands for; partial attendance must say how long."""
    if status not in AttendanceStatus.values:
        choices = ", ".join(label.lower() for label in AttendanceStatus.labels)
        raise InvalidInput(f"Choose a status: {choices}.", field="status")
    if status in FULL_STATUSES:
        if minutes not in (None, session.minutes):
            raise InvalidInput(
                f"{AttendanceStatus(status).label} means the whole session ({session.minutes} "
                "minutes); choose Late or Left early for part of it.",
                field="minutes",
            )
        return session.minutes
    if status in ABSENT_STATUSES:
        if minutes not in (None, 0):
            raise InvalidInput("An absence has no minutes attended.", field="minutes")
        return 0
    label = AttendanceStatus(status).label.lower()
    if minutes is None:
        raise InvalidInput(
            f"Enter the minutes attended (1–{session.minutes - 1}) to record {label}.",
            field="minutes",
        )
    if not 1 <= minutes < session.minutes:
        raise InvalidInput(
            f"Minutes attended must be between 1 and {session.minutes - 1} for {label} "
            f"(the session is {session.minutes} minutes).",
            field="minutes",
        )
    return minutes


def require_roll_call(user: Any, session: Session) -> RollCallAccess:
    """Refuse (and audit) anyone who may not record this session's roll call."""
    access = roll_call_access(user, session)
    if not access.can_record:
        record_event(
            actor=user,
            event_type="roll_call.taken",
            record=session,
            outcome=Outcome.REFUSED,
            role=access.role,
            details={"scope": str(Scope.SCHEDULE), "why": access.why},
        )
        raise AccessDenied(
            "Only the session's facilitators, the front desk, supervisors and directors "
            "take its roll call."
        )
    return access


def roll_call_open(session: Session) -> bool:
    """Roll call is for sessions that happen: not cancelled, and from their day on."""
    return session.status == Session.Status.SCHEDULED and session.date <= session.program.today()


def check_open(session: Session) -> None:
    """Refuse a roll call write on a cancelled session or before the session's day."""
    if session.status == Session.Status.CANCELLED:
        raise InvalidInput("This session was cancelled; there is no roll call.")
    if session.date > session.program.today():
        raise InvalidInput("Roll call opens on the day of the session.")


def _lock(session: Session) -> None:
    Session.objects.select_for_update().filter(pk=session.pk).values_list("pk").first()


def _snapshot(row: Attendance | None) -> dict:
    if row is None:
        return {}
    return {"status": row.status, "minutes": row.minutes, "note": row.note}


def _audit_row(row: Attendance, *, by: Any, decision: Decision, before: dict, action: str) -> None:
    record_event(
        actor=by,
        event_type="attendance.recorded" if action == Action.CREATE else "attendance.corrected",
        participant=row.participant,
        record=row,
        decision=decision,
        details={
            "scope": str(Scope.SCHEDULE),
            "session": str(row.session.public_id),
            "changes": field_changes(before, _snapshot(row)),
        },
    )


def record_roll_call(
    session: Session, entries: Sequence[RollCallEntry], *, by: Any
) -> list[Attendance]:
    """Record several rows at once: all of them, or (on any bad row) none."""
    access = require_roll_call(by, session)
    check_open(session)
    if not entries:
        raise InvalidInput("Send at least one participant's status.", field="entries")
    seen: set[int] = set()
    minutes: list[int] = []
    for index, entry in enumerate(entries):
        if entry.participant.pk in seen:
            raise InvalidInput(
                "The same participant appears twice in this roll call.", field=f"entries.{index}"
            )
        seen.add(entry.participant.pk)
        try:
            minutes.append(minutes_attended(session, entry.status, entry.minutes))
        except InvalidInput as exc:
            raise InvalidInput(exc.message, field=f"entries.{index}.{exc.field}") from None
        if len(entry.note or "") > NOTE_MAX:
            raise InvalidInput(
                f"Keep the note under {NOTE_MAX} characters.", field=f"entries.{index}.note"
            )
    enrolments = {e.participant_id: e for e in session.enrolments.filter(participant_id__in=seen)}
    for index, entry in enumerate(entries):
        if entry.participant.pk not in enrolments:
            raise InvalidInput(
                "This participant is not enrolled in this session; add them as a drop-in.",
                field=f"entries.{index}.participant_id",
            )
    decisions = [
        require_roll_call_row(by, session, entry.participant, Action.CHANGE, access=access)
        for entry in entries
    ]
    saved = []
    changed: list[Attendance] = []
    with transaction.atomic():
        _lock(session)
        current = {
            a.participant_id: a
            for a in Attendance.objects.select_for_update().filter(
                session=session, participant_id__in=seen
            )
        }
        now = timezone.now()
        for entry, mins, decision in zip(entries, minutes, decisions, strict=True):
            row = current.get(entry.participant.pk)
            if (row.version if row else 0) != entry.expected_version:
                raise ConcurrentEdit("roll call entry")
            before = _snapshot(row)
            after = {"status": entry.status, "minutes": mins, "note": (entry.note or "").strip()}
            if row is not None and not field_changes(before, after):
                row.participant = entry.participant
                saved.append(row)
                continue
            if row is None:
                row = Attendance.objects.create(
                    session=session,
                    participant=entry.participant,
                    episode=enrolments[entry.participant.pk].episode,
                    recorded_by=by,
                    recorded_at=now,
                    **after,
                )
                action = Action.CREATE
            else:
                for name, value in after.items():
                    setattr(row, name, value)
                row.recorded_by, row.recorded_at = by, now
                save_new_version(row, [*after, "recorded_by", "recorded_at"])
                action = Action.CHANGE
            row.session = session
            row.participant = entry.participant
            _audit_row(row, by=by, decision=decision, before=before, action=action)
            if row.status == AttendanceStatus.UNEXCUSED:
                check_missed_sessions(row, by=by)
            saved.append(row)
            changed.append(row)
        weekly.refresh((row.episode_id for row in changed), session.date)
        weekly.refresh_doses((row.participant_id for row in changed), session.date)
    return saved


def record_attendance(
    session: Session,
    participant: Participant,
    *,
    status: str,
    by: Any,
    expected_version: int,
    minutes: int | None = None,
    note: str = "",
) -> Attendance:
    """Record (or correct) one participant's row; a stale version is a ConcurrentEdit."""
    entry = RollCallEntry(participant, status, minutes, note, expected_version)
    try:
        return record_roll_call(session, [entry], by=by)[0]
    except InvalidInput as exc:
        raise InvalidInput(exc.message, field=(exc.field or "").rsplit(".", 1)[-1]) from None


def mark_all_present(session: Session, *, by: Any) -> list[Attendance]:
    """Record everyone not yet recorded as present (virtually, for a virtual session)."""
    access = require_roll_call(by, session)
    check_open(session)
    status = (
        AttendanceStatus.VIRTUAL
        if session.mode == SessionMode.VIRTUAL
        else AttendanceStatus.PRESENT
    )
    open_rows = list(
        session.enrolments.select_related("participant")
        .exclude(
            Exists(Attendance.objects.filter(session=session, participant=OuterRef("participant")))
        )
        .order_by("pk")
    )
    decisions = {
        e.participant_id: require_roll_call_row(
            by, session, e.participant, Action.CHANGE, access=access
        )
        for e in open_rows
    }
    created = []
    with transaction.atomic():
        _lock(session)
        already = set(
            Attendance.objects.filter(session=session).values_list("participant_id", flat=True)
        )
        now = timezone.now()
        for enrolment in open_rows:
            if enrolment.participant_id in already:
                continue
            row = Attendance.objects.create(
                session=session,
                participant=enrolment.participant,
                episode_id=enrolment.episode_id,
                status=status,
                minutes=session.minutes,
                recorded_by=by,
                recorded_at=now,
            )
            _audit_row(
                row,
                by=by,
                decision=decisions[enrolment.participant_id],
                before={},
                action=Action.CREATE,
            )
            created.append(row)
        weekly.refresh((row.episode_id for row in created), session.date)
        weekly.refresh_doses((row.participant_id for row in created), session.date)
    return created


def _enrol(
    session: Session,
    participant: Participant,
    episode: Episode,
    source: str,
    event_type: str,
    *,
    by: Any,
    decision: Any,
) -> Enrolment:
    """Enrol someone the published schedule did not, with its audit event: a drop-in and a
    make-up are the same write under their own source, so they are recorded alike."""
    enrolment = Enrolment.objects.create(
        session=session, participant=participant, episode=episode, source=source, created_by=by
    )
    record_event(
        actor=by,
        event_type=event_type,
        participant=participant,
        record=enrolment,
        decision=decision,
        details={
            "scope": str(Scope.SCHEDULE),
            "session": str(session.public_id),
            "source": source,
        },
    )
    return enrolment


def add_drop_in(session: Session, participant: Participant, *, by: Any) -> Attendance:
    """Enrol a participant who came without being scheduled, and record them present."""
    access = require_roll_call(by, session)
    check_open(session)
    episode = in_care_episode(participant, session.program)
    if episode is None:
        raise InvalidInput("Only participants admitted to this program can join its sessions.")
    decision = require_roll_call_row(by, session, participant, Action.CHANGE, access=access)
    status = (
        AttendanceStatus.VIRTUAL
        if session.mode == SessionMode.VIRTUAL
        else AttendanceStatus.PRESENT
    )
    with transaction.atomic():
        _lock(session)
        if Enrolment.objects.filter(session=session, participant=participant).exists():
            raise InvalidInput("This participant is already on the roll call.")
        _enrol(
            session,
            participant,
            episode,
            Enrolment.Source.DROP_IN,
            "enrolment.drop_in_added",
            by=by,
            decision=decision,
        )
        row = Attendance.objects.create(
            session=session,
            participant=participant,
            episode=episode,
            status=status,
            minutes=session.minutes,
            recorded_by=by,
            recorded_at=timezone.now(),
        )
        _audit_row(row, by=by, decision=decision, before={}, action=Action.CREATE)
        weekly.refresh([episode.pk], session.date)
        weekly.refresh_doses([participant.pk], session.date)
    return row


def enrol_make_up(session: Session, participant: Participant, *, by: Any) -> Enrolment:
    """Enrol a participant in a group session with room, to make up missed time."""
    decision = require(by, participant, Action.CHANGE, Scope.SCHEDULE)
    if participant.organization_id != session.program.organization_id:
        raise InvalidInput("That session belongs to another organization.", field="session")
    if session.kind != Session.Kind.GROUP or session.status != Session.Status.SCHEDULED:
        raise InvalidInput("Choose a scheduled group session.", field="session")
    if session.starts_at <= timezone.now():
        raise InvalidInput("That session has already started.", field="session")
    episode = in_care_episode(participant, session.program)
    if episode is None:
        raise InvalidInput("Only participants admitted to this program can join its sessions.")
    with transaction.atomic():
        _lock(session)
        if Enrolment.objects.filter(session=session, participant=participant).exists():
            raise InvalidInput("The participant is already in that session.", field="session")
        if Enrolment.objects.filter(session=session).count() >= session.capacity:
            raise InvalidInput("That session is full; choose another one.", field="session")
        enrolment = _enrol(
            session,
            participant,
            episode,
            Enrolment.Source.MAKE_UP,
            "enrolment.make_up_added",
            by=by,
            decision=decision,
        )
        weekly.refresh_doses([participant.pk], session.date)
    return enrolment


def check_missed_sessions(row: Attendance, *, by: Any, now: datetime | None = None) -> Alert | None:
    """Raise one alert per streak of two or more unexcused absences in a row.

    The sequence is the participant's own: their non-cancelled sessions that have begun or
    have a roll call entry, in time order. The alert's dedupe key names the streak's first
    session, and no streak is alerted twice (even after its alert was acknowledged).
    """
    if row.status != AttendanceStatus.UNEXCUSED:
        return None
    now = now or timezone.now()
    status = Attendance.objects.filter(
        session_id=OuterRef("session_id"), participant_id=OuterRef("participant_id")
    ).values("status")[:1]
    sequence = list(
        Enrolment.objects.filter(participant_id=row.participant_id)
        .exclude(session__status=Session.Status.CANCELLED)
        .annotate(status=Subquery(status))
        .filter(Q(session__starts_at__lte=now) | Q(status__isnull=False))
        .order_by("session__starts_at", "session_id")
        .values_list("session_id", "session__public_id", "session__date", "status")
    )
    index = next((i for i, s in enumerate(sequence) if s[0] == row.session_id), None)
    if index is None:
        return None
    start = end = index
    while start > 0 and sequence[start - 1][3] == AttendanceStatus.UNEXCUSED:
        start -= 1
    while end + 1 < len(sequence) and sequence[end + 1][3] == AttendanceStatus.UNEXCUSED:
        end += 1
    streak = sequence[start : end + 1]
    if len(streak) < 2:
        return None
    keys = [f"{MISSED_KIND}:{public_id}" for _, public_id, _, _ in streak]
    if Alert.objects.filter(participant_id=row.participant_id, dedupe_key__in=keys).exists():
        return None
    days = ", ".join(day(on) for _, _, on, _ in streak)
    return raise_alert(
        row.participant,
        kind=MISSED_KIND,
        severity=Severity.WARNING,
        title=f"Missed {len(streak)} sessions in a row without an excuse",
        detail=f"Unexcused absences: {days}. Reach out, and review their schedule.",
        source=row,
        dedupe_key=keys[0],
        also_roles=["case_manager"],
        by=by,
        episode=row.episode,
    )


def notify_cancellation(session: Session, *, by: Any, now: datetime | None = None) -> list[str]:
    """Email each enrolled participant who has an address that their session is cancelled,
    with the make-up sessions they could join. Returns the public ids of those emailed.

    Called from the cancellation itself (inside its transaction, after it was authorized):
    the emails leave only when that transaction commits. Each participant gets their own
    message, so no one learns who else is in the group. The text names each session by its
    day and time alone: a group's title ("Relapse prevention") on a phone's lock screen would
    tell whoever sees it that the participant is in substance-use treatment (42 CFR Part 2).
    """
    if session.status != Session.Status.CANCELLED:
        raise InvalidInput("Only a cancelled session sends a cancellation notice.")
    if session.starts_at <= (now or timezone.now()):
        return []  # it was due already: a notice now would only confuse
    notices = cancellation_notices(session, now=now)
    messages = []
    emailed, without_email = [], []
    for notice in notices:
        person = notice.participant
        if not person.email:
            without_email.append(str(person.public_id))
            continue
        emailed.append(str(person.public_id))
        # In the participant's language, with days and times in the program's zone.
        with speaking(person), timezone.override(session.program.tz):
            subject = _("Cancelled: your session on %(day)s") % {"day": day(session.date)}
            body = _cancellation_text(session, notice.options)
        messages.append(
            EmailMessage(
                subject=subject,
                body=body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[person.email],
            )
        )
    with transaction.atomic():
        record_event(
            actor=by,
            event_type="attendance.cancellation_notified",
            record_type=NOTICE_RECORD_TYPE,
            record_id=str(session.public_id),
            details={"emailed": emailed, "without_email": without_email},
        )
        if messages:
            transaction.on_commit(lambda: _send(session, messages), robust=True)
    return emailed


def check_cancellable(session: Session) -> None:
    """A session with a roll call took place: it cannot be cancelled afterwards."""
    if Attendance.objects.filter(session=session).exists():
        raise InvalidInput(
            "This session has a roll call recorded, so it took place; it cannot be cancelled."
        )


def _send(session: Session, messages: list[EmailMessage]) -> None:
    notice = f"The cancellation notice of session {session.public_id}"
    with delivering(notice), get_connection() as connection:
        connection.send_messages(messages)


def _cancellation_text(session: Session, options: list[Session]) -> str:
    """The notice's body, in the active language and zone; each session by its day, time and
    mode alone, its times on the participant's clock as their pages write them."""
    lines = [
        _("Hello,"),
        "",
        _("Your session on %(day)s at %(time)s is cancelled.")
        % {"day": day(session.date), "time": portal_clock(session.starts_at)},
        "",
    ]
    if options:
        lines.append(_("You can make up the time at one of these sessions this week:"))
        for option in options:
            mode = _("Online") if option.is_virtual else _("In person")
            lines.append(
                f"  - {day(option.starts_at)}, {portal_clock(option.starts_at)}–"
                f"{portal_clock(option.ends_at)} "
                f"({mode.lower()})"
            )
        lines += ["", _("Call us to take one of them."), ""]
    else:
        lines += [_("Call us to arrange another time."), ""]
    lines.append(_("Your program team"))
    return "\n".join(lines)
