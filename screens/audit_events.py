"""Audit event types of drug screens."""

from audit.event_types import register
from audit.models import Action

register("drug_screen.recorded", Action.CREATE, "recorded a drug screen", "record a drug screen")
register(
    "drug_screen.confirmation",
    Action.CHANGE,
    "recorded a drug-screen confirmation",
    "record a drug-screen confirmation",
)
register(
    "drug_screen.entered_in_error",
    Action.CHANGE,
    "marked a drug screen entered in error",
    "mark a drug screen entered in error",
)
register(
    "use_report.recorded", Action.CREATE, "recorded the last known use", "record the last known use"
)
register(
    "drug_screen.reviewed",
    Action.CREATE,
    "reviewed a drug screen's unexpected result",
    "review a drug screen's unexpected result",
)
register(
    "drug_screen.panel_added",
    Action.CREATE,
    "added a drug-screen panel",
    "add a drug-screen panel",
)
register(
    "drug_screen.panel_retired",
    Action.CHANGE,
    "retired a drug-screen panel",
    "retire a drug-screen panel",
)
register(
    "drug_screen.panel_restored",
    Action.CHANGE,
    "restored a retired drug-screen panel to use",
    "restore a retired drug-screen panel to use",
)
