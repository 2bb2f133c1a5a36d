from django.db import migrations

# Statuses an episode leaves care with; it never comes back from them.
CLOSED = ("discharged", "declined", "transferred_out")


def drop_closed(apps, schema_editor):
    """Episodes that left care keep no stored next-review row: no list reads one, and the
    board's join stays as small as the number in care."""
    ReviewSchedule = apps.get_model("plans", "ReviewSchedule")
    ReviewSchedule.objects.filter(episode__status__in=CLOSED).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0004_clinical_record_constraints"),
        ("plans", "0003_review_schedule"),
    ]

    operations = [migrations.RunPython(drop_closed, migrations.RunPython.noop)]
