"""SAMHSA TEDS code sets the intake records, declared once as data.

Source: the TEDS-D 2019 public-use-file codebook (SAMHSA, public domain), as transcribed in
`kabellhart/teds-processing` (TEDS-D-2019-DS0001-info-codebook_V1_codes.csv) and summarised in
the clinical reference, section 3. These are the public-use-file values; states submit finer
categories under the TEDS State Instruction Manual, so a state export maps from these. TEDS
codes a missing answer as -9; Tandem stores "not recorded" as an absent value instead.

Each code set is a tuple of (code, label) pairs, the code being the TEDS value as a string.
"""

from bisect import bisect_right

# SUB1/SUB2/SUB3: primary, secondary and tertiary substance at admission.
SUBSTANCE = (
    ("1", "None"),
    ("2", "Alcohol"),
    ("3", "Cocaine/crack"),
    ("4", "Marijuana/hashish"),
    ("5", "Heroin"),
    ("6", "Non-prescription methadone"),
    ("7", "Other opiates and synthetics"),
    ("8", "PCP"),
    ("9", "Hallucinogens"),
    ("10", "Methamphetamine/speed"),
    ("11", "Other amphetamines"),
    ("12", "Other stimulants"),
    ("13", "Benzodiazepines"),
    ("14", "Other tranquilizers"),
    ("15", "Barbiturates"),
    ("16", "Other sedatives or hypnotics"),
    ("17", "Inhalants"),
    ("18", "Over-the-counter medications"),
    ("19", "Other drugs"),
)

# ROUTE1-3: usual route of administration.
ROUTE = (
    ("1", "Oral"),
    ("2", "Smoking"),
    ("3", "Inhalation"),
    ("4", "Injection (intravenous, intramuscular, intradermal or subcutaneous)"),
    ("5", "Other"),
)

# FREQ1-3: frequency of use in the past month (public-use-file bands).
FREQUENCY = (
    ("1", "No use in the past month"),
    ("2", "Some use"),
    ("3", "Daily use"),
)

# FRSTUSE1-3: age at first use, in bands. Tandem records the age in years and shows the band.
FIRST_USE_AGE = (
    ("1", "11 years and under"),
    ("2", "12–14 years"),
    ("3", "15–17 years"),
    ("4", "18–20 years"),
    ("5", "21–24 years"),
    ("6", "25–29 years"),
    ("7", "30 years and over"),
)
# The youngest age of bands 2..7, for placing an age in its band.
_FIRST_USE_BAND_STARTS = (12, 15, 18, 21, 25, 30)

# PSOURCE: referral source.
REFERRAL_SOURCE = (
    ("1", "Individual (includes self-referral)"),
    ("2", "Alcohol/drug use care provider"),
    ("3", "Other health care provider"),
    ("4", "School (educational)"),
    ("5", "Employer/EAP"),
    ("6", "Other community referral"),
    ("7", "Court/criminal justice referral/DUI/DWI"),
)

# EMPLOY: employment status at admission.
EMPLOYMENT = (
    ("1", "Full-time"),
    ("2", "Part-time"),
    ("3", "Unemployed"),
    ("4", "Not in labor force"),
)

# DETNLF: detail when not in the labour force.
NOT_IN_LABOR_FORCE = (
    ("1", "Homemaker"),
    ("2", "Student"),
    ("3", "Retired, disabled"),
    ("4", "Resident of institution"),
    ("5", "Other"),
)

# LIVARAG: living arrangements at admission.
LIVING_ARRANGEMENT = (
    ("1", "Homeless"),
    ("2", "Dependent living"),
    ("3", "Independent living"),
)

# EDUC: education.
EDUCATION = (
    ("1", "Less than one school grade, no schooling, nursery school, or kindergarten to grade 8"),
    ("2", "Grades 9 to 11"),
    ("3", "Grade 12 (or GED)"),
    ("4", "1–3 years of college, university or vocational school"),
    ("5", "4 years of college, university, BA/BS, some postgraduate study, or more"),
)

# ARRESTS: arrests in the 30 days before admission.
ARRESTS = (
    ("0", "None"),
    ("1", "Once"),
    ("2", "Two or more times"),
)

# FREQ_ATND_SELF_HELP: substance-use self-help group attendance in the past 30 days.
SELF_HELP_ATTENDANCE = (
    ("1", "No attendance"),
    ("2", "1–3 times in the past month"),
    ("3", "4–7 times in the past month"),
    ("4", "8–30 times in the past month"),
    ("5", "Some attendance, frequency is unknown"),
)

# PREG: pregnant at admission.
PREGNANT = (
    ("1", "Yes"),
    ("2", "No"),
)


def first_use_band(age: int) -> str:
    """The TEDS FRSTUSE code for an age at first use (1 = 11 and under … 7 = 30 and over)."""
    return str(bisect_right(_FIRST_USE_BAND_STARTS, age) + 1)


def label(code_set: tuple[tuple[str, str], ...], code: str) -> str:
    """The label of a code, or the code itself if the set does not carry it."""
    return dict(code_set).get(code, code)
