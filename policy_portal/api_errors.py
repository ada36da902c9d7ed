"""One error shape for the whole API: ``{"code": ..., "message": ..., "fields": {...}}``.

Hidden and missing objects give the same 404 body (style rule 6), domain errors keep their status
(409 for illegal transitions), and nothing escapes as a 500 with a stack trace.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import DomainError


def _flatten(detail: Any) -> list[str]:
    if isinstance(detail, list):
        out: list[str] = []
        for item in detail:
            out.extend(_flatten(item))
        return out
    if isinstance(detail, dict):
        return [f"{k}: {m}" for k, v in detail.items() for m in _flatten(v)]
    return [str(detail)]


def _fields_of(detail: Any) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        return {str(k): _flatten(v) for k, v in detail.items()}
    return {"non_field_errors": _flatten(detail)}


def error_response(code: str, message: str, http_status: int, fields: dict | None = None) -> Response:
    return Response({"code": code, "message": message, "fields": fields or {}}, status=http_status)


def exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, DomainError):
        return error_response(exc.code, exc.message, exc.status_code, exc.fields)
    if isinstance(exc, Http404 | exceptions.NotFound):
        return error_response("not_found", "Not found.", status.HTTP_404_NOT_FOUND)
    if isinstance(exc, DjangoValidationError):
        fields = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return error_response("invalid", "The request has invalid fields.", 400, fields)
    if isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {
            "code": "invalid",
            "message": "The request has invalid fields.",
            "fields": _fields_of(exc.detail),
        }
    elif isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        response.data = {
            "code": codes if isinstance(codes, str) else "error",
            "message": " ".join(_flatten(exc.detail)),
            "fields": {},
        }
    return response


class BoundedJSONParser(JSONParser):
    """DRF's JSON parser, with pathological nesting answered as a parse error (400) instead of a 500."""

    def parse(self, stream, media_type=None, parser_context=None):  # type: ignore[no-untyped-def]
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - nested too deeply.") from None
