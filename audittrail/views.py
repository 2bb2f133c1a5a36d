"""The auditor's pages: who looked at what, and the break-the-glass review list."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from audit.selectors import participants_named, trail_page
from audit.selectors import trail_csv as trail_csv_rows
from audit.services import record_event
from audittrail.forms import AuditFilterForm, ReviewForm
from audittrail.rows import trail_rows_html
from audittrail.selectors import break_glass_to_review, organization_names
from participants.access import organizations_with
from participants.models import BreakGlassGrant, Participant
from tandem.views import error_page


def _audit_orgs(user) -> list[int]:
    return organizations_with(user, "audit.read")


def reads_audit_trail(user) -> bool:
    return bool(_audit_orgs(user))


def _refuse(request: HttpRequest) -> HttpResponse:
    return error_page(
        request,
        "Not allowed",
        "Only auditors and program directors read the audit trail.",
        status=403,
    )


@login_required
def trail(request: HttpRequest) -> HttpResponse:
    orgs = _audit_orgs(request.user)
    if not orgs:
        return _refuse(request)
    form = AuditFilterForm(request.POST or None)
    page = None
    if form.is_valid():
        page = trail_page(
            orgs,
            form.cleaned_data,
            before=form.cleaned_data.get("before"),
            after=form.cleaned_data.get("after"),
        )
    elif request.method == "GET":
        page = trail_page(orgs, {})
    rows = page.rows if page is not None else []
    to_review = break_glass_to_review(orgs)
    record_event(
        actor=request.user,
        event_type="audit.trail_viewed",
        record_type="audit.AuditTrail",
        details={
            "filters": {
                k: str(v)
                for k, v in (form.cleaned_data if form.is_bound and form.is_valid() else {}).items()
                if v
            }
        },
        listed=_shown(rows, to_review, orgs, form),
    )
    return render(
        request,
        "audit/trail.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "rows_html": trail_rows_html(rows, organization_names(orgs)),
            "to_review": to_review,
        },
        status=400 if form.errors else 200,
    )


def _filtered_by(orgs: list[int], form: AuditFilterForm) -> list[Participant]:
    """The participant the filters name by record number: every row then names them, as its
    own or as listed among others."""
    number = form.cleaned_data.get("record_number") if form.is_bound and form.is_valid() else ""
    if not number:
        return []
    return list(
        Participant.objects.filter(record_number__iexact=number.strip(), organization_id__in=orgs)
    )


def _shown(rows, to_review, orgs: list[int], form: AuditFilterForm) -> list[Participant]:
    """Every participant the answer names by record number (each row's own, the one filtered
    by, each break-the-glass grant's), so reading the trail is in each one's history as any
    other answer that shows them is."""
    shown = {p.pk: p for p in participants_named(rows)}
    shown.update((g.participant_id, g.participant) for g in to_review)
    if rows:
        shown.update((p.pk, p) for p in _filtered_by(orgs, form))
    return list(shown.values())


@require_POST
@login_required
def trail_csv(request: HttpRequest) -> HttpResponse:
    """Every event the filters keep, as CSV; the download itself is an audited export."""
    orgs = _audit_orgs(request.user)
    if not orgs:
        return _refuse(request)
    form = AuditFilterForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Correct the filters before downloading.")
        return redirect("audit:trail")
    filters = {
        k: str(v) for k, v in form.cleaned_data.items() if v and k not in ("before", "after")
    }
    export = trail_csv_rows(orgs, form.cleaned_data)
    named = {p.pk: p for p in export.participants}
    if export.rows:
        named.update((p.pk, p) for p in _filtered_by(orgs, form))
    record_event(
        actor=request.user,
        event_type="audit.trail_exported",
        record_type="audit.AuditTrail",
        details={"filters": filters},
        listed=named.values(),
    )
    response = HttpResponse(export.body, content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="audit-trail.csv"'
    return response


@require_POST
@login_required
def review_break_glass(request: HttpRequest, grant_id) -> HttpResponse:
    orgs = _audit_orgs(request.user)
    grant = BreakGlassGrant.objects.filter(
        public_id=grant_id, participant__organization_id__in=orgs
    ).first()
    if not orgs or grant is None:
        return _refuse(request)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Write a short review note.")
        return redirect("audit:trail")
    with transaction.atomic():
        BreakGlassGrant.objects.filter(pk=grant.pk, reviewed_at__isnull=True).update(
            reviewed_by=request.user,
            reviewed_at=timezone.now(),
            review_note=form.cleaned_data["note"],
        )
        record_event(
            actor=request.user,
            event_type="audit.break_glass_reviewed",
            record=grant,
            details={"reviewed": True, "note": form.cleaned_data["note"]},
        )
    messages.success(request, "Review recorded.")
    return redirect("audit:trail")
