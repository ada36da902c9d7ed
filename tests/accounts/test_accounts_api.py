"""The accounts API as the allowed user, a forbidden user and an outsider (style rule 14)."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token

from accounts.models import AccountStatus, SocialAccount
from audit.models import AuditEvent
from tests import factories as f

pytestmark = pytest.mark.django_db


def _auth(api, member):
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=member)[0].key}")
    return api


def test_token_endpoint_issues_a_token_that_authenticates(api):
    pio = f.pio()
    resp = api.post("/api/v1/auth/token/", {"username": pio.username, "password": f.PASSWORD}, format="json")
    assert resp.status_code == 200, resp.content
    token = resp.json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/accounts/").status_code == 200


def test_token_endpoint_bad_credentials_and_nul_byte_are_400_not_500(api):
    pio = f.pio()
    wrong = api.post("/api/v1/auth/token/", {"username": pio.username, "password": "nope"}, format="json")
    assert wrong.status_code == 400 and wrong.json()["code"] == "invalid_credentials"
    nul = api.post("/api/v1/auth/token/", {"username": "pi\x00o", "password": "x"}, format="json")
    assert nul.status_code == 400 and "username" in nul.json()["fields"]
    missing = api.post("/api/v1/auth/token/", {}, format="json")
    assert missing.status_code == 400 and set(missing.json()["fields"]) == {"username", "password"}


def test_five_failed_sign_ins_lock_the_account_until_released_cjis_ac_7(api):
    """CJIS AC-7: five consecutive failures lock the sign-in; the right password no longer works."""
    pio = f.pio()
    for _ in range(5):
        api.post("/api/v1/auth/token/", {"username": pio.username, "password": "wrong"}, format="json")
    locked = api.post(
        "/api/v1/auth/token/", {"username": pio.username, "password": f.PASSWORD}, format="json"
    )
    assert locked.status_code == 403 and locked.json()["code"] == "locked_out"
    assert AuditEvent.objects.filter(action="auth.login_failed").count() >= 5


def test_unauthenticated_requests_are_refused(api):
    resp = api.get("/api/v1/accounts/")
    assert resp.status_code in (401, 403)
    assert set(resp.json()) == {"code", "message", "fields"}


def test_register_via_api_then_approve_activate_full_lifecycle(api):
    """A1–A3 end to end through the API."""
    pio, chief = f.pio(), f.chief()
    created = _auth(api, pio).post("/api/v1/accounts/", f.ACCOUNT_DATA, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "proposed" and body["administrators"] == [pio.username]
    pk = body["id"]

    assert api.post(f"/api/v1/accounts/{pk}/approve/").status_code == 403  # the PIO may see, not approve
    approved = _auth(api, chief).post(f"/api/v1/accounts/{pk}/approve/")
    assert approved.status_code == 200 and approved.json()["approved_by"] == chief.username

    refused = _auth(api, pio).post(f"/api/v1/accounts/{pk}/activate/")
    assert refused.status_code == 409
    assert refused.json()["code"] == "checklist_incomplete" and refused.json()["fields"]["checklist"]

    for item in body["checklist"]:
        r = api.post(f"/api/v1/accounts/{pk}/checklist/", {"code": item["code"], "done": True}, format="json")
        assert r.status_code == 200
    active = api.post(f"/api/v1/accounts/{pk}/activate/")
    assert active.status_code == 200 and active.json()["status"] == "active"

    assert api.post(f"/api/v1/accounts/{pk}/suspend/", {}, format="json").json()["fields"] == {
        "reason": ["This field is required."]
    }
    assert api.post(f"/api/v1/accounts/{pk}/suspend/", {"reason": "Hacked"}, format="json").status_code == 200
    assert (
        _auth(api, pio).post(f"/api/v1/accounts/{pk}/retire/", {"reason": "x"}, format="json").status_code
        == 403
    )
    assert (
        _auth(api, chief).post(f"/api/v1/accounts/{pk}/retire/", {"reason": "x"}, format="json").status_code
        == 200
    )
    again = api.post(f"/api/v1/accounts/{pk}/retire/", {"reason": "x"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "illegal_transition"


def test_bad_input_is_400_naming_fields_and_writes_nothing(api):
    pio = f.pio()
    _auth(api, pio)
    events = AuditEvent.objects.count()
    resp = api.post(
        "/api/v1/accounts/",
        {**f.ACCOUNT_DATA, "platform": "myspace", "url": "not a url", "handle": ""},
        format="json",
    )
    assert resp.status_code == 400
    assert {"platform", "url", "handle"} <= set(resp.json()["fields"])
    resp = api.post("/api/v1/accounts/", {**f.ACCOUNT_DATA, "administrators": ["nobody"]}, format="json")
    assert resp.status_code == 400 and "administrators" in resp.json()["fields"]
    resp = api.post("/api/v1/accounts/", {**f.ACCOUNT_DATA, "handle": "bad\x00handle"}, format="json")
    assert resp.status_code in (201, 400)  # NUL is stripped or refused, never a 500
    if resp.status_code == 201:
        assert "\x00" not in SocialAccount.objects.get().handle
    else:
        assert SocialAccount.objects.count() == 0 and AuditEvent.objects.count() == events


def test_unknown_account_and_unknown_action_are_json_404(api):
    _auth(api, f.pio())
    for url in ("/api/v1/accounts/999999/", "/api/v1/accounts/999999/approve/", "/api/v1/nothing/"):
        resp = api.get(url) if not url.endswith("approve/") else api.post(url)
        assert resp.status_code == 404
        assert resp.json() == {"code": "not_found", "message": "Not found.", "fields": {}}


def test_account_list_is_a_constant_number_of_queries(api, django_assert_max_num_queries):
    """Object permissions must never become one query per row (style rule 14)."""
    pio, chief = f.pio(), f.chief()
    for i in range(3):
        f.account(pio, handle=f"@A{i}")
    _auth(api, chief)
    with django_assert_max_num_queries(12) as small:
        assert api.get("/api/v1/accounts/").status_code == 200
    for i in range(3, 25):
        f.account(pio, handle=f"@A{i}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        resp = api.get("/api/v1/accounts/")
    assert resp.json()["count"] == 25
    assert all(row["administrators"] == [pio.username] for row in resp.json()["results"])


def test_filter_by_status(api):
    pio, chief = f.pio(), f.chief()
    f.account(pio, handle="@P")
    f.account(pio, handle="@Live", approver=chief, status="active")
    _auth(api, chief)
    rows = api.get("/api/v1/accounts/?status=active").json()["results"]
    assert [r["handle"] for r in rows] == ["@Live"]
    assert SocialAccount.objects.filter(status=AccountStatus.ACTIVE).count() == 1


def test_openapi_schema_validates(tmp_path):
    from django.core.management import call_command

    out = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    assert "/api/v1/accounts/{id}/approve/" in text and "/api/v1/auth/token/" in text
