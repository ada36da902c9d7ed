from __future__ import annotations

from celery import shared_task

from . import services


@shared_task
def foia_reminders() -> dict[str, list[int]]:
    """D3 sweep (see CELERY_BEAT_SCHEDULE): remind before the due date, flag overdue; safe to run twice."""
    return services.foia_remind()
