"""Fill `Enrolment.roll_call_taken` for the roll calls written before it was kept, in one
statement, as `attendance.weekly.mark_roll_calls_taken` does."""

from django.db import migrations
from django.db.models import Exists, OuterRef


def fill(apps, schema_editor):
    Enrolment = apps.get_model("scheduling", "Enrolment")
    Attendance = apps.get_model("attendance", "Attendance")
    taken = Attendance.objects.filter(
        session_id=OuterRef("session_id"), participant_id=OuterRef("participant_id")
    )
    Enrolment.objects.filter(Exists(taken)).update(roll_call_taken=True)


class Migration(migrations.Migration):
    dependencies = [
        ("attendance", "0011_attendance_minutes_by_person"),
        ("scheduling", "0007_enrolment_roll_call_taken"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
