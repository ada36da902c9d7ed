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


@shared_task(acks_late=True)
def run_disposal(batch_id: int) -> dict[str, int]:
    """D2: execute one approved batch; re-checks each record, keeps held ones, writes tombstones."""
    from .disposal import disposal_run

    return disposal_run(batch_id)


@shared_task
def disposal_sweep() -> dict[str, list[int]]:
    """Propose batches for records past retention; resume batches whose execution was interrupted."""
    from .disposal import disposal_propose, disposal_resume

    return {"proposed": disposal_propose(), "resumed": disposal_resume()}
