"""Notifying members: rows in the caller's transaction, e-mail after commit with ids only."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from policy_portal import clock
from policy_portal.queue import enqueue_after_commit

from .models import Member, Notification


def notify(
    recipients: Iterable[Member], *, subject: str, body: str = "", url: str = "", now: datetime | None = None
) -> list[Notification]:
    now = now or clock.now()
    unique = {m.pk: m for m in recipients if m.is_active}
    rows = Notification.objects.bulk_create(
        Notification(recipient=m, subject=subject[:200], body=body, url=url, created_at=now)
        for m in unique.values()
    )
    ids = [n.pk for n in rows if n.pk is not None]
    if ids:
        from .tasks import email_notifications

        enqueue_after_commit(email_notifications, ids)
    return rows


def notification_mark_read(
    *, member: Member, notification_id: int, now: datetime | None = None
) -> Notification | None:
    """Mark one of the member's own notifications read; another member's is not found."""
    note = Notification.objects.filter(pk=notification_id, recipient=member).first()
    if note is not None and note.read_at is None:
        Notification.objects.filter(pk=note.pk, read_at__isnull=True).update(read_at=now or clock.now())
    return note
