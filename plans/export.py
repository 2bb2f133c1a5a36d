"""The treatment plan's sections of the exported and printed record."""

from accounts.models import User
from participants.models import Participant
from plans import selectors


def _name(user) -> str:
    return user.get_full_name() if user else ""


def versions_section(participant: Participant) -> list[dict]:
    """Every plan version: who started it and when, the version it revises and what changed,
    when signed and by whom, acknowledged, co-signed. A version entered in error stays,
    saying who withdrew it, when and why, as its page shows it."""
    plans = selectors.plans_of(participant)
    withdrawers = User.objects.in_bulk({p.entered_in_error_by_id for p in plans} - {None})
    rows = []
    for plan in reversed(plans):
        ack = getattr(plan, "acknowledgement", None) if _has(plan, "acknowledgement") else None
        cosign = getattr(plan, "cosignature", None) if _has(plan, "cosignature") else None
        rows.append(
            {
                "version": plan.number,
                "status": "signed" if plan.is_signed else "draft",
                "started_at": plan.recorded_at,
                "started_by": _name(plan.recorded_by),
                "revises": plan.revises.number if plan.revises else "",
                "change_summary": plan.change_summary,
                "signed_at": plan.signed_at or "",
                "signed_by": _name(plan.signed_by),
                "acknowledged": ack.get_via_display() if ack else "",
                "cosigned_at": cosign.recorded_at if cosign else "",
                "entered_in_error": plan.entered_in_error,
                "entered_in_error_at": plan.entered_in_error_at or "",
                "entered_in_error_by": _name(withdrawers.get(plan.entered_in_error_by_id)),
                "entered_in_error_reason": plan.entered_in_error_reason,
            }
        )
    return rows


def reviews_section(participant: Participant) -> list[dict]:
    """Every review that kept a version unchanged, oldest first: the record that the plan was
    reviewed on time, by whom, and what the review found. A review entered in error stays,
    saying who withdrew it, when and why, as the chart shows it."""
    return [
        {
            "version": review.plan.number,
            "reviewed_on": review.reviewed_on,
            "reason": review.get_reason_display(),
            "reviewed_by": review.recorded_by.get_full_name() if review.recorded_by else "",
            "found": review.note,
            "entered_in_error": review.entered_in_error,
            "entered_in_error_at": review.entered_in_error_at or "",
            "entered_in_error_by": review.entered_in_error_by.get_full_name()
            if review.entered_in_error_by
            else "",
            "entered_in_error_reason": review.entered_in_error_reason,
        }
        for review in reversed(selectors.reviews_among(selectors.plans_of(participant)))
    ]


def plan_section(participant: Participant) -> list[dict]:
    """The plan in force, one row per objective, with its problem, goal and interventions."""
    plan = selectors.plan_in_force(participant)
    if plan is None:
        return []
    view = selectors.plan_view(plan)
    rows = []
    for p in view.problems:
        for g in p.goal_rows:
            for o in g.objective_rows:
                progress = o.progress.to_dict() if o.progress else {}
                rows.append(
                    {
                        "version": plan.number,
                        "problem": f"{p.get_domain_display()}: {p.statement}",
                        "diagnoses": ", ".join(d.code for d in p.diagnoses.all()),
                        "dimensions": ", ".join(p.dimensions),
                        "goal": g.text,
                        "objective": o.text,
                        "target_date": o.target_date,
                        "target": f"{o.measure_label} {o.target_label}" if o.measure_key else "",
                        "latest": progress.get("latest_value") or "",
                        "latest_date": o.progress.reading.on
                        if o.progress and o.progress.reading
                        else "",
                        "met": "" if not progress or progress["met"] is None else progress["met"],
                        "review_outcome": o.outcome.get_outcome_display() if o.outcome else "",
                        "review_outcome_on": o.outcome.review.reviewed_on if o.outcome else "",
                        "interventions": "; ".join(
                            f"{i.modality.name}, {i.frequency}, {i.get_responsible_role_display()}"
                            for i in o.intervention_rows
                        ),
                    }
                )
    return rows


def _has(plan, name: str) -> bool:
    try:
        getattr(plan, name)
    except Exception:  # the reverse one-to-one is absent
        return False
    return True
