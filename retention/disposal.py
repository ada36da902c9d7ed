"""Disposal of records whose retention has run (policy-map D2; 50 ILCS 205/4, /7; 44 Ill. Adm. Code
4000.40 / 4500.40): propose → certificate → submitted → approved copy attached → executed no earlier
than 30 days after submission. Execution re-checks each record in its own transaction and leaves a
tombstone; held records survive. Re-running or a worker dying half way loses nothing."""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Min
from django.utils import timezone

from accounts.models import Member
from audit.services import audit_record
from policy_portal import clock
from policy_portal.errors import Conflict, InvalidInput
from policy_portal.queue import enqueue_after_commit
from policy_portal.workflow import require_transition

from .models import (
    ArchivedRecord,
    DisposalBatch,
    DisposalItem,
    DisposalStatus,
    Disposition,
    RecordSeries,
    Tombstone,
)
from .services import _require_records_officer, held_records

S = DisposalStatus
WAITING_DAYS = 30  # 44 Ill. Adm. Code 4000.40: certificate filed at least 30 days before disposal


def due_records(series: RecordSeries, today: date) -> Any:
    """Records of ``series`` past retention, not purged, not in an open batch, not held: set-based."""
    cutoff = today - timedelta(days=series.retention_days)
    candidates = ArchivedRecord.objects.filter(
        series=series, purged_at__isnull=True, trigger_date__lt=cutoff
    ).exclude(disposal_items__batch__status__in=[s for s in S.values if s != S.EXECUTED])
    return candidates.exclude(pk__in=held_records(candidates).values("pk"))


def disposal_propose(*, now: datetime | None = None) -> list[int]:
    """The periodic sweep: one proposed batch per series that has records due (database-driven)."""
    now = now or clock.now()
    today = timezone.localdate(now)
    created = []
    for series in RecordSeries.objects.filter(disposition=Disposition.DESTROY):
        with transaction.atomic():
            ids = list(due_records(series, today).values_list("pk", flat=True)[:5000])
            if not ids:
                continue
            batch = DisposalBatch.objects.create(series=series, proposed_at=now)
            DisposalItem.objects.bulk_create(DisposalItem(batch=batch, record_id=pk) for pk in ids)
            audit_record(action="disposal.proposed", obj=batch, after={"records": len(ids)}, now=now)
            created.append(batch.pk)
    return created


def _locked(batch: DisposalBatch) -> DisposalBatch:
    return DisposalBatch.objects.select_for_update().select_related("series").get(pk=batch.pk)


def disposal_certify(*, batch: DisposalBatch, actor: Member, now: datetime | None = None) -> DisposalBatch:
    """Generate the Local Records Disposal Certificate: series, schedule items, date range, volume."""
    _require_records_officer(actor)
    now = now or clock.now()
    with transaction.atomic():
        batch = _locked(batch)
        require_transition(DisposalBatch.TRANSITIONS, batch.status, S.CERTIFIED, noun="batch", verb="certify")
        span = batch.items.aggregate(
            first=Min("record__trigger_date"), last=Max("record__trigger_date"), volume=Count("id")
        )
        batch.certificate_number = f"LRDC-{timezone.localdate(now):%Y}-{batch.pk:05d}"
        batch.certificate = {
            "certificate_number": batch.certificate_number,
            "series": batch.series.title,
            "schedule_number": batch.series.schedule_number,
            "item_number": batch.series.item_number,
            "date_from": str(span["first"]),
            "date_to": str(span["last"]),
            "volume": f"{span['volume']} records",
            "retention_days": batch.series.retention_days,
            "prepared_by": str(actor),
            "prepared_on": str(now.date()),
        }
        batch.status, batch.certified_by = S.CERTIFIED, actor
        batch.save(update_fields=["certificate_number", "certificate", "status", "certified_by"])
        audit_record(action="disposal.certified", actor=actor, obj=batch, after=batch.certificate, now=now)
    return batch


def disposal_submit(
    *, batch: DisposalBatch, actor: Member, submitted_on: date | None = None, now: datetime | None = None
) -> DisposalBatch:
    """Record the certificate's submission to the Local Records Commission."""
    _require_records_officer(actor)
    now = now or clock.now()
    day = submitted_on or timezone.localdate(now)
    if day > timezone.localdate(now):
        raise InvalidInput.for_field("submitted_on", "The submission date cannot be in the future.")
    with transaction.atomic():
        batch = _locked(batch)
        require_transition(DisposalBatch.TRANSITIONS, batch.status, S.SUBMITTED, noun="batch", verb="submit")
        batch.status, batch.submitted_on = S.SUBMITTED, day
        batch.save(update_fields=["status", "submitted_on"])
        audit_record(
            action="disposal.submitted", actor=actor, obj=batch, after={"submitted_on": day}, now=now
        )
    return batch


def disposal_approve(
    *,
    batch: DisposalBatch,
    actor: Member,
    approved_copy: UploadedFile | None,
    approved_on: date | None = None,
    now: datetime | None = None,
) -> DisposalBatch:
    """Attach the approved copy returned by the Commission (nothing is destroyed without it)."""
    _require_records_officer(actor)
    if approved_copy is None:
        raise InvalidInput.for_field("approved_copy", "Attach the approved copy of the certificate.")
    now = now or clock.now()
    digest = hashlib.sha256()
    for chunk in approved_copy.chunks():
        digest.update(chunk)
    approved_copy.seek(0)
    with transaction.atomic():
        batch = _locked(batch)
        require_transition(DisposalBatch.TRANSITIONS, batch.status, S.APPROVED, noun="batch", verb="approve")
        batch.status, batch.approved_on = S.APPROVED, approved_on or timezone.localdate(now)
        batch.approved_copy = approved_copy
        batch.approved_copy_sha256 = digest.hexdigest()
        batch.save(update_fields=["status", "approved_on", "approved_copy", "approved_copy_sha256"])
        audit_record(
            action="disposal.approved",
            actor=actor,
            obj=batch,
            after={"approved_on": batch.approved_on, "copy_sha256": batch.approved_copy_sha256},
            now=now,
        )
    return batch


def disposal_execute(*, batch: DisposalBatch, actor: Member, now: datetime | None = None) -> DisposalBatch:
    """Start execution: approved copy attached and at least 30 days since submission. The worker does
    the record-by-record work (``disposal_run``)."""
    _require_records_officer(actor)
    now = now or clock.now()
    with transaction.atomic():
        batch = _locked(batch)
        require_transition(DisposalBatch.TRANSITIONS, batch.status, S.EXECUTING, noun="batch", verb="execute")
        earliest = batch.submitted_on + timedelta(days=WAITING_DAYS)
        if timezone.localdate(now) < earliest:
            raise Conflict(
                f"Disposal may not run before {earliest}: 30 days after submission "
                "(44 Ill. Adm. Code 4000.40).",
                code="too_early",
            )
        if not batch.approved_copy:
            raise Conflict("The approved copy is not attached.", code="no_approved_copy")
        batch.status, batch.executed_by = S.EXECUTING, actor
        batch.save(update_fields=["status", "executed_by"])
        audit_record(action="disposal.execution_started", actor=actor, obj=batch, now=now)
        from .tasks import run_disposal

        enqueue_after_commit(run_disposal, batch.pk)
    return batch


def disposal_run(batch_id: int, *, now: datetime | None = None) -> dict[str, int]:
    """Process every pending item: re-check inside its own transaction (still due, not held, batch
    approved), purge content and write the tombstone together. Safe to run again at any point."""
    now = now or clock.now()
    counts = {"destroyed": 0, "kept": 0}
    batch = DisposalBatch.objects.select_related("series", "executed_by").get(pk=batch_id)
    if batch.status != S.EXECUTING:
        return counts
    today = timezone.localdate(now)
    for item_id in list(batch.items.filter(outcome="pending").values_list("pk", flat=True)):
        with transaction.atomic():
            item = (
                DisposalItem.objects.select_for_update()
                .select_related("record")
                .filter(pk=item_id, outcome="pending")
                .first()
            )
            if item is None:
                continue
            record = ArchivedRecord.objects.select_for_update().get(pk=item.record_id)
            still_due = record.trigger_date < today - timedelta(days=batch.series.retention_days)
            held = held_records(ArchivedRecord.objects.filter(pk=record.pk)).exists()
            if held or not still_due or record.purged_at:
                item.outcome, item.note = "kept", "under legal hold" if held else "no longer due"
                item.save(update_fields=["outcome", "note"])
                audit_record(
                    action="disposal.kept",
                    obj=record,
                    after={"batch": batch.pk, "reason": item.note},
                    now=now,
                )
                counts["kept"] += 1
                continue
            try:
                with transaction.atomic():
                    Tombstone.objects.create(
                        record_id=record.pk,
                        series_code=batch.series.code,
                        schedule_item=f"{batch.series.schedule_number}/{batch.series.item_number}",
                        kind=record.kind,
                        title=record.title,
                        content_sha256=record.content_sha256,
                        captured_at=record.captured_at,
                        trigger_date=record.trigger_date,
                        batch=batch,
                        certificate_number=batch.certificate_number,
                        destroyed_by=batch.executed_by,
                        destroyed_at=now,
                    )
            except IntegrityError:
                pass  # a tombstone exists: an earlier run destroyed it and died before marking the item
            ArchivedRecord.objects.filter(pk=record.pk).update(content={}, content_text="", purged_at=now)
            item.outcome = "destroyed"
            item.save(update_fields=["outcome"])
            audit_record(
                action="disposal.destroyed",
                obj=record,
                after={
                    "batch": batch.pk,
                    "certificate": batch.certificate_number,
                    "sha256": record.content_sha256,
                },
                now=now,
            )
            counts["destroyed"] += 1
    with transaction.atomic():
        finished = not DisposalItem.objects.filter(batch_id=batch.pk, outcome="pending").exists()
        if finished and DisposalBatch.objects.filter(pk=batch.pk, status=S.EXECUTING).update(
            status=S.EXECUTED, executed_at=now
        ):
            audit_record(action="disposal.executed", obj=batch, after=counts, now=now)
    return counts


def disposal_resume(*, now: datetime | None = None) -> list[int]:
    """Sweep: batches left EXECUTING (worker died, message lost) are run again from database state."""
    ids = list(DisposalBatch.objects.filter(status=S.EXECUTING).values_list("pk", flat=True))
    for pk in ids:
        disposal_run(pk, now=now)
    return ids
