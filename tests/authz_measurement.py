"""Authorization rows for the Measures tab, reminder choice, kiosk hand-over and measures API."""

from tests.authz import CLINICAL_READ, CLINICAL_WRITE, Endpoint

ENDPOINTS = {
    "measurement:tab": Endpoint("GET", frozenset(CLINICAL_READ)),
    "measurement:reminders": Endpoint(
        "POST", frozenset(CLINICAL_WRITE), data=lambda w: {"email": "", "sms": ""}
    ),
    "measurement:kiosk_start": Endpoint("POST", frozenset(CLINICAL_WRITE)),
    "api:list_measures": Endpoint("API_GET", frozenset(CLINICAL_READ)),
}
