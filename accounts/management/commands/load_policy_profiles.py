from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.profiles import ProfileError, load_all_profiles


class Command(BaseCommand):
    help = (
        "Load or refresh the Chicago, Bloomington and Hanover Park policy profiles (accounts/profile_data)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            profiles = load_all_profiles()
        except ProfileError as exc:
            raise CommandError(str(exc)) from exc
        for profile in profiles:
            marker = " (this deployment)" if profile.slug == settings.POLICY_PROFILE else ""
            self.stdout.write(f"Loaded {profile.slug}: {profile.department_name}{marker}")
        if settings.POLICY_PROFILE not in {p.slug for p in profiles}:
            raise CommandError(f"POLICY_PROFILE={settings.POLICY_PROFILE!r} matches no profile file.")
