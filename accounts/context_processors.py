from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from .models import PolicyProfile
from .selectors import outstanding_directive


def portal(request: HttpRequest) -> dict[str, Any]:
    """The deployment's profile and the signed-in member's roles, for the layout's header and nav."""
    user = getattr(request, "user", None)
    roles: list[str] = []
    outstanding = None
    profile = PolicyProfile.objects.filter(slug=settings.POLICY_PROFILE).first()
    if user is not None and user.is_authenticated:
        roles = [g.name for g in user.groups.all()]
        if profile is not None:
            outstanding = outstanding_directive(user)
    return {
        "policy_profile": profile,
        "user_roles": roles,
        # Every page reminds a member who has not acknowledged the current directive (issue #6).
        "directive_outstanding": outstanding,
    }
