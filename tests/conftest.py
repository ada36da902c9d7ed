from __future__ import annotations

import os

import pytest
from django.db import connection

from accounts.profiles import load_all_profiles
from tests.worker import celery_worker  # noqa: F401  (fixture)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright + live_server share the process


@pytest.fixture(autouse=True)
def _policy_profiles(db: None) -> None:
    """Every test runs under the three real profiles, Bloomington selected (settings.POLICY_PROFILE)."""
    load_all_profiles()


@pytest.fixture
def postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL); SQLite has no such feature")


@pytest.fixture
def api():
    from rest_framework.test import APIClient

    return APIClient()
