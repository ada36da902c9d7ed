"""Member compliance in accounts (issue #6): directive versions and acknowledgements, the A5 device/access
register, and E2 omission of undercover members from directories."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from accounts import services
from accounts.models import (
    AccessAuthorization,
    DirectiveAcknowledgement,
    DirectiveVersion,
    Power,
    Role,
    Unit,
)
from accounts.selectors import current_directive
from approvals.models import Post
from audit.models import AuditEvent
from investigations import services as investigations
from policy_portal.errors import Conflict, IllegalTransition, InvalidInput, NotPermitted
from tests import factories as f

pytestmark = pytest.mark.django_db

NEW_VERSION = {
    "version": "SOP 5.19 rev. 2026-11",
    "summary": "Adds the written-permission register.",
    "text": "Members ask for written permission before posting department information.",
    "effective_on": "2026-12-01",
}


def issuer():  # type: ignore[no-untyped-def]
    return f.MemberFactory(roles=[Role.COMMAND], power=Power.ISSUE_DIRECTIVE)


def test_seed_text_is_each_profiles_first_directive_version():
    """Issue #6: the three seed texts are the first versions; reloading a profile never replaces them."""
    from accounts.profiles import load_all_profiles

    versions = DirectiveVersion.objects.order_by("profile__slug")
    assert [v.profile.slug for v in versions] == ["bloomington", "chicago", "hanover-park"]
    bloomington = versions[0]
    assert "REPORTING VIOLATIONS" in bloomington.text and len(bloomington.text_sha256) == 64
    load_all_profiles()
    assert DirectiveVersion.objects.count() == 3


def test_only_the_profiles_issuing_position_issues_a_version_and_bad_input_names_the_field():
    with pytest.raises(NotPermitted):
        services.directive_issue(actor=f.supervisor(), data=NEW_VERSION)
    chief = issuer()
    with pytest.raises(InvalidInput) as bad:
        services.directive_issue(actor=chief, data={**NEW_VERSION, "text": " ", "effective_on": "soon"})
    assert set(bad.value.fields) == {"text", "effective_on"}
    version = services.directive_issue(actor=chief, data=NEW_VERSION)
    assert current_directive() == version and version.issued_by == chief
    with pytest.raises(InvalidInput) as again:
        services.directive_issue(actor=chief, data=NEW_VERSION)
    assert "version" in again.value.fields
    assert AuditEvent.objects.filter(action="directive.issued", object_id=str(version.pk)).count() == 1


def test_new_version_refuses_drafting_approving_and_alias_work_until_acknowledged():
    """Issue #6: rights the directive governs — drafting/approving posts (HPPD I.B.5), requesting and
    using alias accounts (BPD 3.c) — are refused with a clear message until the current version is read."""
    acc, pio, sarge, _ = f.live_account_with_approver()
    draft = f.post(pio, acc)
    waiting = f.post(pio, acc, submit=True)
    detective, lieutenant = f.investigator(), f.authorizer()
    auth = investigations.alias_request(actor=detective, data=f.alias_data(), on_duty=True)
    investigations.alias_approve(auth=auth, actor=lieutenant)
    version = services.directive_issue(actor=issuer(), data=NEW_VERSION)

    from approvals import services as posts

    refusals = [
        lambda: posts.post_create(actor=pio, account=acc, data={"body": "Tip", "category": "recruitment"}),
        lambda: posts.post_submit(post=draft, actor=pio),
        lambda: posts.post_approve(post=waiting, actor=sarge, comment="ok"),
        lambda: investigations.alias_request(actor=detective, data=f.alias_data(), on_duty=True),
        lambda: investigations.use_log_record(
            auth=auth,
            actor=detective,
            data={
                "on_duty": True,
                "device": f.device().pk,
                "basis": "authorized_alias",
                "activity": "x",
                "report_number": "R-1",
            },
        ),
    ]
    for attempt in refusals:
        with pytest.raises(NotPermitted) as refused:
            attempt()
        assert refused.value.code == "acknowledgement_required"
        assert NEW_VERSION["version"] in refused.value.message
    assert Post.objects.get(pk=draft.pk).status == "draft"

    for member in (pio, sarge):
        services.directive_acknowledge(member=member, version=version)
    assert posts.post_submit(post=draft, actor=pio).status == "submitted"
    assert posts.post_approve(post=waiting, actor=sarge, comment="ok").status == "approved"


def test_acknowledging_twice_is_once_and_a_superseded_version_is_409():
    member = f.MemberFactory()
    first = current_directive()
    second = services.directive_issue(actor=issuer(), data=NEW_VERSION)
    with pytest.raises(Conflict) as superseded:
        services.directive_acknowledge(member=member, version=first)
    assert superseded.value.status_code == 409 and superseded.value.code == "superseded"
    a = services.directive_acknowledge(member=member, version=second)
    b = services.directive_acknowledge(member=member, version=second)
    assert a.pk == b.pk
    assert DirectiveAcknowledgement.objects.filter(member=member, version=second).count() == 1
    assert (
        AuditEvent.objects.filter(
            action="directive.acknowledged", actor=member, object_id=str(second.pk)
        ).count()
        == 1
    )


def test_directive_api_issue_acknowledge_and_unit_status(api, django_assert_max_num_queries):
    """Issue #6 through the API: 403 for a member without the power, 400 naming fields, 201 for the
    issuer; members acknowledge; supervisors see their unit's status, E2 omitting undercover members."""
    unit = Unit.objects.create(code="patrol", name="Patrol")
    sergeant = f.supervisor(unit=unit)
    officers = [f.MemberFactory(unit=unit, supervisor=sergeant) for _ in range(3)]
    hidden = f.MemberFactory(unit=unit, is_undercover=True)
    stranger = f.MemberFactory()
    api.force_authenticate(sergeant)
    assert api.post("/api/v1/directive-versions/", NEW_VERSION, format="json").status_code == 403
    api.force_authenticate(issuer())
    bad = api.post("/api/v1/directive-versions/", {**NEW_VERSION, "summary": ""}, format="json")
    assert bad.status_code == 400 and "summary" in bad.json()["fields"]
    created = api.post("/api/v1/directive-versions/", NEW_VERSION, format="json")
    assert created.status_code == 201 and created.json()["is_current"] is True
    pk = created.json()["id"]

    api.force_authenticate(officers[0])
    acked = api.post(f"/api/v1/directive-versions/{pk}/acknowledge/")
    assert acked.status_code == 200 and acked.json()["acknowledged_at"]
    api.force_authenticate(sergeant)
    with django_assert_max_num_queries(12):
        status = api.get("/api/v1/directive-versions/current/status/").json()
    rows = {r["username"]: r["acknowledged_at"] for r in status}
    assert rows[officers[0].username] and rows[officers[1].username] is None
    assert hidden.username not in rows and stranger.username not in rows
    api.force_authenticate(stranger)
    assert api.post("/api/v1/directive-versions/999999/acknowledge/").status_code == 404


def test_dashboard_banner_until_acknowledged(client):
    member = f.MemberFactory()
    client.force_login(member)
    assert "directive-banner" not in client.get("/").content.decode()
    version = services.directive_issue(actor=issuer(), data=NEW_VERSION)
    page = client.get("/").content.decode()
    assert "directive-banner" in page and NEW_VERSION["version"] in page
    response = client.post(f"/compliance/directive/{version.pk}/acknowledge/", follow=True)
    assert "You acknowledged" in response.content.decode()
    assert "directive-banner" not in client.get("/").content.decode()


# --- A5: device and access authorizations ----------------------------------------------------------


def access_data(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "kind": "department_computer",
        "purpose": "Monitor public posts about the parade.",
        "expires_on": date.today() + timedelta(days=90),
    }
    data.update(overrides)
    return data


def test_a5_member_asks_supervisor_decides_with_reasons_and_expiry_is_capped_cpd_iii_c_2():
    """BPD Sanctioned use 4.a (Bloomington: approver is the supervisor), expiry at most the profile's days."""
    sergeant = f.supervisor()
    officer = f.MemberFactory(supervisor=sergeant)
    with pytest.raises(InvalidInput) as bad:
        services.access_request(
            actor=officer, data=access_data(kind="telepathy", expires_on=date.today() + timedelta(days=900))
        )
    assert "kind" in bad.value.fields
    with pytest.raises(InvalidInput) as too_long:
        services.access_request(
            actor=officer, data=access_data(expires_on=date.today() + timedelta(days=900))
        )
    assert "expires_on" in too_long.value.fields
    auth = services.access_request(actor=officer, data=access_data())
    assert auth.member == officer and auth.clause == "BPD Sanctioned use 4.a"
    with pytest.raises(NotPermitted):
        services.access_decide(authorization=auth, actor=officer, grant=True, reasons="me")
    with pytest.raises(NotPermitted):
        services.access_decide(authorization=auth, actor=f.supervisor(), grant=True, reasons="not mine")
    with pytest.raises(InvalidInput):
        services.access_decide(authorization=auth, actor=sergeant, grant=True, reasons=" ")
    granted = services.access_decide(authorization=auth, actor=sergeant, grant=True, reasons="Parade detail.")
    assert granted.status == "granted" and granted.is_current()
    with pytest.raises(IllegalTransition):
        services.access_decide(authorization=auth, actor=sergeant, grant=False, reasons="again")
    assert not granted.is_current(on=granted.expires_on + timedelta(days=1))


def test_a5_personal_device_needs_the_chiefs_designee_bpd_sanctioned_use_4b():
    sergeant = f.supervisor()
    officer = f.MemberFactory(supervisor=sergeant)
    with pytest.raises(InvalidInput) as bad:
        services.access_request(actor=officer, data=access_data(kind="personal_device"))
    assert "personal_device" in bad.value.fields
    auth = services.access_request(
        actor=officer, data=access_data(kind="personal_device", personal_device="Pixel 9")
    )
    with pytest.raises(NotPermitted):
        services.access_decide(authorization=auth, actor=sergeant, grant=True, reasons="fine")
    designee = f.MemberFactory(power=Power.GRANT_WRITTEN_PERMISSION)
    assert services.access_decide(authorization=auth, actor=designee, grant=True, reasons="ok").authority


def test_a5_job_assignment_covers_the_unit_and_unlocks_the_use_log_cpd_iii_c_2_iv_c_1():
    """A unit-wide authorization (asked by a supervisor) covers every member of the unit; without any
    current authorization the investigative use log refuses the device field."""
    unit = Unit.objects.create(code="scu2", name="Street Crimes 2")
    lieutenant = f.supervisor(unit=unit, supervisor=f.chief())
    detective = f.MemberFactory(roles=[Role.INVESTIGATOR], unit=unit, supervisor=lieutenant)
    from accounts.models import TrainingCertification, TrainingKind

    TrainingCertification.objects.create(
        member=detective,
        kind=TrainingKind.INTERNET_INVESTIGATIONS,
        issued_on=date.today() - timedelta(days=5),
    )
    auth = investigations.alias_request(actor=detective, data=f.alias_data(), on_duty=True)
    investigations.alias_approve(auth=auth, actor=f.authorizer())
    use = {
        "on_duty": True,
        "device": f.device().pk,
        "basis": "authorized_alias",
        "activity": "Observed",
        "report_number": "R-7",
    }
    with pytest.raises(InvalidInput) as refused:
        investigations.use_log_record(auth=auth, actor=detective, data=use)
    assert "CPD III.C.2" in refused.value.fields["device"][0]
    with pytest.raises(InvalidInput) as not_supervisor:
        services.access_request(actor=detective, data=access_data(unit=unit.pk))
    assert "unit" in not_supervisor.value.fields
    assignment = services.access_request(actor=lieutenant, data=access_data(unit=unit.pk))
    assert assignment.member is None and assignment.unit == unit
    services.access_decide(authorization=assignment, actor=lieutenant.supervisor, grant=True, reasons="SCU")
    assert AccessAuthorization.objects.covering(detective, "department_computer").exists()
    assert investigations.use_log_record(auth=auth, actor=detective, data=use).pk
    services.access_end(authorization=assignment, actor=lieutenant.supervisor, reasons="Unit disbanded")
    with pytest.raises(InvalidInput):
        investigations.use_log_record(auth=auth, actor=detective, data=use)


def test_a5_api_allowed_forbidden_and_outsider(api, django_assert_max_num_queries):
    sergeant = f.supervisor()
    officer = f.MemberFactory(supervisor=sergeant)
    outsider = f.MemberFactory()
    api.force_authenticate(officer)
    bad = api.post("/api/v1/access-authorizations/", {"kind": "department_computer"}, format="json")
    assert bad.status_code == 400 and {"purpose", "expires_on"} <= set(bad.json()["fields"])
    created = api.post(
        "/api/v1/access-authorizations/",
        {
            "kind": "department_computer",
            "purpose": "Parade",
            "expires_on": str(date.today() + timedelta(days=30)),
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert (
        api.post(
            f"/api/v1/access-authorizations/{pk}/decide/",
            {"decision": "grant", "reasons": "me"},
            format="json",
        ).status_code
        == 403
    )
    api.force_authenticate(outsider)
    assert api.get(f"/api/v1/access-authorizations/{pk}/").status_code == 404
    assert (
        api.post(
            f"/api/v1/access-authorizations/{pk}/decide/",
            {"decision": "grant", "reasons": "x"},
            format="json",
        ).status_code
        == 404
    )
    api.force_authenticate(sergeant)
    decided = api.post(
        f"/api/v1/access-authorizations/{pk}/decide/", {"decision": "grant", "reasons": "ok"}, format="json"
    )
    assert decided.status_code == 200 and decided.json()["is_current"] is True
    again = api.post(
        f"/api/v1/access-authorizations/{pk}/decide/", {"decision": "refuse", "reasons": "x"}, format="json"
    )
    assert again.status_code == 409
    for _ in range(5):
        services.access_request(actor=f.MemberFactory(supervisor=sergeant), data=access_data())
    with django_assert_max_num_queries(10):
        listed = api.get("/api/v1/access-authorizations/")
    assert listed.status_code == 200 and listed.json()["count"] == 6


# --- E2: undercover members omitted from directories ------------------------------------------------


def test_e2_directory_omits_undercover_members_without_need_to_know_bpd_4b_hppd_iii_a_10(api, client):
    sergeant = f.supervisor()
    covert = f.MemberFactory(is_undercover=True, supervisor=sergeant, last_name="Nightshade")
    f.MemberFactory(supervisor=covert, last_name="Plainview")  # listed, but their supervisor is not named
    officer = f.MemberFactory()
    api.force_authenticate(officer)
    names = {m["username"] for m in api.get("/api/v1/members/?page_size=500").json()["results"]}
    assert covert.username not in names and officer.username in names
    assert api.get(f"/api/v1/members/{covert.pk}/").status_code == 404
    for allowed in (sergeant, covert, f.MemberFactory(roles=[Role.INTERNAL_AFFAIRS])):
        api.force_authenticate(allowed)
        assert api.get(f"/api/v1/members/{covert.pk}/").status_code == 200
    client.force_login(officer)
    page = client.get("/compliance/members/").content.decode()
    assert "Plainview" in page and "Nightshade" not in page
    client.force_login(sergeant)
    assert "Nightshade" in client.get("/compliance/members/").content.decode()
