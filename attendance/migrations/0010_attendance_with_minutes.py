from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("attendance", "0009_weekly_dose_organization"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="attendance",
            index=models.Index(
                condition=models.Q(("entered_in_error_at__isnull", True), ("minutes__gt", 0)),
                fields=["session", "participant"],
                name="attendance_with_minutes",
            ),
        ),
    ]
