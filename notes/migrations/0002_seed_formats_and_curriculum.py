"""Seeds the shared note formats and the relapse-prevention cycle (see notes/seeds.py)."""

from django.db import migrations

from notes.seeds import seed


class Migration(migrations.Migration):
    dependencies = [("notes", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
