"""Authorization rows for the chart's Portal tab: whoever reads the record's demographics sees
whether the participant has a portal login; the clinicians, intake and oversight (the
`portal.invite` capability) who reach the record send them a sign-in link or turn it off. The
front desk and billing do not."""

from tests.authz import CLINICAL_WRITE, DEMOGRAPHICS_READ, Endpoint

ENDPOINTS = {
    "portal:access": Endpoint("GET", frozenset(DEMOGRAPHICS_READ)),
    # The world's participant has a login already: a new sign-in link, shown once (200).
    "portal:invite": Endpoint("POST", frozenset(CLINICAL_WRITE)),
    "portal:turn_off": Endpoint("POST", frozenset(CLINICAL_WRITE)),
}
