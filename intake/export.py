"""The intake and diagnoses sections of the exported and printed record."""

from django.utils import timezone

from intake import sections
from intake.models import Diagnosis, Intake, IntakeSection
from participants.models import Participant


def intake_section(participant: Participant) -> list[dict]:
    """Each intake version's answers, section by section, in words."""
    rows = []
    saved = (
        IntakeSection.objects.filter(intake__participant=participant)
        .select_related("intake", "intake__signed_by", "intake__episode__program")
        .order_by("intake__number", "pk")
    )
    for part in saved:
        intake: Intake = part.intake
        section = sections.SECTIONS_BY_KEY.get(part.key)
        if section is None:
            continue
        rows.append(
            {
                "intake": intake.number,
                "status": intake.get_status_display(),
                # The day of signing in the program's time: the stored time is UTC's.
                "signed": f"{intake.signed_by}, "
                f"{timezone.localdate(intake.signed_at, intake.episode.program.tz):%Y-%m-%d}"
                if intake.signed_at
                else "",
                "section": section.title,
                "answers": "; ".join(
                    f"{label}: {value}" for label, value in sections.readable(section, part.data)
                ),
            }
        )
    return rows


def diagnoses_section(participant: Participant) -> list[dict]:
    return [
        {
            "code": d.code,
            "description": d.description,
            "kind": d.get_kind_display(),
            "substance_induced": d.substance_induced,
            "status": d.get_status_display(),
            "made_on": d.made_on,
            "made_by": str(d.recorded_by) if d.recorded_by_id else "",
        }
        for d in Diagnosis.objects.filter(participant=participant)
        .select_related("recorded_by")
        .order_by("made_on", "pk")
    ]
