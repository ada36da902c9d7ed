"""Written permissions (B7) and violation reports (B8): who decides is profile data, who sees is the
chain of command; every refusal changes nothing."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Notification, Power, Role
from approvals import services
from approvals.models import ViolationReport, WrittenPermission
from audit.models import AuditEvent
from policy_portal.errors import IllegalTransition, InvalidInput, NotPermitted
from tests import factories as f

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def ask(actor, **overrides):  # type: ignore[no-untyped-def]
    data = {"kind": "department_information", "description": "Photo from the recruitment fair.", **overrides}
    return services.permission_request(actor=actor, data=data)


def test_b7_department_information_is_decided_by_the_chiefs_designee_with_reasons_bpd_personal_use_3():
    """Bloomington profile: BPD Personal use 3 — written permission from the Chief or designee."""
    sergeant = f.supervisor()
    officer = f.MemberFactory(supervisor=sergeant)
    designee = f.MemberFactory(power=Power.GRANT_WRITTEN_PERMISSION)
    permission = ask(officer, where="Facebook @chris.m")
    assert (
        permission.clause == "BPD Personal use 3"
        and permission.approver_rule == "power:grant_written_permission"
    )
    assert Notification.objects.filter(recipient=designee, subject__contains="Written permission").exists()
    with pytest.raises(NotPermitted) as refused:
        services.permission_decide(permission=permission, actor=sergeant, grant=True, reasons="ok")
    assert "Chief" in refused.value.message or "designee" in refused.value.message
    with pytest.raises(InvalidInput) as bad:
        services.permission_decide(
            permission=permission, actor=designee, grant=True, reasons="", expires_on="next week"
        )
    assert set(bad.value.fields) == {"reasons", "expires_on"}
    assert WrittenPermission.objects.get(pk=permission.pk).status == "requested"
    expiry = date.today() + timedelta(days=30)
    granted = services.permission_decide(
        permission=permission, actor=designee, grant=True, reasons="Public event.", expires_on=expiry
    )
    assert granted.status == "granted" and granted.expires_on == expiry and granted.authority
    assert granted.display_status == "Granted"
    with pytest.raises(IllegalTransition):
        services.permission_decide(permission=permission, actor=designee, grant=False, reasons="changed")
    revoked = services.permission_end(permission=permission, actor=designee, reasons="Event cancelled.")
    assert revoked.status == "revoked"
    actions = list(AuditEvent.objects.for_object(permission).order_by("id").values_list("action", flat=True))
    assert actions == ["permission.requested", "permission.granted", "permission.revoked"]


def test_b7_reference_to_another_members_employment_needs_that_members_consent_bpd_personal_use_4():
    officer, colleague = f.MemberFactory(), f.MemberFactory()
    with pytest.raises(InvalidInput) as missing:
        ask(officer, kind="member_reference")
    assert "subject_member" in missing.value.fields
    with pytest.raises(InvalidInput):
        ask(officer, kind="member_reference", subject_member=officer.username)
    permission = ask(officer, kind="member_reference", subject_member=colleague.username)
    with pytest.raises(NotPermitted):
        services.permission_decide(
            permission=permission,
            actor=f.MemberFactory(power=Power.GRANT_WRITTEN_PERMISSION),
            grant=True,
            reasons="x",
        )
    consent = services.permission_decide(
        permission=permission, actor=colleague, grant=True, reasons="Fine by me"
    )
    assert consent.authority == "Consent of the member concerned"


def test_b7_undercover_member_cannot_be_named_by_those_without_need_to_know_e2():
    covert = f.MemberFactory(is_undercover=True)
    with pytest.raises(InvalidInput) as hidden:
        ask(f.MemberFactory(), kind="member_reference", subject_member=covert.username)
    with pytest.raises(InvalidInput) as missing:
        ask(f.MemberFactory(), kind="member_reference", subject_member="nobody-here")
    assert hidden.value.fields == missing.value.fields == {"subject_member": ["No such member."]}


def test_b7_hanover_park_posts_about_investigations_need_a_supervisor_hppd_iii_a_5(settings):
    settings.POLICY_PROFILE = "hanover-park"
    sergeant = f.supervisor()
    officer = f.MemberFactory(supervisor=sergeant)
    with pytest.raises(InvalidInput) as wrong_kind:
        ask(officer)  # not a Hanover Park kind
    assert "investigation_or_action" in wrong_kind.value.fields["kind"][0]
    permission = ask(officer, kind="investigation_or_action")
    assert permission.clause == "HPPD III.A.5"
    with pytest.raises(NotPermitted):
        services.permission_decide(permission=permission, actor=f.supervisor(), grant=True, reasons="x")
    refused = services.permission_decide(
        permission=permission, actor=sergeant, grant=False, reasons="Ongoing case."
    )
    assert refused.status == "refused" and refused.expires_on is None


def test_b7_api_allowed_forbidden_and_outsider(api, django_assert_max_num_queries):
    designee = f.MemberFactory(power=Power.GRANT_WRITTEN_PERMISSION)
    sergeant = f.supervisor()
    officer = f.MemberFactory(supervisor=sergeant)
    outsider = f.MemberFactory()
    api.force_authenticate(officer)
    bad = api.post("/api/v1/written-permissions/", {"kind": "x", "description": ""}, format="json")
    assert bad.status_code == 400 and "description" in bad.json()["fields"]
    assert WrittenPermission.objects.count() == 0
    made = api.post(
        "/api/v1/written-permissions/",
        {"kind": "department_information", "description": "Crash photo", "where": "Instagram"},
        format="json",
    )
    assert made.status_code == 201
    pk = made.json()["id"]
    assert (
        api.post(
            f"/api/v1/written-permissions/{pk}/decide/", {"decision": "grant", "reasons": "x"}, format="json"
        ).status_code
        == 403
    )
    for viewer, code in ((outsider, 404), (sergeant, 200), (designee, 200)):
        api.force_authenticate(viewer)
        assert api.get(f"/api/v1/written-permissions/{pk}/").status_code == code
    api.force_authenticate(outsider)
    assert (
        api.post(
            f"/api/v1/written-permissions/{pk}/decide/", {"decision": "grant", "reasons": "x"}, format="json"
        ).status_code
        == 404
    )
    api.force_authenticate(designee)
    granted = api.post(
        f"/api/v1/written-permissions/{pk}/decide/",
        {"decision": "grant", "reasons": "ok", "expires_on": str(date.today() + timedelta(days=10))},
        format="json",
    )
    assert granted.status_code == 200 and granted.json()["status"] == "granted"
    for _ in range(5):
        ask(f.MemberFactory())
    with django_assert_max_num_queries(10):
        listed = api.get("/api/v1/written-permissions/")
    assert listed.json()["count"] == 6


# --- B8 ----------------------------------------------------------------------------------------------


def test_b8_report_reaches_the_reporters_supervisor_and_only_the_chain_and_ia_see_it_bpd_hppd_ii_i():
    """BPD Reporting violations, HPPD II.I: the report goes to the reporter's supervisor; the member who
    posted it, other supervisors and auditors do not see it; internal affairs does."""
    lieutenant = f.supervisor()
    sergeant = f.supervisor(supervisor=lieutenant)
    reporter = f.MemberFactory(supervisor=sergeant)
    poster = f.MemberFactory()
    ia = f.MemberFactory(roles=[Role.INTERNAL_AFFAIRS])
    report = services.violation_report(
        actor=reporter,
        data={
            "posting_url": "https://example.com/p/1",
            "description": "Off-duty post shows a suspect's booking photo with a mocking caption.",
            "subject_member": poster.pk,
        },
    )
    assert report.routed_to == sergeant and report.status == "open"
    assert Notification.objects.filter(recipient=sergeant, subject__contains="violation").exists()
    seen_by = {
        m.pk for m in (reporter, sergeant, lieutenant, ia) if ViolationReport.objects.visible_to(m).exists()
    }
    assert seen_by == {reporter.pk, sergeant.pk, lieutenant.pk, ia.pk}
    for outsider in (poster, f.supervisor(), f.MemberFactory(roles=[Role.AUDITOR])):
        assert not ViolationReport.objects.visible_to(outsider).filter(pk=report.pk).exists()
    with pytest.raises(NotPermitted):
        services.violation_close(report=report, actor=reporter, disposition="no_violation", note="mine")
    services.violation_review(report=report, actor=sergeant)
    with pytest.raises(InvalidInput) as bad:
        services.violation_close(report=report, actor=sergeant, disposition="shrug", note="")
    assert set(bad.value.fields) == {"disposition", "disposition_note"}
    closed = services.violation_close(
        report=report, actor=sergeant, disposition="removed", note="Member removed the post the same day."
    )
    assert closed.status == "closed" and closed.closed_by == sergeant
    assert Notification.objects.filter(recipient=reporter, subject__contains="closed").exists()
    with pytest.raises(IllegalTransition):
        services.violation_close(report=report, actor=lieutenant, disposition="discipline", note="again")


def test_b8_without_a_supervisor_the_report_goes_to_internal_affairs_and_needs_a_link_or_capture():
    ia = f.MemberFactory(roles=[Role.INTERNAL_AFFAIRS])
    loner = f.MemberFactory()
    with pytest.raises(InvalidInput) as nothing:
        services.violation_report(actor=loner, data={"description": "saw something"})
    assert "posting_url" in nothing.value.fields
    with pytest.raises(InvalidInput) as fake:
        services.violation_report(
            actor=loner,
            data={"description": "see capture"},
            capture=SimpleUploadedFile("shot.png", b"MZ\x90\x00 not an image", content_type="image/png"),
        )
    assert "capture" in fake.value.fields
    assert ViolationReport.objects.count() == 0
    report = services.violation_report(
        actor=loner,
        data={"description": "see capture"},
        capture=SimpleUploadedFile("shot.png", PNG, content_type="image/png"),
    )
    assert report.routed_to is None and len(report.capture_sha256) == 64
    assert Notification.objects.filter(recipient=ia).exists()


def test_b8_api_and_pages_answer_404_to_outsiders(api, client):
    sergeant = f.supervisor()
    reporter = f.MemberFactory(supervisor=sergeant)
    outsider = f.MemberFactory()
    api.force_authenticate(reporter)
    capture = io.BytesIO(PNG)
    capture.name = "capture.png"
    made = api.post(
        "/api/v1/violation-reports/",
        {"description": "Uniform photo with a weapon", "capture": capture},
        format="multipart",
    )
    assert made.status_code == 201, made.json()
    pk = made.json()["id"]
    assert made.json()["routed_to"] == sergeant.username and made.json()["has_capture"]
    bad = api.post(
        "/api/v1/violation-reports/", {"description": "x", "posting_url": "not a url"}, format="json"
    )
    assert bad.status_code == 400 and "posting_url" in bad.json()["fields"]
    api.force_authenticate(outsider)
    assert api.get(f"/api/v1/violation-reports/{pk}/").status_code == 404
    assert api.post(f"/api/v1/violation-reports/{pk}/review/").status_code == 404
    client.force_login(outsider)
    assert client.get(f"/compliance/violations/{pk}/").status_code == 404
    assert client.get(f"/compliance/violations/{pk}/capture/").status_code == 404
    client.force_login(sergeant)
    assert client.get(f"/compliance/violations/{pk}/capture/").status_code == 200
    api.force_authenticate(sergeant)
    closed = api.post(
        f"/api/v1/violation-reports/{pk}/close/",
        {"disposition": "counselled", "disposition_note": "Counselled on BPD Personal use 5.c."},
        format="json",
    )
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert api.post(f"/api/v1/violation-reports/{pk}/review/").status_code == 409


def test_b8_a_report_about_your_own_supervisor_goes_above_them_and_they_never_see_it_hppd_ii_i():
    """HPPD II.I / BPD Reporting violations: the member reported never receives, sees or closes it."""
    lieutenant = f.supervisor()
    sergeant = f.supervisor(supervisor=lieutenant)
    officer = f.MemberFactory(supervisor=sergeant)
    report = services.violation_report(
        actor=officer,
        data={
            "posting_url": "https://example.com/sgt/1",
            "description": "Uniform photo, weapon drawn.",
            "subject_member": sergeant.username,
        },
    )
    assert report.routed_to == lieutenant
    assert not ViolationReport.objects.visible_to(sergeant).exists()
    assert not services.violation_may_handle(sergeant, report)
    ia = f.MemberFactory(roles=[Role.INTERNAL_AFFAIRS])
    assert ViolationReport.objects.visible_to(ia).filter(pk=report.pk).exists()


def test_odd_member_ids_and_deep_json_are_400_never_500(api):
    """A Unicode digit is not an id; JSON nested thousands deep is a parse error."""
    api.force_authenticate(f.MemberFactory())
    odd = api.post(
        "/api/v1/written-permissions/",
        {"kind": "member_reference", "description": "d", "subject_member": "\u00b2"},
        format="json",
    )
    assert odd.status_code == 400 and "subject_member" in odd.json()["fields"]
    deep = "[" * 5000 + "]" * 5000
    nested = api.post("/api/v1/violation-reports/", deep, content_type="application/json")
    assert nested.status_code == 400
    assert ViolationReport.objects.count() == WrittenPermission.objects.count() == 0


def test_compliance_list_pages_are_a_constant_number_of_queries(client, django_assert_max_num_queries):
    chief = f.MemberFactory(power=Power.GRANT_WRITTEN_PERMISSION, roles=[Role.COMMAND])
    sergeant = f.supervisor(supervisor=chief)
    from accounts import services as accounts_services

    def fill(n: int) -> None:
        for _ in range(n):
            member = f.MemberFactory(supervisor=sergeant)
            ask(member)
            accounts_services.access_request(
                actor=member,
                data={
                    "kind": "personal_device",
                    "personal_device": "Phone",
                    "purpose": "Page admin",
                    "expires_on": date.today() + timedelta(days=30),
                },
            )

    client.force_login(chief)
    fill(2)
    counts = {}
    for url in ("/compliance/permissions/", "/compliance/access/", "/compliance/", "/"):
        with django_assert_max_num_queries(60) as few:
            assert client.get(url).status_code == 200
        counts[url] = len(few.captured_queries)
    fill(8)
    for url, n in counts.items():
        with django_assert_max_num_queries(n):
            assert client.get(url).status_code == 200
