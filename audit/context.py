"""Where the current request came from, for audit events written deep inside services."""

from __future__ import annotations

from contextvars import ContextVar

source_address: ContextVar[str | None] = ContextVar("audit_source_address", default=None)
