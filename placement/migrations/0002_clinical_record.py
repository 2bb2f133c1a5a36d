# Level-of-care decisions and referrals out move onto tandem.records.ClinicalRecord: one
# name for who recorded them, entered-in-error with who/when/why, a supersede reason.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("placement", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField(model_name="levelofcaredecision", old_name="decided_by", new_name="recorded_by"),
        migrations.AlterField(model_name="levelofcaredecision", name="recorded_by", field=models.ForeignKey(
                blank=True,
                help_text="Who recorded it: a staff member, or the participant's own account.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            )),
        migrations.AddField(
            model_name="levelofcaredecision",
            name="recorded_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AddField(
            model_name="levelofcaredecision",
            name="entered_in_error_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(model_name="levelofcaredecision", name="entered_in_error_by", field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            )),
        migrations.AddField(
            model_name="levelofcaredecision", name="entered_in_error_reason", field=models.TextField(blank=True)
        ),
        migrations.AddConstraint(
            model_name="levelofcaredecision",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("entered_in_error_at__isnull", True), ("entered_in_error_reason", "")),
                    models.Q(
                        ("entered_in_error_at__isnull", False),
                        models.Q(("entered_in_error_reason", ""), _negated=True),
                    ),
                    _connector="OR",
                ),
                name="placement_levelofcaredecision_entered_in_error_has_reason",
            ),
        ),
        migrations.RenameField(model_name="referralout", old_name="made_by", new_name="recorded_by"),
        migrations.AlterField(model_name="referralout", name="recorded_by", field=models.ForeignKey(
                blank=True,
                help_text="Who recorded it: a staff member, or the participant's own account.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            )),
        migrations.AddField(
            model_name="referralout",
            name="recorded_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AddField(
            model_name="referralout",
            name="entered_in_error_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(model_name="referralout", name="entered_in_error_by", field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            )),
        migrations.AddField(
            model_name="referralout", name="entered_in_error_reason", field=models.TextField(blank=True)
        ),
        migrations.AddConstraint(
            model_name="referralout",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("entered_in_error_at__isnull", True), ("entered_in_error_reason", "")),
                    models.Q(
                        ("entered_in_error_at__isnull", False),
                        models.Q(("entered_in_error_reason", ""), _negated=True),
                    ),
                    _connector="OR",
                ),
                name="placement_referralout_entered_in_error_has_reason",
            ),
        ),
        migrations.AddField(
            model_name="levelofcaredecision",
            name="supersede_reason",
            field=models.TextField(blank=True),
        ),
        migrations.AlterField(
            model_name="levelofcaredecision",
            name="supersedes",
            field=models.OneToOneField(
                blank=True,
                help_text="The record this one corrects or amends.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="superseded_by",
                to="placement.levelofcaredecision",
            ),
        ),
    ]
