"""Browser pages for alias authorizations (C1–C8) and background/internal reviews (E1). Every object page
starts from the need-to-know read: hidden is not found."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from accounts.models import PolicyProfile, Power, Role
from audit.models import AuditEvent
from policy_portal import clock
from policy_portal.errors import DomainError

from . import services
from .forms import (
    CREDENTIAL_NOTICE,
    AliasRequestForm,
    BackgroundReviewOpenForm,
    DecisionForm,
    RenewForm,
    ReviewCloseForm,
    ReviewEntryForm,
    UseForm,
)
from .models import AliasAuthorization, AuthorizationStatus, BackgroundReview
from .selectors import (
    authorization_for_read,
    authorizations_listed,
    awaiting_decision,
    background_review_for_read,
)


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
            exc.add_to_form(form, with_message=True)
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


# --- background and internal investigation reviews (E1: HPPD IV, V; 820 ILCS 55/10) ------------------


def _submitted(request: HttpRequest) -> QueryDict:
    """Everything the browser sent — every POST key, not only the form's fields, and every uploaded
    file — for the service's credential screen (HPPD IV.C, V.C; 820 ILCS 55/10)."""
    data = request.POST.copy()
    data.pop("csrfmiddlewaretoken", None)
    data.update(request.FILES)
    return data


def _refused(form: forms.Form, exc: DomainError) -> None:
    if exc.code == "credential_refused":
        # The page must not hand a refused password back either: the field comes back empty.
        form.data = form.data.copy()
        for field in exc.fields:
            if field in form.fields:
                form.data[field] = ""
    exc.add_to_form(form, with_message=True)


def _may_open_reviews(user: Any) -> bool:
    return bool(set(user.groups.values_list("name", flat=True)) & services.REVIEW_OPENERS)


def _review_page(
    request: HttpRequest,
    review: BackgroundReview,
    *,
    entry_form: ReviewEntryForm | None = None,
    close_form: ReviewCloseForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    writer = review.reviewer_id == user.pk or user.in_role(Role.INTERNAL_AFFAIRS)
    initial = {"viewed_at": timezone.localtime(clock.now()).strftime("%Y-%m-%dT%H:%M")}
    return render(
        request,
        "investigations/reviews/detail.html",
        {
            "review": review,
            "entries": review.entries.all(),
            "may_write": writer and review.status in BackgroundReview.RECORDING,
            "entry_form": entry_form or ReviewEntryForm(initial=initial),
            "close_form": close_form or ReviewCloseForm(),
            "history": AuditEvent.objects.for_object(review).order_by("id"),
            "notice": CREDENTIAL_NOTICE,
        },
        status=status,
    )


@login_required
@require_GET
def review_index(request: HttpRequest) -> HttpResponse:
    """E1: the reviews this member may read (reviewer, internal affairs, auditors; never their own)."""
    reviews = (
        BackgroundReview.objects.visible_to(request.user)
        .select_related("reviewer", "subject_member")
        .annotate(entry_count=Count("entries"))
        .order_by("-opened_at", "-pk")[:200]
    )
    return render(
        request,
        "investigations/reviews/index.html",
        {"reviews": reviews, "may_open": _may_open_reviews(request.user), "notice": CREDENTIAL_NOTICE},
    )


@login_required
def review_new(request: HttpRequest) -> HttpResponse:
    """E1: internal affairs or command staff open a review; everyone else is refused (403)."""
    context: dict[str, Any] = {"form": None, "notice": CREDENTIAL_NOTICE}
    if not _may_open_reviews(request.user):
        return render(request, "investigations/reviews/new.html", context, status=403)
    form = context["form"] = BackgroundReviewOpenForm(request.POST or None)
    if request.method != "POST":
        return render(request, "investigations/reviews/new.html", context)
    status = 400
    if form.is_valid():
        try:
            review = services.background_review_open(actor=request.user, data=_submitted(request))
        except DomainError as exc:
            _refused(form, exc)
            status = exc.status_code
        else:
            messages.success(request, "Review opened. Record only public-domain content.")
            return redirect("review-detail", pk=review.pk)
    return render(request, "investigations/reviews/new.html", context, status=status)


@login_required
@require_GET
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _review_page(request, background_review_for_read(request.user, pk))


@login_required
@require_POST
def review_entry(request: HttpRequest, pk: int) -> HttpResponse:
    """E1: record what was viewed (HPPD IV.A, V.A, V.B); a credential is refused with 400, nothing saved."""
    review = background_review_for_read(request.user, pk)
    form = ReviewEntryForm(request.POST)
    if not form.is_valid():
        return _review_page(request, review, entry_form=form, status=400)
    try:
        services.background_review_add_entry(review=review, actor=request.user, data=_submitted(request))
    except DomainError as exc:
        _refused(form, exc)
        return _review_page(request, review, entry_form=form, status=exc.status_code)
    messages.success(request, "Recorded.")
    return redirect("review-detail", pk=review.pk)


@login_required
@require_POST
def review_close(request: HttpRequest, pk: int) -> HttpResponse:
    review = background_review_for_read(request.user, pk)
    form = ReviewCloseForm(request.POST)
    if not form.is_valid():
        return _review_page(request, review, close_form=form, status=400)
    try:
        services.background_review_close(review=review, actor=request.user, data=_submitted(request))
    except DomainError as exc:
        _refused(form, exc)
        return _review_page(request, review, close_form=form, status=exc.status_code)
    messages.success(request, "Review closed.")
    return redirect("review-detail", pk=review.pk)
