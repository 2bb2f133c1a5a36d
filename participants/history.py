"""A participant's history as sentences ("Dana Reyes viewed the intake"), paged, and as CSV.

`sentence(event)` is the one place an audit event becomes words. It names the page or the
record from the chart's own tab labels and the models' names; when an event type carries its
own label (`label_of`), that label is used instead.
"""

import csv
import io
from collections.abc import Callable

from django.apps import apps
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils import timezone

from audit.models import Action, AuditEvent, Outcome
from participants import chart
from participants.models import Participant

PAGE_SIZE = 50
# What each action did, as the verb of the sentence (and its infinitive for a refusal).
VERBS = {
    Action.VIEW: ("viewed", "view"),
    Action.SEARCH: ("found the participant in a search", "search"),
    Action.CREATE: ("added", "add"),
    Action.CHANGE: ("changed", "change"),
    Action.DELETE: ("removed", "remove"),
    Action.EXPORT: ("exported", "export"),
    Action.PRINT: ("printed", "print"),
    Action.BREAK_GLASS: (
        "used emergency access to the record",
        "use emergency access to the record",
    ),
}
PAGES = {"print": "face sheet", "print_record": "record", "export": "record", "history": "history"}


def events_for(participant: Participant) -> QuerySet[AuditEvent]:
    return (
        AuditEvent.objects.filter(participant=participant)
        .select_related("actor")
        .order_by("-occurred_at", "-pk")
    )


def _who(event: AuditEvent) -> str:
    actor = event.actor
    if actor is not None:
        return actor.get_full_name() or actor.get_username()
    if event.actor_label and event.actor_label != "anonymous":
        return event.actor_label
    return "Tandem"  # the system itself, e.g. an alert raised by a scoring rule


def _page_names() -> dict[str, str]:
    names = {tab.url_name.split(":")[-1]: tab.label.lower() for tab in chart.tabs()}
    names["chart"] = "chart"
    return {**names, **PAGES}


def _thing(event: AuditEvent) -> str:
    """What the event touched: a chart page for a view, else the record's kind."""
    page = event.details.get("page") if isinstance(event.details, dict) else None
    if page:
        return f"the {_page_names().get(page, page.replace('_', ' '))}"
    if event.record_type and event.record_type != "participants.Participant":
        try:
            model = apps.get_model(event.record_type)
        except (LookupError, ValueError):
            return f"a {event.record_type.rsplit('.', 1)[-1].lower()}"
        name = str(model._meta.verbose_name)
        article = "an" if name[:1] in "aeiou" else "a"
        return f"{article} {name}" if event.action == Action.CREATE else f"the {name}"
    return "the record"


def sentence(event: AuditEvent, label_of: Callable[[AuditEvent], str | None] | None = None) -> str:
    """The event as a sentence: who did what to which part of the record."""
    who = _who(event)
    label = label_of(event) if label_of is not None else None
    done, attempt = VERBS.get(event.action, (event.get_action_display().lower(),) * 2)
    if event.action in (Action.SEARCH, Action.BREAK_GLASS):
        what_done, what_tried = done, attempt
    else:
        thing = _thing(event)
        what_done, what_tried = f"{done} {thing}", f"{attempt} {thing}"
    if label:
        what_done = what_tried = label
    if event.outcome == Outcome.REFUSED:
        return f"{who} was not allowed to {what_tried}"
    return f"{who} {what_done}"


def history_page(participant: Participant, number: str | None) -> Page:
    page = Paginator(events_for(participant), PAGE_SIZE).get_page(number)
    for event in page.object_list:
        event.sentence = sentence(event)
    return page


def history_csv(participant: Participant) -> str:
    """Every event of the participant's history, newest first, times in the active zone."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["When", "Time zone", "Who", "Role", "What", "Outcome", "Reason"])
    zone = timezone.get_current_timezone_name()
    for event in events_for(participant).iterator(chunk_size=500):
        writer.writerow(
            [
                timezone.localtime(event.occurred_at).strftime("%Y-%m-%d %H:%M"),
                zone,
                _who(event),
                event.role,
                sentence(event),
                event.get_outcome_display(),
                event.reason,
            ]
        )
    return out.getvalue()
