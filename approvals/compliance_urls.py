"""/compliance/ pages owned by approvals: written permissions (B7) and violation reports (B8)."""

from django.urls import path

from . import views

urlpatterns = [
    path("permissions/", views.permission_list, name="permission-list"),
    path("permissions/new/", views.permission_new, name="permission-new"),
    path("permissions/<int:pk>/", views.permission_detail, name="permission-detail"),
    path("permissions/<int:pk>/decide/", views.permission_decide, name="permission-decide"),
    path("permissions/<int:pk>/end/", views.permission_end, name="permission-end"),
    path("violations/", views.violation_list, name="violation-list"),
    path("violations/new/", views.violation_new, name="violation-new"),
    path("violations/<int:pk>/", views.violation_detail, name="violation-detail"),
    path("violations/<int:pk>/capture/", views.violation_capture, name="violation-capture"),
    path("violations/<int:pk>/<slug:action>/", views.violation_action, name="violation-action"),
]
