"""A row for each participant the events written so far list in `details["participants"]`,
so the chart's history and the trail's record-number filter find those events too.

PostgreSQL does it in one statement inside the database; elsewhere the events that list
anyone are read a batch at a time. A listed id that names no participant gets no row.
"""

import uuid

from django.db import migrations

BATCH = 2000

FILL_POSTGRES = """
INSERT INTO audit_listedparticipant (event_id, participant_id)
SELECT e.id, p.id
FROM audit_auditevent e
CROSS JOIN LATERAL jsonb_array_elements_text(
    CASE WHEN jsonb_typeof(e.details -> 'participants') = 'array'
         THEN e.details -> 'participants' ELSE '[]'::jsonb END
) AS listed(public_id)
JOIN participants_participant p ON p.public_id::text = lower(listed.public_id)
ON CONFLICT DO NOTHING
"""


def fill(apps, schema_editor) -> None:
    """Link every event to the participants it lists; already linked pairs are left as they are."""
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(FILL_POSTGRES)
        return
    event_model = apps.get_model("audit", "AuditEvent")
    listed_model = apps.get_model("audit", "ListedParticipant")
    participant_model = apps.get_model("participants", "Participant")
    listing = event_model.objects.filter(details__has_key="participants").order_by("id")
    after = 0
    while True:
        batch = list(listing.filter(id__gt=after).values_list("id", "details")[:BATCH])
        if not batch:
            return
        after = batch[-1][0]
        wanted = {
            event_id: {str(pid).lower() for pid in details["participants"]}
            for event_id, details in batch
            if isinstance(details.get("participants"), list)
        }
        public_ids = set().union(*wanted.values())
        pks = {
            str(public_id): pk
            for pk, public_id in participant_model.objects.filter(
                public_id__in=[p for p in public_ids if _uuid_like(p)]
            ).values_list("pk", "public_id")
        }
        listed_model.objects.bulk_create(
            [
                listed_model(event_id=event_id, participant_id=pks[pid])
                for event_id, ids in wanted.items()
                for pid in sorted(ids)
                if pid in pks
            ],
            ignore_conflicts=True,
        )


def _uuid_like(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


class Migration(migrations.Migration):
    dependencies = [("audit", "0006_listed_participants")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
