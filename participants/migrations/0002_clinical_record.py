# The participant record moves onto tandem.records.ClinicalRecord: who recorded it, and
# entered-in-error with who/when/why (the old flag could never be set by any service).

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField(
            model_name="participant", old_name="created_by", new_name="recorded_by"
        ),
        migrations.AlterField(
            model_name="participant",
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
        migrations.AddField(
            model_name="participant",
            name="recorded_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AddField(
            model_name="participant",
            name="entered_in_error_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="participant",
            name="entered_in_error_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="participant",
            name="entered_in_error_reason",
            field=models.TextField(blank=True),
        ),
    ]
