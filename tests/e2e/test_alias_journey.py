"""Journey: detective requests covert use, lieutenant approves, detective2 and pio get 404, the
authorization expires through a real Celery worker (policy-map C1–C5, C8)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from accounts.models import Unit
from investigations.models import AliasAuthorization
from investigations.tasks import expire_alias_authorizations
from tests import factories as f
from tests.worker import wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]


def test_detective_requests_lieutenant_approves_others_404_expires_by_worker_c8(
    sign_in, screenshot, celery_worker
):
    ciu = Unit.objects.create(code="ciu", name="Criminal Investigation Unit")
    scu = Unit.objects.create(code="scu", name="Street Crimes Unit")
    lieutenant = f.authorizer(username="lieutenant", unit=ciu)
    detective = f.investigator(username="detective", unit=ciu, supervisor=lieutenant)
    detective2 = f.investigator(username="detective2", unit=scu)
    pio = f.pio(username="pio")
    f.device(asset_tag="CIU-LT-0142")

    page = sign_in(detective, f.PASSWORD)
    page.get_by_role("link", name="Investigations").click()
    page.get_by_role("button", name="Request an authorization").click()
    page.get_by_label("Platform").fill("Instagram")
    page.get_by_label("Alias handle").fill("@sk8r_jay_02")
    page.get_by_label("Engagement level").select_option("covert")
    page.get_by_label("Case / incident number").fill("BPD-26-004411")
    page.get_by_label("Articulated investigative purpose").fill(
        "Identify the seller of stolen catalytic converters."
    )
    page.get_by_label("Target description").fill("Account advertising converters on the west side.")
    page.get_by_label("Create an alias account or identity").check()
    page.get_by_label("Contact a suspect").check()
    page.get_by_label("Starts on").fill(date.today().isoformat())
    page.get_by_label("Ends on").fill((date.today() + timedelta(days=30)).isoformat())
    page.get_by_role("button", name="Request authorization").click()
    expect(page.locator("main form")).to_contain_text("Attest that the monitoring is not based solely")
    page.get_by_label("I attest", exact=False).check()
    page.get_by_label("I am on duty", exact=False).check()
    page.get_by_role("button", name="Request authorization").click()
    expect(page.locator(".messages")).to_contain_text("Requested")
    auth = AliasAuthorization.objects.get()
    detail_url = f"/investigations/{auth.pk}/"

    lp = sign_in(lieutenant, f.PASSWORD)
    lp.goto("/investigations/")
    lp.get_by_role("link", name=f"#{auth.pk}").first.click()
    lp.get_by_role("button", name="Approve").click()
    expect(lp.locator(".messages")).to_contain_text("Authorization approved")
    expect(lp.locator("h1")).to_contain_text("Approved")
    screenshot(lp, "alias-approved")

    for outsider in (detective2, pio):
        op = sign_in(outsider, f.PASSWORD)
        response = op.goto(detail_url)
        assert response is not None and response.status == 404
        expect(op.locator("h1")).to_contain_text("Not found")
        api = op.request.get(f"/api/v1/alias-authorizations/{auth.pk}/")
        assert api.status == 404
        op.goto("/investigations/")
        expect(op.locator("main")).not_to_contain_text("sk8r_jay_02")

    # Log a use on a registered device, then let the calendar pass the end of the term.
    page.goto(detail_url)
    page.get_by_text("Log a use").click()
    page.get_by_label("I was on duty", exact=False).check()
    page.get_by_label("Department-approved device", exact=False).select_option(label="CIU-LT-0142 — laptop")
    page.get_by_label("What was done").fill("Messaged the seller to arrange a viewing.")
    page.get_by_label("Documented in report", exact=False).fill("BPD-26-004411-S1")
    page.get_by_role("button", name="Record use").click()
    expect(page.locator(".messages")).to_contain_text("Use recorded")

    AliasAuthorization.objects.filter(pk=auth.pk).update(
        starts_on=date.today() - timedelta(days=31), ends_on=date.today() - timedelta(days=1)
    )
    expire_alias_authorizations.delay()
    wait_for(lambda: AliasAuthorization.objects.get(pk=auth.pk).status == "expired", worker=celery_worker)
    page.goto(detail_url)
    expect(page.locator("h1")).to_contain_text("Expired")
    expect(page.get_by_role("button", name="Record use")).to_have_count(0)
    history = page.locator("article").filter(has_text="History")
    for action in ("alias.requested", "alias.approved", "alias.use_logged", "alias.expired"):
        expect(history).to_contain_text(action)
    screenshot(page, "alias-expired")
