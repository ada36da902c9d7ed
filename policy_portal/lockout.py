"""CJIS AC-7 lockout response: JSON for the API, a page for the browser. Only an administrator
releases a lockout (django-axes, AXES_COOLOFF_TIME = None)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

MESSAGE = (
    "This sign-in is locked after repeated failed attempts (CJIS AC-7). "
    "Ask a portal administrator to release it."
)


def lockout_response(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "locked_out", "message": MESSAGE, "fields": {}}, status=403)
    return render(request, "registration/locked.html", {"message": MESSAGE}, status=403)
