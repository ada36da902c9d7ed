"""Building verifiable export packages (policy-map D4; CPD III.C.3.c, BPD Platform 2.e).

The package is written file by file to disk and zipped entry by entry, so memory does not grow with
its size. Redactions are applied to every copy of a record — readable HTML and native JSON alike."""

from __future__ import annotations

import csv
import hashlib
import html
import json
import re
import shutil
import zipfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import bagit
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Member, PolicyProfile
from audit.services import audit_record
from policy_portal import clock
from policy_portal.errors import InvalidInput
from policy_portal.queue import enqueue_after_commit

from .models import ArchivedRecord, ExportPackage, ExportStatus, FoiaRequest, Withholding
from .services import _require_records_officer, foia_responsive_records

STALE_AFTER = timedelta(minutes=15)  # a RUNNING export this old lost its worker


def export_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "exports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def export_create(
    *, actor: Member, req: FoiaRequest, records: list[ArchivedRecord], now: datetime | None = None
) -> ExportPackage:
    """Queue a package of responsive records; the worker builds it (progress visible in the browser)."""
    _require_records_officer(actor)
    if not records:
        raise InvalidInput.for_field("records", "Pick at least one responsive record.")
    responsive = set(foia_responsive_records(req).values_list("pk", flat=True))
    outside = [r.pk for r in records if r.pk not in responsive]
    if outside:
        raise InvalidInput.for_field("records", f"Not responsive to this request: {outside}.")
    now = now or clock.now()
    with transaction.atomic():
        package = ExportPackage.objects.create(foia_request=req, created_by=actor, created_at=now)
        package.records.add(*records)
        audit_record(
            action="export.queued",
            actor=actor,
            obj=package,
            after={"records": [r.pk for r in records]},
            now=now,
        )
        from .tasks import build_export_package

        enqueue_after_commit(build_export_package, package.pk)
    return package


def redact(text: str, spans: list[Withholding]) -> str:
    out, cursor = [], 0
    for w in sorted(spans, key=lambda s: s.span_start or 0):
        out.append(text[cursor : w.span_start])
        out.append(f"[REDACTED §{w.exemption}]")
        cursor = w.span_end or cursor
    out.append(text[cursor:])
    return "".join(out)


def _redacted_content(record: ArchivedRecord, spans: list[Withholding]) -> dict[str, Any]:
    """The native copy carries the same redactions: every string field equal to the record's text is
    replaced by its redacted form, and any field containing a redacted passage has it masked."""
    if not spans:
        return record.content
    masked = redact(record.content_text, spans)
    passages = [record.content_text[w.span_start : w.span_end] for w in spans]

    def scrub(value: Any) -> Any:
        if isinstance(value, str):
            if value == record.content_text:
                return masked
            for passage in passages:
                value = value.replace(passage, "[REDACTED]")
            return value
        if isinstance(value, dict):
            return {k: scrub(v) for k, v in value.items()}
        if isinstance(value, list):
            return [scrub(v) for v in value]
        return value

    return scrub(record.content)


def mask_passages(value: str, record: ArchivedRecord, spans: list[Withholding]) -> str:
    """Any other field (a title, a snippet) that repeats a redacted passage is masked as well."""
    for w in spans:
        passage = record.content_text[w.span_start : w.span_end]
        if passage:
            value = value.replace(passage, f"[REDACTED §{w.exemption}]")
    return value


UNDERCOVER_MASK = "[member withheld]"
UNDERCOVER_BASIS = (
    "Member who works undercover (BPD Personal use 4.b, HPPD III.A.10); disclosure would endanger "
    "law enforcement personnel"
)


def undercover_identifiers() -> list[str]:
    """E2: every way an undercover member's identity appears in captured content — username, full name,
    rank and name — longest first so that "Det. Jane Roe" is masked before "Jane Roe"."""
    names: set[str] = set()
    for member in Member.objects.filter(is_undercover=True):
        full = member.get_full_name().strip()
        names.update(n for n in (member.username, full, str(member).strip()) if n and len(n) >= 3)
    return sorted(names, key=len, reverse=True)


def omit_undercover(value: Any, names: list[str]) -> tuple[Any, bool]:
    """Mask undercover identities in any string, list or dict; says whether anything was masked.
    A package goes to the public, who never have need to know (E2)."""
    if not names:
        return value, False
    if isinstance(value, str):
        masked = value
        for name in names:
            masked = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", UNDERCOVER_MASK, masked, flags=re.IGNORECASE)
        return masked, masked != value
    if isinstance(value, dict):
        pairs = {k: omit_undercover(v, names) for k, v in value.items()}
        return {k: v for k, (v, _) in pairs.items()}, any(hit for _, hit in pairs.values())
    if isinstance(value, list):
        items = [omit_undercover(v, names) for v in value]
        return [v for v, _ in items], any(hit for _, hit in items)
    return value, False


def _html_page(record: ArchivedRecord, text: str, content: dict[str, Any], title: str) -> str:
    rows = "".join(
        f"<tr><th>{html.escape(k)}</th><td>{html.escape(str(v))}</td></tr>"
        for k, v in content.items()
        if k not in {"body", "original_text", "approval_chain", "media"}
    )
    return (
        f"<!doctype html><meta charset='utf-8'><title>Record {record.pk}</title>"
        f"<h1>{html.escape(title)}</h1><p>Captured {record.captured_at:%Y-%m-%d %H:%M %Z}; "
        f"SHA-256 at capture {record.content_sha256}</p>"
        f"<pre style='white-space:pre-wrap'>{html.escape(text)}</pre>"
        f"<table>{rows}</table>"
    )


def build_package(package_id: int, *, now: datetime | None = None) -> ExportPackage | None:
    """Claim a queued package and build it. Safe to run twice: only one claim succeeds."""
    now = now or clock.now()
    claimed = ExportPackage.objects.filter(pk=package_id, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING, started_at=now, progress=0
    )
    if not claimed:
        return None
    ExportPackage.objects.filter(pk=package_id).update(attempts=F("attempts") + 1)
    package = ExportPackage.objects.select_related("foia_request", "created_by").get(pk=package_id)
    work = export_dir() / f"work-{package.pk}"
    shutil.rmtree(work, ignore_errors=True)
    try:
        final = _build(package, work)
    except Exception as exc:  # recorded on the package for the officer; the worker stays up
        ExportPackage.objects.filter(pk=package.pk).update(
            status=ExportStatus.FAILED, error=str(exc)[:2000], finished_at=clock.now()
        )
        shutil.rmtree(work, ignore_errors=True)
        raise
    shutil.rmtree(work, ignore_errors=True)
    return final


def _build(package: ExportPackage, work: Path) -> ExportPackage:
    req = package.foia_request
    bag_dir = work / f"foia-{req.pk}-export-{package.pk}"
    (bag_dir / "records").mkdir(parents=True)
    (bag_dir / "media").mkdir()
    records = list(package.records.order_by("pk"))
    withholdings = list(Withholding.objects.filter(foia_request=req).select_related("officer"))
    total = max(1, len(records))
    load_rows = []
    undercover = undercover_identifiers()
    masked_records: list[int] = []
    for index, record in enumerate(records, start=1):
        mine = [w for w in withholdings if w.record_id == record.pk]
        whole = next((w for w in mine if w.whole_item), None)
        base = bag_dir / "records" / f"record-{record.pk}"
        if whole is not None:
            base.with_suffix(".html").write_text(
                f"<!doctype html><meta charset='utf-8'><p>Record {record.pk} withheld in full under "
                f"5 ILCS 140/{html.escape(whole.exemption)}.</p>",
                encoding="utf-8",
            )
            load_rows.append(
                (record, f"records/record-{record.pk}.html", "", "WITHHELD", f"Record {record.pk}")
            )
        else:
            spans = [w for w in mine if not w.whole_item]
            (text, content, title), hit = omit_undercover(
                [
                    redact(record.content_text, spans),
                    _redacted_content(record, spans),
                    mask_passages(record.title, record, spans),
                ],
                undercover,
            )
            if hit:
                masked_records.append(record.pk)
            base.with_suffix(".html").write_text(_html_page(record, text, content, title), encoding="utf-8")
            base.with_suffix(".json").write_text(
                json.dumps(content, indent=2, sort_keys=True, default=str), encoding="utf-8"
            )
            for item in record.content.get("media", []) if isinstance(record.content, dict) else []:
                source = Path(settings.MEDIA_ROOT) / str(item.get("path", ""))
                if item.get("path") and source.is_file():
                    shutil.copyfile(source, bag_dir / "media" / f"record-{record.pk}-{source.name}")
            load_rows.append(
                (
                    record,
                    f"records/record-{record.pk}.html",
                    f"records/record-{record.pk}.json",
                    "REDACTED" if spans else "",
                    title,
                )
            )
        ExportPackage.objects.filter(pk=package.pk).update(progress=int(80 * index / total))
    with (bag_dir / "redaction-log.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["record", "scope", "span_start", "span_end", "exemption", "basis", "officer", "at"])
        for w in withholdings:
            writer.writerow(
                [
                    w.record_id or "",
                    "whole item" if w.whole_item else "text span",
                    w.span_start or "",
                    w.span_end or "",
                    w.exemption,
                    w.basis,
                    omit_undercover(w.officer.username, undercover)[0],
                    w.created_at.isoformat(),
                ]
            )
        for record_pk in masked_records:
            writer.writerow(
                [record_pk, "member identity", "", "", "7(1)(d)(vi)", UNDERCOVER_BASIS, "portal", ""]
            )
    profile = PolicyProfile.objects.current()
    (bag_dir / "cover-letter.html").write_text(
        f"<!doctype html><meta charset='utf-8'><h1>{html.escape(profile.department_name)}</h1>"
        f"<p>Response to your Freedom of Information Act request #{req.pk}, received "
        f"{timezone.localtime(req.received_at):%B %d, %Y}.</p><p>{html.escape(req.description)}</p>"
        f"<p>Enclosed: {len(records)} record(s). Withheld items and redactions cite the exemptions of "
        "5 ILCS 140/7 and 7.5 relied on (see redaction-log.csv). You may seek review by the Public Access "
        "Counselor of the Office of the Attorney General or judicial review (5 ILCS 140/9(a)).</p>",
        encoding="utf-8",
    )
    with (bag_dir / "loadfile.dat").open("w", encoding="utf-8") as handle:
        sep, q = "\x14", "\u00fe"
        handle.write(
            sep.join(
                f"{q}{h}{q}"
                for h in (
                    "DOCID",
                    "TITLE",
                    "CAPTURED",
                    "SHA256_AT_CAPTURE",
                    "TEXTPATH",
                    "NATIVEPATH",
                    "REDACTION",
                )
            )
            + "\n"
        )
        for record, text_path, native_path, flag, title in load_rows:
            values = (
                f"REC{record.pk:08d}",
                title,
                record.captured_at.isoformat(),
                record.content_sha256,
                f"data/{text_path}",
                f"data/{native_path}" if native_path else "",
                flag,
            )
            handle.write(sep.join(f"{q}{str(v).replace(q, '')}{q}" for v in values) + "\n")
    bagit.make_bag(
        str(bag_dir),
        bag_info={
            "Source-Organization": profile.department_name,
            "External-Description": f"FOIA request #{req.pk} response package #{package.pk}",
            "External-Identifier": f"foia-{req.pk}-export-{package.pk}",
            "Bag-Count": "1 of 1",
        },
        checksums=["sha256"],
    )
    ExportPackage.objects.filter(pk=package.pk).update(progress=90)
    target = export_dir() / f"{bag_dir.name}.zip"
    partial = target.with_suffix(".zip.part")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(bag_dir.rglob("*")):
            if path.is_file():
                archive.write(path, arcname=str(path.relative_to(work)))
    digest = hashlib.sha256()
    with partial.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    partial.replace(target)
    with transaction.atomic():
        ExportPackage.objects.filter(pk=package.pk).update(
            status=ExportStatus.DONE,
            progress=100,
            file_path=str(target),
            sha256=digest.hexdigest(),
            size=target.stat().st_size,
            finished_at=clock.now(),
            error="",
        )
        package.refresh_from_db()
        audit_record(
            action="export.built",
            obj=package,
            after={"sha256": package.sha256, "size": package.size, "records": len(records)},
        )
    return package


def requeue_stale(*, now: datetime | None = None) -> list[int]:
    """Sweep: a RUNNING package whose worker died goes back to QUEUED; QUEUED ones are (re)sent.
    Nothing is lost when Redis or a worker dies: the database says what is still to build."""
    now = now or clock.now()
    stale = ExportPackage.objects.filter(status=ExportStatus.RUNNING, started_at__lt=now - STALE_AFTER)
    stale.update(status=ExportStatus.QUEUED)
    queued = list(
        ExportPackage.objects.filter(
            status=ExportStatus.QUEUED, created_at__lt=now - timedelta(minutes=1)
        ).values_list("pk", flat=True)
    )
    from .tasks import build_export_package

    for pk in queued:
        try:
            build_export_package.apply_async(args=[pk], retry=False)
        except Exception:  # noqa: S112 — broker down: the next sweep tries again
            continue
    return queued


def record_download(*, package: ExportPackage, actor: Member) -> None:
    """D4: who downloaded which package, when, and its SHA-256."""
    with transaction.atomic():
        audit_record(
            action="export.downloaded",
            actor=actor,
            obj=package,
            after={"sha256": package.sha256, "foia_request": package.foia_request_id},
        )


def export_file_response(*, package: ExportPackage, actor: Member):  # type: ignore[no-untyped-def]
    """The ZIP as a download, audited (D4); a package not ready (or whose file is gone) is not found."""
    from django.http import FileResponse, Http404

    path = Path(package.file_path)
    if package.status != ExportStatus.DONE or not path.is_file():
        raise Http404
    record_download(package=package, actor=actor)
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=path.name, content_type="application/zip"
    )


def verify_zip(path: Path) -> tuple[bool, str]:
    """Unpack a package and validate it as a BagIt bag (every file against manifest-sha256.txt)."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(path) as archive:
        for member in archive.namelist():
            if member.startswith("/") or ".." in Path(member).parts:
                return False, f"unsafe path in archive: {member}"
        archive.extractall(tmp)  # noqa: S202 — member paths checked above
        tops = [p for p in Path(tmp).iterdir() if p.is_dir()]
        if len(tops) != 1:
            return False, "expected one bag directory at the top of the ZIP"
        try:
            bag = bagit.Bag(str(tops[0]))
            bag.validate()
        except (bagit.BagError, bagit.BagValidationError) as exc:
            return False, str(exc)
        names = {Path(p).name for p in bag.payload_files()}
        for needed in ("redaction-log.csv", "cover-letter.html", "loadfile.dat"):
            if needed not in names:
                return False, f"missing {needed}"
        return True, f"valid bag: {len(list(bag.payload_files()))} payload files, sha256 manifest verified"
