"""The participant's copy of the discharge summary speaks their language: its facts are
drafted in English for the care team and in Spanish for a participant whose record says so,
counted as each language counts, with dates as the portal writes them."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from attendance.models import AttendanceStatus
from attendance.tests.builders import make_session, record
from discharge import summary
from discharge.models import Discharge, DischargeSummary
from discharge.tests.builders import discharge_world, phq9, screen, summary_of
from discharge.types import DischargeType
from intake.models import DiagnosisStatus
from participants.models import Episode, Participant
from screens import panels
from screens.models import Panel

CHICAGO = ZoneInfo("America/Chicago")

pytestmark = pytest.mark.usefixtures("discharge_day")


def _speaks(world, language: str) -> None:
    Participant.objects.filter(pk=world.participant.pk).update(preferred_language=language)


def _cup() -> Panel:
    panels.seed()
    return Panel.objects.prefetch_related("analytes").get(code="urine-cup-hhs")


def _three_screens_one_positive(world) -> str:
    """Three screens in the stay, cocaine positive and unexpected on the second; its name."""
    cup = _cup()
    cocaine = next(a for a in cup.analytes.all() if a.code.upper().startswith("COC"))
    screen(world, cup, datetime(2026, 9, 15, 9, tzinfo=CHICAGO))
    screen(world, cup, datetime(2026, 10, 6, 9, tzinfo=CHICAGO), **{cocaine.code: "positive"})
    screen(world, cup, datetime(2026, 11, 3, 9, tzinfo=CHICAGO))
    return cocaine.name


def _attended(world, sessions: int) -> None:
    """`sessions` sessions attended (3 hours, then 2 hours 30 minutes late, a week apart)
    and one missed between them."""
    roll = [
        (date(2026, 9, 14), AttendanceStatus.PRESENT, 180),
        (date(2026, 9, 28), AttendanceStatus.UNEXCUSED, 0),
        (date(2026, 9, 22), AttendanceStatus.LATE, 150),
    ]
    for day, status, minutes in roll[: sessions + 1]:
        record(make_session(world.program, day), world.episode, status, minutes)


def _signed(world) -> DischargeSummary:
    draft = summary_of(Discharge.objects.get())
    draft = summary.save_text(
        draft, by=world.therapist, text={"course": "Steady progress."}, expected_version=1
    )
    return summary.sign(draft, by=world.therapist, expected_version=draft.version)


def _portal_page(world, login) -> str:
    return login(world.participant_user).get(reverse("discharge:mine")).content.decode()


def test_a_spanish_speaking_participant_reads_the_summary_s_facts_in_spanish(world, login):
    _speaks(world, "Español")
    cocaine = _three_screens_one_positive(world)
    phq9(world, 20, datetime(2026, 9, 8, 10, tzinfo=CHICAGO))
    phq9(world, 6, datetime(2026, 11, 16, 10, tzinfo=CHICAGO))
    discharge_world(world)
    _signed(world)

    page = _portal_page(world, login)

    for words in (
        "Referencia: mar 1 sep 2026; ingreso: mar 8 sep 2026; alta: vie 20 nov 2026 "
        "(Completó el programa).",
        "73 días en atención.",
        "3 pruebas de drogas del mar 15 sep 2026 al mar 3 nov 2026; "
        "2 sin ningún resultado positivo.",
        f"{cocaine}: positivo una vez, el mar 6 oct 2026 (1 inesperado).",
        "PHQ-9: 20 (Severe) el mar 8 sep 2026 → 6 (Mild) el lun 16 nov 2026; "
        "mejoría confiable (−14 puntos; regla IAPT ≥6 puntos), con recuperación.",
        "Ningún medicamento en la lista al momento del alta.",
        "No hay ningún plan de tratamiento firmado.",
        "Pruebas de drogas",
    ):
        assert words in page, words
    assert "drug screens" not in page and "days in care" not in page
    assert '<ul lang="en-us">' not in page


def test_one_day_in_care_and_a_substance_found_twice_are_counted_in_spanish(world):
    _speaks(world, "Spanish")
    Episode.objects.filter(pk=world.episode.pk).update(admitted_on=date(2026, 11, 19))
    world.episode.refresh_from_db()
    cup = _cup()
    cocaine = next(a for a in cup.analytes.all() if a.code.upper().startswith("COC"))
    for day, hour in ((19, 9), (20, 8)):
        collected = datetime(2026, 11, day, hour, tzinfo=CHICAGO)
        screen(world, cup, collected, **{cocaine.code: "positive"})
    record = discharge_world(world)

    spanish = summary_of(record).translated_facts["es"]

    assert spanish["stay"][1] == "1 día en atención."
    assert (
        f"{cocaine}: positivo 2 veces, la última el vie 20 nov 2026 (inesperados: 2)."
        in spanish["screens"]
    )


@pytest.mark.parametrize(
    ("attended", "words"),
    [
        (1, "Asistió a 1 sesión y faltó a 1; 3 horas en total."),
        (2, "Asistió a 2 sesiones y faltó a 1; 5 horas y 30 minutos en total."),
    ],
)
def test_sessions_and_hours_are_counted_and_said_in_words_in_spanish(world, attended, words):
    _speaks(world, "Spanish")
    _attended(world, attended)
    record_of_stay = discharge_world(world)

    spanish = summary_of(record_of_stay).translated_facts["es"]["attendance"]

    assert spanish[:2] == [words, "Semana del lun 14 sep 2026: 3 horas."]


def test_a_single_drug_screen_reads_as_one_in_spanish(world, login):
    _speaks(world, "Spanish")
    screen(world, _cup(), datetime(2026, 9, 15, 9, tzinfo=CHICAGO))
    discharge_world(world)
    _signed(world)

    page = _portal_page(world, login)

    assert "1 prueba de drogas, el mar 15 sep 2026; 1 sin ningún resultado positivo." in page


def test_an_english_speaking_participant_s_copy_stays_english(world, login):
    _speaks(world, "English")
    cocaine = _three_screens_one_positive(world)
    _attended(world, 2)
    discharge_world(world)
    _signed(world)

    page = _portal_page(world, login)

    assert "3 drug screens from Tue 15 Sep 2026 to Tue 3 Nov 2026; 2 with no positive" in page
    assert f"{cocaine}: positive once, on Tue 6 Oct 2026 (1 unexpected)." in page
    assert "73 days in care." in page
    assert "Attended 2 sessions, absent from 1; 5 hours 30 minutes in all." in page
    assert "pruebas de drogas" not in page and "Pruebas de drogas" not in page


def test_the_care_team_reads_a_spanish_speaking_participant_s_summary_in_english(world, login):
    _speaks(world, "Spanish")
    _three_screens_one_positive(world)
    _attended(world, 1)
    discharge_world(world)

    page = (
        login(world.therapist)
        .get(reverse("discharge:tab", args=[world.participant.public_id]))
        .content.decode()
    )

    assert "3 drug screens from Tue 15 Sep 2026 to Tue 3 Nov 2026" in page
    assert "Week of Mon 14 Sep 2026: 3 hours." in page
    assert "pruebas de drogas" not in page and "Semana del" not in page


def test_an_addendum_keeps_the_facts_in_spanish(world, login):
    _speaks(world, "Spanish")
    screen(world, _cup(), datetime(2026, 9, 15, 9, tzinfo=CHICAGO))
    discharge_world(world)
    addendum = summary.start_addendum(_signed(world), by=world.therapist, reason="Dose added.")
    summary.sign(addendum, by=world.therapist, expected_version=addendum.version)

    page = _portal_page(world, login)

    assert "1 prueba de drogas, el mar 15 sep 2026" in page


def test_a_summary_drafted_in_english_only_is_shown_as_recorded_and_marked_english(world, login):
    """A summary drafted before its facts were drafted in Spanish too is shown as it was
    signed, and a screen reader speaking Spanish reads its facts with an English voice."""
    _speaks(world, "Spanish")
    discharge_world(world)
    DischargeSummary.objects.update(translated_facts={})
    _signed(world)

    page = _portal_page(world, login)

    assert '<ul lang="en-us"><li>No drug screen recorded.</li></ul>' in page
    assert "Pruebas de drogas" in page  # the page's own words are still Spanish


def test_every_discharge_type_and_diagnosis_status_has_its_words():
    assert set(summary.TYPE_WORDS) == set(DischargeType)
    assert set(summary.STATUS_WORDS) == set(DiagnosisStatus)
