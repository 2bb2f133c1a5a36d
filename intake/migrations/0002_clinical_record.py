# Intakes and diagnoses move onto tandem.records.ClinicalRecord: one name for who recorded
# them, an addendum is a version that supersedes the signed one, entered-in-error with
# who/when/why.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="intake", name="intake_addendum_has_reason"),
        migrations.RenameField(model_name="intake", old_name="created_by", new_name="recorded_by"),
        migrations.RenameField(model_name="intake", old_name="amends", new_name="supersedes"),
        migrations.RenameField(
            model_name="intake", old_name="addendum_reason", new_name="supersede_reason"
        ),
        migrations.AlterField(
            model_name="intake",
            name="supersedes",
            field=models.OneToOneField(
                blank=True,
                help_text="The record this one corrects or amends.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="superseded_by",
                to="intake.intake",
            ),
        ),
        migrations.AlterField(model_name="intake", name="recorded_by", field=models.ForeignKey(
                blank=True,
                help_text="Who recorded it: a staff member, or the participant's own account.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            )),
        migrations.AddField(
            model_name="intake",
            name="recorded_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AddField(
            model_name="intake",
            name="entered_in_error_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(model_name="intake", name="entered_in_error_by", field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            )),
        migrations.AddField(
            model_name="intake", name="entered_in_error_reason", field=models.TextField(blank=True)
        ),
        migrations.RenameField(model_name="diagnosis", old_name="made_by", new_name="recorded_by"),
        migrations.AlterField(model_name="diagnosis", name="recorded_by", field=models.ForeignKey(
                blank=True,
                help_text="Who recorded it: a staff member, or the participant's own account.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            )),
        migrations.AddField(
            model_name="diagnosis",
            name="recorded_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AddField(
            model_name="diagnosis",
            name="entered_in_error_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(model_name="diagnosis", name="entered_in_error_by", field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            )),
        migrations.AddField(
            model_name="diagnosis", name="entered_in_error_reason", field=models.TextField(blank=True)
        ),
        migrations.RenameField(
            model_name="intakesection", old_name="saved_by", new_name="recorded_by"
        ),
        migrations.AlterField(
            model_name="intakesection",
            name="recorded_by",
            field=models.ForeignKey(
                help_text="Who saved this section last.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
    ]
