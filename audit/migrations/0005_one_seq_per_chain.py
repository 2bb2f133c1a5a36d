"""Each chain numbers its events once; SQLite's update trigger comes back after the table
was rebuilt by the schema changes (PostgreSQL keeps its trigger through them)."""

from django.db import migrations, models

SQLITE_TRIGGER = (
    "CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON audit_auditevent "
    "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;"
)


def restore_sqlite_trigger(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_TRIGGER)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_rechain_with_keyed_mac")]
    operations = [
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.UniqueConstraint(
                fields=("organization", "seq"), name="audit_event_one_seq_per_chain"
            ),
        ),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.UniqueConstraint(
                condition=models.Q(("organization__isnull", True)),
                fields=("seq",),
                name="audit_event_one_seq_installation_chain",
            ),
        ),
        migrations.RunPython(restore_sqlite_trigger, migrations.RunPython.noop),
    ]
