"""Compliance journeys in Chromium: the directive acknowledgement (issue #6) and written permissions
(B7: CPD III.D.1, HPPD III.A.5)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from accounts.models import DirectiveVersion, Power, Role
from approvals.models import PermissionStatus, Post, PostStatus, WrittenPermission
from audit.services import audit_verify_chain
from policy_portal import clock
from tests import factories as f

pytestmark = pytest.mark.django_db(transaction=True)

NEW_VERSION = "126A rev. E2E"


def test_new_directive_version_blocks_the_pio_until_acknowledged_issue_6(sign_in, screenshot):
    """Issue #6 (directive acknowledgement): once the chief issues a new version of the directive, a
    member who has not acknowledged it is refused the rights it governs — here a PIO submitting a post for
    approval — until they read and acknowledge it; then the same submission succeeds."""
    acc, pio, _sarge, _boss = f.live_account_with_approver(f.pio(username="pio"))
    issuer = f.MemberFactory(username="chief-issuer", roles=[Role.COMMAND], power=Power.ISSUE_DIRECTIVE)
    post = f.post(pio, acc)
    assert post.status == PostStatus.DRAFT

    # The chief issues a new version.
    cp = sign_in(issuer, f.PASSWORD)
    cp.goto("/compliance/directive/")
    cp.get_by_role("button", name="Issue a new version").click()
    expect(cp.locator("h1")).to_contain_text("Issue a new version")
    cp.get_by_label("Version").fill(NEW_VERSION)
    cp.get_by_label("Effective on").fill(clock.today().isoformat())
    cp.get_by_label("Summary").fill("Members must now ask before posting about an investigation.")
    cp.get_by_label("Text").fill("1. Purpose.\n2. Written permission is required before posting ...")
    cp.get_by_role("button", name="Issue this version").click()
    expect(cp.locator(".messages")).to_contain_text(f"Version {NEW_VERSION} issued")
    expect(cp.locator("hgroup")).to_contain_text(f"Version {NEW_VERSION}")
    version = DirectiveVersion.objects.get(version=NEW_VERSION)
    assert version.issued_by == issuer
    screenshot(cp, "directive-issued")

    # The PIO sees the banner everywhere and is refused the submission.
    page = sign_in(pio, f.PASSWORD)
    banner = page.locator("#directive-banner")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text(f"Version {NEW_VERSION} of the social media directive")
    screenshot(page, "directive-banner-dashboard")
    page.goto(f"/posts/{post.pk}/")
    expect(page.locator("#directive-banner")).to_be_visible()
    page.get_by_role("button", name="Submit for approval").click()
    expect(page.locator(".messages")).to_contain_text("Acknowledge the current social media directive")
    expect(page.locator(".messages")).to_contain_text(NEW_VERSION)
    screenshot(page, "directive-refused-submit")
    assert Post.objects.get(pk=post.pk).status == PostStatus.DRAFT

    # Read and acknowledge from the banner.
    page.locator("#directive-banner").get_by_role("link", name="Read and acknowledge").click()
    expect(page).to_have_url(re.compile(r"/compliance/directive/$"))
    expect(page.locator("#directive-banner")).to_have_count(0)
    page.get_by_role("button", name=f"I have read and acknowledge version {NEW_VERSION}").click()
    expect(page.locator(".messages")).to_contain_text("You acknowledged")
    expect(page.get_by_role("button", name=re.compile("^I have read and acknowledge"))).to_have_count(0)
    assert version.acknowledgements.filter(member=pio).exists()

    # The same submission now goes through.
    page.goto(f"/posts/{post.pk}/")
    expect(page.locator("#directive-banner")).to_have_count(0)
    page.get_by_role("button", name="Submit for approval").click()
    expect(page.locator(".messages")).to_contain_text("Submitted for approval")
    assert Post.objects.get(pk=post.pk).status == PostStatus.SUBMITTED
    assert audit_verify_chain().ok


def test_officer_asks_for_written_permission_sergeant_grants_it_b7_hppd_iii_a_5(
    sign_in, screenshot, settings
):
    """B7 written permissions (CPD III.D.1, HPPD III.A.5): an officer asks for written permission before
    posting about a Department investigation or action; under Hanover Park the request is decided by the
    officer's supervisor, who grants it with reasons and an expiry. A member outside the chain of command
    gets the same "not found" as for a missing request."""
    settings.POLICY_PROFILE = (
        "hanover-park"  # before members exist: they acknowledge this profile's directive
    )
    sergeant = f.supervisor(username="sergeant", first_name="Dana", last_name="Reyes")
    officer = f.MemberFactory(username="officer", first_name="Sam", last_name="Ortiz", supervisor=sergeant)
    stranger = f.MemberFactory(username="stranger")
    expires = clock.today() + timedelta(days=30)

    page = sign_in(officer, f.PASSWORD)
    page.goto("/compliance/")
    page.get_by_role("link", name="Ask for written permission").click()
    expect(page.locator("h1")).to_contain_text("Ask for written permission")
    expect(page.locator("main")).to_contain_text("HPPD III.A.5")
    page.get_by_label("Permission for").select_option("investigation_or_action")
    page.get_by_label("Where").fill("Facebook, @sam.ortiz")
    page.get_by_label("Description").fill(
        "A thank-you post about the food drive the Department ran last weekend, with one photo."
    )
    screenshot(page, "permission-request-form")
    page.get_by_role("button", name="Send the request").click()
    expect(page.locator(".messages")).to_contain_text("sent for a decision")
    expect(page.locator("#permission-status")).to_have_text("Awaiting decision")
    expect(page.get_by_role("button", name="Record the decision")).to_have_count(0)
    permission = WrittenPermission.objects.get()
    assert permission.requester == officer and permission.approver_rule == "supervisor"
    assert permission.clause == "HPPD III.A.5"

    sp = sign_in(sergeant, f.PASSWORD)
    card = sp.locator("article").filter(has_text="Compliance decisions")
    expect(card).to_be_visible()
    expect(card).to_contain_text("1 written permission request")
    sp.goto("/compliance/permissions/")
    expect(sp.get_by_role("heading", name="Waiting for your decision")).to_be_visible()
    sp.get_by_role("row").filter(has_text="Ortiz").get_by_role("link").first.click()
    expect(sp).to_have_url(re.compile(rf"/compliance/permissions/{permission.pk}/$"))
    sp.get_by_label("Grant", exact=True).check()
    sp.get_by_label("Reasons", exact=True).fill("Public event; no case details. Keep it to the photo.")
    sp.get_by_label("Expires on (optional)").fill(expires.isoformat())
    sp.get_by_role("button", name="Record the decision").click()
    expect(sp.locator(".messages")).to_contain_text("Permission granted")
    expect(sp.locator("#permission-status")).to_have_text("Granted")
    screenshot(sp, "permission-granted")

    permission.refresh_from_db()
    assert permission.status == PermissionStatus.GRANTED
    assert permission.decided_by == sergeant
    assert permission.expires_on == expires
    assert permission.reasons.startswith("Public event")

    page.reload()
    expect(page.locator("#permission-status")).to_have_text("Granted")

    # Someone with no relation to the request: the same 404 as for a request that does not exist.
    xp = sign_in(stranger, f.PASSWORD)
    response = xp.goto(f"/compliance/permissions/{permission.pk}/")
    assert response is not None and response.status == 404
    expect(xp.locator("h1")).to_have_text("Not found")
    expect(xp.locator("main")).not_to_contain_text("Ortiz")
    assert audit_verify_chain().ok
