"""National lines and mutual-help fellowships every program's directory starts with.

988, the SAMHSA National Helpline and the Crisis Text Line are as in
/work/shared/domain/clinical-reference.md §7 (Hotlines). The NAMI HelpLine and the
fellowships are not in that reference: their details come from each organisation's own site
(named in `source`) and were not checked against it; the directory tells staff to confirm a
number before giving it out. Fields the sources do not state are left empty rather than guessed.
"""

UNVERIFIED = "organisation's own site; not in the program's clinical reference, not verified"

NATIONAL_RESOURCES = [
    {
        "name": "988 Suicide & Crisis Lifeline",
        "kind": "crisis_line",
        "phone": "Call or text 988 (press 1 for the Veterans Crisis Line, 2 for Spanish)",
        "website": "https://988lifeline.org",
        "languages": "English, Spanish",
        "delivery": "online",
        "source": "Clinical reference §7 (Hotlines): call or text 988, chat at 988lifeline.org",
    },
    {
        "name": "SAMHSA National Helpline",
        "kind": "helpline",
        "phone": "1-800-662-HELP (4357); TTY 1-800-487-4889",
        "website": "https://www.samhsa.gov/find-help/national-helpline",
        "hours": "24 hours, 7 days, 365 days a year",
        "languages": "English, Spanish",
        "cost": "Free, confidential; treatment referral",
        "delivery": "online",
        "source": "Clinical reference §7 (Hotlines): SAMHSA National Helpline",
    },
    {
        "name": "Crisis Text Line",
        "kind": "crisis_line",
        "phone": "Text HOME to 741741",
        "delivery": "online",
        "source": "Clinical reference §7 (Hotlines): text HOME to 741741",
    },
    {
        "name": "NAMI HelpLine",
        "kind": "helpline",
        "phone": "1-800-950-NAMI (6264)",
        "website": "https://www.nami.org/help",
        "delivery": "online",
        "source": f"nami.org/help ({UNVERIFIED})",
    },
    {
        "name": "Alcoholics Anonymous (AA)",
        "kind": "mutual_help",
        "website": "https://www.aa.org",
        "delivery": "both",
        "source": f"aa.org, meeting finder ({UNVERIFIED})",
    },
    {
        "name": "Narcotics Anonymous (NA)",
        "kind": "mutual_help",
        "website": "https://na.org",
        "delivery": "both",
        "source": f"na.org, meeting search ({UNVERIFIED})",
    },
    {
        "name": "SMART Recovery",
        "kind": "mutual_help",
        "website": "https://www.smartrecovery.org",
        "delivery": "both",
        "source": f"smartrecovery.org, meetings ({UNVERIFIED})",
    },
    {
        "name": "Dual Recovery Anonymous (DRA)",
        "kind": "mutual_help",
        "website": "https://draonline.org",
        "delivery": "both",
        "source": f"draonline.org ({UNVERIFIED})",
    },
]


def seed_national(resource_model) -> int:
    """Create or refresh the national entries (organization empty); returns how many."""
    for entry in NATIONAL_RESOURCES:
        fields = {k: v for k, v in entry.items() if k != "name"}
        resource_model.objects.update_or_create(
            organization=None, name=entry["name"], defaults=fields
        )
    return len(NATIONAL_RESOURCES)


def national_resource(name: str):
    """One national entry by name, seeding the entries first when they are missing (a test
    database flushed after its migrations ran has none)."""
    from casemanagement.models import Resource

    found = Resource.objects.filter(organization=None, name=name).first()
    if found is None:
        seed_national(Resource)
        found = Resource.objects.get(organization=None, name=name)
    return found
