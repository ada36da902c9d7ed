"""Disposal under the Local Records Act (policy-map D2; 50 ILCS 205/7; 44 Ill. Adm. Code 4000.40)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import Role
from policy_portal.errors import Conflict, IllegalTransition, InvalidInput
from retention import disposal, services
from retention.models import ArchivedRecord, DisposalBatch, Tombstone
from retention.tasks import run_disposal
from tests import factories as f
from tests.worker import wait_for


def _aged_records(n: int = 3, days_old: int = 2000):  # type: ignore[no-untyped-def]
    for i in range(n):
        f.published_post(f"Community tip number {i}: lock your car.", handle=f"@Acc{i}")
    old = timezone.localdate() - timedelta(days=days_old)
    ArchivedRecord.objects.update(trigger_date=old)
    return list(ArchivedRecord.objects.order_by("pk"))


def _approved_batch(officer):  # type: ignore[no-untyped-def]
    (pk,) = disposal.disposal_propose()
    batch = DisposalBatch.objects.get(pk=pk)
    disposal.disposal_certify(batch=batch, actor=officer)
    disposal.disposal_submit(
        batch=batch, actor=officer, submitted_on=timezone.localdate() - timedelta(days=31)
    )
    disposal.disposal_approve(
        batch=batch, actor=officer, approved_copy=SimpleUploadedFile("approved.pdf", b"%PDF-1.4 approved")
    )
    return DisposalBatch.objects.get(pk=pk)


@pytest.mark.django_db
def test_certificate_lists_series_schedule_items_date_range_and_volume_50_ilcs_205_7():
    officer = f.MemberFactory(roles=[Role.RECORDS])
    records = _aged_records(2)
    (pk,) = disposal.disposal_propose()
    assert disposal.disposal_propose() == []  # records already in an open batch are not proposed twice
    batch = disposal.disposal_certify(batch=DisposalBatch.objects.get(pk=pk), actor=officer)
    cert = batch.certificate
    assert cert["volume"] == "2 records" and cert["schedule_number"] and cert["item_number"]
    assert cert["date_from"] == str(records[0].trigger_date) and batch.certificate_number.startswith("LRDC-")


@pytest.mark.django_db
def test_nothing_is_destroyed_without_approved_copy_or_before_30_days_4000_40():
    officer = f.MemberFactory(roles=[Role.RECORDS])
    _aged_records(1)
    (pk,) = disposal.disposal_propose()
    batch = DisposalBatch.objects.get(pk=pk)
    with pytest.raises(IllegalTransition):
        disposal.disposal_execute(batch=batch, actor=officer)
    disposal.disposal_certify(batch=batch, actor=officer)
    disposal.disposal_submit(batch=batch, actor=officer)
    with pytest.raises(InvalidInput):
        disposal.disposal_approve(batch=batch, actor=officer, approved_copy=None)
    disposal.disposal_approve(batch=batch, actor=officer, approved_copy=SimpleUploadedFile("a.pdf", b"%PDF"))
    with pytest.raises(Conflict) as early:
        disposal.disposal_execute(batch=batch, actor=officer)
    assert early.value.code == "too_early"
    assert not Tombstone.objects.exists()


@pytest.mark.django_db
def test_execution_rechecks_each_record_keeps_held_ones_and_leaves_tombstones_d2():
    officer = f.MemberFactory(roles=[Role.RECORDS])
    records = _aged_records(3)
    batch = _approved_batch(officer)
    services.hold_create(actor=officer, data={"matter": "Smith v. City"}, records=[records[1]])
    disposal.disposal_execute(batch=batch, actor=officer)
    assert disposal.disposal_run(batch.pk) == {"destroyed": 2, "kept": 1}
    assert disposal.disposal_run(batch.pk) == {"destroyed": 0, "kept": 0}  # a second run changes nothing
    held = ArchivedRecord.objects.get(pk=records[1].pk)
    assert held.purged_at is None and held.content_text
    gone = ArchivedRecord.objects.get(pk=records[0].pk)
    assert gone.purged_at and gone.content == {} and gone.content_text == ""
    stone = Tombstone.objects.get(record_id=records[0].pk)
    assert (
        stone.content_sha256 == records[0].content_sha256
        and stone.certificate_number == batch.certificate_number
    )
    assert stone.destroyed_by == officer
    assert DisposalBatch.objects.get(pk=batch.pk).status == "executed"


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_record_under_legal_hold_survives_execution_by_a_real_worker_d2(celery_worker):
    officer = f.MemberFactory(roles=[Role.RECORDS])
    records = _aged_records(2)
    batch = _approved_batch(officer)
    services.hold_create(actor=officer, data={"matter": "Litigation hold", "search": "number 0"})
    disposal.disposal_execute(batch=batch, actor=officer)  # queues run_disposal after commit
    run_disposal.delay(batch.pk)  # a duplicate delivery, as after a worker restart
    wait_for(lambda: DisposalBatch.objects.get(pk=batch.pk).status == "executed", worker=celery_worker)
    assert ArchivedRecord.objects.get(pk=records[0].pk).purged_at is None
    assert ArchivedRecord.objects.get(pk=records[1].pk).purged_at is not None
    assert Tombstone.objects.count() == 1 and Tombstone.objects.get().record_id == records[1].pk
