"""/api/v1/posts/ and /api/v1/comments/ as the allowed user, a forbidden user and an outsider."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token

from accounts.models import Role
from approvals.models import ModeratedComment, Post
from tests import factories as f

pytestmark = pytest.mark.django_db


def _as(api, member):  # type: ignore[no-untyped-def]
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=member)[0].key}")
    return api


def test_post_lifecycle_through_the_api_b1_b3(api):
    acc, pio, sarge, _ = f.live_account_with_approver()
    created = _as(api, pio).post(
        "/api/v1/posts/",
        {
            "account": acc.pk,
            "category": "time_sensitive",
            "body": "Road closed. The driver is guilty of causing the crash.",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    post = created.json()
    assert post["status"] == "draft" and post["approval_due_at"] is None
    pk = post["id"]
    checks = api.get(f"/api/v1/posts/{pk}/checks/").json()
    assert [c["detector"] for c in checks] == ["guilt_innocence"] and checks[0]["severity"] == "block"
    blocked = api.post(f"/api/v1/posts/{pk}/submit/")
    assert blocked.status_code == 409 and blocked.json()["code"] == "blocking_findings"
    fixed = api.patch(
        f"/api/v1/posts/{pk}/", {"body": "Road closed on Main St after a crash."}, format="json"
    )
    assert fixed.status_code == 200 and fixed.json()["version"] == 2
    submitted = api.post(f"/api/v1/posts/{pk}/submit/").json()
    assert (
        submitted["status"] == "submitted" and submitted["approval_due_at"] and submitted["deadline_status"]
    )
    own = api.post(f"/api/v1/posts/{pk}/approve/", {}, format="json")
    assert own.status_code == 403  # the author may not approve (HPPD I.B.5)
    approved = _as(api, sarge).post(
        f"/api/v1/posts/{pk}/approve/", {"comment": "ok", "version": 2}, format="json"
    )
    assert approved.status_code == 200 and approved.json()["decided_by"] == sarge.username
    again = api.post(f"/api/v1/posts/{pk}/approve/", {}, format="json")
    assert again.status_code == 409
    published = _as(api, pio).post(
        f"/api/v1/posts/{pk}/publish/", {"platform_url": "https://x.com/p/1"}, format="json"
    )
    assert published.status_code == 200 and published.json()["status"] == "published"


def test_posts_are_404_to_members_outside_the_account(api):
    acc, pio, sarge, _ = f.live_account_with_approver()
    p = f.post(pio, acc, submit=True)
    for outsider in (f.pio(), f.MemberFactory(), f.MemberFactory(roles=[Role.RECORDS])):
        _as(api, outsider)
        assert api.get(f"/api/v1/posts/{p.pk}/").status_code == 404
        assert api.post(f"/api/v1/posts/{p.pk}/approve/", {}, format="json").status_code == 404
        assert api.get("/api/v1/posts/").json()["count"] == 0
    assert _as(api, f.MemberFactory(roles=[Role.AUDITOR])).get(f"/api/v1/posts/{p.pk}/").status_code == 200


def test_bad_input_names_the_field_and_writes_nothing(api):
    acc, pio, sarge, _ = f.live_account_with_approver()
    _as(api, pio)
    resp = api.post("/api/v1/posts/", {"account": acc.pk, "category": "gossip", "body": ""}, format="json")
    assert resp.status_code == 400 and {"category", "body"} <= set(resp.json()["fields"])
    resp = api.post(
        "/api/v1/posts/", {"account": 99999, "category": "recruitment", "body": "x"}, format="json"
    )
    assert resp.status_code == 400 and "account" in resp.json()["fields"]
    assert not Post.objects.exists()
    p = f.post(pio, acc, submit=True)
    resp = _as(api, sarge).post(f"/api/v1/posts/{p.pk}/reject/", {}, format="json")
    assert resp.status_code == 400 and "reason" in resp.json()["fields"]
    resp = api.post(
        f"/api/v1/posts/{p.pk}/approve/", {"acknowledged_warnings": "nope", "version": "x"}, format="json"
    )
    assert resp.status_code == 400 and "version" in resp.json()["fields"]
    assert Post.objects.get(pk=p.pk).status == "submitted"


def test_approver_queue_is_a_constant_number_of_queries(api, django_assert_max_num_queries):
    """The approval list costs the same queries for 2 posts or 30 posts across 15 accounts."""
    acc, pio, sarge, boss = f.live_account_with_approver(handle="@A0")
    from accounts.services import account_grant_post_approver

    f.post(pio, acc, submit=True)
    _as(api, sarge)
    with django_assert_max_num_queries(15) as few:
        assert api.get("/api/v1/posts/?status=submitted").json()["count"] == 1
    for i in range(1, 15):
        other = f.account(pio, approver=boss, status="active", handle=f"@A{i}")
        account_grant_post_approver(account=other, actor=boss, member=sarge)
        f.post(pio, other, submit=True)
        f.post(pio, other, submit=True)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert api.get("/api/v1/posts/?status=submitted").json()["count"] == 29


def test_deadline_filter_overdue(api):
    acc, pio, sarge, _ = f.live_account_with_approver()
    from approvals import services

    late = services.post_submit(
        post=f.post(pio, acc, category="time_sensitive"), actor=pio, now=timezone.now() - timedelta(hours=1)
    )
    f.post(pio, acc, submit=True)
    rows = _as(api, sarge).get("/api/v1/posts/?deadline=overdue").json()["results"]
    assert [r["id"] for r in rows] == [late.pk] and rows[0]["deadline_status"] == "overdue"


def test_comment_moderation_preserves_the_comment_and_bars_repeat_violators_b6(api):
    """BPD Disclaimer (ten grounds, preservation, termination of participation); HPPD I.B.3."""
    acc, pio, sarge, _ = f.live_account_with_approver()
    _as(api, pio)
    base = {
        "account": acc.pk,
        "author_handle": "@troll",
        "action": "removed",
        "ground": "personal-attack",
        "commented_at": "2026-11-20T10:00:00Z",
    }
    bad = api.post(
        "/api/v1/comments/",
        {**base, "ground": "dislike", "platform_comment_id": "c0", "original_text": "x"},
        format="json",
    )
    assert bad.status_code == 400 and "ground" in bad.json()["fields"]
    early = api.post(
        "/api/v1/comments/bar/", {"account": acc.pk, "author_handle": "@troll", "reason": "r"}, format="json"
    )
    assert early.status_code == 409
    for i in range(3):
        r = api.post(
            "/api/v1/comments/",
            {**base, "platform_comment_id": f"c{i}", "original_text": f"insult {i}"},
            format="json",
        )
        assert r.status_code == 201, r.content
        assert r.json()["ground_label"].startswith("Personal attacks")
    dup = api.post(
        "/api/v1/comments/", {**base, "platform_comment_id": "c1", "original_text": "x"}, format="json"
    )
    assert dup.status_code == 400 and "platform_comment_id" in dup.json()["fields"]
    barred = api.post(
        "/api/v1/comments/bar/",
        {"account": acc.pk, "author_handle": "@troll", "reason": "Three personal attacks in a week"},
        format="json",
    )
    assert barred.status_code == 201 and barred.json()["violations"] == 3
    assert api.delete(f"/api/v1/comments/{ModeratedComment.objects.first().pk}/").status_code == 405
    assert ModeratedComment.objects.count() == 3
    assert _as(api, f.MemberFactory()).get("/api/v1/comments/").json()["count"] == 0
    assert _as(api, sarge).get("/api/v1/comments/").json()["count"] == 3


def test_moderation_page_records_and_offers_to_bar_repeat_violators_b6(client):
    acc, pio, sarge, _ = f.live_account_with_approver()
    client.force_login(pio)
    for i in range(3):
        resp = client.post(
            "/posts/moderation/",
            {
                "account": acc.pk,
                "platform_comment_id": f"c{i}",
                "author_handle": "@troll",
                "original_text": f"insult {i}",
                "commented_at": "2026-11-20T10:00",
                "action": "removed",
                "ground": "personal-attack",
            },
        )
        assert resp.status_code == 302
    page = client.get("/posts/moderation/").content.decode()
    assert "Repeat violators" in page and "insult 2" in page
    resp = client.post(
        "/posts/moderation/bar/",
        {"account": acc.pk, "author_handle": "@troll", "reason": "threats"},
        follow=True,
    )
    assert "Commenter barred" in resp.content.decode()
    assert "Repeat violators" not in client.get("/posts/moderation/").content.decode()


def test_comment_post_that_is_missing_hidden_or_on_another_account_gets_one_answer_b6(api):
    acc, pio, _, _ = f.live_account_with_approver(handle="@Mine")
    other_acc, other_pio, _, _ = f.live_account_with_approver(handle="@Theirs")
    hidden = f.post(other_pio, other_acc)
    base = {
        "account": acc.pk,
        "platform_comment_id": "c1",
        "author_handle": "@x",
        "original_text": "t",
        "action": "removed",
        "ground": "personal-attack",
        "commented_at": "2026-11-20T10:00:00Z",
    }
    _as(api, pio)
    answers = [
        api.post("/api/v1/comments/", {**base, "post": pk}, format="json") for pk in (hidden.pk, 999999)
    ]
    assert [r.status_code for r in answers] == [400, 400]
    assert (
        answers[0].json()["fields"]
        == answers[1].json()["fields"]
        == {"post": ["No such post on this account."]}
    )
    assert not ModeratedComment.objects.exists()
    own = f.post(pio, acc)
    created = api.post("/api/v1/comments/", {**base, "post": own.pk}, format="json")
    assert created.status_code == 201 and created.json()["post"] == own.pk


def test_approver_dashboard_is_a_constant_number_of_queries(client, django_assert_max_num_queries):
    acc, pio, sarge, boss = f.live_account_with_approver(handle="@D0")
    from accounts.services import account_grant_post_approver

    f.post(pio, acc, submit=True)
    client.force_login(sarge)
    with django_assert_max_num_queries(40) as few:
        assert "Posts awaiting your approval" in client.get("/").content.decode()
    for i in range(1, 8):
        other = f.account(pio, approver=boss, status="active", handle=f"@D{i}")
        account_grant_post_approver(account=other, actor=boss, member=sarge)
        f.post(pio, other, submit=True)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert "(8)" in client.get("/").content.decode()
