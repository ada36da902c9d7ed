"""The archive of records, retention schedules, legal holds, FOIA requests (policy-map D1–D3);
export packages and disposal arrive in retention/models_export.py and the disposal module."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q

from accounts.models import Member, SocialAccount


def _records_staff(user: Any) -> bool:
    from accounts.models import Role

    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and (user.is_superuser or user.in_role(Role.RECORDS) or user.has_perm("audit.view_auditevent"))
    )


class Trigger(models.TextChoices):
    CREATED = "created", "Record created"
    PUBLISHED = "published", "Content published"
    CASE_CLOSED = "case_closed", "Case closed"


class Disposition(models.TextChoices):
    DESTROY = "destroy", "Destroy"
    TRANSFER = "transfer", "Transfer to archives"
    REVIEW = "review", "Review"


class RecordSeries(models.Model):
    """A record series with its retention schedule (50 ILCS 205; CPD III.C.3.b; BPD Platform 2.d)."""

    code = models.SlugField(max_length=40, unique=True)
    title = models.CharField(max_length=200)
    schedule_number = models.CharField(max_length=40, help_text="Illinois retention schedule number.")
    item_number = models.CharField(max_length=40, help_text="Item number on that schedule.")
    trigger = models.CharField(max_length=20, choices=Trigger.choices)
    retention_days = models.PositiveIntegerField()
    disposition = models.CharField(max_length=20, choices=Disposition.choices, default=Disposition.DESTROY)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "record series"

    def __str__(self) -> str:
        return f"{self.title} (schedule {self.schedule_number}, item {self.item_number})"


class Audience(models.TextChoices):
    PUBLIC = "public", "Public records (records officers)"
    INVESTIGATIONS = "investigations", "Investigations need-to-know (C8)"


class ArchivedRecordQuerySet(models.QuerySet["ArchivedRecord"]):
    def visible_to(self, user: Any) -> ArchivedRecordQuerySet:
        """Records officers and auditors see the public archive; investigation records never appear here
        (they stay under need-to-know, C8)."""
        if not _records_staff(user):
            return self.none()
        return self.filter(audience=Audience.PUBLIC)


class ArchivedRecord(models.Model):
    """An immutable snapshot of social media content (D1): a change is a new version, never an edit.
    ``content_sha256`` is taken at capture over the canonical JSON of ``content``."""

    series = models.ForeignKey(RecordSeries, on_delete=models.PROTECT, related_name="records")
    kind = models.CharField(max_length=30)  # post, comment, ...
    source_type = models.CharField(max_length=60)
    source_id = models.CharField(max_length=40)
    version = models.PositiveIntegerField(default=1)
    title = models.CharField(max_length=300)
    content = models.JSONField()
    content_text = models.TextField(help_text="Plain text for search.")
    content_sha256 = models.CharField(max_length=64)
    account = models.ForeignKey(
        SocialAccount, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    audience = models.CharField(max_length=20, choices=Audience.choices, default=Audience.PUBLIC)
    case_number = models.CharField(max_length=40, blank=True, db_index=True)
    captured_at = models.DateTimeField(db_index=True)
    trigger_date = models.DateField(db_index=True)
    purged_at = models.DateTimeField(null=True, blank=True)

    objects = ArchivedRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-captured_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_type", "source_id", "version"], name="uniq_record_version"
            )
        ]

    def __str__(self) -> str:
        return f"Record #{self.pk}: {self.title}"


class LegalHoldQuerySet(models.QuerySet["LegalHold"]):
    def visible_to(self, user: Any) -> LegalHoldQuerySet:
        return self.all() if _records_staff(user) else self.none()

    def active(self) -> LegalHoldQuerySet:
        return self.filter(released_at__isnull=True)


class LegalHold(models.Model):
    """Stops disposal of everything in scope until released (D2; BPD 2.e e-discovery). A hold made for an
    open FOIA request is released when the request closes (a record that exists stays subject to FOIA)."""

    matter = models.CharField(max_length=200)
    account = models.ForeignKey(
        SocialAccount, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    series = models.ForeignKey(
        RecordSeries, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    date_from = models.DateField(null=True, blank=True)
    date_to = models.DateField(null=True, blank=True)
    search = models.CharField(max_length=200, blank=True, help_text="Records whose text contains this.")
    case_number = models.CharField(max_length=40, blank=True, help_text="Records of this case.")
    records = models.ManyToManyField(
        ArchivedRecord,
        blank=True,
        related_name="holds",
        help_text="Records held by name (e.g. responsive to a FOIA request).",
    )
    foia_request = models.ForeignKey(
        "FoiaRequest", null=True, blank=True, on_delete=models.PROTECT, related_name="holds"
    )
    created_by = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    released_by = models.ForeignKey(Member, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    released_at = models.DateTimeField(null=True, blank=True)
    release_reason = models.TextField(blank=True)

    objects = LegalHoldQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Hold: {self.matter}"


class FoiaType(models.TextChoices):
    STANDARD = "standard", "Standard (5 business days, §3(d))"
    COMMERCIAL = "commercial", "Commercial (21 business days, §3.1)"
    RECURRENT = "recurrent", "Recurrent requester (21 business days, §3.2)"
    VOLUMINOUS = "voluminous", "Voluminous (notice in 5 business days, §3.6)"


class FoiaStatus(models.TextChoices):
    OPEN = "open", "Open"
    EXTENDED = "extended", "Extended (§3(e))"
    AWAITING_NARROWING = "awaiting_narrowing", "Awaiting narrowing (§3.6)"
    RESPONDED = "responded", "Responded"
    CLOSED = "closed", "Closed"


class ExtensionReason(models.TextChoices):
    """5 ILCS 140/3(e)(i)–(vii)."""

    ELSEWHERE = "3e_i", "§3(e)(i) records stored at another location"
    MANY = "3e_ii", "§3(e)(ii) requires collection of a substantial number of records"
    SEARCH = "3e_iii", "§3(e)(iii) requires an extensive search"
    NOT_LOCATED = "3e_iv", "§3(e)(iv) not located in the course of a routine search"
    EXEMPTION_REVIEW = "3e_v", "§3(e)(v) requires examination by staff able to decide on exemptions"
    BURDENSOME = "3e_vi", "§3(e)(vi) cannot be complied with in the time without unduly burdening operations"
    CONSULT = "3e_vii", "§3(e)(vii) requires consultation with another public body"


class ResponseType(models.TextChoices):
    GRANT = "grant", "Granted in full"
    PARTIAL = "partial", "Granted in part"
    DENIAL = "denial", "Denied"


class FoiaRequestQuerySet(models.QuerySet["FoiaRequest"]):
    def visible_to(self, user: Any) -> FoiaRequestQuerySet:
        return self.all() if _records_staff(user) else self.none()


class FoiaRequest(models.Model):
    """A request under the Illinois FOIA (5 ILCS 140), with its statutory clock (§3.5)."""

    S = FoiaStatus
    TRANSITIONS: dict[str, set[str]] = {
        S.OPEN: {S.EXTENDED, S.AWAITING_NARROWING, S.RESPONDED, S.CLOSED},
        S.EXTENDED: {S.RESPONDED, S.CLOSED},
        S.AWAITING_NARROWING: {S.OPEN, S.RESPONDED, S.CLOSED},
        S.RESPONDED: {S.CLOSED},
        S.CLOSED: set(),
    }

    requester_name = models.CharField(max_length=200)
    requester_contact = models.CharField(max_length=300, blank=True)
    description = models.TextField()
    received_at = models.DateTimeField()
    request_type = models.CharField(max_length=20, choices=FoiaType.choices)
    assigned_officer = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="foia_requests")
    due_date = models.DateField(help_text="Computed per 5 ILCS 140 §3.5; extended by §3(e)–(f).")
    original_due_date = models.DateField()
    narrowing_due_date = models.DateField(null=True, blank=True)
    extension_reason = models.CharField(max_length=10, choices=ExtensionReason.choices, blank=True)
    extended_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=FoiaStatus.choices, default=S.OPEN, db_index=True)
    response_type = models.CharField(max_length=10, choices=ResponseType.choices, blank=True)
    response_basis = models.TextField(blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    overdue_flagged_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")

    objects = FoiaRequestQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "id"]

    def __str__(self) -> str:
        return f"FOIA #{self.pk} ({self.requester_name})"


class Withholding(models.Model):
    """A withheld item or redaction, citing its exemption (5 ILCS 140 §7 / §7.5; §9(a))."""

    foia_request = models.ForeignKey(FoiaRequest, on_delete=models.PROTECT, related_name="withholdings")
    record = models.ForeignKey(
        ArchivedRecord, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    whole_item = models.BooleanField(default=False)
    span_start = models.PositiveIntegerField(null=True, blank=True)
    span_end = models.PositiveIntegerField(null=True, blank=True)
    exemption = models.CharField(max_length=20)
    basis = models.TextField(blank=True)
    officer = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(whole_item=True)
                | Q(span_start__isnull=False, span_end__gt=models.F("span_start")),
                name="withholding_span_or_whole",
            )
        ]

    def __str__(self) -> str:
        return f"{self.exemption} on FOIA #{self.foia_request_id}"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Building"
    DONE = "done", "Ready"
    FAILED = "failed", "Failed"


class ExportPackageQuerySet(models.QuerySet["ExportPackage"]):
    def visible_to(self, user: Any) -> ExportPackageQuerySet:
        return self.all() if _records_staff(user) else self.none()


class ExportPackage(models.Model):
    """A FOIA response package: one ZIP that is a BagIt bag (RFC 8493) — readable and native records,
    original media, redaction log, cover letter and a Concordance load file (D4)."""

    foia_request = models.ForeignKey(FoiaRequest, on_delete=models.PROTECT, related_name="exports")
    records = models.ManyToManyField(ArchivedRecord, related_name="+")
    status = models.CharField(
        max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED, db_index=True
    )
    progress = models.PositiveSmallIntegerField(default=0)
    file_path = models.CharField(max_length=400, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    objects = ExportPackageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Export #{self.pk} for FOIA #{self.foia_request_id}"


class DisposalStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    CERTIFIED = "certified", "Certificate generated"
    SUBMITTED = "submitted", "Submitted to the Local Records Commission"
    APPROVED = "approved", "Approved copy returned"
    EXECUTING = "executing", "Executing"
    EXECUTED = "executed", "Executed"


class DisposalBatchQuerySet(models.QuerySet["DisposalBatch"]):
    def visible_to(self, user: Any) -> DisposalBatchQuerySet:
        return self.all() if _records_staff(user) else self.none()


class DisposalBatch(models.Model):
    """Records whose retention has run, proposed for destruction under a Local Records Disposal
    Certificate (50 ILCS 205/7; 44 Ill. Adm. Code 4000.40 / 4500.40)."""

    S = DisposalStatus
    TRANSITIONS: dict[str, set[str]] = {
        S.PROPOSED: {S.CERTIFIED},
        S.CERTIFIED: {S.SUBMITTED},
        S.SUBMITTED: {S.APPROVED},
        S.APPROVED: {S.EXECUTING},
        S.EXECUTING: {S.EXECUTED},
        S.EXECUTED: set(),
    }

    series = models.ForeignKey(RecordSeries, on_delete=models.PROTECT, related_name="disposal_batches")
    status = models.CharField(
        max_length=12, choices=DisposalStatus.choices, default=S.PROPOSED, db_index=True
    )
    proposed_at = models.DateTimeField()
    certificate_number = models.CharField(max_length=40, blank=True)
    certificate = models.JSONField(default=dict, blank=True)
    certified_by = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_on = models.DateField(null=True, blank=True)
    approved_on = models.DateField(null=True, blank=True)
    approved_copy = models.FileField(upload_to="disposal/approved/", blank=True)
    approved_copy_sha256 = models.CharField(max_length=64, blank=True)
    executed_at = models.DateTimeField(null=True, blank=True)
    executed_by = models.ForeignKey(Member, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    objects = DisposalBatchQuerySet.as_manager()

    class Meta:
        ordering = ["-proposed_at"]

    def __str__(self) -> str:
        return f"Disposal batch #{self.pk} ({self.series.code})"


class DisposalItem(models.Model):
    batch = models.ForeignKey(DisposalBatch, on_delete=models.PROTECT, related_name="items")
    record = models.ForeignKey(ArchivedRecord, on_delete=models.PROTECT, related_name="disposal_items")
    outcome = models.CharField(
        max_length=12,
        default="pending",
        choices=[("pending", "Pending"), ("destroyed", "Destroyed"), ("kept", "Kept")],
    )
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["batch", "record"], name="uniq_disposal_item")]

    def __str__(self) -> str:
        return f"{self.record_id} in batch {self.batch_id}: {self.outcome}"


class Tombstone(models.Model):
    """What was destroyed, when, under which certificate and by whom (D2). One per record, ever."""

    record_id = models.PositiveBigIntegerField(unique=True)
    series_code = models.CharField(max_length=40)
    schedule_item = models.CharField(max_length=100)
    kind = models.CharField(max_length=30)
    title = models.CharField(max_length=300)
    content_sha256 = models.CharField(max_length=64)
    captured_at = models.DateTimeField()
    trigger_date = models.DateField()
    batch = models.ForeignKey(DisposalBatch, on_delete=models.PROTECT, related_name="tombstones")
    certificate_number = models.CharField(max_length=40)
    destroyed_by = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    destroyed_at = models.DateTimeField()

    class Meta:
        ordering = ["-destroyed_at"]

    def __str__(self) -> str:
        return f"Tombstone of record {self.record_id}"
