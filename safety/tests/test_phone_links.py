"""Phone numbers on the safety plan are tap-to-call links, on the participant's portal and on
the staff tab that shows the plan as the participant sees it."""

import pytest
from django.urls import reverse

from safety import services
from safety.templatetags.phones import phone_links, tel_href

STEPS = {
    "people_to_ask": "My sister — 555-0142",
    "professionals": "Dr. Lee (555) 123-4567\nClinic front desk",
}


@pytest.fixture
def confirmed(world):
    world.program.after_hours_phone = "(555) 010-0100"
    world.program.save()
    draft = services.save_draft(
        world.participant, by=world.therapist, steps=STEPS, expected_version=None
    )
    return services.confirm(
        draft, by=world.therapist, expected_version=draft.version, written_with_participant=True
    )


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("My sister — 555-0142", 'My sister — <a href="tel:5550142">555-0142</a>'),
        ("Dr. Lee (555) 123-4567", 'Dr. Lee <a href="tel:5551234567">(555) 123-4567</a>'),
        ("Aunt +44 20 7946 0958", 'Aunt <a href="tel:+442079460958">+44 20 7946 0958</a>'),
        (
            "Call 988 or 555.123.4567",
            'Call <a href="tel:988">988</a> or <a href="tel:5551234567">555.123.4567</a>',
        ),
        ("Walk 2 blocks, 30 minutes", "Walk 2 blocks, 30 minutes"),
        ("Sober since 2024-01-05", "Sober since 2024-01-05"),
        ("Room 1234567890123456789", "Room 1234567890123456789"),
        ("<b>Mum</b> 555-0199", '&lt;b&gt;Mum&lt;/b&gt; <a href="tel:5550199">555-0199</a>'),
    ],
)
def test_numbers_in_a_step_become_links_and_other_text_stays_text(text, html):
    assert phone_links(text) == html


def test_the_program_number_is_dialled_by_its_digits():
    assert tel_href("(555) 010-0100") == "tel:5550100100"


def test_the_portal_plan_links_each_number_and_offers_a_button_back(world, login, confirmed):
    page = login(world.participant_user).get(reverse("safety:mine")).content.decode()
    assert 'My sister — <a href="tel:5550142">555-0142</a>' in page
    assert 'Dr. Lee <a href="tel:5551234567">(555) 123-4567</a>' in page
    assert 'href="tel:5550100100"' in page and "— (555) 010-0100</a>" in page
    assert f'<a class="button" href="{reverse("portal:home")}">Back to my program</a>' in page


def test_the_staff_tab_shows_the_same_links_as_the_participant_sees(world, login, confirmed):
    url = reverse("safety:tab", args=[world.participant.public_id])
    page = login(world.therapist).get(url).content.decode()
    assert 'My sister — <a href="tel:5550142">555-0142</a>' in page
    assert 'href="tel:5550100100"' in page
