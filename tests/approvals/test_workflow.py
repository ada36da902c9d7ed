"""Post approval workflow (policy-map B1–B4) through the services."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import Notification
from approvals import services
from approvals.models import Post, PostStatus
from audit.models import AuditEvent
from policy_portal.errors import Conflict, IllegalTransition, InvalidInput, NotPermitted
from tests import factories as f

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_author_cannot_approve_own_post_hppd_i_b_5():
    """HPPD I.B.5: all postings are approved by a supervisor, and never by their author."""
    acc, pio, sarge, boss = f.live_account_with_approver()
    # Even an author who also holds approval rights on the account may not approve their own post.
    from accounts.services import account_grant_post_approver

    account_grant_post_approver(account=acc, actor=boss, member=pio)
    p = f.post(pio, acc, submit=True)
    with pytest.raises(NotPermitted) as refused:
        services.post_approve(post=p, actor=pio)
    assert refused.value.code == "author_cannot_approve"
    assert Post.objects.get(pk=p.pk).status == PostStatus.SUBMITTED
    services.post_approve(post=p, actor=sarge)
    assert Post.objects.get(pk=p.pk).status == PostStatus.APPROVED


def test_only_account_administrators_draft_and_only_its_approvers_decide_a2_b1():
    """BPD Platform 2.a, HPPD I.A (A2); HPPD I.B.5 (B1)."""
    acc, pio, sarge, _ = f.live_account_with_approver()
    other_pio = f.pio()
    with pytest.raises(NotPermitted):
        f.post(other_pio, acc)
    p = f.post(pio, acc, submit=True)
    stranger_sergeant = f.supervisor()
    with pytest.raises(NotPermitted):
        services.post_approve(post=p, actor=stranger_sergeant)
    with pytest.raises(NotPermitted):
        services.post_reject(post=p, actor=other_pio, reason="no")


def test_blocking_finding_stops_submit_and_approval_until_fixed_b3():
    """CPD III.C.4.b, BPD Sanctioned use 3, HPPD I.D.3: no statements of guilt."""
    acc, pio, sarge, _ = f.live_account_with_approver()
    p = f.post(pio, acc, body="Arrest made: the suspect is guilty of the Elm St burglaries.")
    assert [x.detector for x in p.findings.all()] == ["guilt_innocence"]
    with pytest.raises(Conflict) as refused:
        services.post_submit(post=p, actor=pio)
    assert refused.value.code == "blocking_findings" and "body" in refused.value.fields
    p = services.post_update(post=p, actor=pio, data={"body": "Arrest made in the Elm St burglaries."})
    assert not p.findings.exists()
    services.post_submit(post=p, actor=pio)
    services.post_approve(post=p, actor=sarge)


def test_warnings_need_written_acknowledgement_by_name_b3():
    acc, pio, sarge, _ = f.live_account_with_approver()
    p = f.post(
        pio,
        acc,
        body="The trial of the Elm St case starts Monday; courthouse parking is limited.",
        submit=True,
    )
    with pytest.raises(InvalidInput) as no_ack:
        services.post_approve(post=p, actor=sarge)
    assert "acknowledged_warnings" in no_ack.value.fields
    with pytest.raises(InvalidInput) as no_comment:
        services.post_approve(post=p, actor=sarge, acknowledged_warnings=["pending_prosecution"])
    assert "comment" in no_comment.value.fields
    services.post_approve(
        post=p,
        actor=sarge,
        acknowledged_warnings=["pending_prosecution"],
        comment="Factual logistics only; no comment on the case.",
    )
    p.refresh_from_db()
    assert p.acknowledged_warnings == ["pending_prosecution"] and p.decision_note.startswith("Factual")
    event = AuditEvent.objects.get(action="post.approved", object_id=str(p.pk))
    assert event.after["acknowledged_warnings"] == ["pending_prosecution"]


def test_undercover_member_names_are_flagged_e2_bpd_personal_use_4b():
    """BPD Personal use 4.b, HPPD III.A.10: members flagged undercover are never named in posts."""
    acc, pio, _, _ = f.live_account_with_approver()
    f.MemberFactory(first_name="Alex", last_name="Rivera", rank="Detective", is_undercover=True)
    p = f.post(pio, acc, body="Congratulations to Detective Rivera on the award!")
    assert [x.detector for x in p.findings.all()] == ["undercover_member"]


def test_editing_an_approved_post_sends_it_back_for_approval_hppd_i_b_5():
    acc, pio, sarge, _ = f.live_account_with_approver()
    p = f.post(pio, acc, submit=True)
    services.post_approve(post=p, actor=sarge)
    p = services.post_update(
        post=p, actor=pio, data={"body": "Updated tip: lock your car and hide valuables."}
    )
    assert p.status == PostStatus.SUBMITTED and p.submission_round == 2 and p.version == 2
    with pytest.raises(IllegalTransition):
        services.post_publish(post=p, actor=pio, platform_url="https://example.org/p/1")


def test_edit_that_trips_a_block_after_approval_returns_to_draft_keeping_the_edit():
    acc, pio, sarge, _ = f.live_account_with_approver()
    p = f.post(pio, acc, submit=True)
    services.post_approve(post=p, actor=sarge)
    p = services.post_update(post=p, actor=pio, data={"body": "DOB 1/2/1990 of the man we arrested."})
    assert p.status == PostStatus.DRAFT and "DOB" in p.body


def test_approve_refuses_a_stale_version():
    acc, pio, sarge, _ = f.live_account_with_approver()
    p = f.post(pio, acc, submit=True)
    services.post_update(post=p, actor=pio, data={"body": "Changed while under review."})
    with pytest.raises(Conflict) as stale:
        services.post_approve(post=p, actor=sarge, version=1)
    assert stale.value.code == "stale_version"


def test_deadline_comes_from_profile_time_sensitive_in_minutes_b2_b5():
    """BPD On the job 3, HPPD I.F.3: time-sensitive notifications get a much shorter deadline."""
    acc, pio, _, _ = f.live_account_with_approver()
    now = timezone.now()
    urgent = services.post_submit(
        post=f.post(pio, acc, body="Road closed: Main St flooding.", category="time_sensitive"),
        actor=pio,
        now=now,
    )
    outreach = services.post_submit(post=f.post(pio, acc), actor=pio, now=now)
    assert urgent.approval_due_at - now == timedelta(minutes=30)
    assert outreach.approval_due_at - now == timedelta(minutes=2880)


def test_illegal_moves_are_409_and_every_step_is_kept_as_history():
    acc, pio, sarge, _ = f.live_account_with_approver()
    p = f.post(pio, acc, submit=True)
    with pytest.raises(IllegalTransition):
        services.post_submit(post=p, actor=pio)
    services.post_request_changes(post=p, actor=sarge, reason="Add the non-emergency number.")
    with pytest.raises(IllegalTransition):
        services.post_approve(post=p, actor=sarge)
    services.post_comment(post=p, actor=pio, text="Added it.")
    services.post_submit(post=p, actor=pio)
    services.post_reject(post=p, actor=sarge, reason="Superseded by this morning's release.")
    with pytest.raises(IllegalTransition):
        services.post_withdraw(post=p, actor=pio)
    actions = list(AuditEvent.objects.for_object(p).order_by("id").values_list("action", flat=True))
    assert actions == [
        "post.created",
        "post.submitted",
        "post.changes_requested",
        "post.commented",
        "post.submitted",
        "post.rejected",
    ]
    reasons = [e.after.get("reason") for e in AuditEvent.objects.for_object(p).filter(action="post.rejected")]
    assert reasons == ["Superseded by this morning's release."]


def test_reason_is_required_to_request_changes_or_reject():
    acc, pio, sarge, _ = f.live_account_with_approver()
    p = f.post(pio, acc, submit=True)
    for call in (services.post_request_changes, services.post_reject):
        with pytest.raises(InvalidInput) as refused:
            call(post=p, actor=sarge, reason="  ")
        assert "reason" in refused.value.fields


def test_publishing_records_where_and_when_through_the_manual_publisher():
    acc, pio, sarge, _ = f.live_account_with_approver()
    p = f.post(pio, acc, submit=True)
    services.post_approve(post=p, actor=sarge)
    with pytest.raises(InvalidInput):
        services.post_publish(post=p, actor=pio)
    p = services.post_publish(
        post=p, actor=pio, platform_url="https://facebook.com/TestPD/posts/123", platform_post_id="123"
    )
    assert p.status == PostStatus.PUBLISHED and p.published_by == pio and p.published_at is not None
    assert p.platform_post_id == "123"


def test_likely_media_inquiry_notifies_office_of_communications_once_cpd_iv_c_6():
    acc, pio, sarge, boss = f.live_account_with_approver()
    p = f.post(pio, acc, body="Update on this morning's officer-involved shooting on Route 9.")
    services.post_submit(post=p, actor=pio)
    # boss holds the chief's position, whose powers include pio_lead in the Bloomington profile.
    notes = Notification.objects.filter(recipient=boss, subject__startswith="Likely media inquiry")
    assert notes.count() == 1
    services.post_request_changes(post=p, actor=sarge, reason="Wait for the chief's statement.")
    services.post_submit(post=p, actor=pio)
    assert notes.count() == 1  # told once per post, not on every resubmission


def test_media_upload_checks_type_and_records_licence_cpd_iii_c_4_c():
    """CPD III.C.4.c, BPD Sanctioned use 4.c: media without a licence record blocks approval."""
    acc, pio, _, _ = f.live_account_with_approver()
    p = f.post(pio, acc)
    with pytest.raises(InvalidInput) as bad_type:
        services.post_add_media(
            post=p,
            actor=pio,
            upload=SimpleUploadedFile("x.png", b"MZ\x90 not an image"),
            source="",
            licence="",
        )
    assert "file" in bad_type.value.fields
    services.post_add_media(
        post=p, actor=pio, upload=SimpleUploadedFile("crash.png", PNG), source="", licence=""
    )
    assert [x.detector for x in Post.objects.get(pk=p.pk).findings.all()] == ["media_licence"]
    with pytest.raises(Conflict):
        services.post_submit(post=p, actor=pio)
    p2 = f.post(pio, acc)
    m = services.post_add_media(
        post=p2,
        actor=pio,
        upload=SimpleUploadedFile("ok.png", PNG),
        source="PIO office camera",
        licence="department",
    )
    assert m.content_type == "image/png" and len(m.sha256) == 64
    assert not Post.objects.get(pk=p2.pk).findings.exists()


def test_opening_a_notification_marks_it_read_and_others_are_404(client):
    acc, pio, sarge, _ = f.live_account_with_approver()
    f.post(pio, acc, submit=True)
    note = Notification.objects.get(recipient=sarge)
    client.force_login(pio)
    assert client.get(f"/notifications/{note.pk}/").status_code == 404
    client.force_login(sarge)
    resp = client.get(f"/notifications/{note.pk}/")
    assert resp.status_code == 302 and resp.url == f"/posts/{note.url.split('/')[2]}/"
    note.refresh_from_db()
    assert note.read_at is not None
