"""Raising and acknowledging alerts, each with its audit event."""

from collections.abc import Callable, Iterable
from datetime import datetime
from operator import attrgetter
from typing import Any

from django.db import transaction
from django.utils import timezone

from audit.models import Action
from audit.services import record_event
from monitoring.models import Alert, AlertStatus
from participants.access import (
    Scope,
    require,
    staff_holding_by_organization,
    who_may_take_over,
)
from participants.models import CareTeamMember, CareTeamRole, Episode, Participant
from participants.selectors import current_episode
from tandem.errors import InvalidInput
from tandem.hooks import Hook

AlertsChanged = Callable[[list[Alert]], None]  # hook(alerts)
# What follows alerts being raised or closed (outcomes keeps its response facts current).
# A closing is a queryset update no `post_save` sees, so the writes here call it themselves.
CHANGED: Hook[AlertsChanged] = Hook("monitoring.changed")


def alerts_changed(alerts: Iterable[Alert]) -> None:
    """Tell the `CHANGED` hooks that these alerts were raised or closed, in the write's
    transaction; a write that raises alerts in bulk calls it too."""
    changed = list(alerts)
    if not changed:
        return
    for hook in CHANGED.implementations():
        hook(changed)


def default_assignees(
    participant: Participant, *, roles: Iterable[str] = (), current: Episode | None = None
) -> list:
    """Who owns an alert: those on the case (`owners_on_the_case`); with no one there, the
    program's oversight (directors and supervisors, who also see it on the
    open-critical-alerts board), so an alert always reaches someone."""
    return owners_on_the_case(participant, roles=roles, current=current) or program_oversight(
        participant.organization_id
    )


def owners_on_the_case(
    participant: Participant, *, roles: Iterable[str] = (), current: Episode | None = None
) -> list:
    """The primary clinician, else the intake clinician, plus any roles asked, among those
    who can open the record (an account closed, a role ended, reaches no one); none when no
    one on the case can. `current`: the participant's current episode, when the caller has
    read it already (raising an alert on it), so it is not read twice."""
    episode = current if current is not None else current_episode(participant)
    if episode is None:
        return []
    team = list(episode.care_team.filter(ended_on__isnull=True).select_related("user"))
    names_primary = any(m.role == CareTeamRole.PRIMARY_CLINICIAN for m in team)
    named = [] if names_primary else _named_clinician(episode, team)
    able = who_may_take_over([m.user for m in team] + named, participant)
    on_case = [m for m in team if m.user_id in able]
    owners = [m.user for m in on_case if m.role == CareTeamRole.PRIMARY_CLINICIAN]
    if not owners and names_primary:
        # The team's primary cannot open the record: the episode may name someone else.
        named = _named_clinician(episode, team)
        members = {m.user_id for m in team}
        able |= who_may_take_over([u for u in named if u.pk not in members], participant)
    if not owners:
        owners = [user for user in named if user.pk in able]
    if not owners:
        owners = [m.user for m in on_case if m.role == CareTeamRole.INTAKE]
    owners += [m.user for m in on_case if m.role in set(roles)]
    return list(dict.fromkeys(owners))


def _named_clinician(episode: Episode, team: list[CareTeamMember]) -> list:
    """The episode's named primary clinician, taken from the care team's rows when they are
    on it, so it is read only when it is someone else."""
    if episode.primary_clinician_id is None:
        return []
    member = next((m.user for m in team if m.user_id == episode.primary_clinician_id), None)
    return [member or episode.primary_clinician]


def program_oversight(organization_id: int) -> list:
    """Active staff holding `program.oversee` in an organization: the alerts' fallback."""
    return program_oversight_by_organization([organization_id]).get(organization_id, [])


def program_oversight_by_organization(organization_ids: Iterable[int]) -> dict[int, list]:
    """`program_oversight` for several organizations at once (one query), each organization's
    by account (pk), so an alert's audit event lists its assignees the same way every time."""
    found = staff_holding_by_organization("program.oversee", organization_ids)
    return {org: sorted(people, key=attrgetter("pk")) for org, people in found.items()}


def raise_alert(
    participant: Participant,
    *,
    kind: str,
    severity: str,
    title: str,
    detail: str = "",
    source: Any = None,
    dedupe_key: str = "",
    assign_to: Iterable | None = None,
    also_roles: Iterable[str] = (),
    by: Any = None,
    episode: Episode | None = None,
) -> Alert:
    """Open an alert (or return the open one with the same dedupe key) in the caller's transaction."""
    with transaction.atomic():
        if dedupe_key:
            existing = Alert.objects.filter(
                participant=participant, dedupe_key=dedupe_key, status=AlertStatus.OPEN
            ).first()
            if existing is not None:
                return existing
        current = current_episode(participant) if episode is None else None
        alert = Alert.objects.create(
            participant=participant,
            episode=episode or current,
            kind=kind,
            severity=severity,
            title=title,
            detail=detail,
            source_type=source._meta.label if source is not None else "",
            source_id=str(getattr(source, "public_id", None) or getattr(source, "pk", "") or ""),
            dedupe_key=dedupe_key,
            recorded_by=by if by is not None and by.is_authenticated else None,
        )
        assignees = (
            list(assign_to)
            if assign_to is not None
            else default_assignees(participant, roles=also_roles, current=current)
        )
        alert.assigned_to.set(assignees)
        record_event(
            actor=by,
            event_type="alert.raised",
            participant=participant,
            record=alert,
            details={"kind": kind, "severity": severity, "assigned_to": [u.pk for u in assignees]},
        )
        alerts_changed([alert])
    return alert


def reassign(
    alert: Alert, after: Iterable[int], *, by: Any, reason: str, decision: Any = None
) -> bool:
    """Give the open alert to the staff `after` (pks) instead of its assignees, with the
    change and its reason in the audit event, in the caller's transaction; False when they
    are the same people."""
    before = sorted(u.pk for u in alert.assigned_to.all())
    assignees = sorted(set(after))
    if assignees == before:
        return False
    alert.assigned_to.set(assignees)
    record_event(
        actor=by,
        event_type="alert.reassigned",
        participant=alert.participant,
        record=alert,
        decision=decision,
        details={
            "changes": {"assigned_to": {"before": before, "after": assignees}},
            "reason": reason,
        },
    )
    return True


def follow_primary_change(episode: Episode, previous: Any, new: Any, *, by: Any) -> list[Alert]:
    """Move the case's open alerts to its new primary clinician (a primary-change hook).

    The previous primary clinician and the intake clinicians hand their open alerts over;
    anyone else an alert was also sent to keeps it. Runs in the care-team write's
    transaction; each moved alert gets its own audit event.
    """
    handing_over = set(
        CareTeamMember.objects.filter(episode=episode, role=CareTeamRole.INTAKE).values_list(
            "user_id", flat=True
        )
    )
    if previous is not None:
        handing_over.add(previous.pk)
    handing_over.discard(new.pk)
    moved = []
    alerts = Alert.objects.filter(
        participant_id=episode.participant_id, status=AlertStatus.OPEN
    ).prefetch_related("assigned_to")
    for alert in alerts:
        kept = {u.pk for u in alert.assigned_to.all() if u.pk not in handing_over}
        if reassign(alert, kept | {new.pk}, by=by, reason="The primary clinician changed."):
            moved.append(alert)
    return moved


def _takers(people: list, participant: Participant, *, leaving: int) -> set[int]:
    """Of these people, the pks of those who may take over the participant's alert."""
    may = who_may_take_over(people, participant)
    return {u.pk for u in people if u.pk in may and u.pk != leaving}


def return_alerts_of_ended_member(
    member: CareTeamMember, *, by: Any, decision: Any, left_team: bool
) -> dict[str, list[str]]:
    """Hand the open alerts about the participant that a staff member taken off the care
    team was assigned back to whoever owns a new alert of the case (`owners_on_the_case`: the
    primary clinician first) and may take it over (a participant-services member-ended hook).
    When no one on the case may, they go to the program's oversight who may (directors and
    supervisors who open the record), as a new alert of a case with no one on it does, rather
    than staying with someone who no longer sees them. Someone who stays on the team in
    another role keeps them. Runs in the care-team write's transaction; each moved alert gets
    its own audit event."""
    if not left_team:
        return {}
    participant = member.episode.participant
    reason = "The assignee left this participant's care team."
    takers = _takers(owners_on_the_case(participant), participant, leaving=member.user_id)
    if not takers:
        reason += " No one on the care team can take the alert, so the program's oversight has it."
        oversight = program_oversight(participant.organization_id)
        takers = _takers(oversight, participant, leaving=member.user_id)
    if not takers:
        return {}
    moved = []
    alerts = (
        Alert.objects.filter(
            participant=participant, status=AlertStatus.OPEN, assigned_to=member.user_id
        )
        .select_related("participant")
        .prefetch_related("assigned_to")
    )
    for alert in alerts.order_by("pk"):
        kept = {u.pk for u in alert.assigned_to.all() if u.pk != member.user_id}
        if reassign(alert, kept | takers, by=by, reason=reason, decision=decision):
            moved.append(alert)
    return {"alerts_handed_back": [str(a.public_id) for a in moved]} if moved else {}


def close(
    alert: Alert,
    *,
    by: Any,
    note: str,
    decision: Any,
    now: datetime | None = None,
    participant: Any = None,
    **why: Any,
) -> bool:
    """Close an open alert with its note and its audit event, in the caller's transaction;
    False, and nothing written, when it was already closed. `why` adds to the event's
    details what closed it (at discharge, its source entered in error)."""
    now = now or timezone.now()
    updated = Alert.objects.filter(pk=alert.pk, status=AlertStatus.OPEN).update(
        status=AlertStatus.ACKNOWLEDGED,
        acknowledged_by=by,
        acknowledged_at=now,
        acknowledgement_note=note,
        modified_at=now,
    )
    if updated:
        record_event(
            actor=by,
            event_type="alert.acknowledged",
            participant=participant or alert.participant,
            record=alert,
            decision=decision,
            details={"changes": {"status": {"before": "open", "after": "acknowledged"}}, **why},
        )
        alerts_changed([alert])
    return bool(updated)


def acknowledge(alert: Alert, *, by: Any, note: str) -> Alert:
    """Close an alert with a note saying what was done; acknowledging twice is refused."""
    note = (note or "").strip()
    if len(note) < 3:
        raise InvalidInput("Say what you did about this alert (a short note).", field="note")
    decision = require(by, alert.participant, Action.CHANGE, Scope.CLINICAL)
    with transaction.atomic():
        if not close(alert, by=by, note=note, decision=decision):
            raise InvalidInput("This alert was already acknowledged.")
    alert.refresh_from_db()
    return alert


def close_alerts_of_withdrawn_source(
    record: Any, *, by: Any, reason: str, decision: Any, now: datetime
) -> list[Alert]:
    """Close the open alerts raised from a record that was just entered in error (a
    lifecycle withdrawal hook): a PHQ-9 recorded for the wrong person must not leave a
    suicide-risk alert open on their chart. The alert stays in the history with why it closed.
    """
    participant_id = getattr(record, "participant_id", None)
    if participant_id is None:
        return []
    ids = {str(getattr(record, "public_id", "") or ""), str(record.pk)} - {""}
    alerts = list(
        Alert.objects.filter(
            participant_id=participant_id,
            source_type=record._meta.label,
            source_id__in=ids,
            status=AlertStatus.OPEN,
        ).select_related("participant")
    )
    note = (
        f"Closed because the {record._meta.verbose_name} it was raised from was entered in "
        f"error: {reason}"
    )
    return [
        alert
        for alert in alerts
        if close(alert, by=by, note=note, decision=decision, now=now, source_entered_in_error=True)
    ]
