"""A synthetic support person with a sign-in, for trying a support person's page. Made up.

The participant with the demo's portal login (or else the first active demo participant)
names a sister as a support and signs a Part 2 consent naming her, until the end of
treatment, which shares their upcoming session times and this week's attendance.
Idempotent: once the `family` login exists nothing more is made.
"""

from accounts.models import User
from consent.models import ConsentKind, Expiry
from consent.services import record_consent
from family import services
from participants.demo import DEMO_PASSWORD, DemoContext
from participants.models import Episode, EpisodeStatus

LOGIN = "family"
LOGINS = ((LOGIN, "Support person (Avery, sister of the participant above; synthetic)"),)


def seed(context: DemoContext) -> None:
    if User.objects.filter(username=LOGIN).exists():
        return
    episodes = Episode.objects.filter(
        program=context.program,
        status=EpisodeStatus.ACTIVE,
        participant__record_number__startswith="DEMO-",
    ).select_related("participant", "primary_clinician")
    episode = (
        episodes.filter(participant__user__username="participant").first()
        or episodes.order_by("participant__record_number").first()
    )
    if episode is None:
        return
    participant = episode.participant
    by = episode.primary_clinician or context.staff["director"]
    user = User(
        username=LOGIN,
        kind=User.Kind.SUPPORT,
        first_name="Avery",
        last_name=participant.legal_last_name,
    )
    user.set_password(DEMO_PASSWORD)
    user.save()
    person = services.add_support_person(
        participant,
        by=by,
        name=f"Avery {participant.legal_last_name}",
        relationship="Sister",
        phone="555-0142",
        emergency_contact=True,
    )
    services.link_login(person, user, by=by)
    consent = record_consent(
        participant,
        by=by,
        episode=episode,
        kind=ConsentKind.PART2,
        signed_on=episode.admitted_on or episode.referred_on,
        discloser=context.program.name,
        information="My upcoming session times and my attendance this week (synthetic)",
        parts=("attendance",),
        recipients=f"Avery {participant.legal_last_name}, my sister",
        purpose="At my request, so my family can support me",
        expiry=Expiry.END_OF_TREATMENT,
    )
    services.record_sharing(person, consent, by=by, schedule=True, attendance=True)
    context.stdout(f"  support people: {LOGIN} signs in as {person.name}, a support person")
