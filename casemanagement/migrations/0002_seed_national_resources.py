from django.db import migrations


def seed(apps, schema_editor):
    from casemanagement.national import seed_national

    seed_national(apps.get_model("casemanagement", "Resource"))


class Migration(migrations.Migration):
    dependencies = [("casemanagement", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
