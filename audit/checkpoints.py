"""Signed checkpoints: each chain's head (seq and MAC), signed with Ed25519, kept off the database.

The keyed MAC stops anyone without the key from forging or re-linking events, but the
newest events of a chain can still be deleted and the head moved back: what is left is a
valid, shorter chain. An operator copies a checkpoint out of the database now and then
(`manage.py audit_checkpoint --output FILE`); `audit_verify --checkpoint FILE` then proves
that every event up to each signed head is still there, unchanged. The private key signs
and never needs to sit on the application server; the public key verifies.
"""

import base64
import json
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings

from audit.models import AuditEvent, ChainHead
from audit.services import chain_name
from tandem.errors import InvalidInput

FORMAT = "tandem-audit-checkpoint/1"
MAC_KEY_FILE = "audit.key"
SIGNING_KEY_FILE = "audit-signing.pem"
VERIFY_KEY_FILE = "audit-verify.pem"


def create_keys(directory: Path) -> list[Path]:
    """Write a new MAC key and Ed25519 key pair into `directory`; never overwrite a key."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = [directory / name for name in (MAC_KEY_FILE, SIGNING_KEY_FILE, VERIFY_KEY_FILE)]
    existing = [p.name for p in paths if p.exists()]
    if existing:
        raise InvalidInput(f"{directory} already holds {', '.join(existing)}; nothing was written.")
    private = Ed25519PrivateKey.generate()
    contents = [
        secrets.token_hex(32).encode() + b"\n",
        private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
        private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ),
    ]
    for path, content in zip(paths, contents, strict=True):
        path.touch(mode=0o600 if path.name != VERIFY_KEY_FILE else 0o644)
        path.write_bytes(content)
    return paths


def _key_path(given: str | Path | None, setting: str, what: str) -> Path:
    path = given or getattr(settings, setting)
    if not path:
        raise InvalidInput(f"Name the {what} (--key FILE, or the {setting} setting).")
    return Path(path)


def _load_private(path: Path) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise InvalidInput(f"{path} is not an Ed25519 private key.")
    return key


def _load_public(path: Path) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(path.read_bytes())
    if not isinstance(key, Ed25519PublicKey):
        raise InvalidInput(f"{path} is not an Ed25519 public key.")
    return key


def _canonical(body: dict) -> bytes:
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


def make_checkpoint(*, now: datetime, signing_key: str | Path | None = None) -> dict:
    """Sign the head of every chain as it stands now."""
    key = _load_private(_key_path(signing_key, "AUDIT_SIGNING_KEY_FILE", "signing key"))
    heads = [
        {"organization": head.organization_id, "seq": head.seq, "hash": head.hash}
        for head in ChainHead.objects.order_by("organization_id")
        if head.seq > 0
    ]
    body = {"format": FORMAT, "signed_at": now.isoformat(), "chains": heads}
    signature = base64.b64encode(key.sign(_canonical(body))).decode()
    return {"checkpoint": body, "signature": signature}


@dataclass(frozen=True)
class CheckpointReport:
    chains: int
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def check_against(checkpoint: dict, *, verify_key: str | Path | None = None) -> CheckpointReport:
    """Check the signature, then that each signed head is still the event at its seq.

    Together with `verify_chain` (every link and MAC up to the head) this proves that no
    event up to the checkpoint was changed, dropped or replaced.
    """
    key = _load_public(_key_path(verify_key, "AUDIT_VERIFY_KEY_FILE", "verification key"))
    try:
        body, signature = checkpoint["checkpoint"], base64.b64decode(checkpoint["signature"])
        key.verify(signature, _canonical(body))
    except (KeyError, TypeError, ValueError, InvalidSignature):
        return CheckpointReport(0, ["the checkpoint's signature does not verify"])
    if body.get("format") != FORMAT:
        return CheckpointReport(0, [f"unknown checkpoint format {body.get('format')!r}"])
    problems = []
    for signed in body["chains"]:
        org, seq = signed["organization"], signed["seq"]
        name = chain_name(org)
        event = AuditEvent.objects.filter(organization_id=org, seq=seq).first()
        if org is None:
            event = AuditEvent.objects.filter(organization__isnull=True, seq=seq).first()
        if event is None:
            last = (
                (
                    AuditEvent.objects.filter(organization_id=org)
                    if org is not None
                    else AuditEvent.objects.filter(organization__isnull=True)
                )
                .order_by("-seq")
                .values_list("seq", flat=True)
                .first()
            )
            problems.append(
                f"{name}: the checkpoint signed event #{seq}, but the trail ends at "
                f"#{last or 0}; events were removed"
            )
        elif event.hash != signed["hash"]:
            problems.append(
                f"{name}: event #{seq} is not the event the checkpoint signed; events were replaced"
            )
    return CheckpointReport(len(body["chains"]), problems)
