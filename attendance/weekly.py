"""The weekly attended-minutes summary (`WeeklyMinutes`), kept current from the roll calls.

The roll call services refresh the weeks they touch inside their own transaction; bulk
writers (the synthetic history, the demo) rebuild their episodes once at the end.
"""

from collections.abc import Callable, Iterable
from datetime import date, timedelta

from django.db.models import DateField, QuerySet, Sum
from django.db.models.functions import TruncWeek

from attendance.models import Attendance, WeeklyMinutes
from participants.models import Episode
from scheduling.models import Session
from tandem.hooks import Hook

BATCH = 5000
# Called as hook(episode_ids) inside the roll call's transaction once `refresh` rewrote these
# episodes' week (the outcomes board's stored facts follow it).
WEEKS_CHANGED: Hook[Callable[[list[int]], object]] = Hook("attendance.weeks_changed")


def week_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def counted(rows: QuerySet[Attendance]) -> QuerySet[Attendance]:
    """The roll calls that count towards the dose: in force, at sessions that took place."""
    return rows.filter(entered_in_error_at__isnull=True, session__status=Session.Status.SCHEDULED)


def refresh(episode_ids: Iterable[int], day: date) -> None:
    """Recompute the week of `day` for these episodes. Call inside the roll call's
    transaction: locking the episodes keeps two roll calls of one week from each missing the
    other's minutes."""
    ids = sorted(set(episode_ids))
    if not ids:
        return
    week = week_of(day)
    list(Episode.objects.select_for_update().filter(pk__in=ids).order_by("pk").values("pk"))
    sums = (
        counted(Attendance.objects.filter(episode_id__in=ids))
        .filter(session__date__gte=week, session__date__lt=week + timedelta(days=7))
        .values_list("episode_id", "episode__participant_id")
        .annotate(total=Sum("minutes"))
        .order_by()
    )
    WeeklyMinutes.objects.filter(episode_id__in=ids, week=week).delete()
    WeeklyMinutes.objects.bulk_create(
        WeeklyMinutes(episode_id=episode_id, participant_id=person, week=week, minutes=total)
        for episode_id, person, total in sums
    )
    for hook in WEEKS_CHANGED.implementations():
        hook(ids)


def rebuild(episodes: QuerySet[Episode]) -> int:
    """Recompute every week of these episodes (after a bulk write); returns the rows written."""
    WeeklyMinutes.objects.filter(episode__in=episodes).delete()
    sums = (
        counted(Attendance.objects.filter(episode__in=episodes))
        .annotate(week=TruncWeek("session__date", output_field=DateField()))
        .values_list("episode_id", "episode__participant_id", "week")
        .annotate(total=Sum("minutes"))
        .order_by()
    )
    written = 0
    batch: list[WeeklyMinutes] = []
    for episode_id, person, week, total in sums.iterator(chunk_size=BATCH):
        batch.append(
            WeeklyMinutes(episode_id=episode_id, participant_id=person, week=week, minutes=total)
        )
        if len(batch) >= BATCH:
            written += len(WeeklyMinutes.objects.bulk_create(batch))
            batch = []
    written += len(WeeklyMinutes.objects.bulk_create(batch))
    return written
