"""The assessments tab, administering (staff and clinic tablet), results and corrections."""

import re
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import Administration
from assessments.tests.administration_helpers import answers, posted
from audit.models import Action, AuditEvent
from monitoring.models import Alert


def _url(name: str, world, **kwargs) -> str:
    return reverse(
        f"assessments:{name}", kwargs={"participant_id": world.participant.public_id, **kwargs}
    )


def _no_inline_script(html: str) -> None:
    """The CSP forbids inline scripts: every <script> must load a file."""
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag, tag
    assert " on" + "click=" not in html and "style=" not in html


def test_tab_lists_history_per_instrument_with_a_trend(world, login, record):
    for value in (2, 2, 1, 1):
        record("phq-9", answers("phq-9", value, q9=0))
    record("gad-7", answers("gad-7", 1))
    client = login(world.therapist)

    response = client.get(_url("tab", world))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="hist-phq-9"' in html and 'id="hist-gad-7"' in html
    assert html.index('id="hist-phq-9"') < html.index('id="hist-gad-7"')
    assert 'class="trend-chart"' in html
    assert "PHQ-9 totals, oldest first." in html and "Cut-off 10." in html
    assert "Moderately severe" in html and "Staff-entered" in html
    assert str(world.therapist) in html
    assert "Start an assessment" in html
    _no_inline_script(html)


def test_tab_gives_each_flag_in_words_and_its_date_as_the_chart_does(world, login, record):
    """A clinician reads what was flagged and on what day, not `suicide-risk` and 2026-07-08."""
    record(
        "phq-9",
        answers("phq-9", 1, q9=1),
        completed_at=datetime(2026, 7, 8, 16, 0, tzinfo=UTC),
    )
    record("bam", answers("bam", 4), completed_at=datetime(2026, 7, 9, 16, 0, tzinfo=UTC))

    html = login(world.therapist).get(_url("tab", world)).content.decode()

    assert "<td>Wed 8 Jul 2026</td>" in html and "<td>Thu 9 Jul 2026</td>" in html
    assert "2026-07-08" not in html
    assert (
        '<span class="tag tag-critical">PHQ-9 item 9 (thoughts of death or self-harm) is '
        "above 0: same-day suicide risk assessment, whatever the total.</span>"
    ) in html
    assert '<span class="tag">Risk subscale is 12 or more.</span>' in html
    for code in (">suicide-risk<", ">risk-high<", ">protective-low<", ">use<"):
        assert code not in html


def test_the_result_page_names_each_flag_by_its_label_not_its_code(world, login, record):
    """The Flags list tags each flag in the words the instrument declares (Risk ≥ 12,
    Offer the full PHQ-9), not `risk-high` or `offer-phq-9`."""
    client = login(world.therapist)
    bam = record("bam", answers("bam", 4))
    phq2 = record("phq-2", {"1": 2, "2": 2})

    bam_page = client.get(_url("result", world, administration_id=bam.public_id)).content.decode()
    phq2_page = client.get(_url("result", world, administration_id=phq2.public_id)).content.decode()

    assert '<span class="tag">Risk \u2265 12</span> Risk subscale is 12 or more.' in bam_page
    assert '<span class="tag">Use \u2265 1</span>' in bam_page
    assert '<span class="tag">Offer the full PHQ-9</span>' in phq2_page
    for code in (">risk-high<", ">use<", ">protective-low<"):
        assert code not in bam_page
    assert ">offer-phq-9<" not in phq2_page


def test_a_cssrs_critical_answer_names_the_risk_level_in_words(world, login, record):
    """The C-SSRS message says "High risk", the band's label, not the band's key `high`."""
    row = record("cssrs-screener", {"1": 1, "2": 1, "3": 0, "4": 1, "5": 0, "6": 0})

    html = (
        login(world.therapist)
        .get(_url("result", world, administration_id=row.public_id))
        .content.decode()
    )

    assert (
        "<li>C-SSRS screener: yes to item(s) 1, 2, 4. High risk. Every yes is actionable.</li>"
    ) in html
    assert "risk level high" not in html


def test_the_result_page_says_why_its_cut_off_was_used_in_words(world, login, record):
    """AUDIT-C's cut-off reads "3 (for women)", not "3 (sex-female)"; PHQ-9's "(published)"."""
    world.participant.sex_at_birth = "female"
    world.participant.save(update_fields=["sex_at_birth"])
    client = login(world.therapist)
    auditc = record("audit-c", {"1": 1, "2": 1, "3": 1})
    phq9 = record("phq-9", answers("phq-9", 1))

    auditc_page = client.get(_url("result", world, administration_id=auditc.public_id))
    phq9_page = client.get(_url("result", world, administration_id=phq9.public_id))

    assert '<dd>3 <span class="muted">(for women)</span></dd>' in auditc_page.content.decode()
    assert '<dd>10 <span class="muted">(published)</span></dd>' in phq9_page.content.decode()
    assert "sex-female" not in auditc_page.content.decode()
    assert "(default)" not in phq9_page.content.decode()


def test_the_printed_record_gives_bands_and_flags_in_words(world, login, record):
    record("phq-9", answers("phq-9", 2, q9=1))

    html = (
        login(world.therapist)
        .post(
            reverse("consent:disclose", args=[world.participant.public_id]),
            {"to": "participant", "what": "print"},
        )
        .content.decode()
    )

    assert "<td>Moderately severe</td>" in html and "<td>Suicide risk</td>" in html
    assert "<td>yes</td>" in html  # positive
    assert "moderately-severe" not in html and "suicide-risk" not in html
    assert "<td>True</td>" not in html and "<td>False</td>" not in html


def test_trend_chart_has_axes_dates_values_and_a_text_equivalent(world, login, record):
    for day, value in ((2, 2), (9, 1), (16, 0)):
        record(
            "phq-9",
            answers("phq-9", value, q9=0),
            completed_at=datetime(2026, 11, day, 16, 0, tzinfo=UTC),
        )

    html = login(world.therapist).get(_url("tab", world)).content.decode()

    chart = html[html.index('<figure class="trend-chart">') : html.index("</figure>")]
    assert chart.count('class="axis"') == 2
    for tick in (">0<", ">27<", "cut-off 10"):  # the score axis: full range and cut-off
        assert tick in chart
    for label in (">Mon 2 Nov 2026<", ">Mon 9 Nov 2026<", ">Mon 16 Nov 2026<"):  # the time axis
        assert label in chart
    for shown in (">16<", ">8<", ">0<"):  # each total by its point
        assert 'class="value"' in chart and shown in chart
    assert (
        "Mon 2 Nov 2026: 16; Mon 9 Nov 2026: 8; Mon 16 Nov 2026: 0. Cut-off 10." in chart
    )  # as text
    assert "<figcaption" in chart and chart.count('class="value"') == 3


def test_trend_chart_draws_the_program_s_own_cut_off_and_names_it(world, login, record):
    """A PCL-5 screened against the program's cut-off of 31 (the result page says
    "program-override") is drawn against 31, named as the program's, not the published 33."""
    for day, value in ((2, 1), (9, 2)):
        record(
            "pcl-5",
            answers("pcl-5", value),
            overrides={"positive_threshold": 31},
            completed_at=datetime(2026, 11, day, 16, 0, tzinfo=UTC),
        )

    html = login(world.therapist).get(_url("tab", world)).content.decode()

    chart = html[html.index('<figure class="trend-chart">') : html.index("</figure>")]
    assert ">program cut-off 31<" in chart and ">31<" in chart
    assert "cut-off 33" not in chart and ">33<" not in chart
    assert "Mon 2 Nov 2026: 20; Mon 9 Nov 2026: 40. Program cut-off 31." in chart


def test_tab_query_count_does_not_grow_with_the_history(world, login, record):
    client = login(world.therapist)
    record("phq-9")
    with CaptureQueriesContext(connection) as small:
        assert client.get(_url("tab", world)).status_code == 200
    for code in ("phq-9", "gad-7", "dast-10", "pcl-5", "audit-c", "who-5"):
        for _ in range(3):
            first = record(code)
    record(supersedes=first, code="who-5", reason="Item 1 misread")
    with CaptureQueriesContext(connection) as large:
        assert client.get(_url("tab", world)).status_code == 200
    assert len(large) == len(small), [q["sql"] for q in large]


def test_start_chooses_instrument_and_mode(world, login):
    client = login(world.therapist)

    staff = client.get(_url("start", world), {"instrument": "phq-9", "mode": "staff-entered"})
    tablet = client.get(_url("start", world), {"instrument": "gad-2", "mode": "self-report"})
    paper = client.get(
        _url("start", world), {"instrument": "cssrs-screener", "mode": "self-report"}
    )

    assert staff.url == _url("administer", world, code="phq-9")
    assert tablet.url == _url("self_report", world, code="gad-2")
    assert paper.status_code == 400
    assert "licensed paper form" in paper.content.decode()


def test_the_form_shows_published_wording_recall_period_and_copyright(world, login):
    html = login(world.therapist).get(_url("administer", world, code="phq-9")).content.decode()

    assert "Thoughts that you would be better off dead or of hurting yourself in some way" in html
    assert "More than half the days" in html
    assert "Recall period:" in html and "2 weeks" in html
    assert "copyrighted by Pfizer Inc." in html
    assert 'name="item-9"' in html
    assert "js/assessments.js" in html
    assert "licensed paper form" not in html
    _no_inline_script(html)


def test_licensed_paper_form_instruments_say_so_and_show_item_labels(world, login):
    html = (
        login(world.therapist)
        .get(_url("administer", world, code="cssrs-screener"))
        .content.decode()
    )

    assert "Administer from the licensed paper form; enter the answers here." in html
    assert "(see published form): wish to be dead" in html
    assert "data-skip=" in html


def test_submitting_phq9_with_item_9_shows_the_critical_answer_and_the_alert(world, login):
    client = login(world.counsellor)

    response = client.post(
        _url("administer", world, code="phq-9"), posted(answers("phq-9", 1, q9=1)), follow=True
    )

    html = response.content.decode()
    row = Administration.objects.get()
    assert response.redirect_chain[-1][0] == _url("result", world, administration_id=row.public_id)
    assert "Critical answer" in html
    assert "PHQ-9 item 9 answered above 0 — same-day suicide risk assessment" in html
    assert str(world.therapist) in html  # the alert's owner
    assert ">9<" in html and "Mild" in html
    assert AuditEvent.objects.filter(
        record_id=str(row.public_id), action=Action.CREATE, actor=world.counsellor
    ).exists()
    assert Alert.objects.get().assigned_to.get() == world.therapist


def test_invalid_answers_come_back_per_item_and_nothing_is_saved(world, login):
    client = login(world.therapist)
    given = posted(answers("phq-9", 1))
    del given["item-4"]
    given["item-2"] = "7"

    response = client.post(_url("administer", world, code="phq-9"), given)

    html = response.content.decode()
    assert response.status_code == 400
    assert "Some answers need attention." in html
    assert "Question 4</a>: Answer this question." in html
    assert "Question 2</a>: Choose one of the options." in html
    assert 'value="1" checked' in html  # the other answers are kept
    assert not Administration.objects.exists()


def test_incomplete_can_be_recorded_knowingly(world, login):
    client = login(world.therapist)
    given = posted({"1": 1, "2": 0})
    given["allow_incomplete"] = "on"

    response = client.post(_url("administer", world, code="phq-9"), given)

    assert response.status_code == 302
    assert Administration.objects.get().complete is False


def test_positive_prescreen_offers_the_full_instrument(world, login, record):
    row = record("phq-2", {"1": 2, "2": 2})
    html = (
        login(world.therapist)
        .get(_url("result", world, administration_id=row.public_id))
        .content.decode()
    )

    assert "Start the full PHQ-9" in html
    assert _url("administer", world, code="phq-9") in html


def test_negative_prescreen_offers_nothing_more(world, login, record):
    row = record("gad-2", {"1": 1, "2": 0})
    html = (
        login(world.therapist)
        .get(_url("result", world, administration_id=row.public_id))
        .content.decode()
    )
    assert "Start the full" not in html


def test_self_report_tablet_has_no_chart_chrome_and_ends_with_hand_back(world, login):
    client = login(world.therapist)
    other = world.referral

    form = client.get(_url("self_report", world, code="phq-9")).content.decode()

    assert "Chart sections" not in form and "My caseload" not in form
    assert world.participant.legal_last_name not in form
    assert other.legal_first_name not in form
    assert world.participant.record_number not in form
    assert 'class="points"' not in form
    assert "Finish" in form
    _no_inline_script(form)

    response = client.post(
        _url("self_report", world, code="phq-9"), posted(answers("phq-9", 1, q9=0)), follow=True
    )
    done = response.content.decode()
    row = Administration.objects.get()
    assert row.mode == "self-report" and row.recorded_by == world.therapist
    assert "Please hand the device back" in done
    assert str(row.total) not in re.sub(r"<[^>]+>", " ", done).split()
    assert "Chart sections" not in done and "Mild" not in done


def test_tablet_answers_sent_back_come_back_on_the_tablet_and_nothing_is_saved(world, login):
    given = posted(answers("phq-9", 1))
    del given["item-4"]

    response = login(world.therapist).post(_url("self_report", world, code="phq-9"), given)

    html = response.content.decode()
    assert response.status_code == 400
    assert "Some answers need attention." in html
    assert "Chart sections" not in html and world.participant.record_number not in html
    assert "Finish" in html
    assert not Administration.objects.exists()


def test_tablet_positive_prescreen_continues_to_the_full_instrument(world, login):
    client = login(world.therapist)
    response = client.post(
        _url("self_report", world, code="gad-2"), posted({"1": 2, "2": 2}), follow=True
    )
    html = response.content.decode()
    assert "Continue with a few more questions" in html
    assert _url("self_report", world, code="gad-7") in html


def test_tablet_refuses_licensed_paper_forms(world, login):
    response = login(world.therapist).get(_url("self_report", world, code="bam"))
    assert response.status_code == 400


def test_correction_supersedes_and_the_old_version_is_struck_through(world, login, record):
    original = record("gad-7", answers("gad-7", 1))
    client = login(world.therapist)
    url = _url("correct", world, administration_id=original.public_id)

    form = client.get(url).content.decode()
    assert "Reason for the correction" in form
    assert 'value="1" checked' in form

    missing = client.post(url, posted(answers("gad-7", 2)))
    assert missing.status_code == 400
    assert Administration.objects.count() == 1

    response = client.post(
        url, {**posted(answers("gad-7", 2)), "reason": "Copied the wrong column"}
    )
    new = Administration.objects.exclude(pk=original.pk).get()
    assert response.url == _url("result", world, administration_id=new.public_id)
    assert new.supersedes == original and new.total == 14

    tab = client.get(_url("tab", world)).content.decode()
    assert re.search(r'<tr class="row struck">(?:(?!</tr>).)*Superseded', tab, re.S)
    old = client.get(_url("result", world, administration_id=original.public_id)).content.decode()
    assert "Superseded by a" in old
    assert "Correct this administration" not in old
    again = client.get(url)
    assert again.status_code == 302


def test_entered_in_error_is_marked_with_a_reason(world, login, record):
    row = record("phq-9", answers("phq-9", 1))
    client = login(world.therapist)
    url = _url("entered_in_error", world, administration_id=row.public_id)

    client.post(url, {"reason": ""})
    assert not Administration.objects.get().entered_in_error
    client.post(url, {"reason": "Recorded on the wrong chart"})

    marked = Administration.objects.get()
    assert marked.entered_in_error
    html = client.get(_url("result", world, administration_id=row.public_id)).content.decode()
    assert "Entered in error on" in html and "Recorded on the wrong chart" in html


@pytest.mark.parametrize("name", ["tab", "start"])
def test_front_desk_cannot_open_assessment_pages(world, login, name):
    response = login(world.frontdesk).get(_url(name, world))
    assert response.status_code == 403


def test_front_desk_cannot_open_the_form(world, login):
    assert login(world.frontdesk).get(_url("administer", world, code="phq-9")).status_code == 403


def test_the_participant_answers_on_their_own_account(world, login):
    client = login(world.participant_user)
    url = reverse("assessments:mine", kwargs={"code": "phq-9"})

    form = client.get(url)
    assert form.status_code == 200
    assert "Send my answers" in form.content.decode()

    response = client.post(url, posted(answers("phq-9", 1, q9=1)), follow=True)

    row = Administration.objects.get()
    assert (row.participant, row.mode, row.recorded_by) == (
        world.participant,
        "self-report",
        world.participant_user,
    )
    assert "988" in response.content.decode()
    assert Alert.objects.get().assigned_to.get() == world.therapist
    assert AuditEvent.objects.filter(
        record_id=str(row.public_id), actor=world.participant_user
    ).exists()


def test_a_critical_answer_s_crisis_page_has_its_own_address_so_a_reload_resends_nothing(
    world, login
):
    """A yes to item 9 redirects to the crisis page: reloading shows it again (audited each
    time) and the form sent again with its token is refused, so one answer is one
    questionnaire and one alert."""
    client = login(world.participant_user)
    url = reverse("assessments:mine", kwargs={"code": "phq-9"})
    found = re.search(r'name="form_token" value="([^"]+)"', client.get(url).content.decode())
    assert found is not None
    answer = {**posted(answers("phq-9", 1, q9=1)), "form_token": found.group(1)}

    sent = client.post(url, answer)

    row = Administration.objects.get()
    assert sent.status_code == 302
    assert sent.url == reverse("assessments:mine_crisis", args=[row.public_id])
    for _ in range(2):
        page = client.get(sent.url)
        assert page.status_code == 200
        assert "988" in page.content.decode()
    shown = AuditEvent.objects.filter(details__page="assessments:mine_crisis")
    assert [e.participant_id for e in shown] == [world.participant.pk] * 2
    assert client.post(url, answer).status_code == 409
    assert Administration.objects.count() == 1
    assert Alert.objects.count() == 1


def test_the_crisis_address_opens_only_the_participant_s_own_critical_answer(world, login):
    client = login(world.participant_user)
    url = reverse("assessments:mine", kwargs={"code": "phq-9"})
    client.post(url, posted(answers("phq-9", 1, q9=0)))
    calm = Administration.objects.get()
    assert client.get(reverse("assessments:mine_crisis", args=[calm.public_id])).status_code == 404
    client.post(url, posted(answers("phq-9", 1, q9=1)))
    alarm = Administration.objects.exclude(pk=calm.pk).get()
    staff = login(world.therapist).get(reverse("assessments:mine_crisis", args=[alarm.public_id]))
    assert staff.status_code == 302


def test_own_account_page_refuses_paper_forms_and_staff(world, login):
    client = login(world.participant_user)
    assert (
        client.get(reverse("assessments:mine", kwargs={"code": "cssrs-screener"})).status_code
        == 404
    )
    staff = login(world.therapist)
    assert staff.get(reverse("assessments:mine", kwargs={"code": "phq-9"})).status_code == 302


def test_own_account_answers_sent_back_with_errors_are_audited_as_a_view(world, login):
    client = login(world.participant_user)
    given = posted(answers("phq-9", 1, q9=1))
    del given["item-4"]

    response = client.post(reverse("assessments:mine", kwargs={"code": "phq-9"}), given)

    assert response.status_code == 400
    assert "Question 4</a>: Answer this question." in response.content.decode()
    assert not Administration.objects.exists()
    viewed = AuditEvent.objects.filter(
        participant=world.participant, actor=world.participant_user, action=Action.VIEW
    )
    assert viewed.count() == 1


@pytest.mark.parametrize("method", ["put", "delete", "options"])
def test_own_account_pages_answer_only_their_methods(world, login, method):
    client = login(world.participant_user)

    form = getattr(client, method)(reverse("assessments:mine", kwargs={"code": "phq-9"}))
    done = getattr(client, method)(reverse("assessments:mine_done"))

    assert (form.status_code, done.status_code) == (405, 405)
    assert not AuditEvent.objects.filter(participant=world.participant).exists()
