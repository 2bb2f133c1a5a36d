# The entered-in-error flag is now the time it was marked; reasons are required by the database.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("assessments", "0003_clinical_record_data")]

    operations = [
        migrations.RemoveField(model_name="administration", name="entered_in_error"),
        migrations.AddConstraint(
            model_name="administration",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("entered_in_error_at__isnull", True), ("entered_in_error_reason", "")),
                    models.Q(
                        ("entered_in_error_at__isnull", False),
                        models.Q(("entered_in_error_reason", ""), _negated=True),
                    ),
                    _connector="OR",
                ),
                name="assessments_administration_entered_in_error_has_reason",
            ),
        ),
        migrations.AddConstraint(
            model_name="administration",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("supersedes__isnull", True),
                    models.Q(("supersede_reason", ""), _negated=True),
                    _connector="OR",
                ),
                name="administration_correction_has_reason",
            ),
        ),
    ]
