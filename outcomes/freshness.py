"""What keeps the stored outcome facts current: every write to a record the board's figures
read marks its participant (or episode), and `outcomes.facts.mark` queues one refresh when the
write commits.

The facts follow the extension points of the services that write those records, each called
inside the write's transaction: a participant's record (`participants.services.CHANGED`: a
referral opened, demographics changed), an episode's status change
(`participants.services.STATUS_CHANGE`), progress notes (`notes.services.CHANGED`), a
participant's administrations (`assessments.services.CHANGED`), a record entered in error
(`tandem.lifecycle.WITHDRAWN`), a roll call's weekly minutes (`attendance.weekly.WEEKS_CHANGED`),
alerts raised or closed (`monitoring.services.CHANGED`), what follows a discharge: the
discharge, its contact consent, its follow-ups and their answers
(`discharge.followups.CHANGED`), drug screens, their confirmations and reported last use
(`screens.services.CHANGED`), and check-ins (`checkins.services.RECORDED`). Race and
ethnicity are outcomes' own write (`outcomes.demographics.record`), which marks directly.

No `post_save` is followed: a row written past the services (a fixture, a bulk load) is
brought in by `manage.py outcome_facts`. A program's weekly minimum and time zone are set
when it is opened and no service changes them.
"""

from typing import Any

from monitoring.models import Alert
from outcomes import facts
from participants.models import Episode, Participant


def on_status_change(episode: Episode) -> None:
    facts.mark(episodes=[episode.pk])


def on_participant_changed(participant_id: int) -> None:
    facts.mark([participant_id])


def on_withdrawn(record: Any, **_: Any) -> None:
    """A withdrawn record marks its participant; a withdrawn participant record, itself."""
    if isinstance(record, Participant):
        facts.mark([record.pk])
    else:
        facts.mark([getattr(record, "participant_id", None)])


def on_weeks_changed(episode_ids: list[int]) -> None:
    facts.mark(episodes=episode_ids)


def on_alerts_changed(alerts: list[Alert]) -> None:
    facts.mark([alert.participant_id for alert in alerts])
