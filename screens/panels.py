"""The seeded panels as data: a typical urine cup and a breath test.

Cut-offs: the HHS urine initial-test cut-offs, 90 FR 4662 (in force 7 Jul 2025; unchanged
per 91 FR 12308), quoted in /work/shared/domain/clinical-reference.md §10. Buprenorphine,
methadone and benzodiazepines have no HHS cut-off: a cup prints its own, so the program
reads it from the device's package insert (§10) and the cut-off is left blank here.
`seed` is called by the data migration and again wherever the rows may have been flushed
(tests that empty the database, the demo); it only adds what is missing.
"""

from django.apps import apps as installed_apps

HHS = "HHS urine initial-test cut-off, 90 FR 4662 (2025)"
DEVICE = "As printed on the device's package insert (no HHS cut-off)"
CUP = (
    ("THC", "Marijuana (THC-COOH)", 50, HHS),
    ("COC", "Cocaine (benzoylecgonine)", 150, HHS),
    ("OPI", "Opiates (codeine/morphine)", 2000, HHS),
    ("HCD", "Hydrocodone/hydromorphone", 300, HHS),
    ("OXY", "Oxycodone/oxymorphone", 100, HHS),
    ("6AM", "Heroin (6-acetylmorphine)", 10, HHS),
    ("FYL", "Fentanyl", 1, HHS),
    ("AMP", "Amphetamine/methamphetamine", 500, HHS),
    ("MDMA", "MDMA/MDA", 500, HHS),
    ("PCP", "Phencyclidine", 25, HHS),
    ("BUP", "Buprenorphine", None, DEVICE),
    ("MTD", "Methadone", None, DEVICE),
    ("BZO", "Benzodiazepines", None, DEVICE),
)
BREATH = ("ETOH", "Alcohol (breath)")
# The analyte codes the interpretation knows (screens.detection, by code): a program's own
# panel that reuses one is read as the seeded panels' analyte is. Offered as a hint on the
# panels page; any other code is recorded and shown by its name only.
KNOWN_CODES = (*((code, name) for code, name, _, _ in CUP), BREATH)


def seed(apps=installed_apps, schema_editor=None) -> None:
    Panel = apps.get_model("screens", "Panel")
    PanelAnalyte = apps.get_model("screens", "PanelAnalyte")
    cup, _ = Panel.objects.get_or_create(
        code="urine-cup-hhs",
        defaults={
            "name": "Urine cup, 13 analytes",
            "specimen": "urine",
            "method": "point-of-care",
            "source": (
                "HHS urine initial-test cut-offs (90 FR 4662, 2025) where HHS sets one; "
                "buprenorphine, methadone and benzodiazepines as printed on the device."
            ),
        },
    )
    for order, (code, name, cutoff, source) in enumerate(CUP):
        PanelAnalyte.objects.get_or_create(
            panel=cup,
            code=code,
            defaults={
                "name": name,
                "cutoff": cutoff,
                "unit": "ng/mL" if cutoff is not None else "",
                "cutoff_source": source,
                "order": order,
            },
        )
    breath, _ = Panel.objects.get_or_create(
        code="breath-alcohol",
        defaults={
            "name": "Breath alcohol",
            "specimen": "breath",
            "method": "breath-analyser",
            "source": "The breath-testing device's own threshold, as printed on it.",
        },
    )
    PanelAnalyte.objects.get_or_create(
        panel=breath,
        code=BREATH[0],
        defaults={"name": BREATH[1], "cutoff_source": DEVICE, "order": 0},
    )
