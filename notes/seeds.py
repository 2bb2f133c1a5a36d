"""The shared note formats and a 12-session relapse-prevention cycle every program starts with.

The formats are the four the clinic's issue names (DAP, BIRP, SOAP, GIRP), with the section
headings their initials stand for. The relapse-prevention cycle is 12 numbered sessions:
the domain reference (Matrix Model, CEBC) confirms relapse-prevention groups but lists no
module titles, so the titles are numbered placeholders a program renames from its own manual.
`seed` is called by the data migration and again wherever the rows may have been flushed
(tests that empty the database, the demo); it only adds what is missing.
"""

from django.apps import apps as installed_apps

FORMATS = [
    ("dap", "DAP", ["Data", "Assessment", "Plan"]),
    ("birp", "BIRP", ["Behavior", "Intervention", "Response", "Plan"]),
    ("soap", "SOAP", ["Subjective", "Objective", "Assessment", "Plan"]),
    ("girp", "GIRP", ["Goal", "Intervention", "Response", "Plan"]),
]
CYCLE = "Relapse prevention (12-session cycle)"


def seed(apps=installed_apps, schema_editor=None) -> None:
    NoteFormat = apps.get_model("notes", "NoteFormat")
    Curriculum = apps.get_model("notes", "Curriculum")
    CurriculumModule = apps.get_model("notes", "CurriculumModule")
    for code, name, sections in FORMATS:
        NoteFormat.objects.get_or_create(
            program=None, code=code, defaults={"name": name, "sections": sections}
        )
    cycle, _ = Curriculum.objects.get_or_create(
        program=None,
        name=CYCLE,
        defaults={
            "description": "Twelve group sessions run in turn; members join at any session "
            "and make up the ones they miss. Rename the modules from the program's manual."
        },
    )
    for number in range(1, 13):
        CurriculumModule.objects.get_or_create(
            curriculum=cycle,
            number=number,
            defaults={"title": f"Relapse prevention, session {number} of 12"},
        )
