from django.db import migrations

# Note and alert facts no longer hold participants entered in error, as their episode facts
# never did: the ones already written go.
DROP = [
    f"""
    DELETE FROM {table} WHERE participant_id IN (
        SELECT id FROM participants_participant WHERE entered_in_error_at IS NOT NULL
    )
    """
    for table in ("outcomes_notefacts", "outcomes_alertfacts")
]


class Migration(migrations.Migration):

    dependencies = [
        ('outcomes', '0007_follow_up_facts'),
    ]

    operations = [
        migrations.RunSQL(DROP, migrations.RunSQL.noop),
    ]
