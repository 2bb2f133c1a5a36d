"""The ICD-10-CM codes Tandem accepts for a diagnosis: a small curated list, declared as data.

Families from the clinical reference, section 5: substance use F10–F19 with the common 4th/5th
characters, depressive F32/F33, bipolar F31, anxiety F40.10/F41.x, trauma- and
stressor-related F43.1x/F43.2x, ADHD F90.x, borderline personality F60.3, psychotic
F20.x/F25.x, and the suicide-risk codes R45.851 and Z91.51. Only complete (billable) codes
are listed, with their ICD-10-CM descriptions; each was checked against the code set as of
FY2023 or later (the F1x.91 "use, unspecified, in remission" codes were added in FY2023).
Deliberately left out as not confirmed: the FY2023 abuse-with-withdrawal codes (F1x.13x).

A substance-induced disorder is coded inside its substance family (F10.24 "alcohol
dependence with alcohol-induced mood disorder"), never as F32/F33; the `induced` mark on
those rows is how Tandem tells substance-induced from independent disorders.
"""

import re
from dataclasses import dataclass

from intake.dsm_names import NAMES, DsmName
from tandem.errors import InvalidInput

# What a code says about the co-occurring question.
SUD = "sud"  # a substance use disorder (abuse or dependence), with or without an induced condition
USE = "use"  # substance use without a use disorder (F1x.9x), with or without an induced condition
MH = "mh"  # an independent mental disorder
RISK = "risk"  # a suicide-risk finding, not a disorder
KIND_LABELS = {
    SUD: "Substance use disorder",
    USE: "Substance use (no use disorder)",
    MH: "Mental health disorder",
    RISK: "Suicide risk",
}


@dataclass(frozen=True)
class Code:
    code: str
    description: str
    kind: str
    induced: bool  # a substance-induced mental disorder is part of this code
    family: str
    terms: str  # extra words people search by (street names, abbreviations)
    co_occurring: bool  # counts toward the episode's "co-occurring" flag when active

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    def diagnosis_fields(self) -> dict[str, str | bool]:
        """What a diagnosis made with this code keeps of it (`intake.models.Diagnosis`): the
        code, its wording and kind, and the two facts the episode's flags read, so a
        diagnosis recorded by a clinician and one the demo writes carry the same."""
        return {
            "code": self.code,
            "description": self.description,
            "kind": self.kind,
            "substance_induced": self.induced,
            "counts_for_co_occurring": self.co_occurring,
        }


@dataclass(frozen=True)
class Family:
    prefix: str
    name: str
    kind: str  # SUD for F10–F19 (refined per code below), MH or RISK otherwise
    terms: str
    rows: tuple[tuple[str, str] | tuple[str, str, str], ...]  # (code, description[, "induced"])
    co_occurring: bool = True


INDUCED = "induced"

FAMILIES: tuple[Family, ...] = (
    Family(
        "F10",
        "Alcohol related disorders",
        SUD,
        "alcohol drinking drink booze etoh aud",
        (
            ("F10.10", "Alcohol abuse, uncomplicated"),
            ("F10.11", "Alcohol abuse, in remission"),
            ("F10.120", "Alcohol abuse with intoxication, uncomplicated"),
            ("F10.14", "Alcohol abuse with alcohol-induced mood disorder", INDUCED),
            ("F10.180", "Alcohol abuse with alcohol-induced anxiety disorder", INDUCED),
            ("F10.20", "Alcohol dependence, uncomplicated"),
            ("F10.21", "Alcohol dependence, in remission"),
            ("F10.220", "Alcohol dependence with intoxication, uncomplicated"),
            ("F10.230", "Alcohol dependence with withdrawal, uncomplicated"),
            ("F10.231", "Alcohol dependence with withdrawal delirium"),
            ("F10.232", "Alcohol dependence with withdrawal with perceptual disturbance"),
            ("F10.239", "Alcohol dependence with withdrawal, unspecified"),
            ("F10.24", "Alcohol dependence with alcohol-induced mood disorder", INDUCED),
            (
                "F10.250",
                "Alcohol dependence with alcohol-induced psychotic disorder with delusions",
                INDUCED,
            ),
            (
                "F10.251",
                "Alcohol dependence with alcohol-induced psychotic disorder with hallucinations",
                INDUCED,
            ),
            ("F10.280", "Alcohol dependence with alcohol-induced anxiety disorder", INDUCED),
            ("F10.282", "Alcohol dependence with alcohol-induced sleep disorder", INDUCED),
            ("F10.90", "Alcohol use, unspecified, uncomplicated"),
            ("F10.91", "Alcohol use, unspecified, in remission"),
            ("F10.94", "Alcohol use, unspecified with alcohol-induced mood disorder", INDUCED),
        ),
    ),
    Family(
        "F11",
        "Opioid related disorders",
        SUD,
        "opioid opiate heroin fentanyl oxycodone painkiller oud",
        (
            ("F11.10", "Opioid abuse, uncomplicated"),
            ("F11.11", "Opioid abuse, in remission"),
            ("F11.20", "Opioid dependence, uncomplicated"),
            ("F11.21", "Opioid dependence, in remission"),
            ("F11.220", "Opioid dependence with intoxication, uncomplicated"),
            ("F11.23", "Opioid dependence with withdrawal"),
            ("F11.24", "Opioid dependence with opioid-induced mood disorder", INDUCED),
            ("F11.90", "Opioid use, unspecified, uncomplicated"),
            ("F11.91", "Opioid use, unspecified, in remission"),
            ("F11.93", "Opioid use, unspecified with withdrawal"),
            ("F11.94", "Opioid use, unspecified with opioid-induced mood disorder", INDUCED),
        ),
    ),
    Family(
        "F12",
        "Cannabis related disorders",
        SUD,
        "cannabis marijuana weed thc",
        (
            ("F12.10", "Cannabis abuse, uncomplicated"),
            ("F12.11", "Cannabis abuse, in remission"),
            ("F12.20", "Cannabis dependence, uncomplicated"),
            ("F12.21", "Cannabis dependence, in remission"),
            ("F12.23", "Cannabis dependence with withdrawal"),
            ("F12.280", "Cannabis dependence with cannabis-induced anxiety disorder", INDUCED),
            ("F12.90", "Cannabis use, unspecified, uncomplicated"),
            ("F12.91", "Cannabis use, unspecified, in remission"),
        ),
    ),
    Family(
        "F13",
        "Sedative, hypnotic, or anxiolytic related disorders",
        SUD,
        "sedative hypnotic anxiolytic benzodiazepine benzo xanax",
        (
            ("F13.10", "Sedative, hypnotic or anxiolytic abuse, uncomplicated"),
            ("F13.11", "Sedative, hypnotic or anxiolytic abuse, in remission"),
            ("F13.20", "Sedative, hypnotic or anxiolytic dependence, uncomplicated"),
            ("F13.21", "Sedative, hypnotic or anxiolytic dependence, in remission"),
            (
                "F13.230",
                "Sedative, hypnotic or anxiolytic dependence with withdrawal, uncomplicated",
            ),
            ("F13.239", "Sedative, hypnotic or anxiolytic dependence with withdrawal, unspecified"),
            (
                "F13.24",
                "Sedative, hypnotic or anxiolytic dependence with sedative, hypnotic or "
                "anxiolytic-induced mood disorder",
                INDUCED,
            ),
            ("F13.90", "Sedative, hypnotic or anxiolytic use, unspecified, uncomplicated"),
            ("F13.91", "Sedative, hypnotic or anxiolytic use, unspecified, in remission"),
        ),
    ),
    Family(
        "F14",
        "Cocaine related disorders",
        SUD,
        "cocaine crack coke",
        (
            ("F14.10", "Cocaine abuse, uncomplicated"),
            ("F14.11", "Cocaine abuse, in remission"),
            ("F14.20", "Cocaine dependence, uncomplicated"),
            ("F14.21", "Cocaine dependence, in remission"),
            ("F14.23", "Cocaine dependence with withdrawal"),
            ("F14.24", "Cocaine dependence with cocaine-induced mood disorder", INDUCED),
            ("F14.280", "Cocaine dependence with cocaine-induced anxiety disorder", INDUCED),
            ("F14.90", "Cocaine use, unspecified, uncomplicated"),
            ("F14.91", "Cocaine use, unspecified, in remission"),
            ("F14.94", "Cocaine use, unspecified with cocaine-induced mood disorder", INDUCED),
        ),
    ),
    Family(
        "F15",
        "Other stimulant related disorders",
        SUD,
        "stimulant methamphetamine meth amphetamine speed crystal",
        (
            ("F15.10", "Other stimulant abuse, uncomplicated"),
            ("F15.11", "Other stimulant abuse, in remission"),
            ("F15.20", "Other stimulant dependence, uncomplicated"),
            ("F15.21", "Other stimulant dependence, in remission"),
            ("F15.23", "Other stimulant dependence with withdrawal"),
            ("F15.24", "Other stimulant dependence with stimulant-induced mood disorder", INDUCED),
            (
                "F15.250",
                "Other stimulant dependence with stimulant-induced psychotic disorder with "
                "delusions",
                INDUCED,
            ),
            (
                "F15.251",
                "Other stimulant dependence with stimulant-induced psychotic disorder with "
                "hallucinations",
                INDUCED,
            ),
            ("F15.90", "Other stimulant use, unspecified, uncomplicated"),
            ("F15.91", "Other stimulant use, unspecified, in remission"),
            (
                "F15.94",
                "Other stimulant use, unspecified with stimulant-induced mood disorder",
                INDUCED,
            ),
        ),
    ),
    Family(
        "F16",
        "Hallucinogen related disorders",
        SUD,
        "hallucinogen lsd psilocybin mushrooms pcp",
        (
            ("F16.10", "Hallucinogen abuse, uncomplicated"),
            ("F16.11", "Hallucinogen abuse, in remission"),
            ("F16.20", "Hallucinogen dependence, uncomplicated"),
            ("F16.21", "Hallucinogen dependence, in remission"),
            ("F16.90", "Hallucinogen use, unspecified, uncomplicated"),
            ("F16.91", "Hallucinogen use, unspecified, in remission"),
        ),
    ),
    Family(
        "F17",
        "Nicotine dependence",
        SUD,
        "nicotine tobacco smoking cigarettes vaping",
        (
            ("F17.200", "Nicotine dependence, unspecified, uncomplicated"),
            ("F17.210", "Nicotine dependence, cigarettes, uncomplicated"),
            ("F17.290", "Nicotine dependence, other tobacco product, uncomplicated"),
        ),
        # Recorded and treated, but nicotine dependence alone does not make an episode
        # "co-occurring" in the program's sense (the IOP treats the other substance use).
        co_occurring=False,
    ),
    Family(
        "F18",
        "Inhalant related disorders",
        SUD,
        "inhalant solvent glue huffing",
        (
            ("F18.10", "Inhalant abuse, uncomplicated"),
            ("F18.11", "Inhalant abuse, in remission"),
            ("F18.20", "Inhalant dependence, uncomplicated"),
            ("F18.21", "Inhalant dependence, in remission"),
            ("F18.90", "Inhalant use, unspecified, uncomplicated"),
            ("F18.91", "Inhalant use, unspecified, in remission"),
        ),
    ),
    Family(
        "F19",
        "Other psychoactive substance related disorders",
        SUD,
        "other psychoactive multiple polysubstance drugs",
        (
            ("F19.10", "Other psychoactive substance abuse, uncomplicated"),
            ("F19.11", "Other psychoactive substance abuse, in remission"),
            ("F19.20", "Other psychoactive substance dependence, uncomplicated"),
            ("F19.21", "Other psychoactive substance dependence, in remission"),
            (
                "F19.24",
                "Other psychoactive substance dependence with psychoactive substance-induced "
                "mood disorder",
                INDUCED,
            ),
            ("F19.90", "Other psychoactive substance use, unspecified, uncomplicated"),
            ("F19.91", "Other psychoactive substance use, unspecified, in remission"),
            (
                "F19.94",
                "Other psychoactive substance use, unspecified with psychoactive "
                "substance-induced mood disorder",
                INDUCED,
            ),
        ),
    ),
    Family(
        "F20",
        "Schizophrenia",
        MH,
        "schizophrenia psychosis psychotic",
        (
            ("F20.0", "Paranoid schizophrenia"),
            ("F20.81", "Schizophreniform disorder"),
            ("F20.9", "Schizophrenia, unspecified"),
        ),
    ),
    Family(
        "F25",
        "Schizoaffective disorders",
        MH,
        "schizoaffective psychosis psychotic",
        (
            ("F25.0", "Schizoaffective disorder, bipolar type"),
            ("F25.1", "Schizoaffective disorder, depressive type"),
            ("F25.9", "Schizoaffective disorder, unspecified"),
        ),
    ),
    Family(
        "F31",
        "Bipolar disorder",
        MH,
        "bipolar manic mania hypomanic",
        (
            ("F31.0", "Bipolar disorder, current episode hypomanic"),
            (
                "F31.10",
                "Bipolar disorder, current episode manic without psychotic features, unspecified",
            ),
            ("F31.2", "Bipolar disorder, current episode manic severe with psychotic features"),
            (
                "F31.30",
                "Bipolar disorder, current episode depressed, mild or moderate severity, "
                "unspecified",
            ),
            ("F31.31", "Bipolar disorder, current episode depressed, mild"),
            ("F31.32", "Bipolar disorder, current episode depressed, moderate"),
            (
                "F31.4",
                "Bipolar disorder, current episode depressed, severe, without psychotic features",
            ),
            (
                "F31.5",
                "Bipolar disorder, current episode depressed, severe, with psychotic features",
            ),
            ("F31.60", "Bipolar disorder, current episode mixed, unspecified"),
            ("F31.70", "Bipolar disorder, currently in remission, most recent episode unspecified"),
            ("F31.81", "Bipolar II disorder"),
            ("F31.9", "Bipolar disorder, unspecified"),
        ),
    ),
    Family(
        "F32",
        "Depressive episode",
        MH,
        "depression depressive mdd major single",
        (
            ("F32.0", "Major depressive disorder, single episode, mild"),
            ("F32.1", "Major depressive disorder, single episode, moderate"),
            (
                "F32.2",
                "Major depressive disorder, single episode, severe without psychotic features",
            ),
            ("F32.3", "Major depressive disorder, single episode, severe with psychotic features"),
            ("F32.4", "Major depressive disorder, single episode, in partial remission"),
            ("F32.5", "Major depressive disorder, single episode, in full remission"),
            ("F32.89", "Other specified depressive episodes"),
            ("F32.9", "Major depressive disorder, single episode, unspecified"),
            ("F32.A", "Depression, unspecified"),
        ),
    ),
    Family(
        "F33",
        "Major depressive disorder, recurrent",
        MH,
        "depression depressive mdd major recurrent",
        (
            ("F33.0", "Major depressive disorder, recurrent, mild"),
            ("F33.1", "Major depressive disorder, recurrent, moderate"),
            ("F33.2", "Major depressive disorder, recurrent severe without psychotic features"),
            ("F33.3", "Major depressive disorder, recurrent, severe with psychotic symptoms"),
            ("F33.40", "Major depressive disorder, recurrent, in remission, unspecified"),
            ("F33.41", "Major depressive disorder, recurrent, in partial remission"),
            ("F33.42", "Major depressive disorder, recurrent, in full remission"),
            ("F33.9", "Major depressive disorder, recurrent, unspecified"),
        ),
    ),
    Family(
        "F40",
        "Phobic anxiety disorders",
        MH,
        "anxiety social phobia social anxiety",
        (("F40.10", "Social phobia, unspecified"),),
    ),
    Family(
        "F41",
        "Other anxiety disorders",
        MH,
        "anxiety panic gad generalized generalised worry",
        (
            ("F41.0", "Panic disorder [episodic paroxysmal anxiety]"),
            ("F41.1", "Generalized anxiety disorder"),
            ("F41.9", "Anxiety disorder, unspecified"),
        ),
    ),
    Family(
        "F43",
        "Reaction to severe stress, and adjustment disorders",
        MH,
        "trauma ptsd post-traumatic stress adjustment",
        (
            ("F43.10", "Post-traumatic stress disorder, unspecified"),
            ("F43.11", "Post-traumatic stress disorder, acute"),
            ("F43.12", "Post-traumatic stress disorder, chronic"),
            ("F43.20", "Adjustment disorder, unspecified"),
            ("F43.21", "Adjustment disorder with depressed mood"),
            ("F43.22", "Adjustment disorder with anxiety"),
            ("F43.23", "Adjustment disorder with mixed anxiety and depressed mood"),
            ("F43.24", "Adjustment disorder with disturbance of conduct"),
            ("F43.25", "Adjustment disorder with mixed disturbance of emotions and conduct"),
            ("F43.29", "Adjustment disorder with other symptoms"),
        ),
    ),
    Family(
        "F60",
        "Specific personality disorders",
        MH,
        "borderline personality bpd",
        (("F60.3", "Borderline personality disorder"),),
    ),
    Family(
        "F90",
        "Attention-deficit hyperactivity disorders",
        MH,
        "adhd add attention deficit hyperactivity",
        (
            ("F90.0", "Attention-deficit hyperactivity disorder, predominantly inattentive type"),
            (
                "F90.1",
                "Attention-deficit hyperactivity disorder, predominantly hyperactive type",
            ),
            ("F90.2", "Attention-deficit hyperactivity disorder, combined type"),
            ("F90.8", "Attention-deficit hyperactivity disorder, other type"),
            ("F90.9", "Attention-deficit hyperactivity disorder, unspecified type"),
        ),
    ),
    Family(
        "R45.851",
        "Suicidal ideations",
        RISK,
        "suicidal ideation si suicide thoughts",
        (("R45.851", "Suicidal ideations"),),
        co_occurring=False,
    ),
    Family(
        "Z91.51",
        "Personal history of suicidal behavior",
        RISK,
        "suicide attempt history self-harm",
        (("Z91.51", "Personal history of suicidal behavior"),),
        co_occurring=False,
    ),
)


def _kind(family: Family, code: str) -> str:
    """F1x codes: 4th character 1 (abuse) or 2 (dependence) is a use disorder, 9 is use only."""
    if family.kind == SUD and code[4] == "9":
        return USE
    return family.kind


CODES: dict[str, Code] = {
    row[0]: Code(
        code=row[0],
        description=row[1],
        kind=_kind(family, row[0]),
        induced=INDUCED in row[2:],
        family=family.prefix,
        terms=family.terms,
        co_occurring=family.co_occurring,
    )
    for family in FAMILIES
    for row in family.rows
}

_CODE_LIKE = re.compile(r"^[A-Z]\d")
SEARCH_LIMIT = 25


def normalize(text: str) -> str:
    """Upper-case, no spaces, and the dot after the category (F1020 → F10.20)."""
    code = re.sub(r"\s+", "", text or "").upper()
    if len(code) > 3 and "." not in code:
        code = f"{code[:3]}.{code[3:]}"
    return code


def lookup(text: str) -> Code | None:
    return CODES.get(normalize(text))


def validate(text: str) -> Code:
    """The listed code, or InvalidInput saying what is wrong and what to pick instead."""
    code = normalize(text)
    if not code:
        raise InvalidInput("Enter an ICD-10-CM code, or search by words.", field="code")
    found = CODES.get(code)
    if found is not None:
        return found
    children = [c for c in CODES.values() if c.code.startswith(code)]
    if children:
        choices = "; ".join(f"{c.code} {c.description}" for c in children[:6])
        more = " …" if len(children) > 6 else ""
        raise InvalidInput(
            f"{code} is a category, not a complete code. Choose a complete code: {choices}{more}.",
            field="code",
        )
    raise InvalidInput(
        f"{code} is not in Tandem's list of ICD-10-CM codes for dual-diagnosis care. Check the "
        "code, or search by words (for example “alcohol dependence”). If the code is right, ask "
        "the program director to add it to the list.",
        field="code",
    )


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def dsm_matches(text: str) -> list[DsmName]:
    """DSM-5-TR names holding every word given (“alcohol use disorder, moderate”)."""
    words = _words(text or "")
    if not words:
        return []
    return [n for n in NAMES if all(w in n.name.lower() for w in words)]


def search(text: str, *, limit: int = SEARCH_LIMIT) -> list[Code]:
    """Codes matching a code prefix (F33, f10.2), a DSM-5-TR name in the clinician's words
    (“alcohol use disorder, moderate” → F10.20, listed first), or every word given."""
    query = (text or "").strip()
    if not query:
        return []
    if _CODE_LIKE.match(query.upper()):
        prefix = normalize(query)
        bare = prefix.replace(".", "")
        return [c for c in CODES.values() if c.code.replace(".", "").startswith(bare)][:limit]
    named = [CODES[n.code] for n in dsm_matches(query)]
    words = _words(query)
    worded = [
        c
        for c in CODES.values()
        if all(w in f"{c.code} {c.description} {c.terms}".lower() for w in words)
    ]
    return list(dict.fromkeys(named + worded))[:limit]
