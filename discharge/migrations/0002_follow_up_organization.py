import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_organization(apps, schema_editor):
    """Each follow-up takes its participant's organization."""
    FollowUp = apps.get_model("discharge", "FollowUp")
    Participant = apps.get_model("participants", "Participant")
    FollowUp.objects.update(
        organization_id=Subquery(
            Participant.objects.filter(pk=OuterRef("participant_id")).values("organization_id")
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0007_idempotent_request_participants"),
        ("discharge", "0001_initial"),
        ("participants", "0004_clinical_record_constraints"),
    ]

    operations = [
        migrations.AddField(
            model_name="followup",
            name="organization",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.organization",
            ),
        ),
        migrations.RunPython(fill_organization, migrations.RunPython.noop),
    ]
