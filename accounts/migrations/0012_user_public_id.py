import uuid

from django.db import migrations, models


def give_each_a_public_id(apps, schema_editor):
    """Each existing account its own id: a column default would give them all the same one."""
    User = apps.get_model("accounts", "User")
    users = list(User.objects.filter(public_id__isnull=True).only("pk"))
    for user in users:
        user.public_id = uuid.uuid4()
    User.objects.bulk_update(users, ["public_id"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0011_level_4_third_edition_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="public_id",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(give_each_a_public_id, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="user",
            name="public_id",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
