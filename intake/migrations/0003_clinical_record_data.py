# Existing intakes and diagnoses were recorded when they were stored; a diagnosis whose
# status is entered in error is withdrawn with the who, when and why of that status change.

from django.db import migrations
from django.db.models import F
from django.db.models.functions import Coalesce

NO_REASON = "Marked entered in error before reasons were recorded."


def forward(apps, schema_editor):
    Intake = apps.get_model("intake", "Intake")
    Diagnosis = apps.get_model("intake", "Diagnosis")
    Intake.objects.update(recorded_at=F("created_at"))
    Diagnosis.objects.update(recorded_at=F("created_at"))
    withdrawn = Diagnosis.objects.filter(status="entered_in_error")
    withdrawn.update(
        entered_in_error_at=Coalesce("status_changed_at", "modified_at"),
        entered_in_error_by=F("status_changed_by"),
        entered_in_error_reason=F("status_note"),
    )
    withdrawn.filter(entered_in_error_reason="").update(entered_in_error_reason=NO_REASON)


class Migration(migrations.Migration):
    dependencies = [("intake", "0002_clinical_record")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
