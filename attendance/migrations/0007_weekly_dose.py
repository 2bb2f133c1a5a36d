"""Each participant's weekly dose, stored. An existing installation fills it with
`manage.py dose_totals`."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('attendance', '0006_weekly_minutes_by_person'),
        ('participants', '0007_participant_surname_index'),
    ]

    operations = [
        migrations.CreateModel(
            name='WeeklyDose',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('week', models.DateField(help_text='The Monday the week starts.')),
                ('scheduled', models.PositiveIntegerField()),
                ('attended', models.PositiveIntegerField()),
                ('open_minutes', models.PositiveIntegerField()),
                ('first_open_end', models.DateTimeField(null=True)),
                ('last_open_end', models.DateTimeField(null=True)),
                ('participant', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='participants.participant')),
            ],
            options={
                'indexes': [models.Index(fields=['week', 'participant'], include=('attended', 'open_minutes', 'first_open_end', 'last_open_end'), name='weekly_dose_by_week')],
                'constraints': [models.UniqueConstraint(fields=('participant', 'week'), name='weekly_dose_once')],
            },
        ),
    ]
