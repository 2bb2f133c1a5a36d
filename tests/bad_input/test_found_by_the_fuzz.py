"""Crashes the input fuzz found, each pinned by a plain test."""

from django.urls import reverse

from scheduling.models import SchedulingProfile


def test_a_make_up_enrolment_with_a_bare_word_as_next_goes_back_to_the_make_up_page(bench, login):
    client = login(bench.therapist)
    url = reverse("attendance:make_up_enrol", args=[bench.participant.public_id])
    response = client.post(url, {"session": "", "next": "abc"})
    assert response.status_code == 302
    assert response["Location"] == reverse("attendance:make_up", args=[bench.participant.public_id])


def test_group_choices_with_an_id_no_column_can_hold_are_refused(bench, login):
    client = login(bench.director)
    url = reverse("scheduling:participant_groups", args=[bench.participant.public_id])
    profiles = SchedulingProfile.objects.count()
    response = client.post(url, {"pinned": "9223372036854775808", "excluded": "1", "version": 1})
    assert response.status_code == 400
    assert "is not a valid value" in response.content.decode()
    assert SchedulingProfile.objects.count() == profiles


def test_a_nul_character_in_an_api_body_is_refused_naming_its_field(world, login):
    """PostgreSQL cannot store a NUL in text: the API refuses it beside the field, as the
    pages' forms do, instead of failing when the row is written."""
    from participants.models import Episode

    url = (
        f"/api/v1/participants/{world.referral.public_id}"
        f"/episodes/{world.referral_episode.public_id}/transition"
    )
    response = login(world.director).post(
        url,
        {"to_status": "screening", "on": "2026-11-05", "version": 1, "reason": "a\x00b"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"field": "reason", "message": "Null characters are not allowed."}
    ]
    assert Episode.objects.get(pk=world.referral_episode.pk).version == 1
