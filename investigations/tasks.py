from __future__ import annotations

from celery import shared_task

from . import services


@shared_task
def expire_alias_authorizations() -> dict[str, list[int]]:
    """C4 sweep (see CELERY_BEAT_SCHEDULE): expire ended terms, warn ahead; safe to run twice."""
    return services.alias_expire_due()


@shared_task
def remind_intelligence_reviews() -> int:
    """28 CFR 23.20(h) weekly reminder of items due for review or purge."""
    return services.intelligence_remind()
