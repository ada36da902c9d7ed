"""Browser pages for alias authorizations. Every object page starts from the need-to-know read (C8)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from accounts.models import PolicyProfile, Power, Role
from audit.models import AuditEvent
from policy_portal import clock
from policy_portal.errors import DomainError

from . import services
from .forms import AliasRequestForm, DecisionForm, RenewForm, UseForm
from .models import AliasAuthorization, AuthorizationStatus
from .selectors import authorization_for_read, authorizations_listed, awaiting_decision


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    visible = AliasAuthorization.objects.visible_to(user).select_related("requester", "unit")
    warn_days = PolicyProfile.objects.current().covert_expiry_warning_days
    today = clock.today()
    mine = list(visible.filter(requester=user)[:50])
    waiting = list(awaiting_decision(user)[:50])
    expiring = list(
        visible.filter(
            status=AuthorizationStatus.APPROVED, ends_on__lte=today + timedelta(days=warn_days)
        ).order_by("ends_on")[:50]
    )
    authorizations_listed(user, list({a.pk: a for a in mine + waiting + expiring}.values()))
    return render(
        request,
        "investigations/index.html",
        {
            "mine": mine,
            "waiting": waiting,
            "expiring": expiring,
            "warn_days": warn_days,
            "can_request": user.in_role(Role.INVESTIGATOR),
            "is_authorizer": Power.AUTHORIZE_COVERT in user.powers(),
        },
    )


@login_required
def request_new(request: HttpRequest) -> HttpResponse:
    if not request.user.in_role(Role.INVESTIGATOR):
        messages.error(request, "Only investigators request alias authorizations.")
        return redirect("alias-index")
    form = AliasRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        on_duty = data.pop("on_duty")
        data["planned_activities"] = list(data["planned_activities"])
        try:
            auth = services.alias_request(actor=request.user, data=data, on_duty=on_duty)
        except DomainError as exc:
            for field, errors in exc.fields.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Requested. An authorizer named in the policy profile decides.")
            return redirect("alias-detail", pk=auth.pk)
    return render(request, "investigations/request.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    auth = authorization_for_read(request.user, pk)
    user = request.user
    return render(
        request,
        "investigations/detail.html",
        {
            "auth": auth,
            "uses": auth.uses.select_related("device", "member"),
            # The read above passed need-to-know: this object's restricted history is theirs to see.
            "history": AuditEvent.objects.for_object(auth).exclude(action="alias.viewed").order_by("id"),
            "is_requester": auth.requester_id == user.pk,
            "is_authorizer": Power.AUTHORIZE_COVERT in user.powers() and auth.requester_id != user.pk,
            "use_form": UseForm(
                initial={"occurred_at": timezone.localtime(clock.now()).strftime("%Y-%m-%dT%H:%M")}
            ),
            "renew_form": RenewForm(),
        },
    )


@login_required
@require_POST
def use_new(request: HttpRequest, pk: int) -> HttpResponse:
    auth = authorization_for_read(request.user, pk)
    form = UseForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            "The use was not recorded: " + "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()),
        )
        return redirect("alias-detail", pk=auth.pk)
    try:
        services.use_log_record(auth=auth, actor=request.user, data=dict(form.cleaned_data))
        messages.success(request, "Use recorded.")
    except DomainError as exc:
        messages.error(request, exc.message + " " + " ".join(e for v in exc.fields.values() for e in v))
    return redirect("alias-detail", pk=auth.pk)


@login_required
@require_POST
def decide(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    auth = authorization_for_read(request.user, pk)
    user = request.user
    form = DecisionForm(request.POST)
    form.is_valid()
    reason, note = form.cleaned_data.get("reason", ""), form.cleaned_data.get("note", "")
    calls = {
        "approve": lambda: services.alias_approve(auth=auth, actor=user, note=note),
        "reject": lambda: services.alias_reject(auth=auth, actor=user, reason=reason),
        "revoke": lambda: services.alias_revoke(auth=auth, actor=user, reason=reason),
        "close": lambda: services.alias_close(auth=auth, actor=user, reason=reason),
    }
    try:
        if action == "renew":
            renew = RenewForm(request.POST)
            if not renew.is_valid():
                messages.error(request, "Give the new term's start and end.")
                return redirect("alias-detail", pk=auth.pk)
            new = services.alias_renew(auth=auth, actor=user, **renew.cleaned_data)
            messages.success(request, "Renewal requested: it needs a new approval.")
            return redirect("alias-detail", pk=new.pk)
        if action not in calls:
            return redirect("alias-detail", pk=auth.pk)
        calls[action]()
        messages.success(
            request, f"Authorization {action}d." if action != "close" else "Authorization closed."
        )
    except DomainError as exc:
        messages.error(
            request,
            exc.message + " " + " ".join(e for v in exc.fields.values() for e in v if e != exc.message),
        )
    return redirect("alias-detail", pk=auth.pk)
