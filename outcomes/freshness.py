"""What keeps the stored outcome facts current: every write to a record the board's figures
read marks its participant (or episode), and `outcomes.facts.mark` queues one refresh when the
write commits.

Where the module that writes has an extension point, the facts follow it: an episode's status
change (`participants.services.STATUS_CHANGE`), a participant's administrations
(`assessments.services.CHANGED`), a record entered in error (`tandem.lifecycle.WITHDRAWN`),
a roll call's weekly minutes (`attendance.weekly.WEEKS_CHANGED`), alerts raised or closed
(`monitoring.services.CHANGED`), what follows a discharge: the discharge, its contact
consent, its follow-ups and their answers (`discharge.followups.CHANGED`), and drug screens,
their confirmations and reported last use (`screens.services.CHANGED`), and check-ins
(`checkins.services.RECORDED`). The other records the facts read (the participant, the
episode's site and level of care, progress notes, the program's weekly minimum) have no such
point; a saved row of theirs is followed through Django's `post_save`.
"""

from typing import Any

from django.db.models.signals import post_save

from accounts.models import Program
from monitoring.models import Alert
from notes.models import ProgressNote
from outcomes import facts
from participants.models import Episode, Participant


def on_status_change(episode: Episode) -> None:
    facts.mark(episodes=[episode.pk])


def on_participant_changed(participant_id: int) -> None:
    facts.mark([participant_id])


def on_withdrawn(record: Any, **_: Any) -> None:
    facts.mark([getattr(record, "participant_id", None)])


def on_weeks_changed(episode_ids: list[int]) -> None:
    facts.mark(episodes=episode_ids)


def on_alerts_changed(alerts: list[Alert]) -> None:
    facts.mark([alert.participant_id for alert in alerts])


def _participant_saved(sender: Any, instance: Participant, **_: Any) -> None:
    facts.mark([instance.pk])


def _episode_saved(sender: Any, instance: Episode, **_: Any) -> None:
    facts.mark(episodes=[instance.pk])


def _record_saved(sender: Any, instance: Any, **_: Any) -> None:
    facts.mark([instance.participant_id])


def _program_saved(sender: Any, instance: Program, created: bool, **_: Any) -> None:
    if not created:  # its weekly minimum or time zone may have changed
        facts.mark(programs=[instance.pk])


def connect() -> None:
    post_save.connect(_participant_saved, sender=Participant, dispatch_uid="outcomes.participant")
    post_save.connect(_episode_saved, sender=Episode, dispatch_uid="outcomes.episode")
    post_save.connect(
        _record_saved, sender=ProgressNote, dispatch_uid="outcomes.notes.progressnote"
    )
    post_save.connect(_program_saved, sender=Program, dispatch_uid="outcomes.program")
