from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('discharge', '0003_follow_up_indexes_by_organization'),
    ]

    operations = [
        migrations.AddField(
            model_name='dischargesummary',
            name='translated_facts',
            field=models.JSONField(blank=True, default=dict, help_text='The same facts drafted in each other portal language, by its code.'),
        ),
    ]
