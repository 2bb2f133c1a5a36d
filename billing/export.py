"""The coverage and Medicare IOP certification sections of the exported and printed record,
carried only by a copy made by someone who reads the participant's billing part
(`participants.export.sections_for`)."""

from billing.models import Coverage, IopCertification
from billing.selectors import certifications_for, coverages_for
from participants.models import Participant


def _name(user) -> str:
    """A member of staff by the name Tandem shows (the tab's name, else the sign-in name)."""
    return str(user) if user else ""


def coverage_row(c: Coverage) -> dict:
    """One coverage as the Billing tab shows it: one entered in error stays, saying who
    withdrew it, when and why."""
    return {
        "payer": c.payer.name,
        "per_diem_code": c.payer.per_diem_code,
        "member_id": c.member_id,
        "start_date": c.starts_on,
        "end_date": c.ends_on,
        **_recorded(c),
    }


def _recorded(record: Coverage | IopCertification) -> dict:
    """Who recorded the row and when, and, for one entered in error, who withdrew it, when
    and why."""
    return {
        "recorded_at": record.recorded_at,
        "recorded_by": _name(record.recorded_by),
        "entered_in_error": record.entered_in_error,
        "entered_in_error_at": record.entered_in_error_at or "",
        "entered_in_error_by": _name(record.entered_in_error_by),
        "entered_in_error_reason": record.entered_in_error_reason,
    }


def coverage_section(participant: Participant) -> list[dict]:
    """Every coverage, those entered in error too, oldest start first."""
    return [coverage_row(c) for c in reversed(coverages_for(participant))]


def certification_row(c: IopCertification) -> dict:
    """One certification as the Billing tab shows it, with the day Tandem reads it to run to
    (`billing.models.certified_until`)."""
    return {
        "certified_on": c.certified_on,
        "in_force_until": c.in_force_until,
        "certifying_physician": _name(c.physician),
        "needs_nine_hours_a_week": c.needs_nine_hours,
        "stay": f"{c.episode.program.name}, referred {c.episode.referred_on.isoformat()}",
        **_recorded(c),
    }


def certification_section(participant: Participant) -> list[dict]:
    """Every Medicare IOP certification, those entered in error too, oldest first."""
    return [certification_row(c) for c in reversed(certifications_for(participant))]
