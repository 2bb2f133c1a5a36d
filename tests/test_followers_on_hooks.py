"""What follows a write hangs on the writing service's hooks, never on a model's save or delete.

A `post_save` receiver runs for every row saved past the services (a fixture, a bulk load
does not even send it) and outside the write's own transaction and audit event, so a
follower registers on the service's `Hook` instead (docs/developing.md, extension points).
"""

from pathlib import Path

import pytest
from django.apps import apps
from django.db.models import signals

ROOT = Path(__file__).resolve().parent.parent
OURS = {c.name for c in apps.get_app_configs() if Path(c.path).parent == ROOT}


def test_our_apps_are_ours_and_no_one_else_s():
    assert {"accounts", "participants", "plans", "discharge"} <= OURS
    assert not {"axes", "django_tasks_db"} & OURS


@pytest.mark.parametrize("signal", ["pre_save", "post_save", "pre_delete", "post_delete"])
def test_no_app_of_ours_follows_a_model_s_save_or_delete(signal):
    receivers = {
        f"{model._meta.label}: {receiver.__module__}.{receiver.__qualname__}"
        for model in apps.get_models()
        for found in getattr(signals, signal)._live_receivers(model)
        for receiver in found
        if receiver.__module__.split(".")[0] in OURS
    }
    assert not receivers
