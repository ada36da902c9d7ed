from django.urls import path

from . import views

urlpatterns = [
    path("", views.account_list, name="account-list"),
    path("new/", views.account_register, name="account-register"),
    path("<int:pk>/", views.account_detail, name="account-detail"),
    path("<int:pk>/checklist/", views.account_checklist, name="account-checklist"),
    path("<int:pk>/administrators/", views.account_add_administrator, name="account-add-admin"),
    path("<int:pk>/post-approvers/", views.account_add_post_approver, name="account-add-post-approver"),
    path("<int:pk>/<slug:action>/", views.account_action, name="account-action"),
]
