"""Reads that depend on who is asking (style rule 5)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, OuterRef, Q, Subquery
from guardian.models import UserObjectPermission

from .models import (
    AccountStatus,
    DirectiveAcknowledgement,
    DirectiveVersion,
    Member,
    PolicyProfile,
    Power,
    Role,
    SocialAccount,
    chain_of_command_q,
)

ADMINISTER = "administer_socialaccount"
APPROVE_POSTS = "approve_posts_socialaccount"


def _holders(accounts: Iterable[SocialAccount], codename: str) -> dict[int, list[Member]]:
    """Members holding ``codename`` on each account, in two queries for any number of accounts."""
    ids = [str(a.pk) for a in accounts]
    if not ids:
        return {}
    rows = (
        UserObjectPermission.objects.filter(
            content_type=ContentType.objects.get_for_model(SocialAccount),
            permission__codename=codename,
            object_pk__in=ids,
        )
        .select_related("user")
        .order_by("user__username")
    )
    result: dict[int, list[Member]] = defaultdict(list)
    for row in rows:
        result[int(row.object_pk)].append(row.user)
    return result


def account_administrators_map(accounts: Iterable[SocialAccount]) -> dict[int, list[Member]]:
    return _holders(accounts, ADMINISTER)


def account_post_approvers_map(accounts: Iterable[SocialAccount]) -> dict[int, list[Member]]:
    return _holders(accounts, APPROVE_POSTS)


def is_account_admin(member: Any, account: SocialAccount) -> bool:
    """HPPD I.A, BPD Platform 2.a: only the designated administrators of this account (A2)."""
    return bool(
        member.is_authenticated and member.is_active and member.has_perm(f"accounts.{ADMINISTER}", account)
    )


def can_approve_accounts(member: Any) -> bool:
    """CPD III.C.1, BPD Platform 2.a, HPPD I.A: the chief executive or a designee, per the profile (A1)."""
    return bool(member.is_authenticated and member.is_active and Power.APPROVE_ACCOUNTS in member.powers())


def accounts_administered_by(member: Member):  # type: ignore[no-untyped-def]
    from guardian.shortcuts import get_objects_for_user

    return get_objects_for_user(
        member, f"accounts.{ADMINISTER}", klass=SocialAccount, accept_global_perms=False
    )


def dashboard_for(member: Member) -> dict[str, Any]:
    """What waits for this member, by role. Each entry is a small list with a link target."""
    items: dict[str, Any] = {}
    accounts = SocialAccount.objects.visible_to(member)
    if can_approve_accounts(member):
        items["accounts_to_approve"] = list(
            accounts.filter(status=AccountStatus.PROPOSED).select_related("proposed_by")
        )
    administered = accounts_administered_by(member)
    items["my_accounts"] = list(administered.exclude(status=AccountStatus.RETIRED))
    items["my_accounts_not_live"] = [
        a for a in items["my_accounts"] if a.status in (AccountStatus.APPROVED, AccountStatus.SUSPENDED)
    ]
    incomplete = (
        administered.filter(status=AccountStatus.APPROVED)
        .annotate(
            open_items=Count(
                "checklist_items", filter=Q(checklist_items__done=False, checklist_items__required=True)
            )
        )
        .filter(open_items__gt=0)
    )
    items["checklists_open"] = list(incomplete)
    items["access_awaiting_me"] = access_awaiting(member).count()
    items["counts"] = {
        "active_accounts": accounts.filter(status=AccountStatus.ACTIVE).count(),
        "proposed_accounts": accounts.filter(status=AccountStatus.PROPOSED).count(),
    }
    return items


def _accounts_with(member: Member, codenames: list[str]) -> list[int]:
    rows = UserObjectPermission.objects.filter(
        user=member,
        content_type=ContentType.objects.get_for_model(SocialAccount),
        permission__codename__in=codenames,
    ).values_list("object_pk", flat=True)
    return sorted({int(pk) for pk in rows})


def accounts_with_any_perm(member: Member) -> list[int]:
    """Ids of accounts this member administers or approves posts for: one query (object perms)."""
    return _accounts_with(member, [ADMINISTER, APPROVE_POSTS])


def accounts_with_post_approval(member: Member) -> list[int]:
    """Ids of accounts whose posts this member may approve (HPPD I.B.5): one query."""
    return _accounts_with(member, [APPROVE_POSTS])


# --- directive acknowledgements (issue #6) ---------------------------------------------------------


def current_directive() -> DirectiveVersion | None:
    """The latest issued version of the deployment's directive."""
    return DirectiveVersion.objects.filter(profile=PolicyProfile.objects.current()).first()


def outstanding_directive(member: Any) -> DirectiveVersion | None:
    """The current version if this member has not acknowledged it yet: one query for the banner."""
    if not getattr(member, "is_authenticated", False):
        return None
    current = current_directive()
    if current is None or current.acknowledgements.filter(member=member).exists():
        return None
    return current


def acknowledgement_status(user: Member, version: DirectiveVersion) -> list[Member]:
    """Members whose status ``user`` may follow — their unit and their reports (three levels); command
    staff and auditors see everyone — each annotated with ``acknowledged_at`` (None = outstanding).
    Undercover members stay omitted for those without need to know (E2). One query."""
    members = Member.objects.directory_for(user)
    if not user.groups.filter(name__in=[Role.COMMAND.value, Role.AUDITOR.value]).exists():
        scope = chain_of_command_q("", user)
        if user.unit_id and user.in_role(Role.SUPERVISOR):
            scope |= Q(unit_id=user.unit_id)
        members = members.filter(scope)
    acknowledged = DirectiveAcknowledgement.objects.filter(version=version, member=OuterRef("pk"))
    return list(
        members.select_related("unit")
        .annotate(acknowledged_at=Subquery(acknowledged.values("acknowledged_at")[:1]))
        .order_by("unit__name", "last_name", "username")
    )


def access_awaiting(user: Member):  # type: ignore[no-untyped-def]
    """A5 requests this member may decide, as one queryset (mirrors services.approver_allowed)."""
    from .models import AccessAuthorization, AccessStatus

    kinds = PolicyProfile.objects.current().access_authorization_kinds
    by_chain = [k["code"] for k in kinds if k["approver"] == "supervisor"]
    by_power = [
        k["code"] for k in kinds if k["approver"].startswith("power:") and k["approver"][6:] in user.powers()
    ]
    return (
        AccessAuthorization.objects.filter(status=AccessStatus.REQUESTED)
        .filter(Q(kind__in=by_chain) & chain_of_command_q("requested_by", user) | Q(kind__in=by_power))
        .exclude(requested_by=user)
    )
