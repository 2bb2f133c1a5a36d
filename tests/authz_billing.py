"""Authorization rows for the chart's Billing tab and its coverage writes (BILLING scope: the
billing role and the director, who reach every participant's billing part; clinicians, the
front desk and the auditor do not, and no break-the-glass opens it). A physician's IOP
certification is recorded there only by those who also hold `billing.certify` (roles that
may sign): of the roles reaching the tab, the director. The signers record one where they work
too, on the Level of care tab's card (`billing:certify`, the clinical record): the licensed
clinicians and oversight, not the nurse, case manager or peer specialist. The payers and the
service days carry no participant id; their rules are tested in billing/tests/."""

from datetime import date

from billing import services
from tests.authz import CLINICAL_WRITE, Endpoint

BILLING = frozenset({"billing", "director"})
CERTIFY = frozenset({"director"})
# On the clinical record: who may change it and holds `billing.certify`.
CERTIFY_ON_THE_CHART = frozenset(CLINICAL_WRITE - {"peer", "nurse", "casemanager"})


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


def _certification(world) -> dict:
    certification = services.add_certification(
        world.participant,
        by=world.users["director"],
        episode=world.episode,
        physician=world.users["prescriber"],
        certified_on=date(2026, 10, 1),
        needs_nine_hours=True,
    )
    return {
        "participant_id": world.participant.public_id,
        "certification_id": certification.public_id,
    }


def _certifying(world) -> dict:
    return {
        "episode": str(world.episode.public_id),
        "physician": str(world.users["prescriber"].public_id),
        "certified_on": "2026-10-01",
        "needs_nine_hours": "on",
    }


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
ENDPOINTS |= {
    "billing:certification_add": Endpoint(
        "POST", CERTIFY, data=_certifying, break_glass=frozenset()
    ),
    "billing:certification_error": Endpoint(
        "POST",
        CERTIFY,
        kwargs=_certification,
        data=lambda w: {"reason": "Wrong participant"},
        break_glass=frozenset(),
    ),
}
ENDPOINTS |= {
    "billing:certify": Endpoint(
        "POST",
        CERTIFY_ON_THE_CHART,
        data=lambda w: {
            "physician": str(w.users["prescriber"].public_id),
            "certified_on": "2026-12-01",
            "needs_nine_hours": "on",
        },
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
    "billing:certify": [
        Endpoint(
            "POST",
            CERTIFY_ON_THE_CHART,
            data=lambda w: {"physician": "", "certified_on": "", "needs_nine_hours": ""},
            status=frozenset({400}),
            case="invalid",
        )
    ],
    "billing:certification_add": [
        Endpoint(
            "POST",
            CERTIFY,
            data=lambda w: {**_certifying(w), "needs_nine_hours": ""},
            status=frozenset({400}),
            break_glass=frozenset(),
            case="invalid",
        )
    ],
}
