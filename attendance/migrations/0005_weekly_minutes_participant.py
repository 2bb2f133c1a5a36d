"""The weekly summary carries each episode's participant, filled in for the rows already kept
(required, with its index, in the next migration, once the rows are filled and committed)."""

import django.db.models.deletion
from django.db import migrations, models

FILL = (
    "UPDATE attendance_weeklyminutes SET participant_id = ("
    "SELECT participant_id FROM participants_episode"
    " WHERE participants_episode.id = attendance_weeklyminutes.episode_id)"
)


class Migration(migrations.Migration):
    dependencies = [
        ("attendance", "0004_weekly_minutes_by_week"),
        ("participants", "0004_clinical_record_constraints"),
    ]

    operations = [
        migrations.AddField(
            model_name="weeklyminutes",
            name="participant",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="participants.participant",
            ),
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
    ]
