"""CJIS AC-2(3): members inactive for 90 days are disabled by a database-driven sweep."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Member
from accounts.services import members_disable_inactive
from audit.models import AuditEvent
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_sweep_disables_only_members_past_the_limit_once_cjis_ac_2_3():
    now = timezone.now()
    stale = f.MemberFactory(last_login=now - timedelta(days=91))
    never = f.MemberFactory(last_login=None)
    Member.objects.filter(pk=never.pk).update(date_joined=now - timedelta(days=100))
    fresh = f.MemberFactory(last_login=now - timedelta(days=10))
    assert sorted(members_disable_inactive(now=now)) == sorted([stale.username, never.username])
    assert members_disable_inactive(now=now) == []  # a second sweep repeats nothing
    assert Member.objects.get(pk=fresh.pk).is_active
    assert AuditEvent.objects.filter(action="member.disabled_inactive").count() == 2
