# Existing decisions and referrals out were recorded when they were stored.

from django.db import migrations
from django.db.models import F


def forward(apps, schema_editor):
    for name in ("LevelOfCareDecision", "ReferralOut"):
        apps.get_model("placement", name).objects.update(recorded_at=F("created_at"))


class Migration(migrations.Migration):
    dependencies = [("placement", "0002_clinical_record")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
