"""Periodic sweeps through a real Celery worker process (CJIS AC-2(3); style rules 8–10)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from accounts.models import Member
from accounts.tasks import disable_inactive_members
from audit.models import AuditEvent
from policy_portal.celery import app as celery_app
from tests import factories as f
from tests.worker import wait_for


def test_every_scheduled_job_names_a_registered_task():
    celery_app.loader.import_default_modules()
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in celery_app.tasks, name


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_inactive_member_sweep_runs_in_a_real_worker_cjis_ac_2_3(celery_worker):
    stale = f.MemberFactory(last_login=timezone.now() - timedelta(days=120))
    fresh = f.MemberFactory(last_login=timezone.now())
    disable_inactive_members.delay()
    wait_for(lambda: not Member.objects.get(pk=stale.pk).is_active, worker=celery_worker)
    assert Member.objects.get(pk=fresh.pk).is_active
    # The worker wrote the audit event in the sweep's transaction, on the same chain.
    assert AuditEvent.objects.filter(action="member.disabled_inactive", object_id=str(stale.pk)).count() == 1
    # A second run (a restarted beat firing again) repeats nothing.
    disable_inactive_members.delay()
    from audit.tasks import verify_audit_chain

    verify_audit_chain.delay()
    # The solo worker runs tasks in order: once the chain check has succeeded, the second sweep is done.
    chain_ok = re.compile(r"audit\.tasks\.verify_audit_chain\[[^\]]+\] succeeded.*'broken_at': None")
    wait_for(lambda: bool(chain_ok.search(celery_worker.output())), worker=celery_worker)
    assert AuditEvent.objects.filter(action="member.disabled_inactive").count() == 1
