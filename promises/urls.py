from django.urls import path

from . import feeds
from .views import data, editor, public

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
    path("janji/<int:pk>/teks/", editor.promise_text, name="promise_text"),
    path("indikator/<slug:slug>/angka/", editor.indicator_reading, name="indicator_reading"),
    path("sumber/tambah/", editor.source_add, name="source_add"),
    path("data/", data.index, name="data"),
    path("data/<slug:table>.<slug:fmt>", data.download, name="download"),
    path("perubahan/feed/", feeds.ChangesFeed(), name="changes_feed"),
    path("janji/<int:pk>-<slug:slug>/feed/", feeds.PromiseChangesFeed(), name="detail_feed"),
    path("indikator/<slug:slug>/feed/", feeds.IndicatorReadingsFeed(), name="indicator_feed"),
]
