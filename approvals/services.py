"""Every write about posts, their approval, escalation and comment moderation (policy-map B1–B6)."""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse

from accounts.models import AccountStatus, Member, PolicyProfile, Power, Role, SocialAccount
from accounts.notifications import notify
from accounts.selectors import account_post_approvers_map, is_account_admin
from accounts.services import (
    approver_allowed,
    approver_description,
    approvers_for,
    require_directive_acknowledged,
    supervisors_of,
)
from audit.models import AuditEvent, Sensitivity
from audit.services import audit_record
from policy_portal import clock
from policy_portal.errors import Conflict, IllegalTransition, InvalidInput, NotPermitted
from policy_portal.workflow import require_transition

from . import checks
from .models import (
    EDITABLE,
    BarredCommenter,
    Disposition,
    Escalation,
    Finding,
    MediaLicence,
    ModeratedComment,
    ModerationAction,
    PermissionStatus,
    Post,
    PostCategory,
    PostMedia,
    PostStatus,
    ReportStatus,
    Severity,
    ViolationReport,
    WrittenPermission,
)
from .publishers import get_publisher

S = PostStatus
MAX_BODY = 5000
MEDIA_TYPES = {  # magic bytes → content type; the upload's own claim is never trusted
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"GIF87a": "image/gif",
    b"GIF89a": "image/gif",
}
MAX_MEDIA_BYTES = 20 * 1024 * 1024


# --- who may do what ---------------------------------------------------------------------------------


def can_approve_posts(member: Member, account: SocialAccount) -> bool:
    """HPPD I.B.5 (B1): a supervisor named post approver for this account, or the PIO lead (B5's last
    escalation level)."""
    if not (member.is_authenticated and member.is_active):
        return False
    return (
        member.has_perm("accounts.approve_posts_socialaccount", account) or Power.PIO_LEAD in member.powers()
    )


def _require_admin(actor: Member, account: SocialAccount) -> None:
    """BPD Platform 2.a, HPPD I.A (A2): only the account's designated administrators draft and publish."""
    if not is_account_admin(actor, account):
        raise NotPermitted("Only this account's designated administrators may draft or publish for it (A2).")


def _require_drafter(actor: Member, account: SocialAccount) -> None:
    """A2 plus the directive acknowledgement (issue #6): drafting is a right the directive governs."""
    _require_admin(actor, account)
    require_directive_acknowledged(actor, activity="drafting or submitting posts")


def _require_approver(actor: Member, post: Post) -> None:
    if not can_approve_posts(actor, post.account):
        raise NotPermitted("Only a supervisor with approval rights on this account may decide on its posts.")
    if post.author_id == actor.pk:
        raise NotPermitted(
            "You wrote this post: the author may not approve their own post (HPPD I.B.5).",
            code="author_cannot_approve",
        )
    require_directive_acknowledged(actor, activity="deciding on posts")


# --- checks ------------------------------------------------------------------------------------------


def check_input_for(post: Post, body: str | None = None) -> checks.CheckInput:
    media = (
        [{"name": m.original_name, "licence": m.licence, "source": m.source} for m in post.media.all()]
        if post.pk
        else []
    )
    return checks.CheckInput(
        text=body if body is not None else post.body, media=media, undercover_names=checks.undercover_names()
    )


def _refresh_findings(post: Post) -> list[Finding]:
    """B3: re-run every check on the post's current version and store what it found."""
    post.findings.all().delete()
    hits = checks.run_checks(check_input_for(post))
    return Finding.objects.bulk_create(
        Finding(
            post=post,
            post_version=post.version,
            detector=h.detector,
            clause=h.clause,
            severity=h.severity,
            start=h.start,
            end=h.end,
            excerpt=h.excerpt[:300],
            message=h.message[:400],
        )
        for h in hits
    )


def _snapshot(post: Post) -> dict[str, Any]:
    return {"status": post.status, "version": post.version, "category": post.category}


# --- drafting ----------------------------------------------------------------------------------------


def _clean_fields(data: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    if "body" in data or not partial:
        body = str(data.get("body") or "").replace("\x00", "").strip()
        if not body:
            errors["body"] = ["Write the post."]
        elif len(body) > MAX_BODY:
            errors["body"] = [f"At most {MAX_BODY} characters."]
        cleaned["body"] = body
    if "category" in data or not partial:
        category = data.get("category") or ""
        if category not in PostCategory.values:
            errors["category"] = [f"Choose one of: {', '.join(PostCategory.values)}."]
        cleaned["category"] = category
    if "scheduled_for" in data:
        cleaned["scheduled_for"] = data["scheduled_for"] or None
    if "likely_media_inquiry" in data:
        cleaned["likely_media_inquiry"] = bool(data["likely_media_inquiry"])
    if errors:
        raise InvalidInput("The post has invalid fields.", fields=errors)
    return cleaned


def post_create(
    *, actor: Member, account: SocialAccount, data: dict[str, Any], now: datetime | None = None
) -> Post:
    """Draft a post for a department account (A2: administrators only)."""
    _require_drafter(actor, account)
    if account.status not in (AccountStatus.ACTIVE, AccountStatus.APPROVED):
        raise Conflict(
            "Posts can be drafted only for approved or active accounts.",
            code="account_not_live",
            fields={"account": [f"The account is {account.status}."]},
        )
    cleaned = _clean_fields(data, partial=False)
    now = now or clock.now()
    with transaction.atomic():
        post = Post.objects.create(account=account, author=actor, created_at=now, updated_at=now, **cleaned)
        findings = _refresh_findings(post)
        audit_record(
            action="post.created",
            actor=actor,
            obj=post,
            after={**_snapshot(post), "findings": [f.detector for f in findings]},
            now=now,
        )
    return post


def _locked(post: Post) -> Post:
    return Post.objects.select_for_update().select_related("account", "author").get(pk=post.pk)


def post_update(*, post: Post, actor: Member, data: dict[str, Any], now: datetime | None = None) -> Post:
    """Edit a post. HPPD I.B.5: editing an approved post sends it back for approval."""
    _require_drafter(actor, post.account)
    cleaned = _clean_fields(data, partial=True)
    now = now or clock.now()
    with transaction.atomic():
        post = _locked(post)
        if post.status not in EDITABLE:
            raise IllegalTransition(
                f"A {post.get_status_display().lower()} post can no longer be edited.",
                fields={"status": [post.status]},
            )
        before = {**_snapshot(post), "body": post.body}
        for name, value in cleaned.items():
            setattr(post, name, value)
        post.version += 1
        post.updated_at = now
        was_approved = post.status == S.APPROVED
        post.save()
        findings = _refresh_findings(post)
        audit_record(
            action="post.edited",
            actor=actor,
            obj=post,
            before=before,
            after={**_snapshot(post), "body": post.body, "findings": [f.detector for f in findings]},
            now=now,
        )
        if was_approved:
            _resubmit_after_change(post, actor, now, reason="edited after approval")
    return post


def _resubmit_after_change(post: Post, actor: Member, now: datetime, *, reason: str) -> None:
    """HPPD I.B.5: a changed approved post needs approval again; with a blocking finding it goes back
    to draft instead, so the edit is kept and the author sees why."""
    if _blocking(post):
        require_transition(Post.TRANSITIONS, post.status, S.DRAFT, noun="post", verb="return to draft")
        post.status = S.DRAFT
        post.save(update_fields=["status"])
        audit_record(
            action="post.returned_to_draft",
            actor=actor,
            obj=post,
            after={**_snapshot(post), "reason": reason},
            now=now,
        )
    else:
        _submit_locked(post, actor, now, reason=reason)


def post_add_media(
    *,
    post: Post,
    actor: Member,
    upload: UploadedFile,
    source: str,
    licence: str,
    licence_detail: str = "",
    now: datetime | None = None,
) -> PostMedia:
    """Attach an image; its type is read from its bytes and it records source and licence (B3 copyright)."""
    _require_drafter(actor, post.account)
    if licence not in MediaLicence.values:
        raise InvalidInput.for_field(
            "licence", f"Choose one of: {', '.join(v or '(none)' for v in MediaLicence.values)}."
        )
    if upload.size is None or upload.size > MAX_MEDIA_BYTES:
        raise InvalidInput.for_field("file", f"Files up to {MAX_MEDIA_BYTES // (1024 * 1024)} MB.")
    head = upload.read(16)
    upload.seek(0)
    content_type = next((t for magic, t in MEDIA_TYPES.items() if head.startswith(magic)), None)
    if content_type is None:
        raise InvalidInput.for_field("file", "Only JPEG, PNG and GIF images are accepted.")
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    now = now or clock.now()
    with transaction.atomic():
        post = _locked(post)
        if post.status not in EDITABLE:
            raise IllegalTransition("Media can be added only while the post can be edited.")
        media = PostMedia.objects.create(
            post=post,
            file=upload,
            original_name=str(upload.name)[:200],
            content_type=content_type,
            size=upload.size,
            sha256=digest.hexdigest(),
            source=source.strip()[:300],
            licence=licence,
            licence_detail=licence_detail.strip()[:300],
            uploaded_by=actor,
            uploaded_at=now,
        )
        post.version += 1
        post.updated_at = now
        post.save(update_fields=["version", "updated_at"])
        _refresh_findings(post)
        audit_record(
            action="post.media_added",
            actor=actor,
            obj=post,
            after={"file": media.original_name, "sha256": media.sha256, "licence": licence, "source": source},
            now=now,
        )
        if post.status == S.APPROVED:
            _resubmit_after_change(post, actor, now, reason="media added after approval")
    return media


# --- the approval workflow ---------------------------------------------------------------------------


def approval_deadline(post: Post, submitted_at: datetime) -> datetime:
    """B2, B5: the profile's deadline for the post's category (time-sensitive: minutes)."""
    minutes = PolicyProfile.objects.current().approval_deadlines_minutes[post.category]
    return submitted_at + timedelta(minutes=minutes)


def _post_url(post: Post) -> str:
    return reverse("post-detail", args=[post.pk])


def _blocking(post: Post) -> list[Finding]:
    return [f for f in post.findings.all() if f.severity == Severity.BLOCK]


def _submit_locked(post: Post, actor: Member, now: datetime, *, reason: str = "") -> None:
    require_transition(Post.TRANSITIONS, post.status, S.SUBMITTED, noun="post", verb="submit")
    blocking = _blocking(post)
    if blocking:
        raise Conflict(
            "The post trips a blocking policy check: "
            + "; ".join(f"{f.message} ({f.clause})" for f in blocking),
            code="blocking_findings",
            fields={"body": [f"{f.detector}: {f.message} — “{f.excerpt}” ({f.clause})" for f in blocking]},
        )
    before = _snapshot(post)
    post.status = S.SUBMITTED
    post.submitted_at = now
    post.submission_round += 1
    post.approval_due_at = approval_deadline(post, now)
    post.escalation_level = 0
    post.decided_by, post.decided_at, post.decision_note, post.acknowledged_warnings = None, None, "", []
    media_inquiry = post.likely_media_inquiry or checks.judged_media_inquiry(post.body)
    notify_communications = media_inquiry and post.media_notified_at is None
    if notify_communications:
        post.media_notified_at = now
    post.updated_at = now
    post.save()
    audit_record(
        action="post.submitted",
        actor=actor,
        obj=post,
        before=before,
        after={**_snapshot(post), "approval_due_at": post.approval_due_at, "reason": reason},
        now=now,
    )
    approvers = [
        m
        for m in account_post_approvers_map([post.account]).get(post.account_id, [])
        if m.pk != post.author_id
    ]
    notify(
        approvers,
        subject=f"Post awaiting your approval: {post}",
        url=_post_url(post),
        body=f"Due {post.approval_due_at:%Y-%m-%d %H:%M %Z}.",
        now=now,
    )
    if notify_communications:
        # CPD IV.C.6 (B4): the Office of Communications hears of posts likely to draw media inquiries.
        office = list(Member.objects.with_power(Power.PIO_LEAD))
        notify(
            office,
            subject=f"Likely media inquiry: {post}",
            url=_post_url(post),
            body=post.body[:500],
            now=now,
        )
        audit_record(
            action="post.media_inquiry_notified",
            actor=actor,
            obj=post,
            after={"notified": sorted(m.username for m in office)},
            now=now,
        )


def post_submit(*, post: Post, actor: Member, now: datetime | None = None) -> Post:
    """Send a draft for supervisor approval (HPPD I.B.5); blocked while a blocking check fires (B3)."""
    _require_drafter(actor, post.account)
    now = now or clock.now()
    with transaction.atomic():
        post = _locked(post)
        if post.status == S.SUBMITTED:
            raise IllegalTransition(
                "This post is already awaiting approval.", fields={"status": [post.status]}
            )
        _submit_locked(post, actor, now)
    return post


def post_approve(
    *,
    post: Post,
    actor: Member,
    comment: str = "",
    acknowledged_warnings: list[str] | None = None,
    version: int | None = None,
    now: datetime | None = None,
) -> Post:
    """HPPD I.B.5 (B1): a supervisor approves, never the author. B3: blocking findings stop approval;
    every warning must be acknowledged by name with a written comment."""
    _require_approver(actor, post)
    now = now or clock.now()
    acknowledged = sorted({str(a) for a in (acknowledged_warnings or [])})
    comment = (comment or "").replace("\x00", "").strip()
    with transaction.atomic():
        post = _locked(post)
        require_transition(Post.TRANSITIONS, post.status, S.APPROVED, noun="post", verb="approve")
        if version is not None and version != post.version:
            raise Conflict(
                f"The post changed during your review (now version {post.version}); review it again.",
                code="stale_version",
                fields={"version": [f"current version is {post.version}"]},
            )
        if _blocking(post):
            raise Conflict(
                "A blocking policy check stops approval.",
                code="blocking_findings",
                fields={"findings": [f"{f.detector} ({f.clause})" for f in _blocking(post)]},
            )
        warnings = sorted({f.detector for f in post.findings.all() if f.severity == Severity.WARN})
        missing = [w for w in warnings if w not in acknowledged]
        if missing:
            raise InvalidInput.for_field(
                "acknowledged_warnings", f"Acknowledge each warning before approving: {', '.join(missing)}."
            )
        if warnings and not comment:
            raise InvalidInput.for_field("comment", "Explain in writing why the warnings are acceptable.")
        before = _snapshot(post)
        post.status = S.APPROVED
        post.decided_by, post.decided_at, post.decision_note = actor, now, comment
        post.acknowledged_warnings = warnings
        post.updated_at = now
        post.save()
        audit_record(
            action="post.approved",
            actor=actor,
            obj=post,
            before=before,
            after={**_snapshot(post), "comment": comment, "acknowledged_warnings": warnings},
            now=now,
        )
        notify([post.author], subject=f"Approved: {post}", url=_post_url(post), body=comment, now=now)
    return post


def _decide(post: Post, actor: Member, target: str, action: str, reason: str, now: datetime | None) -> Post:
    _require_approver(actor, post)
    reason = (reason or "").replace("\x00", "").strip()
    if not reason:
        raise InvalidInput.for_field("reason", "Give a reason.")
    now = now or clock.now()
    with transaction.atomic():
        post = _locked(post)
        require_transition(Post.TRANSITIONS, post.status, target, noun="post", verb=action.replace("_", " "))
        if post.status != S.SUBMITTED:
            raise IllegalTransition(f"Only a post awaiting approval can be {action.replace('_', ' ')}.")
        before = _snapshot(post)
        post.status = target
        post.decided_by, post.decided_at, post.decision_note = actor, now, reason
        post.updated_at = now
        post.save()
        audit_record(
            action=f"post.{action}",
            actor=actor,
            obj=post,
            before=before,
            after={**_snapshot(post), "reason": reason},
            now=now,
        )
        notify(
            [post.author],
            subject=f"{PostStatus(target).label}: {post}",
            url=_post_url(post),
            body=reason,
            now=now,
        )
    return post


def post_request_changes(*, post: Post, actor: Member, reason: str, now: datetime | None = None) -> Post:
    return _decide(post, actor, S.CHANGES_REQUESTED, "changes_requested", reason, now)


def post_reject(*, post: Post, actor: Member, reason: str, now: datetime | None = None) -> Post:
    return _decide(post, actor, S.REJECTED, "rejected", reason, now)


def post_withdraw(*, post: Post, actor: Member, reason: str = "", now: datetime | None = None) -> Post:
    _require_admin(actor, post.account)
    now = now or clock.now()
    with transaction.atomic():
        post = _locked(post)
        require_transition(Post.TRANSITIONS, post.status, S.WITHDRAWN, noun="post", verb="withdraw")
        before = _snapshot(post)
        post.status = S.WITHDRAWN
        post.updated_at = now
        post.save(update_fields=["status", "updated_at"])
        audit_record(
            action="post.withdrawn",
            actor=actor,
            obj=post,
            before=before,
            after={**_snapshot(post), "reason": reason.strip()},
            now=now,
        )
    return post


def post_publish(
    *,
    post: Post,
    actor: Member,
    platform_post_id: str = "",
    platform_url: str = "",
    published_at: datetime | None = None,
    now: datetime | None = None,
) -> Post:
    """Record where and when an approved post went out, through the configured publisher."""
    _require_admin(actor, post.account)
    now = now or clock.now()
    with transaction.atomic():
        post = _locked(post)
        require_transition(Post.TRANSITIONS, post.status, S.PUBLISHED, noun="post", verb="publish")
        if post.account.status != AccountStatus.ACTIVE:
            raise Conflict(
                "The account is not active: nothing may be published on it (A1, A3).",
                code="account_not_active",
            )
        record = get_publisher().publish(
            post,
            platform_post_id=platform_post_id,
            platform_url=platform_url,
            published_at=published_at or now,
        )
        before = _snapshot(post)
        post.status = S.PUBLISHED
        post.published_at, post.published_by = record.published_at, actor
        post.platform_post_id, post.platform_url = record.platform_post_id, record.platform_url
        post.updated_at = now
        post.save()
        _archive_published(post, now)
        audit_record(
            action="post.published",
            actor=actor,
            obj=post,
            before=before,
            after={
                **_snapshot(post),
                "platform_post_id": post.platform_post_id,
                "platform_url": post.platform_url,
                "published_at": post.published_at,
            },
            now=now,
        )
    return post


def _archive_published(post: Post, now: datetime) -> None:
    """D1: the exact approved version, its approval chain and check findings become an archived record
    in the same transaction as the publication — published and archived commit together or not at all.
    (Synchronous rather than an after-commit task: a lost message must never mean a lost record.)"""
    from retention.services import archive_capture

    chain = [
        {
            "at": e.occurred_at.isoformat(),
            "actor": e.actor_label,
            "action": e.action,
            "comment": e.after.get("comment") or e.after.get("reason") or "",
        }
        for e in AuditEvent.objects.for_object(post).order_by("id")
    ]
    content = {
        "post_id": post.pk,
        "version": post.version,
        "account": str(post.account),
        "author": post.author.username,
        "category": post.category,
        "body": post.body,
        "approved_by": post.decided_by.username if post.decided_by else "",
        "approval_comment": post.decision_note,
        "acknowledged_warnings": post.acknowledged_warnings,
        "findings": [
            {"detector": f.detector, "clause": f.clause, "severity": f.severity, "excerpt": f.excerpt}
            for f in post.findings.all()
        ],
        "published_at": post.published_at,
        "platform_post_id": post.platform_post_id,
        "platform_url": post.platform_url,
        "media": [
            {
                "name": m.original_name,
                "sha256": m.sha256,
                "licence": m.licence,
                "source": m.source,
                "path": m.file.name,
            }
            for m in post.media.all()
        ],
        "approval_chain": chain,
    }
    archive_capture(
        kind="post",
        source=post,
        title=f"{post.account.handle}: {post.body[:80]}",
        content=content,
        text=post.body,
        series_code="social-media-posts",
        account=post.account,
        now=now,
    )


def post_comment(*, post: Post, actor: Member, text: str, now: datetime | None = None) -> None:
    """A remark in the post's history by its administrators or approvers."""
    if not (is_account_admin(actor, post.account) or can_approve_posts(actor, post.account)):
        raise NotPermitted("Only the account's administrators and approvers comment on its posts.")
    text = (text or "").replace("\x00", "").strip()
    if not text:
        raise InvalidInput.for_field("text", "Write a comment.")
    with transaction.atomic():
        audit_record(action="post.commented", actor=actor, obj=post, after={"comment": text[:2000]}, now=now)


# --- escalation (B5) ---------------------------------------------------------------------------------


def _level_targets(post: Post, level: str) -> list[Member]:
    approvers = [
        m
        for m in account_post_approvers_map([post.account]).get(post.account_id, [])
        if m.pk != post.author_id
    ]
    if level == "approvers":
        return approvers
    if level == "next_supervisor":
        ids = {m.supervisor_id for m in approvers if m.supervisor_id}
        return [m for m in Member.objects.filter(pk__in=ids, is_active=True) if m.pk != post.author_id]
    return [m for m in Member.objects.with_power(Power.PIO_LEAD) if m.pk != post.author_id]


def escalation_due_levels(post: Post, now: datetime) -> int:
    """How many escalation levels are due by ``now``: level k at due + (k-1) × interval."""
    profile = PolicyProfile.objects.current()
    levels = profile.escalation.get("levels", ["approvers", "next_supervisor", "pio_lead"])
    if post.approval_due_at is None or now < post.approval_due_at:
        return 0
    deadline = profile.approval_deadlines_minutes[post.category]
    interval = timedelta(
        minutes=max(1.0, deadline * float(profile.escalation.get("level_interval_fraction", 0.5)))
    )
    return min(len(levels), 1 + int((now - post.approval_due_at) / interval))


def escalate_post(post_id: int, *, now: datetime | None = None) -> list[int]:
    """Record every due, unrecorded level of one overdue post, in order, one transaction per level.

    The conditional UPDATE on ``escalation_level`` claims a level; the unique constraint on
    (post, round, level) is the last guard. A second sweep, a redelivered task or a restarted beat
    therefore neither skips nor repeats a level (B5)."""
    now = now or clock.now()
    profile = PolicyProfile.objects.current()
    levels = profile.escalation.get("levels", ["approvers", "next_supervisor", "pio_lead"])
    recorded: list[int] = []
    while True:
        with transaction.atomic():
            post = (
                Post.objects.select_related("account", "author")
                .filter(pk=post_id, status=S.SUBMITTED)
                .first()
            )
            if post is None:
                return recorded
            due = escalation_due_levels(post, now)
            level = post.escalation_level + 1
            if level > due:
                return recorded
            claimed = Post.objects.filter(
                pk=post.pk,
                status=S.SUBMITTED,
                escalation_level=post.escalation_level,
                submission_round=post.submission_round,
            ).update(escalation_level=level)
            if not claimed:
                continue  # another sweep moved it on; look again
            target = levels[level - 1]
            people = _level_targets(post, target) or _level_targets(post, "pio_lead")
            try:
                with transaction.atomic():
                    Escalation.objects.create(
                        post=post,
                        submission_round=post.submission_round,
                        level=level,
                        target=target,
                        notified=sorted(m.username for m in people),
                        escalated_at=now,
                    )
            except IntegrityError:
                continue
            notify(
                people,
                subject=f"Overdue approval (level {level}): {post}",
                url=_post_url(post),
                body=f"Was due {post.approval_due_at:%Y-%m-%d %H:%M %Z}.",
                now=now,
            )
            audit_record(
                action="post.escalated",
                obj=post,
                after={
                    "level": level,
                    "target": target,
                    "notified": sorted(m.username for m in people),
                    "round": post.submission_round,
                },
                now=now,
            )
            recorded.append(level)


def escalate_overdue(*, now: datetime | None = None) -> dict[int, list[int]]:
    """The B5 sweep: every submitted post past its deadline, found from database state."""
    now = now or clock.now()
    overdue = Post.objects.filter(status=S.SUBMITTED, approval_due_at__lte=now).values_list("pk", flat=True)
    result = {}
    for pk in list(overdue.iterator(chunk_size=500)):
        levels = escalate_post(pk, now=now)
        if levels:
            result[pk] = levels
    return result


# --- comment moderation (B6) -------------------------------------------------------------------------


def comment_record(
    *, actor: Member, account: SocialAccount, data: dict[str, Any], now: datetime | None = None
) -> ModeratedComment:
    """BPD Disclaimer, HPPD I.B.3 (B6): a removed or hidden comment is preserved with its ground."""
    if not is_account_admin(actor, account):
        raise NotPermitted("Only this account's administrators moderate its comments.")
    profile = PolicyProfile.objects.current()
    grounds = {g["code"]: g["label"] for g in profile.comment_removal_grounds}
    errors: dict[str, list[str]] = {}
    cleaned = {
        k: str(data.get(k) or "").replace("\x00", "").strip()
        for k in ("platform_comment_id", "author_handle", "original_text", "ground", "action", "note")
    }
    for name in ("platform_comment_id", "author_handle", "original_text"):
        if not cleaned[name]:
            errors[name] = ["This field is required."]
    if cleaned["ground"] not in grounds:
        errors["ground"] = [f"Choose one of the listed grounds: {', '.join(grounds)}."]
    if cleaned["action"] not in ModerationAction.values:
        errors["action"] = ["Choose removed or hidden."]
    commented_at = data.get("commented_at")
    if not isinstance(commented_at, datetime):
        errors["commented_at"] = ["Give the date and time of the comment."]
    post = None
    post_id = data.get("post_id")
    if post_id is not None:
        # Missing, hidden and other-account posts get the same answer (style rule 6).
        post = Post.objects.visible_to(actor).filter(pk=post_id, account=account).first()
        if post is None:
            errors["post"] = ["No such post on this account."]
    if errors:
        raise InvalidInput("The moderation record has invalid fields.", fields=errors)
    now = now or clock.now()
    try:
        with transaction.atomic():
            comment = ModeratedComment.objects.create(
                account=account,
                post=post,
                platform_comment_id=cleaned["platform_comment_id"][:200],
                author_handle=cleaned["author_handle"][:200],
                original_text=cleaned["original_text"],
                commented_at=commented_at,
                action=cleaned["action"],
                ground=cleaned["ground"],
                ground_label=grounds[cleaned["ground"]],
                note=cleaned["note"],
                moderated_by=actor,
                moderated_at=now,
            )
            _archive_comment(comment, now)
            audit_record(
                action="comment.moderated",
                actor=actor,
                obj=comment,
                after={
                    "account": account.pk,
                    "author": comment.author_handle,
                    "ground": comment.ground,
                    "action": comment.action,
                },
                now=now,
            )
    except IntegrityError:
        raise InvalidInput.for_field("platform_comment_id", "This comment is already recorded.") from None
    return comment


def _archive_comment(comment: ModeratedComment, now: datetime) -> None:
    """D1, BPD Disclaimer: a removed comment is preserved and stored under the public records laws."""
    from retention.services import archive_capture

    content = {
        "account": str(comment.account),
        "platform_comment_id": comment.platform_comment_id,
        "author_handle": comment.author_handle,
        "original_text": comment.original_text,
        "commented_at": comment.commented_at,
        "action": comment.action,
        "ground": comment.ground_label,
        "moderated_by": comment.moderated_by.username,
        "moderated_at": comment.moderated_at,
        "note": comment.note,
    }
    archive_capture(
        kind="comment",
        source=comment,
        title=f"Comment by {comment.author_handle} on {comment.account.handle}",
        content=content,
        text=comment.original_text,
        series_code="moderated-comments",
        account=comment.account,
        now=now,
    )


def commenter_violations(account: SocialAccount, handle: str) -> int:
    return ModeratedComment.objects.filter(account=account, author_handle__iexact=handle).count()


def commenter_bar(
    *, actor: Member, account: SocialAccount, handle: str, reason: str, now: datetime | None = None
) -> BarredCommenter:
    """BPD Disclaimer: repeat violators may be barred; the threshold is the profile's."""
    if not is_account_admin(actor, account):
        raise NotPermitted("Only this account's administrators bar commenters.")
    threshold = PolicyProfile.objects.current().commenter_bar_threshold
    count = commenter_violations(account, handle)
    if count < threshold:
        raise Conflict(
            f"{handle} has {count} recorded violation(s); barring needs {threshold} (profile).",
            code="below_threshold",
            fields={"author_handle": [f"{count} < {threshold}"]},
        )
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput.for_field("reason", "Give a reason.")
    now = now or clock.now()
    try:
        with transaction.atomic():
            bar = BarredCommenter.objects.create(
                account=account,
                author_handle=handle,
                violations=count,
                reason=reason,
                barred_by=actor,
                barred_at=now,
            )
            audit_record(
                action="commenter.barred",
                actor=actor,
                obj=account,
                after={"author": handle, "violations": count, "reason": reason},
                now=now,
            )
    except IntegrityError:
        raise Conflict(f"{handle} is already barred from this account.", code="already_barred") from None
    return bar


# --- written permissions (B7) ----------------------------------------------------------------------


def _permission_kind(code: str) -> dict[str, Any] | None:
    return next(
        (k for k in PolicyProfile.objects.current().written_permission_kinds if k["code"] == code), None
    )


def _member_in_directory(
    actor: Member, value: Any, field: str, errors: dict[str, list[str]]
) -> Member | None:
    """A member picked by id or username, looked up in the directory the actor may see (E2): an
    undercover member outside the actor's need to know reads exactly like a missing one."""
    if value in (None, ""):
        return None
    raw = str(getattr(value, "pk", value)).replace("\x00", "")
    lookup = Q(pk=int(raw)) if raw.isascii() and raw.isdigit() and len(raw) < 12 else Q(username=raw[:150])
    member = Member.objects.directory_for(actor).filter(lookup).first()
    if member is None:
        errors[field] = ["No such member."]
    return member


def permission_request(
    *, actor: Member, data: dict[str, Any], now: datetime | None = None
) -> WrittenPermission:
    """B7 (CPD III.D.1–4, BPD Personal use 3–4, HPPD III.A.5): a member asks for written permission; the
    profile names who decides each kind (supervisor, the chief's designee / Office of Communications, or
    — for a reference to another member's employment — that member's consent)."""
    now = now or clock.now()
    errors: dict[str, list[str]] = {}
    kind = _permission_kind(str(data.get("kind") or ""))
    if kind is None:
        codes = [k["code"] for k in PolicyProfile.objects.current().written_permission_kinds]
        errors["kind"] = [f"Choose one of: {', '.join(codes)}."]
    description = str(data.get("description") or "").replace("\x00", "").strip()
    if not description:
        errors["description"] = ["Describe what you will post, and why."]
    elif len(description) > 5000:
        errors["description"] = ["At most 5000 characters."]
    where = str(data.get("where") or "").replace("\x00", "").strip()
    if len(where) > 200:
        errors["where"] = ["At most 200 characters."]
    subject = _member_in_directory(actor, data.get("subject_member"), "subject_member", errors)
    if kind is not None and kind["approver"] == "consent":
        if subject is None and "subject_member" not in errors:
            errors["subject_member"] = ["Name the member whose employment you will refer to."]
        elif subject is not None and subject.pk == actor.pk:
            errors["subject_member"] = ["Name another member; you need no consent from yourself."]
    if errors:
        raise InvalidInput("The permission request has invalid fields.", fields=errors)
    assert kind is not None
    with transaction.atomic():
        permission = WrittenPermission.objects.create(
            kind=kind["code"],
            kind_label=kind["label"],
            clause=kind["clause"],
            approver_rule=kind["approver"],
            requester=actor,
            subject_member=subject if kind["approver"] == "consent" else None,
            description=description,
            where=where,
            requested_at=now,
        )
        audit_record(
            action="permission.requested",
            actor=actor,
            obj=permission,
            after={
                "kind": permission.kind,
                "clause": permission.clause,
                "approver": permission.approver_rule,
            },
            now=now,
        )
        notify(
            approvers_for(kind["approver"], requester=actor, subject=permission.subject_member),
            subject=f"Written permission to decide: {kind['label']}",
            body=f"{actor} asks ({kind['clause']}): {description[:300]}",
            url=reverse("permission-detail", args=[permission.pk]),
            now=now,
        )
    return permission


def permission_may_decide(actor: Member, permission: WrittenPermission) -> bool:
    """The approver the profile named when the request was made; never the requester."""
    return permission.requester_id != actor.pk and approver_allowed(
        permission.approver_rule,
        actor=actor,
        requester=permission.requester,
        subject=permission.subject_member,
    )


def _locked_permission(permission: WrittenPermission) -> WrittenPermission:
    return (
        WrittenPermission.objects.select_for_update(of=("self",))
        .select_related("requester", "subject_member")
        .get(pk=permission.pk)
    )


def permission_decide(
    *,
    permission: WrittenPermission,
    actor: Member,
    grant: bool,
    reasons: str,
    expires_on: Any = None,
    now: datetime | None = None,
) -> WrittenPermission:
    """B7: the approver the profile names grants or refuses, always with reasons; a grant may carry an
    expiry date. The requester never decides their own request."""
    now = now or clock.now()
    reasons = str(reasons or "").replace("\x00", "").strip()
    errors: dict[str, list[str]] = {}
    if not reasons:
        errors["reasons"] = ["Give the reasons for the decision."]
    expiry = None
    if expires_on not in (None, ""):
        try:
            expiry = expires_on if isinstance(expires_on, date) else date.fromisoformat(str(expires_on))
        except ValueError:
            errors["expires_on"] = ["Give a date as YYYY-MM-DD."]
        else:
            if expiry < now.date():
                errors["expires_on"] = ["The expiry date is in the past."]
    if errors:
        raise InvalidInput("The decision has invalid fields.", fields=errors)
    with transaction.atomic():
        perm = _locked_permission(permission)
        if not permission_may_decide(actor, perm):
            raise NotPermitted(f"This request is decided by {approver_description(perm.approver_rule)}.")
        target = PermissionStatus.GRANTED if grant else PermissionStatus.REFUSED
        require_transition(perm.TRANSITIONS, perm.status, target, noun="permission request", verb="decide")
        before = perm.status
        position = (
            actor.position_with_power(perm.approver_rule[6:])
            if perm.approver_rule.startswith("power:")
            else None
        )
        authority = {"supervisor": "Supervisor", "consent": "Consent of the member concerned"}
        perm.status, perm.decided_by, perm.decided_at, perm.reasons = target, actor, now, reasons
        perm.expires_on = expiry if grant else None
        perm.authority = position.title if position else authority.get(perm.approver_rule, "")
        perm.save(update_fields=["status", "decided_by", "decided_at", "reasons", "expires_on", "authority"])
        audit_record(
            action=f"permission.{target}",
            actor=actor,
            obj=perm,
            before={"status": before},
            after={
                "status": target,
                "reasons": reasons,
                "expires_on": perm.expires_on,
                "authority": perm.authority,
            },
            now=now,
        )
        notify(
            [perm.requester],
            subject=f"Your written permission request was {target}",
            body=reasons,
            url=reverse("permission-detail", args=[perm.pk]),
            now=now,
        )
    return perm


def permission_end(
    *, permission: WrittenPermission, actor: Member, reasons: str, now: datetime | None = None
) -> WrittenPermission:
    """The requester withdraws a pending request; whoever may decide revokes a granted permission."""
    now = now or clock.now()
    reasons = str(reasons or "").replace("\x00", "").strip()
    if not reasons:
        raise InvalidInput.for_field("reasons", "Give the reasons.")
    with transaction.atomic():
        perm = _locked_permission(permission)
        if perm.status == PermissionStatus.REQUESTED and perm.requester_id == actor.pk:
            target = PermissionStatus.WITHDRAWN
        elif permission_may_decide(actor, perm):
            target = PermissionStatus.REVOKED
        else:
            raise NotPermitted("Only the requester withdraws, and only the approver revokes, a permission.")
        require_transition(perm.TRANSITIONS, perm.status, target, noun="permission", verb="end")
        before = perm.status
        perm.status, perm.reasons = target, reasons
        perm.save(update_fields=["status", "reasons"])
        audit_record(
            action=f"permission.{target}",
            actor=actor,
            obj=perm,
            before={"status": before},
            after={"status": target, "reasons": reasons},
            now=now,
        )
    return perm


# --- violation reports (B8) ------------------------------------------------------------------------

MAX_CAPTURE_BYTES = 20 * 1024 * 1024
CAPTURE_TYPES = {**MEDIA_TYPES, b"%PDF-": "application/pdf"}


def violation_report(
    *,
    actor: Member,
    data: dict[str, Any],
    capture: UploadedFile | None = None,
    now: datetime | None = None,
) -> ViolationReport:
    """BPD Reporting violations, HPPD II.I (B8): any member reports a posting (a link, a capture, or both,
    and a description). It reaches the reporter's supervisor at once; internal affairs when the reporter
    has none."""
    now = now or clock.now()
    errors: dict[str, list[str]] = {}
    url = str(data.get("posting_url") or "").replace("\x00", "").strip()
    if url:
        try:
            URLValidator(schemes=["https", "http"])(url)
        except ValidationError:
            errors["posting_url"] = ["Enter a valid http(s) link to the posting."]
        if len(url) > 500:
            errors["posting_url"] = ["At most 500 characters."]
    if not url and capture is None:
        errors["posting_url"] = ["Give a link to the posting, attach a capture, or both."]
    description = str(data.get("description") or "").replace("\x00", "").strip()
    if not description:
        errors["description"] = ["Describe what the posting shows and which rule it may break."]
    elif len(description) > 5000:
        errors["description"] = ["At most 5000 characters."]
    observed_at = data.get("observed_at")
    if observed_at not in (None, "") and not isinstance(observed_at, datetime):
        errors["observed_at"] = ["Give a date and time."]
    elif isinstance(observed_at, datetime) and observed_at > now:
        errors["observed_at"] = ["That is in the future."]
    subject = _member_in_directory(actor, data.get("subject_member"), "subject_member", errors)
    digest = ""
    if capture is not None:
        if capture.size is None or capture.size > MAX_CAPTURE_BYTES:
            errors["capture"] = [f"Captures up to {MAX_CAPTURE_BYTES // (1024 * 1024)} MB."]
        else:
            head = capture.read(16)
            capture.seek(0)
            if not any(head.startswith(magic) for magic in CAPTURE_TYPES):
                errors["capture"] = ["Attach a screenshot (PNG, JPEG, GIF) or a PDF."]
            else:
                sha = hashlib.sha256()
                for chunk in capture.chunks():
                    sha.update(chunk)
                capture.seek(0)
                digest = sha.hexdigest()
    if errors:
        raise InvalidInput("The report has invalid fields.", fields=errors)
    routed_to = _violation_route(actor, subject)
    report = ViolationReport(
        reporter=actor,
        posting_url=url,
        description=description,
        observed_at=observed_at or None,
        subject_member=subject,
        reported_at=now,
        routed_to=routed_to,
    )
    if capture is not None:
        report.capture = capture
        report.capture_name = str(capture.name)[:200]
        report.capture_sha256 = digest
    try:
        with transaction.atomic():
            _violation_store(report, actor, now)
    except BaseException:
        if report.capture:  # the row rolled back: do not leave its stored file behind
            report.capture.delete(save=False)
        raise
    return report


def _violation_store(report: ViolationReport, actor: Member, now: datetime) -> None:
    """Row, restricted audit event and notice in the caller's transaction (style rule 4)."""
    routed_to = report.routed_to
    report.save()
    audit_record(
        action="violation.reported",
        actor=actor,
        obj=report,
        after={
            "routed_to": routed_to.username if routed_to else "internal affairs",
            "capture": report.capture_sha256,
        },
        sensitivity=Sensitivity.RESTRICTED,
        now=now,
    )
    recipients = (
        [routed_to]
        if routed_to
        else list(Member.objects.active().filter(groups__name=Role.INTERNAL_AFFAIRS.value))
    )
    notify(
        recipients,
        subject="Social media policy violation reported",
        body=f"{actor} reported a posting that may violate the directive. Open it for the details.",
        url=reverse("violation-detail", args=[report.pk]),
        now=now,
    )


def _violation_route(reporter: Member, subject: Member | None) -> Member | None:
    """The reporter's supervisor — or, when the report is about that supervisor (or anyone above), the
    next active level above the member reported. None means internal affairs."""
    chain = [m for m in supervisors_of(reporter) if m.is_active]
    if subject is not None and any(m.pk == subject.pk for m in chain):
        above = supervisors_of(subject)
        return next((m for m in above if m.is_active), None)
    return chain[0] if chain else None


def violation_may_handle(actor: Member, report: ViolationReport) -> bool:
    """The chain of command the report was routed to, and internal affairs; never the reporter alone."""
    if actor.pk == report.subject_member_id:
        return False  # nobody handles a report about themselves
    if actor.in_role(Role.INTERNAL_AFFAIRS):
        return True
    chain = [report.routed_to, *supervisors_of(report.routed_to)] if report.routed_to else []
    return actor.pk != report.reporter_id and any(m.pk == actor.pk for m in chain)


def _locked_report(report: ViolationReport) -> ViolationReport:
    return (
        ViolationReport.objects.select_for_update(of=("self",)).select_related("routed_to").get(pk=report.pk)
    )


def violation_review(
    *, report: ViolationReport, actor: Member, now: datetime | None = None
) -> ViolationReport:
    """The supervisor takes the report up (B8: tracked)."""
    now = now or clock.now()
    with transaction.atomic():
        rep = _locked_report(report)
        if not violation_may_handle(actor, rep):
            raise NotPermitted("Only the reporter's chain of command or internal affairs handles a report.")
        require_transition(
            rep.TRANSITIONS, rep.status, ReportStatus.UNDER_REVIEW, noun="report", verb="review"
        )
        rep.status, rep.reviewed_by, rep.reviewed_at = ReportStatus.UNDER_REVIEW, actor, now
        rep.save(update_fields=["status", "reviewed_by", "reviewed_at"])
        audit_record(
            action="violation.under_review",
            actor=actor,
            obj=rep,
            after={"status": rep.status},
            sensitivity=Sensitivity.RESTRICTED,
            now=now,
        )
    return rep


def violation_close(
    *, report: ViolationReport, actor: Member, disposition: str, note: str, now: datetime | None = None
) -> ViolationReport:
    """B8: the report ends with a recorded disposition and the reasons for it; the reporter is told."""
    now = now or clock.now()
    note = str(note or "").replace("\x00", "").strip()
    errors: dict[str, list[str]] = {}
    if disposition not in Disposition.values:
        errors["disposition"] = [f"Choose one of: {', '.join(Disposition.values)}."]
    if not note:
        errors["disposition_note"] = ["Record what was found and done."]
    if errors:
        raise InvalidInput("The disposition has invalid fields.", fields=errors)
    with transaction.atomic():
        rep = _locked_report(report)
        if not violation_may_handle(actor, rep):
            raise NotPermitted("Only the reporter's chain of command or internal affairs handles a report.")
        require_transition(rep.TRANSITIONS, rep.status, ReportStatus.CLOSED, noun="report", verb="close")
        before = rep.status
        rep.status, rep.disposition, rep.disposition_note = ReportStatus.CLOSED, disposition, note
        rep.closed_by, rep.closed_at = actor, now
        rep.save(update_fields=["status", "disposition", "disposition_note", "closed_by", "closed_at"])
        audit_record(
            action="violation.closed",
            actor=actor,
            obj=rep,
            before={"status": before},
            after={"status": rep.status, "disposition": disposition},
            sensitivity=Sensitivity.RESTRICTED,
            now=now,
        )
        notify(
            [rep.reporter],
            subject="Your violation report was closed",
            body=f"Disposition: {rep.get_disposition_display()}.",
            url=reverse("violation-detail", args=[rep.pk]),
            now=now,
        )
        if disposition == Disposition.REFERRED_IA:
            notify(
                Member.objects.active().filter(groups__name=Role.INTERNAL_AFFAIRS.value),
                subject="Violation report referred to internal affairs",
                url=reverse("violation-detail", args=[rep.pk]),
                now=now,
            )
    return rep
