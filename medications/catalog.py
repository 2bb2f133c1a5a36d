"""The medications the list knows by name, as data: what each is for.

Names only, no doses or indications beyond the group a clinician files it under. A
medication not listed here is recorded by name as written ("other"). Tandem does not
prescribe: the list records what is prescribed, here or elsewhere (see docs/medications.md).
"""

from dataclasses import dataclass

OUD = "oud"
AUD = "aud"
PSYCHIATRIC = "psychiatric"
OTHER = "other"
GROUPS = {
    OUD: "Opioid use disorder",
    AUD: "Alcohol use disorder",
    PSYCHIATRIC: "Psychiatric",
    OTHER: "Other",
}


@dataclass(frozen=True)
class KnownMedication:
    code: str
    name: str
    group: str


CATALOG: tuple[KnownMedication, ...] = (
    KnownMedication("buprenorphine", "Buprenorphine", OUD),
    KnownMedication("buprenorphine-naloxone", "Buprenorphine/naloxone", OUD),
    KnownMedication("buprenorphine-xr", "Buprenorphine extended-release injection", OUD),
    KnownMedication("methadone", "Methadone", OUD),
    KnownMedication("naltrexone-oral", "Naltrexone (oral)", OUD),
    KnownMedication("naltrexone-xr", "Naltrexone extended-release injection", OUD),
    KnownMedication("acamprosate", "Acamprosate", AUD),
    KnownMedication("disulfiram", "Disulfiram", AUD),
    KnownMedication("sertraline", "Sertraline", PSYCHIATRIC),
    KnownMedication("fluoxetine", "Fluoxetine", PSYCHIATRIC),
    KnownMedication("escitalopram", "Escitalopram", PSYCHIATRIC),
    KnownMedication("venlafaxine", "Venlafaxine", PSYCHIATRIC),
    KnownMedication("bupropion", "Bupropion", PSYCHIATRIC),
    KnownMedication("trazodone", "Trazodone", PSYCHIATRIC),
    KnownMedication("mirtazapine", "Mirtazapine", PSYCHIATRIC),
    KnownMedication("quetiapine", "Quetiapine", PSYCHIATRIC),
    KnownMedication("aripiprazole", "Aripiprazole", PSYCHIATRIC),
    KnownMedication("olanzapine", "Olanzapine", PSYCHIATRIC),
    KnownMedication("lithium", "Lithium", PSYCHIATRIC),
    KnownMedication("lamotrigine", "Lamotrigine", PSYCHIATRIC),
    KnownMedication("prazosin", "Prazosin", PSYCHIATRIC),
    KnownMedication("hydroxyzine", "Hydroxyzine", PSYCHIATRIC),
    KnownMedication("gabapentin", "Gabapentin", PSYCHIATRIC),
    KnownMedication("clonazepam", "Clonazepam", PSYCHIATRIC),
    KnownMedication("alprazolam", "Alprazolam", PSYCHIATRIC),
    KnownMedication("lorazepam", "Lorazepam", PSYCHIATRIC),
    KnownMedication("diazepam", "Diazepam", PSYCHIATRIC),
    KnownMedication("amphetamine-salts", "Mixed amphetamine salts", PSYCHIATRIC),
    KnownMedication("methylphenidate", "Methylphenidate", PSYCHIATRIC),
    KnownMedication("efavirenz", "Efavirenz", OTHER),
    KnownMedication("tramadol", "Tramadol", OTHER),
    KnownMedication("oxycodone", "Oxycodone", OTHER),
    KnownMedication("hydrocodone", "Hydrocodone", OTHER),
    KnownMedication("morphine", "Morphine", OTHER),
    KnownMedication("codeine", "Codeine", OTHER),
    KnownMedication("fentanyl", "Fentanyl", OTHER),
    KnownMedication("levofloxacin", "Levofloxacin", OTHER),
    KnownMedication("rifampin", "Rifampin", OTHER),
    KnownMedication("pseudoephedrine", "Pseudoephedrine", OTHER),
    KnownMedication("dextromethorphan", "Dextromethorphan", OTHER),
    KnownMedication("labetalol", "Labetalol", OTHER),
)
BY_CODE = {m.code: m for m in CATALOG}
CHOICES = [(m.code, m.name) for m in CATALOG]


def known(code: str) -> KnownMedication | None:
    return BY_CODE.get(code)
