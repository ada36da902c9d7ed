"""Reads that depend on who is asking (style rule 5)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q
from guardian.models import UserObjectPermission

from .models import AccountStatus, Member, Power, SocialAccount

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
