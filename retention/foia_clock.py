"""The Illinois FOIA clock in business days (5 ILCS 140 §3(d), §3(e)–(f), §3.1, §3.2, §3.6; §3.5).

Computing time follows the Statute on Statutes (5 ILCS 70/1.11): the day of receipt is excluded, the
last day included; Saturdays, Sundays and holidays are skipped. Holidays are Illinois's (the
``holidays`` library, US subdivision IL — Lincoln's Birthday, Casimir Pulaski Day, election days …)
plus the department's closure days from the policy profile.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from functools import lru_cache

import holidays

BUSINESS_DAYS = {"standard": 5, "commercial": 21, "recurrent": 21, "voluminous": 5}
EXTENSION_DAYS = 5  # §3(e): one extension of up to 5 more business days
NARROWING_DAYS = 10  # §3.6: the requester has 10 business days to narrow a voluminous request


@lru_cache(maxsize=16)
def _illinois(year: int) -> frozenset[date]:
    return frozenset(holidays.US(subdiv="IL", years=year).keys())


def is_business_day(day: date, closures: frozenset[date] = frozenset()) -> bool:
    return day.weekday() < 5 and day not in _illinois(day.year) and day not in closures


def add_business_days(start: date, count: int, closures: Iterable[date] = ()) -> date:
    """The ``count``-th business day after ``start`` (``start`` itself never counts)."""
    closed = frozenset(closures)
    day, remaining = start, count
    while remaining > 0:
        day += timedelta(days=1)
        if is_business_day(day, closed):
            remaining -= 1
    return day


def business_days_left(today: date, due: date, closures: Iterable[date] = ()) -> int:
    """Business days from ``today`` (excluded) to ``due`` (included); negative when overdue."""
    closed = frozenset(closures)
    if due >= today:
        return sum(
            1 for n in range(1, (due - today).days + 1) if is_business_day(today + timedelta(days=n), closed)
        )
    return -sum(
        1 for n in range(0, (today - due).days) if is_business_day(due + timedelta(days=n + 1), closed)
    )
