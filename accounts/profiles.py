"""Loading policy profiles from accounts/profile_data/*.json (one file per department).

The files are the department's rules as data (style rule 12); each position, checklist item and
deadline cites the directive clause it comes from.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.db import transaction

from audit.services import audit_record

from .models import PolicyProfile, Position, Power

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
    audit_record(
        action="profile.loaded",
        obj=profile,
        after={"source": source, "created": created, "positions": len(keep)},
    )
    return profile


def load_all_profiles(directory: Path = PROFILE_DIR) -> list[PolicyProfile]:
    profiles = []
    for path in sorted(directory.glob("*.json")):
        with path.open(encoding="utf-8") as handle:
            profiles.append(load_profile(json.load(handle), source=path.name))
    return profiles
