"""The choice lists of the daily check-in: substances, triggers, coping skills.

These are the program's working lists (plain words a participant picks from), not clinical
codes. Coping skills start with the skills of the participant's treatment plan when there is
a signed one (`selectors.plan_coping`); this list follows them, or stands alone without a
plan. Labels are marked for translation.
"""

from django.utils.translation import gettext_lazy as _

SUBSTANCES = (
    ("alcohol", _("Alcohol")),
    ("cannabis", _("Cannabis")),
    ("opioids", _("Opioids (heroin, fentanyl, pain pills not as prescribed)")),
    ("stimulants", _("Stimulants (cocaine, meth, pills not as prescribed)")),
    ("benzodiazepines", _("Benzodiazepines not as prescribed")),
    ("other", _("Something else")),
)

TRIGGERS = (
    ("stress", _("Stress")),
    ("conflict", _("Conflict with someone")),
    ("people-places", _("People or places linked to use")),
    ("loneliness", _("Feeling alone")),
    ("boredom", _("Boredom")),
    ("pain", _("Pain or feeling unwell")),
    ("money", _("Money worries")),
    ("poor-sleep", _("Poor sleep")),
)

COPING = (
    ("called-someone", _("Called or texted someone")),
    ("meeting", _("Went to a meeting or group")),
    ("breathing", _("Breathing or grounding")),
    ("exercise", _("Walk or exercise")),
    ("distraction", _("Did something to take my mind off it")),
    ("urge-surfing", _("Rode out the urge")),
)

SUBSTANCE_CODES = frozenset(code for code, _label in SUBSTANCES)
TRIGGER_CODES = frozenset(code for code, _label in TRIGGERS)
DEFAULT_COPING_CODES = frozenset(code for code, _label in COPING)
