"""The weekly summary's participant is required, and a week is read by participant."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("attendance", "0005_weekly_minutes_participant"),
    ]

    operations = [
        migrations.AlterField(
            model_name="weeklyminutes",
            name="participant",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="participants.participant",
            ),
        ),
        migrations.AddIndex(
            model_name="weeklyminutes",
            index=models.Index(
                fields=["week", "participant"],
                include=("minutes",),
                name="weekly_minutes_by_person",
            ),
        ),
    ]
