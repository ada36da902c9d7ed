from django.urls import path

from . import views

urlpatterns = [
    path("", views.queue, name="post-queue"),
    path("new/", views.post_new, name="post-new"),
    path("check/", views.live_check, name="post-live-check"),
    path("moderation/", views.moderation_log, name="moderation-log"),
    path("moderation/bar/", views.commenter_bar, name="commenter-bar"),
    path("<int:pk>/", views.post_detail, name="post-detail"),
    path("<int:pk>/edit/", views.post_edit, name="post-edit"),
    path("<int:pk>/media/", views.post_media, name="post-media"),
    path("<int:pk>/<slug:action>/", views.post_action, name="post-action"),
]
