# Existing participant records: recorded when they were stored; a record flagged entered
# in error (by hand in the database) keeps the flag as the time of its last change.

from django.db import migrations
from django.db.models import F

NO_REASON = "Marked entered in error before reasons were recorded."


def forward(apps, schema_editor):
    Participant = apps.get_model("participants", "Participant")
    Participant.objects.update(recorded_at=F("created_at"))
    Participant.objects.filter(entered_in_error=True).update(
        entered_in_error_at=F("modified_at"), entered_in_error_reason=NO_REASON
    )


def backward(apps, schema_editor):
    Participant = apps.get_model("participants", "Participant")
    Participant.objects.filter(entered_in_error_at__isnull=False).update(entered_in_error=True)


class Migration(migrations.Migration):
    dependencies = [("participants", "0002_clinical_record")]

    operations = [migrations.RunPython(forward, backward)]
