"""Queueing side effects after commit without ever failing the user's request.

If the broker is down the message is dropped *here*, but nothing is lost: every side effect the
portal queues is also found again by a database-driven sweep (style rule 9)."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

log = logging.getLogger(__name__)


def enqueue_after_commit(task: Any, *args: Any) -> None:
    def _send() -> None:
        try:
            task.apply_async(args=args, retry=False)
        except Exception:  # broker outage: the sweep picks the work up from database state
            log.warning(
                "Could not queue %s%r; the periodic sweep will pick it up.", task.name, args, exc_info=True
            )

    transaction.on_commit(_send)
