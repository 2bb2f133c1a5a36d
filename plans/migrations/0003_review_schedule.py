import zoneinfo

import django.db.models.deletion
from django.db import migrations, models

from plans.review_rule import next_review


def backfill(apps, schema_editor):
    """Every episode's next review, from its signed plans, reviews and level-of-care decisions."""
    Episode = apps.get_model("participants", "Episode")
    TreatmentPlan = apps.get_model("plans", "TreatmentPlan")
    PlanReview = apps.get_model("plans", "PlanReview")
    Decision = apps.get_model("placement", "LevelOfCareDecision")
    ReviewSchedule = apps.get_model("plans", "ReviewSchedule")
    latest = {}
    for plan in TreatmentPlan.objects.filter(
        signed_at__isnull=False, entered_in_error_at__isnull=True
    ).order_by("episode_id", "-number"):
        latest.setdefault(plan.episode_id, plan)
    reviewed = {}
    for plan_id, on in PlanReview.objects.filter(entered_in_error_at__isnull=True).values_list(
        "plan_id", "reviewed_on"
    ):
        reviewed[plan_id] = max(on, reviewed.get(plan_id, on))
    decisions = {}
    for d in (
        Decision.objects.filter(entered_in_error_at__isnull=True)
        .order_by("episode_id", "decided_on", "pk")
        .values("episode_id", "decided_on", "chosen_level")
    ):
        decisions.setdefault(d["episode_id"], []).append(d)
    rows = []
    for episode in Episode.objects.select_related("program").iterator(chunk_size=2000):
        plan = latest.get(episode.pk)
        if plan is None:
            rows.append(ReviewSchedule(episode_id=episode.pk, reason="no_plan"))
            continue
        program = episode.program
        signed_on = plan.signed_at.astimezone(zoneinfo.ZoneInfo(program.time_zone)).date()
        due_on, reason = next_review(
            signed_on,
            reviewed.get(plan.pk),
            decisions.get(episode.pk, []),
            program.plan_review_interval_days,
        )
        rows.append(
            ReviewSchedule(episode_id=episode.pk, plan_id=plan.pk, due_on=due_on, reason=reason)
        )
    ReviewSchedule.objects.bulk_create(rows, batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0007_idempotent_request_participants"),
        ("participants", "0004_clinical_record_constraints"),
        ("placement", "0003_clinical_record_data"),
        ("plans", "0002_seed_modalities"),
    ]

    operations = [
        migrations.CreateModel(
            name="ReviewSchedule",
            fields=[
                (
                    "episode",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="plan_review",
                        serialize=False,
                        to="participants.episode",
                    ),
                ),
                ("due_on", models.DateField(blank=True, null=True)),
                ("reason", models.CharField(default="no_plan", max_length=20)),
                (
                    "plan",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="plans.treatmentplan",
                    ),
                ),
            ],
            options={
                "indexes": [models.Index(fields=["due_on", "episode"], name="plan_review_due_idx")],
            },
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
