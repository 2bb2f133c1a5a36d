"""Discharge types and their SAMHSA TEDS discharge reason codes, declared once as data.

Source: the TEDS-D 2019 public-use-file codebook (SAMHSA, public domain), variable REASON
("Reason for discharge"), as transcribed in `kabellhart/teds-processing`
(TEDS-D-2019-DS0001-info-codebook_V1_codes.csv) and summarised in the clinical reference,
section 3. The codebook lists seven reasons; Tandem's eight discharge types are the clinic's
words for them. The codebook does not name a step-down: a step-down moves the participant to
another (lower) level of care, which TEDS counts as a transfer to another treatment program
(code 4). A program whose state manual codes a step-down after completion as "treatment
completed" overrides that row.
"""

from django.db import models

# REASON: reason for discharge (TEDS-D public-use-file values).
TEDS_REASON = (
    ("1", "Treatment completed"),
    ("2", "Dropped out of treatment"),
    ("3", "Terminated by facility"),
    ("4", "Transferred to another treatment program or facility"),
    ("5", "Incarcerated"),
    ("6", "Death"),
    ("7", "Other"),
)


class DischargeType(models.TextChoices):
    COMPLETED = "completed", "Completed the program"
    STEPPED_DOWN = "stepped_down", "Stepped down to a lower level of care"
    TRANSFERRED_UP = "transferred_up", "Transferred to a higher level of care"
    LEFT_EARLY = "left_early", "Left before completing"
    ADMINISTRATIVE = "administrative", "Administrative discharge"
    INCARCERATED = "incarcerated", "Incarcerated"
    DIED = "died", "Died"
    OTHER = "other", "Other"


# Each type: its TEDS REASON code, and the episode status it leaves the episode in (a move to
# another level of care is a transfer out; everything else a discharge).
TEDS_REASON_OF: dict[str, str] = {
    DischargeType.COMPLETED: "1",
    DischargeType.STEPPED_DOWN: "4",
    DischargeType.TRANSFERRED_UP: "4",
    DischargeType.LEFT_EARLY: "2",
    DischargeType.ADMINISTRATIVE: "3",
    DischargeType.INCARCERATED: "5",
    DischargeType.DIED: "6",
    DischargeType.OTHER: "7",
}
TRANSFER_TYPES = frozenset({DischargeType.STEPPED_DOWN, DischargeType.TRANSFERRED_UP})
# Types after which nobody is contacted for follow-up.
NO_FOLLOW_UP_TYPES = frozenset({DischargeType.DIED})


def teds_label(code: str) -> str:
    return dict(TEDS_REASON).get(code, code)
