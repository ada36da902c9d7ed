"""Every write about the archive, schedules, legal holds and FOIA requests (policy-map D1–D3)."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.models import Member, PolicyProfile, Role, SocialAccount
from accounts.notifications import notify
from audit.services import audit_record
from policy_portal import clock
from policy_portal.errors import Conflict, InvalidInput, NotPermitted
from policy_portal.workflow import require_transition

from . import foia_clock
from .models import (
    ArchivedRecord,
    Audience,
    ExtensionReason,
    FoiaRequest,
    FoiaStatus,
    FoiaType,
    LegalHold,
    RecordSeries,
    ResponseType,
    Trigger,
    Withholding,
)

EXEMPTION = re.compile(r"^(7\(1\)\([a-z]{1,2}\)|7\.5\([a-z]{1,3}\))$")
DEFAULT_SERIES = {
    "social-media-posts": (
        "Social media posts (published, with approval chain)",
        "published",
        "post_retention_days",
    ),
    "moderated-comments": ("Moderated comments on department pages", "created", "comment_retention_days"),
    "investigative-social-media": (
        "Investigative social media authorizations and use logs",
        "case_closed",
        "investigation_retention_days",
    ),
}


def _require_records_officer(actor: Member) -> None:
    if not (actor.is_active and (actor.in_role(Role.RECORDS) or actor.is_superuser)):
        raise NotPermitted("Only records officers do this.")


def closures() -> list[date]:
    return [date.fromisoformat(d) for d in PolicyProfile.objects.current().closure_days]


def canonical_sha256(content: dict[str, Any]) -> str:
    return hashlib.sha256(
        json.dumps(content, sort_keys=True, separators=(",", ":"), default=str).encode()
    ).hexdigest()


# --- archive (D1) ------------------------------------------------------------------------------------


def series_for(code: str) -> RecordSeries:
    """The default series of the profile; a records officer sets the approved schedule numbers."""
    title, trigger, days_key = DEFAULT_SERIES[code]
    days = int(PolicyProfile.objects.current().retention_defaults.get(days_key, 1095))
    series, _ = RecordSeries.objects.get_or_create(
        code=code,
        defaults={
            "title": title,
            "schedule_number": "to be entered",
            "item_number": "to be entered",
            "trigger": trigger,
            "retention_days": days,
        },
    )
    return series


def archive_capture(
    *,
    kind: str,
    source: Any,
    title: str,
    content: dict[str, Any],
    text: str,
    series_code: str,
    account: SocialAccount | None = None,
    audience: str = Audience.PUBLIC,
    case_number: str = "",
    now: datetime | None = None,
) -> ArchivedRecord:
    """D1 (CPD III.C.3.b–c, BPD Platform 2.c–e, HPPD I.C.1–2): snapshot content with its SHA-256.
    Called inside the producer's transaction, so a publication and its archive copy commit together."""
    now = now or clock.now()
    source_type, source_id = source._meta.label_lower, str(source.pk)
    with transaction.atomic():
        last = (
            (
                ArchivedRecord.objects.select_for_update()
                .filter(source_type=source_type, source_id=source_id)
                .aggregate(v=Max("version"))["v"]
            )
            or 0
        )
        record = ArchivedRecord.objects.create(
            series=series_for(series_code),
            kind=kind,
            source_type=source_type,
            source_id=source_id,
            version=last + 1,
            title=title[:300],
            content=json.loads(json.dumps(content, default=str)),
            content_text=text,
            content_sha256=canonical_sha256(content),
            account=account,
            audience=audience,
            case_number=case_number[:40],
            captured_at=now,
            trigger_date=timezone.localdate(now),
        )
        audit_record(
            action="record.captured",
            obj=record,
            after={"sha256": record.content_sha256, "version": record.version},
            now=now,
            sensitivity="restricted" if audience == Audience.INVESTIGATIONS else "normal",
        )
    return record


def archive_search(user: Any, query: str = "") -> QuerySet[ArchivedRecord]:
    """Full-text search for records officers: PostgreSQL full-text where available, substring elsewhere."""
    from django.db import connection

    qs = ArchivedRecord.objects.visible_to(user).select_related("series", "account")
    query = (query or "").strip()
    if not query:
        return qs
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVector

        return qs.annotate(search=SearchVector("title", "content_text")).filter(
            Q(search=SearchQuery(query, search_type="websearch")) | Q(content_text__icontains=query)
        )
    return qs.filter(Q(content_text__icontains=query) | Q(title__icontains=query))


# --- schedules and holds (D2) ------------------------------------------------------------------------


def schedule_save(*, actor: Member, data: dict[str, Any], series: RecordSeries | None = None) -> RecordSeries:
    """50 ILCS 205: each series carries its approved schedule and item numbers."""
    _require_records_officer(actor)
    errors: dict[str, list[str]] = {}
    fields = {}
    for name in ("code", "title", "schedule_number", "item_number"):
        value = str(data.get(name, getattr(series, name, "")) or "").strip()
        if not value:
            errors[name] = ["This field is required."]
        fields[name] = value
    trigger = data.get("trigger", getattr(series, "trigger", ""))
    if trigger not in Trigger.values:
        errors["trigger"] = [f"Choose one of: {', '.join(Trigger.values)}."]
    try:
        days = int(data.get("retention_days", getattr(series, "retention_days", 0)))
        if days < 1:
            raise ValueError
    except (TypeError, ValueError):
        errors["retention_days"] = ["A positive number of days."]
        days = 0
    if errors:
        raise InvalidInput("The schedule has invalid fields.", fields=errors)
    with transaction.atomic():
        before = {"retention_days": series.retention_days} if series else {}
        if series is None:
            if RecordSeries.objects.filter(code=fields["code"]).exists():
                raise InvalidInput.for_field("code", "A series with this code exists.")
            series = RecordSeries.objects.create(trigger=trigger, retention_days=days, **fields)
        else:
            for k, v in {**fields, "trigger": trigger, "retention_days": days}.items():
                setattr(series, k, v)
            series.save()
        audit_record(
            action="schedule.saved",
            actor=actor,
            obj=series,
            before=before,
            after={"retention_days": days, "schedule": series.schedule_number, "item": series.item_number},
        )
    return series


def hold_create(
    *,
    actor: Member,
    data: dict[str, Any],
    records: list[ArchivedRecord] | None = None,
    foia_request: FoiaRequest | None = None,
    now: datetime | None = None,
) -> LegalHold:
    _require_records_officer(actor)
    matter = str(data.get("matter") or "").strip()
    if not matter:
        raise InvalidInput.for_field("matter", "Name the matter.")
    scope = {k: data.get(k) for k in ("account", "series", "date_from", "date_to")}
    scope["case_number"] = str(data.get("case_number") or "").strip()[:40]
    search = str(data.get("search") or "").strip()
    if records:
        require_archive_view(actor, records)
    if not any(scope.values()) and not search and not records:
        raise InvalidInput.for_field(
            "search", "Give a scope: account, series, dates, search text or records."
        )
    now = now or clock.now()
    with transaction.atomic():
        hold = LegalHold.objects.create(
            matter=matter[:200],
            search=search[:200],
            foia_request=foia_request,
            created_by=actor,
            created_at=now,
            **scope,
        )
        if records:
            hold.records.add(*records)
        audit_record(
            action="hold.created",
            actor=actor,
            obj=hold,
            after={"matter": hold.matter, "records": [r.pk for r in records or []]},
            now=now,
        )
    return hold


def hold_release(*, hold: LegalHold, actor: Member, reason: str, now: datetime | None = None) -> LegalHold:
    _require_records_officer(actor)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput.for_field("reason", "Give a reason.")
    now = now or clock.now()
    with transaction.atomic():
        hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
        if hold.released_at:
            raise Conflict("This hold was already released.", code="illegal_transition")
        if hold.foia_request_id and hold.foia_request.status != FoiaStatus.CLOSED:
            raise Conflict(
                "This hold protects an open FOIA request; close the request first.", code="foia_open"
            )
        hold.released_at, hold.released_by, hold.release_reason = now, actor, reason
        hold.save(update_fields=["released_at", "released_by", "release_reason"])
        audit_record(action="hold.released", actor=actor, obj=hold, after={"reason": reason}, now=now)
    return hold


def held_records(records: QuerySet[ArchivedRecord]) -> QuerySet[ArchivedRecord]:
    """The records in ``records`` that any active hold covers: one query, whatever the counts (D2)."""
    condition = Q(pk__in=[])
    for hold in LegalHold.objects.active().prefetch_related(None):
        scope = Q()
        if hold.account_id:
            scope &= Q(account_id=hold.account_id)
        if hold.series_id:
            scope &= Q(series_id=hold.series_id)
        if hold.date_from:
            scope &= Q(trigger_date__gte=hold.date_from)
        if hold.date_to:
            scope &= Q(trigger_date__lte=hold.date_to)
        if hold.search:
            scope &= Q(content_text__icontains=hold.search)
        if hold.case_number:
            scope &= Q(case_number=hold.case_number)
        named = Q(holds=hold)
        has_scope = any(
            [hold.account_id, hold.series_id, hold.date_from, hold.date_to, hold.search, hold.case_number]
        )
        condition |= (scope | named) if has_scope else named
    return records.filter(condition).distinct()


# --- FOIA (D3) ---------------------------------------------------------------------------------------


def foia_due_date(request_type: str, received: date) -> date:
    """§3(d) standard 5, §3.1 commercial 21, §3.2 recurrent 21 business days; §3.6 voluminous: notice in
    5 business days (the requester then has 10 to narrow)."""
    return foia_clock.add_business_days(received, foia_clock.BUSINESS_DAYS[request_type], closures())


def foia_log(*, actor: Member, data: dict[str, Any], now: datetime | None = None) -> FoiaRequest:
    """5 ILCS 140 §3.5: note the date received and the computed due date on each request."""
    _require_records_officer(actor)
    errors: dict[str, list[str]] = {}
    name = str(data.get("requester_name") or "").replace("\x00", "").strip()
    description = str(data.get("description") or "").replace("\x00", "").strip()
    if not name:
        errors["requester_name"] = ["This field is required."]
    if not description:
        errors["description"] = ["This field is required."]
    request_type = data.get("request_type")
    if request_type not in FoiaType.values:
        errors["request_type"] = [f"Choose one of: {', '.join(FoiaType.values)}."]
    received_at = data.get("received_at") or now or clock.now()
    if not isinstance(received_at, datetime):
        errors["received_at"] = ["Give the date and time received."]
    elif received_at > (now or clock.now()) + timedelta(minutes=5):
        errors["received_at"] = ["A request cannot be received in the future."]
    officer = data.get("assigned_officer") or actor
    if not isinstance(officer, Member) or not officer.in_role(Role.RECORDS):
        errors["assigned_officer"] = ["Assign a records officer."]
    if errors:
        raise InvalidInput("The request has invalid fields.", fields=errors)
    due = foia_due_date(request_type, timezone.localdate(received_at))
    with transaction.atomic():
        req = FoiaRequest.objects.create(
            requester_name=name[:200],
            requester_contact=str(data.get("requester_contact") or "")[:300],
            description=description,
            received_at=received_at,
            request_type=request_type,
            assigned_officer=officer,
            due_date=due,
            original_due_date=due,
            created_by=actor,
            status=FoiaStatus.OPEN,
        )
        audit_record(
            action="foia.logged",
            actor=actor,
            obj=req,
            after={"type": request_type, "received": received_at, "due_date": due},
            now=now,
        )
    return req


def _locked_request(req: FoiaRequest) -> FoiaRequest:
    return FoiaRequest.objects.select_for_update().get(pk=req.pk)


def foia_extend(*, req: FoiaRequest, actor: Member, reason: str, now: datetime | None = None) -> FoiaRequest:
    """§3(e)–(f): one extension of up to 5 business days, for a listed reason, decided and notified
    within the original 5 business days."""
    _require_records_officer(actor)
    if reason not in ExtensionReason.values:
        raise InvalidInput.for_field(
            "reason", "Choose one of the §3(e) reasons: " + ", ".join(ExtensionReason.values)
        )
    now = now or clock.now()
    with transaction.atomic():
        req = _locked_request(req)
        if req.request_type != FoiaType.STANDARD:
            raise Conflict("Only a standard request can be extended under §3(e).", code="not_extendable")
        if req.extension_reason:
            raise Conflict("A request may be extended only once (§3(e)).", code="already_extended")
        if timezone.localdate(now) > req.original_due_date:
            raise Conflict(
                "The extension must be made within the original 5 business days (§3(f)).",
                code="too_late",
                fields={"reason": [f"The original due date was {req.original_due_date}."]},
            )
        require_transition(
            FoiaRequest.TRANSITIONS, req.status, FoiaStatus.EXTENDED, noun="request", verb="extend"
        )
        req.due_date = foia_clock.add_business_days(
            req.original_due_date, foia_clock.EXTENSION_DAYS, closures()
        )
        req.extension_reason, req.extended_at, req.status = reason, now, FoiaStatus.EXTENDED
        req.reminded_at = None
        req.save(update_fields=["due_date", "extension_reason", "extended_at", "status", "reminded_at"])
        audit_record(
            action="foia.extended",
            actor=actor,
            obj=req,
            after={"reason": reason, "due_date": req.due_date},
            now=now,
        )
    return req


def require_archive_view(actor: Member, records: list[ArchivedRecord], *, field: str = "records") -> None:
    """Records outside the actor's archive view — investigation records under need to know (C8) — are
    refused with the same answer as records that do not exist, so they never enter a hold, a FOIA
    request or a package through this door."""
    ids = {r.pk for r in records}
    if len(ids) != ArchivedRecord.objects.visible_to(actor).filter(pk__in=ids).count():
        raise InvalidInput.for_field(field, "Some records do not exist.")


def foia_add_responsive(
    *, req: FoiaRequest, actor: Member, records: list[ArchivedRecord], now: datetime | None = None
) -> LegalHold:
    """Responsive records are held automatically until the request is closed (50 ILCS 205; D2)."""
    _require_records_officer(actor)
    if not records:
        raise InvalidInput.for_field("records", "Pick at least one record.")
    require_archive_view(actor, records)
    with transaction.atomic():
        req = _locked_request(req)
        if req.status == FoiaStatus.CLOSED:
            raise Conflict("The request is closed.", code="closed")
        hold = req.holds.filter(released_at__isnull=True).first()
        if hold is None:
            hold = hold_create(
                actor=actor,
                data={"matter": f"FOIA #{req.pk} (automatic)"},
                records=records,
                foia_request=req,
                now=now,
            )
        else:
            hold.records.add(*records)
            audit_record(
                action="hold.records_added",
                actor=actor,
                obj=hold,
                after={"records": [r.pk for r in records]},
                now=now,
            )
    return hold


def foia_responsive_records(req: FoiaRequest) -> QuerySet[ArchivedRecord]:
    return ArchivedRecord.objects.filter(holds__foia_request=req).distinct()


def withholding_add(
    *,
    req: FoiaRequest,
    actor: Member,
    exemption: str,
    record: ArchivedRecord | None = None,
    whole_item: bool = False,
    span_start: int | None = None,
    span_end: int | None = None,
    basis: str = "",
    now: datetime | None = None,
) -> Withholding:
    """§7 / §7.5 and §9(a): every withheld item or redaction cites the subsection relied on."""
    _require_records_officer(actor)
    exemption = (exemption or "").replace(" ", "")
    errors: dict[str, list[str]] = {}
    if not EXEMPTION.match(exemption):
        errors["exemption"] = ["Cite a subsection of §7 or §7.5, e.g. 7(1)(c) or 7.5(v)."]
    if record is not None and not foia_responsive_records(req).filter(pk=record.pk).exists():
        errors["record"] = ["Pick the record among this request's responsive records."]
    if not whole_item:
        text_length = len(record.content_text) if record else 0
        if span_start is None or span_end is None or not 0 <= span_start < span_end <= text_length:
            errors["span_start"] = [
                f"Give a span inside the record's text (0–{text_length}) or withhold the whole item."
            ]
    if errors:
        raise InvalidInput("The redaction has invalid fields.", fields=errors)
    with transaction.atomic():
        w = Withholding.objects.create(
            foia_request=req,
            record=record,
            whole_item=whole_item,
            span_start=None if whole_item else span_start,
            span_end=None if whole_item else span_end,
            exemption=exemption,
            basis=(basis or "").strip(),
            officer=actor,
            created_at=now or clock.now(),
        )
        audit_record(
            action="foia.withholding",
            actor=actor,
            obj=req,
            after={
                "record": record.pk if record else None,
                "exemption": exemption,
                "whole": whole_item,
                "span": [span_start, span_end],
            },
            now=now,
        )
    return w


def foia_respond(
    *, req: FoiaRequest, actor: Member, response_type: str, basis: str = "", now: datetime | None = None
) -> FoiaRequest:
    """Full grant, partial or denial; a partial grant or a denial rests on cited exemptions and states its
    basis and the appeal rights (§9(a))."""
    _require_records_officer(actor)
    if response_type not in ResponseType.values:
        raise InvalidInput.for_field("response_type", f"Choose one of: {', '.join(ResponseType.values)}.")
    basis = (basis or "").strip()
    now = now or clock.now()
    with transaction.atomic():
        req = _locked_request(req)
        if response_type != ResponseType.GRANT:
            if not req.withholdings.exists():
                raise InvalidInput.for_field(
                    "response_type",
                    "A partial grant or denial needs at least one "
                    "withheld item or redaction citing its exemption (§7, §9(a)).",
                )
            if not basis:
                raise InvalidInput.for_field(
                    "basis", "State the basis for the denial and the appeal rights (§9(a))."
                )
        require_transition(
            FoiaRequest.TRANSITIONS, req.status, FoiaStatus.RESPONDED, noun="request", verb="respond to"
        )
        req.status, req.response_type, req.response_basis, req.responded_at = (
            FoiaStatus.RESPONDED,
            response_type,
            basis,
            now,
        )
        req.save(update_fields=["status", "response_type", "response_basis", "responded_at"])
        audit_record(
            action="foia.responded",
            actor=actor,
            obj=req,
            after={"response": response_type, "on_time": timezone.localdate(now) <= req.due_date},
            now=now,
        )
    return req


def foia_close(*, req: FoiaRequest, actor: Member, now: datetime | None = None) -> FoiaRequest:
    """Closing releases the request's automatic holds: from then on the schedule alone decides."""
    _require_records_officer(actor)
    now = now or clock.now()
    with transaction.atomic():
        req = _locked_request(req)
        require_transition(
            FoiaRequest.TRANSITIONS, req.status, FoiaStatus.CLOSED, noun="request", verb="close"
        )
        req.status = FoiaStatus.CLOSED
        req.save(update_fields=["status"])
        released = list(req.holds.filter(released_at__isnull=True).values_list("pk", flat=True))
        LegalHold.objects.filter(pk__in=released).update(
            released_at=now, released_by=actor, release_reason=f"FOIA #{req.pk} closed"
        )
        audit_record(action="foia.closed", actor=actor, obj=req, after={"holds_released": released}, now=now)
    return req


def foia_remind(*, now: datetime | None = None) -> dict[str, list[int]]:
    """Sweep: remind the assigned officer a business day before the due date; flag overdue requests.
    Each notice once, claimed by a conditional UPDATE (D3)."""
    now = now or clock.now()
    today = timezone.localdate(now)
    tomorrow = foia_clock.add_business_days(today, 1, closures())
    open_states = [FoiaStatus.OPEN, FoiaStatus.EXTENDED, FoiaStatus.AWAITING_NARROWING]
    reminded, flagged = [], []
    for pk in list(
        FoiaRequest.objects.filter(
            status__in=open_states, due_date__lte=tomorrow, due_date__gte=today, reminded_at__isnull=True
        ).values_list("pk", flat=True)
    ):
        with transaction.atomic():
            if FoiaRequest.objects.filter(pk=pk, reminded_at__isnull=True).update(reminded_at=now):
                req = FoiaRequest.objects.select_related("assigned_officer").get(pk=pk)
                notify(
                    [req.assigned_officer],
                    subject=f"FOIA #{pk} is due {req.due_date:%a %b %d}",
                    url=reverse("foia-detail", args=[pk]),
                    now=now,
                )
                reminded.append(pk)
    for pk in list(
        FoiaRequest.objects.filter(
            status__in=open_states, due_date__lt=today, overdue_flagged_at__isnull=True
        ).values_list("pk", flat=True)
    ):
        with transaction.atomic():
            if FoiaRequest.objects.filter(pk=pk, overdue_flagged_at__isnull=True).update(
                overdue_flagged_at=now
            ):
                req = FoiaRequest.objects.select_related("assigned_officer").get(pk=pk)
                staff = list(Member.objects.active().filter(groups__name=Role.RECORDS.value))
                notify(
                    staff + [req.assigned_officer],
                    subject=f"FOIA #{pk} is OVERDUE (due {req.due_date})",
                    body="No response is a denial (5 ILCS 140 §3(d)).",
                    url=reverse("foia-detail", args=[pk]),
                    now=now,
                )
                audit_record(action="foia.overdue", obj=req, after={"due_date": req.due_date}, now=now)
                flagged.append(pk)
    return {"reminded": reminded, "flagged": flagged}


def foia_voluminous_notice(*, req: FoiaRequest, actor: Member, now: datetime | None = None) -> FoiaRequest:
    """§3.6: within 5 business days, tell the requester the request is voluminous; they then have 10
    business days to narrow it."""
    _require_records_officer(actor)
    now = now or clock.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        req = _locked_request(req)
        if req.request_type != FoiaType.VOLUMINOUS:
            raise Conflict("Only a voluminous request gets the §3.6 notice.", code="not_voluminous")
        if today > req.due_date:
            raise Conflict("The §3.6 notice was due within 5 business days of receipt.", code="too_late")
        require_transition(
            FoiaRequest.TRANSITIONS,
            req.status,
            FoiaStatus.AWAITING_NARROWING,
            noun="request",
            verb="send the voluminous notice for",
        )
        req.status = FoiaStatus.AWAITING_NARROWING
        req.narrowing_due_date = foia_clock.add_business_days(today, foia_clock.NARROWING_DAYS, closures())
        req.save(update_fields=["status", "narrowing_due_date"])
        audit_record(
            action="foia.voluminous_notice",
            actor=actor,
            obj=req,
            after={"narrowing_due_date": req.narrowing_due_date},
            now=now,
        )
    return req


def foia_narrowed(
    *, req: FoiaRequest, actor: Member, description: str, now: datetime | None = None
) -> FoiaRequest:
    """§3.6: the requester narrowed the request; it is answered within 5 business days from then."""
    _require_records_officer(actor)
    description = (description or "").strip()
    if not description:
        raise InvalidInput.for_field("description", "Record the narrowed request.")
    now = now or clock.now()
    with transaction.atomic():
        req = _locked_request(req)
        require_transition(
            FoiaRequest.TRANSITIONS, req.status, FoiaStatus.OPEN, noun="request", verb="reopen"
        )
        if req.status != FoiaStatus.AWAITING_NARROWING:
            raise Conflict("Only a request awaiting narrowing can be narrowed.", code="illegal_transition")
        req.description = f"{req.description}\n\nNarrowed {timezone.localdate(now)}: {description}"
        req.due_date = foia_clock.add_business_days(timezone.localdate(now), 5, closures())
        req.status, req.reminded_at = FoiaStatus.OPEN, None
        req.save(update_fields=["description", "due_date", "status", "reminded_at"])
        audit_record(action="foia.narrowed", actor=actor, obj=req, after={"due_date": req.due_date}, now=now)
    return req
