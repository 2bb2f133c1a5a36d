"""Background work of the outcomes board: keeping its stored facts current."""

from django_tasks import task

from outcomes import facts


@task()
def refresh_facts(
    participant_ids: list[int], episode_ids: list[int], program_ids: list[int] | None = None
) -> int:
    """Recompute the outcome facts of these participants' episodes and of these episodes, from
    the records as they are now (a refresh that runs late is still right). `program_ids` is
    for tasks queued before saving a program stopped marking its episodes."""
    return facts.refresh_marked(participant_ids, episode_ids, program_ids or ())
