"""Loading policy profiles from accounts/profile_data/*.json (one file per department).

The files are the department's rules as data (style rule 12); each position, checklist item and
deadline cites the directive clause it comes from.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction

from audit.services import audit_record
from policy_portal import clock

from .models import DirectiveVersion, PolicyProfile, Position, Power

PROFILE_DIR = Path(__file__).resolve().parent / "profile_data"
POST_CATEGORIES = {"investigative_appeal", "community_outreach", "time_sensitive", "recruitment"}
_REQUIRED_KEYS = {
    "slug",
    "department_name",
    "short_name",
    "directive_title",
    "source_document",
    "email_domain",
    "positions",
    "checklist",
    "approval_deadlines_minutes",
    "covert_max_term_days",
    "directive_effective_on",
}


class ProfileError(ValueError):
    pass


def validate_profile_data(data: dict[str, Any], *, source: str = "profile") -> None:
    """Refuse a profile file that would leave the portal unable to enforce its rules."""
    missing = _REQUIRED_KEYS - data.keys()
    if missing:
        raise ProfileError(f"{source}: missing keys {sorted(missing)}")
    powers = {p.value for p in Power}
    for position in data["positions"]:
        unknown = set(position.get("powers", [])) - powers
        if unknown:
            raise ProfileError(
                f"{source}: position {position.get('code')} has unknown powers {sorted(unknown)}"
            )
    granted = {power for p in data["positions"] for power in p.get("powers", [])}
    for needed in (Power.APPROVE_ACCOUNTS, Power.AUTHORIZE_COVERT):
        if needed not in granted:
            raise ProfileError(f"{source}: no position holds the power {needed.value!r}")
    deadlines = data["approval_deadlines_minutes"]
    if set(deadlines) != POST_CATEGORIES:
        raise ProfileError(f"{source}: approval deadlines must cover exactly {sorted(POST_CATEGORIES)}")
    if any(not isinstance(m, int) or m <= 0 for m in deadlines.values()):
        raise ProfileError(f"{source}: approval deadlines must be positive whole minutes")
    if deadlines["time_sensitive"] >= min(v for k, v in deadlines.items() if k != "time_sensitive"):
        raise ProfileError(
            f"{source}: time-sensitive posts must have the shortest deadline (BPD On the job 3)"
        )
    codes = [item["code"] for item in data["checklist"]]
    if len(codes) != len(set(codes)):
        raise ProfileError(f"{source}: duplicate checklist codes")
    if "@" in data["email_domain"] or "." not in data["email_domain"]:
        raise ProfileError(f"{source}: email_domain must be a bare domain like example.org")
    for key in ("written_permission_kinds", "access_authorization_kinds"):
        kinds = data.get(key, [])
        if len({k.get("code") for k in kinds}) != len(kinds):
            raise ProfileError(f"{source}: duplicate codes in {key}")
        for kind in kinds:
            if not kind.get("code") or not kind.get("label") or not kind.get("clause"):
                raise ProfileError(f"{source}: every entry of {key} needs code, label and clause")
            rule = kind.get("approver", "")
            if rule.startswith("power:"):
                if rule[6:] not in granted:
                    raise ProfileError(f"{source}: {key} {kind['code']}: no position holds {rule[6:]!r}")
            elif rule not in ("supervisor", "consent"):
                raise ProfileError(
                    f"{source}: {key} {kind['code']}: approver must be supervisor, consent or power:<power>"
                )
            if key == "access_authorization_kinds" and not int(kind.get("max_days", 0)) > 0:
                raise ProfileError(f"{source}: {key} {kind['code']}: max_days must be a positive number")
    if not (PROFILE_DIR / "directives" / data["source_document"]).is_file():
        raise ProfileError(
            f"{source}: directive text {data['source_document']} is not in profile_data/directives"
        )
    if not 1 <= int(data.get("intelligence_review_years", 5)) <= 5:
        raise ProfileError(f"{source}: intelligence_review_years must be 1-5 (28 CFR 23.20(h))")


@transaction.atomic
def load_profile(data: dict[str, Any], *, source: str = "profile") -> PolicyProfile:
    validate_profile_data(data, source=source)
    fields = {
        key: data[key]
        for key in (
            "department_name",
            "short_name",
            "directive_title",
            "source_document",
            "email_domain",
            "checklist",
            "approval_deadlines_minutes",
            "covert_max_term_days",
        )
    }
    for key in (
        "disclaimer_text",
        "escalation",
        "covert_expiry_warning_days",
        "intelligence_review_years",
        "comment_removal_grounds",
        "commenter_bar_threshold",
        "closure_days",
        "retention_defaults",
        "written_permission_kinds",
        "access_authorization_kinds",
    ):
        if key in data:
            fields[key] = data[key]
    profile, created = PolicyProfile.objects.update_or_create(slug=data["slug"], defaults=fields)
    keep = []
    for entry in data["positions"]:
        position, _ = Position.objects.update_or_create(
            profile=profile,
            code=entry["code"],
            defaults={"title": entry["title"], "powers": entry["powers"], "clause": entry.get("clause", "")},
        )
        keep.append(position.pk)
    profile.positions.exclude(pk__in=keep).delete()
    _seed_first_directive(profile, data)
    audit_record(
        action="profile.loaded",
        obj=profile,
        after={"source": source, "created": created, "positions": len(keep)},
    )
    return profile


def _seed_first_directive(profile: PolicyProfile, data: dict[str, Any]) -> None:
    """The seed text is the directive's first version; later versions are issued in the portal, so a
    profile reload never replaces what members have acknowledged."""
    if profile.directive_versions.exists():
        return
    text = (PROFILE_DIR / "directives" / data["source_document"]).read_text(encoding="utf-8")
    version = DirectiveVersion.objects.create(
        profile=profile,
        version=data.get("directive_version", "1"),
        title=data["directive_title"],
        summary="First version, as published by the department.",
        text=text,
        text_sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        effective_on=date.fromisoformat(data["directive_effective_on"]),
        issued_at=clock.now(),
    )
    audit_record(
        action="directive.seeded",
        obj=version,
        after={"source": data["source_document"], "sha256": version.text_sha256},
    )


def load_all_profiles(directory: Path = PROFILE_DIR) -> list[PolicyProfile]:
    profiles = []
    for path in sorted(directory.glob("*.json")):
        with path.open(encoding="utf-8") as handle:
            profiles.append(load_profile(json.load(handle), source=path.name))
    return profiles
