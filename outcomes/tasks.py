"""Background work of the outcomes board: keeping its stored facts current."""

from django_tasks import task

from outcomes import facts


@task()
def refresh_facts(
    participant_ids: list[int], episode_ids: list[int], program_ids: list[int]
) -> int:
    """Recompute the outcome facts of these participants' and programs' episodes and of these
    episodes, from the records as they are now (a refresh that runs late is still right)."""
    return facts.refresh_marked(participant_ids, episode_ids, program_ids)
