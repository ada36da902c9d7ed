from django.urls import path

from . import views

urlpatterns = [
    path("", views.index, name="alias-index"),
    path("new/", views.request_new, name="alias-new"),
    path("<int:pk>/", views.detail, name="alias-detail"),
    path("<int:pk>/uses/", views.use_new, name="alias-use"),
    path("reviews/", views.review_index, name="review-index"),
    path("reviews/new/", views.review_new, name="review-new"),
    path("reviews/<int:pk>/", views.review_detail, name="review-detail"),
    path("reviews/<int:pk>/entries/", views.review_entry, name="review-entry"),
    path("reviews/<int:pk>/close/", views.review_close, name="review-close"),
    path("<int:pk>/<slug:action>/", views.decide, name="alias-action"),
]
