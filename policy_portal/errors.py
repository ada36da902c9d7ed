"""Domain errors raised by services; the API maps them to HTTP, the browser views to messages.

Services never return half-done work: they raise one of these before anything is written, or inside
the transaction so that everything written is rolled back.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    status_code = 400
    default_code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, fields: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.fields = fields or {}

    def add_to_form(self, form: Any, *, with_message: bool = False) -> None:
        """Show this error on a Django form: each field's messages beside the field (unknown fields as
        form errors), and the summary message when no field of the form carries one (or always)."""
        for field, errors in self.fields.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
        if with_message or not any(f in form.fields for f in self.fields):
            form.add_error(None, self.message)


class InvalidInput(DomainError):
    """Bad input: 400, naming the field(s)."""

    status_code = 400
    default_code = "invalid"

    @classmethod
    def for_field(cls, field: str, message: str, *, code: str | None = None) -> InvalidInput:
        return cls(message, code=code, fields={field: [message]})


class NotPermitted(DomainError):
    """The user may see the object but not do this to it: 403."""

    status_code = 403
    default_code = "permission_denied"


class IllegalTransition(DomainError):
    """The object is not in a state that allows this action: 409."""

    status_code = 409
    default_code = "illegal_transition"


class Conflict(DomainError):
    """A rule about current state refuses the action (e.g. checklist incomplete): 409."""

    status_code = 409
    default_code = "conflict"
