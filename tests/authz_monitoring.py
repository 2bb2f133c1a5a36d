"""Authorization rows for the alerts pages."""

from monitoring.services import raise_alert
from tests.authz import CLINICAL_READ, CLINICAL_WRITE, Endpoint


def _alert_kwargs(world):
    alert = raise_alert(
        world.participant, kind="test", severity="high", title="Matrix test alert", dedupe_key="m"
    )
    return {"participant_id": world.participant.public_id, "alert_id": alert.public_id}


ENDPOINTS = {
    "monitoring:participant_alerts": Endpoint("GET", frozenset(CLINICAL_READ)),
    "monitoring:acknowledge": Endpoint(
        "POST",
        frozenset(CLINICAL_WRITE),
        kwargs=_alert_kwargs,
        data=lambda w: {"note": "Called the participant; safe."},
    ),
}
