"""Browser pages for accounts, as each role sees them (Django test client; Chromium in tests/e2e)."""

from __future__ import annotations

import pytest

from accounts.models import AccountStatus, SocialAccount
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_pages_require_sign_in(client):
    for url in ("/", "/accounts/", "/accounts/new/"):
        resp = client.get(url)
        assert resp.status_code == 302 and resp.url.startswith("/login/")


def test_dashboard_shows_each_role_what_waits_for_it(client):
    pio, chief = f.pio(), f.chief()
    f.account(pio, handle="@Waiting")
    client.force_login(chief)
    body = client.get("/").content.decode()
    assert "Accounts awaiting your approval" in body and "@Waiting" in body
    client.force_login(pio)
    body = client.get("/").content.decode()
    assert "Accounts awaiting your approval" not in body and "Accounts you administer" in body


def test_register_form_shows_field_errors_and_creates_nothing(client):
    client.force_login(f.pio())
    resp = client.post("/accounts/new/", {"platform": "facebook", "handle": "", "url": "nope"})
    assert resp.status_code == 400
    assert "This field is required." in resp.content.decode()
    assert not SocialAccount.objects.exists()


def test_register_form_refuses_non_department_administrator_hppd_i_d_5(client):
    me = f.pio()
    outsider = f.pio(email="x@gmail.com")
    client.force_login(me)
    resp = client.post("/accounts/new/", {**f.ACCOUNT_DATA, "administrators": [outsider.pk]})
    assert resp.status_code == 400 and "HPPD I.D.5" in resp.content.decode()
    assert not SocialAccount.objects.exists()


def test_officer_cannot_register_and_sees_no_approve_button(client):
    pio = f.pio()
    acc = f.account(pio)
    client.force_login(f.MemberFactory())
    assert client.get("/accounts/new/").status_code == 302
    body = client.get(f"/accounts/{acc.pk}/").content.decode()
    assert "Approve account" not in body and "Mark done" not in body
    resp = client.post(f"/accounts/{acc.pk}/approve/", follow=True)
    assert "Only the chief executive" in resp.content.decode()
    acc.refresh_from_db()
    assert acc.status == AccountStatus.PROPOSED


def test_unknown_account_page_is_404(client):
    client.force_login(f.pio())
    assert client.get("/accounts/424242/").status_code == 404


def test_checklist_toggle_over_htmx_returns_the_item(client):
    pio, chief = f.pio(), f.chief()
    acc = f.account(pio, approver=chief, status="approved")
    client.force_login(pio)
    resp = client.post(
        f"/accounts/{acc.pk}/checklist/", {"code": "purpose-statement", "done": "on"}, HTTP_HX_REQUEST="true"
    )
    assert resp.status_code == 200 and 'id="check-purpose-statement"' in resp.content.decode()
    assert acc.checklist_items.get(code="purpose-statement").done


def test_account_list_page_query_count_does_not_grow_with_accounts(client, django_assert_max_num_queries):
    pio = f.pio()
    client.force_login(pio)
    f.account(pio, handle="@One")
    with django_assert_max_num_queries(20) as few:
        client.get("/accounts/")
    for i in range(15):
        f.account(pio, handle=f"@Many{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert "@Many14" in client.get("/accounts/").content.decode()
