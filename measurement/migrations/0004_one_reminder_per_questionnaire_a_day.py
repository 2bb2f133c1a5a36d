# The constraint in a migration of its own: PostgreSQL alters the table in a transaction of
# its own, after the rows the previous one filled in and deleted.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("measurement", "0003_reminder_sent_instrument")]

    operations = [
        migrations.AddConstraint(
            model_name="remindersent",
            constraint=models.UniqueConstraint(
                fields=("participant", "instrument", "sent_on"),
                name="one_reminder_per_questionnaire_a_day",
            ),
        ),
    ]
