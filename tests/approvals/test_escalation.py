"""B5: overdue approvals escalate level by level, each level recorded once, driven by database state."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Notification
from approvals import services
from approvals.models import Escalation, Post, PostStatus
from approvals.selectors import DUE_SOON, ON_TIME, OVERDUE, traffic_light
from approvals.tasks import escalate_overdue_approvals
from audit.models import AuditEvent
from tests import factories as f
from tests.worker import wait_for

pytestmark = pytest.mark.django_db


def _urgent(now, handle: str = "@TestPD"):  # type: ignore[no-untyped-def]
    acc, pio, sarge, boss = f.live_account_with_approver(handle=handle)
    p = f.post(pio, acc, body="Road closure: Main St flooding.", category="time_sensitive")
    return services.post_submit(post=p, actor=pio, now=now), pio, sarge, boss


def test_traffic_light_on_time_due_soon_overdue_b5():
    now = timezone.now()
    p, *_ = _urgent(now)
    assert traffic_light(p, now + timedelta(minutes=5)) == ON_TIME
    assert traffic_light(p, now + timedelta(minutes=25)) == DUE_SOON  # last quarter of 30 minutes
    assert traffic_light(p, now + timedelta(minutes=31)) == OVERDUE


def test_levels_escalate_in_order_to_approvers_next_supervisor_then_pio_lead_b5():
    now = timezone.now()
    p, pio, sarge, boss = _urgent(now)
    assert services.escalate_overdue(now=now + timedelta(minutes=10)) == {}
    assert services.escalate_overdue(now=now + timedelta(minutes=31)) == {p.pk: [1]}
    # Interval = half the deadline (profile): level 2 at +45 min, level 3 at +60 min.
    assert services.escalate_overdue(now=now + timedelta(minutes=46)) == {p.pk: [2]}
    assert services.escalate_overdue(now=now + timedelta(minutes=61)) == {p.pk: [3]}
    assert services.escalate_overdue(now=now + timedelta(hours=5)) == {}
    levels = list(Escalation.objects.filter(post=p).values_list("level", "target", "notified"))
    assert levels == [
        (1, "approvers", [sarge.username]),
        (2, "next_supervisor", [boss.username]),
        (3, "pio_lead", [boss.username]),
    ]
    assert (
        Notification.objects.filter(recipient=sarge, subject__startswith="Overdue approval (level 1)").count()
        == 1
    )


def test_a_missed_sweep_records_every_skipped_level_once_in_order():
    """A worker down for hours: the next sweep records levels 1, 2, 3 — none skipped, none twice."""
    now = timezone.now()
    p, *_ = _urgent(now)
    late = now + timedelta(hours=3)
    assert services.escalate_overdue(now=late) == {p.pk: [1, 2, 3]}
    assert services.escalate_overdue(now=late) == {}
    assert list(Escalation.objects.filter(post=p).values_list("level", flat=True)) == [1, 2, 3]
    assert AuditEvent.objects.filter(action="post.escalated", object_id=str(p.pk)).count() == 3


def test_decided_posts_do_not_escalate_and_resubmission_starts_a_new_round():
    now = timezone.now()
    p, pio, sarge, _ = _urgent(now)
    services.escalate_overdue(now=now + timedelta(minutes=31))
    services.post_request_changes(post=p, actor=sarge, reason="Add detour route.")
    assert services.escalate_overdue(now=now + timedelta(hours=2)) == {}
    p = services.post_submit(post=p, actor=pio, now=now + timedelta(hours=2))
    assert p.escalation_level == 0
    assert services.escalate_overdue(now=now + timedelta(hours=2, minutes=31)) == {p.pk: [1]}
    assert list(Escalation.objects.filter(post=p).values_list("submission_round", "level")) == [
        (1, 1),
        (2, 1),
    ]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_overdue_time_sensitive_post_is_escalated_by_a_real_worker_b5(celery_worker):
    past = timezone.now() - timedelta(minutes=40)
    p, _, sarge, _ = _urgent(past)
    escalate_overdue_approvals.delay()
    wait_for(lambda: Escalation.objects.filter(post=p).exists(), worker=celery_worker)
    assert list(Escalation.objects.filter(post=p).values_list("level", flat=True)) == [1]
    assert (
        Post.objects.get(pk=p.pk).escalation_level == 1
        and Post.objects.get(pk=p.pk).status == PostStatus.SUBMITTED
    )
    # A second sweep (a restarted beat) finds nothing new: level 2 is not due until +45 minutes.
    escalate_overdue_approvals.delay()
    escalate_overdue_approvals.delay()
    wait_for(lambda: celery_worker.output().count("escalate_overdue_approvals") >= 6, worker=celery_worker)
    assert Escalation.objects.filter(post=p).count() == 1
    assert Notification.objects.filter(recipient=sarge, subject__startswith="Overdue approval").count() == 1


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_sweep_queued_after_the_worker_was_killed_is_done_by_the_next_worker_b5(celery_worker, tmp_path):
    """SIGKILL the worker; the queued sweep waits in the broker and a fresh worker re-derives every
    missing level from database state."""
    from tests.worker import start_worker

    past = timezone.now() - timedelta(hours=3)
    posts = [_urgent(past, handle=f"@PD{i}")[0] for i in range(3)]
    celery_worker.kill()
    escalate_overdue_approvals.delay()  # queued while no worker runs
    second = start_worker(tmp_path / "second.log", celery_worker.queue)
    try:
        wait_for(lambda: Escalation.objects.count() == 9, worker=second)
    finally:
        second.process.terminate()
        second.process.wait(timeout=20)
    for p in posts:
        assert list(Escalation.objects.filter(post=p).values_list("level", flat=True)) == [1, 2, 3]
