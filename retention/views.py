"""Browser pages for records officers (FOIA queue and request page, archive search, holds, schedules)
and the public §9(b) index of denials."""

from __future__ import annotations

import csv
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Member, Role
from audit.models import AuditEvent
from policy_portal.errors import DomainError

from . import services
from .models import (
    ArchivedRecord,
    DisposalBatch,
    ExportPackage,
    ExtensionReason,
    FoiaRequest,
    FoiaType,
    LegalHold,
    RecordSeries,
    ResponseType,
    Trigger,
    _records_staff,
)
from .selectors import OPEN_STATES, foia_light, public_denial_index


def _staff_only(request: HttpRequest) -> None:
    if not _records_staff(request.user):
        raise Http404


class FoiaForm(forms.Form):
    requester_name = forms.CharField(max_length=200)
    requester_contact = forms.CharField(max_length=300, required=False)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    received_at = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    request_type = forms.ChoiceField(choices=FoiaType.choices)
    assigned_officer = forms.ModelChoiceField(queryset=Member.objects.none())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assigned_officer"].queryset = Member.objects.active().filter(
            groups__name=Role.RECORDS.value
        )


def _errors_to_messages(request: HttpRequest, exc: DomainError) -> None:
    details = [e for v in exc.fields.values() for e in v if e != exc.message]
    messages.error(request, exc.message + (" — " + "; ".join(details) if details else ""))


@login_required
@require_GET
def foia_queue(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    show_all = request.GET.get("all") == "1"
    qs = FoiaRequest.objects.visible_to(request.user).select_related("assigned_officer")
    if not show_all:
        qs = qs.filter(status__in=OPEN_STATES)
    closed = services.closures()
    rows = [(r, *foia_light(r, closures=closed)) for r in qs[:200]]
    return render(request, "retention/foia_queue.html", {"rows": rows, "show_all": show_all})


@login_required
def foia_new(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    from django.utils import timezone

    form = FoiaForm(
        request.POST or None,
        initial={
            "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "assigned_officer": request.user.pk,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            req = services.foia_log(actor=request.user, data=dict(form.cleaned_data))
        except DomainError as exc:
            exc.add_to_form(form)
        else:
            messages.success(request, f"Logged. Response due {req.due_date:%A, %B %d, %Y} (5 ILCS 140 §3.5).")
            return redirect("foia-detail", pk=req.pk)
    return render(request, "retention/foia_new.html", {"form": form}, status=400 if form.errors else 200)


def _visible_request(request: HttpRequest, pk: int) -> FoiaRequest:
    return get_object_or_404(
        FoiaRequest.objects.visible_to(request.user).select_related("assigned_officer"), pk=pk
    )


@login_required
@require_GET
def foia_detail(request: HttpRequest, pk: int) -> HttpResponse:
    req = _visible_request(request, pk)
    query = request.GET.get("q", "")
    responsive = list(services.foia_responsive_records(req).select_related("series"))
    results = list(services.archive_search(request.user, query)[:50]) if query else []
    light, left = foia_light(req, closures=services.closures())
    return render(
        request,
        "retention/foia_detail.html",
        {
            "req": req,
            "light": light,
            "left": left,
            "query": query,
            "results": results,
            "responsive": responsive,
            "withholdings": req.withholdings.select_related("record", "officer"),
            "extension_reasons": ExtensionReason.choices,
            "response_types": ResponseType.choices,
            "history": AuditEvent.objects.visible_to(request.user).for_object(req).order_by("id"),
            "exports": getattr(req, "exports", None) and req.exports.order_by("-id"),
        },
    )


@login_required
@require_POST
def foia_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    req = _visible_request(request, pk)
    user, post = request.user, request.POST
    try:
        if action == "extend":
            services.foia_extend(req=req, actor=user, reason=post.get("reason", ""))
            messages.success(request, "Extended. Tell the requester the reason and the new date.")
        elif action == "responsive":
            ids = [int(i) for i in post.getlist("records") if i.isdigit()]
            records = list(ArchivedRecord.objects.visible_to(user).filter(pk__in=ids))
            services.foia_add_responsive(req=req, actor=user, records=records)
            messages.success(
                request, f"{len(records)} record(s) marked responsive and held while the request is open."
            )
        elif action == "redact":
            record = ArchivedRecord.objects.visible_to(user).filter(pk=post.get("record") or 0).first()
            whole = post.get("whole_item") == "on"
            start = end = None
            if record is not None and not whole:
                text = post.get("redact_text", "")
                found = record.content_text.find(text) if text else -1
                if found < 0:
                    raise DomainError(
                        "The text to redact does not occur in that record.", fields={"redact_text": []}
                    )
                start, end = found, found + len(text)
            services.withholding_add(
                req=req,
                actor=user,
                record=record,
                exemption=post.get("exemption", ""),
                whole_item=whole,
                span_start=start,
                span_end=end,
                basis=post.get("basis", ""),
            )
            messages.success(request, "Redaction recorded with its exemption.")
        elif action == "voluminous-notice":
            services.foia_voluminous_notice(req=req, actor=user)
            messages.success(
                request, "Voluminous notice recorded; the requester has 10 business days to narrow."
            )
        elif action == "narrowed":
            services.foia_narrowed(req=req, actor=user, description=post.get("description", ""))
            messages.success(request, "Narrowed request recorded; the clock restarts at 5 business days.")
        elif action == "respond":
            services.foia_respond(
                req=req, actor=user, response_type=post.get("response_type", ""), basis=post.get("basis", "")
            )
            messages.success(request, "Response recorded.")
        elif action == "close":
            services.foia_close(req=req, actor=user)
            messages.success(request, "Closed; its automatic holds are released.")
    except DomainError as exc:
        _errors_to_messages(request, exc)
    return redirect("foia-detail", pk=req.pk)


@login_required
@require_GET
def archive(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    query = request.GET.get("q", "")
    records = services.archive_search(request.user, query)[:100]
    return render(request, "retention/archive.html", {"records": records, "query": query})


@login_required
def holds(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    if request.method == "POST":
        data = {
            k: request.POST.get(k) or None
            for k in ("matter", "search", "date_from", "date_to", "case_number")
        }
        try:
            services.hold_create(actor=request.user, data=data)
            messages.success(request, "Legal hold placed.")
            return redirect("records-holds")
        except DomainError as exc:
            _errors_to_messages(request, exc)
    return render(
        request,
        "retention/holds.html",
        {"holds": LegalHold.objects.visible_to(request.user).select_related("created_by", "foia_request")},
    )


@login_required
@require_POST
def hold_release(request: HttpRequest, pk: int) -> HttpResponse:
    hold = get_object_or_404(LegalHold.objects.visible_to(request.user), pk=pk)
    try:
        services.hold_release(hold=hold, actor=request.user, reason=request.POST.get("reason", ""))
        messages.success(request, "Hold released.")
    except DomainError as exc:
        _errors_to_messages(request, exc)
    return redirect("records-holds")


@login_required
def schedules(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    if request.method == "POST":
        series = RecordSeries.objects.filter(pk=request.POST.get("series") or 0).first()
        try:
            services.schedule_save(actor=request.user, data=request.POST.dict(), series=series)
            messages.success(request, "Schedule saved.")
            return redirect("records-schedules")
        except DomainError as exc:
            _errors_to_messages(request, exc)
    return render(
        request,
        "retention/schedules.html",
        {"series": RecordSeries.objects.all(), "triggers": Trigger.choices},
    )


@require_GET
def denial_index(request: HttpRequest) -> HttpResponse:
    """5 ILCS 140 §9(b): open to the public, no sign-in."""
    return render(request, "retention/denials.html", {"rows": public_denial_index()})


@require_GET
def denial_index_csv(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="foia-denials-by-exemption.csv"'
    writer = csv.writer(response)
    writer.writerow(
        ["exemption", "request", "responded", "response", "whole_item", "request_description", "basis"]
    )
    for w in public_denial_index():
        writer.writerow(
            [
                w.exemption,
                w.foia_request_id,
                f"{w.foia_request.responded_at:%Y-%m-%d}",
                w.foia_request.response_type,
                w.whole_item,
                w.foia_request.description,
                w.basis,
            ]
        )
    return response


@login_required
@require_POST
def export_start(request: HttpRequest, pk: int) -> HttpResponse:
    from .exports import export_create

    req = _visible_request(request, pk)
    ids = [int(i) for i in request.POST.getlist("records") if i.isdigit()]
    records = list(ArchivedRecord.objects.visible_to(request.user).filter(pk__in=ids))
    try:
        export_create(actor=request.user, req=req, records=records)
        messages.success(request, "Export started: the package is being built.")
    except DomainError as exc:
        _errors_to_messages(request, exc)
    return redirect("foia-detail", pk=req.pk)


def _visible_export(request: HttpRequest, pk: int) -> ExportPackage:
    return get_object_or_404(ExportPackage.objects.visible_to(request.user), pk=pk)


@login_required
@require_GET
def export_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx: the progress bar polls this until the package is ready."""
    return render(request, "retention/_export.html", {"export": _visible_export(request, pk)})


@login_required
@require_GET
def export_download(request: HttpRequest, pk: int) -> HttpResponse:
    from .exports import export_file_response

    return export_file_response(package=_visible_export(request, pk), actor=request.user)


@login_required
@require_GET
def disposal_list(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    batches = DisposalBatch.objects.visible_to(request.user).select_related("series")
    return render(request, "retention/disposal_list.html", {"batches": batches})


@login_required
@require_GET
def disposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(DisposalBatch.objects.visible_to(request.user).select_related("series"), pk=pk)
    return render(
        request,
        "retention/disposal_detail.html",
        {"batch": batch, "items": batch.items.select_related("record"), "tombstones": batch.tombstones.all()},
    )


@login_required
@require_POST
def disposal_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    from datetime import date

    from . import disposal

    batch = get_object_or_404(DisposalBatch.objects.visible_to(request.user), pk=pk)
    try:
        if action == "certify":
            disposal.disposal_certify(batch=batch, actor=request.user)
        elif action == "submit":
            raw = request.POST.get("submitted_on") or ""
            disposal.disposal_submit(
                batch=batch, actor=request.user, submitted_on=date.fromisoformat(raw) if raw else None
            )
        elif action == "approve":
            disposal.disposal_approve(
                batch=batch, actor=request.user, approved_copy=request.FILES.get("approved_copy")
            )
        elif action == "execute":
            disposal.disposal_execute(batch=batch, actor=request.user)
        messages.success(request, "Done.")
    except ValueError:
        messages.error(request, "Give the date as YYYY-MM-DD.")
    except DomainError as exc:
        _errors_to_messages(request, exc)
    return redirect("disposal-detail", pk=batch.pk)
