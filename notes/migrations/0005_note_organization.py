import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_organization(apps, schema_editor):
    """Each note takes its participant's organization."""
    ProgressNote = apps.get_model("notes", "ProgressNote")
    Participant = apps.get_model("participants", "Participant")
    ProgressNote.objects.update(
        organization_id=Subquery(
            Participant.objects.filter(pk=OuterRef("participant_id")).values("organization_id")
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0007_idempotent_request_participants"),
        ("notes", "0004_board_indexes"),
        ("participants", "0007_participant_surname_index"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="progressnote", name="note_unsigned_due"),
        migrations.RemoveIndex(model_name="progressnote", name="note_cosign_queue"),
        migrations.AddField(
            model_name="progressnote",
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
        migrations.AlterField(
            model_name="progressnote",
            name="organization",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.organization",
            ),
        ),
        migrations.AddIndex(
            model_name="progressnote",
            index=models.Index(
                condition=models.Q(("entered_in_error_at__isnull", True), ("signed_at__isnull", True)),
                fields=["organization", "due_at", "id"],
                include=("participant",),
                name="note_unsigned_due",
            ),
        ),
        migrations.AddIndex(
            model_name="progressnote",
            index=models.Index(
                condition=models.Q(
                    ("cosign_required", True),
                    ("entered_in_error_at__isnull", True),
                    ("signed_at__isnull", False),
                ),
                fields=["organization", "signed_at", "id"],
                name="note_cosign_queue",
            ),
        ),
    ]
