"""Journey: `pio` registers an account, `chief` approves it, activation is refused until the
page-compliance checklist is complete, then succeeds (A1 CPD III.C.1 / BPD 2.a / HPPD I.A; A3)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from accounts.models import AccountStatus, SocialAccount
from audit.services import audit_verify_chain
from tests import factories as f

pytestmark = pytest.mark.django_db(transaction=True)


def test_pio_registers_chief_approves_activation_waits_for_checklist_a1_a3(sign_in, screenshot):
    pio, chief = f.pio(username="pio"), f.chief(username="chief")

    page = sign_in(pio, f.PASSWORD)
    page.get_by_role("link", name="Department accounts").click()
    page.get_by_role("button", name="Register an account").click()
    page.get_by_label("Platform").select_option("instagram")
    page.get_by_label("Handle").fill("@PoliceCommunity")
    page.get_by_label("Page URL").fill("https://www.instagram.com/PoliceCommunity")
    page.get_by_label("Purpose statement").fill("Community outreach and crime-prevention tips.")
    page.get_by_label("Contact info").fill("Public Information Office, non-emergency line")
    page.get_by_label("Official website").fill("https://www.example.gov/police")
    page.get_by_role("button", name="Propose account").click()
    expect(page.locator(".messages")).to_contain_text("was proposed")
    expect(page.locator("h1")).to_contain_text("Proposed")
    # The PIO may not approve (A1): there is no button for them.
    expect(page.get_by_role("button", name="Approve account")).to_have_count(0)
    account = SocialAccount.objects.get(handle="@PoliceCommunity")

    chief_page = sign_in(chief, f.PASSWORD)
    expect(chief_page.get_by_text("Accounts awaiting your approval")).to_be_visible()
    chief_page.get_by_role("link", name=re.compile("@PoliceCommunity")).click()
    chief_page.get_by_role("button", name="Approve account").click()
    expect(chief_page.locator(".messages")).to_contain_text("Account approved")
    expect(chief_page.locator("h1")).to_contain_text("Approved")

    page.reload()
    page.get_by_role("button", name="Activate").click()
    expect(page.locator(".messages")).to_contain_text("checklist is incomplete")
    account.refresh_from_db()
    assert account.status == AccountStatus.APPROVED
    screenshot(page, "account-activation-refused")

    # Tick every item over htmx; each click swaps just that item.
    items = account.checklist_items.count()
    for _ in range(items):
        page.get_by_role("button", name=re.compile("^Mark done: ")).first.click()
        expect(page.get_by_role("button", name=re.compile("^Mark not done: "))).to_have_count(_ + 1)
    page.reload()
    page.get_by_role("button", name="Activate").click()
    expect(page.locator(".messages")).to_contain_text("Account is now active")
    expect(page.locator("h1")).to_contain_text("Active")
    screenshot(page, "account-active")

    account.refresh_from_db()
    assert account.status == AccountStatus.ACTIVE and account.approved_by == chief
    assert audit_verify_chain().ok


def test_pages_fit_a_tablet(sign_in, screenshot):
    """Usable on a tablet: the register and the detail page render without sideways scrolling."""
    pio, chief = f.pio(username="pio"), f.chief()
    f.account(pio, approver=chief, status="active")
    page = sign_in(pio, f.PASSWORD, viewport={"width": 768, "height": 1024})
    f.post(pio, acc_live := SocialAccount.objects.get(), submit=True)
    for url in (
        "/accounts/",
        f"/accounts/{acc_live.pk}/",
        "/posts/",
        "/posts/new/",
        "/posts/moderation/",
        "/",
        "/compliance/",
        "/compliance/directive/",
        "/compliance/permissions/new/",
        "/compliance/access/new/",
        "/compliance/violations/new/",
    ):
        page.goto(url)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 768, url
    page.goto("/posts/?all=1")
    screenshot(page, "post-queue-tablet")
