from django.urls import path

from . import views

urlpatterns = [
    path("", views.foia_queue, name="foia-queue"),
    path("foia/new/", views.foia_new, name="foia-new"),
    path("foia/<int:pk>/", views.foia_detail, name="foia-detail"),
    path("foia/<int:pk>/export/", views.export_start, name="foia-export"),
    path("foia/<int:pk>/<slug:action>/", views.foia_action, name="foia-action"),
    path("exports/<int:pk>/progress/", views.export_progress, name="export-progress"),
    path("exports/<int:pk>/download/", views.export_download, name="export-download"),
    path("archive/", views.archive, name="records-archive"),
    path("holds/", views.holds, name="records-holds"),
    path("holds/<int:pk>/release/", views.hold_release, name="records-hold-release"),
    path("schedules/", views.schedules, name="records-schedules"),
    path("disposal/", views.disposal_list, name="disposal-list"),
    path("disposal/<int:pk>/", views.disposal_detail, name="disposal-detail"),
    path("disposal/<int:pk>/<slug:action>/", views.disposal_action, name="disposal-action"),
]
