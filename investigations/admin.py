"""Read-only admin for background and internal reviews (E1): every write goes through the services, which
screen for credentials (HPPD IV.C, V.C; 820 ILCS 55/10) and write the audit trail — never the admin."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import BackgroundReview, ReviewEntry


class _ReadOnly:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReviewEntryInline(_ReadOnly, admin.TabularInline):
    model = ReviewEntry
    extra = 0
    fields = ("viewed_at", "platform", "url", "validation_method", "recorded_by")


@admin.register(BackgroundReview)
class BackgroundReviewAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ("id", "kind", "case_number", "reviewer", "status", "opened_at", "closed_at")
    list_filter = ("kind", "status")
    inlines = [ReviewEntryInline]

    def get_queryset(self, request: HttpRequest):  # type: ignore[no-untyped-def]
        # The same audience as everywhere else (style rule 5): not even staff see a review of themselves.
        return BackgroundReview.objects.visible_to(request.user).select_related("reviewer")
