from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

from accounts import selectors as account_selectors
from accounts.models import Notification
from accounts.notifications import notification_mark_read
from approvals import selectors as approval_selectors
from investigations import selectors as investigation_selectors
from retention import selectors as retention_selectors


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """Each role sees what waits for it; every app contributes its own part."""
    items = account_selectors.dashboard_for(request.user)
    items.update(approval_selectors.dashboard_for(request.user))
    items.update(investigation_selectors.dashboard_for(request.user))
    items.update(retention_selectors.dashboard_for(request.user))
    notes = Notification.objects.filter(recipient=request.user, read_at__isnull=True)[:10]
    return render(request, "accounts/dashboard.html", {"items": items, "notifications": notes})


@login_required
@require_GET
def compliance(request: HttpRequest) -> HttpResponse:
    """One page for a member's own compliance: the directive, permissions, device access, reports."""
    from django.db.models import Q

    from accounts.models import AccessAuthorization
    from approvals.models import ViolationReport, WrittenPermission

    user = request.user
    mine = Q(member=user) | Q(unit_id=user.unit_id) if user.unit_id else Q(member=user)
    return render(
        request,
        "compliance/overview.html",
        {
            "outstanding": account_selectors.outstanding_directive(user),
            "current": account_selectors.current_directive(),
            "permissions": WrittenPermission.objects.visible_to(user).filter(requester=user)[:10],
            "access": AccessAuthorization.objects.visible_to(user).filter(mine).select_related("unit")[:10],
            "reports": ViolationReport.objects.visible_to(user).filter(reporter=user)[:10],
            "permissions_awaiting": approval_selectors.permissions_awaiting(user).count(),
            "access_awaiting": account_selectors.access_awaiting(user).count(),
            "violations_open": approval_selectors.violations_to_handle(user).count(),
        },
    )


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Same answer for missing and hidden (style rule 6); JSON under /api/."""
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "not_found", "message": "Not found.", "fields": {}}, status=404)
    return render(request, "404.html", status=404)


@login_required
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Open a notification: mark it read, then go where it points."""
    note = notification_mark_read(member=request.user, notification_id=pk)
    if note is None:
        raise Http404
    if note.url and url_has_allowed_host_and_scheme(note.url, allowed_hosts={request.get_host()}):
        return redirect(note.url)
    return redirect("dashboard")
