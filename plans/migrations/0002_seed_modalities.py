"""Every existing program starts with the modalities IOPs use (new programs get them on creation)."""

from django.db import migrations

DEFAULT_MODALITIES = (
    "Group CBT",
    "DBT skills",
    "Motivational interviewing",
    "Relapse prevention",
    "Family therapy",
    "Mindfulness-based stress reduction",
    "Psychoeducation",
    "Trauma-focused group",
    "Peer support",
    "Medication management",
    "Case management",
    "Vocational/educational skills",
)


def seed(apps, schema_editor):
    Program = apps.get_model("accounts", "Program")
    Modality = apps.get_model("plans", "Modality")
    for program in Program.objects.all():
        have = set(Modality.objects.filter(program=program).values_list("name", flat=True))
        Modality.objects.bulk_create(
            Modality(program=program, name=name, order=i)
            for i, name in enumerate(DEFAULT_MODALITIES)
            if name not in have
        )


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
