"""Writing and checking the audit trail. Every domain service calls ``audit_record`` inside its own
transaction, so the event commits or rolls back with the change it describes (style rule 4)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from .context import source_address
from .models import GENESIS_HASH, AuditEvent, Sensitivity

# Any fixed 64-bit number: the advisory lock that serialises writers of the chain on PostgreSQL.
_CHAIN_LOCK_KEY = 0x6175646974


def _json_safe(value: Any) -> Any:
    """A JSON round-trip with NUL bytes replaced: PostgreSQL's jsonb refuses \\u0000."""
    text = json.dumps(value, default=str, sort_keys=True)
    return json.loads(text.replace("\\u0000", "\\ufffd"))


def _clean(text: str, limit: int) -> str:
    return text.replace("\x00", "\ufffd")[:limit]


def audit_record(
    *,
    action: str,
    actor: Any = None,
    obj: models.Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    sensitivity: str = Sensitivity.NORMAL,
    now: Any = None,
) -> AuditEvent:
    """Append one event to the chain. Must run inside the caller's transaction."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
        last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
        actor_obj = actor if getattr(actor, "is_authenticated", False) else None
        event = AuditEvent(
            occurred_at=now or timezone.now(),
            actor=actor_obj,
            actor_label=_clean(actor_obj.get_username() if actor_obj else "system", 150),
            action=action,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            object_repr=_clean(str(obj), 300) if obj is not None else "",
            before=_json_safe(before or {}),
            after=_json_safe(after or {}),
            source_address=_clean(source_address.get() or "", 64),
            sensitivity=sensitivity,
            prev_hash=last or GENESIS_HASH,
        )
        event.hash = event.compute_hash()
        event.save(force_insert=True)
        return event


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_at: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def audit_verify_chain(*, batch_size: int = 2000) -> ChainReport:
    """Walk the chain in order; report the first event whose content or link does not match."""
    expected_prev = GENESIS_HASH
    checked = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=batch_size):
        if event.prev_hash != expected_prev:
            return ChainReport(
                checked, event.pk, "its link to the previous event does not match (an event was removed)"
            )
        if event.compute_hash() != event.hash:
            return ChainReport(checked, event.pk, "its content does not match its hash (it was edited)")
        expected_prev = event.hash
        checked += 1
    return ChainReport(checked)
