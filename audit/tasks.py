from __future__ import annotations

import logging

from celery import shared_task

from .services import audit_verify_chain

log = logging.getLogger(__name__)


@shared_task
def verify_audit_chain() -> dict[str, object]:
    report = audit_verify_chain()
    if not report.ok:
        log.error("Audit chain broken at event %s: %s", report.broken_at, report.reason)
    return {"checked": report.checked, "broken_at": report.broken_at}
