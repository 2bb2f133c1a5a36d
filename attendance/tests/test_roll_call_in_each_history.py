"""A roll call shows several participants at once and writes one audit event listing them:
the auditor filtering the trail by one of them, and that participant's history, both find
it, and say the participant was one of several listed."""

import csv
import io

from django.urls import reverse


def test_the_front_desk_s_roll_call_is_in_the_trail_and_the_history_of_each_listed(
    world, login, group_today
):
    login(world.frontdesk).get(
        reverse("attendance:roll_call", args=[group_today.session.public_id])
    )
    casey = group_today.participants[3]
    said = "Frontdesk Tester viewed the roll call of a session"

    auditor = login(world.auditor)
    trail = auditor.post(reverse("audit:trail"), {"record_number": casey.record_number})
    exported = auditor.post(reverse("audit:trail_csv"), {"record_number": casey.record_number})
    history = login(world.director).get(reverse("participants:history", args=[casey.public_id]))
    history_csv = login(world.director).post(
        reverse("consent:disclose", args=[casey.public_id]),
        {"to": "participant", "what": "history"},
    )

    listed = f"participant {casey.record_number} listed with 3 others"
    assert f"{said} (front desk) · {listed}" in trail.content.decode()
    rows = list(csv.reader(io.StringIO(exported.content.decode())))
    # Newest first: the auditor's own read of the trail, which named the participant, then
    # the roll call.
    assert [row[3] for row in rows[1:]] == [
        f"Auditor Tester read the audit trail · participant {casey.record_number} the only "
        "participant listed",
        f"{said} (front desk) · {listed}",
    ]
    assert f"{said} · listed with 3 others" in history.content.decode()
    copied = csv.reader(io.StringIO(history_csv.content.decode()))
    what = [row[4] for row in copied if len(row) > 4]
    assert f"{said} · listed with 3 others" in what


def test_the_unfiltered_trail_says_how_many_a_roll_call_listed(world, login, group_today):
    login(world.frontdesk).get(
        reverse("attendance:roll_call", args=[group_today.session.public_id])
    )

    trail = login(world.auditor).get(reverse("audit:trail")).content.decode()

    assert "viewed the roll call of a session (front desk) · 4 participants listed" in trail


def test_someone_not_on_the_roll_call_does_not_find_it_in_their_history(world, login, group_today):
    login(world.frontdesk).get(
        reverse("attendance:roll_call", args=[group_today.session.public_id])
    )
    elsewhere = world.referral  # referred, not enrolled in the session

    history = login(world.director).get(reverse("participants:history", args=[elsewhere.public_id]))

    assert "roll call" not in history.content.decode()
