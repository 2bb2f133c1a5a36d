# Reasons for an addendum and for entered-in-error are required by the database.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("intake", "0003_clinical_record_data")]

    operations = [
        migrations.AddConstraint(
            model_name="intake",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("supersedes__isnull", True),
                    models.Q(("supersede_reason", ""), _negated=True),
                    _connector="OR",
                ),
                name="intake_addendum_has_reason",
            ),
        ),
        migrations.AddConstraint(
            model_name="intake",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("entered_in_error_at__isnull", True), ("entered_in_error_reason", "")),
                    models.Q(
                        ("entered_in_error_at__isnull", False),
                        models.Q(("entered_in_error_reason", ""), _negated=True),
                    ),
                    _connector="OR",
                ),
                name="intake_intake_entered_in_error_has_reason",
            ),
        ),
        migrations.AddConstraint(
            model_name="diagnosis",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("entered_in_error_at__isnull", True), ("entered_in_error_reason", "")),
                    models.Q(
                        ("entered_in_error_at__isnull", False),
                        models.Q(("entered_in_error_reason", ""), _negated=True),
                    ),
                    _connector="OR",
                ),
                name="intake_diagnosis_entered_in_error_has_reason",
            ),
        ),
    ]
