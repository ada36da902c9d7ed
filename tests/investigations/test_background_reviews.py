"""E1 — background and internal investigation reviews (HPPD IV, V; 820 ILCS 55/10).

Reviews of public-domain social media content of members under internal investigation (HPPD IV.A–B)
and of job candidates (HPPD V.A–B), each thing viewed validated (HPPD V.B). The portal never asks for,
and never stores, a password or login of either (HPPD IV.C, V.C; 820 ILCS 55/10(b)(1)): a field that
looks like one is refused with 400, naming it, and nothing is written.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Member, Role
from audit.models import AuditEvent
from investigations import services
from investigations.credentials import looks_like_credential_name, looks_like_credential_value
from investigations.models import BackgroundReview, ReviewEntry
from policy_portal.errors import Conflict, IllegalTransition, InvalidInput, NotPermitted
from tests import factories as f

pytestmark = pytest.mark.django_db

API = "/api/v1/background-reviews/"
NOTICE = "This portal never asks for a social media password or login (820 ILCS 55/10)."


def ia(**kwargs: Any) -> Member:
    return f.MemberFactory(roles=[Role.INTERNAL_AFFAIRS], **kwargs)


def entry_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "url": "https://www.instagram.com/jdoe_public/p/C1x2y3/",
        "platform": "Instagram",
        "description": "Public post: the candidate posted a photo of a pin badge from a 2024 rally.",
        "viewed_at": timezone.now().isoformat(),
        "validation_method": "cross_reference",
        "validation_note": "Same photo and name on the candidate's public LinkedIn profile.",
        "public_domain": True,
    }
    data.update(overrides)
    return data


@pytest.fixture
def case() -> dict[str, Any]:
    """An internal review of an officer opened by internal affairs, and who is who around it."""
    reviewer, subject = ia(), f.MemberFactory()
    review = services.background_review_open(
        actor=reviewer,
        data={"kind": "internal", "subject_member": subject.username, "case_number": "IA-26-7"},
    )
    return {
        "review": review,
        "reviewer": reviewer,
        "subject": subject,
        "other_ia": ia(),
        "auditor": f.MemberFactory(roles=[Role.AUDITOR]),
        "outsiders": {
            "the member under review": subject,
            "officer": f.MemberFactory(),
            "pio": f.pio(),
            "investigator": f.investigator(),
            "command (not the reviewer)": f.MemberFactory(roles=[Role.COMMAND]),
            "records": f.MemberFactory(roles=[Role.RECORDS]),
        },
    }


def _counts() -> tuple[int, int, int]:
    return BackgroundReview.objects.count(), ReviewEntry.objects.count(), AuditEvent.objects.count()


# --- who opens ----------------------------------------------------------------------------------------


def test_e1_internal_affairs_and_command_open_reviews_others_are_refused_hppd_iv_v(api):
    """E1, HPPD IV.A–B, V.A–B: internal affairs (background investigators included) and command staff
    open reviews; the opener is the reviewer. Anyone else: 403; anonymous: refused."""
    body = {"kind": "background", "candidate_name": "Jordan Applicant", "case_number": "BG-26-11"}
    for member in (ia(), f.MemberFactory(roles=[Role.COMMAND])):
        api.force_authenticate(member)
        resp = api.post(API, body, format="json")
        assert resp.status_code == 201, resp.json()
        assert resp.json()["reviewer"] == member.username and resp.json()["status"] == "open"
        assert resp.json()["subject_member"] is None and resp.json()["candidate_name"] == "Jordan Applicant"
    for member in (f.MemberFactory(), f.investigator(), f.MemberFactory(roles=[Role.AUDITOR])):
        api.force_authenticate(member)
        resp = api.post(API, body, format="json")
        assert resp.status_code == 403 and resp.json()["code"] == "permission_denied"
    api.force_authenticate(None)
    assert api.post(API, body, format="json").status_code in (401, 403)
    assert BackgroundReview.objects.count() == 2


def test_e1_exactly_one_subject_that_matches_the_kind_hppd_iv_v(api):
    """E1: an internal review names a member (HPPD IV), a background review a candidate (HPPD V) —
    exactly one, in the service (400 naming the field) and in the database (CheckConstraint)."""
    api.force_authenticate(ia())
    member = f.MemberFactory()
    cases = [
        ({"kind": "internal", "case_number": "X"}, "subject_member"),
        (
            {
                "kind": "internal",
                "subject_member": member.username,
                "candidate_name": "A",
                "case_number": "X",
            },
            "candidate_name",
        ),
        ({"kind": "background", "case_number": "X"}, "candidate_name"),
        (
            {
                "kind": "background",
                "candidate_name": "A",
                "subject_member": member.username,
                "case_number": "X",
            },
            "subject_member",
        ),
        ({"kind": "internal", "subject_member": "nobody-here", "case_number": "X"}, "subject_member"),
        ({"kind": "other", "candidate_name": "A", "case_number": "X"}, "kind"),
        ({"kind": "background", "candidate_name": "A"}, "case_number"),
        ({"kind": "background", "candidate_name": {"nested": "x"}, "case_number": "X"}, "candidate_name"),
    ]
    for body, field in cases:
        resp = api.post(API, body, format="json")
        assert resp.status_code == 400 and field in resp.json()["fields"], (body, resp.json())
    assert not BackgroundReview.objects.exists()
    reviewer = ia()
    with pytest.raises(IntegrityError), transaction.atomic():
        BackgroundReview.objects.create(
            kind="internal",
            subject_member=member,
            candidate_name="Both",
            case_number="X",
            reviewer=reviewer,
            opened_at=timezone.now(),
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        BackgroundReview.objects.create(
            kind="background", candidate_name="", case_number="X", reviewer=reviewer, opened_at=timezone.now()
        )


def test_e1_a_member_cannot_review_themselves(api):
    """E1: the reviewer may not be the member under review — 400 on subject_member, nothing written;
    the database refuses it too."""
    me = ia()
    api.force_authenticate(me)
    before = _counts()
    resp = api.post(
        API, {"kind": "internal", "subject_member": me.username, "case_number": "IA-1"}, format="json"
    )
    assert resp.status_code == 400
    assert resp.json()["fields"]["subject_member"] == ["A member cannot review themselves (E1)."]
    assert _counts() == before
    with pytest.raises(IntegrityError), transaction.atomic():
        BackgroundReview.objects.create(
            kind="internal", subject_member=me, case_number="X", reviewer=me, opened_at=timezone.now()
        )


# --- who sees -----------------------------------------------------------------------------------------


def test_e1_reviewer_internal_affairs_and_auditors_see_it_everyone_else_gets_404(case, api, client):
    """E1 (style rules 5, 6): the reviewer, internal affairs and auditors read the review; every other
    member — the member under review first of all — gets 404 from every page and API endpoint, and an
    empty list."""
    review = case["review"]
    for label, member in {
        "reviewer": case["reviewer"],
        "ia": case["other_ia"],
        "auditor": case["auditor"],
    }.items():
        api.force_authenticate(member)
        resp = api.get(f"{API}{review.pk}/")
        assert resp.status_code == 200 and resp.json()["case_number"] == "IA-26-7", label
        assert api.get(API).json()["count"] == 1, label
        client.force_login(member)
        assert client.get(f"/investigations/reviews/{review.pk}/").status_code == 200, label
        assert "IA-26-7" in client.get("/investigations/reviews/").content.decode(), label
    for label, member in case["outsiders"].items():
        api.force_authenticate(member)
        assert api.get(f"{API}{review.pk}/").status_code == 404, label
        for action, body in (("entries", entry_data()), ("close", {"conclusion": "x"})):
            resp = api.post(f"{API}{review.pk}/{action}/", body, format="json")
            assert resp.status_code == 404, (label, action)
            assert resp.json() == {"code": "not_found", "message": "Not found.", "fields": {}}
        assert api.get(API).json()["count"] == 0, label
        client.force_login(member)
        assert client.get(f"/investigations/reviews/{review.pk}/").status_code == 404, label
        assert client.post(f"/investigations/reviews/{review.pk}/entries/", {}).status_code == 404, label
        assert client.post(f"/investigations/reviews/{review.pk}/close/", {}).status_code == 404, label
        assert "IA-26-7" not in client.get("/investigations/reviews/").content.decode(), label
    assert api.get(f"{API}999999/").status_code == 404
    assert review.entries.count() == 0 and BackgroundReview.objects.get().status == "open"


def test_e1_the_member_under_review_never_sees_it_even_in_internal_affairs(api):
    """E1: a member of internal affairs who is the subject of an internal review gets 404 for it."""
    subject_in_ia = ia()
    review = services.background_review_open(
        actor=ia(), data={"kind": "internal", "subject_member": subject_in_ia.username, "case_number": "IA-2"}
    )
    api.force_authenticate(subject_in_ia)
    assert api.get(f"{API}{review.pk}/").status_code == 404
    assert api.get(API).json()["count"] == 0
    assert not BackgroundReview.objects.visible_to(subject_in_ia).exists()
    with pytest.raises(NotPermitted):
        services.background_review_add_entry(review=review, actor=subject_in_ia, data=entry_data())


def test_e1_auditors_read_but_may_not_record_or_close(case, api, client):
    """E1 (style rule 6): visible but not theirs to act on → 403, nothing written."""
    review, auditor = case["review"], case["auditor"]
    api.force_authenticate(auditor)
    assert api.post(f"{API}{review.pk}/entries/", entry_data(), format="json").status_code == 403
    assert api.post(f"{API}{review.pk}/close/", {"conclusion": "done"}, format="json").status_code == 403
    client.force_login(auditor)
    page = client.get(f"/investigations/reviews/{review.pk}/").content.decode()
    assert "Add what was viewed" not in page
    resp = client.post(f"/investigations/reviews/{review.pk}/close/", {"conclusion": "done"})
    assert resp.status_code == 403
    assert not review.entries.exists() and BackgroundReview.objects.get().status == "open"


# --- the credential screen ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "the candidate posted a photo of a pin badge",
        "Posted about a lost password and being locked out of the account",
        "Verification: compared the photos with DMV records",
        "https://www.instagram.com/accounts/login/?next=/jdoe/",
        "Opinion piece shared publicly; the secretary of the club commented",
        "Spinning class: photos of the candidate at the gym",
        "Session: second interview with the candidate",
    ],
)
def test_e1_ordinary_words_are_not_credentials_hppd_iv_c_v_c(text):
    """HPPD IV.C, V.C; 820 ILCS 55/10: no false positives on ordinary words in descriptions."""
    assert not looks_like_credential_value(text)


@pytest.mark.parametrize(
    "text",
    [
        "password: hunter2",
        "Password = hunter2",
        "login: jdoe1990",
        "pw=abc123",
        "PIN: 4471",
        "fb pass: letmein",
        "2FA code: 123456",
        "security answer: fluffy",
        "user_name=jdoe",
        "https://jdoe:hunter2@www.facebook.com/jdoe",
        "https://example.com/p?access_token=abc",
        "sessionid=abcdef",
    ],
)
def test_e1_credential_values_are_recognised_hppd_iv_c_v_c(text):
    """HPPD IV.C, V.C; 820 ILCS 55/10(b)(1): a value holding a password or login is refused."""
    assert looks_like_credential_value(text)


@pytest.mark.parametrize(
    "name",
    [
        "password",
        "passwd",
        "pwd",
        "userPassword",
        "pin",
        "login",
        "loginName",
        "username",
        "user_name",
        "credentials",
        "secret",
        "api_key",
        "access_token",
        "otp",
        "2fa_code",
        "mfa",
        "security_question",
        "securityAnswer",
        "session_cookie",
        "sessionid",
    ],
)
def test_e1_credential_field_names_are_recognised_hppd_iv_c_v_c(name):
    """HPPD IV.C, V.C; 820 ILCS 55/10(b)(1)."""
    assert looks_like_credential_name(name)


@pytest.mark.parametrize(
    "name",
    [
        "url",
        "platform",
        "description",
        "viewed_at",
        "validation_method",
        "validation_note",
        "public_domain",
        "kind",
        "subject_member",
        "candidate_name",
        "case_number",
        "conclusion",
        "csrfmiddlewaretoken",
        "opinion",
        "passenger",
        "possession",
        "secretary",
        "spinning",
    ],
)
def test_e1_ordinary_field_names_pass_hppd_iv_c_v_c(name):
    """HPPD IV.C, V.C: the portal's own fields and ordinary words are not mistaken for credentials."""
    assert not looks_like_credential_name(name)


OPEN_BODY = {"kind": "background", "candidate_name": "Jordan Applicant", "case_number": "BG-26-12"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**OPEN_BODY, "password": "hunter2"}, "password"),
        ({**OPEN_BODY, "candidateLogin": "jdoe"}, "candidateLogin"),
        (
            {**OPEN_BODY, "extra": {"accounts": [{"platform": "x", "user_name": "jdoe"}]}},
            "extra.accounts.0.user_name",
        ),
        ({**OPEN_BODY, "notes": "Candidate volunteered: password: hunter2"}, "notes"),
        ({**OPEN_BODY, "candidate_name": "Jordan Applicant pw=abc123"}, "candidate_name"),
        ({**OPEN_BODY, "attachment": {"filename": "x", "password": "hunter2"}}, "attachment.password"),
        ({**OPEN_BODY, "attachment": {"filename": "jdoe_facebook_password.txt"}}, "attachment.filename"),
    ],
)
def test_e1_api_refuses_credentials_when_opening_and_writes_nothing_hppd_iv_c_v_c(api, body, field):
    """E1; HPPD IV.C, V.C; 820 ILCS 55/10(b)(1): a credential-like key anywhere in the JSON body (top
    level, nested, unknown extras, attachment metadata) or a credential-like value → 400 naming the field,
    citing the statute; no review, no entry, no audit event."""
    api.force_authenticate(ia())
    before = _counts()
    resp = api.post(API, body, format="json")
    assert resp.status_code == 400, resp.json()
    payload = resp.json()
    assert payload["code"] == "credential_refused"
    assert field in payload["fields"] and field in payload["message"]
    assert "820 ILCS 55/10(b)(1)" in payload["message"] and "820 ILCS 55/10" in payload["fields"][field][0]
    assert "hunter2" not in resp.content.decode()  # never echoed back
    assert _counts() == before


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"password": "hunter2"}, "password"),
        ({"subject_credentials": {"platform": "facebook", "value": "x"}}, "subject_credentials"),
        (
            {"meta": {"security": {"answer": "x", "security_answer": "fluffy"}}},
            "meta.security.security_answer",
        ),
        ({"description": "Candidate wrote it down for us — password: hunter2"}, "description"),
        ({"validation_note": "logged in with login: jdoe"}, "validation_note"),
        ({"url": "https://jdoe:hunter2@www.facebook.com/jdoe"}, "url"),
        ({"attachment": {"filename": "x", "password": "hunter2"}}, "attachment.password"),
        ({"attachments": [{"name": "instagram_login.png", "type": "image/png"}]}, "attachments.0.name"),
    ],
)
def test_e1_api_refuses_credentials_in_entries_and_writes_nothing_hppd_iv_c_v_c(case, api, overrides, field):
    """E1; HPPD IV.C, V.C; 820 ILCS 55/10(b)(1): what was viewed never carries a password or login."""
    review = case["review"]
    api.force_authenticate(case["reviewer"])
    before = _counts()
    resp = api.post(f"{API}{review.pk}/entries/", entry_data(**overrides), format="json")
    assert resp.status_code == 400, resp.json()
    assert resp.json()["code"] == "credential_refused" and field in resp.json()["fields"]
    assert "820 ILCS 55/10" in resp.json()["message"] and "hunter2" not in resp.content.decode()
    assert _counts() == before


def test_e1_api_refuses_an_uploaded_file_named_like_a_credential_hppd_iv_c_v_c(case, api):
    """E1; HPPD IV.C, V.C; 820 ILCS 55/10(b)(1): the name of an uploaded file is screened too (the portal
    keeps no attachments for reviews, but refuses one that announces a login)."""
    review = case["review"]
    api.force_authenticate(case["reviewer"])
    before = _counts()
    body = {**entry_data(), "public_domain": "true"}
    body["attachment"] = SimpleUploadedFile("jdoe_instagram_password.txt", b"x", content_type="text/plain")
    resp = api.post(f"{API}{review.pk}/entries/", body, format="multipart")
    assert resp.status_code == 400 and "attachment.filename" in resp.json()["fields"]
    assert _counts() == before


def test_e1_api_refuses_a_credential_in_the_conclusion_hppd_iv_c(case, api):
    """E1; HPPD IV.C; 820 ILCS 55/10(b)(1): closing is screened like every other write."""
    review = case["review"]
    api.force_authenticate(case["reviewer"])
    resp = api.post(f"{API}{review.pk}/close/", {"conclusion": "Done.", "token": "abc"}, format="json")
    assert resp.status_code == 400 and "token" in resp.json()["fields"]
    assert BackgroundReview.objects.get().status == "open"


def test_e1_ordinary_description_with_pin_badge_is_recorded_hppd_v_b(case, api):
    """E1; HPPD V.B: an ordinary entry — with its validation — is recorded (no false positive)."""
    review = case["review"]
    api.force_authenticate(case["reviewer"])
    resp = api.post(f"{API}{review.pk}/entries/", entry_data(), format="json")
    assert resp.status_code == 201, resp.json()
    assert resp.json()["validation_method"] == "cross_reference" and resp.json()["public_domain"] is True
    assert resp.json()["recorded_by"] == case["reviewer"].username
    assert "pin badge" in ReviewEntry.objects.get().description


def test_e1_entries_need_validation_and_the_public_domain_attestation_hppd_iv_a_v_a_v_b(case, api):
    """E1; HPPD V.B (every effort to validate), HPPD IV.A, V.A (public domain only); a public http(s)
    address; 400 naming each field."""
    review = case["review"]
    api.force_authenticate(case["other_ia"])
    body = entry_data(
        public_domain=False, validation_method="gut_feeling", validation_note="", url="javascript:alert(1)"
    )
    resp = api.post(f"{API}{review.pk}/entries/", body, format="json")
    assert resp.status_code == 400
    fields = resp.json()["fields"]
    assert {"public_domain", "validation_method", "validation_note", "url"} <= set(fields)
    assert "HPPD V.B" in fields["validation_note"][0] and "HPPD IV.A" in fields["public_domain"][0]
    assert not ReviewEntry.objects.exists()
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewEntry.objects.create(
            review=review,
            url="https://x.test/",
            platform="x",
            description="x",
            viewed_at=timezone.now(),
            recorded_by=case["reviewer"],
            recorded_at=timezone.now(),
            validation_method="cross_reference",
            validation_note="x",
            public_domain=False,
        )


# --- transitions and audit -----------------------------------------------------------------------------


def test_e1_nothing_may_be_added_to_a_closed_review_and_it_closes_once(case, api):
    """E1 (style rule 2): adding to a closed review and closing twice are illegal transitions → 409."""
    review, reviewer = case["review"], case["reviewer"]
    api.force_authenticate(reviewer)
    resp = api.post(
        f"{API}{review.pk}/close/", {"conclusion": "Nothing of concern in public content."}, format="json"
    )
    assert resp.status_code == 200 and resp.json()["status"] == "closed" and resp.json()["closed_at"]
    resp = api.post(f"{API}{review.pk}/entries/", entry_data(), format="json")
    assert resp.status_code == 409 and resp.json()["code"] == "illegal_transition"
    resp = api.post(f"{API}{review.pk}/close/", {"conclusion": "again"}, format="json")
    assert resp.status_code == 409 and resp.json()["code"] == "illegal_transition"
    with pytest.raises(Conflict):
        services.background_review_add_entry(review=review, actor=reviewer, data=entry_data())
    with pytest.raises(IllegalTransition):
        services.background_review_close(review=review, actor=reviewer, data={"conclusion": "again"})
    assert not ReviewEntry.objects.exists()
    assert BackgroundReview.objects.get().conclusion == "Nothing of concern in public content."


def test_e1_every_write_is_audited_as_restricted_in_the_same_transaction(case):
    """E1 (style rule 4): opened, entry added and closed each leave a restricted audit event by the actor."""
    review, reviewer = case["review"], case["reviewer"]
    entry = services.background_review_add_entry(review=review, actor=case["other_ia"], data=entry_data())
    services.background_review_close(review=review, actor=reviewer, data={"conclusion": "Closed."})
    events = AuditEvent.objects.for_object(review).order_by("id")
    assert [(e.action, e.actor_id) for e in events] == [
        ("background_review.opened", reviewer.pk),
        ("background_review.entry_added", case["other_ia"].pk),
        ("background_review.closed", reviewer.pk),
    ]
    assert {e.sensitivity for e in events} == {"restricted"}
    assert events[1].after["entry"] == entry.pk
    assert (
        not AuditEvent.objects.visible_to(case["subject"])
        .filter(object_type="investigations.backgroundreview", object_id=str(review.pk))
        .exists()
    )


def test_e1_service_refusals_raise_before_writing(case):
    """E1; HPPD IV.C, V.C; 820 ILCS 55/10: the services are the one path — direct callers are screened."""
    outsider = f.MemberFactory()
    before = _counts()
    with pytest.raises(InvalidInput) as refused:
        services.background_review_add_entry(
            review=case["review"], actor=case["reviewer"], data=entry_data(pwd="hunter2")
        )
    assert refused.value.code == "credential_refused" and "pwd" in refused.value.fields
    with pytest.raises(NotPermitted):
        services.background_review_open(actor=outsider, data=OPEN_BODY)
    assert _counts() == before


def test_e1_list_query_count_does_not_grow_with_rows(api, django_assert_max_num_queries):
    """E1 (style rule 14): the list is a constant number of queries, whatever the number of reviews."""
    reviewer, auditor = ia(), f.MemberFactory(roles=[Role.AUDITOR])

    def add(n: int) -> None:
        for i in range(n):
            member = f.MemberFactory()
            review = services.background_review_open(
                actor=reviewer,
                data={"kind": "internal", "subject_member": member.username, "case_number": f"C{i}"},
            )
            services.background_review_add_entry(review=review, actor=reviewer, data=entry_data())

    add(2)
    api.force_authenticate(auditor)
    with django_assert_max_num_queries(8) as small:
        assert api.get(API).json()["count"] == 2
    add(12)
    with django_assert_max_num_queries(len(small.captured_queries)):
        resp = api.get(API)
    assert resp.json()["count"] == 14
    assert all(len(row["entries"]) == 1 for row in resp.json()["results"])


# --- browser pages ------------------------------------------------------------------------------------


def test_e1_browser_open_record_and_close_with_the_notice_hppd_iv_a_v_a_v_b(client):
    """E1: the pages show the notice on every form; a review is opened, an entry recorded and the review
    closed through the same services as the API."""
    reviewer = ia()
    client.force_login(reviewer)
    index = client.get("/investigations/reviews/").content.decode()
    assert NOTICE in index and "Open a review" in index
    assert NOTICE in client.get("/investigations/reviews/new/").content.decode()
    resp = client.post(
        "/investigations/reviews/new/",
        {"kind": "background", "candidate_name": "Jordan Applicant", "case_number": "BG-26-13"},
    )
    review = BackgroundReview.objects.get()
    assert resp.status_code == 302 and resp["Location"] == f"/investigations/reviews/{review.pk}/"
    page = client.get(f"/investigations/reviews/{review.pk}/").content.decode()
    assert "Add what was viewed" in page and page.count(NOTICE) >= 2
    form = {**entry_data(public_domain="on"), "viewed_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")}
    resp = client.post(f"/investigations/reviews/{review.pk}/entries/", form)
    assert resp.status_code == 302 and review.entries.count() == 1
    resp = client.post(
        f"/investigations/reviews/{review.pk}/close/", {"conclusion": "Validated; no concern."}
    )
    assert resp.status_code == 302
    review.refresh_from_db()
    assert review.status == "closed"
    resp = client.post(f"/investigations/reviews/{review.pk}/entries/", form)
    assert resp.status_code == 409 and review.entries.count() == 1


def test_e1_browser_refuses_credentials_with_400_next_to_the_field_hppd_iv_c_v_c(case, client):
    """E1; HPPD IV.C, V.C; 820 ILCS 55/10(b)(1): the form refuses a credential value next to its field,
    an extra posted key and an uploaded file's name — status 400, nothing saved."""
    review = case["review"]
    client.force_login(case["reviewer"])
    url = f"/investigations/reviews/{review.pk}/entries/"
    form = {**entry_data(public_domain="on"), "viewed_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")}
    before = _counts()
    resp = client.post(url, {**form, "description": "Candidate offered it: password: hunter2"})
    assert resp.status_code == 400
    body = resp.content.decode()
    assert 'id="id_description-error"' in body and "820 ILCS 55/10(b)(1)" in body
    assert "hunter2" not in body  # not even handed back in the re-rendered form
    resp = client.post(url, {**form, "login": "jdoe"})
    assert resp.status_code == 400 and "Refused: login" in resp.content.decode()
    upload = SimpleUploadedFile("facebook_login_details.txt", b"x", content_type="text/plain")
    resp = client.post(url, {**form, "capture": upload})
    assert resp.status_code == 400 and "capture.filename" in resp.content.decode()
    resp = client.post(
        "/investigations/reviews/new/",
        {"kind": "background", "candidate_name": "J", "case_number": "BG-1", "candidate_username": "jdoe"},
    )
    assert resp.status_code == 400 and "820 ILCS 55/10" in resp.content.decode()
    assert _counts() == before


def test_e1_browser_forbidden_and_self_review_hppd_iv(client):
    """E1: members outside internal affairs and command may not open a review (403); nobody reviews
    themselves (400 on the subject field)."""
    client.force_login(f.MemberFactory())
    assert client.get("/investigations/reviews/new/").status_code == 403
    assert client.post("/investigations/reviews/new/", OPEN_BODY).status_code == 403
    assert "Open a review" not in client.get("/investigations/reviews/").content.decode()
    me = f.MemberFactory(roles=[Role.COMMAND])
    client.force_login(me)
    resp = client.post(
        "/investigations/reviews/new/",
        {"kind": "internal", "subject_member": me.username, "case_number": "IA-3"},
    )
    assert resp.status_code == 400 and 'id="id_subject_member-error"' in resp.content.decode()
    assert not BackgroundReview.objects.exists()


def test_e1_openapi_components_have_no_password_like_field():
    """E1; 820 ILCS 55/10: no serializer field of the review API names a credential."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert "/api/v1/background-reviews/{id}/entries/" in schema["paths"]
    components = {
        k: v for k, v in schema["components"]["schemas"].items() if k.startswith("BackgroundReview")
    }
    assert {"BackgroundReview", "BackgroundReviewRequest", "BackgroundReviewEntry"} <= set(components)
    for name, component in components.items():
        for prop in component.get("properties", {}):
            assert not looks_like_credential_name(prop), (name, prop)
