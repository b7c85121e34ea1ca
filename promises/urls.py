from django.urls import path

from . import views

app_name = "promises"

urlpatterns = [
    path("", views.home, name="home"),
    path("janji/", views.promise_list, name="list"),
    path("janji/<int:pk>-<slug:slug>/", views.promise_detail, name="detail"),
    path("indikator/<slug:slug>/", views.indicator_detail, name="indicator"),
    path("sumber/", views.source_list, name="sources"),
    path("perubahan/", views.change_list, name="changes"),
    path("metodologi/", views.methodology, name="methodology"),
]
