"""Authorization rows for the chart's Billing tab and its coverage writes (BILLING scope: the
billing role and the director, who reach every participant's billing part; clinicians, the
front desk and the auditor do not, and no break-the-glass opens it). The payers and the
service days carry no participant id; their rules are tested in billing/tests/."""

from datetime import date

from billing import services
from tests.authz import Endpoint

BILLING = frozenset({"billing", "director"})


def _payer(world):
    from billing.models import Payer

    found = Payer.objects.filter(organization=world.org).first()
    return found or services.add_payer(
        world.org, by=world.users["billing"], name="Prairie Health Plan", per_diem_code="H0015"
    )


def _coverage(world) -> dict:
    coverage = services.add_coverage(
        world.participant,
        by=world.users["billing"],
        payer=_payer(world),
        member_id="M-1",
        starts_on=date(2026, 9, 8),
    )
    return {"participant_id": world.participant.public_id, "coverage_id": coverage.public_id}


ENDPOINTS = {
    "billing:tab": Endpoint("GET", BILLING, break_glass=frozenset()),
    "billing:coverage_add": Endpoint(
        "POST",
        BILLING,
        data=lambda w: {
            "payer": str(_payer(w).public_id),
            "member_id": "M-2",
            "starts_on": "2026-09-08",
        },
        break_glass=frozenset(),
    ),
    "billing:coverage_error": Endpoint(
        "POST",
        BILLING,
        kwargs=_coverage,
        data=lambda w: {"reason": "Wrong member id"},
        break_glass=frozenset(),
    ),
}
MORE_CASES = {
    "billing:coverage_add": [
        Endpoint(
            "POST",
            BILLING,
            data=lambda w: {"payer": "", "member_id": "", "starts_on": ""},
            status=frozenset({400}),
            break_glass=frozenset(),
            case="invalid",
        )
    ],
}
