"""Which medication shows on which drug-screen analyte, as data with its source.

Source for every row: /work/shared/domain/clinical-reference.md §10 "Drug screens: what each
medication and substance shows on which test", which names the primary sources quoted in
each row. Immunoassays are presumptive; cross-reactivity and cut-offs differ by product, so
the device's package insert decides in the end (ASAM Drug Testing Pocket Guide, 2017).

- `EXPLAINS`: a listed medication explains a positive on the analyte (expected-positive).
  `expected` says the analyte's assay reliably detects the medication, so a negative while
  it is listed is an unexpected negative. Where the source says the assay may miss the drug
  (benzodiazepines other than oxazepam) `expected` is False: a negative is not flagged.
- `NEVER_EXPLAINS`: pairs the sources say do not show, kept so the page can say why.
- `CROSS_REACTS`: reported immunoassay false positives. They never make a positive
  expected: they are named beside an unexpected positive, which stays presumptive until
  confirmed by mass spectrometry (ASAM: record cross-reactants).
"""

from dataclasses import dataclass

# Analyte codes used by the seeded panels (screens/migrations/0002_seed_panels.py).
THC = "THC"
COC = "COC"
OPI = "OPI"
HCD = "HCD"
OXY = "OXY"
SIX_AM = "6AM"
PCP = "PCP"
FYL = "FYL"
AMP = "AMP"
MDMA = "MDMA"
BUP = "BUP"
MTD = "MTD"
BZO = "BZO"
ETOH = "ETOH"


@dataclass(frozen=True)
class Shows:
    medication: str  # medications.catalog code
    analyte: str
    expected: bool
    source: str


_BUP = "§10: buprenorphine + norbuprenorphine on a buprenorphine IA or MS; not on the opiate IA (CCJM; ASAM)"
_BZO = "§10: the BZO IA mostly targets oxazepam and may miss clonazepam and alprazolam (AAP, Pediatrics 2014;133:e1798; Kale, AFP 2019)"

EXPLAINS: tuple[Shows, ...] = (
    Shows("buprenorphine", BUP, True, _BUP),
    Shows("buprenorphine-naloxone", BUP, True, _BUP),
    Shows("buprenorphine-xr", BUP, True, _BUP + "; the injection is buprenorphine"),
    Shows(
        "methadone",
        MTD,
        True,
        "§10: methadone IA, metabolite EDDP; not on the opiate IA (AAP; ASAM)",
    ),
    Shows("amphetamine-salts", AMP, True, "§10: amphetamine on the AMP IA (AAP)"),
    Shows("clonazepam", BZO, False, _BZO),
    Shows("alprazolam", BZO, False, _BZO),
    Shows("lorazepam", BZO, False, _BZO),
    Shows("diazepam", BZO, False, _BZO),
    Shows(
        "oxycodone",
        OXY,
        True,
        "§10: oxycodone/oxymorphone IA; poor cross-reactivity on the opiate IA (UCSF, Iowa)",
    ),
    Shows("hydrocodone", HCD, True, "§10: hydrocodone IA"),
    Shows("hydrocodone", OPI, False, "§10: on the opiate IA, less sensitive"),
    Shows("morphine", OPI, True, "§10: the opiate IA targets morphine (AAP)"),
    Shows(
        "codeine", OPI, True, "§10: codeine is metabolised to morphine, an opiate IA target (AAP)"
    ),
    Shows("fentanyl", FYL, True, "§10: fentanyl or norfentanyl IA (UCSF, Salem Health)"),
)

NEVER_EXPLAINS: tuple[Shows, ...] = (
    Shows(
        "methylphenidate",
        AMP,
        False,
        "§10: methylphenidate is not on the AMP IA; specific test only (AAP)",
    ),
    Shows("buprenorphine", OPI, False, _BUP),
    Shows("buprenorphine-naloxone", OPI, False, _BUP),
    Shows("methadone", OPI, False, "§10: methadone is not on the standard opiate IA (ASAM; UCSF)"),
    Shows("fentanyl", OPI, False, "§10: fentanyl is not on the standard opiate IA (ASAM; UCSF)"),
)

CROSS_REACTS: tuple[Shows, ...] = (
    Shows("quetiapine", MTD, False, "§10: quetiapine → methadone IA (CCJM)"),
    Shows("sertraline", BZO, False, "§10: sertraline → benzodiazepine IA (Nasky 2009; CCJM)"),
    Shows("efavirenz", THC, False, "§10: efavirenz → THC IA (Ann Clin Biochem 2012)"),
    Shows("efavirenz", BZO, False, "§10: efavirenz → benzodiazepine IA (CCJM)"),
    Shows("bupropion", AMP, False, "§10: bupropion → amphetamine IA (J Med Toxicol 2011;7:105)"),
    Shows(
        "trazodone",
        AMP,
        False,
        "§10: trazodone via m-CPP → amphetamine IA (J Anal Toxicol 2011;35:364)",
    ),
    Shows(
        "labetalol",
        AMP,
        False,
        "§10: labetalol → amphetamine IA (Gilbert 1995; not seen in spiked urine, Bithi 2022)",
    ),
    Shows("pseudoephedrine", AMP, False, "§10: pseudoephedrine → amphetamine IA (Springer 2010)"),
    Shows("levofloxacin", OPI, False, "§10: levofloxacin → opiate IA (Baden, JAMA 2001)"),
    Shows("rifampin", OPI, False, "§10: rifampin → opiate IA (de Paula 1998)"),
    Shows("dextromethorphan", PCP, False, "§10: dextromethorphan → PCP IA (Rengarajan 2013)"),
    Shows("tramadol", PCP, False, "§10: tramadol → PCP IA (Rengarajan 2013)"),
    Shows("venlafaxine", PCP, False, "§10: venlafaxine → PCP IA (CCJM)"),
    Shows("tramadol", BUP, False, "§10: tramadol → buprenorphine IA (CCJM)"),
)


def explaining(medication_codes: set[str], analyte: str) -> list[Shows]:
    """The rows by which one of these medications explains a positive on the analyte."""
    return [s for s in EXPLAINS if s.analyte == analyte and s.medication in medication_codes]


def expected_on(medication_codes: set[str], analyte: str) -> list[Shows]:
    """The rows by which one of these medications should show on the analyte."""
    return [s for s in explaining(medication_codes, analyte) if s.expected]


def cross_reacting(medication_codes: set[str], analyte: str) -> list[Shows]:
    return [s for s in CROSS_REACTS if s.analyte == analyte and s.medication in medication_codes]
