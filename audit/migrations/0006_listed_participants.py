"""The participants an event lists, one row each, refused changes by the database as the
events are (PostgreSQL: update and delete; SQLite: update, as for the events)."""

import django.db.models.deletion
from django.db import migrations, models

SQLITE = [
    "CREATE TRIGGER audit_listed_no_update BEFORE UPDATE ON audit_listedparticipant "
    "BEGIN SELECT RAISE(ABORT, 'listed participants are append-only'); END;",
]
POSTGRES = [
    "CREATE TRIGGER audit_listed_no_change BEFORE UPDATE OR DELETE ON audit_listedparticipant "
    "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();",
]


def create_triggers(apps, schema_editor) -> None:
    statements = POSTGRES if schema_editor.connection.vendor == "postgresql" else SQLITE
    for sql in statements:
        schema_editor.execute(sql)


def drop_triggers(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "DROP TRIGGER IF EXISTS audit_listed_no_change ON audit_listedparticipant;"
        )
    else:
        schema_editor.execute("DROP TRIGGER IF EXISTS audit_listed_no_update;")


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0005_one_seq_per_chain"),
        ("participants", "0008_episode_in_care_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="ListedParticipant",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "event",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="listed",
                        to="audit.auditevent",
                    ),
                ),
                (
                    "participant",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="participants.participant",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(
                        fields=["participant", "-event"], name="audit_liste_partici_f2d698_idx"
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("event", "participant"), name="audit_listed_once_per_event"
                    )
                ],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
