import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("discharge", "0002_follow_up_organization")]

    operations = [
        migrations.AlterField(
            model_name="followup",
            name="organization",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.organization",
            ),
        ),
        migrations.AddIndex(
            model_name="followup",
            index=models.Index(
                fields=["organization", "status", "due_on"], name="follow_up_call_list"
            ),
        ),
        migrations.AddIndex(
            model_name="followup",
            index=models.Index(
                fields=["organization", "day", "status", "due_on"], name="follow_up_reach"
            ),
        ),
    ]
