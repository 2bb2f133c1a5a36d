"""Open no-check-in alerts raised before the days without a check-in were counted by the
program's days are found again by the sweep.

Such an alert's dedupe key ends with the day of the last check-in in UTC; the sweep now
looks for the program's day of it, so for an evening check-in west of UTC (a morning one
east of it) it would raise a second alert for the same days. Each open one is keyed again by
the program's day of its last check-in: the participant's latest check-in recorded before
the alert was, that was not entered in error by then, as the sweep that raised it found it.
A key already of the program's day (its check-in's day there) is left as it is, and so is
one whose check-in cannot be found (a key of the UTC day is kept then: at worst the sweep
raises the second alert it would have raised without this migration).

Where the sweep has already raised that second alert, both are open for the same days: the
older one is kept, with whoever either went to (an `alert.reassigned` event), and the newer
one is closed as a duplicate with a note naming the one kept (an `alert.acknowledged`
event), through the services staff use, so each stays in the history and the trail.
"""

from datetime import UTC, date
from zoneinfo import ZoneInfo

from django.db import migrations
from django.db.models import Q
from django.utils import timezone

KIND = "checkin-engagement"
PREFIX = "engagement"


def _program_day_key(alert, episodes, CheckIn) -> str:
    """The alert's key with the program's day of its last check-in, or its key as it is."""
    parts = alert.dedupe_key.split(":")
    if len(parts) != 3 or parts[2] == "never" or parts[1] not in episodes:
        return alert.dedupe_key
    last = (
        CheckIn.objects.filter(
            participant_id=alert.participant_id, recorded_at__lte=alert.created_at
        )
        .filter(Q(entered_in_error_at__isnull=True) | Q(entered_in_error_at__gt=alert.created_at))
        .order_by("-recorded_at")
        .values_list("recorded_at", flat=True)
        .first()
    )
    if last is None or last.astimezone(UTC).date() != date.fromisoformat(parts[2]):
        return alert.dedupe_key
    day = last.astimezone(ZoneInfo(episodes[parts[1]])).date()
    return f"{PREFIX}:{parts[1]}:{day.isoformat()}"


def by_program_day(apps, schema_editor):
    Alert = apps.get_model("monitoring", "Alert")
    CheckIn = apps.get_model("checkins", "CheckIn")
    Episode = apps.get_model("participants", "Episode")
    alerts = list(
        Alert.objects.filter(
            kind=KIND, status="open", dedupe_key__startswith=f"{PREFIX}:"
        ).order_by("created_at", "pk")
    )
    if not alerts:
        return
    episodes = {
        str(public_id): zone
        for public_id, zone in Episode.objects.filter(
            public_id__in={a.dedupe_key.split(":")[1] for a in alerts}
        ).values_list("public_id", "program__time_zone")
    }
    same_days: dict[tuple[int, str], list] = {}
    for alert in alerts:
        key = _program_day_key(alert, episodes, CheckIn)
        same_days.setdefault((alert.participant_id, key), []).append(alert)
    for (_, key), (kept, *newer) in same_days.items():
        if newer:
            zone = ZoneInfo(episodes[key.split(":")[1]])
            _close_duplicates(kept.pk, [a.pk for a in newer], zone)
        if kept.dedupe_key != key:
            # Out of every other key's way first: two open alerts may swap days.
            Alert.objects.filter(pk=kept.pk).update(dedupe_key=f"{PREFIX}:moving:{kept.pk}")
    for (_, key), (kept, *_) in same_days.items():
        if kept.dedupe_key != key:
            Alert.objects.filter(pk=kept.pk).update(dedupe_key=key)


def _close_duplicates(kept_pk: int, newer_pks: list[int], zone: ZoneInfo) -> None:
    """Close the newer alerts for the same days as the kept one, and give the kept one to
    whoever they went to, through the services (their audit events and the alert-response
    facts): with the models as they are now, which only an installation holding such
    alerts runs."""
    from monitoring.models import Alert
    from monitoring.services import close, reassign

    kept = Alert.objects.select_related("participant").get(pk=kept_pk)
    newer = list(
        Alert.objects.filter(pk__in=newer_pks)
        .select_related("participant")
        .prefetch_related("assigned_to")
        .order_by("created_at", "pk")
    )
    raised = kept.recorded_at.astimezone(zone)
    raised_on = f"{raised.day} {raised:%B %Y}"
    now = timezone.now()
    for alert in newer:
        close(
            alert,
            by=None,
            note=(
                "Closed as a duplicate: the same days without a check-in are followed up on "
                f"the alert raised on {raised_on}, which stays open."
            ),
            decision=None,
            now=now,
            duplicate_of=str(kept.public_id),
        )
    everyone = {u.pk for u in kept.assigned_to.all()} | {
        u.pk for alert in newer for u in alert.assigned_to.all()
    }
    reassign(
        kept,
        everyone,
        by=None,
        reason="Also given to whoever its duplicate, closed, went to.",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0009_program_morning_claimed_by_one_tick"),
        ("audit", "0007_fill_listed_participants"),
        ("checkins", "0002_medications_taken"),
        ("monitoring", "0004_open_critical_index"),
        ("outcomes", "0011_episode_facts_covering_indexes"),
        ("participants", "0010_care_team_every_end_recorded"),
    ]

    operations = [migrations.RunPython(by_program_day, migrations.RunPython.noop)]
