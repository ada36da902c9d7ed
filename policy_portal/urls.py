from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from accounts import api as accounts_api
from approvals import api as approvals_api
from investigations import api as investigations_api
from policy_portal import views as portal_views
from retention import api as retention_api
from retention import views as retention_views

router = DefaultRouter()
router.register("accounts", accounts_api.SocialAccountViewSet, basename="api-account")
router.register("posts", approvals_api.PostViewSet, basename="api-post")
router.register("comments", approvals_api.CommentViewSet, basename="api-comment")
router.register("records", retention_api.RecordViewSet, basename="api-record")
router.register("retention-schedules", retention_api.RecordSeriesViewSet, basename="api-schedule")
router.register("legal-holds", retention_api.LegalHoldViewSet, basename="api-hold")
router.register("foia-requests", retention_api.FoiaRequestViewSet, basename="api-foia")
router.register("exports", retention_api.ExportViewSet, basename="api-export")
router.register("disposal-batches", retention_api.DisposalBatchViewSet, basename="api-disposal")
router.register(
    "alias-authorizations", investigations_api.AliasAuthorizationViewSet, basename="api-alias-authorization"
)
router.register("directive-versions", accounts_api.DirectiveViewSet, basename="api-directive")
router.register("access-authorizations", accounts_api.AccessAuthorizationViewSet, basename="api-access")
router.register("members", accounts_api.MemberDirectoryViewSet, basename="api-member")
router.register("written-permissions", approvals_api.WrittenPermissionViewSet, basename="api-permission")
router.register("violation-reports", approvals_api.ViolationReportViewSet, basename="api-violation")
router.register(
    "background-reviews", investigations_api.BackgroundReviewViewSet, basename="api-background-review"
)


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness + database reachability, for the container health check."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


urlpatterns = [
    path("", portal_views.dashboard, name="dashboard"),
    path("notifications/<int:pk>/", portal_views.notification_open, name="notification-open"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("accounts.urls")),
    path("posts/", include("approvals.urls")),
    path("investigations/", include("investigations.urls")),
    path("records/", include("retention.urls")),
    path("compliance/", portal_views.compliance, name="compliance"),
    path("compliance/", include("accounts.compliance_urls")),
    path("compliance/", include("approvals.compliance_urls")),
    path("foia/denials/", retention_views.denial_index, name="foia-denials"),
    path("foia/denials.csv", retention_views.denial_index_csv, name="foia-denials-csv"),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("api/v1/auth/token/", accounts_api.ObtainTokenView.as_view(), name="api-token"),
    path("api/v1/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]

handler404 = "policy_portal.views.not_found"
