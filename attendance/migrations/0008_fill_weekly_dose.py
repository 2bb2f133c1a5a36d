"""Each participant's stored weekly dose, filled from the enrolments and roll calls already
kept, as `attendance.weekly.rebuild_doses` does, so an installation reads right doses from
the moment it migrates (`manage.py dose_totals` rebuilds them again at any time)."""

from django.db import migrations
from django.db.models import DateField, Exists, Max, Min, OuterRef, Sum
from django.db.models.functions import Coalesce, TruncWeek

BATCH = 5000


def fill(apps, schema_editor) -> None:
    participants = apps.get_model("participants", "Participant")
    enrolments = apps.get_model("scheduling", "Enrolment")
    roll_calls = apps.get_model("attendance", "Attendance")
    doses = apps.get_model("attendance", "WeeklyDose")
    week = TruncWeek("session__date", output_field=DateField())
    open_ = ~Exists(
        roll_calls.objects.filter(
            session_id=OuterRef("session_id"), participant_id=OuterRef("participant_id")
        )
    )
    doses.objects.all().delete()  # rows `dose_totals` wrote since the table was made
    ids = list(participants.objects.order_by("pk").values_list("pk", flat=True))
    for i in range(0, len(ids), BATCH):
        chunk = ids[i : i + BATCH]
        planned = (
            enrolments.objects.filter(participant_id__in=chunk, session__status="scheduled")
            .annotate(week=week)
            .values_list("participant_id", "week")
            .annotate(
                scheduled=Sum("session__minutes"),
                open_minutes=Coalesce(Sum("session__minutes", filter=open_), 0),
                first_open_end=Min("session__ends_at", filter=open_),
                last_open_end=Max("session__ends_at", filter=open_),
            )
            .order_by()
        )
        attended = {
            (person, day): total
            for person, day, total in roll_calls.objects.filter(
                participant_id__in=chunk,
                entered_in_error_at__isnull=True,
                session__status="scheduled",
            )
            .annotate(week=week)
            .values_list("participant_id", "week")
            .annotate(total=Sum("minutes"))
            .order_by()
        }
        rows = [
            doses(
                participant_id=person,
                week=day,
                scheduled=scheduled,
                attended=attended.pop((person, day), 0),
                open_minutes=open_minutes,
                first_open_end=first_end,
                last_open_end=last_end,
            )
            for person, day, scheduled, open_minutes, first_end, last_end in planned
        ]
        rows += [
            doses(participant_id=person, week=day, scheduled=0, attended=total, open_minutes=0)
            for (person, day), total in attended.items()
        ]
        doses.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [
        ("attendance", "0007_weekly_dose"),
        ("scheduling", "0003_session_day_order_index"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
