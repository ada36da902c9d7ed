"""Every write about alias authorizations, their use log, third-party account requests and criminal
intelligence (policy-map C1–C8). Audit events here are RESTRICTED: only the need-to-know audience and
auditors read them (C8)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accounts.models import (
    AccessAuthorization,
    DepartmentDevice,
    Member,
    PolicyProfile,
    Power,
    Role,
    TrainingKind,
)
from accounts.notifications import notify
from accounts.services import require_directive_acknowledged
from audit.models import Sensitivity
from audit.services import audit_record
from policy_portal import clock
from policy_portal.errors import Conflict, InvalidInput, NotPermitted
from policy_portal.workflow import require_transition

from .credentials import refuse_credentials
from .models import (
    AliasAuthorization,
    AuthorizationStatus,
    BackgroundReview,
    DeconflictionNotice,
    EngagementLevel,
    IntelligenceItem,
    IntelligenceReview,
    PlannedActivity,
    ReviewEntry,
    ReviewKind,
    ReviewStatus,
    ThirdPartyAccountRequest,
    UseBasis,
    UseLogEntry,
    ValidationMethod,
)

S = AuthorizationStatus
RESTRICTED = Sensitivity.RESTRICTED
NEEDS_AUTHORIZATION = {
    PlannedActivity.CREATE_ALIAS,
    PlannedActivity.CONTACT_SUSPECT,
    PlannedActivity.JOIN_DISCUSSION,
}


def _audit(
    action: str,
    actor: Any,
    obj: Any,
    *,
    before: dict | None = None,
    after: dict | None = None,
    now: datetime | None = None,
) -> None:
    audit_record(
        action=action, actor=actor, obj=obj, before=before, after=after, sensitivity=RESTRICTED, now=now
    )


def _url(auth: AliasAuthorization) -> str:
    return reverse("alias-detail", args=[auth.pk])


def _text(
    data: dict[str, Any], name: str, errors: dict[str, list[str]], *, required: bool = True, limit: int = 5000
) -> str:
    value = str(data.get(name) or "").replace("\x00", "").strip()
    if required and not value:
        errors[name] = ["This field is required."]
    elif len(value) > limit:
        errors[name] = [f"At most {limit} characters."]
    return value[:limit]


def _date(data: dict[str, Any], name: str, errors: dict[str, list[str]]) -> date | None:
    value = data.get(name)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            value = None
    if not isinstance(value, date):
        errors[name] = ["Give a date (YYYY-MM-DD)."]
        return None
    return value


# --- requesting --------------------------------------------------------------------------------------


def alias_request(
    *,
    actor: Member,
    data: dict[str, Any],
    on_duty: bool,
    now: datetime | None = None,
    renewal_of: AliasAuthorization | None = None,
) -> AliasAuthorization:
    """Request an alias authorization. BPD 3.c: covert use needs current Internet-investigations
    training and an articulated purpose; CPD IV.D.1: never solely on First-Amendment activity; BPD
    (off duty): no undercover accounts created off duty; C4: a fixed term within the profile's maximum."""
    if not actor.in_role(Role.INVESTIGATOR):
        raise NotPermitted("Only investigators request alias authorizations.")
    require_directive_acknowledged(actor, activity="requesting alias accounts")
    now = now or clock.now()
    profile = PolicyProfile.objects.current()
    errors: dict[str, list[str]] = {}
    cleaned = {
        "platform": _text(data, "platform", errors, limit=60),
        "alias_handle": _text(data, "alias_handle", errors, limit=150),
        "alias_identity": _text(data, "alias_identity", errors, required=False),
        "case_number": _text(data, "case_number", errors, limit=40),
        "purpose": _text(data, "purpose", errors),
        "target_description": _text(data, "target_description", errors),
        "target_handles": _text(data, "target_handles", errors, required=False),
    }
    level = data.get("engagement_level")
    if level not in EngagementLevel.values:
        errors["engagement_level"] = [f"Choose one of: {', '.join(EngagementLevel.values)}."]
    activities = data.get("planned_activities") or []
    if not isinstance(activities, list) or any(a not in PlannedActivity.values for a in activities):
        errors["planned_activities"] = [f"Choose from: {', '.join(PlannedActivity.values)}."]
        activities = []
    if level != EngagementLevel.COVERT and set(activities) & NEEDS_AUTHORIZATION:
        errors["engagement_level"] = [
            "Creating an alias, contacting a suspect or joining a discussion is covert "
            "use (BPD Inv. uses 3.c, CPD IV.D.4)."
        ]
    if data.get("first_amendment_attestation") is not True:
        errors["first_amendment_attestation"] = [
            "Attest that the monitoring is not based solely on political, "
            "religious or other First-Amendment activity (CPD IV.D.1)."
        ]
    starts_on, ends_on = _date(data, "starts_on", errors), _date(data, "ends_on", errors)
    if starts_on and ends_on:
        if ends_on < starts_on:
            errors["ends_on"] = ["The term must end on or after its start."]
        elif (ends_on - starts_on).days > profile.covert_max_term_days:
            errors["ends_on"] = [f"The term may be at most {profile.covert_max_term_days} days (profile)."]
        if ends_on < clock.today():
            errors["ends_on"] = ["The term has already ended."]
    if errors:
        raise InvalidInput("The request has invalid fields.", fields=errors)
    if level == EngagementLevel.COVERT:
        if not actor.has_current_training(TrainingKind.INTERNET_INVESTIGATIONS, on=starts_on):
            raise NotPermitted(
                "Covert use requires current training in Internet investigations / cybercrime "
                "(BPD Inv. uses 3.c). Your record shows none.",
                code="training_required",
                fields={"engagement_level": ["No current Internet-investigations training."]},
            )
        if not on_duty:
            raise NotPermitted(
                "Off-duty members may not create undercover accounts (BPD, off-duty paragraph).",
                code="off_duty",
                fields={"on_duty": ["Request covert use while on duty."]},
            )
    with transaction.atomic():
        auth = AliasAuthorization.objects.create(
            requester=actor,
            unit=actor.unit,
            engagement_level=level,
            planned_activities=sorted(set(activities)),
            first_amendment_attestation=True,
            starts_on=starts_on,
            ends_on=ends_on,
            requested_at=now,
            renewal_of=renewal_of,
            **cleaned,
        )
        _audit(
            "alias.requested",
            actor,
            auth,
            after={
                "status": auth.status,
                "level": level,
                "renewal_of": renewal_of.pk if renewal_of else None,
            },
            now=now,
        )
        authorizers = [m for m in Member.objects.with_power(Power.AUTHORIZE_COVERT) if m.pk != actor.pk]
        notify(
            authorizers, subject=f"Alias authorization awaiting decision: #{auth.pk}", url=_url(auth), now=now
        )
        _deconflict(auth, now)
    return auth


def _deconflict(auth: AliasAuthorization, now: datetime) -> None:
    """Beyond the anchors: the same handle in another unit's active authorization. Both authorizers learn
    that a conflict exists and whom to call — never the other case's details."""
    mine = auth.handles_for_deconfliction()
    if not mine:
        return
    others = (
        AliasAuthorization.objects.filter(status=S.APPROVED)
        .exclude(unit=auth.unit)
        .select_related("decided_by", "unit")
    )
    for other in others:
        if not (other.handles_for_deconfliction() & mine):
            continue
        try:
            with transaction.atomic():
                DeconflictionNotice.objects.create(
                    new_authorization=auth, existing_authorization=other, created_at=now
                )
        except IntegrityError:
            continue
        other_contact = other.decided_by
        contact = (
            f"{other_contact} ({other_contact.email})" if other_contact else "the other unit's authorizer"
        )
        mine_authorizers = [
            m for m in Member.objects.with_power(Power.AUTHORIZE_COVERT) if m.pk != auth.requester_id
        ]
        notify(
            mine_authorizers + [auth.requester],
            subject=f"Deconfliction: request #{auth.pk} overlaps another unit's active authorization",
            body=f"Call {contact} before proceeding.",
            url=_url(auth),
            now=now,
        )
        if other_contact:
            notify(
                [other_contact],
                subject=f"Deconfliction: your authorization #{other.pk} overlaps a new request",
                body=f"Call {auth.requester} ({auth.requester.email}) before proceeding.",
                url=_url(other),
                now=now,
            )
        # The notice row (auditors) links both; the event on this request says only that a conflict exists.
        _audit("alias.deconfliction", None, auth, after={"conflict_with_other_unit": True}, now=now)


def _archive(auth: AliasAuthorization, now: datetime) -> None:
    """D1 for covert work: when an authorization ends, it and its use log are archived under the
    investigations audience (need to know, C8) — invisible to the records office and FOIA packages."""
    from retention.models import Audience
    from retention.services import archive_capture

    uses = [
        {
            "at": u.occurred_at,
            "device": u.device.asset_tag,
            "basis": u.basis,
            "activity": u.activity,
            "leads": u.leads_forwarded_to,
            "report": u.report_number,
        }
        for u in auth.uses.select_related("device")
    ]
    content = {
        "authorization": auth.pk,
        "case_number": auth.case_number,
        "platform": auth.platform,
        "alias_handle": auth.alias_handle,
        "engagement_level": auth.engagement_level,
        "purpose": auth.purpose,
        "target_description": auth.target_description,
        "term": [auth.starts_on, auth.ends_on],
        "status": auth.status,
        "authority": auth.authority,
        "uses": uses,
    }
    archive_capture(
        kind="alias_authorization",
        source=auth,
        title=f"Alias authorization #{auth.pk}",
        content=content,
        text=auth.purpose,
        series_code="investigative-social-media",
        audience=Audience.INVESTIGATIONS,
        case_number=auth.case_number,
        now=now,
    )


# --- deciding ----------------------------------------------------------------------------------------


def _authority(actor: Member) -> str:
    """CPD IV.D.4.a–b, BPD Inv. uses 3.c (C2): only the profile's named positions authorize."""
    position = actor.position_with_power(Power.AUTHORIZE_COVERT) if actor.is_active else None
    if position is None:
        raise NotPermitted(
            "Only the positions named in the policy profile may authorize covert use "
            "(CPD IV.D.4.a–b, BPD Inv. uses 3.c).",
            code="not_an_authorizer",
        )
    return f"{position.title} ({position.clause})" if position.clause else position.title


def _locked(auth: AliasAuthorization) -> AliasAuthorization:
    return AliasAuthorization.objects.select_for_update().get(pk=auth.pk)


def alias_approve(
    *, auth: AliasAuthorization, actor: Member, note: str = "", now: datetime | None = None
) -> AliasAuthorization:
    """C2: a named authorizer approves, never the requester."""
    authority = _authority(actor)
    if auth.requester_id == actor.pk:
        raise NotPermitted(
            "The requester may not authorize their own request (C2).", code="requester_cannot_approve"
        )
    now = now or clock.now()
    with transaction.atomic():
        auth = _locked(auth)
        require_transition(
            AliasAuthorization.TRANSITIONS, auth.status, S.APPROVED, noun="authorization", verb="approve"
        )
        auth.status, auth.decided_by, auth.decided_at = S.APPROVED, actor, now
        auth.authority, auth.decision_note = authority, note.strip()
        auth.save(update_fields=["status", "decided_by", "decided_at", "authority", "decision_note"])
        _audit(
            "alias.approved",
            actor,
            auth,
            before={"status": S.REQUESTED},
            after={"status": auth.status, "authority": authority, "note": auth.decision_note},
            now=now,
        )
        notify([auth.requester], subject=f"Alias authorization #{auth.pk} approved", url=_url(auth), now=now)
    return auth


def _end(
    auth: AliasAuthorization,
    actor: Member | None,
    target: str,
    verb: str,
    reason: str,
    now: datetime | None,
    *,
    allow_requester: bool = False,
) -> AliasAuthorization:
    if actor is not None and not (allow_requester and auth.requester_id == actor.pk):
        _authority(actor)
    reason = (reason or "").replace("\x00", "").strip()
    if not reason:
        raise InvalidInput.for_field("reason", "Give a reason.")
    now = now or clock.now()
    with transaction.atomic():
        auth = _locked(auth)
        require_transition(
            AliasAuthorization.TRANSITIONS, auth.status, target, noun="authorization", verb=verb
        )
        before = auth.status
        auth.status, auth.ended_at, auth.decision_note = target, now, reason
        if target == S.REJECTED:
            auth.decided_by, auth.decided_at = actor, now
        auth.save(update_fields=["status", "ended_at", "decision_note", "decided_by", "decided_at"])
        _audit(
            f"alias.{target}",
            actor,
            auth,
            before={"status": before},
            after={"status": target, "reason": reason},
            now=now,
        )
        _archive(auth, now)
        people = [auth.requester] + ([auth.decided_by] if auth.decided_by else [])
        notify(
            [p for p in people if actor is None or p.pk != actor.pk],
            subject=f"Alias authorization #{auth.pk} {AuthorizationStatus(target).label.lower()}",
            body=reason,
            url=_url(auth),
            now=now,
        )
    return auth


def alias_reject(*, auth: AliasAuthorization, actor: Member, reason: str, now: datetime | None = None):  # type: ignore[no-untyped-def]
    if auth.requester_id == actor.pk:
        raise NotPermitted("The requester may not decide their own request (C2).")
    return _end(auth, actor, S.REJECTED, "reject", reason, now)


def alias_revoke(*, auth: AliasAuthorization, actor: Member, reason: str, now: datetime | None = None):  # type: ignore[no-untyped-def]
    """C4: an authorization can be revoked by an authorizer at any time."""
    return _end(auth, actor, S.REVOKED, "revoke", reason, now)


def alias_close(*, auth: AliasAuthorization, actor: Member, reason: str, now: datetime | None = None):  # type: ignore[no-untyped-def]
    """The investigation no longer needs it: the requester or an authorizer closes it."""
    return _end(auth, actor, S.CLOSED, "close", reason, now, allow_requester=True)


def alias_renew(
    *,
    auth: AliasAuthorization,
    actor: Member,
    starts_on: Any,
    ends_on: Any,
    on_duty: bool,
    now: datetime | None = None,
) -> AliasAuthorization:
    """C4: renewal is a new request that needs a new approval; the old one runs out as it would."""
    auth = AliasAuthorization.objects.get(pk=auth.pk)
    if auth.requester_id != actor.pk:
        raise NotPermitted("Only the requester renews an authorization.")
    if auth.status not in (S.APPROVED, S.EXPIRED):
        raise Conflict(
            "Only an active or expired authorization can be renewed.",
            code="illegal_transition",
            fields={"status": [auth.status]},
        )
    data = {
        f: getattr(auth, f)
        for f in (
            "platform",
            "alias_handle",
            "alias_identity",
            "engagement_level",
            "case_number",
            "purpose",
            "target_description",
            "target_handles",
            "planned_activities",
        )
    }
    data.update(first_amendment_attestation=True, starts_on=starts_on, ends_on=ends_on)
    return alias_request(actor=actor, data=data, on_duty=on_duty, now=now, renewal_of=auth)


# --- the periodic sweep ------------------------------------------------------------------------------


def alias_expire_due(*, now: datetime | None = None) -> dict[str, list[int]]:
    """C4: expire every approved authorization whose term has ended, and warn ahead of it. Driven by
    database state: a worker that was down for days expires everything overdue on its next run, each
    once (conditional UPDATE claims the row)."""
    now = now or clock.now()
    today = timezone.localdate(now)
    profile = PolicyProfile.objects.current()
    expired, warned = [], []
    for pk in list(
        AliasAuthorization.objects.filter(status=S.APPROVED, ends_on__lt=today).values_list("pk", flat=True)
    ):
        with transaction.atomic():
            if not AliasAuthorization.objects.filter(pk=pk, status=S.APPROVED).update(
                status=S.EXPIRED, ended_at=now
            ):
                continue
            auth = AliasAuthorization.objects.select_related("requester", "decided_by").get(pk=pk)
            _audit(
                "alias.expired",
                None,
                auth,
                before={"status": S.APPROVED},
                after={"status": S.EXPIRED, "ends_on": auth.ends_on},
                now=now,
            )
            notify(
                [m for m in (auth.requester, auth.decided_by) if m],
                subject=f"Alias authorization #{pk} expired",
                body="Its term ended; renew it as a new request if the investigation still needs it.",
                url=_url(auth),
                now=now,
            )
            expired.append(pk)
    horizon = today + timedelta(days=profile.covert_expiry_warning_days)
    soon = AliasAuthorization.objects.filter(
        status=S.APPROVED, ends_on__lte=horizon, ends_on__gte=today, expiry_warned_at__isnull=True
    )
    for pk in list(soon.values_list("pk", flat=True)):
        with transaction.atomic():
            if not AliasAuthorization.objects.filter(pk=pk, expiry_warned_at__isnull=True).update(
                expiry_warned_at=now
            ):
                continue
            auth = AliasAuthorization.objects.select_related("requester", "decided_by").get(pk=pk)
            notify(
                [m for m in (auth.requester, auth.decided_by) if m],
                subject=f"Alias authorization #{pk} expires on {auth.ends_on:%Y-%m-%d}",
                url=_url(auth),
                now=now,
            )
            warned.append(pk)
    return {"expired": expired, "warned": warned}


# --- use log (C5) ------------------------------------------------------------------------------------


def _access_authorized(member: Member, when: datetime) -> bool:
    """A5: where the profile requires authorization to access social media from department computers,
    the member holds a current one, individually or by job assignment."""
    kinds = {k["code"] for k in PolicyProfile.objects.current().access_authorization_kinds}
    if "department_computer" not in kinds:
        return True
    day = timezone.localtime(when).date()
    return AccessAuthorization.objects.covering(member, "department_computer", day).exists()


def use_log_record(
    *, auth: AliasAuthorization, actor: Member, data: dict[str, Any], now: datetime | None = None
) -> UseLogEntry:
    """CPD IV.C.1–7, IV.D.2 (C5): on duty, on a registered department device, never a personal account,
    inside the authorized term, with the basis for non-public material and the report it is documented in."""
    if auth.requester_id != actor.pk:
        raise NotPermitted("Only the authorized investigator records uses of this authorization.")
    require_directive_acknowledged(actor, activity="using alias accounts")
    now = now or clock.now()
    errors: dict[str, list[str]] = {}
    occurred_at = data.get("occurred_at") or now
    if not isinstance(occurred_at, datetime):
        errors["occurred_at"] = ["Give a date and time."]
    if data.get("on_duty") is not True:
        errors["on_duty"] = ["Investigative use happens only on duty (CPD IV.C.2)."]
    if data.get("personal_account") is True:
        errors["personal_account"] = [
            "Never use a personal social media account or its information (CPD IV.D.2)."
        ]
    device_id = getattr(data.get("device"), "pk", data.get("device")) or 0
    device = DepartmentDevice.objects.filter(
        pk=device_id, is_active=True, approved_for_investigations=True
    ).first()
    if device is None:
        errors["device"] = ["Use only a registered, department-approved device (CPD IV.C.1)."]
    elif not _access_authorized(actor, occurred_at if isinstance(occurred_at, datetime) else now):
        errors["device"] = [
            "You hold no current authorization to use department computers for social media "
            "(A5: CPD III.C.2, BPD Sanctioned use 4.a, HPPD I.E). Ask your supervisor under Compliance."
        ]
    basis = data.get("basis")
    if basis not in UseBasis.values:
        errors["basis"] = [f"Choose one of: {', '.join(UseBasis.values)}."]
    reference = _text(
        data, "basis_reference", errors, required=basis in (UseBasis.WARRANT, UseBasis.EXIGENT), limit=120
    )
    activity = _text(data, "activity", errors)
    report = _text(data, "report_number", errors, limit=60)
    leads = _text(data, "leads_forwarded_to", errors, required=False, limit=200)
    if errors:
        raise InvalidInput("The use cannot be recorded.", fields=errors)
    with transaction.atomic():
        auth = _locked(auth)
        if auth.status != S.APPROVED:
            raise Conflict(
                f"The authorization is {auth.get_status_display().lower()}: no use may be logged under it.",
                code="not_active",
                fields={"status": [auth.status]},
            )
        day = occurred_at.date() if isinstance(occurred_at, datetime) else now.date()
        if not auth.starts_on <= day <= auth.ends_on:
            raise Conflict(
                "The use falls outside the authorized term (C4).",
                code="outside_term",
                fields={"occurred_at": [f"Term is {auth.starts_on} to {auth.ends_on}."]},
            )
        entry = UseLogEntry.objects.create(
            authorization=auth,
            member=actor,
            occurred_at=occurred_at,
            on_duty=True,
            device=device,
            basis=basis,
            basis_reference=reference,
            activity=activity,
            leads_forwarded_to=leads,
            report_number=report,
            recorded_at=now,
        )
        _audit(
            "alias.use_logged",
            actor,
            auth,
            after={"use": entry.pk, "device": device.asset_tag, "basis": basis, "report": report},
            now=now,
        )
    return entry


# --- third-party accounts (C6) -----------------------------------------------------------------------


def third_party_request(
    *, actor: Member, data: dict[str, Any], now: datetime | None = None
) -> ThirdPartyAccountRequest:
    """CPD IV.D.3: another individual's account only with their consent and the bureau chief's approval."""
    if not actor.in_role(Role.INVESTIGATOR):
        raise NotPermitted("Only investigators make this request.")
    errors: dict[str, list[str]] = {}
    cleaned = {
        n: _text(data, n, errors, limit=300)
        for n in ("case_number", "platform", "account_handle", "account_holder", "consent_record", "purpose")
    }
    consent_on = _date(data, "consent_obtained_on", errors)
    if errors:
        raise InvalidInput("The request has invalid fields.", fields=errors)
    now = now or clock.now()
    with transaction.atomic():
        req = ThirdPartyAccountRequest.objects.create(
            requester=actor, consent_obtained_on=consent_on, requested_at=now, **cleaned
        )
        _audit("third_party.requested", actor, req, after={"case": req.case_number}, now=now)
        notify(
            Member.objects.with_power(Power.APPROVE_THIRD_PARTY_ACCOUNT),
            subject=f"Third-party account request #{req.pk} awaits the bureau chief",
            now=now,
        )
    return req


def third_party_decide(
    *, req: ThirdPartyAccountRequest, actor: Member, approve: bool, note: str, now: datetime | None = None
) -> ThirdPartyAccountRequest:
    if Power.APPROVE_THIRD_PARTY_ACCOUNT not in actor.powers() or req.requester_id == actor.pk:
        raise NotPermitted("Only the appropriate bureau chief decides (CPD IV.D.3), never the requester.")
    now = now or clock.now()
    with transaction.atomic():
        req = ThirdPartyAccountRequest.objects.select_for_update().get(pk=req.pk)
        if req.status != "requested":
            raise Conflict("This request was already decided.", code="illegal_transition")
        req.status = "approved" if approve else "rejected"
        req.decided_by, req.decided_at, req.decision_note = actor, now, (note or "").strip()
        req.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        _audit(f"third_party.{req.status}", actor, req, after={"note": req.decision_note}, now=now)
    return req


# --- criminal intelligence (C7) ----------------------------------------------------------------------


def intelligence_record(
    *, auth: AliasAuthorization, actor: Member, data: dict[str, Any], now: datetime | None = None
) -> IntelligenceItem:
    """28 CFR 23.20(a),(h); BPD Inv. uses 1: on reasonable suspicion, with a review date at most five
    years out (the profile may set less)."""
    if auth.requester_id != actor.pk:
        raise NotPermitted("Only the authorized investigator records intelligence under this authorization.")
    errors: dict[str, list[str]] = {}
    summary = _text(data, "summary", errors)
    predicate = _text(data, "criminal_predicate", errors)
    collected = _date(data, "collected_on", errors)
    if errors:
        raise InvalidInput("The item has invalid fields.", fields=errors)
    years = PolicyProfile.objects.current().intelligence_review_years
    with transaction.atomic():
        item = IntelligenceItem.objects.create(
            authorization=auth,
            summary=summary,
            criminal_predicate=predicate,
            collected_on=collected,
            review_due_on=_years_after(collected, years),
            recorded_by=actor,
        )
        _audit(
            "intelligence.recorded",
            actor,
            auth,
            after={"item": item.pk, "review_due_on": item.review_due_on},
            now=now,
        )
    return item


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def intelligence_review(
    *, item: IntelligenceItem, actor: Member, decision: str, reason: str, now: datetime | None = None
) -> IntelligenceReview:
    """28 CFR 23.20(h): validate and retain (a new review date) or purge; reviewer, date and reason kept."""
    if decision not in ("retain", "purge"):
        raise InvalidInput.for_field("decision", "Choose retain or purge.")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput.for_field("reason", "Give the reason.")
    if not (Power.AUTHORIZE_COVERT in actor.powers() or item.authorization.requester_id == actor.pk):
        raise NotPermitted("Only the investigator or an authorizer reviews intelligence.")
    now = now or clock.now()
    with transaction.atomic():
        item = IntelligenceItem.objects.select_for_update().get(pk=item.pk)
        if item.purged_at:
            raise Conflict("This item was purged.", code="purged")
        review = IntelligenceReview.objects.create(
            item=item, reviewer=actor, reviewed_on=now.date(), decision=decision, reason=reason
        )
        if decision == "purge":
            item.summary, item.criminal_predicate, item.purged_at = "[purged]", "[purged]", now
        else:
            item.review_due_on = _years_after(
                now.date(), PolicyProfile.objects.current().intelligence_review_years
            )
        item.save()
        _audit(
            f"intelligence.{decision}",
            actor,
            item.authorization,
            after={"item": item.pk, "reason": reason, "review_due_on": item.review_due_on},
            now=now,
        )
    return review


def intelligence_due_for_review(
    *, today: date | None = None, within_days: int = 30
) -> list[IntelligenceItem]:
    today = today or clock.today()
    return list(
        IntelligenceItem.objects.filter(
            purged_at__isnull=True, review_due_on__lte=today + timedelta(days=within_days)
        ).select_related("authorization__requester")
    )


def intelligence_remind(*, now: datetime | None = None) -> int:
    """Periodic: tell each investigator what they must review or purge within 30 days (28 CFR 23.20(h))."""
    items = intelligence_due_for_review(today=(now or clock.now()).date())
    by_person: dict[int, list[IntelligenceItem]] = {}
    for item in items:
        by_person.setdefault(item.authorization.requester_id, []).append(item)
    with transaction.atomic():
        for group in by_person.values():
            who = group[0].authorization.requester
            notify(
                [who],
                subject=f"{len(group)} intelligence item(s) due for 28 CFR 23 review",
                body=", ".join(f"#{i.pk} by {i.review_due_on}" for i in group),
                url=reverse("alias-index"),
                now=now,
            )
    return len(items)


# --- background and internal investigation reviews (E1: HPPD IV, V; 820 ILCS 55/10) ------------------

REVIEW_OPENERS = frozenset({Role.INTERNAL_AFFAIRS.value, Role.COMMAND.value})


def _role_names(member: Member) -> set[str]:
    return set(member.groups.values_list("name", flat=True))


def _submission(data: Any) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise InvalidInput.for_field("non_field_errors", "Send the fields as an object (JSON or a form).")
    return data


def _review_text(
    data: Mapping[str, Any],
    name: str,
    errors: dict[str, list[str]],
    *,
    required: bool = True,
    limit: int = 5000,
) -> str:
    value = data.get(name)
    if not isinstance(value, str | None):
        errors[name] = ["Give text."]
        return ""
    value = (value or "").replace("\x00", "").strip()
    if required and not value:
        errors[name] = ["This field is required."]
    elif len(value) > limit:
        errors[name] = [f"At most {limit} characters."]
    return value[:limit]


def _review_datetime(
    data: Mapping[str, Any], name: str, errors: dict[str, list[str]], default: datetime
) -> datetime:
    value = data.get(name)
    if value in (None, ""):
        return default
    if isinstance(value, str):
        try:
            value = parse_datetime(value.strip()) if len(value) < 40 else None
        except ValueError:  # well-formed but impossible, e.g. 30 February
            value = None
    if not isinstance(value, datetime):
        errors[name] = ["Give a date and time (YYYY-MM-DDTHH:MM)."]
        return default
    return value if timezone.is_aware(value) else timezone.make_aware(value)


def _review_subject(data: Mapping[str, Any], errors: dict[str, list[str]]) -> Member | None:
    value = data.get("subject_member")
    if isinstance(value, Member):
        return value
    if value in (None, ""):
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        found = Member.objects.filter(pk=value).first()
    elif isinstance(value, str) and len(value) <= 150:
        found = Member.objects.filter(username=value.strip()).first()
    else:
        found = None
    if found is None:
        errors["subject_member"] = ["No member with that username."]
    return found


def _require_review_writer(review: BackgroundReview, actor: Member) -> None:
    """E1: the reviewer or internal affairs record and close; auditors only read; the member under
    review never touches it."""
    if review.subject_member_id == actor.pk or not (
        review.reviewer_id == actor.pk or Role.INTERNAL_AFFAIRS.value in _role_names(actor)
    ):
        raise NotPermitted("Only the reviewer or internal affairs record in or close this review (E1).")


def background_review_open(
    *, actor: Member, data: Mapping[str, Any], now: datetime | None = None
) -> BackgroundReview:
    """E1 — HPPD IV.A–B, V.A–B: internal affairs (background investigators included) or command staff
    open a review of the public-domain social media content of a member under internal investigation or
    of a job candidate; the opener is the reviewer and may not be its subject. HPPD IV.C, V.C; 820 ILCS
    55/10(b)(1): ``data`` is the whole submission, screened for credentials before anything else."""
    if not _role_names(actor) & REVIEW_OPENERS:
        raise NotPermitted(
            "Only internal affairs or command staff open a background or internal review (E1)."
        )
    refuse_credentials(data)
    data = _submission(data)
    errors: dict[str, list[str]] = {}
    kind = data.get("kind")
    if kind not in ReviewKind.values:
        errors["kind"] = [f"Choose one of: {', '.join(ReviewKind.values)}."]
    case_number = _review_text(data, "case_number", errors, limit=40)
    candidate = _review_text(data, "candidate_name", errors, required=False, limit=200)
    subject = _review_subject(data, errors)
    if kind == ReviewKind.INTERNAL:
        if subject is None and "subject_member" not in errors:
            errors["subject_member"] = ["An internal investigation reviews a member: name them (HPPD IV)."]
        if candidate:
            errors["candidate_name"] = ["An internal investigation's subject is a member, not a candidate."]
    elif kind == ReviewKind.BACKGROUND:
        if not candidate and "candidate_name" not in errors:
            errors["candidate_name"] = [
                "A background investigation reviews a job candidate: name them (HPPD V)."
            ]
        if subject is not None or "subject_member" in errors:
            errors["subject_member"] = ["A background investigation's subject is a candidate, not a member."]
    if subject is not None and subject.pk == actor.pk:
        errors["subject_member"] = ["A member cannot review themselves (E1)."]
    if errors:
        raise InvalidInput("The review has invalid fields.", fields=errors)
    now = now or clock.now()
    with transaction.atomic():
        review = BackgroundReview.objects.create(
            kind=kind,
            subject_member=subject if kind == ReviewKind.INTERNAL else None,
            candidate_name=candidate if kind == ReviewKind.BACKGROUND else None,
            case_number=case_number,
            reviewer=actor,
            opened_at=now,
        )
        _audit(
            "background_review.opened",
            actor,
            review,
            after={"status": review.status, "kind": kind, "case_number": case_number},
            now=now,
        )
    return review


def background_review_add_entry(
    *, review: BackgroundReview, actor: Member, data: Mapping[str, Any], now: datetime | None = None
) -> ReviewEntry:
    """E1 — record one piece of public-domain content viewed (HPPD IV.A, V.A) with how it was validated
    (HPPD V.B: every effort must be made to validate). HPPD IV.C, V.C; 820 ILCS 55/10(b)(1): ``data`` is
    the whole submission, screened for credentials first. Only while the review is open (409 after)."""
    _require_review_writer(review, actor)
    refuse_credentials(data)
    data = _submission(data)
    now = now or clock.now()
    errors: dict[str, list[str]] = {}
    url = _review_text(data, "url", errors, limit=500)
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            errors["url"] = ["Give the public http(s) address of what was viewed."]
    platform = _review_text(data, "platform", errors, limit=60)
    description = _review_text(data, "description", errors)
    viewed_at = _review_datetime(data, "viewed_at", errors, now)
    if viewed_at > now + timedelta(minutes=5):
        errors["viewed_at"] = ["That time is in the future."]
    method = data.get("validation_method")
    if method not in ValidationMethod.values:
        errors["validation_method"] = [f"Choose one of: {', '.join(ValidationMethod.values)}."]
    note = _review_text(data, "validation_note", errors)
    if "validation_note" in errors and not note:
        errors["validation_note"] = ["Say how the content was validated, or what was tried (HPPD V.B)."]
    attested = data.get("public_domain")
    if not (attested is True or (isinstance(attested, str) and attested.lower() in ("true", "on"))):
        errors["public_domain"] = [
            "Attest that the content is in the public domain: viewed without a password, login, friend "
            "request or anyone else's account (HPPD IV.A, V.A; 820 ILCS 55/10)."
        ]
    if errors:
        raise InvalidInput("What was viewed cannot be recorded.", fields=errors)
    with transaction.atomic():
        review = BackgroundReview.objects.select_for_update().get(pk=review.pk)
        if review.status not in BackgroundReview.RECORDING:
            raise Conflict(
                f"The review is {review.get_status_display().lower()}: nothing more may be recorded in it.",
                code="illegal_transition",
                fields={"status": [review.status]},
            )
        entry = ReviewEntry.objects.create(
            review=review,
            url=url,
            platform=platform,
            description=description,
            viewed_at=viewed_at,
            recorded_by=actor,
            recorded_at=now,
            validation_method=method,
            validation_note=note,
            public_domain=True,
        )
        _audit(
            "background_review.entry_added",
            actor,
            review,
            after={"entry": entry.pk, "url": url, "platform": platform, "validation_method": method},
            now=now,
        )
    return entry


def background_review_close(
    *, review: BackgroundReview, actor: Member, data: Mapping[str, Any], now: datetime | None = None
) -> BackgroundReview:
    """E1 — close a review with its conclusion (HPPD IV.B, V.B). HPPD IV.C, V.C; 820 ILCS 55/10(b)(1):
    the submission is screened for credentials first. Closing twice is an illegal transition (409)."""
    _require_review_writer(review, actor)
    refuse_credentials(data)
    data = _submission(data)
    errors: dict[str, list[str]] = {}
    conclusion = _review_text(data, "conclusion", errors)
    if errors:
        raise InvalidInput("The review cannot be closed.", fields=errors)
    now = now or clock.now()
    with transaction.atomic():
        review = BackgroundReview.objects.select_for_update().get(pk=review.pk)
        require_transition(
            BackgroundReview.TRANSITIONS, review.status, ReviewStatus.CLOSED, noun="review", verb="close"
        )
        review.status, review.closed_at, review.conclusion = ReviewStatus.CLOSED, now, conclusion
        review.save(update_fields=["status", "closed_at", "conclusion"])
        _audit(
            "background_review.closed",
            actor,
            review,
            before={"status": ReviewStatus.OPEN},
            after={"status": review.status, "conclusion": conclusion},
            now=now,
        )
    return review
