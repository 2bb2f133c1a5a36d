from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("measurement", "0004_one_reminder_per_questionnaire_a_day")]

    operations = [
        migrations.AddField(
            model_name="remindersent",
            name="attempts",
            field=models.PositiveSmallIntegerField(default=1),
        ),
        migrations.AddField(
            model_name="remindersent",
            name="retry_queued",
            field=models.BooleanField(default=False),
        ),
    ]
