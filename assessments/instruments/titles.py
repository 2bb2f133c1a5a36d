"""What each instrument is called on a participant's pages: a plain title in their language,
with the instrument's short name after it ("How you have been feeling (PHQ-9)").

Display data only, declared once here beside the definitions: the instrument's published
name and wording stay as the definition gives them. The title says what the questions are
about, in the words a participant would use; it claims nothing about scores or diagnoses.
Pure Python like the definitions: the caller passes the page's language.
"""

from assessments.instruments.types import Instrument

# Instrument code -> the plain title in each portal language (Django's language codes,
# without a region: "en" serves "en-us").
PLAIN_TITLES: dict[str, dict[str, str]] = {
    "phq-9": {"en": "How you have been feeling", "es": "Cómo se ha sentido"},
    "phq-2": {
        "en": "A short check on how you have been feeling",
        "es": "Una breve pregunta sobre cómo se ha sentido",
    },
    "gad-7": {"en": "Worry and nerves", "es": "Preocupación y nervios"},
    "gad-2": {
        "en": "A short check on worry and nerves",
        "es": "Una breve pregunta sobre preocupación y nervios",
    },
    "audit": {"en": "Your drinking", "es": "Su consumo de alcohol"},
    "audit-c": {
        "en": "A short check on your drinking",
        "es": "Una breve pregunta sobre su consumo de alcohol",
    },
    "dast-10": {"en": "Your drug use", "es": "Su consumo de drogas"},
    "pcl-5": {
        "en": "Stress after a very hard experience",
        "es": "Estrés después de una experiencia muy difícil",
    },
    "cssrs-screener": {"en": "Questions about your safety", "es": "Preguntas sobre su seguridad"},
    "mdq": {"en": "Your ups and downs in mood", "es": "Sus altibajos de ánimo"},
    "bam": {
        "en": "Your use and recovery this past month",
        "es": "Su consumo y su recuperación en el último mes",
    },
    "who-5": {"en": "Your wellbeing", "es": "Su bienestar"},
    "crafft": {"en": "Alcohol and drug use", "es": "Consumo de alcohol y drogas"},
}


def plain_title(instrument: Instrument, language: str | None) -> str:
    """The title a participant reads, with the short name after it; English when the
    language has none, the short name alone for an instrument without a plain title."""
    titles = PLAIN_TITLES.get(instrument.code, {})
    base = (language or "en").split("-")[0].lower()
    title = titles.get(base) or titles.get("en")
    return f"{title} ({instrument.short_name})" if title else instrument.short_name
