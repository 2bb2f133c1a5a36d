"""Every time on a page is in the program's time zone, in one format, with the zone named."""

from datetime import UTC, datetime

from django.urls import reverse

from assessments.services import record_administration
from assessments.tests.administration_helpers import answers
from monitoring.models import Alert

# 18:45 UTC is 12:45 in Chicago (CST) on this date.
COMPLETED = datetime(2026, 11, 20, 18, 45, tzinfo=UTC)


def test_a_phq9_and_its_alert_show_the_same_local_time(world, login):
    administration = record_administration(
        world.participant,
        code="phq-9",
        answers=answers("phq-9", q9=2),
        mode="staff-entered",
        by=world.therapist,
        completed_at=COMPLETED,
    )
    Alert.objects.filter(participant=world.participant).update(created_at=COMPLETED)
    client = login(world.therapist)

    result = client.get(
        reverse("assessments:result", args=[world.participant.public_id, administration.public_id])
    ).content.decode()
    alerts = client.get(
        reverse("monitoring:participant_alerts", args=[world.participant.public_id])
    ).content.decode()

    assert "Fri 20 Nov 2026, 12:45 CST" in result
    assert "Fri 20 Nov 2026, 12:45 CST" in alerts
    assert "18:45" not in result and "18:45" not in alerts
