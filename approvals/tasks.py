from __future__ import annotations

from celery import shared_task

from .services import escalate_overdue


@shared_task
def escalate_overdue_approvals() -> dict[str, list[int]]:
    """B5 sweep, every minute (see CELERY_BEAT_SCHEDULE); driven by database state, safe to run twice."""
    return {str(k): v for k, v in escalate_overdue().items()}
