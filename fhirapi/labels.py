"""DS4P security labels for 42 CFR Part 2 records (clinical reference §6, §4a).

What Tandem holds about substance use is a Part 2 record; each FHIR resource carrying it is
labelled with confidentiality R (restricted), sensitivity ETH (substance abuse information)
and the policy 42CFRPart2, all from the HL7 v3 code systems the FHIR Data Segmentation for
Privacy IG uses. The reference marks obligation codes (NORDSCLCD) unverified: none is sent.
"""

from typing import Any

CONFIDENTIALITY = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"

PART2_LABELS: tuple[dict[str, str], ...] = (
    {"system": CONFIDENTIALITY, "code": "R", "display": "restricted"},
    {"system": ACT_CODE, "code": "ETH", "display": "substance abuse information sensitivity"},
    {"system": ACT_CODE, "code": "42CFRPart2", "display": "42 CFR Part2"},
)

# Instruments about substance use (the brief's list, clinical reference §1a): their results
# are Part 2 records.
SUBSTANCE_USE_INSTRUMENTS = frozenset({"audit", "audit-c", "dast-10", "bam", "crafft"})

# ICD-10-CM F10–F19: mental and behavioural disorders due to psychoactive substance use.
SUBSTANCE_USE_FAMILIES = frozenset(f"F1{digit}" for digit in range(10))


def is_substance_use_code(icd10: str) -> bool:
    """An ICD-10-CM code of the F10–F19 families ("F10.20" is, "F32.1" is not)."""
    return icd10.strip().upper()[:3] in SUBSTANCE_USE_FAMILIES


def labelled(resource: dict[str, Any], part2: bool) -> dict[str, Any]:
    """The resource with the Part 2 labels in `meta.security` when it carries Part 2 data."""
    if part2:
        meta = resource.setdefault("meta", {})
        meta["security"] = [dict(label) for label in PART2_LABELS]
    return resource


def carries_part2(resource: dict[str, Any]) -> bool:
    """Whether a resource was labelled as a Part 2 record."""
    codes = {label.get("code") for label in resource.get("meta", {}).get("security", [])}
    return "42CFRPart2" in codes
