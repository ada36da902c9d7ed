from django.urls import path

from . import views

urlpatterns = [
    path("", views.index, name="alias-index"),
    path("new/", views.request_new, name="alias-new"),
    path("<int:pk>/", views.detail, name="alias-detail"),
    path("<int:pk>/uses/", views.use_new, name="alias-use"),
    path("<int:pk>/<slug:action>/", views.decide, name="alias-action"),
]
