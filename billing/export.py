"""The coverage section of the exported and printed record, carried only by a copy made by
someone who reads the participant's billing part (`participants.export.sections_for`)."""

from billing.models import Coverage
from billing.selectors import coverages_for
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
        "recorded_at": c.recorded_at,
        "recorded_by": _name(c.recorded_by),
        "entered_in_error": c.entered_in_error,
        "entered_in_error_at": c.entered_in_error_at or "",
        "entered_in_error_by": _name(c.entered_in_error_by),
        "entered_in_error_reason": c.entered_in_error_reason,
    }


def coverage_section(participant: Participant) -> list[dict]:
    """Every coverage, those entered in error too, oldest start first."""
    return [coverage_row(c) for c in reversed(coverages_for(participant))]
