# Existing administrations: recorded when they were stored; a struck-out one keeps its
# time and reason (one without a time takes its last change, one without a reason says so).

from django.db import migrations
from django.db.models import F

NO_REASON = "Marked entered in error before reasons were recorded."


def forward(apps, schema_editor):
    Administration = apps.get_model("assessments", "Administration")
    Administration.objects.update(recorded_at=F("created_at"))
    struck = Administration.objects.filter(entered_in_error=True)
    struck.filter(entered_in_error_at__isnull=True).update(entered_in_error_at=F("modified_at"))
    struck.filter(entered_in_error_reason="").update(entered_in_error_reason=NO_REASON)
    Administration.objects.filter(entered_in_error=False).update(
        entered_in_error_at=None, entered_in_error_reason=""
    )


def backward(apps, schema_editor):
    Administration = apps.get_model("assessments", "Administration")
    Administration.objects.filter(entered_in_error_at__isnull=False).update(entered_in_error=True)


class Migration(migrations.Migration):
    dependencies = [("assessments", "0002_clinical_record")]

    operations = [migrations.RunPython(forward, backward)]
