from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("attendance", "0010_attendance_with_minutes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="attendance",
            index=models.Index(
                condition=models.Q(("entered_in_error_at__isnull", True), ("minutes__gt", 0)),
                fields=["participant", "session"],
                include=("episode", "minutes"),
                name="attendance_minutes_by_person",
            ),
        ),
    ]
