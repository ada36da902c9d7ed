"""C8 need to know: alias identities, targets and logs only for the requester, the approving chain and
auditors; everyone else gets 404 from every page, list and API endpoint. Every read is audited."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token

from accounts.models import Role, Unit
from audit.models import AuditEvent
from investigations import services
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def case():  # type: ignore[no-untyped-def]
    ciu = Unit.objects.get_or_create(code="ciu", defaults={"name": "CIU"})[0]
    scu = Unit.objects.create(code="scu", name="SCU")
    lieutenant = f.authorizer(unit=ciu)
    detective = f.investigator(unit=ciu, supervisor=f.supervisor())
    auth = services.alias_request(actor=detective, data=f.alias_data(), on_duty=True)
    services.alias_approve(auth=auth, actor=lieutenant)
    outsiders = {
        "detective2 (other unit)": f.investigator(unit=scu),
        "investigator same unit": f.investigator(unit=ciu),
        "pio": f.pio(),
        "records": f.MemberFactory(roles=[Role.RECORDS]),
        "officer": f.MemberFactory(),
        "unrelated sergeant": f.supervisor(),
    }
    insiders = {
        "requester": detective,
        "authorizer": lieutenant,
        "requester's supervisor": detective.supervisor,
        "auditor": f.MemberFactory(roles=[Role.AUDITOR]),
    }
    return auth, outsiders, insiders


def _api(api, member):  # type: ignore[no-untyped-def]
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=member)[0].key}")
    return api


def test_every_outsider_gets_404_everywhere_c8(case, api, client):
    auth, outsiders, _ = case
    for label, member in outsiders.items():
        _api(api, member)
        assert api.get(f"/api/v1/alias-authorizations/{auth.pk}/").status_code == 404, label
        assert api.get(f"/api/v1/alias-authorizations/{auth.pk}/uses/").status_code == 404, label
        for action in ("approve", "reject", "revoke", "close", "renew"):
            resp = api.post(f"/api/v1/alias-authorizations/{auth.pk}/{action}/", {}, format="json")
            assert resp.status_code == 404, (label, action)
            assert resp.json() == {"code": "not_found", "message": "Not found.", "fields": {}}
        assert api.get("/api/v1/alias-authorizations/").json()["count"] == 0, label
        client.force_login(member)
        assert client.get(f"/investigations/{auth.pk}/").status_code == 404, label
        assert client.post(f"/investigations/{auth.pk}/revoke/", {"reason": "x"}).status_code == 404, label
        body = client.get("/investigations/").content.decode()
        assert auth.alias_handle not in body and auth.case_number not in body, label
        assert not AuditEvent.objects.visible_to(member).filter(
            object_id=str(auth.pk), object_type="investigations.aliasauthorization"
        )


def test_insiders_see_it_and_every_read_is_audited_c8(case, api, client):
    auth, _, insiders = case
    for label, member in insiders.items():
        before = AuditEvent.objects.filter(action="alias.viewed", actor=member).count()
        resp = _api(api, member).get(f"/api/v1/alias-authorizations/{auth.pk}/")
        assert resp.status_code == 200 and resp.json()["alias_handle"] == auth.alias_handle, label
        client.force_login(member)
        assert client.get(f"/investigations/{auth.pk}/").status_code == 200, label
        viewed = AuditEvent.objects.filter(action="alias.viewed", actor=member)
        assert viewed.count() == before + 2, label
        assert viewed.first().sensitivity == "restricted"


def test_api_request_approve_and_use_log(api):
    detective, lieutenant = f.investigator(), f.authorizer()
    device = f.device()
    body = {**f.alias_data(), "on_duty": True}
    body["starts_on"], body["ends_on"] = str(body["starts_on"]), str(body["ends_on"])
    created = _api(api, detective).post("/api/v1/alias-authorizations/", body, format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["engagement_level"] == "covert" and created.json()["status"] == "requested"
    assert api.post(f"/api/v1/alias-authorizations/{pk}/approve/", {}, format="json").status_code == 403
    approved = _api(api, lieutenant).post(f"/api/v1/alias-authorizations/{pk}/approve/", {}, format="json")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    again = api.post(f"/api/v1/alias-authorizations/{pk}/approve/", {}, format="json")
    assert again.status_code == 409
    use = {
        "on_duty": True,
        "device": device.pk,
        "basis": "public",
        "activity": "Reviewed public posts",
        "report_number": "R-1",
    }
    assert (
        _api(api, detective).post(f"/api/v1/alias-authorizations/{pk}/uses/", use, format="json").status_code
        == 201
    )
    bad = api.post(
        f"/api/v1/alias-authorizations/{pk}/uses/", {**use, "personal_account": True}, format="json"
    )
    assert bad.status_code == 400 and "personal_account" in bad.json()["fields"]
    assert len(api.get(f"/api/v1/alias-authorizations/{pk}/uses/").json()) == 1


def test_rookie_is_refused_with_a_clear_reason_via_api_bpd_3c(api):
    rookie = f.investigator(trained=False)
    body = {**f.alias_data(), "on_duty": True}
    body["starts_on"], body["ends_on"] = str(body["starts_on"]), str(body["ends_on"])
    resp = _api(api, rookie).post("/api/v1/alias-authorizations/", body, format="json")
    assert resp.status_code == 403 and resp.json()["code"] == "training_required"
    assert "engagement_level" in resp.json()["fields"]
    invalid = api.post("/api/v1/alias-authorizations/", {**body, "engagement_level": "sneaky"}, format="json")
    assert invalid.status_code == 400 and "engagement_level" in invalid.json()["fields"]


def test_dashboard_shows_counts_to_the_authorizer_and_nothing_to_outsiders(case, client):
    auth, outsiders, insiders = case
    detective = insiders["requester"]
    services.alias_request(actor=detective, data=f.alias_data(case_number="NEW-1"), on_duty=True)
    client.force_login(insiders["authorizer"])
    assert "1 alias authorization awaiting your decision" in client.get("/").content.decode()
    client.force_login(outsiders["pio"])
    body = client.get("/").content.decode()
    assert "alias authorization" not in body and auth.case_number not in body
