from __future__ import annotations

from celery import shared_task

from . import services


@shared_task
def foia_reminders() -> dict[str, list[int]]:
    """D3 sweep (see CELERY_BEAT_SCHEDULE): remind before the due date, flag overdue; safe to run twice."""
    return services.foia_remind()


@shared_task(acks_late=True)
def build_export_package(package_id: int) -> str:
    """D4: build one package; a second delivery finds it claimed and does nothing."""
    from .exports import build_package

    package = build_package(package_id)
    return package.status if package else "already claimed"


@shared_task
def export_sweep() -> list[int]:
    """Re-send queued packages and recover ones whose worker died (database-driven)."""
    from .exports import requeue_stale

    return requeue_stale()
