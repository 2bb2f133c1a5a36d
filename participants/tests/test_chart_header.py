"""The chart header, written in Python, shows who the participant is, their episode, care
team and flags, every value escaped."""

import re

from django.urls import reverse

from participants.access import break_the_glass
from participants.models import CareTeamRole


def _header(page) -> str:
    text = page.content.decode()
    return text[
        text.index('<header class="chart-header card">') : text.index(
            "</nav>", text.index('class="tabs"')
        )
    ]


def test_the_header_names_the_participant_the_episode_and_the_care_team(world, login):
    person = world.participant
    person.pronouns, person.preferred_language, person.preferred_name = (
        "they/them",
        "Spanish",
        "<Bo>",
    )
    person.save()
    header = _header(
        login(world.therapist).get(reverse("participants:chart", args=[person.public_id]))
    )
    assert "<h1>&lt;Bo&gt; " in header and '<span class="pronouns">(they/them)</span>' in header
    assert f"{person.record_number} · {person.age} years · born Thu 17 May 1990 · Spanish" in header
    assert f"<dd>{world.episode.program.name}" in header
    status = world.episode.status
    assert (
        f'<span class="status status-{status}">{world.episode.get_status_display()}</span>'
        in header
    )
    role = CareTeamRole.PRIMARY_CLINICIAN.label.lower()
    assert f'{world.therapist} <span class="muted">({role})</span>' in header
    assert 'aria-current="page">Overview</a>' in header


def test_a_grant_of_emergency_access_shows_on_the_header_until_it_ends(world, login):
    break_the_glass(world.outsider, world.participant, "Unconscious in the waiting room")
    page = login(world.outsider).get(
        reverse("participants:chart", args=[world.participant.public_id])
    )
    header = _header(page)
    assert '<li class="flag flag-danger">Emergency access until ' in header
    assert "reviewed by an auditor</li>" in header


def test_each_modules_flags_show_on_the_header(world, login):
    from monitoring.services import raise_alert

    raise_alert(world.participant, kind="k", severity="high", title="t", dedupe_key="x")
    page = login(world.therapist).get(
        reverse("participants:chart", args=[world.participant.public_id])
    )
    assert re.search(r'<li class="flag flag-\w+">(<a href="[^"]+">)?[^<]*alert', _header(page))


def test_the_flags_read_with_the_audit_event_are_the_ones_the_header_reads_alone(world, login):
    """A clinician's flags (through the care team) are read once the decision allows them,
    with the read's one audit event on PostgreSQL: the header shows the flags, escaped, that
    it shows when it reads them by itself."""
    from audit.models import AuditEvent
    from monitoring.services import raise_alert
    from participants.access import decisions_for_one_request
    from participants.chart import _flag_html, header_flags, unread_flag_values
    from participants.selectors import chart_participant_with_relations

    raise_alert(world.participant, kind="k", severity="high", title="<b>t</b>", dedupe_key="x")
    client = login(world.therapist)
    url = reverse("participants:chart", args=[world.participant.public_id])
    before = AuditEvent.objects.count()
    header = _header(client.get(url))
    assert AuditEvent.objects.count() == before + 1
    with decisions_for_one_request():
        alone = chart_participant_with_relations(world.participant.public_id)
        assert alone is not None
        assert unread_flag_values(alone, world.therapist)  # the care team's, read by the header
        flags = header_flags(alone, world.therapist)
    assert any("alert" in flag.label for flag in flags)
    assert "".join(_flag_html(flag) for flag in flags) in header
