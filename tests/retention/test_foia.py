"""FOIA requests on the Illinois clock (policy-map D3; 5 ILCS 140) and the archive (D1)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.utils import timezone

from accounts.models import Role
from approvals import services as posts
from audit.models import AuditEvent
from policy_portal.errors import Conflict, InvalidInput, NotPermitted
from retention import foia_clock, services
from retention.models import ArchivedRecord, FoiaRequest, LegalHold
from tests import factories as f

pytestmark = pytest.mark.django_db


def _at(y: int, m: int, d: int, h: int = 10) -> datetime:
    return timezone.make_aware(datetime(y, m, d, h))


def records_officer(**kwargs):  # type: ignore[no-untyped-def]
    return f.MemberFactory(roles=[Role.RECORDS], **kwargs)


def test_business_days_skip_weekends_and_illinois_holidays_5_ilcs_70_1_11():
    # Received Wednesday 2027-02-10: Feb 12 (Lincoln's Birthday) and Feb 15 (Presidents' Day) are holidays.
    assert foia_clock.add_business_days(date(2027, 2, 10), 5) == date(2027, 2, 19)
    # Casimir Pulaski Day, first Monday of March 2027 (March 1).
    assert foia_clock.add_business_days(date(2027, 2, 26), 1) == date(2027, 3, 2)
    # A department closure day from the profile also does not count.
    assert foia_clock.add_business_days(date(2027, 3, 2), 1, [date(2027, 3, 3)]) == date(2027, 3, 4)
    # The day of receipt never counts, even on a Saturday.
    assert foia_clock.add_business_days(date(2026, 11, 21), 1) == date(2026, 11, 23)


def test_due_dates_per_type_5_ilcs_140_3d_3_1_3_2_3_6():
    officer = records_officer()
    received = _at(2026, 12, 1)  # Tuesday
    due = {}
    for kind in ("standard", "commercial", "recurrent", "voluminous"):
        req = services.foia_log(
            actor=officer,
            now=received,
            data={
                "requester_name": "A. Reporter",
                "description": "All posts about the parade",
                "request_type": kind,
                "received_at": received,
            },
        )
        due[kind] = req.due_date
    assert due["standard"] == date(2026, 12, 8)
    assert due["voluminous"] == date(2026, 12, 8)
    # 21 business days: Dec 2–31 less weekends and Christmas Day (Friday Dec 25).
    assert due["commercial"] == due["recurrent"] == date(2026, 12, 31)
    assert AuditEvent.objects.filter(action="foia.logged").count() == 4


def test_one_extension_for_a_listed_reason_only_within_the_original_days_3e_3f():
    officer = records_officer()
    req = services.foia_log(
        actor=officer,
        now=_at(2026, 12, 1),
        data={
            "requester_name": "R",
            "description": "d",
            "request_type": "standard",
            "received_at": _at(2026, 12, 1),
        },
    )
    with pytest.raises(InvalidInput):
        services.foia_extend(req=req, actor=officer, reason="because", now=_at(2026, 12, 2))
    with pytest.raises(Conflict) as late:
        services.foia_extend(req=req, actor=officer, reason="3e_iii", now=_at(2026, 12, 9))
    assert late.value.code == "too_late"
    req = services.foia_extend(req=req, actor=officer, reason="3e_iii", now=_at(2026, 12, 4))
    assert req.due_date == date(2026, 12, 15) and req.status == "extended"
    with pytest.raises(Conflict) as twice:
        services.foia_extend(req=req, actor=officer, reason="3e_i", now=_at(2026, 12, 4))
    assert twice.value.code in ("already_extended", "illegal_transition")


def test_publishing_archives_the_approved_version_with_chain_and_hash_d1():
    post = f.published_post()
    record = ArchivedRecord.objects.get(source_id=str(post.pk), kind="post")
    assert record.content["body"] == post.body and record.content["approved_by"]
    assert [step["action"] for step in record.content["approval_chain"]][-2:] == [
        "post.submitted",
        "post.approved",
    ]
    assert record.content_sha256 == services.canonical_sha256(record.content)
    assert record.series.code == "social-media-posts"


def test_moderated_comment_is_archived_even_when_removed_bpd_disclaimer_d1():
    acc, pio, _, _ = f.live_account_with_approver()
    posts.comment_record(
        actor=pio,
        account=acc,
        data={
            "platform_comment_id": "c1",
            "author_handle": "@x",
            "original_text": "you are all idiots",
            "action": "removed",
            "ground": "personal-attack",
            "commented_at": timezone.now(),
        },
    )
    assert ArchivedRecord.objects.get(kind="comment").content["original_text"] == "you are all idiots"


def test_responsive_records_are_held_until_the_request_closes_and_responses_cite_exemptions():
    post = f.published_post("Crash on Route 9. Driver Jane Roe, DL 123, taken to hospital.")
    record = ArchivedRecord.objects.get(source_id=str(post.pk))
    officer = records_officer()
    req = services.foia_log(
        actor=officer, data={"requester_name": "R", "description": "crash posts", "request_type": "standard"}
    )
    services.foia_add_responsive(req=req, actor=officer, records=[record])
    assert services.held_records(ArchivedRecord.objects.all()).filter(pk=record.pk).exists()
    with pytest.raises(InvalidInput):
        services.foia_respond(req=req, actor=officer, response_type="partial", basis="x")
    with pytest.raises(InvalidInput) as bad:
        services.withholding_add(
            req=req, actor=officer, record=record, exemption="7(99)", span_start=0, span_end=4
        )
    assert "exemption" in bad.value.fields
    start = record.content_text.index("Jane Roe")
    services.withholding_add(
        req=req,
        actor=officer,
        record=record,
        exemption="7(1)(c)",
        span_start=start,
        span_end=start + len("Jane Roe"),
        basis="Personal privacy",
    )
    hold = LegalHold.objects.get(foia_request=req)
    with pytest.raises(Conflict):
        services.hold_release(hold=hold, actor=officer, reason="done")
    with pytest.raises(InvalidInput) as no_basis:
        services.foia_respond(req=req, actor=officer, response_type="partial")
    assert "basis" in no_basis.value.fields
    services.foia_respond(
        req=req,
        actor=officer,
        response_type="partial",
        basis="Name withheld under 7(1)(c). You may appeal to the Public Access Counselor.",
    )
    services.foia_close(req=req, actor=officer)
    assert not services.held_records(ArchivedRecord.objects.all()).exists()


def test_public_denial_index_by_exemption_without_requester_identity_9b(client):
    post = f.published_post()
    record = ArchivedRecord.objects.get(source_id=str(post.pk))
    officer = records_officer()
    req = services.foia_log(
        actor=officer,
        data={"requester_name": "Secret Person", "description": "route posts", "request_type": "standard"},
    )
    services.foia_add_responsive(req=req, actor=officer, records=[record])
    services.withholding_add(
        req=req,
        actor=officer,
        record=record,
        exemption="7(1)(d)",
        whole_item=True,
        basis="Ongoing investigation",
    )
    services.foia_respond(req=req, actor=officer, response_type="denial", basis="7(1)(d); appeal to the PAC")
    page = client.get("/foia/denials/").content.decode()  # no sign-in: open to the public
    assert "§7(1)(d)" in page and "route posts" in page and "Secret Person" not in page
    csv_text = client.get("/foia/denials.csv").content.decode()
    assert csv_text.splitlines()[1].startswith("7(1)(d),") and "Secret Person" not in csv_text


def test_reminder_and_overdue_sweep_notify_once_each():
    from accounts.models import Notification

    officer = records_officer()
    req = services.foia_log(
        actor=officer,
        now=_at(2026, 12, 1),
        data={
            "requester_name": "R",
            "description": "d",
            "request_type": "standard",
            "received_at": _at(2026, 12, 1),
        },
    )
    assert services.foia_remind(now=_at(2026, 12, 7)) == {"reminded": [req.pk], "flagged": []}
    assert services.foia_remind(now=_at(2026, 12, 7)) == {"reminded": [], "flagged": []}
    assert services.foia_remind(now=_at(2026, 12, 9)) == {"reminded": [], "flagged": [req.pk]}
    assert services.foia_remind(now=_at(2026, 12, 10)) == {"reminded": [], "flagged": []}
    assert Notification.objects.filter(recipient=officer, subject__contains="OVERDUE").count() == 1


def test_only_records_staff_reach_foia_and_the_archive(api, client):
    from rest_framework.authtoken.models import Token

    officer = records_officer()
    req = services.foia_log(
        actor=officer, data={"requester_name": "R", "description": "d", "request_type": "standard"}
    )
    for outsider in (f.pio(), f.MemberFactory(), f.investigator()):
        with pytest.raises(NotPermitted):
            services.foia_log(
                actor=outsider, data={"requester_name": "R", "description": "d", "request_type": "standard"}
            )
        api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=outsider)[0].key}")
        assert api.get(f"/api/v1/foia-requests/{req.pk}/").status_code == 404
        assert api.get("/api/v1/records/").json()["count"] == 0
        client.force_login(outsider)
        assert client.get(f"/records/foia/{req.pk}/").status_code == 404
        assert client.get("/records/").status_code == 404
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=officer)[0].key}")
    body = api.get(f"/api/v1/foia-requests/{req.pk}/").json()
    assert body["due_date"] and body["business_days_left"] is not None
    bad = api.post("/api/v1/foia-requests/", {"requester_name": "", "request_type": "urgent"}, format="json")
    assert bad.status_code == 400 and {"request_type", "description"} <= set(bad.json()["fields"])
    assert FoiaRequest.objects.count() == 1


def test_voluminous_notice_gives_ten_business_days_to_narrow_then_five_to_answer_3_6():
    officer = records_officer()
    req = services.foia_log(
        actor=officer,
        now=_at(2026, 12, 1),
        data={
            "requester_name": "R",
            "description": "Every post since 2015",
            "request_type": "voluminous",
            "received_at": _at(2026, 12, 1),
        },
    )
    with pytest.raises(Conflict):
        services.foia_voluminous_notice(req=req, actor=officer, now=_at(2026, 12, 9))
    req = services.foia_voluminous_notice(req=req, actor=officer, now=_at(2026, 12, 3))
    assert req.status == "awaiting_narrowing" and req.narrowing_due_date == date(2026, 12, 17)
    req = services.foia_narrowed(
        req=req, actor=officer, description="Only posts from June 2026", now=_at(2026, 12, 10)
    )
    assert req.status == "open" and req.due_date == date(2026, 12, 17)
    standard = services.foia_log(
        actor=officer, data={"requester_name": "R", "description": "d", "request_type": "standard"}
    )
    with pytest.raises(Conflict):
        services.foia_voluminous_notice(req=standard, actor=officer)
