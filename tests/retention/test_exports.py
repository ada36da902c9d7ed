"""Export packages (policy-map D4): a BagIt bag with readable and native records, redaction log, cover
letter and load file; verifiable with `verify_package` and the bagit library; downloads audited."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import bagit
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.authtoken.models import Token

from accounts.models import Role
from audit.models import AuditEvent
from retention import services
from retention.exports import build_package, export_create, verify_zip
from retention.models import ArchivedRecord, ExportPackage
from tests import factories as f
from tests.worker import wait_for

SECRET = "Jane Roe"


def _request_with_records():  # type: ignore[no-untyped-def]
    f.published_post(f"Crash on Route 9. Driver {SECRET} was taken to hospital.")
    f.published_post("Detectives ask for tips on the Route 9 crash.", handle="@Other")
    officer = f.MemberFactory(roles=[Role.RECORDS])
    req = services.foia_log(
        actor=officer,
        data={"requester_name": "R", "description": "Route 9 crash posts", "request_type": "standard"},
    )
    records = list(ArchivedRecord.objects.order_by("pk"))
    services.foia_add_responsive(req=req, actor=officer, records=records)
    first = records[0]
    start = first.content_text.index(SECRET)
    services.withholding_add(
        req=req,
        actor=officer,
        record=first,
        exemption="7(1)(c)",
        span_start=start,
        span_end=start + len(SECRET),
        basis="Personal privacy",
    )
    services.withholding_add(
        req=req,
        actor=officer,
        record=records[1],
        exemption="7(1)(d)",
        whole_item=True,
        basis="Pending investigation",
    )
    return officer, req, records


@pytest.mark.django_db
def test_package_is_a_valid_bag_with_redactions_in_every_copy_d4(tmp_path):
    officer, req, records = _request_with_records()
    package = export_create(actor=officer, req=req, records=records)
    built = build_package(package.pk)
    assert built is not None and built.status == "done" and built.progress == 100 and len(built.sha256) == 64
    assert build_package(package.pk) is None  # a second delivery finds it claimed
    ok, message = verify_zip(Path(built.file_path))
    assert ok, message
    call_command("verify_package", built.file_path)
    with zipfile.ZipFile(built.file_path) as archive:
        archive.extractall(tmp_path)
    bag = bagit.Bag(str(next(tmp_path.iterdir())))
    assert bag.is_valid() and "sha256" in bag.algorithms
    data = Path(bag.path) / "data"
    first, second = records
    html_text = (data / "records" / f"record-{first.pk}.html").read_text()
    native = json.loads((data / "records" / f"record-{first.pk}.json").read_text())
    assert SECRET not in html_text and "[REDACTED §7(1)(c)]" in html_text
    assert SECRET not in json.dumps(native)
    for path in data.rglob("*"):  # no copy anywhere in the bag leaks the redacted passage
        if path.is_file() and path.suffix in {".html", ".json", ".csv", ".dat"}:
            assert SECRET not in path.read_text(), path.name
    assert not (data / "records" / f"record-{second.pk}.json").exists()
    assert (
        "withheld in full under 5 ILCS 140/7(1)(d)"
        in (data / "records" / f"record-{second.pk}.html").read_text()
    )
    log = (data / "redaction-log.csv").read_text().splitlines()
    assert log[0].startswith("record,scope") and any(
        "7(1)(c)" in row and officer.username in row for row in log
    )
    assert "Public Access Counselor" in (data / "cover-letter.html").read_text()
    assert (data / "loadfile.dat").read_text().count("\u00feREC") == 2
    assert (Path(bag.path) / "bag-info.txt").read_text().count("FOIA request") == 1


@pytest.mark.django_db
def test_tampered_package_fails_verification(tmp_path):
    officer, req, records = _request_with_records()
    built = build_package(export_create(actor=officer, req=req, records=records).pk)
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(built.file_path) as src, zipfile.ZipFile(tampered, "w") as dst:
        for item in src.infolist():
            content = src.read(item)
            if item.filename.endswith("cover-letter.html"):
                content += b"<p>added later</p>"
            dst.writestr(item, content)
    ok, message = verify_zip(tampered)
    assert not ok
    with pytest.raises(CommandError, match="INVALID"):
        call_command("verify_package", str(tampered))


@pytest.mark.django_db
def test_only_responsive_records_can_be_exported():
    officer, req, _ = _request_with_records()
    from approvals.models import Post

    other = ArchivedRecord.objects.create(
        series=ArchivedRecord.objects.first().series,
        kind="post",
        source_type="x",
        source_id="1",
        title="t",
        content={},
        content_text="",
        content_sha256="0" * 64,
        captured_at=Post.objects.first().created_at,
        trigger_date=Post.objects.first().created_at.date(),
    )
    from policy_portal.errors import InvalidInput

    with pytest.raises(InvalidInput) as refused:
        export_create(actor=officer, req=req, records=[other])
    assert "records" in refused.value.fields


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_api_export_is_built_by_a_real_worker_and_download_is_audited_d4(api, celery_worker, tmp_path):
    officer, req, records = _request_with_records()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=officer)[0].key}")
    created = api.post(
        "/api/v1/exports/", {"foia_request": req.pk, "records": [r.pk for r in records]}, format="json"
    )
    assert created.status_code == 201 and created.json()["status"] == "queued"
    pk = created.json()["id"]
    wait_for(lambda: ExportPackage.objects.get(pk=pk).status in ("done", "failed"), worker=celery_worker)
    body = api.get(f"/api/v1/exports/{pk}/").json()
    assert body["status"] == "done" and body["progress"] == 100, body
    download = api.get(f"/api/v1/exports/{pk}/download/")
    assert download.status_code == 200
    target = tmp_path / "package.zip"
    target.write_bytes(b"".join(download.streaming_content))
    assert verify_zip(target)[0]
    event = AuditEvent.objects.get(action="export.downloaded")
    assert event.actor == officer and event.after["sha256"] == body["sha256"]
    outsider = f.pio()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=outsider)[0].key}")
    assert api.get(f"/api/v1/exports/{pk}/download/").status_code == 404


@pytest.mark.django_db
def test_e2_packages_omit_undercover_members_bpd_personal_use_4b_hppd_iii_a_10(tmp_path):
    """E2: a FOIA package is public-facing — an undercover member named anywhere in a record (here the
    supervisor who approved the post) is masked in every copy, and the redaction log says so."""
    post = f.published_post("Road closed on Main St for the parade.")
    approver = post.decided_by
    approver.is_undercover = True
    approver.first_name, approver.last_name = "Quinn", "Harrow"
    approver.save()
    officer = f.MemberFactory(roles=[Role.RECORDS])
    req = services.foia_log(
        actor=officer, data={"requester_name": "R", "description": "Parade posts", "request_type": "standard"}
    )
    records = list(ArchivedRecord.objects.order_by("pk"))
    assert approver.username in json.dumps(records[0].content)  # the archive keeps the truth
    services.foia_add_responsive(req=req, actor=officer, records=records)
    built = build_package(export_create(actor=officer, req=req, records=records).pk)
    with zipfile.ZipFile(built.file_path) as archive:
        archive.extractall(tmp_path)
    data = next(tmp_path.iterdir()) / "data"
    for path in data.rglob("*"):
        if path.is_file() and path.suffix in {".html", ".json", ".csv", ".dat"}:
            assert approver.username not in path.read_text(), path.name
    native = (data / "records" / f"record-{records[0].pk}.json").read_text()
    assert "[member withheld]" in native and "Road closed on Main St" in native
    log = (data / "redaction-log.csv").read_text()
    assert "member identity" in log and "7(1)(d)(vi)" in log
