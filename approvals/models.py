"""Posts and their approval workflow, policy-check findings, escalations and comment moderation
(policy-map B1–B6)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q

from accounts.models import Member, SocialAccount


class PostCategory(models.TextChoices):
    """BPD On the job 1–3, HPPD I.F (B2)."""

    INVESTIGATIVE_APPEAL = "investigative_appeal", "Investigative appeal"
    COMMUNITY_OUTREACH = "community_outreach", "Community outreach"
    TIME_SENSITIVE = "time_sensitive", "Time-sensitive notification"
    RECRUITMENT = "recruitment", "Recruitment"


class PostStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Awaiting approval"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    APPROVED = "approved", "Approved"
    PUBLISHED = "published", "Published"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"


EDITABLE = {PostStatus.DRAFT, PostStatus.CHANGES_REQUESTED, PostStatus.SUBMITTED, PostStatus.APPROVED}


class PostQuerySet(models.QuerySet["Post"]):
    def visible_to(self, user: Any) -> PostQuerySet:
        """Administrators and post approvers of the post's account, the PIO lead, and auditors (A2, B1).
        Everyone else: not found."""
        from accounts.models import Power
        from accounts.selectors import accounts_with_any_perm

        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_superuser or user.has_perm("audit.view_auditevent") or Power.PIO_LEAD in user.powers():
            return self.all()
        return self.filter(account_id__in=accounts_with_any_perm(user))


class Post(models.Model):
    S = PostStatus
    TRANSITIONS: dict[str, set[str]] = {
        S.DRAFT: {S.SUBMITTED, S.WITHDRAWN},
        S.SUBMITTED: {S.APPROVED, S.CHANGES_REQUESTED, S.REJECTED, S.WITHDRAWN},
        S.CHANGES_REQUESTED: {S.SUBMITTED, S.WITHDRAWN},
        # HPPD I.B.5: editing an approved post sends it back for approval (approved → submitted), or back
        # to draft when the edit trips a blocking check.
        S.APPROVED: {S.PUBLISHED, S.SUBMITTED, S.DRAFT, S.WITHDRAWN},
        S.PUBLISHED: set(),
        S.REJECTED: set(),
        S.WITHDRAWN: set(),
    }

    account = models.ForeignKey(SocialAccount, on_delete=models.PROTECT, related_name="posts")
    author = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="authored_posts")
    body = models.TextField()
    category = models.CharField(max_length=30, choices=PostCategory.choices)
    scheduled_for = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=PostStatus.choices, default=PostStatus.DRAFT, db_index=True
    )
    version = models.PositiveIntegerField(default=1)
    likely_media_inquiry = models.BooleanField(
        default=False,
        help_text="Likely to draw media inquiries: notifies the Office of Communications (CPD IV.C.6).",
    )
    media_notified_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submission_round = models.PositiveIntegerField(default=0)
    approval_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    escalation_level = models.PositiveSmallIntegerField(default=0)
    decided_by = models.ForeignKey(Member, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(
        blank=True, help_text="Approval comment, or the reason for changes/rejection."
    )
    acknowledged_warnings = models.JSONField(default=list, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    platform_post_id = models.CharField(max_length=200, blank=True)
    platform_url = models.URLField(blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["approval_due_at", "-updated_at"]
        indexes = [models.Index(fields=["status", "approval_due_at"])]

    def __str__(self) -> str:
        first = self.body.strip().splitlines()[0] if self.body.strip() else "(empty)"
        return f"Post #{self.pk}: {first[:60]}"


class MediaLicence(models.TextChoices):
    """CPD III.C.4.c, BPD Sanctioned use 4.c, HPPD I.E: every third-party item needs a licence record."""

    UNKNOWN = "", "Not recorded"
    DEPARTMENT = "department", "Department-owned"
    LICENSED = "licensed", "Licensed"
    PERMISSION = "permission", "Written permission of the owner"
    PUBLIC_DOMAIN = "public_domain", "Public domain"


class PostMedia(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="media")
    file = models.FileField(upload_to="posts/%Y/%m/")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    source = models.CharField(max_length=300, blank=True, help_text="Who made it / where it came from.")
    licence = models.CharField(max_length=20, choices=MediaLicence.choices, blank=True)
    licence_detail = models.CharField(max_length=300, blank=True)
    uploaded_by = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.original_name


class Severity(models.TextChoices):
    BLOCK = "block", "Blocks approval"
    WARN = "warn", "Warning: approver acknowledges in writing"


class Finding(models.Model):
    """One policy-check hit on the current version of a post (B3)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="findings")
    post_version = models.PositiveIntegerField()
    detector = models.CharField(max_length=40)
    clause = models.CharField(max_length=200)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    start = models.PositiveIntegerField(null=True, blank=True)
    end = models.PositiveIntegerField(null=True, blank=True)
    excerpt = models.CharField(max_length=300, blank=True)
    message = models.CharField(max_length=400)

    class Meta:
        ordering = ["severity", "start", "id"]

    def __str__(self) -> str:
        return f"{self.detector} ({self.severity}) on post #{self.post_id}"


class Escalation(models.Model):
    """One escalation level reached by one submission of a post (B5). The unique constraint is what
    makes a second sweep, a restarted beat or a redelivered task unable to record a level twice."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="escalations")
    submission_round = models.PositiveIntegerField()
    level = models.PositiveSmallIntegerField()
    target = models.CharField(max_length=40)
    notified = models.JSONField(default=list)
    escalated_at = models.DateTimeField()

    class Meta:
        ordering = ["post", "submission_round", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "submission_round", "level"], name="uniq_escalation_level"
            )
        ]

    def __str__(self) -> str:
        return f"post #{self.post_id} round {self.submission_round} level {self.level}"


class ModerationAction(models.TextChoices):
    REMOVED = "removed", "Removed"
    HIDDEN = "hidden", "Hidden"


class ModeratedCommentQuerySet(models.QuerySet["ModeratedComment"]):
    def visible_to(self, user: Any) -> ModeratedCommentQuerySet:
        """Same audience as the account's posts: its administrators and approvers, PIO lead, auditors."""
        from accounts.models import Power
        from accounts.selectors import accounts_with_any_perm

        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_superuser or user.has_perm("audit.view_auditevent") or Power.PIO_LEAD in user.powers():
            return self.all()
        return self.filter(account_id__in=accounts_with_any_perm(user))


class ModeratedComment(models.Model):
    """A public comment staff removed or hid (B6). Preserved, never deleted (BPD Disclaimer)."""

    account = models.ForeignKey(SocialAccount, on_delete=models.PROTECT, related_name="moderated_comments")
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.PROTECT, related_name="moderated_comments"
    )
    platform_comment_id = models.CharField(max_length=200)
    author_handle = models.CharField(max_length=200)
    original_text = models.TextField()
    commented_at = models.DateTimeField()
    action = models.CharField(max_length=10, choices=ModerationAction.choices)
    ground = models.CharField(max_length=40)
    ground_label = models.CharField(max_length=300)
    note = models.TextField(blank=True)
    moderated_by = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    moderated_at = models.DateTimeField()

    objects = ModeratedCommentQuerySet.as_manager()

    class Meta:
        ordering = ["-moderated_at"]
        constraints = [
            models.UniqueConstraint(fields=["account", "platform_comment_id"], name="uniq_moderated_comment")
        ]

    def __str__(self) -> str:
        return f"{self.author_handle}: {self.original_text[:40]}"


class BarredCommenter(models.Model):
    """A commenter barred from an account after repeated violations (BPD Disclaimer: termination)."""

    account = models.ForeignKey(SocialAccount, on_delete=models.PROTECT, related_name="barred_commenters")
    author_handle = models.CharField(max_length=200)
    violations = models.PositiveIntegerField()
    reason = models.TextField()
    barred_by = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    barred_at = models.DateTimeField()
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "author_handle"],
                condition=Q(lifted_at__isnull=True),
                name="uniq_active_bar",
            )
        ]

    def __str__(self) -> str:
        return f"{self.author_handle} barred from account #{self.account_id}"


# --- written permissions (B7) ----------------------------------------------------------------------


class PermissionStatus(models.TextChoices):
    REQUESTED = "requested", "Awaiting decision"
    GRANTED = "granted", "Granted"
    REFUSED = "refused", "Refused"
    WITHDRAWN = "withdrawn", "Withdrawn"
    REVOKED = "revoked", "Revoked"


class WrittenPermissionQuerySet(models.QuerySet["WrittenPermission"]):
    def visible_to(self, user: Any) -> WrittenPermissionQuerySet:
        """The requester, the member a consent request names, the requester's chain of command, the
        holders of the deciding power, command staff and auditors. Everyone else: not found."""
        from accounts.models import Role, chain_of_command_q

        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.groups.filter(name__in=[Role.AUDITOR.value, Role.COMMAND.value]).exists():
            return self.all()
        return self.filter(
            Q(requester=user)
            | Q(subject_member=user)
            | chain_of_command_q("requester", user)
            | Q(approver_rule__in=[f"power:{p}" for p in user.powers()])
        )


class WrittenPermission(models.Model):
    """B7 (CPD III.D.1–4, BPD Personal use 3–4, HPPD III.A.5): written permission for a personal-account
    posting of department information, a reference to another member's employment (their consent),
    department logos or uniforms, or a post about an investigation or department action. Who decides is
    the profile's rule for the kind, copied here when asked so a later profile change cannot move it."""

    S = PermissionStatus
    TRANSITIONS: dict[str, set[str]] = {
        S.REQUESTED: {S.GRANTED, S.REFUSED, S.WITHDRAWN},
        S.GRANTED: {S.REVOKED},
        S.REFUSED: set(),
        S.WITHDRAWN: set(),
        S.REVOKED: set(),
    }

    kind = models.CharField(max_length=60)
    kind_label = models.CharField(max_length=300)
    clause = models.CharField(max_length=120)
    approver_rule = models.CharField(max_length=80)
    requester = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="written_permissions")
    subject_member = models.ForeignKey(
        Member,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consent_requests",
        help_text="The member whose employment the posting refers to (CPD III.D.2, BPD Personal use 4).",
    )
    description = models.TextField(help_text="What will be posted, and why.")
    where = models.CharField(max_length=200, blank=True, help_text="Platform and handle it will appear on.")
    requested_at = models.DateTimeField()
    status = models.CharField(
        max_length=20, choices=PermissionStatus.choices, default=PermissionStatus.REQUESTED
    )
    decided_by = models.ForeignKey(Member, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    authority = models.CharField(max_length=300, blank=True)
    reasons = models.TextField(blank=True)
    expires_on = models.DateField(null=True, blank=True)

    objects = WrittenPermissionQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["status", "approver_rule"])]

    def __str__(self) -> str:
        return f"{self.kind_label} — {self.requester}"

    @property
    def display_status(self) -> str:
        from policy_portal import clock

        if self.status == PermissionStatus.GRANTED and self.expires_on and self.expires_on < clock.today():
            return "Expired"
        return self.get_status_display()


# --- violation reports (B8) ------------------------------------------------------------------------


class ReportStatus(models.TextChoices):
    OPEN = "open", "Reported"
    UNDER_REVIEW = "under_review", "Under review"
    CLOSED = "closed", "Closed"


class Disposition(models.TextChoices):
    NO_VIOLATION = "no_violation", "No violation found"
    REMOVED = "removed", "Posting removed by the member"
    COUNSELLED = "counselled", "Violation: counselling or training"
    DISCIPLINE = "discipline", "Violation: discipline initiated"
    REFERRED_IA = "referred_ia", "Referred to internal affairs"


class ViolationReportQuerySet(models.QuerySet["ViolationReport"]):
    def visible_to(self, user: Any) -> ViolationReportQuerySet:
        """B8: only the reporter, the chain of command the report was routed to, and internal affairs.
        The member whose posting is reported does not see it."""
        from accounts.models import Role, chain_of_command_q

        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        about_them = Q(subject_member=user) & ~Q(reporter=user)
        if user.groups.filter(name=Role.INTERNAL_AFFAIRS.value).exists():
            return self.exclude(about_them)
        return self.filter(
            Q(reporter=user) | Q(routed_to=user) | chain_of_command_q("routed_to", user)
        ).exclude(about_them)


class ViolationReport(models.Model):
    """B8 (BPD Reporting violations, HPPD II.I): any member reports a posting that may violate the policy;
    it goes to the reporter's supervisor (internal affairs when there is none) and is tracked to a
    disposition."""

    S = ReportStatus
    TRANSITIONS: dict[str, set[str]] = {
        S.OPEN: {S.UNDER_REVIEW, S.CLOSED},
        S.UNDER_REVIEW: {S.CLOSED},
        S.CLOSED: set(),
    }

    reporter = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="violation_reports")
    posting_url = models.URLField(max_length=500, blank=True)
    capture = models.FileField(upload_to="violations/%Y/%m/", blank=True)
    capture_name = models.CharField(max_length=200, blank=True)
    capture_sha256 = models.CharField(max_length=64, blank=True)
    description = models.TextField()
    observed_at = models.DateTimeField(null=True, blank=True)
    subject_member = models.ForeignKey(
        Member,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The member who posted it, if known.",
    )
    reported_at = models.DateTimeField()
    routed_to = models.ForeignKey(Member, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=ReportStatus.choices, default=ReportStatus.OPEN)
    reviewed_by = models.ForeignKey(Member, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    disposition = models.CharField(max_length=20, choices=Disposition.choices, blank=True)
    disposition_note = models.TextField(blank=True)
    closed_by = models.ForeignKey(Member, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = ViolationReportQuerySet.as_manager()

    class Meta:
        ordering = ["-reported_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(posting_url="") | ~Q(capture=""), name="violation_report_has_link_or_capture"
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | ~Q(disposition=""), name="closed_report_has_disposition"
            ),
        ]

    def __str__(self) -> str:
        return f"Violation report #{self.pk}"
