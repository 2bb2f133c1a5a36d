"""Indexes for the participant search on PostgreSQL.

The search matches each word anywhere in the first, last or preferred name
(`UPPER(name) LIKE '%WORD%'`) or exactly the record number (`UPPER(record_number) = WORD`).
No B-tree serves a match inside a name, so without these PostgreSQL walks every record of
the organization; with a trigram index per name and one on the record number it combines
the four into a bitmap of the few records that match. SQLite has no trigram indexes and
keeps scanning, which at its sizes costs little.
"""

from django.db import migrations

NAMES = ("legal_first_name", "legal_last_name", "preferred_name")


def _create(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    # Here rather than as TrigramExtension(), whose reversal queries pg_extension on any
    # database; going back leaves the extension in place (other indexes may use it).
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in NAMES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS participant_{column}_trgm "
            f"ON participants_participant USING gin (UPPER({column}::text) gin_trgm_ops)"
        )
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS participant_record_number_upper "
        "ON participants_participant (UPPER(record_number::text))"
    )
    # Statistics of the indexed expressions: until they exist the planner guesses how many
    # names match and keeps walking the organization's records. One table, brief lock.
    schema_editor.execute("ANALYZE participants_participant")


def _drop(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in NAMES:
        schema_editor.execute(f"DROP INDEX IF EXISTS participant_{column}_trgm")
    schema_editor.execute("DROP INDEX IF EXISTS participant_record_number_upper")


class Migration(migrations.Migration):
    dependencies = [("participants", "0004_clinical_record_constraints")]

    operations = [migrations.RunPython(_create, _drop, elidable=False)]
