"""/compliance/ pages owned by accounts: the directive, device/access authorizations (A5), directory (E2)."""

from django.urls import path

from . import views

urlpatterns = [
    path("directive/", views.directive_current, name="directive"),
    path("directive/issue/", views.directive_issue, name="directive-issue"),
    path("directive/status/", views.directive_status, name="directive-status"),
    path("directive/<int:pk>/acknowledge/", views.directive_acknowledge, name="directive-acknowledge"),
    path("access/", views.access_list, name="access-list"),
    path("access/new/", views.access_new, name="access-new"),
    path("access/<int:pk>/", views.access_detail, name="access-detail"),
    path("access/<int:pk>/decide/", views.access_decide, name="access-decide"),
    path("access/<int:pk>/end/", views.access_end, name="access-end"),
    path("members/", views.member_directory, name="member-directory"),
]
