"""Department accounts, policy-map A1–A4, through services and the API."""

from __future__ import annotations

import pytest

from accounts import services
from accounts.models import AccountStatus, Member, Role, SocialAccount
from audit.models import AuditEvent
from policy_portal.errors import Conflict, IllegalTransition, InvalidInput, NotPermitted
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_a1_only_the_profiles_approving_authority_approves_cpd_iii_c_1_bpd_2a_hppd_i_a():
    """CPD III.C.1, BPD Platform 2.a, HPPD I.A: the chief executive or designee approves, no one else."""
    pio, chief = f.pio(), f.chief()
    sergeant = f.MemberFactory(roles=[Role.SUPERVISOR])
    acc = f.account(pio)
    for outsider in (pio, sergeant):
        with pytest.raises(NotPermitted):
            services.account_approve(account=acc, actor=outsider)
    acc.refresh_from_db()
    assert acc.status == AccountStatus.PROPOSED

    services.account_approve(account=acc, actor=chief)
    acc.refresh_from_db()
    assert acc.status == AccountStatus.APPROVED
    assert acc.approved_by == chief and acc.approved_at is not None
    assert (
        acc.approval_authority.startswith("Chief of Police") and "BPD Platform 2.a" in acc.approval_authority
    )
    event = AuditEvent.objects.get(action="account.approved")
    assert (
        event.actor == chief and event.before["status"] == "proposed" and event.after["status"] == "approved"
    )


def test_a1_authority_comes_from_profile_data_not_code(settings):
    """Who may approve is data (style rule 12): under the Chicago profile the Superintendent's designee."""
    settings.POLICY_PROFILE = "chicago"
    pio = f.pio(email="p@chicagopolice.org")
    designee = f.chief(email="d@chicagopolice.org")
    acc = f.account(pio)
    services.account_approve(account=acc, actor=designee)
    acc.refresh_from_db()
    assert "Superintendent" in acc.approval_authority and "CPD III.C.1" in acc.approval_authority


def test_a2_administrator_rights_are_per_account_bpd_2a_hppd_i_a():
    """BPD Platform 2.a, HPPD I.A: designated administrators hold rights on their account alone."""
    pio, pio2, chief = f.pio(), f.pio(), f.chief()
    mine = f.account(pio, handle="@Mine")
    theirs = f.account(pio2, handle="@Theirs")
    assert pio.has_perm("accounts.administer_socialaccount", mine)
    assert not pio.has_perm("accounts.administer_socialaccount", theirs)
    assert not pio.has_perm("accounts.administer_socialaccount")  # no global flag
    services.account_approve(account=theirs, actor=chief)
    with pytest.raises(NotPermitted):
        services.account_checklist_set(account=theirs, actor=pio, code="purpose-statement", done=True)
    with pytest.raises(NotPermitted):
        services.account_activate(account=theirs, actor=pio)


def test_a3_activation_refused_until_required_checklist_complete_bpd_1a_hppd_i_b():
    """BPD Platform 1.a–b, 2.b, Disclaimer; HPPD I.B.1–4, 6–7: no activation with an item missing."""
    pio, chief = f.pio(), f.chief()
    acc = f.account(pio, approver=chief, status="approved")
    items = list(acc.checklist_items.all())
    assert len(items) == 9  # Bloomington's checklist, from the profile
    for item in items[:-1]:
        services.account_checklist_set(account=acc, actor=pio, code=item.code, done=True)
    with pytest.raises(Conflict) as refused:
        services.account_activate(account=acc, actor=pio)
    assert refused.value.code == "checklist_incomplete"
    assert items[-1].code in refused.value.fields["checklist"][0]
    acc.refresh_from_db()
    assert acc.status == AccountStatus.APPROVED
    services.account_checklist_set(account=acc, actor=pio, code=items[-1].code, done=True)
    services.account_activate(account=acc, actor=pio)
    acc.refresh_from_db()
    assert acc.status == AccountStatus.ACTIVE and acc.activated_at is not None


def test_a3_reactivating_a_suspended_account_rechecks_the_checklist():
    """BPD Platform 2.b: a page that lost an item cannot come back live until it is restored."""
    pio, chief = f.pio(), f.chief()
    acc = f.account(pio, approver=chief, status="active")
    services.account_suspend(account=acc, actor=pio, reason="Disclaimer removed by platform redesign")
    services.account_checklist_set(account=acc, actor=pio, code="legal-disclaimer", done=False)
    with pytest.raises(Conflict):
        services.account_activate(account=acc, actor=pio)


def test_a4_administrators_need_a_department_email_hppd_i_d_5():
    """HPPD I.D.5: only department-issued e-mail addresses manage department accounts."""
    pio, chief = f.pio(), f.chief()
    gmail = f.pio(email="someone@gmail.com")
    with pytest.raises(InvalidInput) as refused:
        services.account_register(actor=pio, data=f.ACCOUNT_DATA, administrators=[gmail])
    assert "administrators" in refused.value.fields
    assert not SocialAccount.objects.exists()
    acc = f.account(pio)
    with pytest.raises(InvalidInput):
        services.account_grant_administrator(account=acc, actor=chief, member=gmail)
    # Look-alike domains do not pass either.
    sneaky = f.pio(email="x@evil-cityblm.org")
    with pytest.raises(InvalidInput):
        services.account_grant_administrator(account=acc, actor=chief, member=sneaky)


def test_illegal_transition_raises_and_changes_nothing():
    pio, chief = f.pio(), f.chief()
    acc = f.account(pio)
    before = AuditEvent.objects.count()
    with pytest.raises(IllegalTransition):
        services.account_activate(account=acc, actor=chief)
    with pytest.raises(IllegalTransition):
        services.account_suspend(account=acc, actor=chief, reason="x")
    services.account_retire(account=acc, actor=chief, reason="Duplicate of the main page")
    with pytest.raises(IllegalTransition):
        services.account_approve(account=acc, actor=chief)
    assert AuditEvent.objects.count() == before + 1


def test_only_pio_staff_register_accounts():
    officer = f.MemberFactory()
    with pytest.raises(NotPermitted):
        services.account_register(actor=officer, data=f.ACCOUNT_DATA)


def test_retired_handle_can_be_registered_again_but_live_duplicate_cannot():
    pio, chief = f.pio(), f.chief()
    acc = f.account(pio)
    with pytest.raises(InvalidInput) as dup:
        f.account(pio)
    assert "handle" in dup.value.fields
    services.account_retire(account=acc, actor=chief, reason="Replaced")
    assert f.account(pio).status == AccountStatus.PROPOSED


def test_post_approver_rights_are_granted_per_account_by_the_approving_authority_hppd_i_b_5():
    """HPPD I.B.5: supervisors approve posts; the right is held per account."""
    pio, chief = f.pio(), f.chief()
    sergeant = f.MemberFactory(roles=[Role.SUPERVISOR])
    acc = f.account(pio, approver=chief, status="active")
    with pytest.raises(NotPermitted):
        services.account_grant_post_approver(account=acc, actor=pio, member=sergeant)
    services.account_grant_post_approver(account=acc, actor=chief, member=sergeant)
    assert Member.objects.get(pk=sergeant.pk).has_perm("accounts.approve_posts_socialaccount", acc)
