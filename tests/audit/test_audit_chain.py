"""The append-only, hash-chained audit trail (CJIS AU-2/AU-3; every state change and grant of rights)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from accounts import services
from audit.models import AuditEvent, Sensitivity
from audit.services import audit_record, audit_verify_chain
from policy_portal.errors import Conflict
from tests import factories as f

pytestmark = pytest.mark.django_db


def _tamper(sql: str, params: list) -> None:
    """Edit the table behind the services' back, as an attacker with database access would.
    On PostgreSQL the append-only trigger must first be bypassed (superuser replica mode)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = origin")


def test_every_state_change_and_grant_of_rights_writes_an_event():
    pio, chief = f.pio(), f.chief()
    f.account(pio, approver=chief, status="active")
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "account.registered",
        "account.grant.administer_socialaccount",
        "account.approved",
        "account.checklist_item",
        "account.activated",
    } <= actions
    grant = AuditEvent.objects.get(action="account.grant.administer_socialaccount")
    assert grant.actor == pio and grant.after == {
        "member": pio.username,
        "permission": "administer_socialaccount",
    }


def test_refused_change_writes_no_event_and_event_rolls_back_with_its_change():
    pio, chief = f.pio(), f.chief()
    acc = f.account(pio, approver=chief, status="approved")
    count = AuditEvent.objects.count()
    with pytest.raises(Conflict):
        services.account_activate(account=acc, actor=pio)
    assert AuditEvent.objects.count() == count
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(action="test.rolled_back", actor=pio, obj=acc)
        raise RuntimeError("the change failed after the event was written")
    assert not AuditEvent.objects.filter(action="test.rolled_back").exists()


def test_chain_is_intact_after_normal_use_and_records_source_address(client):
    pio = f.pio()
    client.post("/login/", {"username": pio.username, "password": f.PASSWORD}, REMOTE_ADDR="10.1.2.3")
    login = AuditEvent.objects.get(action="auth.login")
    assert login.source_address == "10.1.2.3" and login.actor == pio
    client.post("/logout/")
    assert AuditEvent.objects.filter(action="auth.logout", actor=pio).exists()
    client.post("/login/", {"username": pio.username, "password": "wrong"})
    assert AuditEvent.objects.filter(action="auth.login_failed", after__username=pio.username).exists()
    report = audit_verify_chain()
    assert report.ok and report.checked == AuditEvent.objects.count()


def test_verify_reports_the_first_edited_event():
    pio, chief = f.pio(), f.chief()
    f.account(pio, approver=chief, status="active")
    target = AuditEvent.objects.filter(action="account.approved").get()
    _tamper("UPDATE audit_auditevent SET actor_label = %s WHERE id = %s", ["someone-else", target.pk])
    report = audit_verify_chain()
    assert not report.ok and report.broken_at == target.pk and "edited" in report.reason
    with pytest.raises(CommandError, match=f"#{target.pk}"):
        call_command("verify_audit_chain")


def test_verify_reports_a_deleted_event():
    pio = f.pio()
    f.account(pio)
    events = list(AuditEvent.objects.order_by("id"))
    assert len(events) >= 3
    _tamper("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    report = audit_verify_chain()
    assert report.broken_at == events[2].pk and "removed" in report.reason


def test_postgres_refuses_update_and_delete_of_audit_rows(postgres_only):
    f.account(f.pio())
    event = AuditEvent.objects.order_by("id").first()
    for statement in (
        "UPDATE audit_auditevent SET action = 'x' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk, action=event.action).exists()


def test_nul_bytes_in_audited_values_do_not_break_the_write():
    event = audit_record(action="test.nul", after={"username": "a\x00b"})
    event.refresh_from_db()
    assert event.after["username"] == "a\ufffdb" and event.hash == event.compute_hash()


def test_restricted_events_are_visible_to_auditors_only():
    """policy-map C8: events about covert work are for the need-to-know audience and auditors."""
    from accounts.models import Role

    audit_record(action="alias.viewed", sensitivity=Sensitivity.RESTRICTED)
    audit_record(action="account.something")
    auditor = f.MemberFactory(roles=[Role.AUDITOR])
    officer = f.MemberFactory()
    assert AuditEvent.objects.visible_to(auditor).filter(action="alias.viewed").exists()
    assert not AuditEvent.objects.visible_to(officer).filter(action="alias.viewed").exists()
    assert AuditEvent.objects.visible_to(officer).filter(action="account.something").exists()
