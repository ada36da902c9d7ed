"""Declared transitions, enforced in one place. Each model declares ``TRANSITIONS`` as data
(``{from_state: {to_state, ...}}``); services call ``require_transition`` under a row lock."""

from __future__ import annotations

from collections.abc import Mapping

from .errors import IllegalTransition


def require_transition(
    transitions: Mapping[str, set[str]], current: str, target: str, *, noun: str, verb: str
) -> None:
    if target not in transitions.get(current, set()):
        raise IllegalTransition(
            f"Cannot {verb} this {noun}: it is {current.replace('_', ' ')}.",
            fields={"status": [f"{current} → {target} is not an allowed change."]},
        )
