# The entered-in-error flag is now the time it was marked; a reason is required by the database.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("participants", "0003_clinical_record_data")]

    operations = [
        migrations.RemoveField(model_name="participant", name="entered_in_error"),
        migrations.AddConstraint(
            model_name="participant",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("entered_in_error_at__isnull", True), ("entered_in_error_reason", "")),
                    models.Q(
                        ("entered_in_error_at__isnull", False),
                        models.Q(("entered_in_error_reason", ""), _negated=True),
                    ),
                    _connector="OR",
                ),
                name="participants_participant_entered_in_error_has_reason",
            ),
        ),
    ]
