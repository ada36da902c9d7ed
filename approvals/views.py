"""Browser pages for PIO staff and supervisors: queue, editor with live checks, review page,
moderation log. Thin: forms check shape, services decide, errors come back as messages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from accounts.forms import DecisionForm as PermissionDecisionForm
from accounts.models import AccountStatus, PolicyProfile, SocialAccount
from accounts.selectors import accounts_administered_by, is_account_admin
from accounts.services import approver_description
from audit.models import AuditEvent
from policy_portal import clock
from policy_portal.errors import DomainError

from . import checks, services
from .forms import (
    CommentForm,
    DecisionForm,
    MediaForm,
    PermissionRequestForm,
    PostForm,
    PublishForm,
    ReportCloseForm,
    ViolationReportForm,
)
from .models import (
    BarredCommenter,
    ModeratedComment,
    PermissionStatus,
    Post,
    PostCategory,
    PostStatus,
    ReportStatus,
    Severity,
    ViolationReport,
    WrittenPermission,
)
from .selectors import DUE_SOON, ON_TIME, OVERDUE, permissions_awaiting, posts_for_queue, traffic_light


def _postable_accounts(user: Any):  # type: ignore[no-untyped-def]
    return accounts_administered_by(user).filter(status__in=[AccountStatus.ACTIVE, AccountStatus.APPROVED])


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    filters = {k: request.GET.get(k, "") for k in ("account", "category", "status", "deadline")}
    if not any(filters.values()) and "all" not in request.GET:
        filters["status"] = PostStatus.SUBMITTED
    now = clock.now()
    profile = PolicyProfile.objects.current()
    page = Paginator(posts_for_queue(request.user, filters, now), 50).get_page(request.GET.get("page"))
    rows = [(p, traffic_light(p, now, profile)) for p in page]
    if filters["deadline"] in (DUE_SOON, ON_TIME):
        rows = [(p, light) for p, light in rows if light == filters["deadline"]]
    return render(
        request,
        "approvals/queue.html",
        {
            "rows": rows,
            "page": page,
            "filters": filters,
            "accounts": SocialAccount.objects.visible_to(request.user).exclude(status=AccountStatus.RETIRED),
            "categories": PostCategory.choices,
            "statuses": PostStatus.choices,
            "deadlines": [(ON_TIME, "On time"), (DUE_SOON, "Due soon"), (OVERDUE, "Overdue")],
            "can_draft": _postable_accounts(request.user).exists(),
        },
    )


@login_required
def post_new(request: HttpRequest) -> HttpResponse:
    accounts = _postable_accounts(request.user)
    form = PostForm(request.POST or None, accounts=accounts)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "account"}
        try:
            post = services.post_create(actor=request.user, account=form.cleaned_data["account"], data=data)
            if "submit" in request.POST:
                services.post_submit(post=post, actor=request.user)
                messages.success(request, "Submitted for approval.")
            else:
                messages.success(request, "Draft saved.")
            return redirect("post-detail", pk=post.pk)
        except DomainError as exc:
            if "post" in locals():
                messages.error(request, exc.message)
                return redirect("post-edit", pk=post.pk)
            exc.add_to_form(form)
    return render(
        request,
        "approvals/editor.html",
        {"form": form, "post": None, "has_accounts": accounts.exists()},
        status=400 if form.errors else 200,
    )


def _visible_post(request: HttpRequest, pk: int) -> Post:
    return get_object_or_404(Post.objects.visible_to(request.user).select_related("account", "author"), pk=pk)


@login_required
def post_edit(request: HttpRequest, pk: int) -> HttpResponse:
    post = _visible_post(request, pk)
    initial = {
        "account": post.account,
        "category": post.category,
        "body": post.body,
        "scheduled_for": post.scheduled_for,
        "likely_media_inquiry": post.likely_media_inquiry,
    }
    accounts = SocialAccount.objects.filter(pk=post.account_id)
    form = PostForm(request.POST or None, initial=initial, accounts=accounts)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "account"}
        try:
            services.post_update(post=post, actor=request.user, data=data)
            if "submit" in request.POST:
                services.post_submit(post=post, actor=request.user)
                messages.success(request, "Submitted for approval.")
            else:
                messages.success(request, "Saved.")
            return redirect("post-detail", pk=post.pk)
        except DomainError as exc:
            exc.add_to_form(form)
    return render(
        request,
        "approvals/editor.html",
        {
            "form": form,
            "post": post,
            "has_accounts": True,
            "findings": post.findings.all(),
            "media_form": MediaForm(),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def live_check(request: HttpRequest) -> HttpResponse:
    """htmx: the checks on the text being typed, before anything is saved (B3)."""
    body = request.POST.get("body", "")[:5000]
    hits = checks.run_checks(checks.CheckInput(text=body, undercover_names=checks.undercover_names()))
    return render(request, "approvals/_findings.html", {"findings": hits, "live": True})


@login_required
@require_POST
def post_media(request: HttpRequest, pk: int) -> HttpResponse:
    post = _visible_post(request, pk)
    form = MediaForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.post_add_media(
                post=post,
                actor=request.user,
                upload=form.cleaned_data["file"],
                source=form.cleaned_data["source"],
                licence=form.cleaned_data["licence"],
                licence_detail=form.cleaned_data["licence_detail"],
            )
            messages.success(request, "Media attached.")
        except DomainError as exc:
            messages.error(request, exc.message + " " + " ".join(e for v in exc.fields.values() for e in v))
    else:
        messages.error(request, "Choose a file to upload.")
    return redirect("post-detail", pk=post.pk)


@login_required
@require_GET
def post_detail(request: HttpRequest, pk: int) -> HttpResponse:
    post = _visible_post(request, pk)
    user = request.user
    findings = list(post.findings.all())
    return render(
        request,
        "approvals/review.html",
        {
            "post": post,
            "findings": findings,
            "warnings": [f for f in findings if f.severity == Severity.WARN],
            "warning_kinds": sorted(
                {
                    (f.detector, checks.DETECTOR_BY_CODE[f.detector].label, f.clause)
                    for f in findings
                    if f.severity == Severity.WARN and f.detector in checks.DETECTOR_BY_CODE
                }
            ),
            "blocking": [f for f in findings if f.severity == Severity.BLOCK],
            "light": traffic_light(post),
            "history": AuditEvent.objects.visible_to(user).for_object(post).order_by("id"),
            "escalations": post.escalations.all(),
            "is_admin": is_account_admin(user, post.account),
            "can_decide": services.can_approve_posts(user, post.account) and post.author_id != user.pk,
            "is_author": post.author_id == user.pk,
            "media_form": MediaForm(),
            "publish_form": PublishForm(),
            "disclaimer": PolicyProfile.objects.current().disclaimer_text,
        },
    )


@login_required
@require_POST
def post_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    post = _visible_post(request, pk)
    user = request.user
    form = DecisionForm(request.POST)
    form.fields["acknowledged_warnings"].choices = [
        (c, c) for c in request.POST.getlist("acknowledged_warnings")
    ]
    form.is_valid()
    data = form.cleaned_data
    publish = PublishForm(request.POST)
    publish.is_valid()
    calls = {
        "submit": (lambda: services.post_submit(post=post, actor=user), "Submitted for approval."),
        "approve": (
            lambda: services.post_approve(
                post=post,
                actor=user,
                comment=data.get("comment", ""),
                acknowledged_warnings=data.get("acknowledged_warnings", []),
                version=data.get("version"),
            ),
            "Approved.",
        ),
        "request-changes": (
            lambda: services.post_request_changes(post=post, actor=user, reason=data.get("reason", "")),
            "Changes requested.",
        ),
        "reject": (
            lambda: services.post_reject(post=post, actor=user, reason=data.get("reason", "")),
            "Rejected.",
        ),
        "withdraw": (
            lambda: services.post_withdraw(post=post, actor=user, reason=data.get("reason", "")),
            "Withdrawn.",
        ),
        "publish": (
            lambda: services.post_publish(
                post=post,
                actor=user,
                platform_url=publish.cleaned_data.get("platform_url") or "",
                platform_post_id=publish.cleaned_data.get("platform_post_id") or "",
            ),
            "Publication recorded.",
        ),
        "comment": (
            lambda: services.post_comment(post=post, actor=user, text=data.get("comment", "")),
            "Comment added.",
        ),
    }
    if action not in calls:
        return redirect("post-detail", pk=post.pk)
    fn, success = calls[action]
    try:
        fn()
    except DomainError as exc:
        details = [e for v in exc.fields.values() for e in v]
        messages.error(
            request,
            exc.message + (" — " + "; ".join(details) if details and exc.code != "blocking_findings" else ""),
        )
    else:
        messages.success(request, success)
    return redirect("post-detail", pk=post.pk)


@login_required
@require_POST
def commenter_bar(request: HttpRequest) -> HttpResponse:
    account = get_object_or_404(
        SocialAccount.objects.visible_to(request.user), pk=request.POST.get("account") or 0
    )
    try:
        services.commenter_bar(
            actor=request.user,
            account=account,
            handle=request.POST.get("author_handle", ""),
            reason=request.POST.get("reason", ""),
        )
        messages.success(request, "Commenter barred from this account.")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("moderation-log")


@login_required
def moderation_log(request: HttpRequest) -> HttpResponse:
    accounts = accounts_administered_by(request.user).exclude(status=AccountStatus.RETIRED)
    form = CommentForm(request.POST or None, accounts=accounts)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.comment_record(actor=request.user, account=data.pop("account"), data=data)
            messages.success(request, "Moderated comment recorded and preserved.")
            return redirect("moderation-log")
        except DomainError as exc:
            exc.add_to_form(form)
    comments = ModeratedComment.objects.visible_to(request.user).select_related("account", "moderated_by")
    threshold = PolicyProfile.objects.current().commenter_bar_threshold
    barred = set(
        BarredCommenter.objects.filter(lifted_at__isnull=True).values_list("account_id", "author_handle")
    )
    repeaters = [
        row
        for row in comments.values("account_id", "account__handle", "author_handle")
        .annotate(violations=Count("id"))
        .filter(violations__gte=threshold)
        .order_by("-violations")
        if (row["account_id"], row["author_handle"]) not in barred
    ]
    return render(
        request,
        "approvals/moderation.html",
        {
            "form": form,
            "comments": comments[:200],
            "threshold": threshold,
            "repeaters": repeaters,
            "can_record": accounts.exists(),
        },
        status=400 if form.errors else 200,
    )


# --- written permissions (B7) and violation reports (B8) -------------------------------------------


@login_required
@require_GET
def permission_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    visible = WrittenPermission.objects.visible_to(user).select_related(
        "requester", "subject_member", "decided_by"
    )
    rows = list(visible[:200])
    return render(
        request,
        "compliance/permission_list.html",
        {
            "mine": [p for p in rows if p.requester_id == user.pk],
            "waiting": list(permissions_awaiting(user).select_related("requester", "subject_member")[:200]),
            "others": [p for p in rows if p.requester_id != user.pk],
        },
    )


@login_required
def permission_new(request: HttpRequest) -> HttpResponse:
    form = PermissionRequestForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            permission = services.permission_request(actor=request.user, data=form.cleaned_data)
        except DomainError as exc:
            exc.add_to_form(form)
        else:
            messages.success(request, "Your request was sent for a decision.")
            return redirect("permission-detail", pk=permission.pk)
    kinds = PolicyProfile.objects.current().written_permission_kinds
    return render(
        request,
        "compliance/permission_new.html",
        {"form": form, "kinds": [(k, approver_description(k["approver"])) for k in kinds]},
        status=400 if form.errors else 200,
    )


def _visible_permission(request: HttpRequest, pk: int) -> WrittenPermission:
    return get_object_or_404(
        WrittenPermission.objects.visible_to(request.user).select_related(
            "requester", "subject_member", "decided_by"
        ),
        pk=pk,
    )


@login_required
@require_GET
def permission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    perm = _visible_permission(request, pk)
    user = request.user
    may_decide = services.permission_may_decide(user, perm)
    return render(
        request,
        "compliance/permission_detail.html",
        {
            "perm": perm,
            "approver": approver_description(perm.approver_rule),
            "may_decide": perm.status == PermissionStatus.REQUESTED and may_decide,
            "may_withdraw": perm.status == PermissionStatus.REQUESTED and perm.requester_id == user.pk,
            "may_revoke": perm.status == PermissionStatus.GRANTED and may_decide,
            "decision_form": PermissionDecisionForm(),
            "history": AuditEvent.objects.visible_to(user).for_object(perm).order_by("-id")[:50],
        },
    )


@login_required
@require_POST
def permission_decide(request: HttpRequest, pk: int) -> HttpResponse:
    perm = _visible_permission(request, pk)
    form = PermissionDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose grant or refuse and give the reasons; the expiry is a date.")
        return redirect("permission-detail", pk=perm.pk)
    grant = form.cleaned_data["decision"] == "grant"
    try:
        services.permission_decide(
            permission=perm,
            actor=request.user,
            grant=grant,
            reasons=form.cleaned_data["reasons"],
            expires_on=form.cleaned_data["expires_on"],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Permission granted." if grant else "Permission refused.")
    return redirect("permission-detail", pk=perm.pk)


@login_required
@require_POST
def permission_end(request: HttpRequest, pk: int) -> HttpResponse:
    perm = _visible_permission(request, pk)
    try:
        ended = services.permission_end(
            permission=perm, actor=request.user, reasons=request.POST.get("reason", "")
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Permission {ended.get_status_display().lower()}.")
    return redirect("permission-detail", pk=perm.pk)


@login_required
@require_GET
def violation_list(request: HttpRequest) -> HttpResponse:
    rows = list(
        ViolationReport.objects.visible_to(request.user).select_related(
            "reporter", "routed_to", "subject_member"
        )[:200]
    )
    return render(request, "compliance/violation_list.html", {"rows": rows})


@login_required
def violation_new(request: HttpRequest) -> HttpResponse:
    form = ViolationReportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "capture"}
        try:
            report = services.violation_report(
                actor=request.user, data=data, capture=form.cleaned_data["capture"]
            )
        except DomainError as exc:
            exc.add_to_form(form)
        else:
            whom = report.routed_to or "internal affairs"
            messages.success(request, f"Report sent to {whom}. You will be told its disposition.")
            return redirect("violation-detail", pk=report.pk)
    return render(
        request, "compliance/violation_new.html", {"form": form}, status=400 if form.errors else 200
    )


def _visible_report(request: HttpRequest, pk: int) -> ViolationReport:
    return get_object_or_404(
        ViolationReport.objects.visible_to(request.user).select_related(
            "reporter", "routed_to", "subject_member", "reviewed_by", "closed_by"
        ),
        pk=pk,
    )


@login_required
@require_GET
def violation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = _visible_report(request, pk)
    user = request.user
    may_handle = services.violation_may_handle(user, report)
    return render(
        request,
        "compliance/violation_detail.html",
        {
            "report": report,
            "may_review": may_handle and report.status == ReportStatus.OPEN,
            "may_close": may_handle and report.status != ReportStatus.CLOSED,
            "close_form": ReportCloseForm(),
            # Restricted events: the report passed visible_to above, and its trail goes with it (B8).
            "history": AuditEvent.objects.for_object(report).order_by("-id")[:50],
        },
    )


@login_required
@require_GET
def violation_capture(request: HttpRequest, pk: int) -> HttpResponse:
    report = _visible_report(request, pk)
    if not report.capture:
        raise Http404
    return FileResponse(
        report.capture.open("rb"), as_attachment=True, filename=report.capture_name or "capture"
    )


@login_required
@require_POST
def violation_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    report = _visible_report(request, pk)
    try:
        if action == "review":
            services.violation_review(report=report, actor=request.user)
            messages.success(request, "You took the report up for review.")
        elif action == "close":
            services.violation_close(
                report=report,
                actor=request.user,
                disposition=request.POST.get("disposition", ""),
                note=request.POST.get("disposition_note", ""),
            )
            messages.success(request, "Report closed with its disposition.")
        else:
            raise Http404
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("violation-detail", pk=report.pk)
