"""Case management: what stands between a participant and coming to care, the program's
resource directory, referrals to those resources (a closed loop), and requests to the
scheduler that a barrier calls for."""

from django.conf import settings
from django.db import models

from tandem.dates import validate_in_range
from tandem.models import TimeStamped, Versioned


class BarrierKind(models.TextChoices):
    TRANSPORT = "transport", "Transport"
    CHILDCARE = "childcare", "Childcare"
    WORK_SHIFTS = "work_shifts", "Irregular or changing work shifts"
    HOUSING = "housing", "Housing"
    EMPLOYMENT_SCHOOL = "employment_school", "Employment or school"
    LEGAL = "legal", "Legal"
    INSURANCE = "insurance", "Insurance or benefits"
    TELEHEALTH = "telehealth", "A phone or internet for telehealth"
    LANGUAGE = "language", "Language"


class BarrierStatus(models.TextChoices):
    OPEN = "open", "Open"
    WORKING = "working", "Being worked on"
    RESOLVED = "resolved", "Resolved"
    NO_LONGER = "no_longer", "No longer a barrier"


CLOSED_BARRIER_STATUSES = frozenset({BarrierStatus.RESOLVED, BarrierStatus.NO_LONGER})


class Barrier(TimeStamped, Versioned):
    """One thing that keeps a participant from attending, with who is working on it."""

    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="barriers"
    )
    episode = models.ForeignKey(
        "participants.Episode", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=BarrierKind.choices)
    detail = models.CharField(max_length=500, blank=True)
    status = models.CharField(
        max_length=10, choices=BarrierStatus.choices, default=BarrierStatus.OPEN
    )
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["participant", "status"])]

    def __str__(self) -> str:
        return self.get_kind_display()

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSED_BARRIER_STATUSES


class ScheduleChange(models.TextChoices):
    EVENING = "evening", "Evening sessions"
    VIRTUAL = "virtual", "Virtual sessions"
    FEWER_DAYS = "fewer_days", "Fewer days a week"
    OTHER_DAYS = "other_days", "Different days"
    OTHER = "other", "Another change"


class ChangeRequestStatus(models.TextChoices):
    OPEN = "open", "Waiting for the scheduler"
    MADE = "made", "Change made"
    DECLINED = "declined", "Not possible"


class ScheduleChangeRequest(TimeStamped, Versioned):
    """A barrier asks the scheduler for a change to the participant's week.

    The change itself is made in the participant's scheduling profile (mode, availability,
    constraints) on the Schedule tab, where the request shows until it is answered.
    """

    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="schedule_requests"
    )
    episode = models.ForeignKey("participants.Episode", on_delete=models.PROTECT, related_name="+")
    barrier = models.ForeignKey(Barrier, on_delete=models.PROTECT, related_name="change_requests")
    change = models.CharField(max_length=12, choices=ScheduleChange.choices)
    detail = models.CharField(max_length=500, blank=True)
    status = models.CharField(
        max_length=10, choices=ChangeRequestStatus.choices, default=ChangeRequestStatus.OPEN
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    answer = models.CharField(max_length=500, blank=True)

    class Meta:
        indexes = [models.Index(fields=["participant", "status"])]

    def __str__(self) -> str:
        return self.get_change_display()


class ResourceKind(models.TextChoices):
    CRISIS_LINE = "crisis_line", "Crisis line"
    HELPLINE = "helpline", "Helpline"
    MUTUAL_HELP = "mutual_help", "Mutual-help fellowship"
    HOUSING = "housing", "Housing"
    FOOD = "food", "Food"
    LEGAL = "legal", "Legal aid"
    EMPLOYMENT = "employment", "Employment or school"
    TRANSPORT = "transport", "Transport"
    CHILDCARE = "childcare", "Childcare"
    BENEFITS = "benefits", "Insurance or benefits"
    HEALTH = "health", "Health care"
    OTHER = "other", "Other"


class Delivery(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    ONLINE = "online", "Online or by phone"
    BOTH = "both", "In person and online"


class Resource(TimeStamped):
    """A service the program sends people to. National lines (no organization) are seeded
    with their source; each program adds its own local ones."""

    organization = models.ForeignKey(
        "accounts.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty for a national resource every program sees.",
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=ResourceKind.choices)
    address = models.CharField(max_length=300, blank=True)
    phone = models.CharField(max_length=100, blank=True)
    website = models.URLField(blank=True)
    hours = models.CharField(max_length=200, blank=True)
    languages = models.CharField(max_length=200, blank=True)
    cost = models.CharField("cost or insurance", max_length=200, blank=True)
    delivery = models.CharField(max_length=10, choices=Delivery.choices)
    source = models.CharField(
        max_length=300, blank=True, help_text="Where the details come from (cite it)."
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class ReferralStatus(models.TextChoices):
    MADE = "made", "Referral made"
    APPOINTMENT_SET = "appointment_set", "Appointment set"
    ATTENDED = "attended", "Attended"
    NOT_ATTENDED = "not_attended", "Did not attend"
    CANCELLED = "cancelled", "Cancelled"


# The closed loop: made → appointment set → attended or not (a missed one may be set again).
REFERRAL_TRANSITIONS: dict[str, frozenset[str]] = {
    ReferralStatus.MADE: frozenset({ReferralStatus.APPOINTMENT_SET, ReferralStatus.CANCELLED}),
    ReferralStatus.APPOINTMENT_SET: frozenset(
        {
            ReferralStatus.APPOINTMENT_SET,
            ReferralStatus.ATTENDED,
            ReferralStatus.NOT_ATTENDED,
            ReferralStatus.CANCELLED,
        }
    ),
    ReferralStatus.NOT_ATTENDED: frozenset(
        {ReferralStatus.APPOINTMENT_SET, ReferralStatus.CANCELLED}
    ),
    ReferralStatus.ATTENDED: frozenset(),
    ReferralStatus.CANCELLED: frozenset(),
}


class ResourceReferral(TimeStamped, Versioned):
    """A referral of a participant to a resource, followed until we know they got there."""

    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="resource_referrals"
    )
    episode = models.ForeignKey(
        "participants.Episode", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="referrals")
    barrier = models.ForeignKey(
        Barrier, null=True, blank=True, on_delete=models.PROTECT, related_name="referrals"
    )
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=16, choices=ReferralStatus.choices, default=ReferralStatus.MADE
    )
    made_on = models.DateField(validators=[validate_in_range])
    appointment_on = models.DateField(
        "appointment date", null=True, blank=True, validators=[validate_in_range]
    )
    appointment_detail = models.CharField("time and place", max_length=300, blank=True)
    verify_on = models.DateField("check on", null=True, blank=True, validators=[validate_in_range])
    note = models.CharField(max_length=500, blank=True)
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["participant", "status"])]

    def __str__(self) -> str:
        return f"Referral to {self.resource}"

    @property
    def can_set_appointment(self) -> bool:
        """Read from the closed loop's transition table, so the page offers what the service takes."""
        return ReferralStatus.APPOINTMENT_SET in REFERRAL_TRANSITIONS[self.status]

    @property
    def can_record_attendance(self) -> bool:
        return ReferralStatus.ATTENDED in REFERRAL_TRANSITIONS[self.status]

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.appointment_on and self.appointment_on < self.made_on:
            raise ValidationError(
                {"appointment_on": "The appointment cannot be before the referral was made."}
            )
        if self.verify_on and self.appointment_on and self.verify_on < self.appointment_on:
            raise ValidationError({"verify_on": "Check on or after the appointment date."})
