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
from .forms import (
    AccessRequestForm,
    AccountRegisterForm,
    ChecklistItemForm,
    DecisionForm,
    DirectiveIssueForm,
    MemberChoiceForm,
    ReasonForm,
)
from .models import (
    AccessAuthorization,
    AccessStatus,
    AccountStatus,
    DirectiveAcknowledgement,
    DirectiveVersion,
    Member,
    PolicyProfile,
    Power,
    Role,
    SocialAccount,
)
from .selectors import (
    access_awaiting,
    account_administrators_map,
    account_post_approvers_map,
    acknowledgement_status,
    can_approve_accounts,
    current_directive,
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
            exc.add_to_form(form)
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
            "member_choices": Member.objects.directory_for(user).order_by("username"),
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


# --- compliance: directive acknowledgements, device/access authorizations (A5), directory (E2) -------


@login_required
@require_GET
def directive_current(request: HttpRequest) -> HttpResponse:
    """The directive members must acknowledge, with its history."""
    version = current_directive()
    versions = DirectiveVersion.objects.filter(profile=PolicyProfile.objects.current()).select_related(
        "issued_by"
    )
    mine = set(
        DirectiveAcknowledgement.objects.filter(member=request.user, version__in=versions).values_list(
            "version_id", flat=True
        )
    )
    user = request.user
    return render(
        request,
        "compliance/directive.html",
        {
            "version": version,
            "versions": versions,
            "acknowledged": version is not None and version.pk in mine,
            "mine": mine,
            "can_issue": Power.ISSUE_DIRECTIVE in user.powers(),
            "can_follow": user.in_role(Role.SUPERVISOR)
            or user.in_role(Role.COMMAND)
            or user.in_role(Role.AUDITOR),
        },
    )


@login_required
@require_POST
def directive_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    version = get_object_or_404(DirectiveVersion, pk=pk, profile=PolicyProfile.objects.current())
    try:
        services.directive_acknowledge(member=request.user, version=version)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"You acknowledged {version.title}, version {version.version}.")
    target = request.POST.get("next", "")
    return redirect(target if target.startswith("/") and not target.startswith("//") else "directive")


@login_required
def directive_issue(request: HttpRequest) -> HttpResponse:
    if Power.ISSUE_DIRECTIVE not in request.user.powers():
        messages.error(
            request, "Only the chief or a designee named in the policy profile issues the directive."
        )
        return redirect("directive")
    form = DirectiveIssueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.directive_issue(actor=request.user, data=form.cleaned_data)
        except DomainError as exc:
            exc.add_to_form(form)
        else:
            messages.success(
                request,
                f"Version {version.version} issued. Every member must acknowledge it before using it.",
            )
            return redirect("directive")
    return render(
        request, "compliance/directive_issue.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
@require_GET
def directive_status(request: HttpRequest) -> HttpResponse:
    """Supervisors follow their unit and reports; command staff and auditors the whole department."""
    version = current_directive()
    members = acknowledgement_status(request.user, version) if version else []
    outstanding = [m for m in members if m.acknowledged_at is None]
    return render(
        request,
        "compliance/directive_status.html",
        {"version": version, "members": members, "outstanding": outstanding},
    )


@login_required
@require_GET
def access_list(request: HttpRequest) -> HttpResponse:
    visible = AccessAuthorization.objects.visible_to(request.user).select_related(
        "member", "unit", "device", "requested_by", "decided_by"
    )
    rows = list(visible[:200])
    return render(
        request,
        "compliance/access_list.html",
        {
            "rows": rows,
            "waiting": list(access_awaiting(request.user).select_related("member", "unit", "device")[:200]),
            "kinds": PolicyProfile.objects.current().access_authorization_kinds,
        },
    )


@login_required
def access_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    kinds = PolicyProfile.objects.current().access_authorization_kinds
    allow_unit = user.in_role(Role.SUPERVISOR) or user.in_role(Role.COMMAND)
    form = AccessRequestForm(request.POST or None, kinds=kinds, allow_unit=allow_unit)
    if request.method == "POST" and form.is_valid():
        try:
            auth = services.access_request(actor=user, data=form.cleaned_data)
        except DomainError as exc:
            exc.add_to_form(form)
        else:
            messages.success(request, "Request sent for a decision.")
            return redirect("access-detail", pk=auth.pk)
    return render(
        request,
        "compliance/access_new.html",
        {"form": form, "kinds": kinds},
        status=400 if form.errors else 200,
    )


def _visible_access(request: HttpRequest, pk: int) -> AccessAuthorization:
    return get_object_or_404(
        AccessAuthorization.objects.visible_to(request.user).select_related(
            "member", "unit", "device", "requested_by", "decided_by"
        ),
        pk=pk,
    )


@login_required
@require_GET
def access_detail(request: HttpRequest, pk: int) -> HttpResponse:
    auth = _visible_access(request, pk)
    user = request.user
    return render(
        request,
        "compliance/access_detail.html",
        {
            "auth": auth,
            "may_decide": auth.status == AccessStatus.REQUESTED and services.access_may_decide(user, auth),
            "may_withdraw": auth.status == AccessStatus.REQUESTED and auth.requested_by_id == user.pk,
            "may_revoke": auth.status == AccessStatus.GRANTED and services.access_may_decide(user, auth),
            "decision_form": DecisionForm(),
            "reason_form": ReasonForm(),
            "history": AuditEvent.objects.visible_to(user).for_object(auth).order_by("-id")[:50],
        },
    )


@login_required
@require_POST
def access_decide(request: HttpRequest, pk: int) -> HttpResponse:
    auth = _visible_access(request, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose grant or refuse and give the reasons.")
        return redirect("access-detail", pk=auth.pk)
    try:
        services.access_decide(
            authorization=auth,
            actor=request.user,
            grant=form.cleaned_data["decision"] == "grant",
            reasons=form.cleaned_data["reasons"],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, f"Authorization {'granted' if form.cleaned_data['decision'] == 'grant' else 'refused'}."
        )
    return redirect("access-detail", pk=auth.pk)


@login_required
@require_POST
def access_end(request: HttpRequest, pk: int) -> HttpResponse:
    auth = _visible_access(request, pk)
    form = ReasonForm(request.POST)
    try:
        ended = services.access_end(
            authorization=auth, actor=request.user, reasons=form.data.get("reason", "")
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Authorization {ended.get_status_display().lower()}.")
    return redirect("access-detail", pk=auth.pk)


@login_required
@require_GET
def member_directory(request: HttpRequest) -> HttpResponse:
    """E2 (BPD Personal use 4.b, HPPD III.A.10): undercover members appear only to those with need to know."""
    members = list(Member.objects.directory_for(request.user).select_related("unit", "supervisor"))
    # A supervisor who is undercover and outside the viewer's need to know is not named either.
    visible = {m.pk for m in members}
    return render(request, "compliance/directory.html", {"members": members, "visible": visible})
