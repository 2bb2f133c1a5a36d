"""Each stored weekly dose carries its participant's organization, so the under-dosed count
reads a week of one organization's doses from its index instead of the whole installation's."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_organization(apps, schema_editor) -> None:
    """Each dose takes its participant's organization."""
    doses = apps.get_model("attendance", "WeeklyDose")
    participants = apps.get_model("participants", "Participant")
    doses.objects.update(
        organization_id=Subquery(
            participants.objects.filter(pk=OuterRef("participant_id")).values("organization_id")
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0007_idempotent_request_participants"),
        ("attendance", "0008_fill_weekly_dose"),
        ("participants", "0008_episode_in_care_index"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="weeklydose", name="weekly_dose_by_week"),
        migrations.AddField(
            model_name="weeklydose",
            name="organization",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="accounts.organization",
            ),
        ),
        migrations.RunPython(fill_organization, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="weeklydose",
            name="organization",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="accounts.organization",
            ),
        ),
        migrations.AddIndex(
            model_name="weeklydose",
            index=models.Index(
                fields=["organization", "week", "participant"],
                include=("attended", "open_minutes", "first_open_end", "last_open_end"),
                name="weekly_dose_by_organization",
            ),
        ),
    ]
