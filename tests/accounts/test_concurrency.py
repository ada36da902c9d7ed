"""Two clicks at once: one approval, one 409, one audit event (style rule 2)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from accounts import services
from audit.models import AuditEvent
from policy_portal.errors import IllegalTransition
from tests import factories as f


@pytest.mark.django_db(transaction=True)
def test_two_approvers_at_once_give_one_approval_and_one_conflict_a1(postgres_only):
    pio, chief, chief2 = f.pio(), f.chief(), f.chief()
    acc = f.account(pio)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def approve(actor):  # type: ignore[no-untyped-def]
        try:
            barrier.wait()
            services.account_approve(account=acc, actor=actor)
            outcomes.append("approved")
        except IllegalTransition:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(m,)) for m in (chief, chief2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcomes) == ["approved", "conflict"]
    assert AuditEvent.objects.filter(action="account.approved").count() == 1
