"""The append-only, hash-chained audit trail (CJIS AU-2/AU-3; policy-map A1, C8, D2).

Each event stores the SHA-256 of its own content and of the event before it, so editing or deleting
any row breaks the chain at that point (``manage.py verify_audit_chain``). On PostgreSQL a trigger
refuses UPDATE and DELETE on the table outright (migration 0002).
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC
from typing import Any

from django.conf import settings
from django.db import models


class Sensitivity(models.TextChoices):
    NORMAL = "normal", "Normal"
    # Events about covert work (policy-map C8): only auditors and the investigations audience see them.
    RESTRICTED = "restricted", "Restricted (need to know)"


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def visible_to(self, user: Any) -> AuditEventQuerySet:
        """Auditors and superusers read the whole trail; everyone else only unrestricted events."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_superuser or user.has_perm("audit.view_auditevent"):
            return self.all()
        return self.filter(sensitivity=Sensitivity.NORMAL)

    def for_object(self, obj: models.Model) -> AuditEventQuerySet:
        return self.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))


GENESIS_HASH = "0" * 64


class AuditEvent(models.Model):
    occurred_at = models.DateTimeField(db_index=True)
    # No database FK constraint and no cascade: members are never deleted, and the trail must not
    # change if one ever were.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_label = models.CharField(max_length=150, help_text="Username at the time, or 'system'.")
    action = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=300, blank=True)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    source_address = models.CharField(max_length=64, blank=True)
    sensitivity = models.CharField(max_length=16, choices=Sensitivity.choices, default=Sensitivity.NORMAL)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.object_repr} by {self.actor_label}"

    def compute_hash(self) -> str:
        payload = {
            "prev": self.prev_hash,
            "at": self.occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
            "actor_id": self.actor_id,
            "actor": self.actor_label,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "object_repr": self.object_repr,
            "before": self.before,
            "after": self.after,
            "source": self.source_address,
            "sensitivity": self.sensitivity,
        }
        canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
        return hashlib.sha256((self.prev_hash + canonical).encode()).hexdigest()
