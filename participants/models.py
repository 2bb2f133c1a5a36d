"""The participant record, episodes of care, care teams and break-the-glass grants."""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone

from accounts.models import LevelOfCare, Organization, Program, Site
from tandem.dates import FIRST_DAY, RANGE_MESSAGE, in_range
from tandem.models import TimeStamped, Versioned
from tandem.records import ClinicalRecord
from tandem.validation import NAMES_ITS_FIELD

# Episode dates are recorded as things happen; one further ahead than this is a typing slip
# (2062 for 2026), not a plan.
EPISODE_DATES_AHEAD = timedelta(days=366)


def birth_date_problem(date_of_birth: date | None, today: date) -> str | None:
    """Why a date of birth cannot be right, or None."""
    if date_of_birth is None:
        return None
    if date_of_birth > today:
        return "The date of birth cannot be in the future."
    if date_of_birth < FIRST_DAY:
        return f"The date of birth cannot be before {FIRST_DAY.isoformat()}."
    return None


def episode_date_problems(
    date_of_birth: date | None,
    *,
    referred_on: date | None,
    admitted_on: date | None,
    discharged_on: date | None,
    today: date,
) -> dict[str, str]:
    """Why an episode's dates cannot be right, by field: referral, admission and discharge in
    that order, none before the participant was born or outside the program range, none more
    than a year past today."""
    checks = [
        ("referred_on", "referral", referred_on, date_of_birth, "the date of birth"),
        ("admitted_on", "admission", admitted_on, referred_on, "the referral date"),
        (
            "discharged_on",
            "discharge",
            discharged_on,
            admitted_on or referred_on,
            "the admission date" if admitted_on else "the referral date",
        ),
    ]
    problems: dict[str, str] = {}
    for field, label, day, earliest, earliest_label in checks:
        if day is None:
            continue
        if not in_range(day):
            problems[field] = f"The {label} date {RANGE_MESSAGE}."
        elif earliest is not None and day < earliest:
            problems[field] = f"The {label} date cannot be before {earliest_label}."
        elif day > today + EPISODE_DATES_AHEAD:
            problems[field] = f"The {label} date cannot be more than a year from today."
    return problems


class SexAtBirth(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    INTERSEX = "intersex", "Intersex"
    UNKNOWN = "unknown", "Unknown / not disclosed"


class Participant(ClinicalRecord, Versioned):
    """The participant's record. Demographics are edited in place (versioned); a record
    opened by mistake (a duplicate, the wrong person) is marked entered in error and then
    leaves every list and page."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="participants"
    )
    record_number = models.CharField(max_length=20)
    legal_first_name = models.CharField(max_length=100)
    legal_last_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    pronouns = models.CharField(max_length=40, blank=True)
    date_of_birth = models.DateField()
    sex_at_birth = models.CharField(
        max_length=10, choices=SexAtBirth.choices, default=SexAtBirth.UNKNOWN
    )
    gender_identity = models.CharField(max_length=60, blank=True)
    preferred_language = models.CharField(max_length=40, default="English")
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    address = models.CharField(max_length=300, blank=True)
    emergency_contact_name = models.CharField(max_length=150, blank=True)
    emergency_contact_relationship = models.CharField(max_length=60, blank=True)
    emergency_contact_phone = models.CharField(max_length=30, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="participant_record",
        help_text="The participant's own portal login, if they have one.",
    )

    class Meta(ClinicalRecord.Meta):
        constraints = [
            *ClinicalRecord.Meta.constraints,
            models.UniqueConstraint(
                fields=["organization", "record_number"], name="participant_record_number_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "legal_last_name", "legal_first_name"]),
            models.Index(fields=["organization", "date_of_birth"]),
            # The few records withdrawn as entered in error, which counts of enrolled people
            # leave out: read from this index instead of scanning every record.
            models.Index(
                fields=["entered_in_error_at"],
                condition=Q(entered_in_error_at__isnull=False),
                name="participant_withdrawn",
            ),
            # The surname beside the key: the under-dosed lists order thousands of episodes
            # by surname and read it from this index instead of every participant's row.
            models.Index(fields=["id"], include=["legal_last_name"], name="participant_surname"),
            # An organization's records in force in the order lists of names are read in
            # (surname, first name, case aside), the names beside: a page of a list of
            # thousands (the week's service days to bill) is read in that order from this
            # index rather than sorting every name on each page.
            models.Index(
                F("organization"),
                Lower("legal_last_name"),
                Lower("legal_first_name"),
                F("id"),
                include=["legal_last_name", "legal_first_name"],
                condition=Q(entered_in_error_at__isnull=True),
                name="participant_by_name",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.record_number})"

    def clean(self) -> None:
        """A birth date is in the past and after 1900: anything else is a typing slip."""
        super().clean()
        problem = birth_date_problem(self.date_of_birth, timezone.localdate())
        if problem:
            raise ValidationError({"date_of_birth": ValidationError(problem, code=NAMES_ITS_FIELD)})

    @property
    def display_name(self) -> str:
        """The name to address them by: preferred first name if they gave one."""
        first = self.preferred_name or self.legal_first_name
        return f"{first} {self.legal_last_name}"

    def age_on(self, day: date) -> int:
        dob = self.date_of_birth
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))

    @property
    def age(self) -> int:
        return self.age_on(timezone.localdate())


class EpisodeStatus(models.TextChoices):
    REFERRED = "referred", "Referred"
    SCREENING = "screening", "Screening"
    ADMITTED = "admitted", "Admitted"
    ACTIVE = "active", "Active"
    DISCHARGED = "discharged", "Discharged"
    DECLINED = "declined", "Declined"
    TRANSFERRED_OUT = "transferred_out", "Transferred out"


# The lifecycle of an episode, as a table: every allowed move and nothing else.
EPISODE_TRANSITIONS: dict[str, frozenset[str]] = {
    EpisodeStatus.REFERRED: frozenset({EpisodeStatus.SCREENING, EpisodeStatus.DECLINED}),
    EpisodeStatus.SCREENING: frozenset(
        {EpisodeStatus.ADMITTED, EpisodeStatus.DECLINED, EpisodeStatus.TRANSFERRED_OUT}
    ),
    EpisodeStatus.ADMITTED: frozenset(
        {EpisodeStatus.ACTIVE, EpisodeStatus.DISCHARGED, EpisodeStatus.TRANSFERRED_OUT}
    ),
    EpisodeStatus.ACTIVE: frozenset({EpisodeStatus.DISCHARGED, EpisodeStatus.TRANSFERRED_OUT}),
    EpisodeStatus.DISCHARGED: frozenset(),
    EpisodeStatus.DECLINED: frozenset(),
    EpisodeStatus.TRANSFERRED_OUT: frozenset(),
}
# Moves that pass through another status on the way, each step kept in the episode's
# versions: a referred episode's level-of-care decision is its screening, so admitting it
# or referring it out passes through screening.
EPISODE_PASSES_THROUGH: dict[tuple[str, str], str] = {
    (EpisodeStatus.REFERRED, EpisodeStatus.ADMITTED): EpisodeStatus.SCREENING,
    (EpisodeStatus.REFERRED, EpisodeStatus.TRANSFERRED_OUT): EpisodeStatus.SCREENING,
}
OPEN_STATUSES = frozenset(
    {
        EpisodeStatus.REFERRED,
        EpisodeStatus.SCREENING,
        EpisodeStatus.ADMITTED,
        EpisodeStatus.ACTIVE,
    }
)
PRE_ADMISSION_STATUSES = frozenset({EpisodeStatus.REFERRED, EpisodeStatus.SCREENING})
IN_CARE_STATUSES = frozenset({EpisodeStatus.ADMITTED, EpisodeStatus.ACTIVE})
# Ways an episode ends once the participant was admitted: the discharge workflow's outcomes.
LEFT_AFTER_ADMISSION_STATUSES = frozenset({EpisodeStatus.DISCHARGED, EpisodeStatus.TRANSFERRED_OUT})
# Moves that end the participant's care here: each needs a reason and a confirmation.
LEAVING_CARE_STATUSES = frozenset(
    {EpisodeStatus.DISCHARGED, EpisodeStatus.DECLINED, EpisodeStatus.TRANSFERRED_OUT}
)


class Episode(TimeStamped, Versioned):
    """One stay of one participant in one program: everything clinical hangs on it."""

    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="episodes")
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="episodes")
    site = models.ForeignKey(Site, null=True, blank=True, on_delete=models.PROTECT)
    status = models.CharField(
        max_length=20, choices=EpisodeStatus.choices, default=EpisodeStatus.REFERRED
    )
    referred_on = models.DateField()
    referral_source = models.CharField(max_length=120, blank=True)
    admitted_on = models.DateField(null=True, blank=True)
    discharged_on = models.DateField(null=True, blank=True)
    level_of_care = models.CharField(
        max_length=8, choices=LevelOfCare.choices, default=LevelOfCare.IOP
    )
    primary_clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="primary_episodes",
    )
    status_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["program", "status"]),
            # A program's participants in care, each one's latest episode first found by
            # participant: the under-dosed count and list read them from this index alone.
            models.Index(
                fields=["program", "participant", "id"],
                include=["admitted_on", "discharged_on"],
                condition=models.Q(status__in=sorted(IN_CARE_STATUSES)),
                name="episode_in_care",
            ),
        ]

    def __str__(self) -> str:
        return f"Episode {self.public_id} ({self.get_status_display()})"

    def clean(self) -> None:
        """The episode's dates in order, after the participant's birth, none far ahead."""
        super().clean()
        problems = episode_date_problems(
            self.participant.date_of_birth if self.participant_id else None,
            referred_on=self.referred_on,
            admitted_on=self.admitted_on,
            discharged_on=self.discharged_on,
            today=self.program.today() if self.program_id else timezone.localdate(),
        )
        if problems:
            raise ValidationError(
                {f: ValidationError(m, code=NAMES_ITS_FIELD) for f, m in problems.items()}
            )

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_discharged(self) -> bool:
        """Ended by a discharge (not declined or transferred out): there is a discharge
        summary and an aftercare plan to lead the participant to."""
        return self.status == EpisodeStatus.DISCHARGED


class CareTeamRole(models.TextChoices):
    PRIMARY_CLINICIAN = "primary_clinician", "Primary clinician"
    THERAPIST = "therapist", "Therapist"
    COUNSELLOR = "counsellor", "Addiction counsellor"
    PRESCRIBER = "prescriber", "Psychiatric prescriber"
    NURSE = "nurse", "Nurse"
    CASE_MANAGER = "case_manager", "Case manager"
    PEER = "peer", "Peer specialist"
    INTAKE = "intake", "Intake clinician"


class PlaceEnd(models.TextChoices):
    """How a place on a care team ended."""

    BY_HAND = "by_hand", "Taken off the care team"
    ADMISSION = "admission", "Intake ended at admission"
    LEFT_CARE = "left_care", "Ended with the stay"
    REPLACED = "replaced", "Replaced as primary clinician"


class CareTeamMember(TimeStamped, Versioned):
    """A staff member's place on one episode's care team, in one role. A place ends on a date
    and the row stays as history: with the episode (admission ends the intake coordinator's,
    leaving care ends everyone's), when a primary clinician is replaced, or by hand. Every end
    keeps who ended it, when, how and why (`ended_by`, `ended_at`, `ended_how`, `end_reason`);
    places ended before ends were recorded keep only their date."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="care_team")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="care_team_memberships",
        verbose_name="staff member",
    )
    role = models.CharField(max_length=20, choices=CareTeamRole.choices)
    started_on = models.DateField(default=timezone.localdate)
    ended_on = models.DateField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ended_how = models.CharField(max_length=20, choices=PlaceEnd.choices, blank=True)
    end_reason = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["episode", "user", "role"],
                condition=models.Q(ended_on__isnull=True),
                name="care_team_unique_active_role",
            ),
            # A place ends with who, when, how and why, as a record entered in error does; a
            # place ended before ends were recorded has its date alone.
            models.CheckConstraint(
                condition=(
                    Q(ended_at__isnull=True, ended_by__isnull=True, ended_how="", end_reason="")
                    | (
                        Q(
                            ended_on__isnull=False,
                            ended_at__isnull=False,
                            ended_by__isnull=False,
                            ended_how__in=PlaceEnd.values,
                        )
                        & ~Q(end_reason="")
                    )
                ),
                name="care_team_end_recorded",
            ),
        ]
        indexes = [models.Index(fields=["user", "ended_on"])]

    @classmethod
    def ended_with_the_stay(cls) -> Q:
        """Places that ended because the stay did (not taken off the team by hand, nor
        replaced, that day); a place ended before ends were recorded counts as it did then."""
        return Q(ended_how__in=[PlaceEnd.LEFT_CARE, ""])

    def __str__(self) -> str:
        return f"{self.user} as {self.get_role_display()}"

    @property
    def is_primary(self) -> bool:
        """The primary clinician's place: replaced by another clinician, never simply ended."""
        return self.role == CareTeamRole.PRIMARY_CLINICIAN


class BreakGlassGrant(TimeStamped):
    """Emergency access outside the care team: time-limited, reasoned, reviewed by an auditor."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="break_glass_grants"
    )
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="break_glass_grants"
    )
    reason = models.TextField()
    expires_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="break_glass_reviews",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "participant", "expires_at"])]

    def is_active(self) -> bool:
        return self.expires_at > timezone.now()
