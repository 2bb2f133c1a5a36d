# Administrations move onto tandem.records.ClinicalRecord: one name for who recorded it,
# entered-in-error with who/when/why, and the supersede reason of every correction.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="administration", name="administration_correction_has_reason"
        ),
        migrations.RenameField(
            model_name="administration", old_name="administered_by", new_name="recorded_by"
        ),
        migrations.AlterField(
            model_name="administration",
            name="recorded_by",
            field=models.ForeignKey(
                blank=True,
                help_text="Who recorded it: a staff member, or the participant's own account.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RenameField(
            model_name="administration", old_name="correction_reason", new_name="supersede_reason"
        ),
        migrations.AddField(
            model_name="administration",
            name="recorded_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AddField(
            model_name="administration",
            name="entered_in_error_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="administration",
            name="supersedes",
            field=models.OneToOneField(
                blank=True,
                help_text="The record this one corrects or amends.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="superseded_by",
                to="assessments.administration",
            ),
        ),
    ]
