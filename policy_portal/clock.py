"""The one clock. Services take ``now`` as an argument defaulting to this, so deadlines, expiries and
the FOIA clock can be tested for any date without sleeping."""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone


def now() -> datetime:
    return timezone.now()


def today() -> date:
    return timezone.localdate()
