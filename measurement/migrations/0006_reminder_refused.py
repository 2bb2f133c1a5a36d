from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("measurement", "0005_reminder_attempts")]

    operations = [
        migrations.AddField(
            model_name="remindersent",
            name="refused",
            field=models.CharField(blank=True, default="", max_length=10),
        ),
    ]
