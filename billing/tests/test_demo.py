import pytest
from django.core.management import call_command

from accounts.models import Program
from billing import selectors
from billing.models import ConsentPayer, Coverage, IopCertification, Payer
from billing.services import RECERTIFY_KIND
from worklist.models import Task

pytestmark = pytest.mark.usefixtures("demo_mode")


def test_the_demo_bills_last_week_with_ready_and_held_lines_and_runs_twice(db):
    call_command("seed_demo", "--participants", "30", "--quiet-logins")
    counts = (
        Payer.objects.count(),
        Coverage.objects.count(),
        IopCertification.objects.count(),
    )
    assert counts[0] == 3 and counts[1] >= 5 and counts[2] >= 2
    assert Payer.objects.filter(medicare=True).count() == 1
    program = Program.objects.get(organization_id=Payer.objects.values("organization_id")[:1])
    lines = selectors.service_days([program], selectors.last_week(program))
    reasons = {reason for line in lines for reason in line.held}
    assert any(line.is_ready for line in lines)
    assert {
        selectors.NO_COVERAGE,
        selectors.NO_CONSENT,
        selectors.NAMED_IN_WORDS_ONLY,
    } <= reasons
    named = ConsentPayer.objects.select_related("consent", "payer").get()
    assert named.payer.name in named.consent.recipients
    theirs = [line for line in lines if line.participant.pk == named.consent.participant_id]
    consent_reasons = {selectors.NO_CONSENT, selectors.NAMED_IN_WORDS_ONLY}
    assert theirs and not any(consent_reasons & set(line.held) for line in theirs)
    medicare = [line for line in lines if line.is_medicare]
    assert medicare and all(line.sessions >= 1 for line in medicare)
    uncertified = [line for line in medicare if selectors.NO_CERTIFICATION in line.held]
    assert uncertified and len(uncertified) < len(medicare)
    [due] = Task.objects.filter(kind=RECERTIFY_KIND)
    assert due.due_on == IopCertification.objects.get(public_id=due.source_id).in_force_until
    call_command("seed_demo", "--participants", "30", "--quiet-logins")
    assert Task.objects.filter(kind=RECERTIFY_KIND).count() == 1
    assert (
        Payer.objects.count(),
        Coverage.objects.count(),
        IopCertification.objects.count(),
    ) == counts
