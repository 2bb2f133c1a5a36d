"""The anonymous "is an IOP right for me?" self-check, declared as data.

The questions follow the IOP-fit factors: needing more than weekly therapy, not needing
24-hour care or medically supervised withdrawal, a safe place to live, being able to attend
several days a week (clinical reference, sections 2 and 8), and, first of all, thoughts of
self-harm, which bring the crisis lines to the top at once. Nothing here is stored.
"""

from collections.abc import Mapping
from dataclasses import dataclass

YES, NO, UNSURE = "yes", "no", "unsure"
ANSWERS = ((YES, "Yes"), (NO, "No"), (UNSURE, "Not sure"))


@dataclass(frozen=True)
class Question:
    key: str
    text: str


QUESTIONS: tuple[Question, ...] = (
    Question(
        "self_harm",
        "In the past few weeks, have you had any thoughts of harming or killing yourself?",
    ),
    Question(
        "more_than_weekly",
        "Do you feel you need more help than one therapy or counselling appointment a week?",
    ),
    Question(
        "withdrawal",
        "If you stopped drinking or using, have you had (or would you expect) severe "
        "withdrawal, such as seizures, bad shaking, or seeing or hearing things that are not "
        "there?",
    ),
    Question("round_the_clock", "Do you need care around the clock (24 hours a day) to stay safe?"),
    Question("safe_home", "Do you have a safe place to live while you get treatment?"),
    Question(
        "can_attend",
        "Could you take part for about three hours a day, on three or more days a week, in "
        "person or online?",
    ),
)


@dataclass(frozen=True)
class CrisisLine:
    name: str
    how: str
    href: str


# Clinical reference, section 7.
CRISIS_LINES: tuple[CrisisLine, ...] = (
    CrisisLine("988 Suicide & Crisis Lifeline", "Call or text 988", "tel:988"),
    CrisisLine("988 Lifeline chat", "Chat at 988lifeline.org", "https://988lifeline.org"),
    CrisisLine("Crisis Text Line", "Text HOME to 741741", "sms:741741"),
    CrisisLine(
        "SAMHSA National Helpline",
        "1-800-662-HELP (4357): free, confidential, 24/7, treatment referral",
        "tel:18006624357",
    ),
)


@dataclass(frozen=True)
class Guidance:
    crisis: bool  # any answer but a clear "no" to the self-harm question
    self_harm: str  # that answer: yes, or unsure (also for no answer)
    outcome: str  # higher-care | iop-may-fit | talk-it-through
    title: str
    points: tuple[str, ...]


def guidance(answers: Mapping[str, str]) -> Guidance:
    """Plain-words guidance from the answers; a missing or unknown answer counts as "not sure"."""
    given = {
        q.key: answers.get(q.key, UNSURE) if answers.get(q.key) in (YES, NO) else UNSURE
        for q in QUESTIONS
    }
    self_harm = given["self_harm"]
    crisis = self_harm != NO
    if given["withdrawal"] == YES or given["round_the_clock"] == YES:
        return Guidance(
            crisis,
            self_harm,
            "higher-care",
            "A more intensive level of care may be the safest first step",
            (
                "Severe withdrawal needs medical supervision, and needing care around the "
                "clock is more than an outpatient program gives.",
                "Talk to a doctor today, or call the SAMHSA National Helpline for a referral "
                "to withdrawal management or residential care.",
                "You can still ask us for an intake: we will help you find the right place.",
            ),
        )
    if (
        given["more_than_weekly"] == YES
        and given["safe_home"] == YES
        and given["can_attend"] == YES
    ):
        return Guidance(
            crisis,
            self_harm,
            "iop-may-fit",
            "An intensive outpatient program may fit you",
            (
                "You need more than weekly therapy, you have a safe place to live, and you "
                "can come several days a week: that is who an IOP is for.",
                "Ask for an intake: a clinician will go through it with you and decide together.",
            ),
        )
    points = ["An intake conversation can help you and a clinician decide what fits."]
    if given["more_than_weekly"] == NO:
        points.append(
            "Weekly outpatient care may be enough for you; a clinician can help you decide."
        )
    if given["safe_home"] != YES:
        points.append(
            "Tell the intake team about your housing: they can connect you with housing "
            "support, or with a residential program."
        )
    if given["can_attend"] != YES:
        points.append(
            "If coming several days a week is hard, tell us what gets in the way (transport, "
            "childcare, work shifts, internet for online sessions): we may be able to help."
        )
    return Guidance(crisis, self_harm, "talk-it-through", "Let's talk it through", tuple(points))
