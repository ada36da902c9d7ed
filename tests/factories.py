from __future__ import annotations

import factory
from django.contrib.auth.models import Group

from accounts import services
from accounts.models import Member, PolicyProfile, Power, Role, SocialAccount

PASSWORD = "correct-horse-battery"


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"member{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Member{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@{PolicyProfile.objects.current().email_domain}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create: bool, extracted: list[Role] | None, **kwargs: object) -> None:
        if create and extracted:
            self.groups.add(*[Group.objects.get(name=r.value) for r in extracted])

    @factory.post_generation
    def power(self, create: bool, extracted: str | None, **kwargs: object) -> None:
        if create and extracted:
            profile = PolicyProfile.objects.current()
            position = next(p for p in profile.positions.all() if extracted in p.powers)
            self.positions.add(position)
        if create:
            self.save()

    @factory.post_generation
    def acknowledged(self, create: bool, extracted: bool | None, **kwargs: object) -> None:
        """Members have read the current directive unless a test says otherwise (acknowledged=False)."""
        if create and extracted is not False:
            from accounts.selectors import current_directive

            version = current_directive()
            if version is not None:
                services.directive_acknowledge(member=self, version=version)


def pio(**kwargs: object) -> Member:
    return MemberFactory(roles=[Role.PIO], **kwargs)


def chief(**kwargs: object) -> Member:
    return MemberFactory(roles=[Role.COMMAND], power=Power.APPROVE_ACCOUNTS, **kwargs)


ACCOUNT_DATA = {
    "platform": "facebook",
    "handle": "@TestPD",
    "url": "https://www.facebook.com/TestPD",
    "purpose_statement": "News and safety tips.",
    "contact_info": "PIO office, non-emergency line",
    "official_website_url": "https://www.example.gov/police",
}


def account(
    actor: Member, *, approver: Member | None = None, status: str = "proposed", **data: str
) -> SocialAccount:
    """An account driven to ``status`` through the real services."""
    acc = services.account_register(actor=actor, data={**ACCOUNT_DATA, **data})
    if status == "proposed":
        return acc
    assert approver is not None
    acc = services.account_approve(account=acc, actor=approver)
    if status == "approved":
        return acc
    for item in acc.checklist_items.all():
        services.account_checklist_set(account=acc, actor=actor, code=item.code, done=True)
    acc = services.account_activate(account=acc, actor=actor)
    if status == "active":
        return acc
    raise ValueError(status)


def supervisor(**kwargs: object) -> Member:
    return MemberFactory(roles=[Role.SUPERVISOR], **kwargs)


def live_account_with_approver(pio_member: Member | None = None, **data: str):  # type: ignore[no-untyped-def]
    """An active account administered by a PIO with a supervisor named post approver (HPPD I.B.5)."""
    from accounts import services as account_services

    pio_member = pio_member or pio()
    boss = chief()
    sarge = supervisor(supervisor=boss)
    acc = account(pio_member, approver=boss, status="active", **data)
    account_services.account_grant_post_approver(account=acc, actor=boss, member=sarge)
    return acc, pio_member, sarge, boss


def post(
    author: Member,
    acc: SocialAccount,
    body: str = "Crime prevention tip: lock your car.",
    category: str = "community_outreach",
    submit: bool = False,
):  # type: ignore[no-untyped-def]
    from approvals import services as post_services

    p = post_services.post_create(actor=author, account=acc, data={"body": body, "category": category})
    if submit:
        p = post_services.post_submit(post=p, actor=author)
    return p


def investigator(*, trained: bool = True, **kwargs: object) -> Member:
    from datetime import date, timedelta

    from accounts.models import TrainingCertification, TrainingKind, Unit

    unit = kwargs.pop("unit", None) or Unit.objects.get_or_create(code="ciu", defaults={"name": "CIU"})[0]
    member = MemberFactory(roles=[Role.INVESTIGATOR], unit=unit, **kwargs)
    computer_access(member)
    if trained:
        TrainingCertification.objects.create(
            member=member,
            kind=TrainingKind.INTERNET_INVESTIGATIONS,
            issued_on=date.today() - timedelta(days=30),
            expires_on=date.today() + timedelta(days=335),
        )
    return member


def computer_access(member: Member, *, days: int = 180):  # type: ignore[no-untyped-def]
    """A5: a granted authorization to use department computers for social media, through the services
    (the member asks, a supervisor decides)."""
    from datetime import date, timedelta

    if not member.supervisor_id:
        member.supervisor = supervisor()
        member.save(update_fields=["supervisor"])
    auth = services.access_request(
        actor=member,
        data={
            "kind": "department_computer",
            "purpose": "Open-source research for assigned cases.",
            "expires_on": date.today() + timedelta(days=days),
        },
    )
    return services.access_decide(
        authorization=auth, actor=member.supervisor, grant=True, reasons="Assigned."
    )


def authorizer(**kwargs: object) -> Member:
    return MemberFactory(roles=[Role.COMMAND], power=Power.AUTHORIZE_COVERT, **kwargs)


def alias_data(**overrides: object) -> dict[str, object]:
    from datetime import date, timedelta

    data: dict[str, object] = {
        "platform": "Instagram",
        "alias_handle": "@sk8r_jay_02",
        "alias_identity": "Jay, 19, skateboarder",
        "engagement_level": "covert",
        "case_number": "BPD-26-004411",
        "purpose": "Identify the seller of stolen catalytic converters advertising on Instagram.",
        "target_description": "Account advertising converters in the Westside area.",
        "target_handles": "@cats_4_cash",
        "planned_activities": ["create_alias", "contact_suspect"],
        "first_amendment_attestation": True,
        "starts_on": date.today(),
        "ends_on": date.today() + timedelta(days=30),
    }
    data.update(overrides)
    return data


def device(**kwargs: object):  # type: ignore[no-untyped-def]
    from accounts.models import DepartmentDevice

    defaults = {
        "asset_tag": f"DEV-{DepartmentDevice.objects.count() + 1:04d}",
        "description": "laptop",
        "approved_for_investigations": True,
    }
    defaults.update(kwargs)
    return DepartmentDevice.objects.create(**defaults)


def published_post(body: str = "Parade route closures on Main St this Saturday.", *, handle: str = "@TestPD"):  # type: ignore[no-untyped-def]
    """A post driven through draft → approved → published on a fresh account (and so archived, D1)."""
    from approvals import services as post_services

    acc, pio_member, sarge, _ = live_account_with_approver(handle=handle)
    p = post(pio_member, acc, body=body, submit=True)
    post_services.post_approve(post=p, actor=sarge, comment="ok")
    return post_services.post_publish(
        post=p, actor=pio_member, platform_url=f"https://example.org/{handle[1:]}/1"
    )
