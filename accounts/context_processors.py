from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from .models import PolicyProfile


def portal(request: HttpRequest) -> dict[str, Any]:
    """The deployment's profile and the signed-in member's roles, for the layout's header and nav."""
    user = getattr(request, "user", None)
    roles: list[str] = []
    if user is not None and user.is_authenticated:
        roles = [g.name for g in user.groups.all()]
    return {
        "policy_profile": PolicyProfile.objects.filter(slug=settings.POLICY_PROFILE).first(),
        "user_roles": roles,
    }
