"""The role groups and the global permissions each carries. Object-level rights (administer this
account, approve posts for this account) are granted per object through django-guardian."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission

from .models import Role

ROLE_PERMISSIONS: dict[Role, list[str]] = {
    Role.PIO: ["accounts.add_socialaccount"],
    Role.SUPERVISOR: [],
    Role.INVESTIGATOR: [],
    Role.RECORDS: [],
    # Auditors read the whole trail, restricted events included (C8: "and auditors").
    Role.AUDITOR: ["audit.view_auditevent"],
    Role.COMMAND: [],
    Role.INTERNAL_AFFAIRS: [],
}


def ensure_roles(**kwargs: Any) -> None:
    """Create the role groups with their permissions; safe to run any number of times."""
    for role, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role.value)
        wanted = []
        for dotted in perms:
            app_label, codename = dotted.split(".")
            perm = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if perm is not None:
                wanted.append(perm)
        group.permissions.add(*wanted)
