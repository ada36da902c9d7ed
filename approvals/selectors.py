"""Reads about posts that depend on who is asking, and the approval queue."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet

from accounts.models import PolicyProfile
from policy_portal import clock

from .models import (
    PermissionStatus,
    Post,
    PostStatus,
    ReportStatus,
    Severity,
    ViolationReport,
    WrittenPermission,
)

ON_TIME, DUE_SOON, OVERDUE = "on_time", "due_soon", "overdue"


def traffic_light(post: Post, now: datetime | None = None, profile: PolicyProfile | None = None) -> str:
    """B5: on time / due soon (last quarter of the window, per profile) / overdue."""
    if post.status != PostStatus.SUBMITTED or post.approval_due_at is None or post.submitted_at is None:
        return ""
    now = now or clock.now()
    if now >= post.approval_due_at:
        return OVERDUE
    profile = profile or PolicyProfile.objects.current()
    fraction = float(profile.escalation.get("due_soon_fraction", 0.25))
    window = post.approval_due_at - post.submitted_at
    return DUE_SOON if post.approval_due_at - now <= window * fraction else ON_TIME


def posts_for_queue(
    user: Any, filters: dict[str, str] | None = None, now: datetime | None = None
) -> QuerySet[Post]:
    """The approval queue: visible posts with their account, author and finding counts, in a constant
    number of queries however many posts and accounts exist."""
    filters = filters or {}
    now = now or clock.now()
    qs = (
        Post.objects.visible_to(user)
        .select_related("account", "author")
        .annotate(
            blocking_count=Count("findings", filter=Q(findings__severity=Severity.BLOCK), distinct=True),
            warning_count=Count("findings", filter=Q(findings__severity=Severity.WARN), distinct=True),
        )
    )
    if filters.get("account"):
        qs = qs.filter(account_id=filters["account"]) if str(filters["account"]).isdigit() else qs.none()
    if filters.get("category"):
        qs = qs.filter(category=filters["category"])
    status = filters.get("status", "")
    if status:
        qs = qs.filter(status=status)
    deadline = filters.get("deadline", "")
    if deadline == OVERDUE:
        qs = qs.filter(status=PostStatus.SUBMITTED, approval_due_at__lte=now)
    elif deadline in (DUE_SOON, ON_TIME):
        qs = qs.filter(status=PostStatus.SUBMITTED, approval_due_at__gt=now)
    return qs.order_by("approval_due_at", "-updated_at")


def dashboard_for(user: Any) -> dict[str, Any]:
    """What waits for this member in the approvals workflow."""
    from accounts.models import Power
    from accounts.selectors import accounts_with_post_approval

    now = clock.now()
    visible = posts_for_queue(user, {}, now)
    # The same rule as services.can_approve_posts, evaluated once for the member rather than per post.
    awaiting = visible.filter(status=PostStatus.SUBMITTED).exclude(author=user)
    if Power.PIO_LEAD not in user.powers():
        awaiting = awaiting.filter(account_id__in=accounts_with_post_approval(user))
    pending = list(awaiting[:20])
    mine = list(
        visible.filter(
            author=user, status__in=[PostStatus.DRAFT, PostStatus.CHANGES_REQUESTED, PostStatus.APPROVED]
        )
    )
    profile = PolicyProfile.objects.current()
    return {
        "posts_to_approve": [(p, traffic_light(p, now, profile)) for p in pending],
        "my_posts": mine[:20],
        "permissions_awaiting_me": permissions_awaiting(user).count(),
        "violations_open": violations_to_handle(user).count(),
    }


def permissions_awaiting(user: Any):  # type: ignore[no-untyped-def]
    """B7 requests this member may decide, as one queryset (mirrors services.permission_may_decide)."""
    from accounts.models import chain_of_command_q

    rules = [f"power:{p}" for p in user.powers()]
    return (
        WrittenPermission.objects.filter(status=PermissionStatus.REQUESTED)
        .filter(
            Q(approver_rule="supervisor") & chain_of_command_q("requester", user)
            | Q(approver_rule="consent", subject_member=user)
            | Q(approver_rule__in=rules)
        )
        .exclude(requester=user)
    )


def violations_to_handle(user: Any):  # type: ignore[no-untyped-def]
    """B8 reports still open that this member handles (their chain of command, or internal affairs)."""
    return ViolationReport.objects.visible_to(user).exclude(status=ReportStatus.CLOSED).exclude(reporter=user)
