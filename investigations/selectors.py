"""Reads of covert data: each starts from ``visible_to`` and each read of details is audited (C8)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404

from audit.models import Sensitivity
from audit.services import audit_record

from .models import AliasAuthorization, AuthorizationStatus, BackgroundReview, ReviewEntry


def authorization_for_read(user: Any, pk: Any) -> AliasAuthorization:
    """C8: the authorization if this user has need to know — else 404 — and an audit event of the read."""
    try:
        auth = (
            AliasAuthorization.objects.visible_to(user)
            .select_related("requester", "decided_by", "unit")
            .get(pk=pk)
        )
    except (AliasAuthorization.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    with transaction.atomic():
        audit_record(action="alias.viewed", actor=user, obj=auth, sensitivity=Sensitivity.RESTRICTED)
    return auth


def authorizations_listed(user: Any, rows: list[AliasAuthorization]) -> None:
    """A list shows aliases and targets too: one audit event naming every id shown."""
    if rows:
        with transaction.atomic():
            audit_record(
                action="alias.listed",
                actor=user,
                after={"ids": [r.pk for r in rows]},
                sensitivity=Sensitivity.RESTRICTED,
            )


def awaiting_decision(user: Any):  # type: ignore[no-untyped-def]
    from accounts.models import Power

    if Power.AUTHORIZE_COVERT not in user.powers():
        return AliasAuthorization.objects.none()
    return (
        AliasAuthorization.objects.visible_to(user)
        .filter(status=AuthorizationStatus.REQUESTED)
        .exclude(requester=user)
        .select_related("requester", "unit")
    )


def dashboard_for(user: Any) -> dict[str, Any]:
    """Counts only: the dashboard never shows covert details, not even to the need-to-know audience."""
    from policy_portal import clock

    visible = AliasAuthorization.objects.visible_to(user)
    return {
        "aliases_awaiting_me": awaiting_decision(user).count(),
        "aliases_mine_active": visible.filter(requester=user, status=AuthorizationStatus.APPROVED).count(),
        "aliases_expiring": visible.filter(
            status=AuthorizationStatus.APPROVED, ends_on__lte=clock.today() + timedelta(days=7)
        ).count(),
    }


def background_reviews_visible(user: Any):  # type: ignore[no-untyped-def]
    """E1: reviews this user may read, with what every page and the API show of them (constant queries)."""
    return (
        BackgroundReview.objects.visible_to(user)
        .select_related("reviewer", "subject_member")
        .prefetch_related(Prefetch("entries", queryset=ReviewEntry.objects.select_related("recorded_by")))
    )


def background_review_for_read(user: Any, pk: Any) -> BackgroundReview:
    """E1: the review if this user is its reviewer, internal affairs or an auditor — and not its subject —
    else 404, the same answer as for a review that does not exist (style rule 6)."""
    try:
        return background_reviews_visible(user).get(pk=pk)
    except (BackgroundReview.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
