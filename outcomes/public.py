"""The program's public page (the front door) and its self-referral form: no sign-in.

A self-referral opens a referral through the referral service (`participants.services.
create_referral`) in the name of the program's intake coordinator, with its audit event.
The person is shown a thank-you and nothing else: not what they sent, not whether they
were already known. A form-filling robot that fills the hidden field gets the same thank-you
and nothing is opened; more than a few sends from one address within an hour are refused.
"""

import hashlib
import hmac
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from audit.services import record_event
from outcomes.forms import SelfReferralForm
from outcomes.models import ProgramProfile, SelfReferralAttempt
from participants.services import create_referral
from scheduling.models import Track
from tandem.errors import AccessDenied, InvalidInput
from tandem.fields import refuse_on
from tandem.methods import serves

LANGUAGES = {"en": "English", "es": "Español"}
SENDS_PER_HOUR = 3
SELF_REFERRAL = "Self-referral (public program page)"
DUPLICATE_NOTE = (
    "Self-referral from the public program page; the intake coordinator checks the likely "
    "matches with the person."
)


def sender_of(request: HttpRequest) -> str:
    """A keyed hash of the sender's address: enough to count their sends, never the address."""
    address = request.META.get("REMOTE_ADDR", "") or "unknown"
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()


def too_many(sender: str, now) -> bool:
    since = now - timedelta(hours=1)
    return SelfReferralAttempt.objects.filter(sender=sender, at__gt=since).count() >= SENDS_PER_HOUR


def _profile(slug: str) -> ProgramProfile:
    profile = (
        ProgramProfile.objects.select_related("program")
        .filter(slug=slug, is_published=True)
        .first()
    )
    if profile is None:
        raise Http404
    return profile


def _language(lang: str) -> str:
    if lang not in LANGUAGES:
        raise Http404
    return lang


def receive_self_referral(profile: ProgramProfile, data: dict, *, now) -> None:
    """Open the referral for the program's intake coordinator, and say where it came from."""
    episode = create_referral(
        program=profile.program,
        by=profile.self_referral_recipient,
        demographics={
            "legal_first_name": data["first_name"],
            "legal_last_name": data["last_name"],
            "date_of_birth": data["date_of_birth"],
            "phone": data.get("phone", ""),
            "email": data.get("email", ""),
            "preferred_language": data["preferred_language"],
        },
        referred_on=profile.program.today(),
        referral_source=SELF_REFERRAL,
        duplicate_reason=DUPLICATE_NOTE,
    )
    record_event(
        actor=None,
        event_type="outcomes.self_referral_received",
        participant=episode.participant,
        record=episode,
        organization=profile.program.organization_id,
        details={"program": profile.program_id, "for": profile.self_referral_recipient_id},
    )


@serves("GET")
def program_list(request: HttpRequest, lang: str = "en") -> HttpResponse:
    """Every published program page, for the self-check to link to."""
    lang = _language(lang)
    profiles = ProgramProfile.objects.filter(is_published=True).select_related("program")
    with translation.override(lang):
        return render(
            request,
            "outcomes/program_list.html",
            {"profiles": profiles.order_by("program__name", "pk"), "lang": lang},
        )


@serves("GET", "POST")
def program_page(request: HttpRequest, slug: str, lang: str = "en") -> HttpResponse:
    lang = _language(lang)
    profile = _profile(slug)
    with translation.override(lang):
        form = SelfReferralForm(request.POST if request.method == "POST" else None)
        status = 200
        if request.method == "POST" and profile.self_referral_recipient_id:
            now = timezone.now()
            sender = sender_of(request)
            if too_many(sender, now):
                return _page(request, profile, lang, None, status=429, limited=True)
            if form.is_valid():
                if form.cleaned_data["website"]:
                    SelfReferralAttempt.objects.create(sender=sender, at=now)
                    return _thanks(profile, lang)
                try:
                    with transaction.atomic():
                        receive_self_referral(profile, form.cleaned_data, now=now)
                        SelfReferralAttempt.objects.create(sender=sender, at=now)
                except InvalidInput as exc:
                    refuse_on(
                        form,
                        exc,
                        message=_("Please check this: %(problem)s") % {"problem": exc.message},
                    )
                except AccessDenied:
                    form.add_error(None, _("We cannot take referrals online just now."))
                else:
                    return _thanks(profile, lang)
            status = 400
        return _page(request, profile, lang, form, status=status)


def _thanks(profile: ProgramProfile, lang: str) -> HttpResponse:
    name = "front_door_thanks_es" if lang == "es" else "front_door_thanks"
    return redirect(name, slug=profile.slug)


def _page(request, profile, lang, form, *, status: int, limited: bool = False) -> HttpResponse:
    tracks = Track.objects.filter(program=profile.program).order_by("name", "pk")
    response = render(
        request,
        "outcomes/program_page.html",
        {
            "profile": profile,
            "lang": lang,
            "other_lang": "en" if lang == "es" else "es",
            "tracks": tracks,
            "summary": profile.text("summary", lang),
            "languages": profile.text("languages", lang),
            "treats": profile.lines("treats", lang),
            "hours": profile.lines("hours", lang),
            "insurance": profile.lines("insurance", lang),
            "qualifications": profile.lines("staff_qualifications", lang),
            "form": form,
            "limited": limited,
        },
        status=status,
    )
    response["Cache-Control"] = "no-store"
    return response


@serves("GET")
def thanks(request: HttpRequest, slug: str, lang: str = "en") -> HttpResponse:
    lang = _language(lang)
    profile = _profile(slug)
    with translation.override(lang):
        response = render(
            request, "outcomes/program_thanks.html", {"profile": profile, "lang": lang}
        )
    response["Cache-Control"] = "no-store"
    return response
