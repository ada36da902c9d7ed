from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import QuerySet

from policy_portal import clock

from . import foia_clock
from .models import FoiaRequest, FoiaStatus, ResponseType, Withholding

OPEN_STATES = [FoiaStatus.OPEN, FoiaStatus.EXTENDED, FoiaStatus.AWAITING_NARROWING]


def foia_light(
    req: FoiaRequest, today: date | None = None, closures: list[date] | None = None
) -> tuple[str, int]:
    """(traffic light, business days left) for an open request."""
    if req.status not in OPEN_STATES:
        return "", 0
    left = foia_clock.business_days_left(today or clock.today(), req.due_date, closures or [])
    light = "overdue" if left < 0 else "due_soon" if left <= 1 else "on_time"
    return light, left


def public_denial_index() -> QuerySet[Withholding]:
    """5 ILCS 140 §9(b): the central file of denials, open to the public, indexed by exemption. Only the
    exemption, basis, dates and the request's description — never the requester's identity."""
    return (
        Withholding.objects.filter(
            foia_request__response_type__in=[ResponseType.DENIAL, ResponseType.PARTIAL],
            foia_request__responded_at__isnull=False,
        )
        .select_related("foia_request")
        .order_by("exemption", "foia_request__responded_at")
    )


def dashboard_for(user: Any) -> dict[str, Any]:
    from .services import closures

    qs = FoiaRequest.objects.visible_to(user).filter(status__in=OPEN_STATES)
    if not qs.exists():
        return {}
    closed = closures()
    rows = [(r, *foia_light(r, closures=closed)) for r in qs.filter(assigned_officer=user)[:20]]
    return {"foia_mine": rows, "foia_open": qs.count()}
