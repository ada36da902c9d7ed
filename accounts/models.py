"""Members, roles, the policy profile and department social media accounts (policy-map A1–A5, E2)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Q

from policy_portal import clock


class Role(models.TextChoices):
    """Roles are Django groups with these names; object-level rights come from django-guardian."""

    PIO = "PIO staff"
    SUPERVISOR = "Supervisors"
    INVESTIGATOR = "Investigators"
    RECORDS = "Records officers"
    AUDITOR = "Auditors"
    COMMAND = "Command staff"
    # B8/E1: violation reports and internal/background reviews are visible to internal affairs.
    INTERNAL_AFFAIRS = "Internal affairs"


class Power(models.TextChoices):
    """What a position in the profile empowers its holder to do. Which positions hold which power is
    department data (accounts/profiles/*.json), never code."""

    APPROVE_ACCOUNTS = "approve_accounts", "Approve department social media accounts (A1)"
    AUTHORIZE_COVERT = "authorize_covert", "Authorize covert alias accounts (C2)"
    APPROVE_THIRD_PARTY_ACCOUNT = "approve_third_party_account", "Approve use of a third party's account (C6)"
    PIO_LEAD = "pio_lead", "Lead the PIO office; last escalation level for post approvals (B5)"
    GRANT_WRITTEN_PERMISSION = "grant_written_permission", "Grant written permissions (B7, A5)"
    ISSUE_DIRECTIVE = "issue_directive", "Issue a new version of the social media directive"


class PolicyProfileQuerySet(models.QuerySet["PolicyProfile"]):
    def current(self) -> PolicyProfile:
        """The deployment's one profile (settings.POLICY_PROFILE)."""
        try:
            return self.get(slug=settings.POLICY_PROFILE)
        except PolicyProfile.DoesNotExist:
            raise ImproperlyConfigured(
                f"Policy profile {settings.POLICY_PROFILE!r} is not loaded: "
                "run `python manage.py load_policy_profiles`."
            ) from None


class PolicyProfile(models.Model):
    """Department-specific rules as data, loaded from accounts/profiles/<slug>.json."""

    slug = models.SlugField(unique=True)
    department_name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=20, help_text="As cited in clause ids: CPD, BPD, HPPD.")
    directive_title = models.CharField(max_length=300)
    source_document = models.CharField(max_length=200, help_text="Seed text the profile was drawn from.")
    email_domain = models.CharField(max_length=200, help_text="Department e-mail domain (HPPD I.D.5).")
    disclaimer_text = models.TextField(blank=True)
    checklist = models.JSONField(default=list, help_text="Page-compliance items (A3): code, label, clause.")
    approval_deadlines_minutes = models.JSONField(default=dict, help_text="Post category → minutes (B2, B5).")
    escalation = models.JSONField(default=dict, blank=True)
    covert_max_term_days = models.PositiveIntegerField(default=90)
    covert_expiry_warning_days = models.PositiveIntegerField(default=7)
    intelligence_review_years = models.PositiveIntegerField(
        default=5, help_text="28 CFR 23.20(h): review or purge within at most five years."
    )
    comment_removal_grounds = models.JSONField(default=list, blank=True)
    commenter_bar_threshold = models.PositiveIntegerField(default=3)
    closure_days = models.JSONField(default=list, blank=True, help_text="ISO dates the department is closed.")
    retention_defaults = models.JSONField(default=dict, blank=True)
    written_permission_kinds = models.JSONField(
        default=list,
        blank=True,
        help_text="B7: code, label, clause, approver (supervisor | power:<p> | consent).",
    )
    access_authorization_kinds = models.JSONField(
        default=list, blank=True, help_text="A5: code, label, clause, approver, max_days."
    )
    loaded_at = models.DateTimeField(auto_now=True)

    objects = PolicyProfileQuerySet.as_manager()

    def __str__(self) -> str:
        return self.department_name

    @property
    def required_checklist(self) -> list[dict[str, Any]]:
        return [item for item in self.checklist if item.get("required", True)]


class Position(models.Model):
    """A post in the department named by the directive (e.g. "Lieutenant, Criminal Investigation Unit")."""

    profile = models.ForeignKey(PolicyProfile, on_delete=models.CASCADE, related_name="positions")
    code = models.SlugField(max_length=60)
    title = models.CharField(max_length=200)
    powers = models.JSONField(default=list)
    clause = models.CharField(max_length=120, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["profile", "code"], name="uniq_position_code")]
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class Unit(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class MemberQuerySet(models.QuerySet["Member"]):
    def active(self) -> MemberQuerySet:
        return self.filter(is_active=True)

    def with_power(self, power: str) -> MemberQuerySet:
        """Active members holding a position of the current profile with this power."""
        profile = PolicyProfile.objects.current()
        codes = [p.code for p in profile.positions.all() if power in p.powers]
        return self.active().filter(positions__profile=profile, positions__code__in=codes).distinct()

    def directory_for(self, user: Any) -> MemberQuerySet:
        """E2 (BPD Personal use 4.b, HPPD III.A.10): members flagged undercover are omitted from
        directories and pickers for everyone without need to know — need to know being the member,
        their chain of command, command staff, internal affairs and auditors."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        names = [Role.AUDITOR.value, Role.COMMAND.value, Role.INTERNAL_AFFAIRS.value]
        if user.groups.filter(name__in=names).exists():
            return self.active()
        return self.active().filter(Q(is_undercover=False) | Q(pk=user.pk) | chain_of_command_q("", user))


class MemberManager(UserManager.from_queryset(MemberQuerySet)):  # type: ignore[misc]
    pass


class Member(AbstractUser):
    """A department member. Custom from the first migration so that the chain of command lives here."""

    employee_number = models.CharField(max_length=20, unique=True, null=True, blank=True)
    badge_number = models.CharField(max_length=20, unique=True, null=True, blank=True)
    rank = models.CharField(max_length=60, blank=True)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="members")
    supervisor = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="direct_reports",
        help_text="Next level up: the escalation chain.",
    )
    is_undercover = models.BooleanField(
        default=False,
        help_text="Works, or may reasonably be expected to work, undercover (BPD Personal use 4.b, "
        "HPPD III.A.10): name is flagged in post checks and omitted from public outputs.",
    )
    positions = models.ManyToManyField(Position, blank=True, related_name="holders")

    objects = MemberManager()

    class Meta:
        ordering = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
        name = self.get_full_name()
        prefix = f"{self.rank} " if self.rank else ""
        return f"{prefix}{name}" if name else self.username

    def in_role(self, role: Role) -> bool:
        return any(group.name == role.value for group in self.groups.all())

    def powers(self) -> set[str]:
        """Cached on the instance (one request, one member): pages ask several times per render."""
        cached = getattr(self, "_powers_cache", None)
        if cached is None:
            profile = PolicyProfile.objects.current()
            cached = {power for p in self.positions.all() if p.profile_id == profile.pk for power in p.powers}
            self._powers_cache = cached
        return set(cached)

    def position_with_power(self, power: str) -> Position | None:
        profile = PolicyProfile.objects.current()
        for position in self.positions.all():
            if position.profile_id == profile.pk and power in position.powers:
                return position
        return None

    def has_current_training(self, kind: str, on: date | None = None) -> bool:
        day = on or clock.today()
        return (
            self.certifications.filter(kind=kind, issued_on__lte=day)
            .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=day))
            .exists()
        )


class TrainingKind(models.TextChoices):
    INTERNET_INVESTIGATIONS = "internet_investigations", "Internet investigations / cybercrime (BPD 3.c)"
    SOCIAL_MEDIA_ADMIN = "social_media_admin", "Department social media administration"
    RECORDS_MANAGEMENT = "records_management", "Records management / FOIA"


class TrainingCertification(models.Model):
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="certifications")
    kind = models.CharField(max_length=40, choices=TrainingKind.choices)
    title = models.CharField(max_length=200, blank=True)
    issued_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=models.F("issued_on")),
                name="certification_expires_after_issue",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.member})"

    def is_current(self, on: date | None = None) -> bool:
        day = on or clock.today()
        return self.issued_on <= day and (self.expires_on is None or self.expires_on >= day)


class Platform(models.TextChoices):
    FACEBOOK = "facebook", "Facebook"
    X = "x", "X (Twitter)"
    INSTAGRAM = "instagram", "Instagram"
    YOUTUBE = "youtube", "YouTube"
    NEXTDOOR = "nextdoor", "Nextdoor"
    TIKTOK = "tiktok", "TikTok"
    LINKEDIN = "linkedin", "LinkedIn"
    OTHER = "other", "Other"


class AccountStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    APPROVED = "approved", "Approved"
    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"
    RETIRED = "retired", "Retired"


class SocialAccountQuerySet(models.QuerySet["SocialAccount"]):
    def visible_to(self, user: Any) -> SocialAccountQuerySet:
        """Department pages are public-facing: every active member may see the register."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        return self.all()


class SocialAccount(models.Model):
    """A department social media account or page (A1–A4)."""

    S = AccountStatus
    TRANSITIONS: dict[str, set[str]] = {
        S.PROPOSED: {S.APPROVED, S.RETIRED},
        S.APPROVED: {S.ACTIVE, S.RETIRED},
        S.ACTIVE: {S.SUSPENDED, S.RETIRED},
        S.SUSPENDED: {S.ACTIVE, S.RETIRED},
        S.RETIRED: set(),
    }

    platform = models.CharField(max_length=20, choices=Platform.choices)
    handle = models.CharField(max_length=100)
    url = models.URLField("page URL")
    purpose_statement = models.TextField(
        help_text="Introductory purpose and scope statement (BPD 1.a, HPPD I.B.6)."
    )
    contact_info = models.CharField(
        max_length=300, help_text="Department contact information (BPD 2.b, HPPD I.B.1)."
    )
    official_website_url = models.URLField(
        help_text="Link to the department's official website (BPD 1.b, HPPD I.B.7)."
    )
    status = models.CharField(max_length=20, choices=AccountStatus.choices, default=AccountStatus.PROPOSED)
    status_reason = models.TextField(blank=True)
    proposed_by = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="proposed_accounts")
    proposed_at = models.DateTimeField()
    approved_by = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.PROTECT, related_name="approved_accounts"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approval_authority = models.CharField(max_length=300, blank=True)
    activated_at = models.DateTimeField(null=True, blank=True)

    objects = SocialAccountQuerySet.as_manager()

    class Meta:
        ordering = ["platform", "handle"]
        permissions = [
            ("administer_socialaccount", "Administer this department account: draft and publish (A2)"),
            ("approve_posts_socialaccount", "Approve posts for this department account (B1)"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "handle"],
                condition=~Q(status="retired"),
                name="uniq_live_account_handle",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_platform_display()} {self.handle}"


class ChecklistItem(models.Model):
    """One page-compliance item of one account (A3), copied from the profile at registration."""

    account = models.ForeignKey(SocialAccount, on_delete=models.CASCADE, related_name="checklist_items")
    code = models.SlugField(max_length=60)
    label = models.CharField(max_length=300)
    clause = models.CharField(max_length=120, blank=True)
    required = models.BooleanField(default=True)
    done = models.BooleanField(default=False)
    completed_by = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    evidence = models.CharField(max_length=500, blank=True, help_text="Where on the page, or a note.")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["account", "code"], name="uniq_checklist_item")]

    def __str__(self) -> str:
        return self.label


class Notification(models.Model):
    """An in-app notice to one member. Written in the same transaction as the event it reports, so a
    lost e-mail never loses the notice; e-mail is sent after commit as a courtesy copy."""

    recipient = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="notifications")
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return f"{self.subject} → {self.recipient}"


class DepartmentDevice(models.Model):
    """A department-approved device (CPD IV.C.1): the investigative use log accepts only these."""

    asset_tag = models.CharField(max_length=40, unique=True)
    description = models.CharField(max_length=200)
    assigned_unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="devices"
    )
    approved_for_investigations = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["asset_tag"]

    def __str__(self) -> str:
        return f"{self.asset_tag} — {self.description}"


class DirectiveVersion(models.Model):
    """One issued version of the department's social media directive. The seed text is version one;
    every member acknowledges every new version before exercising the rights it governs."""

    profile = models.ForeignKey(PolicyProfile, on_delete=models.PROTECT, related_name="directive_versions")
    version = models.CharField(max_length=60, help_text="As the department numbers it, e.g. 126A rev. 2.")
    title = models.CharField(max_length=300)
    summary = models.TextField(blank=True, help_text="What changed from the previous version.")
    text = models.TextField()
    text_sha256 = models.CharField(max_length=64)
    effective_on = models.DateField()
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(Member, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "version"], name="uniq_directive_version"),
        ]

    def __str__(self) -> str:
        return f"{self.title} — version {self.version}"


class DirectiveAcknowledgement(models.Model):
    """A member's acknowledgement that they have read one version. Written once; never edited."""

    version = models.ForeignKey(DirectiveVersion, on_delete=models.PROTECT, related_name="acknowledgements")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="acknowledgements")
    acknowledged_at = models.DateTimeField()

    class Meta:
        ordering = ["-acknowledged_at"]
        constraints = [
            models.UniqueConstraint(fields=["version", "member"], name="uniq_directive_acknowledgement"),
        ]

    def __str__(self) -> str:
        return f"{self.member} acknowledged {self.version}"


class AccessStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    GRANTED = "granted", "Granted"
    REFUSED = "refused", "Refused"
    REVOKED = "revoked", "Revoked"
    WITHDRAWN = "withdrawn", "Withdrawn"


class AccessAuthorizationQuerySet(models.QuerySet["AccessAuthorization"]):
    def visible_to(self, user: Any) -> AccessAuthorizationQuerySet:
        """A5 register: the member concerned, their chain of command (3 levels), anyone who may decide
        (the power holders named by the profile), command staff and auditors."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.groups.filter(name__in=[Role.AUDITOR.value, Role.COMMAND.value]).exists():
            return self.all()
        if Power.GRANT_WRITTEN_PERMISSION in user.powers():
            return self.all()
        return self.filter(
            Q(member=user)
            | Q(requested_by=user)
            | Q(unit__isnull=False, unit=user.unit_id)
            | chain_of_command_q("member", user)
            | chain_of_command_q("requested_by", user)
        )

    def current(self, on: date | None = None) -> AccessAuthorizationQuerySet:
        day = on or clock.today()
        return self.filter(status=AccessStatus.GRANTED, valid_from__lte=day, expires_on__gte=day)

    def covering(self, member: Member, kind: str, on: date | None = None) -> AccessAuthorizationQuerySet:
        """Current authorizations of ``kind`` for this member, individually or by job assignment."""
        whom = Q(member=member)
        if member.unit_id:
            whom |= Q(unit_id=member.unit_id, member__isnull=True)
        return self.current(on).filter(whom, kind=kind)


def chain_of_command_q(field: str, user: Any, levels: int = 3) -> Q:
    """``field``'s supervisor, that supervisor's supervisor, ... up to ``levels`` — as one Q."""
    q = Q(pk__in=[])
    path = field
    for _ in range(levels):
        path = f"{path}__supervisor" if path else "supervisor"
        q |= Q(**{path: user})
    return q


class AccessAuthorization(models.Model):
    """A5 (CPD III.C.2, BPD Sanctioned use 4.a–b, HPPD I.E): prior written permission to access social
    media from department computers, or to use a personally owned device for department accounts —
    individually or by job assignment (a unit), always with an expiry date."""

    S = AccessStatus
    TRANSITIONS: dict[str, set[str]] = {
        S.REQUESTED: {S.GRANTED, S.REFUSED, S.WITHDRAWN},
        S.GRANTED: {S.REVOKED},
        S.REFUSED: set(),
        S.REVOKED: set(),
        S.WITHDRAWN: set(),
    }

    kind = models.CharField(max_length=40)
    kind_label = models.CharField(max_length=300, blank=True)
    clause = models.CharField(max_length=120, blank=True)
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.PROTECT, related_name="access_authorizations"
    )
    unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="access_authorizations",
        help_text="Job assignment: every member of this unit (CPD III.C.2).",
    )
    device = models.ForeignKey(
        "DepartmentDevice", null=True, blank=True, on_delete=models.PROTECT, related_name="authorizations"
    )
    personal_device = models.CharField(max_length=200, blank=True, help_text="Make/model of the own device.")
    purpose = models.TextField()
    valid_from = models.DateField()
    expires_on = models.DateField()
    status = models.CharField(max_length=20, choices=AccessStatus.choices, default=AccessStatus.REQUESTED)
    requested_by = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    decided_by = models.ForeignKey(Member, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    authority = models.CharField(max_length=300, blank=True)
    reasons = models.TextField(blank=True)

    objects = AccessAuthorizationQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(member__isnull=False) & Q(unit__isnull=True))
                | (Q(member__isnull=True) & Q(unit__isnull=False)),
                name="access_for_member_or_assignment",
            ),
            models.CheckConstraint(
                condition=Q(expires_on__gte=models.F("valid_from")), name="access_expires_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.member or self.unit}"

    def is_current(self, on: date | None = None) -> bool:
        day = on or clock.today()
        return self.status == AccessStatus.GRANTED and self.valid_from <= day <= self.expires_on

    @property
    def display_status(self) -> str:
        if self.status == AccessStatus.GRANTED and self.expires_on < clock.today():
            return "Expired"
        return self.get_status_display()
