"""Browser pages for PIO staff and supervisors: queue, editor with live checks, review page,
moderation log. Thin: forms check shape, services decide, errors come back as messages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from accounts.models import AccountStatus, PolicyProfile, SocialAccount
from accounts.selectors import accounts_administered_by, is_account_admin
from audit.models import AuditEvent
from policy_portal import clock
from policy_portal.errors import DomainError

from . import checks, services
from .forms import CommentForm, DecisionForm, MediaForm, PostForm, PublishForm
from .models import BarredCommenter, ModeratedComment, Post, PostCategory, PostStatus, Severity
from .selectors import DUE_SOON, ON_TIME, OVERDUE, posts_for_queue, traffic_light


def _postable_accounts(user: Any):  # type: ignore[no-untyped-def]
    return accounts_administered_by(user).filter(status__in=[AccountStatus.ACTIVE, AccountStatus.APPROVED])


def _form_errors(form: Any, exc: DomainError) -> None:
    for field, errors in exc.fields.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)
    if not exc.fields or not any(f in form.fields for f in exc.fields):
        form.add_error(None, exc.message)


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
            _form_errors(form, exc)
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
            _form_errors(form, exc)
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
            _form_errors(form, exc)
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
