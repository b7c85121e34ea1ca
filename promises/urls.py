from django.urls import path

from .views import editor, public

app_name = "promises"

urlpatterns = [
    path("", public.home, name="home"),
    path("janji/", public.promise_list, name="list"),
    path("janji/<int:pk>-<slug:slug>/", public.promise_detail, name="detail"),
    path("indikator/<slug:slug>/", public.indicator_detail, name="indicator"),
    path("sumber/", public.source_list, name="sources"),
    path("perubahan/", public.change_list, name="changes"),
    path("metodologi/", public.methodology, name="methodology"),
    path("janji/<int:pk>/status/", editor.promise_status, name="promise_status"),
    path("indikator/<slug:slug>/angka/", editor.indicator_reading, name="indicator_reading"),
    path("sumber/tambah/", editor.source_add, name="source_add"),
]
