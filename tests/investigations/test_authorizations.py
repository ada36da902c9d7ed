"""Alias authorizations, use log, third-party accounts and intelligence review (policy-map C1–C7)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from accounts.models import Notification, Unit
from audit.models import AuditEvent
from investigations import services
from investigations.models import AliasAuthorization, DeconflictionNotice, IntelligenceItem
from policy_portal.errors import Conflict, IllegalTransition, InvalidInput, NotPermitted
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_c1_covert_activities_require_the_covert_level_bpd_3_cpd_iv_d_4():
    detective = f.investigator()
    with pytest.raises(InvalidInput) as refused:
        services.alias_request(actor=detective, data=f.alias_data(engagement_level="discrete"), on_duty=True)
    assert "engagement_level" in refused.value.fields
    auth = services.alias_request(
        actor=detective,
        data=f.alias_data(engagement_level="overt", planned_activities=["observe"]),
        on_duty=True,
    )
    assert auth.status == "requested"


def test_c2_only_profile_positions_authorize_and_never_the_requester_cpd_iv_d_4_bpd_3c():
    detective, lieutenant = f.investigator(), f.authorizer()
    sergeant = f.supervisor()
    auth = services.alias_request(actor=detective, data=f.alias_data(), on_duty=True)
    with pytest.raises(NotPermitted):
        services.alias_approve(auth=auth, actor=sergeant)
    from accounts.models import Power

    self_approver = f.investigator(power=Power.AUTHORIZE_COVERT)
    own = services.alias_request(actor=self_approver, data=f.alias_data(case_number="X-1"), on_duty=True)
    with pytest.raises(NotPermitted) as own_refused:
        services.alias_approve(auth=own, actor=self_approver)
    assert own_refused.value.code == "requester_cannot_approve"
    services.alias_approve(auth=auth, actor=lieutenant)
    auth.refresh_from_db()
    assert (
        auth.status == "approved" and "Lieutenant" in auth.authority and "BPD Inv. uses 3.c" in auth.authority
    )


def test_c3_covert_use_requires_current_training_bpd_3c():
    rookie = f.investigator(trained=False)
    with pytest.raises(NotPermitted) as refused:
        services.alias_request(actor=rookie, data=f.alias_data(), on_duty=True)
    assert refused.value.code == "training_required" and "BPD Inv. uses 3.c" in refused.value.message
    assert not AliasAuthorization.objects.exists()


def test_off_duty_creation_of_undercover_accounts_is_refused_bpd_off_duty():
    with pytest.raises(NotPermitted) as refused:
        services.alias_request(actor=f.investigator(), data=f.alias_data(), on_duty=False)
    assert refused.value.code == "off_duty"


def test_c4_purpose_attestation_and_a_fixed_term_within_the_profile_maximum_cpd_iv_d_1():
    detective = f.investigator()
    with pytest.raises(InvalidInput) as refused:
        services.alias_request(
            actor=detective,
            on_duty=True,
            data=f.alias_data(
                first_amendment_attestation=False,
                purpose="",
                case_number="",
                ends_on=date.today() + timedelta(days=365),
            ),
        )
    assert {"first_amendment_attestation", "purpose", "case_number", "ends_on"} <= set(refused.value.fields)


def test_c4_expiry_sweep_expires_once_and_warns_ahead():
    detective, lieutenant = f.investigator(), f.authorizer()
    ending = services.alias_request(
        actor=detective, on_duty=True, data=f.alias_data(ends_on=date.today() + timedelta(days=3))
    )
    services.alias_approve(auth=ending, actor=lieutenant)
    result = services.alias_expire_due()
    assert result == {"expired": [], "warned": [ending.pk]}
    assert services.alias_expire_due() == {"expired": [], "warned": []}
    later = timezone.now() + timedelta(days=5)
    assert services.alias_expire_due(now=later)["expired"] == [ending.pk]
    assert services.alias_expire_due(now=later)["expired"] == []
    ending.refresh_from_db()
    assert ending.status == "expired"
    assert Notification.objects.filter(recipient=detective, subject__contains="expired").count() == 1


def test_c4_renewal_is_a_new_request_and_revocation_ends_use():
    detective, lieutenant = f.investigator(), f.authorizer()
    auth = services.alias_request(actor=detective, data=f.alias_data(), on_duty=True)
    services.alias_approve(auth=auth, actor=lieutenant)
    renewal = services.alias_renew(
        auth=auth,
        actor=detective,
        starts_on=date.today(),
        ends_on=date.today() + timedelta(days=60),
        on_duty=True,
    )
    assert renewal.status == "requested" and renewal.renewal_of == auth
    services.alias_revoke(auth=auth, actor=lieutenant, reason="Case closed by arrest")
    with pytest.raises(IllegalTransition):
        services.alias_approve(auth=AliasAuthorization.objects.get(pk=auth.pk), actor=lieutenant)
    device = f.device()
    with pytest.raises(Conflict):
        services.use_log_record(
            auth=auth,
            actor=detective,
            data={
                "on_duty": True,
                "device": device.pk,
                "basis": "public",
                "activity": "x",
                "report_number": "R1",
            },
        )


def test_c5_use_log_on_duty_department_device_no_personal_account_inside_term_cpd_iv_c_1_2_iv_d_2():
    detective, lieutenant = f.investigator(), f.authorizer()
    auth = services.alias_request(actor=detective, data=f.alias_data(), on_duty=True)
    services.alias_approve(auth=auth, actor=lieutenant)
    good_device, personal_phone = f.device(), f.device(approved_for_investigations=False)
    base = {
        "on_duty": True,
        "device": good_device.pk,
        "basis": "authorized_alias",
        "activity": "Messaged target",
        "report_number": "BPD-26-004411-S3",
        "leads_forwarded_to": "Property Crimes",
    }
    with pytest.raises(InvalidInput) as refused:
        services.use_log_record(
            auth=auth,
            actor=detective,
            data={
                **base,
                "on_duty": False,
                "device": personal_phone.pk,
                "personal_account": True,
                "basis": "warrant",
            },
        )
    assert {"on_duty", "device", "personal_account", "basis_reference"} <= set(refused.value.fields)
    with pytest.raises(Conflict) as outside:
        services.use_log_record(
            auth=auth, actor=detective, data={**base, "occurred_at": timezone.now() + timedelta(days=90)}
        )
    assert outside.value.code == "outside_term"
    with pytest.raises(NotPermitted):
        services.use_log_record(auth=auth, actor=f.investigator(), data=base)
    entry = services.use_log_record(auth=auth, actor=detective, data=base)
    assert entry.device == good_device and auth.uses.count() == 1


def test_c6_third_party_account_needs_consent_and_the_bureau_chiefs_approval_cpd_iv_d_3():
    from accounts.models import Power

    detective = f.investigator()
    with pytest.raises(InvalidInput) as refused:
        services.third_party_request(actor=detective, data={"case_number": "C-1"})
    assert {"consent_obtained_on", "consent_record", "account_holder"} <= set(refused.value.fields)
    req = services.third_party_request(
        actor=detective,
        data={
            "case_number": "C-1",
            "platform": "Facebook",
            "account_handle": "victim.page",
            "account_holder": "R. Doe",
            "consent_obtained_on": "2026-11-01",
            "consent_record": "Signed consent in case file",
            "purpose": "Threats",
        },
    )
    with pytest.raises(NotPermitted):
        services.third_party_decide(req=req, actor=f.authorizer(), approve=True, note="")
    chief = f.MemberFactory(power=Power.APPROVE_THIRD_PARTY_ACCOUNT)
    assert services.third_party_decide(req=req, actor=chief, approve=True, note="ok").status == "approved"


def test_c7_intelligence_carries_a_review_date_within_five_years_28_cfr_23_20_h():
    detective, lieutenant = f.investigator(), f.authorizer()
    auth = services.alias_request(actor=detective, data=f.alias_data(), on_duty=True)
    item = services.intelligence_record(
        auth=auth,
        actor=detective,
        data={
            "summary": "Seller uses two burner numbers",
            "criminal_predicate": "Sale of stolen property",
            "collected_on": "2026-01-15",
        },
    )
    assert item.review_due_on == date(2031, 1, 15)
    assert item in services.intelligence_due_for_review(today=date(2031, 1, 1))
    assert services.intelligence_remind(now=timezone.make_aware(timezone.datetime(2031, 1, 1))) == 1
    with pytest.raises(InvalidInput):
        services.intelligence_review(item=item, actor=lieutenant, decision="purge", reason="")
    review = services.intelligence_review(
        item=item, actor=lieutenant, decision="purge", reason="No longer relevant"
    )
    item.refresh_from_db()
    assert review.reviewer == lieutenant and item.purged_at and item.summary == "[purged]"
    assert IntelligenceItem.objects.get(pk=item.pk).reviews.count() == 1


def test_deconfliction_tells_both_authorizers_whom_to_call_without_details():
    ciu = Unit.objects.get_or_create(code="ciu", defaults={"name": "CIU"})[0]
    scu = Unit.objects.create(code="scu", name="SCU")
    lt1, lt2 = f.authorizer(), f.authorizer()
    d1, d2 = f.investigator(unit=ciu), f.investigator(unit=scu)
    first = services.alias_request(actor=d1, data=f.alias_data(), on_duty=True)
    services.alias_approve(auth=first, actor=lt1)
    second = services.alias_request(
        actor=d2,
        on_duty=True,
        data=f.alias_data(
            case_number="BPD-26-009999", alias_handle="@other_alias", target_handles="@CATS_4_CASH"
        ),
    )
    assert DeconflictionNotice.objects.filter(new_authorization=second, existing_authorization=first).exists()
    to_lt1 = Notification.objects.get(recipient=lt1, subject__contains="overlaps a new request")
    assert d2.username in to_lt1.body and "BPD-26-009999" not in to_lt1.subject + to_lt1.body
    # The new request's authorizers (every covert authorizer while it is undecided) hear of it too.
    assert Notification.objects.filter(recipient=lt2, subject__startswith="Deconfliction: request").exists()
    to_d2 = Notification.objects.get(recipient=d2, subject__startswith="Deconfliction")
    assert lt1.email in to_d2.body
    for note in Notification.objects.filter(subject__startswith="Deconfliction"):
        assert "cats_4_cash" not in (note.subject + note.body).lower()
        assert "BPD-26-004411" not in note.subject + note.body


def test_covert_audit_events_are_restricted_c8():
    detective = f.investigator()
    services.alias_request(actor=detective, data=f.alias_data(), on_duty=True)
    event = AuditEvent.objects.get(action="alias.requested")
    assert event.sensitivity == "restricted"
    assert not AuditEvent.objects.visible_to(f.pio()).filter(action="alias.requested").exists()


def test_ended_authorizations_are_archived_under_need_to_know_and_held_by_case_d1_c8(api):
    from rest_framework.authtoken.models import Token

    from accounts.models import Role
    from retention import services as records
    from retention.models import ArchivedRecord

    detective, lieutenant = f.investigator(), f.authorizer()
    auth = services.alias_request(actor=detective, data=f.alias_data(), on_duty=True)
    services.alias_approve(auth=auth, actor=lieutenant)
    services.alias_revoke(auth=auth, actor=lieutenant, reason="Arrest made")
    record = ArchivedRecord.objects.get(kind="alias_authorization")
    assert record.audience == "investigations" and record.case_number == auth.case_number
    assert record.content["alias_handle"] == auth.alias_handle
    officer = f.MemberFactory(roles=[Role.RECORDS])
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=officer)[0].key}")
    assert api.get("/api/v1/records/").json()["count"] == 0
    assert api.get(f"/api/v1/records/{record.pk}/").status_code == 404
    assert not records.archive_search(officer, "catalytic").exists()
    records.hold_create(
        actor=officer, data={"matter": "Grand jury subpoena", "case_number": auth.case_number}
    )
    assert records.held_records(ArchivedRecord.objects.all()).filter(pk=record.pk).exists()


def test_investigation_records_cannot_be_held_made_responsive_or_exported_by_id_c8(api):
    from rest_framework.authtoken.models import Token

    from accounts.models import Role
    from retention import services as records
    from retention.models import ArchivedRecord

    detective = f.investigator()
    auth = services.alias_request(actor=detective, data=f.alias_data(), on_duty=True)
    services.alias_close(auth=auth, actor=detective, reason="Not needed")
    secret = ArchivedRecord.objects.get(kind="alias_authorization")
    officer = f.MemberFactory(roles=[Role.RECORDS])
    req = records.foia_log(
        actor=officer, data={"requester_name": "R", "description": "d", "request_type": "standard"}
    )
    with pytest.raises(InvalidInput):
        records.foia_add_responsive(req=req, actor=officer, records=[secret])
    with pytest.raises(InvalidInput):
        records.hold_create(actor=officer, data={"matter": "m"}, records=[secret])
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=officer)[0].key}")
    answers = []
    for pk in (secret.pk, 999999):
        answers.append(
            [
                api.post("/api/v1/legal-holds/", {"matter": "m", "records": [pk]}, format="json").json()[
                    "fields"
                ],
                api.post(
                    f"/api/v1/foia-requests/{req.pk}/responsive/", {"records": [pk]}, format="json"
                ).json()["fields"],
                api.post("/api/v1/exports/", {"foia_request": req.pk, "records": [pk]}, format="json").json()[
                    "fields"
                ],
                api.post(
                    f"/api/v1/foia-requests/{req.pk}/withholdings/",
                    {"record": pk, "exemption": "7(1)(c)", "whole_item": True},
                    format="json",
                ).json()["fields"],
            ]
        )
    hidden, missing = answers
    assert [sorted(a) for a in hidden] == [["records"], ["records"], ["records"], ["record"]]
    assert [list(a.values())[0][0].replace(str(secret.pk), "N") for a in hidden] == [
        list(a.values())[0][0].replace("999999", "N") for a in missing
    ]
