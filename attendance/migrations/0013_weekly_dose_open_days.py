"""Each weekly dose's open sessions day by day, filled for the weeks with open minutes (the
others have none on any day), as `attendance.weekly` writes them."""

from collections import defaultdict

from django.db import migrations, models
from django.db.models import DateField, Exists, Max, Min, OuterRef, Sum
from django.db.models.functions import ExtractIsoWeekDay, TruncWeek

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
BATCH = 2000


def fill(apps, schema_editor):
    Attendance = apps.get_model("attendance", "Attendance")
    Enrolment = apps.get_model("scheduling", "Enrolment")
    WeeklyDose = apps.get_model("attendance", "WeeklyDose")
    recorded = Attendance.objects.filter(
        session_id=OuterRef("session_id"), participant_id=OuterRef("participant_id")
    )
    days = (
        Enrolment.objects.filter(roll_call_taken=False, session__status="scheduled")
        .filter(~Exists(recorded))
        .annotate(
            week=TruncWeek("session__date", output_field=DateField()),
            day=ExtractIsoWeekDay("session__date"),
        )
        .values_list("participant_id", "week", "day")
        .annotate(
            minutes=Sum("session__minutes"),
            first=Min("session__ends_at"),
            last=Max("session__ends_at"),
        )
        .order_by()
    )
    parts: dict = defaultdict(dict)
    for person, week, day, minutes, first, last in days.iterator(chunk_size=BATCH):
        name = DAYS[day - 1]
        parts[person, week].update(
            {
                f"{name}_open_minutes": minutes,
                f"{name}_first_open_end": first,
                f"{name}_last_open_end": last,
            }
        )
    fields = [f"{d}_{p}" for d in DAYS for p in ("open_minutes", "first_open_end", "last_open_end")]
    batch = []
    for dose in WeeklyDose.objects.filter(open_minutes__gt=0).order_by("pk").iterator(BATCH):
        for name, value in parts.get((dose.participant_id, dose.week), {}).items():
            setattr(dose, name, value)
        batch.append(dose)
        if len(batch) >= BATCH:
            WeeklyDose.objects.bulk_update(batch, fields)
            batch = []
    WeeklyDose.objects.bulk_update(batch, fields)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0012_user_public_id'),
        ('attendance', '0012_fill_roll_call_taken'),
        ('participants', '0013_participant_by_name'),
        ('scheduling', '0007_enrolment_roll_call_taken'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='weeklydose',
            name='weekly_dose_by_organization',
        ),
        migrations.AddField(
            model_name='weeklydose',
            name='friday_first_open_end',
            field=models.DateTimeField(null=True),
        ),
        migrations.AddField(
            model_name='weeklydose',
            name='friday_last_open_end',
            field=models.DateTimeField(null=True),
        ),
        migrations.AddField(
            model_name='weeklydose',
            name='friday_open_minutes',
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='weeklydose',
            name='monday_first_open_end',
            field=models.DateTimeField(null=True),
        ),
        migrations.AddField(
            model_name='weeklydose',
            name='monday_last_open_end',
            field=models.DateTimeField(null=True),
        ),
        migrations.AddField(
            model_name='weeklydose',
            name='monday_open_minutes',
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='weeklydose',
            name='saturday_first_open_end',
            field=models.DateTimeField(null=True),
        ),
        migrations.AddField(
            model_name='weeklydose',
            name='saturday_last_open_end',
            field=models.DateTimeField(null=True),
        ),
        migrations.AddField(
            model_name='weeklydose',
            name='saturday_open_minutes',
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='weeklydose',
            name='sunday_first_open_end',
            field=models.DateTimeField(null=True),
        ),
        migrations.AddField(
            model_name='weeklydose',
            name='sunday_last_open_end',
            field=models.DateTimeField(null=True),
        ),
        migrations.AddField(
            model_name='weeklydose',
            name='sunday_open_minutes',
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='weeklydose',
            name='thursday_first_open_end',
            field=models.DateTimeField(null=True),
        ),
        migrations.AddField(
            model_name='weeklydose',
            name='thursday_last_open_end',
            field=models.DateTimeField(null=True),
        ),
        migrations.AddField(
            model_name='weeklydose',
            name='thursday_open_minutes',
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='weeklydose',
            name='tuesday_first_open_end',
            field=models.DateTimeField(null=True),
        ),
        migrations.AddField(
            model_name='weeklydose',
            name='tuesday_last_open_end',
            field=models.DateTimeField(null=True),
        ),
        migrations.AddField(
            model_name='weeklydose',
            name='tuesday_open_minutes',
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='weeklydose',
            name='wednesday_first_open_end',
            field=models.DateTimeField(null=True),
        ),
        migrations.AddField(
            model_name='weeklydose',
            name='wednesday_last_open_end',
            field=models.DateTimeField(null=True),
        ),
        migrations.AddField(
            model_name='weeklydose',
            name='wednesday_open_minutes',
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name='weeklydose',
            index=models.Index(fields=['organization', 'week', 'participant'], include=('attended', 'open_minutes', 'first_open_end', 'last_open_end', 'monday_open_minutes', 'monday_first_open_end', 'monday_last_open_end', 'tuesday_open_minutes', 'tuesday_first_open_end', 'tuesday_last_open_end', 'wednesday_open_minutes', 'wednesday_first_open_end', 'wednesday_last_open_end', 'thursday_open_minutes', 'thursday_first_open_end', 'thursday_last_open_end', 'friday_open_minutes', 'friday_first_open_end', 'friday_last_open_end', 'saturday_open_minutes', 'saturday_first_open_end', 'saturday_last_open_end', 'sunday_open_minutes', 'sunday_first_open_end', 'sunday_last_open_end'), name='weekly_dose_by_organization'),
        ),
    ]
