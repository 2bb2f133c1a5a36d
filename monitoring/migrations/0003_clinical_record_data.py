# Existing alerts were recorded when they were raised.

from django.db import migrations
from django.db.models import F


def forward(apps, schema_editor):
    apps.get_model("monitoring", "Alert").objects.update(recorded_at=F("created_at"))


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0002_clinical_record")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
