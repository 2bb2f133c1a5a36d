"""ASAM dimension names and level labels against the clinical reference §2a/§2b (3rd ed.)."""

from accounts.models import LevelOfCare
from placement.asam import DIMENSIONS


def test_the_dimensions_are_the_third_edition_names():
    assert [(d.id, d.name) for d in DIMENSIONS] == [
        ("1", "Acute Intoxication and/or Withdrawal Potential"),
        ("2", "Biomedical Conditions and Complications"),
        ("3", "Emotional, Behavioral, or Cognitive Conditions and Complications"),
        ("4", "Readiness to Change"),
        ("5", "Relapse, Continued Use, or Continued Problem Potential"),
        ("6", "Recovery/Living Environment"),
    ]


def test_level_4_is_named_as_the_third_edition_names_it():
    """§2b, 3rd ed.: "4 Medically Managed Intensive Inpatient" (the 4th ed. drops "Intensive")."""
    assert LevelOfCare("4").label == "Level 4 — Medically managed intensive inpatient"
    assert LevelOfCare("2.1").label == "Level 2.1 — Intensive outpatient"
    assert LevelOfCare("2.5").label == "Level 2.5 — Partial hospitalisation"
