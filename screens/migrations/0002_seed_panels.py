"""A typical urine cup and a breath test, as data (see screens/panels.py for the sources)."""

from django.db import migrations

from screens.panels import seed


class Migration(migrations.Migration):
    dependencies = [("screens", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
