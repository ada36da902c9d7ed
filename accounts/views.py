"""Browser pages for members and department accounts. Thin: forms validate shape, services decide."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from audit.models import AuditEvent
from policy_portal.errors import DomainError

from . import services
from .forms import AccountRegisterForm, ChecklistItemForm, MemberChoiceForm, ReasonForm
from .models import AccountStatus, Member, SocialAccount
from .selectors import (
    account_administrators_map,
    account_post_approvers_map,
    can_approve_accounts,
    is_account_admin,
)


@login_required
@require_GET
def account_list(request: HttpRequest) -> HttpResponse:
    accounts = SocialAccount.objects.visible_to(request.user).select_related("approved_by")
    status = request.GET.get("status", "")
    if status in AccountStatus.values:
        accounts = accounts.filter(status=status)
    accounts = list(accounts)
    admins = account_administrators_map(accounts)
    rows = [(a, admins.get(a.pk, [])) for a in accounts]
    return render(
        request,
        "accounts/account_list.html",
        {
            "rows": rows,
            "status": status,
            "statuses": AccountStatus.choices,
            "can_register": request.user.has_perm("accounts.add_socialaccount"),
        },
    )


@login_required
def account_register(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("accounts.add_socialaccount"):
        messages.error(request, "Only PIO staff may register department social media accounts.")
        return redirect("account-list")
    form = AccountRegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "administrators"}
        admins = list(form.cleaned_data["administrators"]) or None
        try:
            account = services.account_register(actor=request.user, data=data, administrators=admins)
        except DomainError as exc:
            for field, errors in exc.fields.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
            if not exc.fields:
                form.add_error(None, exc.message)
        else:
            messages.success(request, f"{account} was proposed. It goes live after the chief's approval.")
            return redirect("account-detail", pk=account.pk)
    return render(request, "accounts/account_form.html", {"form": form}, status=400 if form.errors else 200)


def _visible_account(request: HttpRequest, pk: int) -> SocialAccount:
    return get_object_or_404(SocialAccount.objects.visible_to(request.user), pk=pk)


@login_required
@require_GET
def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    account = _visible_account(request, pk)
    user = request.user
    admin = is_account_admin(user, account)
    approver = can_approve_accounts(user)
    history = AuditEvent.objects.visible_to(user).for_object(account).order_by("-id")[:50]
    return render(
        request,
        "accounts/account_detail.html",
        {
            "account": account,
            "checklist": account.checklist_items.select_related("completed_by"),
            "administrators": account_administrators_map([account]).get(account.pk, []),
            "post_approvers": account_post_approvers_map([account]).get(account.pk, []),
            "history": history,
            "is_admin": admin,
            "is_approver": approver,
            "can_edit_checklist": (admin or approver) and account.status != AccountStatus.RETIRED,
            "missing": services.missing_checklist_items(account),
            "member_choices": Member.objects.active().order_by("username"),
            "reason_form": ReasonForm(),
        },
    )


def _run(request: HttpRequest, account: SocialAccount, fn, success: str) -> HttpResponse:  # type: ignore[no-untyped-def]
    try:
        fn()
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return redirect("account-detail", pk=account.pk)


@login_required
@require_POST
def account_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    account = _visible_account(request, pk)
    user = request.user
    reason = ReasonForm(request.POST)
    reason_text = reason.cleaned_data["reason"] if reason.is_valid() else ""
    actions = {
        "approve": (lambda: services.account_approve(account=account, actor=user), "Account approved."),
        "activate": (
            lambda: services.account_activate(account=account, actor=user),
            "Account is now active.",
        ),
        "suspend": (
            lambda: services.account_suspend(account=account, actor=user, reason=reason_text),
            "Account suspended.",
        ),
        "retire": (
            lambda: services.account_retire(account=account, actor=user, reason=reason_text),
            "Account retired.",
        ),
    }
    if action not in actions:
        return redirect("account-detail", pk=account.pk)
    fn, success = actions[action]
    return _run(request, account, fn, success)


@login_required
@require_POST
def account_checklist(request: HttpRequest, pk: int) -> HttpResponse:
    account = _visible_account(request, pk)
    form = ChecklistItemForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            services.account_checklist_set(account=account, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            error = exc.message
    else:
        error = "Invalid checklist update."
    if request.htmx:
        item = (
            account.checklist_items.select_related("completed_by")
            .filter(code=request.POST.get("code"))
            .first()
        )
        return render(
            request,
            "accounts/_checklist_item.html",
            {"item": item, "account": account, "can_edit_checklist": True, "error": error},
            status=400 if error else 200,
        )
    if error:
        messages.error(request, error)
    return redirect("account-detail", pk=account.pk)


@login_required
@require_POST
def account_add_administrator(request: HttpRequest, pk: int) -> HttpResponse:
    account = _visible_account(request, pk)
    form = MemberChoiceForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose an active member.")
        return redirect("account-detail", pk=account.pk)
    member = form.cleaned_data["member"]
    return _run(
        request,
        account,
        lambda: services.account_grant_administrator(account=account, actor=request.user, member=member),
        f"{member} now administers this account.",
    )


@login_required
@require_POST
def account_add_post_approver(request: HttpRequest, pk: int) -> HttpResponse:
    account = _visible_account(request, pk)
    form = MemberChoiceForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose an active member.")
        return redirect("account-detail", pk=account.pk)
    member = form.cleaned_data["member"]
    return _run(
        request,
        account,
        lambda: services.account_grant_post_approver(account=account, actor=request.user, member=member),
        f"{member} may now approve posts for this account.",
    )
