"""Fill `Session.has_its_note` for the sessions held before it was kept: a group session
whose group note in force is signed, any other with a progress note in force of its own
(`notes.session_notes`), in one statement."""

from django.db import migrations
from django.db.models import Case, Exists, OuterRef, When


def fill(apps, schema_editor):
    Session = apps.get_model("scheduling", "Session")
    GroupNote = apps.get_model("notes", "GroupNote")
    ProgressNote = apps.get_model("notes", "ProgressNote")
    signed_group_note = GroupNote.objects.filter(
        session=OuterRef("pk"), entered_in_error_at__isnull=True, signed_at__isnull=False
    )
    own_note = ProgressNote.objects.filter(
        session=OuterRef("pk"), entered_in_error_at__isnull=True, group_note__isnull=True
    )
    Session.objects.update(
        has_its_note=Case(
            When(kind="group", then=Exists(signed_group_note)), default=Exists(own_note)
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("notes", "0006_group_note_signed_of_session_index"),
        ("scheduling", "0006_session_has_its_note"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
