"""Every write about department social media accounts (policy-map A1–A4). One function per action;
the browser views, the API, the admin and the demo loader all call these."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.urls import reverse
from guardian.shortcuts import assign_perm, remove_perm

from audit.services import audit_record
from policy_portal import clock
from policy_portal.errors import Conflict, InvalidInput, NotPermitted
from policy_portal.workflow import require_transition

from .models import (
    AccessAuthorization,
    AccessStatus,
    AccountStatus,
    ChecklistItem,
    DepartmentDevice,
    DirectiveAcknowledgement,
    DirectiveVersion,
    Member,
    Platform,
    PolicyProfile,
    Power,
    Role,
    SocialAccount,
    Unit,
)
from .notifications import notify
from .selectors import ADMINISTER, APPROVE_POSTS, can_approve_accounts, current_directive, is_account_admin

S = AccountStatus


def _snapshot(account: SocialAccount) -> dict[str, Any]:
    return {"status": account.status, "handle": account.handle, "platform": account.platform}


def _locked(account: SocialAccount) -> SocialAccount:
    try:
        return SocialAccount.objects.select_for_update().get(pk=account.pk)
    except SocialAccount.DoesNotExist:
        raise InvalidInput.for_field("account", "No such account.", code="not_found") from None


def require_department_email(member: Member, *, field: str = "administrators") -> None:
    """HPPD I.D.5 (A4): accounts are managed only with department-issued e-mail addresses."""
    domain = PolicyProfile.objects.current().email_domain.lower()
    email = (member.email or "").strip().lower()
    if not email.endswith("@" + domain):
        raise InvalidInput.for_field(
            field,
            f"{member.username} has no department e-mail address (@{domain}); department accounts are "
            "managed only with department-issued addresses (HPPD I.D.5).",
            code="not_department_email",
        )


def _require_admin_or_approver(actor: Member, account: SocialAccount, verb: str) -> None:
    if not (is_account_admin(actor, account) or can_approve_accounts(actor)):
        raise NotPermitted(
            f"Only this account's designated administrators or the approving authority may {verb} it."
        )


def _validate_fields(data: dict[str, str]) -> dict[str, str]:
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, str] = {}
    for name in ("platform", "handle", "url", "purpose_statement", "contact_info", "official_website_url"):
        value = str(data.get(name) or "").replace("\x00", "").strip()
        if not value:
            errors[name] = ["This field is required."]
        cleaned[name] = value
    if cleaned["platform"] and cleaned["platform"] not in Platform.values:
        errors["platform"] = [f"Choose one of: {', '.join(Platform.values)}."]
    if len(cleaned["handle"]) > 100:
        errors["handle"] = ["At most 100 characters."]
    if len(cleaned["contact_info"]) > 300:
        errors["contact_info"] = ["At most 300 characters."]
    for name in ("url", "official_website_url"):
        if cleaned[name]:
            try:
                URLValidator(schemes=["https", "http"])(cleaned[name])
            except ValidationError:
                errors[name] = ["Enter a valid http(s) URL."]
    if errors:
        raise InvalidInput("The account has invalid fields.", fields=errors)
    return cleaned


def account_register(
    *,
    actor: Member,
    data: dict[str, str],
    administrators: list[Member] | None = None,
    now: datetime | None = None,
) -> SocialAccount:
    """Propose a department account (A1: it goes live only after approval) with its designated
    administrators (A2), each with a department e-mail address (A4, HPPD I.D.5)."""
    if not actor.has_perm("accounts.add_socialaccount"):
        raise NotPermitted("Only PIO staff may register department social media accounts.")
    cleaned = _validate_fields(data)
    admins = administrators if administrators is not None else [actor]
    if not admins:
        raise InvalidInput.for_field("administrators", "Designate at least one administrator (A2).")
    for member in admins:
        require_department_email(member)
    profile = PolicyProfile.objects.current()
    now = now or clock.now()
    try:
        with transaction.atomic():
            account = SocialAccount.objects.create(**cleaned, proposed_by=actor, proposed_at=now)
            ChecklistItem.objects.bulk_create(
                ChecklistItem(
                    account=account,
                    code=item["code"],
                    label=item["label"],
                    clause=item.get("clause", ""),
                    required=item.get("required", True),
                    position=index,
                )
                for index, item in enumerate(profile.checklist)
            )
            audit_record(
                action="account.registered", actor=actor, obj=account, after=_snapshot(account), now=now
            )
            for member in admins:
                _grant(account, member, ADMINISTER, actor=actor, now=now)
    except IntegrityError:
        raise InvalidInput.for_field(
            "handle", "A live account with this platform and handle is already registered.", code="duplicate"
        ) from None
    return account


def _grant(account: SocialAccount, member: Member, codename: str, *, actor: Member, now: datetime) -> None:
    assign_perm(f"accounts.{codename}", member, account)
    audit_record(
        action=f"account.grant.{codename}",
        actor=actor,
        obj=account,
        after={"member": member.username, "permission": codename},
        now=now,
    )


def account_approve(*, account: SocialAccount, actor: Member, now: datetime | None = None) -> SocialAccount:
    """CPD III.C.1, BPD Platform 2.a, HPPD I.A (A1): only the chief executive or a designee named in the
    profile approves; the approval records who, when, and under which authority."""
    position = actor.position_with_power(Power.APPROVE_ACCOUNTS) if actor.is_active else None
    if position is None:
        raise NotPermitted(
            "Only the chief executive or a designee named in the policy profile may approve accounts."
        )
    now = now or clock.now()
    with transaction.atomic():
        account = _locked(account)
        require_transition(
            SocialAccount.TRANSITIONS, account.status, S.APPROVED, noun="account", verb="approve"
        )
        before = _snapshot(account)
        account.status = S.APPROVED
        account.approved_by = actor
        account.approved_at = now
        account.approval_authority = (
            f"{position.title} ({position.clause})" if position.clause else position.title
        )
        account.save(update_fields=["status", "approved_by", "approved_at", "approval_authority"])
        audit_record(
            action="account.approved",
            actor=actor,
            obj=account,
            before=before,
            after={**_snapshot(account), "authority": account.approval_authority},
            now=now,
        )
    return account


def missing_checklist_items(account: SocialAccount) -> list[ChecklistItem]:
    return [item for item in account.checklist_items.all() if item.required and not item.done]


def account_activate(*, account: SocialAccount, actor: Member, now: datetime | None = None) -> SocialAccount:
    """BPD Platform 1.a–b, 2.b, Disclaimer; HPPD I.B.1–4, 6–7 (A3): an account goes live only with
    every required page-compliance item complete. Reactivating a suspended account checks again."""
    _require_admin_or_approver(actor, account, "activate")
    now = now or clock.now()
    with transaction.atomic():
        account = _locked(account)
        require_transition(
            SocialAccount.TRANSITIONS, account.status, S.ACTIVE, noun="account", verb="activate"
        )
        missing = missing_checklist_items(account)
        if missing:
            raise Conflict(
                "The page-compliance checklist is incomplete: "
                + "; ".join(item.label for item in missing)
                + ".",
                code="checklist_incomplete",
                fields={"checklist": [f"{item.code}: {item.label} ({item.clause})" for item in missing]},
            )
        before = _snapshot(account)
        account.status = S.ACTIVE
        account.activated_at = now
        account.status_reason = ""
        account.save(update_fields=["status", "activated_at", "status_reason"])
        audit_record(
            action="account.activated",
            actor=actor,
            obj=account,
            before=before,
            after=_snapshot(account),
            now=now,
        )
    return account


def _require_reason(reason: str) -> str:
    reason = (reason or "").replace("\x00", "").strip()
    if not reason:
        raise InvalidInput.for_field("reason", "Give a reason.")
    return reason


def account_suspend(
    *, account: SocialAccount, actor: Member, reason: str, now: datetime | None = None
) -> SocialAccount:
    _require_admin_or_approver(actor, account, "suspend")
    reason = _require_reason(reason)
    now = now or clock.now()
    with transaction.atomic():
        account = _locked(account)
        require_transition(
            SocialAccount.TRANSITIONS, account.status, S.SUSPENDED, noun="account", verb="suspend"
        )
        before = _snapshot(account)
        account.status = S.SUSPENDED
        account.status_reason = reason
        account.save(update_fields=["status", "status_reason"])
        audit_record(
            action="account.suspended",
            actor=actor,
            obj=account,
            before=before,
            after={**_snapshot(account), "reason": reason},
            now=now,
        )
    return account


def account_retire(
    *, account: SocialAccount, actor: Member, reason: str, now: datetime | None = None
) -> SocialAccount:
    """Retiring (or declining a proposal) is the approving authority's call, like approving (A1)."""
    if not can_approve_accounts(actor):
        raise NotPermitted("Only the chief executive or a designee may retire a department account.")
    reason = _require_reason(reason)
    now = now or clock.now()
    with transaction.atomic():
        account = _locked(account)
        require_transition(
            SocialAccount.TRANSITIONS, account.status, S.RETIRED, noun="account", verb="retire"
        )
        before = _snapshot(account)
        account.status = S.RETIRED
        account.status_reason = reason
        account.save(update_fields=["status", "status_reason"])
        audit_record(
            action="account.retired",
            actor=actor,
            obj=account,
            before=before,
            after={**_snapshot(account), "reason": reason},
            now=now,
        )
    return account


def account_checklist_set(
    *,
    account: SocialAccount,
    actor: Member,
    code: str,
    done: bool,
    evidence: str = "",
    now: datetime | None = None,
) -> ChecklistItem:
    """Mark one page-compliance item (A3) done or not done, with where it appears on the page."""
    _require_admin_or_approver(actor, account, "update the checklist of")
    now = now or clock.now()
    with transaction.atomic():
        account = _locked(account)
        if account.status == S.RETIRED:
            raise Conflict("A retired account's checklist is closed.", code="account_retired")
        try:
            item = ChecklistItem.objects.select_for_update().get(account=account, code=code)
        except ChecklistItem.DoesNotExist:
            raise InvalidInput.for_field("code", f"No checklist item {code!r} on this account.") from None
        before = {"code": item.code, "done": item.done}
        item.done = bool(done)
        item.completed_by = actor if done else None
        item.completed_at = now if done else None
        item.evidence = (evidence or "").replace("\x00", "").strip()[:500]
        item.save(update_fields=["done", "completed_by", "completed_at", "evidence"])
        audit_record(
            action="account.checklist_item",
            actor=actor,
            obj=account,
            before=before,
            after={"code": item.code, "done": item.done, "evidence": item.evidence},
            now=now,
        )
    return item


def account_grant_administrator(
    *, account: SocialAccount, actor: Member, member: Member, now: datetime | None = None
) -> None:
    """Designate an administrator of this account alone (A2), with a department address (A4)."""
    _require_admin_or_approver(actor, account, "designate administrators of")
    if not member.is_active:
        raise InvalidInput.for_field("member", "That member is not active.")
    require_department_email(member, field="member")
    with transaction.atomic():
        account = _locked(account)
        if account.status == S.RETIRED:
            raise Conflict("A retired account takes no new administrators.", code="account_retired")
        _grant(account, member, ADMINISTER, actor=actor, now=now or clock.now())


def account_revoke_administrator(
    *, account: SocialAccount, actor: Member, member: Member, now: datetime | None = None
) -> None:
    _require_admin_or_approver(actor, account, "remove administrators of")
    with transaction.atomic():
        account = _locked(account)
        remove_perm(f"accounts.{ADMINISTER}", member, account)
        audit_record(
            action=f"account.revoke.{ADMINISTER}",
            actor=actor,
            obj=account,
            before={"member": member.username, "permission": ADMINISTER},
            now=now or clock.now(),
        )


def account_grant_post_approver(
    *, account: SocialAccount, actor: Member, member: Member, now: datetime | None = None
) -> None:
    """Give a supervisor the right to approve posts for this account (HPPD I.B.5, B1)."""
    if not can_approve_accounts(actor):
        raise NotPermitted("Only the chief executive or a designee may name post approvers.")
    if not member.is_active:
        raise InvalidInput.for_field("member", "That member is not active.")
    with transaction.atomic():
        account = _locked(account)
        _grant(account, member, APPROVE_POSTS, actor=actor, now=now or clock.now())


def members_disable_inactive(*, now: datetime | None = None, days: int | None = None) -> list[str]:
    """CJIS AC-2(3): disable members with no sign-in for ``INACTIVE_MEMBER_DAYS`` days.

    Driven by database state and idempotent: a second run, or a run after a missed night, finds
    exactly the members still due and disables each once, with its audit event.
    """
    from datetime import timedelta

    from django.conf import settings
    from django.db.models import Q

    now = now or clock.now()
    cutoff = now - timedelta(days=days or settings.INACTIVE_MEMBER_DAYS)
    due = Member.objects.filter(is_active=True).filter(
        Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff)
    )
    disabled: list[str] = []
    for member_id in due.values_list("pk", flat=True).iterator(chunk_size=500):
        with transaction.atomic():
            # Claim with a conditional UPDATE: a concurrent sweep or a sign-in wins cleanly.
            claimed = (
                Member.objects.filter(pk=member_id, is_active=True)
                .filter(Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff))
                .update(is_active=False)
            )
            if claimed:
                member = Member.objects.get(pk=member_id)
                audit_record(
                    action="member.disabled_inactive",
                    obj=member,
                    before={"is_active": True},
                    after={"is_active": False, "last_login": member.last_login, "rule": "CJIS AC-2(3)"},
                    now=now,
                )
                disabled.append(member.username)
    return disabled


# --- directive versions and acknowledgements (issue #6) ---------------------------------------------


def _clean_text(data: dict[str, Any], name: str, errors: dict[str, list[str]], *, limit: int = 0) -> str:
    value = str(data.get(name) or "").replace("\x00", "").strip()
    if not value:
        errors[name] = ["This field is required."]
    elif limit and len(value) > limit:
        errors[name] = [f"At most {limit} characters."]
    return value


def _clean_date(data: dict[str, Any], name: str, errors: dict[str, list[str]]) -> date | None:
    value = data.get(name)
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value or ""))
    except ValueError:
        errors[name] = ["Give a date as YYYY-MM-DD."]
        return None


def directive_issue(*, actor: Member, data: dict[str, Any], now: datetime | None = None) -> DirectiveVersion:
    """Issue a new version of the directive. From this moment every member must acknowledge it before
    drafting or approving posts or requesting or using alias accounts (see require_directive_acknowledged)."""
    if Power.ISSUE_DIRECTIVE not in actor.powers():
        raise NotPermitted("Only the chief or a designee named in the policy profile issues the directive.")
    now = now or clock.now()
    profile = PolicyProfile.objects.current()
    errors: dict[str, list[str]] = {}
    version = _clean_text(data, "version", errors, limit=60)
    summary = _clean_text(data, "summary", errors)
    text = _clean_text(data, "text", errors)
    title = str(data.get("title") or "").replace("\x00", "").strip() or profile.directive_title
    if len(title) > 300:
        errors["title"] = ["At most 300 characters."]
    effective_on = _clean_date(data, "effective_on", errors)
    if version and profile.directive_versions.filter(version=version).exists():
        errors["version"] = [f"Version {version} was already issued."]
    if errors:
        raise InvalidInput("The directive version has invalid fields.", fields=errors)
    assert effective_on is not None
    try:
        with transaction.atomic():
            issued = DirectiveVersion.objects.create(
                profile=profile,
                version=version,
                title=title,
                summary=summary,
                text=text,
                text_sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
                effective_on=effective_on,
                issued_at=now,
                issued_by=actor,
            )
            # Whoever issues a version has read it: no need to block them on their own text.
            DirectiveAcknowledgement.objects.create(version=issued, member=actor, acknowledged_at=now)
            audit_record(
                action="directive.issued",
                actor=actor,
                obj=issued,
                after={"version": version, "sha256": issued.text_sha256, "effective_on": effective_on},
                now=now,
            )
    except IntegrityError:
        raise InvalidInput.for_field("version", f"Version {version} was already issued.") from None
    return issued


def directive_acknowledge(
    *, member: Member, version: DirectiveVersion, now: datetime | None = None
) -> DirectiveAcknowledgement:
    """Record that ``member`` has read the current version. Twice is once: the second click returns the
    first acknowledgement. A superseded version cannot be acknowledged (409): read the current one."""
    now = now or clock.now()
    current = current_directive()
    if current is None or version.pk != current.pk:
        raise Conflict(
            "This version has been superseded; acknowledge the current version.",
            code="superseded",
            fields={"version": [current.version if current else "none"]},
        )
    with transaction.atomic():
        ack, created = DirectiveAcknowledgement.objects.get_or_create(
            version=version, member=member, defaults={"acknowledged_at": now}
        )
        if created:
            audit_record(
                action="directive.acknowledged",
                actor=member,
                obj=version,
                after={"version": version.version, "member": member.username},
                now=now,
            )
    return ack


def require_directive_acknowledged(member: Member, *, activity: str) -> None:
    """Rights that the directive governs are refused until its current version is acknowledged."""
    current = current_directive()
    if current is None or not getattr(member, "is_authenticated", False):
        return
    if not DirectiveAcknowledgement.objects.filter(version=current, member=member).exists():
        raise NotPermitted(
            f"Acknowledge the current social media directive (version {current.version}, effective "
            f"{current.effective_on:%Y-%m-%d}) before {activity}: choose “Read and acknowledge” in the "
            "banner or under Compliance → Directive.",
            code="acknowledgement_required",
        )


# --- approver rules shared by written permissions (B7) and device/access authorizations (A5) ----------


def supervisors_of(member: Member, levels: int = 3) -> list[Member]:
    chain: list[Member] = []
    current = member.supervisor
    while current is not None and len(chain) < levels:
        chain.append(current)
        current = current.supervisor
    return chain


def approver_allowed(
    rule: str, *, actor: Member, requester: Member | None, subject: Member | None = None
) -> bool:
    """Who decides is profile data: ``supervisor`` (the requester's chain of command), ``power:<p>`` (a
    holder of a position with that power) or ``consent`` (the member the request is about)."""
    if not actor.is_active:
        return False
    if rule == "supervisor":
        return requester is not None and any(s.pk == actor.pk for s in supervisors_of(requester))
    if rule.startswith("power:"):
        return rule[6:] in actor.powers()
    if rule == "consent":
        return subject is not None and subject.pk == actor.pk
    return False


def approvers_for(rule: str, *, requester: Member | None, subject: Member | None = None) -> list[Member]:
    if rule == "supervisor":
        return supervisors_of(requester)[:1] if requester else []
    if rule.startswith("power:"):
        return list(Member.objects.with_power(rule[6:]))
    if rule == "consent":
        return [subject] if subject else []
    return []


def approver_description(rule: str) -> str:
    if rule == "supervisor":
        return "the requester's supervisor"
    if rule == "consent":
        return "the member concerned (their consent)"
    power = rule[6:]
    titles = [p.title for p in PolicyProfile.objects.current().positions.all() if power in p.powers]
    return " or ".join(titles) or power


# --- device and access authorizations (A5) ---------------------------------------------------------


def _pk(value: Any) -> int:
    """An id from a form, JSON or a model instance; anything else reads as 0 (matches nothing)."""
    raw = getattr(value, "pk", value)
    text = str(raw)
    return int(text) if text.isascii() and text.isdigit() and len(text) < 12 else 0


def _access_kind(code: str) -> dict[str, Any] | None:
    return next(
        (k for k in PolicyProfile.objects.current().access_authorization_kinds if k["code"] == code), None
    )


def access_request(
    *, actor: Member, data: dict[str, Any], now: datetime | None = None
) -> AccessAuthorization:
    """A5 (CPD III.C.2, BPD Sanctioned use 4.a–b, HPPD I.E): ask for prior written permission, for
    yourself or — as a supervisor — for a job assignment (every member of a unit), always with an
    expiry no later than the profile allows."""
    now = now or clock.now()
    errors: dict[str, list[str]] = {}
    kind = _access_kind(str(data.get("kind") or ""))
    if kind is None:
        codes = [k["code"] for k in PolicyProfile.objects.current().access_authorization_kinds]
        errors["kind"] = [f"Choose one of: {', '.join(codes)}."]
    purpose = _clean_text(data, "purpose", errors)
    unit = None
    unit_value = data.get("unit")
    if unit_value not in (None, ""):
        unit = Unit.objects.filter(pk=_pk(unit_value)).first()
        if unit is None:
            errors["unit"] = ["No such unit."]
        elif not (actor.in_role(Role.SUPERVISOR) or actor.in_role(Role.COMMAND)):
            errors["unit"] = ["Only a supervisor asks for an authorization by job assignment (CPD III.C.2)."]
    device = None
    device_value = data.get("device")
    if device_value not in (None, ""):
        device = DepartmentDevice.objects.filter(pk=_pk(device_value), is_active=True).first()
        if device is None:
            errors["device"] = ["No such registered department device."]
    personal = str(data.get("personal_device") or "").replace("\x00", "").strip()
    if kind is not None and kind["code"] == "personal_device" and not personal:
        errors["personal_device"] = ["Describe the personally owned device (make and model)."]
    if len(personal) > 200:
        errors["personal_device"] = ["At most 200 characters."]
    valid_from = _clean_date({"valid_from": data.get("valid_from") or now.date()}, "valid_from", errors)
    expires_on = _clean_date(data, "expires_on", errors)
    if valid_from and expires_on and kind is not None:
        if expires_on < valid_from:
            errors["expires_on"] = ["The expiry comes after the start."]
        elif (expires_on - valid_from).days > int(kind["max_days"]):
            errors["expires_on"] = [f"At most {kind['max_days']} days after the start ({kind['clause']})."]
    if valid_from and valid_from < now.date():
        errors["valid_from"] = ["Permission is prior permission: it cannot start in the past."]
    if errors:
        raise InvalidInput("The authorization request has invalid fields.", fields=errors)
    assert kind is not None and valid_from and expires_on
    with transaction.atomic():
        auth = AccessAuthorization.objects.create(
            kind=kind["code"],
            kind_label=kind["label"],
            clause=kind["clause"],
            member=None if unit else actor,
            unit=unit,
            device=device,
            personal_device=personal,
            purpose=purpose,
            valid_from=valid_from,
            expires_on=expires_on,
            requested_by=actor,
            requested_at=now,
        )
        audit_record(
            action="access.requested",
            actor=actor,
            obj=auth,
            after={"kind": auth.kind, "unit": unit.code if unit else None, "expires_on": expires_on},
            now=now,
        )
        notify(
            approvers_for(kind["approver"], requester=actor),
            subject=f"Access authorization to decide: {kind['label']}",
            body=f"{actor} asks: {purpose[:300]}",
            url=reverse("access-detail", args=[auth.pk]),
            now=now,
        )
    return auth


def access_may_decide(actor: Member, authorization: AccessAuthorization) -> bool:
    """The approver the profile names for this kind, never the requester."""
    kind = _access_kind(authorization.kind) or {"approver": "supervisor"}
    return authorization.requested_by_id != actor.pk and approver_allowed(
        kind["approver"], actor=actor, requester=authorization.requested_by
    )


def _locked_access(auth: AccessAuthorization) -> AccessAuthorization:
    return AccessAuthorization.objects.select_for_update().select_related("requested_by").get(pk=auth.pk)


def access_decide(
    *,
    authorization: AccessAuthorization,
    actor: Member,
    grant: bool,
    reasons: str,
    now: datetime | None = None,
) -> AccessAuthorization:
    """Grant or refuse with reasons; only the approver the profile names, never the requester."""
    now = now or clock.now()
    reasons = str(reasons or "").replace("\x00", "").strip()
    if not reasons:
        raise InvalidInput.for_field("reasons", "Give the reasons for the decision.")
    kind = _access_kind(authorization.kind) or {"approver": "supervisor"}
    with transaction.atomic():
        auth = _locked_access(authorization)
        if not access_may_decide(actor, auth):
            raise NotPermitted(f"This authorization is decided by {approver_description(kind['approver'])}.")
        target = AccessStatus.GRANTED if grant else AccessStatus.REFUSED
        require_transition(auth.TRANSITIONS, auth.status, target, noun="authorization", verb="decide")
        before = auth.status
        auth.status, auth.decided_by, auth.decided_at, auth.reasons = target, actor, now, reasons
        position = (
            actor.position_with_power(kind["approver"][6:]) if kind["approver"].startswith("power:") else None
        )
        auth.authority = (
            position.title if position else ("Supervisor" if kind["approver"] == "supervisor" else "")
        )
        auth.save(update_fields=["status", "decided_by", "decided_at", "reasons", "authority"])
        audit_record(
            action=f"access.{target}",
            actor=actor,
            obj=auth,
            before={"status": before},
            after={"status": target, "reasons": reasons},
            now=now,
        )
        notify(
            [auth.requested_by],
            subject=f"Access authorization {target}",
            body=reasons,
            url=reverse("access-detail", args=[auth.pk]),
            now=now,
        )
    return auth


def access_end(
    *, authorization: AccessAuthorization, actor: Member, reasons: str, now: datetime | None = None
) -> AccessAuthorization:
    """Revoke a granted authorization (approver or chain of command) or withdraw a pending request
    (the requester)."""
    now = now or clock.now()
    reasons = str(reasons or "").replace("\x00", "").strip()
    if not reasons:
        raise InvalidInput.for_field("reasons", "Give the reasons.")
    kind = _access_kind(authorization.kind) or {"approver": "supervisor"}
    with transaction.atomic():
        auth = _locked_access(authorization)
        if auth.status == AccessStatus.REQUESTED and auth.requested_by_id == actor.pk:
            target = AccessStatus.WITHDRAWN
        else:
            target = AccessStatus.REVOKED
            subject = auth.member or auth.requested_by
            if not (
                approver_allowed(kind["approver"], actor=actor, requester=auth.requested_by)
                or any(s.pk == actor.pk for s in supervisors_of(subject))
            ):
                raise NotPermitted("Only the approver or the member's chain of command revokes this.")
        require_transition(auth.TRANSITIONS, auth.status, target, noun="authorization", verb="end")
        before = auth.status
        auth.status, auth.reasons = target, reasons
        auth.save(update_fields=["status", "reasons"])
        audit_record(
            action=f"access.{target}",
            actor=actor,
            obj=auth,
            before={"status": before},
            after={"status": target, "reasons": reasons},
            now=now,
        )
    return auth
