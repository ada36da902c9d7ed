from __future__ import annotations

from celery import shared_task

from .services import members_disable_inactive


@shared_task
def disable_inactive_members() -> list[str]:
    """CJIS AC-2(3) nightly sweep; thin wrapper over the service."""
    return members_disable_inactive()


@shared_task
def email_notifications(notification_ids: list[int]) -> int:
    """Send the courtesy e-mail for notifications not yet e-mailed; safe to run twice (claim first)."""
    from django.core.mail import send_mail
    from django.utils import timezone

    from .models import Notification

    sent = 0
    for pk in notification_ids:
        if not Notification.objects.filter(pk=pk, emailed_at__isnull=True).update(emailed_at=timezone.now()):
            continue
        note = Notification.objects.select_related("recipient").get(pk=pk)
        if note.recipient.email:
            send_mail(note.subject, f"{note.body}\n\n{note.url}", None, [note.recipient.email])
            sent += 1
    return sent


@shared_task
def email_pending_notifications() -> int:
    """Sweep: e-mail what was never e-mailed (broker down when it was written, worker died)."""
    from datetime import timedelta

    from django.utils import timezone

    from .models import Notification

    cutoff = timezone.now() - timedelta(minutes=2)
    ids = list(
        Notification.objects.filter(emailed_at__isnull=True, created_at__lte=cutoff).values_list(
            "pk", flat=True
        )[:500]
    )
    return email_notifications(ids) if ids else 0
