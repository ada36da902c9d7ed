from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts import services
from accounts.models import (
    Member,
    PolicyProfile,
    Power,
    Role,
    SocialAccount,
    TrainingCertification,
    TrainingKind,
    Unit,
)
from accounts.roles import ensure_roles

DEMO_PASSWORD = "portal-demo-2026"

UNITS = {
    "pio": "Public Information Office",
    "patrol": "Patrol Division",
    "ciu": "Criminal Investigation Unit",
    "scu": "Street Crimes Unit",
    "records": "Records Section",
    "admin": "Office of the Chief",
}

# username: (first, last, rank, unit, supervisor, roles, power-for-position, internet-investigations training)
PEOPLE: list[tuple[str, str, str, str, str, str | None, list[Role], str | None, bool]] = [
    (
        "chief",
        "Dana",
        "Whitfield",
        "Deputy Chief",
        "admin",
        None,
        [Role.COMMAND],
        Power.APPROVE_ACCOUNTS,
        False,
    ),
    (
        "lieutenant",
        "Marcus",
        "Reyes",
        "Lieutenant",
        "ciu",
        "chief",
        [Role.COMMAND, Role.SUPERVISOR],
        Power.AUTHORIZE_COVERT,
        True,
    ),
    ("sergeant", "Alicia", "Novak", "Sergeant", "pio", "chief", [Role.SUPERVISOR], None, False),
    ("pio", "Jordan", "Blake", "Officer", "pio", "sergeant", [Role.PIO], None, False),
    ("pio2", "Priya", "Shah", "Civilian PIO", "pio", "sergeant", [Role.PIO], None, False),
    ("detective", "Sam", "Okafor", "Detective", "ciu", "lieutenant", [Role.INVESTIGATOR], None, True),
    ("detective2", "Elena", "Kowalski", "Detective", "scu", "lieutenant", [Role.INVESTIGATOR], None, True),
    ("rookie", "Tyler", "Hughes", "Officer", "ciu", "lieutenant", [Role.INVESTIGATOR], None, False),
    ("records", "Grace", "Lindqvist", "Records Supervisor", "records", "chief", [Role.RECORDS], None, False),
    ("auditor", "Omar", "Haddad", "Auditor", "admin", "chief", [Role.AUDITOR], None, False),
    ("officer", "Chris", "Morgan", "Officer", "patrol", "sergeant", [], None, False),
]


class Command(BaseCommand):
    help = (
        f"Load demo members and accounts (DEBUG only). Every demo login uses the password {DEMO_PASSWORD!r}."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "Refusing to load demo data: DJANGO_DEBUG is off (this looks like production)."
            )
        profile = PolicyProfile.objects.current()
        with transaction.atomic():
            ensure_roles()
            members = self._members(profile)
            self._compliance(members)
            self._accounts(members)
            self._posts(members)
            self._devices()
            self._casework(members)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready for {profile.department_name}."))

    def _position(self, profile: PolicyProfile, power: str | None):  # type: ignore[no-untyped-def]
        if power is None:
            return None
        candidates = [p for p in profile.positions.all() if power in p.powers]
        designees = [p for p in candidates if "designee" in p.code]
        # The chief's designee, not the chief, approves in the demo: that is the everyday case.
        return (
            (designees or candidates or [None])[0]
            if power == Power.APPROVE_ACCOUNTS
            else (candidates or [None])[0]
        )

    def _members(self, profile: PolicyProfile) -> dict[str, Member]:
        units = {
            code: Unit.objects.get_or_create(code=code, defaults={"name": name})[0]
            for code, name in UNITS.items()
        }
        members: dict[str, Member] = {}
        for index, (username, first, last, rank, unit, boss, roles, power, trained) in enumerate(
            PEOPLE, start=1
        ):
            member, created = Member.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "rank": rank,
                    "unit": units[unit],
                    "email": f"{username}@{profile.email_domain}",
                    "employee_number": f"E{1000 + index}",
                    "badge_number": f"{4200 + index}",
                    "supervisor": members.get(boss) if boss else None,
                },
            )
            if created:
                member.set_password(DEMO_PASSWORD)
                member.save()
                member.groups.set([Group.objects.get(name=r.value) for r in roles])
                position = self._position(profile, power)
                if position is not None:
                    member.positions.add(position)
                if trained:
                    TrainingCertification.objects.create(
                        member=member,
                        kind=TrainingKind.INTERNET_INVESTIGATIONS,
                        title="Internet investigations and cybercrime",
                        issued_on=date.today() - timedelta(days=200),
                        expires_on=date.today() + timedelta(days=530),
                    )
            members[username] = member
        admin = Member.objects.filter(username="admin").first()
        if admin is None:
            admin = Member.objects.create_superuser(
                "admin",
                f"admin@{profile.email_domain}",
                DEMO_PASSWORD,
                first_name="Portal",
                last_name="Administrator",
            )
        return members

    def _accounts(self, m: dict[str, Member]) -> None:
        if SocialAccount.objects.exists():
            return
        main = services.account_register(
            actor=m["pio"],
            data={
                "platform": "facebook",
                "handle": "@DepartmentPolice",
                "url": "https://www.facebook.com/DepartmentPolice",
                "purpose_statement": "News, safety tips and time-sensitive notices from the department.",
                "contact_info": "Public Information Office, non-emergency line; emergencies call 911",
                "official_website_url": "https://www.example.gov/police",
            },
        )
        traffic = services.account_register(
            actor=m["pio2"],
            data={
                "platform": "x",
                "handle": "@DeptPoliceTraffic",
                "url": "https://x.com/DeptPoliceTraffic",
                "purpose_statement": "Road closures, special events and weather emergencies.",
                "contact_info": "Traffic Unit via the Public Information Office",
                "official_website_url": "https://www.example.gov/police/traffic",
            },
        )
        for account in (main, traffic):
            services.account_approve(account=account, actor=m["chief"])
            for item in account.checklist_items.all():
                services.account_checklist_set(
                    account=account, actor=m["chief"], code=item.code, done=True, evidence="About section"
                )
            services.account_activate(account=account, actor=m["chief"])
            services.account_grant_post_approver(account=account, actor=m["chief"], member=m["sergeant"])
        services.account_register(
            actor=m["pio"],
            data={
                "platform": "instagram",
                "handle": "@DepartmentPoliceCommunity",
                "url": "https://www.instagram.com/DepartmentPoliceCommunity",
                "purpose_statement": "Community outreach: events, recruitment and crime-prevention tips.",
                "contact_info": "Public Information Office",
                "official_website_url": "https://www.example.gov/police",
            },
        )

    def _posts(self, m: dict[str, Member]) -> None:
        """A few posts in every state a PIO or supervisor meets on a normal morning."""
        from approvals import services as posts
        from approvals.models import Post

        if Post.objects.exists():
            return
        main = SocialAccount.objects.get(handle="@DepartmentPolice")
        traffic = SocialAccount.objects.get(handle="@DeptPoliceTraffic")
        now = timezone.now()
        overdue = posts.post_create(
            actor=m["pio2"],
            account=traffic,
            data={
                "body": "Road closure: Route 9 between Oak and Elm is closed for flooding. Use Main St.",
                "category": "time_sensitive",
            },
        )
        posts.post_submit(post=overdue, actor=m["pio2"], now=now - timedelta(minutes=40))
        warning = posts.post_create(
            actor=m["pio"],
            account=main,
            data={
                "body": "Courthouse parking is limited Monday during the trial; use the Main St garage.",
                "category": "community_outreach",
            },
        )
        posts.post_submit(post=warning, actor=m["pio"])
        posts.post_create(
            actor=m["pio"],
            account=main,
            data={
                "body": "Arrest made in the Elm St burglaries: the suspect is guilty of all five break-ins.",
                "category": "investigative_appeal",
            },
        )
        recruiting = posts.post_create(
            actor=m["pio"],
            account=main,
            data={
                "body": "We're hiring! Join us at the recruitment fair on Saturday at the community center.",
                "category": "recruitment",
            },
        )
        posts.post_submit(post=recruiting, actor=m["pio"])
        posts.post_approve(post=recruiting, actor=m["sergeant"], comment="Good to go.")
        posts.comment_record(
            actor=m["pio"],
            account=main,
            data={
                "platform_comment_id": "fb-10293",
                "author_handle": "@angry_neighbor",
                "original_text": "You are all idiots and I know where the chief lives.",
                "action": "removed",
                "ground": "personal-attack",
                "commented_at": now - timedelta(hours=3),
                "note": "Threat forwarded to patrol.",
            },
        )

    def _devices(self) -> None:
        """The register of department-approved investigative devices (CPD IV.C.1)."""
        from accounts.models import DepartmentDevice

        ciu, scu = Unit.objects.get(code="ciu"), Unit.objects.get(code="scu")
        for tag, description, unit in [
            ("CIU-LT-0142", "CIU investigations laptop (non-attributable line)", ciu),
            ("SCU-LT-0077", "SCU investigations laptop (non-attributable line)", scu),
        ]:
            DepartmentDevice.objects.get_or_create(
                asset_tag=tag,
                defaults={
                    "description": description,
                    "assigned_unit": unit,
                    "approved_for_investigations": True,
                },
            )

    def _compliance(self, m: dict[str, Member]) -> None:
        """Everyone has read the directive's current version; CIU and SCU hold a job-assignment
        authorization to use department computers for social media (A5, CPD III.C.2)."""
        from accounts import services
        from accounts.models import AccessAuthorization
        from accounts.selectors import current_directive

        version = current_directive()
        if version is not None:
            for member in [*m.values(), Member.objects.get(username="admin")]:
                services.directive_acknowledge(member=member, version=version)
        if AccessAuthorization.objects.exists():
            return
        for unit_code in ("ciu", "scu"):
            auth = services.access_request(
                actor=m["lieutenant"],
                data={
                    "kind": "department_computer",
                    "unit": Unit.objects.get(code=unit_code),
                    "purpose": "Open-source research and authorized covert work on assigned cases.",
                    "expires_on": date.today() + timedelta(days=180),
                },
            )
            services.access_decide(
                authorization=auth, actor=m["chief"], grant=True, reasons="Investigative job assignment."
            )

    def _casework(self, m: dict[str, Member]) -> None:
        """A published post in the archive, an open FOIA request, a covert request for the lieutenant."""
        from datetime import date

        from approvals import services as posts
        from approvals.models import Post
        from investigations import services as aliases
        from investigations.models import AliasAuthorization
        from retention import services as records
        from retention.models import FoiaRequest

        approved = Post.objects.filter(status="approved").first()
        if approved is not None:
            posts.post_publish(
                post=approved,
                actor=approved.author,
                platform_url="https://www.facebook.com/DepartmentPolice/posts/1001",
            )
        if not FoiaRequest.objects.exists():
            records.foia_log(
                actor=m["records"],
                data={
                    "requester_name": "Pat Reporter, Pantagraph",
                    "requester_contact": "pat@example.com",
                    "description": "All posts on department social media about the recruitment fair.",
                    "request_type": "standard",
                },
            )
        if not AliasAuthorization.objects.exists():
            aliases.alias_request(
                actor=m["detective"],
                on_duty=True,
                data={
                    "platform": "Instagram",
                    "alias_handle": "@sk8r_jay_02",
                    "alias_identity": "Jay, 19, skateboarder",
                    "engagement_level": "covert",
                    "case_number": "26-004411",
                    "purpose": "Identify the seller of stolen catalytic converters advertising on Instagram.",
                    "target_description": "Account advertising converters on the west side.",
                    "target_handles": "@cats_4_cash",
                    "planned_activities": ["create_alias", "contact_suspect"],
                    "first_amendment_attestation": True,
                    "starts_on": date.today(),
                    "ends_on": date.today() + timedelta(days=30),
                },
            )
