"""Journey: `records` logs a FOIA request, sees its due date, picks responsive records, redacts one with
an exemption, exports, watches the progress bar and downloads a bag that bagit validates (D3, D4)."""

from __future__ import annotations

import zipfile

import bagit
import pytest
from playwright.sync_api import expect

from accounts.models import Role
from audit.models import AuditEvent
from retention.models import ExportPackage, FoiaRequest
from tests import factories as f

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]


def test_records_officer_logs_redacts_exports_and_downloads_a_valid_bag_d3_d4(
    sign_in, screenshot, celery_worker, tmp_path
):
    f.published_post("Crash on Route 9 this morning. Driver Jane Roe was taken to the hospital.")
    officer = f.MemberFactory(username="records", roles=[Role.RECORDS])

    page = sign_in(officer, f.PASSWORD)
    page.get_by_role("link", name="Records").click()
    page.get_by_role("link", name="Log a request").click()
    page.get_by_label("Requester name").fill("Pat Reporter")
    page.get_by_label("Description").fill("All department posts about the Route 9 crash")
    page.get_by_label("Request type").select_option("standard")
    page.get_by_role("button", name="Log request").click()
    expect(page.locator(".messages")).to_contain_text("Response due")
    req = FoiaRequest.objects.get()
    expect(page.locator("#clock")).to_contain_text(req.due_date.strftime("%B"))
    expect(page.locator("#clock")).to_contain_text("business day")

    page.get_by_label("Search the archive").fill("Route 9")
    page.get_by_role("button", name="Search").click()
    page.get_by_label("Crash on Route 9", exact=False).check()
    page.get_by_role("button", name="Add selected as responsive").click()
    expect(page.locator(".messages")).to_contain_text("marked responsive")

    page.get_by_label("Exemption").fill("7(1)(c)")
    page.get_by_label("Text to redact", exact=False).fill("Jane Roe")
    page.get_by_label("Basis", exact=True).fill("Personal privacy of the driver")
    page.get_by_role("button", name="Add redaction").click()
    expect(page.locator(".messages")).to_contain_text("Redaction recorded")

    page.get_by_role("button", name="Build export package").click()
    expect(page.locator(".messages")).to_contain_text("Export started")
    expect(page.locator("progress")).to_be_visible()
    screenshot(page, "foia-export-progress")
    expect(page.get_by_role("button", name="Download ZIP")).to_be_visible(timeout=60000)
    screenshot(page, "foia-export-ready")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download ZIP").click()
    target = tmp_path / "package.zip"
    info.value.save_as(target)

    with zipfile.ZipFile(target) as archive:
        archive.extractall(tmp_path / "bag")
    bag = bagit.Bag(str(next((tmp_path / "bag").iterdir())))
    bag.validate()
    texts = [p.read_text() for p in (tmp_path / "bag").rglob("*.html")]
    assert any("[REDACTED §7(1)(c)]" in t for t in texts) and not any("Jane Roe" in t for t in texts)
    package = ExportPackage.objects.get()
    assert AuditEvent.objects.filter(
        action="export.downloaded", actor=officer, after__sha256=package.sha256
    ).exists()
