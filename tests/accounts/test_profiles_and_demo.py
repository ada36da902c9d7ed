"""Policy profiles are data loaded from files that cite the directives (style rule 12)."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import Member, PolicyProfile, Power, SocialAccount
from accounts.profiles import PROFILE_DIR, ProfileError, load_profile, validate_profile_data

pytestmark = pytest.mark.django_db


def test_three_department_profiles_load_with_their_authorities():
    profiles = {p.slug: p for p in PolicyProfile.objects.all()}
    assert set(profiles) == {"chicago", "bloomington", "hanover-park"}

    def titles(slug: str, power: str) -> set[str]:
        return {p.title for p in profiles[slug].positions.all() if power in p.powers}

    # CPD IV.D.4.a–b: Chief, Bureau of Detectives / Deputy Chief, CompStat Group, or designees.
    assert {"Chief, Bureau of Detectives", "Deputy Chief, CompStat Group"} <= titles(
        "chicago", Power.AUTHORIZE_COVERT
    )
    # BPD Inv. uses 3.c: the Lieutenants of CIU and SCU.
    assert titles("bloomington", Power.AUTHORIZE_COVERT) == {
        "Lieutenant, Criminal Investigation Unit",
        "Lieutenant, Street Crimes Unit",
    }
    # CPD III.C.1 Superintendent; BPD 2.a / HPPD I.A Chief of Police, each or a designee.
    assert "Superintendent of Police" in titles("chicago", Power.APPROVE_ACCOUNTS)
    assert "Chief of Police" in titles("hanover-park", Power.APPROVE_ACCOUNTS)
    for profile in profiles.values():
        deadlines = profile.approval_deadlines_minutes
        assert deadlines["time_sensitive"] < min(deadlines["community_outreach"], deadlines["recruitment"])
        assert all(item["clause"] for item in profile.checklist)
    assert "presumed innocent" in profiles["bloomington"].disclaimer_text
    assert len(profiles["bloomington"].comment_removal_grounds) == 10  # BPD Disclaimer's ten grounds


def test_reloading_profiles_is_idempotent():
    call_command("load_policy_profiles")
    call_command("load_policy_profiles")
    assert PolicyProfile.objects.count() == 3
    assert PolicyProfile.objects.get(slug="bloomington").positions.count() == 5


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("email_domain"), "missing keys"),
        (lambda d: d["positions"][0]["powers"].append("launch_missiles"), "unknown powers"),
        (
            lambda d: d.update(
                positions=[p for p in d["positions"] if "authorize_covert" not in p["powers"]]
            ),
            "authorize_covert",
        ),
        (lambda d: d["approval_deadlines_minutes"].update(time_sensitive=99999), "shortest deadline"),
        (lambda d: d["approval_deadlines_minutes"].pop("recruitment"), "cover exactly"),
        (lambda d: d.update(email_domain="pio@cityblm.org"), "bare domain"),
    ],
)
def test_a_profile_that_cannot_be_enforced_is_refused(change, message):
    data = json.loads((PROFILE_DIR / "bloomington.json").read_text())
    change(data)
    with pytest.raises(ProfileError, match=message):
        validate_profile_data(data)
    with pytest.raises(ProfileError):
        load_profile(data)


def test_demo_loader_refuses_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("load_demo")
    assert not Member.objects.exists()


def test_demo_loader_creates_the_named_users_and_is_idempotent(settings):
    settings.DEBUG = True
    call_command("load_demo")
    call_command("load_demo")
    names = set(Member.objects.values_list("username", flat=True))
    assert {
        "chief",
        "pio",
        "pio2",
        "sergeant",
        "detective",
        "detective2",
        "rookie",
        "lieutenant",
        "records",
        "auditor",
        "officer",
    } <= names
    chief, lieutenant = Member.objects.get(username="chief"), Member.objects.get(username="lieutenant")
    assert Power.APPROVE_ACCOUNTS in chief.powers() and Power.AUTHORIZE_COVERT in lieutenant.powers()
    assert Member.objects.get(username="detective").has_current_training("internet_investigations")
    assert not Member.objects.get(username="rookie").has_current_training("internet_investigations")
    assert Member.objects.get(username="detective").unit != Member.objects.get(username="detective2").unit
    assert Member.objects.get(username="pio").supervisor.username == "sergeant"
    assert SocialAccount.objects.filter(status="active").count() == 2
    assert SocialAccount.objects.filter(status="proposed").count() == 1
