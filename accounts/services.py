"""Every write about department social media accounts (policy-map A1–A4). One function per action;
the browser views, the API, the admin and the demo loader all call these."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from guardian.shortcuts import assign_perm, remove_perm

from audit.services import audit_record
from policy_portal import clock
from policy_portal.errors import Conflict, InvalidInput, NotPermitted
from policy_portal.workflow import require_transition

from .models import AccountStatus, ChecklistItem, Member, Platform, PolicyProfile, Power, SocialAccount
from .selectors import ADMINISTER, APPROVE_POSTS, can_approve_accounts, is_account_admin

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
