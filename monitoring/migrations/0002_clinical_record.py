# Alerts move onto tandem.records.ClinicalRecord: who raised one is who recorded it, and an
# alert raised by mistake is marked entered in error with who/when/why.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField(model_name="alert", old_name="raised_by", new_name="recorded_by"),
        migrations.AlterField(model_name="alert", name="recorded_by", field=models.ForeignKey(
                blank=True,
                help_text="Who recorded it: a staff member, or the participant's own account.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            )),
        migrations.AddField(
            model_name="alert",
            name="recorded_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AddField(
            model_name="alert",
            name="entered_in_error_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(model_name="alert", name="entered_in_error_by", field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            )),
        migrations.AddField(
            model_name="alert", name="entered_in_error_reason", field=models.TextField(blank=True)
        ),
        migrations.AddConstraint(
            model_name="alert",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("entered_in_error_at__isnull", True), ("entered_in_error_reason", "")),
                    models.Q(
                        ("entered_in_error_at__isnull", False),
                        models.Q(("entered_in_error_reason", ""), _negated=True),
                    ),
                    _connector="OR",
                ),
                name="monitoring_alert_entered_in_error_has_reason",
            ),
        ),
    ]
