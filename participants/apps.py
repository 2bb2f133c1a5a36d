from django.apps import AppConfig

# Chart pages that are not tabs, as a sentence names them ("Dana Reyes printed the face sheet").
PAGE_NAMES = {
    "participants:chart": "the chart",
    "participants:summary": "the clinical summary",
    "participants:print": "the face sheet",
    # Gone (every copy, the history's too, is now given from the Consents tab's copy page);
    # named for their events.
    "participants:print_record": "the record",
    "participants:export": "the record",
    "participants:history_csv": "the history",
    "participants:edit": "the demographics",
    "participants:care_team_add": "the care team form",
}


class ParticipantsConfig(AppConfig):
    name = "participants"

    def ready(self) -> None:
        from audit.event_types import name_page
        from participants.access import Scope
        from participants.chart import TABS, ChartTab

        TABS.register(ChartTab("overview", "Overview", "participants:chart", Scope.DEMOGRAPHICS, 0))
        TABS.register(ChartTab("history", "History", "participants:history", Scope.CLINICAL, 99))
        for view_name, words in PAGE_NAMES.items():
            name_page(view_name, words)
