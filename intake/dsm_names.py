"""DSM-5-TR diagnosis names as clinicians write them, mapped to ICD-10-CM codes, as data.

Source: /work/shared/domain/clinical-reference.md, section 5 (Billing and codes), "ICD-10-CM":
the substance categories (F10 alcohol, F11 opioid, F12 cannabis, F13 sedative/hypnotic/
anxiolytic, F14 cocaine, F15 other stimulant, F16 hallucinogen, F18 inhalant, F19 other) and
the DSM-5-TR severity mapping "mild → F1x.10; moderate/severe → F1x.20; remission → .11 / .21".
The reference marks that mapping ❓ (to confirm against the DSM-5-TR coding tables before a
release), so only that rule is encoded here, and the search shows each name's source. F17
(nicotine) is left out: the reference gives no mapping for tobacco use disorder.
"""

from dataclasses import dataclass

SOURCE = "DSM-5-TR severity mapping, clinical reference §5 (to be confirmed before release)"

# ICD-10-CM category → the substance as DSM-5-TR names its use disorder.
SUBSTANCES = {
    "F10": "Alcohol",
    "F11": "Opioid",
    "F12": "Cannabis",
    "F13": "Sedative, hypnotic, or anxiolytic",
    "F14": "Cocaine",
    "F15": "Other stimulant",
    "F16": "Hallucinogen",
    "F18": "Inhalant",
    "F19": "Other (or unknown) substance",
}
# Severity (and remission) → the code's characters after the category.
SEVERITIES = (
    ("mild", ".10"),
    ("moderate", ".20"),
    ("severe", ".20"),
    ("mild, in remission", ".11"),
    ("moderate, in remission", ".21"),
    ("severe, in remission", ".21"),
)


@dataclass(frozen=True)
class DsmName:
    name: str
    code: str
    source: str = SOURCE


NAMES: tuple[DsmName, ...] = tuple(
    DsmName(f"{substance} use disorder, {severity}", f"{category}{suffix}")
    for category, substance in SUBSTANCES.items()
    for severity, suffix in SEVERITIES
)
