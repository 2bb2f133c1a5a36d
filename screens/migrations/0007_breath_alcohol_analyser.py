"""A breath test's method is the breath alcohol analyser: breath panels and screens recorded
before the method existed were written with an immunoassay's, the only methods there were."""

from django.db import migrations, models

METHODS = [
    ("point-of-care", "Point-of-care immunoassay"),
    ("lab-immunoassay", "Laboratory immunoassay"),
    ("lab-definitive", "Laboratory GC-MS or LC-MS/MS (definitive)"),
    ("breath-analyser", "Breath alcohol analyser"),
]


def breath_read_by_the_analyser(apps, schema_editor) -> None:
    for name in ("Panel", "DrugScreen"):
        model = apps.get_model("screens", name)
        model.objects.filter(specimen="breath").update(method="breath-analyser")


def breath_as_it_was(apps, schema_editor) -> None:
    for name in ("Panel", "DrugScreen"):
        model = apps.get_model("screens", name)
        model.objects.filter(method="breath-analyser").update(method="point-of-care")


class Migration(migrations.Migration):
    dependencies = [("screens", "0006_panels_of_an_organization")]

    operations = [
        migrations.AlterField(
            model_name="drugscreen",
            name="method",
            field=models.CharField(choices=METHODS, max_length=20),
        ),
        migrations.AlterField(
            model_name="panel",
            name="method",
            field=models.CharField(choices=METHODS, max_length=20),
        ),
        migrations.RunPython(breath_read_by_the_analyser, breath_as_it_was),
    ]
