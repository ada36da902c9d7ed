from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from guardian.admin import GuardedModelAdmin

from .models import ChecklistItem, Member, PolicyProfile, Position, SocialAccount, TrainingCertification, Unit


class CertificationInline(admin.TabularInline):
    model = TrainingCertification
    extra = 0


@admin.register(Member)
class MemberAdmin(UserAdmin):
    fieldsets = (
        *UserAdmin.fieldsets,
        (
            "Department",
            {
                "fields": (
                    "employee_number",
                    "badge_number",
                    "rank",
                    "unit",
                    "supervisor",
                    "is_undercover",
                    "positions",
                )
            },
        ),
    )
    list_display = ("username", "get_full_name", "rank", "unit", "is_undercover", "is_active")
    list_filter = ("is_active", "is_undercover", "groups", "unit")
    filter_horizontal = ("groups", "user_permissions", "positions")
    inlines = [CertificationInline]


class PositionInline(admin.TabularInline):
    model = Position
    extra = 0


@admin.register(PolicyProfile)
class PolicyProfileAdmin(admin.ModelAdmin):
    list_display = ("slug", "department_name", "email_domain", "loaded_at")
    inlines = [PositionInline]


admin.site.register(Unit)


class ChecklistInline(admin.TabularInline):
    model = ChecklistItem
    extra = 0
    readonly_fields = (
        "code",
        "label",
        "clause",
        "required",
        "done",
        "completed_by",
        "completed_at",
        "evidence",
    )
    can_delete = False

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(SocialAccount)
class SocialAccountAdmin(GuardedModelAdmin):
    """State changes go through the portal's pages or API (services + audit), never admin edits."""

    list_display = ("handle", "platform", "status", "approved_by", "approved_at")
    list_filter = ("status", "platform")
    readonly_fields = (
        "status",
        "status_reason",
        "proposed_by",
        "proposed_at",
        "approved_by",
        "approved_at",
        "approval_authority",
        "activated_at",
    )
    inlines = [ChecklistInline]
