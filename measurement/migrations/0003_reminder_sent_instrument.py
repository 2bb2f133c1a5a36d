from django.db import migrations, models
from django.db.models import Count, Min, OuterRef, Subquery


def from_the_link(apps, schema_editor):
    """Each reminder already sent names the questionnaire its link opens (every reminder's
    link is a questionnaire's, its instrument code the link's `target_ref`).

    Two runs at once could send the same questionnaire's reminder twice on a day before the
    database refused it; of such rows the first is kept and the later ones are deleted, so the
    next migration's one-a-day constraint holds. Nothing of what was sent is lost: each
    reminder's `measurement.reminder_sent` event in the audit trail still names its link, its
    instrument and its channels, and the links stay."""
    ReminderSent = apps.get_model("measurement", "ReminderSent")
    SingleUseLink = apps.get_model("links", "SingleUseLink")
    ReminderSent.objects.update(
        instrument=Subquery(
            SingleUseLink.objects.filter(pk=OuterRef("link_id")).values("target_ref")[:1]
        )
    )
    repeated = (
        ReminderSent.objects.values("participant_id", "instrument", "sent_on")
        .annotate(n=Count("pk"), first=Min("pk"))
        .filter(n__gt=1)
    )
    for day in repeated:
        ReminderSent.objects.filter(
            participant_id=day["participant_id"],
            instrument=day["instrument"],
            sent_on=day["sent_on"],
        ).exclude(pk=day["first"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("links", "0001_initial"),
        ("measurement", "0002_next_due"),
    ]

    operations = [
        migrations.AddField(
            model_name="remindersent",
            name="instrument",
            field=models.CharField(default="", max_length=40),
            preserve_default=False,
        ),
        migrations.RunPython(from_the_link, migrations.RunPython.noop),
    ]
