"""Recording a daily check-in and acting on it (the escalation rules in `rules.py`)."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import Program
from audit.models import Action
from audit.services import record_event
from checkins import rules, selectors
from checkins.models import CheckIn, MedicationsTaken, Via
from monitoring.models import Alert, AlertStatus
from monitoring.services import alerts_changed, raise_alert
from participants.access import Scope, may_take_over_for, require, uses_portal
from participants.models import CareTeamRole, Participant
from participants.selectors import admitted_in_care, current_episode, program_zone
from tandem.errors import InvalidInput
from tandem.hooks import Hook
from tandem.validation import validate

LOOK_BACK = 10  # earlier check-ins read for the rules (more than a run of craving needs)


@dataclass(frozen=True)
class Sent:
    checkin: CheckIn
    alerts: list[Alert]
    rules: list[rules.Rule]

    @property
    def critical(self) -> bool:
        return rules.SAFETY in self.rules


# Called inside the write's transaction as hook(participant_id) after a check-in with a yes to
# the safety question (the one answer the measurement schedule reads); measurement registers
# one that keeps its stored due moments current.
SafetyYesHook = Callable[[int], object]
SAFETY_YES: Hook[SafetyYesHook] = Hook("checkins.safety_yes")

# Called inside the write's transaction as hook(participant_id) after every check-in recorded
# (one entered in error follows `tandem.lifecycle.WITHDRAWN`); outcomes registers one that
# keeps its abstinence facts current.
RecordedHook = Callable[[int], object]
RECORDED: Hook[RecordedHook] = Hook("checkins.recorded")


def _whole(value: Any, field: str) -> int:
    if isinstance(value, bool) or value in (None, ""):
        raise InvalidInput(gettext("Choose a number from 0 to 10."), field=field)
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise InvalidInput(gettext("Choose a number from 0 to 10."), field=field) from None
    if str(number) != str(value).strip() or not 0 <= number <= 10:
        raise InvalidInput(gettext("Choose a number from 0 to 10."), field=field)
    return number


def _hours(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        raise InvalidInput(gettext("Hours slept is a number from 0 to 24."), field="hours_slept")
    try:
        hours = Decimal(str(value)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        raise InvalidInput(
            gettext("Hours slept is a number from 0 to 24."), field="hours_slept"
        ) from None
    if not hours.is_finite() or not Decimal(0) <= hours <= Decimal(24):
        raise InvalidInput(gettext("Hours slept is a number from 0 to 24."), field="hours_slept")
    return hours


def _codes(value: Any, field: str) -> list[str]:
    if value in (None, ""):
        return []
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise InvalidInput(gettext("Choose from the list."), field=field)
    return sorted(set(value))


def _note(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidInput(gettext("Write the trigger in words."), field="trigger_note")
    return value.strip()


def _taken(value: Any) -> str:
    if value in (None, ""):
        return ""
    if value not in MedicationsTaken.values:
        raise InvalidInput(
            gettext("Say whether you took all, some or none of your medications."),
            field="medications_taken",
        )
    return value


def _on_moud(participant: Participant, day: date) -> bool:
    """A medication for opioid use disorder is on the list on the check-in's day."""
    from medications import catalog
    from medications.selectors import taken_on

    return any(m.group == catalog.OUD for m in taken_on(participant, day))


def _yes_no(value: Any, field: str, message: str) -> bool:
    if isinstance(value, bool):
        return value
    raise InvalidInput(message, field=field)


def record_checkin(
    participant: Participant,
    *,
    by: Any,
    mood: Any,
    craving: Any,
    used: Any,
    safety: Any,
    substances: Any = (),
    triggers: Any = (),
    trigger_note: str = "",
    coping: Any = (),
    hours_slept: Any = None,
    medications_taken: Any = "",
    via: str = Via.PORTAL,
    now: datetime | None = None,
    link_visit: Any = None,
) -> Sent:
    """Store one check-in and raise what its answers call for, in one transaction.

    `by` is the participant's own account; an answer through a single-use link passes the
    `LinkVisit` instead (its decision stands in, and the link is spent in the same write).
    """
    if link_visit is not None:
        if link_visit.participant.pk != participant.pk:
            raise InvalidInput("This link is for someone else's check-in.", field="link")
        decision = link_visit.decision
        by = None
    else:
        if not uses_portal(by):
            raise InvalidInput(
                "A check-in is the participant's own report, sent from their account or link."
            )
        decision = require(by, participant, Action.CREATE, Scope.CLINICAL)
    now = now or timezone.now()
    checkin = CheckIn(
        participant=participant,
        recorded_by=by if getattr(by, "is_authenticated", False) else None,
        recorded_at=now,
        mood=_whole(mood, "mood"),
        craving=_whole(craving, "craving"),
        used=_yes_no(used, "used", gettext("Say whether you used since your last check-in.")),
        safety=_yes_no(safety, "safety", gettext("Answer the safety question.")),
        substances=_codes(substances, "substances"),
        triggers=_codes(triggers, "triggers"),
        trigger_note=_note(trigger_note),
        coping=_codes(coping, "coping"),
        hours_slept=_hours(hours_slept),
        medications_taken=_taken(medications_taken),
        via=via if via in Via.values else Via.PORTAL,
    )
    offered = {code for code, _label in selectors.coping_choices(participant)}
    if not set(checkin.coping) <= offered:
        raise InvalidInput(gettext("Choose coping skills from the list."), field="coping")
    if checkin.used and not checkin.substances:
        raise InvalidInput(gettext("Choose what you used."), field="substances")
    validate(checkin)
    with transaction.atomic():
        if link_visit is not None:
            link_visit.spend(answer=checkin.public_id)
        episode = current_episode(participant)
        checkin.episode = episode if episode is not None and episode.is_open else None
        # The rules look at this stay's check-ins only: a run of craving or use at the end of
        # an earlier stay says nothing about the first days of a readmission.
        earlier = (
            CheckIn.objects.current()
            .filter(participant=participant, episode=checkin.episode, recorded_at__lt=now)
            .order_by("-recorded_at")
        )
        recent = list(earlier[:LOOK_BACK])
        zone = program_zone(participant, episode)
        first_day = now.astimezone(zone).date() - timedelta(days=rules.DAYS_COUNTED - 1)
        since = datetime.combine(first_day, time.min, tzinfo=zone)
        if len(recent) == LOOK_BACK and recent[-1].recorded_at >= since:
            # Someone who checks in more than daily: the rules that count days see them all.
            recent = list(earlier.filter(recorded_at__gte=since))
        checkin.save()
        record_event(
            actor=by,
            event_type="checkin.recorded",
            decision=decision,
            participant=participant,
            record=checkin,
            details={"via": checkin.via},
        )
        for hook in RECORDED.implementations():
            hook(participant.pk)
        if checkin.safety:
            for hook in SAFETY_YES.implementations():
                hook(participant.pk)
        on_moud = _on_moud(participant, now.astimezone(zone).date())
        hits = rules.fired(checkin, recent, zone=zone, on_moud=on_moud)
        alerts = [_raise(rule, checkin, by) for rule in hits]
    return Sent(checkin, alerts, hits)


def _raise(rule: rules.Rule, checkin: CheckIn, by: Any) -> Alert:
    if rule is rules.SAFETY or rule is rules.USE:
        dedupe = f"checkin:{checkin.public_id}:{rule.key}"
    else:
        # One open alert per episode for the running conditions, until someone acts on it.
        dedupe = f"checkin:{checkin.episode.public_id if checkin.episode else 'none'}:{rule.key}"
    return raise_alert(
        checkin.participant,
        kind=rule.alert_kind,
        severity=rule.severity,
        title=rule.label,
        detail=rule.reason,
        source=checkin,
        dedupe_key=dedupe,
        also_roles=rule.also_roles,
        by=by,
        episode=checkin.episode,
    )


def missed_checkins(*, now: datetime, programs: Iterable[Program] | None = None) -> list[Alert]:
    """Raise the engagement alert for everyone in care with no check-in for `days` days
    (every program's, or `programs`' only).

    "Three days without a check-in" means three whole days of the participant's program, in
    its own time zone, on which no check-in came: the days after the day of the last current
    check-in of this stay, or from the admission day itself when there is none since (a
    check-in from an earlier stay does not count), up to yesterday. Today is not counted, as
    a check-in may still come: a check-in on a Monday, even late in the evening west of UTC,
    is followed up on the Friday. A record entered in error is not chased. The alert goes to
    the peer specialist on the care team (else whoever `raise_alert` would tell).
    Run at each program's morning by `checkins.tasks.sweep_engagement`; `now` keeps it off
    the wall clock.

    Written in bulk, in the same few queries however many people are swept: the open
    alerts already raised for the same stretch (the same day of the last check-in) are
    returned as they are (a second run the same day adds nothing), the new ones are inserted
    together with their assignees and their audit events.
    """
    from django.db.models import Max, Q

    from audit.services import record_events
    from monitoring.services import program_oversight_by_organization
    from participants.models import Episode

    days = rules.NO_CHECKIN.params["days"]
    swept = list(Program.objects.all() if programs is None else programs)
    # A check-in at or after the start of the program's day `days` days before today leaves
    # fewer than `days` whole days without one.
    counted_from = {
        p.pk: datetime.combine(p.today(now) - timedelta(days=days), time.min, tzinfo=p.tz)
        for p in swept
    }
    late = Q(last_checkin__isnull=True)
    for program_id, start in counted_from.items():
        late |= Q(program_id=program_id, last_checkin__lt=start)
    episodes = (
        admitted_in_care()
        .filter(program_id__in=list(counted_from))
        .annotate(
            last_checkin=Max(
                "participant__checkins__recorded_at",
                filter=Q(participant__checkins__entered_in_error_at__isnull=True),
            )
        )
        .filter(late)
        .select_related("participant", "program", "primary_clinician")
        .prefetch_related("care_team__user")
        .order_by("pk")
    )
    missing: dict[str, Episode] = {}
    for episode in episodes:
        admitted_on = cast(date, episode.admitted_on)  # the query keeps admitted episodes only
        zone = episode.program.tz
        last = episode.last_checkin
        last_day = last.astimezone(zone).date() if last is not None else None
        # A check-in from an earlier stay does not count: a readmission starts the count anew.
        if last_day is not None and last_day < admitted_on:
            last_day = None
        first_silent = last_day + timedelta(days=1) if last_day else admitted_on
        if (episode.program.today(now) - first_silent).days < days:
            continue
        since = last_day.isoformat() if last_day else "never"
        missing[f"engagement:{episode.public_id}:{since}"] = episode
    if not missing:
        return []
    with transaction.atomic():
        open_already = {
            a.dedupe_key: a
            for a in Alert.objects.filter(
                dedupe_key__in=list(missing), status=AlertStatus.OPEN
            ).select_related("participant")
        }
        fresh = {k: e for k, e in missing.items() if k not in open_already}
        owners = _engagement_owners(fresh)
        nobody = {e.participant.organization_id for k, e in fresh.items() if not owners[k]}
        oversight = program_oversight_by_organization(nobody) if nobody else {}
        for key, e in fresh.items():
            owners[key] = owners[key] or oversight.get(e.participant.organization_id, [])
        created = Alert.objects.bulk_create(
            [
                Alert(
                    participant=episode.participant,
                    episode=episode,
                    kind=rules.NO_CHECKIN.alert_kind,
                    severity=rules.NO_CHECKIN.severity,
                    title=rules.NO_CHECKIN.label,
                    detail=rules.NO_CHECKIN.reason,
                    source_type=episode._meta.label,
                    source_id=str(episode.public_id),
                    dedupe_key=key,
                    recorded_at=now,
                )
                for key, episode in fresh.items()
            ]
        )
        alerts_changed(created)
        Alert.assigned_to.through.objects.bulk_create(
            [
                Alert.assigned_to.through(alert_id=alert.pk, user_id=user.pk)
                for alert in created
                for user in owners[alert.dedupe_key]
            ]
        )
        record_events(
            [
                {
                    "actor": None,
                    "event_type": "alert.raised",
                    "participant": alert.participant,
                    "record": alert,
                    "details": {
                        "kind": alert.kind,
                        "severity": alert.severity,
                        "assigned_to": [u.pk for u in owners[alert.dedupe_key]],
                    },
                }
                for alert in created
            ]
        )
    by_key = {**open_already, **{a.dedupe_key: a for a in created}}
    return [by_key[k] for k in missing]


def _engagement_owners(episodes: dict[str, Any]) -> dict[str, list]:
    """Each silent stay's owners: the peer specialists on the care team; else the primary
    clinician, else the intake clinician (as `monitoring.services.default_assignees`), from
    the prefetched team, among those who can open the record (a closed account or an ended
    role reaches no one; none when no one on the case can). Decided one person at a time
    for all their stays at once, so the sweep's queries grow with the staff, not the stays."""
    tiers = {key: _engagement_tiers(episode) for key, episode in episodes.items()}
    cases: dict[int, tuple[Any, list[Participant]]] = {}
    for key, candidates in tiers.items():
        for user in dict.fromkeys(u for tier in candidates for u in tier):
            cases.setdefault(user.pk, (user, []))[1].append(episodes[key].participant)
    able = {
        (user.pk, participant_pk)
        for user, participants in cases.values()
        for participant_pk in may_take_over_for(user, participants)
    }
    owners: dict[str, list] = {}
    for key, candidates in tiers.items():
        participant_pk = episodes[key].participant.pk
        owners[key] = next(
            (
                found
                for tier in candidates
                if (found := [u for u in tier if (u.pk, participant_pk) in able])
            ),
            [],
        )
    return owners


def _engagement_tiers(episode: Any) -> list[list]:
    """Whom a silent stay's alert goes to, in turn, from the prefetched team."""
    team = [m for m in episode.care_team.all() if m.ended_on is None]
    return [
        list(dict.fromkeys(owners))
        for owners in (
            [m.user for m in team if m.role == CareTeamRole.PEER],
            [m.user for m in team if m.role == CareTeamRole.PRIMARY_CLINICIAN],
            [episode.primary_clinician] if episode.primary_clinician_id else [],
            [m.user for m in team if m.role == CareTeamRole.INTAKE],
        )
    ]
