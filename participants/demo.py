"""The synthetic demo program: one organization, one adult dual-diagnosis IOP, two sites.

Every name, date and detail is generated; none belongs to a real person.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction

from accounts.models import Membership, Organization, Program, Role, Site, User
from accounts.services import create_program
from audit.services import record_event
from participants.models import (
    LEAVING_CARE_STATUSES,
    PRE_ADMISSION_STATUSES,
    CareTeamMember,
    CareTeamRole,
    Episode,
    EpisodeStatus,
    Participant,
    PlaceEnd,
    SexAtBirth,
)
from participants.services import ADMISSION_END_REASON, left_care_end_reason
from tandem.hooks import Hook


@dataclass
class DemoContext:
    """What the foundation seeder made, for later seeders to build on."""

    organization: Organization
    program: Program
    sites: list[Site]
    staff: dict[str, User]  # login name -> User
    rng_seed: int
    stdout: Callable[[str], None] = print
    extras: dict[str, Any] = field(default_factory=dict)

    def case_managed(self, count: int) -> list[Episode]:
        """The program's first `count` active episodes with a case manager on the care team,
        in record order: the participants the demo's case-management work is about, so its
        barriers, referrals and tasks land on the same people."""
        return list(
            Episode.objects.filter(
                program=self.program,
                status=EpisodeStatus.ACTIVE,
                care_team__role=CareTeamRole.CASE_MANAGER,
                care_team__ended_on__isnull=True,
            )
            .select_related("participant")
            .order_by("participant__record_number")[:count]
        )

    def primary_clinicians(self) -> list[User]:
        """The staff who carry caseloads as primary clinicians (`PRIMARY_CLINICIANS`), for a
        part of the demo that hands out stays as the program does."""
        return [self.staff[login] for login in PRIMARY_CLINICIANS]


@dataclass(frozen=True)
class Admission:
    """A newly admitted demo participant, whose episode the foundation leaves in screening:
    placement's admissions seeder records its level-of-care decision and then admits it
    through the episode service on `on`, with `primary_clinician` put on the care team."""

    episode_id: int
    on: date
    primary_clinician: User


@dataclass(frozen=True)
class Seeder:
    """A module's part of the demo, run after the foundation in `order`; idempotent."""

    order: int
    name: str
    seed: Callable[[DemoContext], None]
    # The logins this part makes, each with what it is: `login_lines` prints them.
    logins: tuple[tuple[str, str], ...] = ()


# Each module registers its part from its AppConfig.ready(): SEEDERS.register(Seeder(...)).
SEEDERS: Hook[Seeder] = Hook(
    "participants.demo_seeders", key=lambda s: s.name, sort=lambda s: (s.order, s.name)
)

DEMO_PASSWORD = "tandem-demo"  # noqa: S105 (synthetic demo only, printed on start)
ORG_SLUG = "riverbend-demo"
PROGRAM_NAME = "Dual-Diagnosis Adult IOP"

# login -> (role, first, last, credentials)
STAFF = {
    "director": (Role.DIRECTOR, "Morgan", "Ellery", "LCSW"),
    "supervisor": (Role.SUPERVISOR, "Priya", "Natarajan", "LPC-S"),
    "therapist": (Role.THERAPIST, "Dana", "Reyes", "LMFT"),
    "counsellor": (Role.COUNSELLOR, "Marcus", "Bell", "CADC"),
    "prescriber": (Role.PRESCRIBER, "Ines", "Okafor", "PMHNP"),
    "nurse": (Role.NURSE, "Tom", "Lindqvist", "RN"),
    "casemanager": (Role.CASE_MANAGER, "Rosa", "Delgado", "BSW"),
    "peer": (Role.PEER, "Jamie", "Fox", "CPRS"),
    "intake": (Role.INTAKE, "Alex", "Mori", "LCDC"),
    "frontdesk": (Role.FRONT_DESK, "Kim", "Osei", ""),
    "billing": (Role.BILLING, "Lee", "Farrow", ""),
    "auditor": (Role.AUDITOR, "Sam", "Whitcombe", ""),
    "therapist2": (Role.THERAPIST, "Noor", "Haddad", "LCSW"),
    "counsellor2": (Role.COUNSELLOR, "Ben", "Achterberg", "CADC"),
}
# The logins who carry caseloads as primary clinicians (the therapists and addiction
# counsellors), today's participants and the program's history alike.
PRIMARY_CLINICIANS = ("therapist", "counsellor", "therapist2", "counsellor2")

FIRST_F = [
    "Avery",
    "Brianna",
    "Carmen",
    "Destiny",
    "Elena",
    "Fatima",
    "Grace",
    "Hannah",
    "Imani",
    "Jasmine",
    "Keiko",
    "Lucia",
    "Maya",
    "Nadia",
    "Olivia",
    "Paloma",
    "Quinn",
    "Rachel",
    "Sofia",
    "Tamara",
    "Valeria",
    "Whitney",
    "Yasmin",
    "Zoe",
]
FIRST_M = [
    "Aaron",
    "Brandon",
    "Caleb",
    "Darius",
    "Elijah",
    "Felipe",
    "Gavin",
    "Hector",
    "Isaac",
    "Jamal",
    "Kevin",
    "Luis",
    "Malik",
    "Nathan",
    "Omar",
    "Patrick",
    "Rafael",
    "Samuel",
    "Tyrone",
    "Victor",
    "Wesley",
    "Xavier",
    "Yusuf",
    "Zachary",
]
# Everyday short forms some participants go by; names without one keep none.
NICKNAMES = {
    "Brianna": "Bri",
    "Elena": "Lena",
    "Jasmine": "Jas",
    "Olivia": "Liv",
    "Rachel": "Rae",
    "Valeria": "Val",
    "Elijah": "Eli",
    "Nathan": "Nate",
    "Patrick": "Pat",
    "Samuel": "Sam",
    "Zachary": "Zach",
    "Rafael": "Rafa",
    "Kevin": "Kev",
}
LAST = [
    "Abernathy",
    "Baptiste",
    "Castellanos",
    "Dunmore",
    "Ekwueme",
    "Fairweather",
    "Galloway",
    "Holbrook",
    "Iverson",
    "Jankowski",
    "Kowalczyk",
    "Lindgren",
    "Marchetti",
    "Nakagawa",
    "Oyelaran",
    "Pemberton",
    "Quintero",
    "Rasmussen",
    "Szabo",
    "Thibodeaux",
    "Underhill",
    "Valdivia",
    "Westerfield",
    "Yamamoto",
    "Zelenko",
    "Ashdown",
    "Brennan",
    "Cordova",
]
STREETS = ["Maple Ave", "River Rd", "Elm St", "Lakeview Dr", "Cedar Ln", "Prairie St"]
# Share of demo participants in each status (the rest are active).
STATUS_MIX = [
    (EpisodeStatus.REFERRED, 0.12),
    (EpisodeStatus.SCREENING, 0.15),
    (EpisodeStatus.ADMITTED, 0.10),
    (EpisodeStatus.DISCHARGED, 0.13),
    (EpisodeStatus.DECLINED, 0.05),
    (EpisodeStatus.TRANSFERRED_OUT, 0.03),
]

# Days before today each participant was referred: a stay in care or past it began up to about
# five months ago; a referral still waiting came in the last four weeks, and the level-of-care
# seeder settles those left waiting longer than a program lets one wait (placement.demo); someone
# admitted and not yet active came in the last two weeks or so, as a stay that began months ago
# would long have started.
PAST_REFERRAL_DAYS = (3, 160)
WAITING_REFERRAL_DAYS = (1, 28)
JUST_ADMITTED_REFERRAL_DAYS = (12, 16)  # admitted 2 to 13 days ago


def login_lines() -> list[str]:
    """The demo's logins and their password, as `seed_demo` and `demo_logins` print them."""
    return [
        f"Demo logins (password for all: {DEMO_PASSWORD})",
        *(
            f"  {login:<12} {role.label} ({first} {last})"
            for login, (role, first, last, _) in STAFF.items()
        ),
        f"  {'participant':<12} A participant's own portal",
        *(
            f"  {login:<12} {what}"
            for seeder in SEEDERS.implementations()
            for login, what in seeder.logins
        ),
    ]


def _emergency_contact(rng: random.Random, last: str) -> dict[str, str]:
    """A sister or mother with a woman's name, a brother with a man's, a friend with a name of
    their own; drawn by the same two draws, in the same order, as before, so the rest of the
    demo stays the same."""
    k = rng.randrange(len(FIRST_F) + len(FIRST_M))
    relationship = rng.choice(["Sister", "Partner", "Mother", "Friend", "Brother"])
    given = {"Sister": FIRST_F, "Mother": FIRST_F, "Brother": FIRST_M}.get(
        relationship, FIRST_F + FIRST_M
    )
    family = last
    if relationship == "Friend":
        family = next(name for i in range(k, k + 2) if (name := LAST[i % len(LAST)]) != last)
    return {
        "emergency_contact_name": f"{given[k % len(given)]} {family}",
        "emergency_contact_relationship": relationship,
    }


def seed_foundation(participants: int, *, seed: int = 2026, stdout=print) -> DemoContext:
    """Create (or top up) the demo organization, staff and participants; safe to rerun."""
    rng = random.Random(seed)
    with transaction.atomic():
        org, _ = Organization.objects.get_or_create(
            slug=ORG_SLUG,
            defaults={
                "name": "Riverbend Recovery Collective (synthetic demo)",
                "is_synthetic": True,
            },
        )
        program = Program.objects.filter(organization=org, name=PROGRAM_NAME).first()
        if program is None:
            program = create_program(
                org, name=PROGRAM_NAME, time_zone="America/Chicago", min_weekly_minutes=540
            )
        sites = [
            Site.objects.get_or_create(program=program, name=name, defaults={"address": addr})[0]
            for name, addr in [
                ("Eastside Clinic", "410 Harbor St (synthetic)"),
                ("Downtown Center", "77 Commerce Ave (synthetic)"),
            ]
        ]
        staff = {login: _staff_user(org, login, *spec) for login, spec in STAFF.items()}
        created, admissions = _seed_participants(rng, org, program, sites, staff, participants)
        if created:
            record_event(
                actor=None,
                event_type="demo.imported",
                record_type="participants.Participant",
                details={"synthetic_demo_import": created},
            )
    return DemoContext(org, program, sites, staff, seed, stdout, {"admissions": admissions})


def _staff_user(org: Organization, login: str, role: str, first: str, last: str, cred: str) -> User:
    user = User.objects.filter(username=login).first()
    if user is None:
        user = User(
            username=login,
            first_name=first,
            last_name=last,
            credentials=cred,
            display_name=f"{first} {last}{', ' + cred if cred else ''}",
            email=f"{login}@riverbend.example",
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
    Membership.objects.get_or_create(user=user, organization=org, role=role)
    return user


def _status_for(index: int, total: int) -> str:
    position = index / max(total, 1)
    edge = 0.0
    for status, share in STATUS_MIX:
        edge += share
        if position < edge:
            return status
    return EpisodeStatus.ACTIVE


def _referral_days(status: str) -> tuple[int, int]:
    """How many days ago a participant in `status` may have been referred (one draw whatever
    the status, so the rest of the demo's draws stay the same)."""
    if status in PRE_ADMISSION_STATUSES:
        return WAITING_REFERRAL_DAYS
    if status == EpisodeStatus.ADMITTED:
        return JUST_ADMITTED_REFERRAL_DAYS
    return PAST_REFERRAL_DAYS


def _seed_participants(rng, org, program, sites, staff, total: int) -> tuple[int, list[Admission]]:
    """The participants and their episodes and care teams; an episode in the "admitted"
    status (admitted, not yet active) is left in screening with the admission it waits for,
    so the admission itself goes through the episode service."""
    existing = set(
        Participant.objects.filter(organization=org, record_number__startswith="DEMO-").values_list(
            "record_number", flat=True
        )
    )
    today = program.today()
    people, episodes, plans = [], [], []
    for i in range(total):
        number = f"DEMO-{i + 1:05d}"
        sex = rng.choice(
            [
                SexAtBirth.FEMALE,
                SexAtBirth.MALE,
                SexAtBirth.FEMALE,
                SexAtBirth.MALE,
                SexAtBirth.UNKNOWN,
            ]
        )
        first = rng.choice(FIRST_F if sex == SexAtBirth.FEMALE else FIRST_M)
        last = rng.choice(LAST)
        status = _status_for(i, total)
        referred = today - timedelta(days=rng.randint(*_referral_days(status)))
        if number in existing:
            continue
        pronouns = {"female": "she/her", "male": "he/him"}.get(sex, "they/them")
        person = Participant(
            organization=org,
            record_number=number,
            legal_first_name=first,
            legal_last_name=last,
            preferred_name=rng.choice(["", "", "", NICKNAMES.get(first, "")]),
            pronouns=pronouns,
            date_of_birth=date(
                today.year - rng.randint(19, 66), rng.randint(1, 12), rng.randint(1, 28)
            ),
            sex_at_birth=sex,
            gender_identity={"female": "Woman", "male": "Man"}.get(sex, "Non-binary"),
            preferred_language=rng.choice(["English"] * 8 + ["Spanish", "Vietnamese"]),
            phone=f"555-01{rng.randint(0, 99):02d}",
            email=f"{number.lower()}@example.invalid",
            address=f"{rng.randint(10, 999)} {rng.choice(STREETS)} (synthetic)",
            **_emergency_contact(rng, last),
            emergency_contact_phone=f"555-02{rng.randint(0, 99):02d}",
        )
        people.append(person)
        episodes.append((person, status, referred))
    Participant.objects.bulk_create(people, batch_size=2000)
    clinicians = [staff[login] for login in PRIMARY_CLINICIANS]
    episode_rows = []
    admitting: list[tuple[Episode, date, User]] = []
    for index, (person, status, referred) in enumerate(episodes):
        admitted = referred + timedelta(days=rng.randint(3, 10))
        in_care = status in (EpisodeStatus.ADMITTED, EpisodeStatus.ACTIVE, EpisodeStatus.DISCHARGED)
        if in_care and admitted > today:
            admitted = today
        discharged = None
        if status in (EpisodeStatus.DISCHARGED, EpisodeStatus.TRANSFERRED_OUT):
            discharged = min(today, admitted + timedelta(days=rng.randint(20, 80)))
        primary = (
            clinicians[index % len(clinicians)]
            if in_care or status == EpisodeStatus.TRANSFERRED_OUT
            else None
        )
        admit_later = status == EpisodeStatus.ADMITTED
        episode_rows.append(
            Episode(
                participant=person,
                program=program,
                site=sites[index % len(sites)],
                status=EpisodeStatus.SCREENING if admit_later else status,
                referred_on=referred,
                referral_source=rng.choice(
                    [
                        "Self",
                        "Primary care",
                        "Emergency department",
                        "Inpatient unit step-down",
                        "Court",
                        "Employer EAP",
                    ]
                ),
                admitted_on=admitted
                if (in_care or status == EpisodeStatus.TRANSFERRED_OUT) and not admit_later
                else None,
                discharged_on=discharged,
                primary_clinician=None if admit_later else primary,
            )
        )
        team = []
        if admit_later or status in (
            EpisodeStatus.REFERRED,
            EpisodeStatus.SCREENING,
            EpisodeStatus.DECLINED,
        ):
            team.append((staff["intake"], CareTeamRole.INTAKE))
        if primary is not None:
            if admit_later:  # the admission puts the primary clinician on the team
                admitting.append((episode_rows[-1], admitted, primary))
            else:
                team.append((primary, CareTeamRole.PRIMARY_CLINICIAN))
            team += [
                (staff["prescriber"], CareTeamRole.PRESCRIBER),
                (staff["casemanager"], CareTeamRole.CASE_MANAGER),
            ]
            if index % 2 == 0:
                team.append((staff["peer"], CareTeamRole.PEER))
            if index % 5 == 0:
                team.append((staff["nurse"], CareTeamRole.NURSE))
        plans.append((len(episode_rows) - 1, team, referred))
    Episode.objects.bulk_create(episode_rows, batch_size=2000)
    members = []
    for i, team, referred in plans:
        episode = episode_rows[i]
        places = [
            CareTeamMember(episode=episode, user=user, role=role, started_on=referred)
            for user, role in team
        ]
        if episode.status in LEAVING_CARE_STATUSES:
            # The stay's end ends every place, by whoever recorded it (as leaving care does).
            by = episode.primary_clinician or staff["intake"]
            for place in places:
                _end_with_the_stay(place, episode, by, today)
        if episode.admitted_on is not None:
            places.append(
                _place_ended_at_admission(episode, staff["intake"], referred, episode.admitted_on)
            )
        members += places
    CareTeamMember.objects.bulk_create(members, batch_size=2000)
    _link_portal_participant(org)
    return len(people), [Admission(e.pk, on, primary) for e, on, primary in admitting]


def _place_ended_at_admission(
    episode: Episode, intake: User, referred: date, admitted: date
) -> CareTeamMember:
    """The intake clinician's place from the referral, ended at admission as admitting ends
    it."""
    return CareTeamMember(
        episode=episode,
        user=intake,
        role=CareTeamRole.INTAKE,
        started_on=referred,
        ended_on=admitted,
        ended_at=datetime.combine(admitted, time(10, 0), episode.program.tz),
        ended_by=intake,
        ended_how=PlaceEnd.ADMISSION,
        end_reason=ADMISSION_END_REASON,
    )


def _end_with_the_stay(place: CareTeamMember, episode: Episode, by: User, today: date) -> None:
    """A place ended when the stay did: on the discharge (or the decline, today), with who,
    when, how and why as leaving care records them."""
    place.ended_on = episode.discharged_on or today
    place.ended_at = datetime.combine(place.ended_on, time(16, 0), episode.program.tz)
    place.ended_by = by
    place.ended_how = PlaceEnd.LEFT_CARE
    place.end_reason = left_care_end_reason(episode.status)


def _link_portal_participant(org: Organization) -> None:
    """Give one active participant a portal login, for trying the participant's view."""
    if User.objects.filter(username="participant").exists():
        return
    person = (
        Participant.objects.filter(
            organization=org, episodes__status=EpisodeStatus.ACTIVE, user__isnull=True
        )
        .order_by("record_number")
        .first()
    )
    if person is None:
        return
    user = User(
        username="participant",
        kind=User.Kind.PARTICIPANT,
        first_name=person.preferred_name or person.legal_first_name,
        last_name=person.legal_last_name,
    )
    user.set_password(DEMO_PASSWORD)
    user.save()
    Participant.objects.filter(pk=person.pk).update(user=user)
