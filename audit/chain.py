"""The links of the audit chain: a keyed MAC over each event and its predecessor's MAC.

The key (`AUDIT_KEY`, or the file named by `AUDIT_KEY_FILE`) lives outside the database,
so someone who can write to the database but cannot read the application's secrets can
neither forge an event nor recompute the chain after editing one. Removing the newest
events of a chain needs no key; signed checkpoints (audit/checkpoints.py) catch that.
"""

import hashlib
import hmac
import json
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

GENESIS = "0" * 64
MIN_KEY_LENGTH = 32
# One encoder for every payload: json.dumps with these options would build a new one per call.
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), default=str)


def chain_key() -> bytes:
    """The MAC key from settings; a missing or short key stops the write, never weakens it."""
    key = settings.AUDIT_KEY or ""
    if len(key) < MIN_KEY_LENGTH:
        raise ImproperlyConfigured(
            "Set AUDIT_KEY_FILE (or AUDIT_KEY) to a secret of at least "
            f"{MIN_KEY_LENGTH} characters kept outside the database; "
            "`manage.py audit_keys --create DIR` makes one."
        )
    return key.encode()


def payload(event: Any) -> bytes:
    """The canonical bytes of an event: every column an auditor relies on.

    Works on the model and on the historical model a migration sees (only `*_id` columns
    are read, never related objects).
    """
    content = {
        "organization": event.organization_id,
        "seq": event.seq,
        "occurred_at": event.occurred_at.isoformat(timespec="microseconds"),
        "event_type": event.event_type,
        "actor": event.actor_id,
        "actor_label": event.actor_label,
        "role": event.role,
        "action": event.action,
        "outcome": event.outcome,
        "participant": event.participant_id,
        "record_type": event.record_type,
        "record_id": event.record_id,
        "client_address": event.client_address,
        "break_glass": event.break_glass_id,
        "reason": event.reason,
        "details": event.details,
    }
    return _CANONICAL.encode(content).encode()


def link(event: Any, prev_hash: str, key: bytes) -> str:
    """The event's MAC, chained to its predecessor's."""
    return hmac.digest(key, prev_hash.encode() + payload(event), hashlib.sha256).hex()
