from __future__ import annotations

from celery import shared_task

from .services import members_disable_inactive


@shared_task
def disable_inactive_members() -> list[str]:
    """CJIS AC-2(3) nightly sweep; thin wrapper over the service."""
    return members_disable_inactive()
