"""Journeys for PIO staff and supervisors in Chromium (policy-map B1–B5)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from approvals import services
from approvals.models import Escalation, Post, PostStatus
from approvals.tasks import escalate_overdue_approvals
from tests import factories as f
from tests.worker import wait_for

pytestmark = pytest.mark.django_db(transaction=True)

BLOCKED = "Courthouse parking is limited Monday for the trial. The suspect is guilty of the thefts."
FIXED = "Courthouse parking is limited Monday for the trial; use the Main St garage."


def test_pio_fixes_blocking_check_submits_sergeant_approves_with_acknowledged_warning_hppd_i_b_5(
    sign_in, screenshot
):
    acc, pio, sarge, _ = f.live_account_with_approver(
        f.pio(username="pio", first_name="Jordan", last_name="Blake"), handle="@DepartmentPolice"
    )
    sarge.username = "sergeant"
    sarge.save()

    page = sign_in(pio, f.PASSWORD)
    page.get_by_role("link", name="Posts").click()
    page.get_by_role("button", name="Draft a post").click()
    page.get_by_label("Account").select_option(str(acc.pk))
    page.get_by_label("Category").select_option("community_outreach")
    page.locator("#id_body").fill(BLOCKED)
    # Live checks over htmx while typing (B3): a block and a warning, each citing its clause.
    expect(page.locator("#findings")).to_contain_text("Blocks approval")
    expect(page.locator("#findings")).to_contain_text("CPD III.C.4.b")
    expect(page.locator("#findings")).to_contain_text("Warning")
    screenshot(page, "post-editor-live-checks")
    page.get_by_role("button", name="Submit for approval").click()
    expect(page.locator(".messages")).to_contain_text("blocking policy check")
    post = Post.objects.get()
    assert post.status == PostStatus.DRAFT

    # The draft was kept and the editor reopened on it, with the finding listed.
    expect(page).to_have_url(f"{page.url.split('/posts/')[0]}/posts/{post.pk}/edit/")
    page.locator("#id_body").fill(FIXED)
    expect(page.locator("#findings")).not_to_contain_text("Blocks approval")
    page.get_by_role("button", name="Submit for approval").click()
    expect(page.locator(".messages")).to_contain_text("Submitted for approval")
    # The author sees no decision form on their own post (HPPD I.B.5) ...
    expect(page.get_by_role("button", name="Approve")).to_have_count(0)
    expect(
        page.get_by_text("the author may not", exact=False).or_(page.get_by_text("a supervisor approves it"))
    ).to_be_visible()
    # ... and a forged approval request is refused.
    page.evaluate(
        """async (url) => {
            const token = document.querySelector('[name=csrfmiddlewaretoken]').value;
            const body = new URLSearchParams({comment: 'x'});
            await fetch(url, {method: 'POST', headers: {'X-CSRFToken': token}, body});
        }""",
        f"/posts/{post.pk}/approve/",
    )
    post.refresh_from_db()
    assert post.status == PostStatus.SUBMITTED

    sp = sign_in(sarge, f.PASSWORD)
    expect(sp.get_by_text("Posts awaiting your approval")).to_be_visible()
    sp.get_by_role("link", name="Courthouse parking").first.click()
    expect(sp.locator(".preview")).to_contain_text("@DepartmentPolice")
    sp.get_by_role("button", name="Approve").click()
    expect(sp.locator(".messages")).to_contain_text("Acknowledge each warning")
    sp.get_by_label("I acknowledge: Comment on a pending prosecution", exact=False).check()
    sp.locator("#approve-comment").fill("Logistics only; no comment on the case.")
    screenshot(sp, "post-review-acknowledge")
    sp.get_by_role("button", name="Approve").click()
    expect(sp.locator(".messages")).to_contain_text("Approved.")
    post.refresh_from_db()
    assert post.status == PostStatus.APPROVED and post.decided_by == sarge
    assert post.acknowledged_warnings == ["pending_prosecution"]

    page.reload()
    page.get_by_label("Published post URL").fill("https://www.facebook.com/DepartmentPolice/posts/1")
    page.get_by_role("button", name="Record publication").click()
    expect(page.locator(".messages")).to_contain_text("Publication recorded")
    expect(page.locator("h1")).to_contain_text("Published")


@pytest.mark.worker
def test_overdue_time_sensitive_post_escalated_by_a_real_worker_shows_in_the_queue_b5(
    sign_in, screenshot, celery_worker
):
    acc, pio, sarge, _ = f.live_account_with_approver(f.pio(username="pio"))
    post = f.post(
        pio, acc, body="Weather emergency: shelters open at the high school.", category="time_sensitive"
    )
    services.post_submit(post=post, actor=pio, now=timezone.now() - timedelta(minutes=35))
    escalate_overdue_approvals.delay()
    wait_for(lambda: Escalation.objects.filter(post=post).exists(), worker=celery_worker)

    sp = sign_in(sarge, f.PASSWORD)
    sp.goto("/posts/?deadline=overdue&all=1")
    row = sp.get_by_role("row").filter(has_text="Weather emergency")
    expect(row).to_contain_text("Overdue")
    expect(row).to_contain_text("escalated ×1")
    expect(sp.get_by_text("Overdue approval (level 1)", exact=False)).to_have_count(
        0
    )  # notifications live on the dashboard
    sp.goto("/")
    expect(sp.get_by_text("Overdue approval (level 1)", exact=False)).to_be_visible()
    screenshot(sp, "queue-overdue-escalated")
