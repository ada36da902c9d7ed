"""Investigative alias-account authorizations, their use log, third-party account requests and
criminal-intelligence review (policy-map C1–C8). The most sensitive data in the portal: every queryset
starts from ``visible_to(user)`` and everything outside it is "not found" (C8)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q

from accounts.models import DepartmentDevice, Member, Role, Unit


class EngagementLevel(models.TextChoices):
    """BPD Inv. uses 3.a–c (Global Justice guidance): apparent/overt, discrete, covert (C1)."""

    OVERT = "overt", "Apparent / overt"
    DISCRETE = "discrete", "Discrete"
    COVERT = "covert", "Covert"


class PlannedActivity(models.TextChoices):
    """CPD IV.D.4: creating an alias, contacting a suspect or joining a discussion need authorization."""

    CREATE_ALIAS = "create_alias", "Create an alias account or identity"
    CONTACT_SUSPECT = "contact_suspect", "Contact a suspect"
    JOIN_DISCUSSION = "join_discussion", "Actively participate in a discussion"
    OBSERVE = "observe", "Observe publicly available content"


class AuthorizationStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    APPROVED = "approved", "Approved (active)"
    REJECTED = "rejected", "Rejected"
    EXPIRED = "expired", "Expired"
    REVOKED = "revoked", "Revoked"
    CLOSED = "closed", "Closed"


def _investigations_audience(user: Any) -> tuple[bool, bool]:
    """(sees everything, may authorize). Auditors and covert authorizers (C2) read all authorizations."""
    from accounts.models import Power

    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False, False
    authorizer = Power.AUTHORIZE_COVERT in user.powers()
    return bool(user.is_superuser or user.has_perm("audit.view_auditevent") or authorizer), authorizer


class AliasAuthorizationQuerySet(models.QuerySet["AliasAuthorization"]):
    def visible_to(self, user: Any) -> AliasAuthorizationQuerySet:
        """C8 need to know: the requester, the approving chain (the profile's covert authorizers and the
        requester's supervisors up three levels) and auditors. Nobody else — not other investigators,
        PIO staff or records officers."""
        sees_all, _ = _investigations_audience(user)
        if sees_all:
            return self.all()
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        return self.filter(
            Q(requester=user)
            | Q(requester__supervisor=user)
            | Q(requester__supervisor__supervisor=user)
            | Q(requester__supervisor__supervisor__supervisor=user)
        )


class AliasAuthorization(models.Model):
    S = AuthorizationStatus
    TRANSITIONS: dict[str, set[str]] = {
        S.REQUESTED: {S.APPROVED, S.REJECTED, S.CLOSED},
        S.APPROVED: {S.EXPIRED, S.REVOKED, S.CLOSED},
        S.REJECTED: set(),
        S.EXPIRED: set(),
        S.REVOKED: set(),
        S.CLOSED: set(),
    }

    requester = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="alias_requests")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    platform = models.CharField(max_length=60)
    alias_handle = models.CharField(max_length=150)
    alias_identity = models.TextField(blank=True, help_text="The persona: name, profile details used.")
    engagement_level = models.CharField(max_length=10, choices=EngagementLevel.choices)
    case_number = models.CharField(max_length=40)
    purpose = models.TextField(help_text="Articulated investigative purpose (BPD 3.c).")
    target_description = models.TextField()
    target_handles = models.TextField(blank=True, help_text="Target accounts, one per line (deconfliction).")
    planned_activities = models.JSONField(default=list)
    first_amendment_attestation = models.BooleanField(
        default=False,
        help_text="Not based solely on political, religious or other First-Amendment activity (CPD IV.D.1).",
    )
    starts_on = models.DateField()
    ends_on = models.DateField()
    status = models.CharField(
        max_length=12, choices=AuthorizationStatus.choices, default=S.REQUESTED, db_index=True
    )
    requested_at = models.DateTimeField()
    decided_by = models.ForeignKey(Member, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    authority = models.CharField(max_length=300, blank=True)
    decision_note = models.TextField(blank=True)
    renewal_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="renewals"
    )
    expiry_warned_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    objects = AliasAuthorizationQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="term_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"Alias authorization #{self.pk} ({self.case_number})"

    def handles_for_deconfliction(self) -> set[str]:
        values = {self.alias_handle} | {h for h in self.target_handles.splitlines()}
        return {v.strip().lstrip("@").lower() for v in values if v.strip()}


class UseBasis(models.TextChoices):
    """CPD IV.C.4: barring a warrant, exigency or authorization, only publicly available material."""

    PUBLIC = "public", "Publicly available material"
    WARRANT = "warrant", "Warrant"
    EXIGENT = "exigent", "Exigent circumstances"
    AUTHORIZED_ALIAS = "authorized_alias", "Authorized alias (this authorization)"


class UseLogEntry(models.Model):
    """One investigative use (C5): CPD IV.C.1–7, IV.D.2."""

    authorization = models.ForeignKey(AliasAuthorization, on_delete=models.PROTECT, related_name="uses")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    occurred_at = models.DateTimeField()
    on_duty = models.BooleanField()
    device = models.ForeignKey(DepartmentDevice, on_delete=models.PROTECT, related_name="+")
    basis = models.CharField(max_length=20, choices=UseBasis.choices)
    basis_reference = models.CharField(max_length=120, blank=True, help_text="Warrant number, exigency note.")
    activity = models.TextField()
    leads_forwarded_to = models.CharField(max_length=200, blank=True)
    report_number = models.CharField(max_length=60, help_text="Report the use is documented in (CPD IV.C.7).")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-occurred_at"]

    def __str__(self) -> str:
        return f"Use of #{self.authorization_id} at {self.occurred_at:%Y-%m-%d %H:%M}"


class DeconflictionNotice(models.Model):
    """Two units' active authorizations touch the same handle. Each side is told whom to call, never
    the other case's details."""

    new_authorization = models.ForeignKey(AliasAuthorization, on_delete=models.CASCADE, related_name="+")
    existing_authorization = models.ForeignKey(AliasAuthorization, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["new_authorization", "existing_authorization"], name="uniq_deconfliction"
            )
        ]

    def __str__(self) -> str:
        return f"Deconfliction #{self.new_authorization_id} ~ #{self.existing_authorization_id}"


class ThirdPartyRequestStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class ThirdPartyAccountRequestQuerySet(models.QuerySet["ThirdPartyAccountRequest"]):
    def visible_to(self, user: Any) -> ThirdPartyAccountRequestQuerySet:
        from accounts.models import Power

        sees_all, _ = _investigations_audience(user)
        if sees_all or (
            getattr(user, "is_authenticated", False) and Power.APPROVE_THIRD_PARTY_ACCOUNT in user.powers()
        ):
            return self.all()
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        return self.filter(Q(requester=user) | Q(requester__supervisor=user))


class ThirdPartyAccountRequest(models.Model):
    """CPD IV.D.3 (C6): another person's account, with their consent and the bureau chief's approval."""

    requester = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    case_number = models.CharField(max_length=40)
    platform = models.CharField(max_length=60)
    account_handle = models.CharField(max_length=150)
    account_holder = models.CharField(max_length=200)
    consent_obtained_on = models.DateField()
    consent_record = models.CharField(max_length=300, help_text="Where the written consent is kept.")
    purpose = models.TextField()
    status = models.CharField(max_length=10, choices=ThirdPartyRequestStatus.choices, default="requested")
    requested_at = models.DateTimeField()
    decided_by = models.ForeignKey(Member, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    objects = ThirdPartyAccountRequestQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Third-party account request #{self.pk}"


class IntelligenceItemQuerySet(models.QuerySet["IntelligenceItem"]):
    def visible_to(self, user: Any) -> IntelligenceItemQuerySet:
        return self.filter(authorization__in=AliasAuthorization.objects.visible_to(user))


class IntelligenceItem(models.Model):
    """Criminal intelligence kept from social media (28 CFR 23.20; BPD Inv. uses 1): reviewed or purged
    by ``review_due_on``, at most five years after collection (C7)."""

    authorization = models.ForeignKey(
        AliasAuthorization, on_delete=models.PROTECT, related_name="intelligence"
    )
    summary = models.TextField()
    criminal_predicate = models.TextField(
        help_text="Reasonable suspicion of criminal conduct (28 CFR 23.20(a))."
    )
    collected_on = models.DateField()
    review_due_on = models.DateField()
    recorded_by = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    purged_at = models.DateTimeField(null=True, blank=True)

    objects = IntelligenceItemQuerySet.as_manager()

    class Meta:
        ordering = ["review_due_on"]

    def __str__(self) -> str:
        return f"Intelligence item #{self.pk}"


class IntelligenceReview(models.Model):
    """28 CFR 23.20(h): a retained item records reviewer, date and reason."""

    item = models.ForeignKey(IntelligenceItem, on_delete=models.PROTECT, related_name="reviews")
    reviewer = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    reviewed_on = models.DateField()
    decision = models.CharField(
        max_length=10, choices=[("retain", "Validate and retain"), ("purge", "Purge")]
    )
    reason = models.TextField()

    def __str__(self) -> str:
        return f"Review of item #{self.item_id}: {self.decision}"


# --- background and internal investigation reviews (E1) ----------------------------------------------


class ReviewKind(models.TextChoices):
    INTERNAL = "internal", "Internal investigation of a member (HPPD IV.A–B)"
    BACKGROUND = "background", "Background investigation of a job candidate (HPPD V.A–B)"


class ReviewStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class ValidationMethod(models.TextChoices):
    """HPPD V.B: every effort must be made to validate Internet-based information."""

    CROSS_REFERENCE = "cross_reference", "Cross-referenced with other public sources"
    IDENTITY_LINK = "identity_link", "Identifying details tie the account to the subject"
    OFFICIAL_RECORDS = "official_records", "Checked against official records"
    SUBJECT_CONFIRMED = "subject_confirmed", "Confirmed with the subject at interview"
    NOT_VALIDATED = "not_validated", "Could not be validated (say what was tried)"


REVIEW_AUDIENCE_ROLES = frozenset({Role.INTERNAL_AFFAIRS.value, Role.AUDITOR.value})


class BackgroundReviewQuerySet(models.QuerySet["BackgroundReview"]):
    def visible_to(self, user: Any) -> BackgroundReviewQuerySet:
        """E1 (HPPD IV, V): the reviewer, internal affairs and auditors — and never the member under
        review, whatever their role. Everyone else: not found."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        roles = set(user.groups.values_list("name", flat=True))
        rows = (
            self.all() if user.is_superuser or roles & REVIEW_AUDIENCE_ROLES else self.filter(reviewer=user)
        )
        return rows.exclude(subject_member=user)


class BackgroundReview(models.Model):
    """A review of the public-domain social media content of a member under internal investigation
    (HPPD IV.A–B) or of a job candidate (HPPD V.A–B). It never holds a password or login of either
    (HPPD IV.C, V.C; 820 ILCS 55/10(b)(1)): every write passes ``investigations.credentials``."""

    S = ReviewStatus
    TRANSITIONS: dict[str, set[str]] = {S.OPEN: {S.CLOSED}, S.CLOSED: set()}
    # States in which what was viewed may still be recorded.
    RECORDING: frozenset[str] = frozenset({S.OPEN})

    kind = models.CharField(max_length=10, choices=ReviewKind.choices)
    subject_member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    candidate_name = models.CharField(max_length=200, null=True, blank=True)
    case_number = models.CharField(max_length=40, help_text="Case or file number.")
    reviewer = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="background_reviews")
    opened_at = models.DateTimeField()
    status = models.CharField(max_length=6, choices=ReviewStatus.choices, default=S.OPEN, db_index=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    conclusion = models.TextField(blank=True)

    objects = BackgroundReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind=ReviewKind.INTERNAL, subject_member__isnull=False, candidate_name__isnull=True)
                    | (
                        Q(
                            kind=ReviewKind.BACKGROUND,
                            subject_member__isnull=True,
                            candidate_name__isnull=False,
                        )
                        & ~Q(candidate_name="")
                    )
                ),
                name="review_exactly_one_subject_matching_kind",
            ),
            models.CheckConstraint(
                condition=~Q(reviewer=models.F("subject_member")), name="review_not_of_oneself"
            ),
            models.CheckConstraint(
                condition=Q(status=ReviewStatus.OPEN, closed_at__isnull=True)
                | Q(status=ReviewStatus.CLOSED, closed_at__isnull=False),
                name="review_closed_at_iff_closed",
            ),
        ]

    def __str__(self) -> str:
        label = "Internal" if self.kind == ReviewKind.INTERNAL else "Background"
        return f"{label} review #{self.pk} ({self.case_number})"


class ReviewEntry(models.Model):
    """One thing viewed in a review: where (a public address), what it showed, when, and how it was
    validated (HPPD V.B). Only public-domain content (HPPD IV.A, V.A; 820 ILCS 55/10(b)(3))."""

    review = models.ForeignKey(BackgroundReview, on_delete=models.PROTECT, related_name="entries")
    url = models.URLField(max_length=500, help_text="Public address of what was viewed.")
    platform = models.CharField(max_length=60)
    description = models.TextField(help_text="What the content showed.")
    viewed_at = models.DateTimeField()
    recorded_by = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    validation_method = models.CharField(max_length=20, choices=ValidationMethod.choices)
    validation_note = models.TextField(help_text="How it was validated, or what was tried (HPPD V.B).")
    public_domain = models.BooleanField(
        help_text="Viewed as any member of the public could: no password, login, friend request or "
        "another person's account (HPPD IV.A, V.A)."
    )

    class Meta:
        ordering = ["viewed_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(public_domain=True), name="entry_public_domain_only")
        ]

    def __str__(self) -> str:
        return f"Entry #{self.pk} of review #{self.review_id}"
