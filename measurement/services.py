"""Writes of measurement-based care: settings, reminder choices, reminders, not-on-track."""

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Program
from audit.models import Action
from audit.services import field_changes, record_event
from links.services import IssuedLink, issue_link, revoke
from measurement import due, selectors, sms
from measurement.models import ProgramMeasurement, ReminderChoice, ReminderSent
from measurement.reliable_change import RULES, signed_points
from measurement.schedule import check_rows
from monitoring.models import Alert, AlertStatus, Severity
from monitoring.services import raise_alert
from participants.access import Scope, require, require_capability
from participants.language import speaking
from participants.models import CareTeamRole, Episode, Participant
from participants.selectors import admitted_in_care
from tandem import lifecycle
from tandem.delivery import NotDelivered, delivering
from tandem.errors import ConcurrentEdit, InvalidInput
from tandem.tasks import enqueue_after_commit
from worklist.services import create_task_for_first

NOT_ON_TRACK = "not-on-track"
TRACKED = ("phq-9", "gad-7")
REVIEW_WITHIN_DAYS = 3  # the review task is due within three days


def set_program_schedule(
    program,
    *,
    by: Any,
    rows: list[dict],
    weeks_to_improve: int,
    morning_hour: int,
    version: int | None,
) -> ProgramMeasurement:
    """Replace the program's schedule rows (empty = Tandem's default), review period and the
    hour of its day from which reminders go out (`Program.morning_hour`, which the review and
    the look for missed check-ins keep too)."""
    decision = require_capability(
        by,
        "measurement.configure",
        [program.organization_id],
        event_type="measurement.settings_changed",
    )
    problems = check_rows(rows)
    if problems:
        raise InvalidInput(" ".join(problems), field="rows")
    if not isinstance(weeks_to_improve, int) or not 2 <= weeks_to_improve <= 52:
        raise InvalidInput("Give the review period in weeks (2-52).", field="weeks_to_improve")
    if type(morning_hour) is not int or not 0 <= morning_hour <= 23:
        raise InvalidInput("Choose the hour reminders go out from (0-23).", field="morning_hour")
    with transaction.atomic():
        hour_before = (
            Program.objects.select_for_update()
            .values_list("morning_hour", flat=True)
            .get(pk=program.pk)
        )
        row, created = ProgramMeasurement.objects.get_or_create(
            program=program, defaults={"rows": rows, "weeks_to_improve": weeks_to_improve}
        )
        before: dict[str, object] = {"rows": [], "weeks_to_improve": None}
        if not created:
            row = lifecycle.lock_current(
                ProgramMeasurement, row.pk, expected_version=version or 0, what="schedule"
            )
            before = {"rows": row.rows, "weeks_to_improve": row.weeks_to_improve}
            row.rows, row.weeks_to_improve = rows, weeks_to_improve
            lifecycle.save_new_version(row, ["rows", "weeks_to_improve"])
        if before["rows"] != rows:
            # Every episode in care of the program: a job once this commits, not the request.
            enqueue_after_commit("measurement.tasks.refresh_program_due", program.pk)
        Program.objects.filter(pk=program.pk).update(morning_hour=morning_hour)
        program.morning_hour = morning_hour
        record_event(
            actor=by,
            event_type="measurement.settings_changed",
            decision=decision,
            record=row,
            organization=program.organization,
            details={
                "rows": len(rows),
                "weeks_to_improve": weeks_to_improve,
                "morning_hour": morning_hour,
                "version": row.version,
                "changes": field_changes(
                    {**before, "morning_hour": hour_before},
                    {
                        "rows": rows,
                        "weeks_to_improve": weeks_to_improve,
                        "morning_hour": morning_hour,
                    },
                ),
            },
        )
    return row


def set_reminder_choice(
    participant: Participant,
    *,
    by: Any,
    email: bool,
    sms: bool,
    expected_version: int | None = None,
) -> ReminderChoice:
    """Record that the participant opted in (or out) of e-mail and text reminders.

    `expected_version` is the version of the choice the form showed, None when it showed
    none: a choice saved by someone else since is refused (ConcurrentEdit), not overwritten.
    """
    if not isinstance(email, bool) or not isinstance(sms, bool):
        raise InvalidInput("Say yes or no to each kind of reminder.", field="email")
    if email and not participant.email:
        raise InvalidInput("Add an e-mail address to the record first.", field="email")
    if sms and not participant.phone:
        raise InvalidInput("Add a phone number to the record first.", field="sms")
    decision = require(by, participant, Action.CHANGE, Scope.CLINICAL)
    with transaction.atomic():
        choice, created = ReminderChoice.objects.get_or_create(
            participant=participant, defaults={"email": email, "sms": sms}
        )
        if created and expected_version is not None:
            raise ConcurrentEdit("reminder choice")
        if not created:
            choice = lifecycle.lock_current(
                ReminderChoice,
                choice.pk,
                expected_version=-1 if expected_version is None else expected_version,
                what="reminder choice",
            )
            choice.email, choice.sms = email, sms
            lifecycle.save_new_version(choice, ["email", "sms"])
        record_event(
            actor=by,
            event_type="measurement.reminder_choice_changed",
            decision=decision,
            participant=participant,
            record=choice,
            details={"email": email, "sms": sms},
        )
    return choice


def _in_care(programs: Iterable[Program] | None):
    """Episodes in care of records in force (of `programs` only, when given): a record entered
    in error (opened for the wrong person, a duplicate) gets no reminder and no review."""
    episodes = admitted_in_care().select_related("participant", "program")
    if programs is not None:
        episodes = episodes.filter(program__in=list(programs))
    return episodes


def _reminder_text(url: str) -> str:
    return _(
        "Your care team asks you to answer a short questionnaire. This link works once, "
        "for 24 hours: %(url)s"
    ) % {"url": url}


# A day's questionnaire reminders go out in the twelve hours from the program's morning hour
# (08:00 to 20:00 by default). A reminder is an e-mail or text on the participant's phone:
# one that arrives at 22:00 because the daily run came late (the chain started in the evening,
# a worker back after an outage) wakes or worries someone at night, and a questionnaire
# answered tomorrow morning is as useful, so the next morning's run sends what is then due.
# Derived from the morning hour, so a program that chose a late morning still gets its day.
REMINDER_HOURS = 12


# A reminder that reached nobody (the mail server down, the text provider refusing) is tried
# again an hour later, at most this many times in all, while its day still takes reminders: a
# mail server back within the morning still brings that day's questionnaire.
REMINDER_RETRY_AFTER = timedelta(hours=1)
REMINDER_ATTEMPTS = 3


def reminders_too_late(program: Program, now: datetime) -> bool:
    """Whether `now` is past the hours of the program's day in which reminders go out."""
    return now.astimezone(program.tz).hour >= program.morning_hour + REMINDER_HOURS


def send_reminders(*, now: datetime, programs: Iterable[Program] | None = None) -> int:
    """One reminder per due self-report questionnaire per day, to those who opted in (in
    `programs` only, when given: the daily job sends at each program's morning).

    Each carries its own single-use link. The message names no instrument and no answer.
    The day is the participant's program's: an evening run in a program west of UTC is
    still that day there, so it neither sends a second reminder nor records the next day.
    Each reminder is recorded before it goes out (`_record_reminder`), so a run beside this
    one sends none the same day. A channel that refuses a reminder is recorded on it, for the
    Measures tab, with an event. A reminder that reached the participant by one channel has
    reminded them, the other's refusal notwithstanding, so it counts as sent; one that reached
    them by none of their channels is tried again later that day (`_not_delivered`), never by
    this run, so nobody it reached gets it twice. A reminder that reached nobody never stops
    the others: the run sends every other reminder, then raises `NotDelivered` naming the ones
    that reached nobody by their links (never an address), so the job's record says it failed.
    """
    episodes = list(
        _in_care(programs)
        .filter(participant__reminder_choice__isnull=False)
        .select_related("participant__reminder_choice")
    )
    # Without a text-message provider a text-only choice gets no reminder, rather than a
    # link issued and recorded as sent that reaches no one.
    texting = sms.delivers()
    episodes = [e for e in episodes if _channels(e.participant.reminder_choice, texting)]
    due_by_episode = due.due_for_episodes(episodes, now=now)
    today = {e.pk: e.program.today(now) for e in episodes}
    already = set(
        ReminderSent.objects.filter(
            sent_on__in=set(today.values()),
            participant_id__in=[e.participant_id for e in episodes],
        ).values_list("participant_id", "sent_on", "instrument")
    )
    sent, failed = 0, []
    for episode in episodes:
        participant = episode.participant
        channels = _channels(participant.reminder_choice, texting)
        day = today[episode.pk]
        for item in due_by_episode.get(episode.pk, []):
            if not item.self_report or (participant.pk, day, item.instrument) in already:
                continue
            recorded = _record_reminder(participant, item.instrument, day, channels, now=now)
            if recorded is None:
                continue
            reminder, issued = recorded
            reached, problem = _deliver(reminder, issued, channels, episode.program, now=now)
            if not reached:
                failed.append(problem)
                continue
            sent += 1
    if failed:
        raise NotDelivered(
            f"{len(failed)} of {sent + len(failed)} reminders were not sent: " + " ".join(failed)
        )
    return sent


def _channels(choice: ReminderChoice | None, texting: bool) -> list[str]:
    """The channels a reminder goes by: the participant's choice, texts only where a
    provider delivers them."""
    channels = []
    if choice is not None and choice.email:
        channels.append("email")
    if choice is not None and choice.sms and texting:
        channels.append("sms")
    return channels


def _record_reminder(
    participant: Participant, instrument: str, day: date, channels: list[str], *, now: datetime
) -> tuple[ReminderSent, IssuedLink] | None:
    """Issue the reminder's link and record the reminder as sent on the program's `day`, with
    its audit event, committed before the message goes out; None, and nothing written, when
    another run has recorded this questionnaire's reminder for that day (the database refuses
    a second), so that run's is the only one sent."""
    try:
        with transaction.atomic():
            issued = issue_link(participant, "questionnaire", ref=instrument, now=now)
            reminder = ReminderSent.objects.create(
                participant=participant,
                link=issued.link,
                instrument=instrument,
                channel="+".join(channels),
                sent_on=day,
            )
            record_event(
                actor=None,
                event_type="measurement.reminder_sent",
                participant=participant,
                record=issued.link,
                details={"channels": channels, "instrument": instrument},
            )
    except IntegrityError:
        if ReminderSent.objects.filter(
            participant=participant, instrument=instrument, sent_on=day
        ).exists():
            return None
        raise
    return reminder, issued


def _deliver(
    reminder: ReminderSent,
    issued: IssuedLink,
    channels: list[str],
    program: Program,
    *,
    now: datetime,
) -> tuple[bool, str]:
    """Send the recorded `reminder` by each of its channels, each tried even when another
    failed, and record the channels that refused it (`_not_delivered`). Whether it reached the
    participant by any channel, and what went wrong (empty when nothing did), naming the
    reminder's link, never an address."""
    participant = reminder.participant
    base = getattr(settings, "TANDEM_BASE_URL", "http://localhost:8000").rstrip("/")
    with speaking(participant):
        body = _reminder_text(base + issued.path)
        subject = str(_("A questionnaire from your care team"))
    refused, problems = [], []
    for channel in channels:
        try:
            with delivering(f"Reminder {issued.link.public_id}"):
                if channel == "email":
                    send_mail(subject, body, None, [participant.email])
                else:
                    sms.sender().send(participant.phone, body)
        except NotDelivered as exc:
            refused.append(channel)
            problems.append(str(exc))
    reached = len(refused) < len(channels)
    if refused:
        _not_delivered(reminder, refused, program, reached=reached, now=now)
    return reached, " ".join(dict.fromkeys(problems))


def _not_delivered(
    reminder: ReminderSent, channels: list[str], program: Program, *, reached: bool, now: datetime
) -> None:
    """Record on the reminder, for the staff, and in an event that its `channels` refused it
    and, when it reached the participant by no channel, queue its next attempt
    `REMINDER_RETRY_AFTER` later: at most `REMINDER_ATTEMPTS` in all, and none due in the
    program's evening (`reminders_too_late`)."""
    retry_at = now + REMINDER_RETRY_AFTER
    retry = (
        not reached
        and reminder.attempts < REMINDER_ATTEMPTS
        and program.today(retry_at) == reminder.sent_on
        and not reminders_too_late(program, retry_at)
    )
    with transaction.atomic():
        ReminderSent.objects.filter(pk=reminder.pk).update(
            refused="+".join(channels), retry_queued=retry
        )
        if retry:
            enqueue_after_commit(
                "measurement.tasks.retry_reminder", reminder.pk, run_after=retry_at
            )
        record_event(
            actor=None,
            event_type="measurement.reminder_not_delivered",
            participant=reminder.participant,
            record=reminder.link,
            details={
                "channels": channels,
                "instrument": reminder.instrument,
                "attempt": reminder.attempts,
                "retry_at": retry_at.isoformat() if retry else None,
            },
        )


def retry_reminder(reminder_id: int, *, now: datetime) -> bool:
    """Try again a reminder whose last attempt reached the participant by no channel, with a
    new link (the one that went nowhere is revoked): only while it is still wanted, that is
    the questionnaire still due on the same program day before its evening, by the channels
    the participant chooses now. Whether it reached them this time: by one channel is enough,
    the other's refusal recorded on the reminder; `NotDelivered` when it reached them by none,
    so the task's record says so (its next attempt queued when one is left).

    The queued attempt is taken off the reminder, in the transaction that records this one,
    before anything is sent: a worker that dies while sending leaves no attempt behind, so
    nobody gets the reminder twice."""
    with transaction.atomic():
        claimed = ReminderSent.objects.filter(pk=reminder_id, retry_queued=True).update(
            retry_queued=False
        )
        if not claimed:
            return False
        reminder = ReminderSent.objects.select_related("participant", "link").get(pk=reminder_id)
        wanted = _still_wanted(reminder, now)
        if wanted is None:
            return False
        program, channels = wanted
        revoke(reminder.link, by=None, now=now)
        issued = issue_link(reminder.participant, "questionnaire", ref=reminder.instrument, now=now)
        reminder.link = issued.link
        reminder.channel = "+".join(channels)
        reminder.attempts += 1
        reminder.refused = ""
        reminder.save(update_fields=["link", "channel", "attempts", "refused", "modified_at"])
        record_event(
            actor=None,
            event_type="measurement.reminder_sent",
            participant=reminder.participant,
            record=issued.link,
            details={
                "channels": channels,
                "instrument": reminder.instrument,
                "attempt": reminder.attempts,
            },
        )
    reached, problem = _deliver(reminder, issued, channels, program, now=now)
    if not reached:
        raise NotDelivered(problem)
    return reached


def _still_wanted(reminder: ReminderSent, now: datetime) -> tuple[Program, list[str]] | None:
    """The program and channels to try `reminder` again by `now`: its participant still in
    care with its questionnaire due, on the program day it was for and before that day's
    evening, and a channel still chosen. None when it is no longer wanted."""
    choice = ReminderChoice.objects.filter(participant_id=reminder.participant_id).first()
    channels = _channels(choice, sms.delivers())
    episodes = list(_in_care(None).filter(participant_id=reminder.participant_id))
    for episode in episodes:
        program = episode.program
        if program.today(now) != reminder.sent_on or reminders_too_late(program, now):
            continue
        items = due.due_for(episode, now=now)
        if channels and any(i.self_report and i.instrument == reminder.instrument for i in items):
            return program, channels
    return None


def not_on_track_reasons(
    episode: Episode, measures, *, weeks_to_improve: int, now: datetime
) -> list[str]:
    """Why this participant is not on track (empty when on track)."""
    reasons = []
    tracked = [m for m in measures if m.key in TRACKED]
    for m in tracked:
        if m.change.classification == "reliable-deterioration":
            reasons.append(f"{m.label}: reliable deterioration ({signed_points(m.change.points)}).")
    # Whole weeks since admission, counted in the program's days (an episode never admitted
    # has none).
    today = episode.program.today(now)
    admitted = episode.admitted_on
    weeks = (today - admitted).days // 7 if admitted is not None else 0
    computed = [m for m in tracked if m.change.classification != "not-computed"]
    if (
        weeks >= weeks_to_improve
        and computed
        and not any(m.change.classification == "reliable-improvement" for m in computed)
    ):
        reasons.append(f"No reliable improvement after {weeks} weeks in care.")
    for m in tracked + [x for x in measures if x.key == "pcl-5"]:
        cutoff = RULES[m.key].cutoff if m.key in RULES else None
        if cutoff is not None and len(m.series) >= 2 and all(v >= cutoff for _, v in m.series[-2:]):
            reasons.append(f"{m.label}: the last two screens were positive.")
    return reasons


def check_not_on_track(*, now: datetime, programs: Iterable[Program] | None = None) -> list[Alert]:
    """Ask for a continued-stay / level-of-care review of everyone not on track (in
    `programs` only, when given)."""
    from attendance.services import MISSED_KIND

    # A fixed number of reads however many are in care; only a review raised writes more.
    episodes = _in_care(programs).select_related("program__measurement")
    open_alerts = Alert.objects.filter(
        status=AlertStatus.OPEN, participant__in=episodes.values("participant_id")
    )
    missed = set(open_alerts.filter(kind=MISSED_KIND).values_list("participant_id", flat=True))
    reviewing = set(
        open_alerts.filter(dedupe_key__startswith=f"{NOT_ON_TRACK}:").values_list(
            "participant_id", "dedupe_key"
        )
    )
    raised = []
    for episode, measures in selectors.measures_of_stays(episodes):
        settings_row = getattr(episode.program, "measurement", None)
        weeks = settings_row.weeks_to_improve if settings_row else 6
        reasons = not_on_track_reasons(episode, measures, weeks_to_improve=weeks, now=now)
        if not reasons:
            continue
        if episode.participant_id in missed:
            reasons.append("Missed sessions (an open missed-sessions alert).")
        review = reverse("placement:level_of_care", args=[episode.participant.public_id])
        dedupe = f"{NOT_ON_TRACK}:{episode.public_id}"
        if (episode.participant_id, dedupe) in reviewing:
            continue
        with transaction.atomic():
            alert = raise_alert(
                episode.participant,
                kind=NOT_ON_TRACK,
                severity=Severity.HIGH,
                title="Not on track: review continued stay and level of care",
                detail=" ".join(reasons) + f" Rate the level of care again: {review}",
                source=episode,
                dedupe_key=dedupe,
                episode=episode,
            )
            create_task_for_first(
                [CareTeamRole.PRIMARY_CLINICIAN],
                title="Continued-stay / level-of-care review",
                due_on=episode.program.today(now) + timedelta(days=REVIEW_WITHIN_DAYS),
                by=None,
                participant=episode.participant,
                source=alert,
                kind="measurement.not_on_track",
                detail=" ".join(reasons) + f" Rate the level of care again: {review}",
            )
            record_event(
                actor=None,
                event_type="measurement.not_on_track",
                participant=episode.participant,
                record=alert,
                details={"reasons": len(reasons)},
            )
        raised.append(alert)
    return raised
