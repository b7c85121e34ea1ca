from django.urls import path

from . import feeds
from .middleware import cached_page
from .views import desk, indicators, open_data, pages, previews, promises, reports, search, sources

app_name = "promises"

urlpatterns = [
    path("", pages.home, name="home"),
    path("janji/", promises.promise_list, name="list"),
    path("janji/<int:pk>-<slug:slug>/", promises.promise_detail, name="detail"),
    path("j/<str:code>", promises.short_link, name="short_link"),
    path("j/<str:code>/", promises.short_link),
    path("janji/<int:pk>/status/", promises.promise_status, name="promise_status"),
    path("janji/<int:pk>/teks/", promises.promise_text, name="promise_text"),
    path("janji/<int:pk>/pratinjau.png", previews.promise_preview, name="promise_preview"),
    path("usulan/<int:pk>/", promises.proposal_decide, name="proposal_decide"),
    path("angka/", indicators.indicator_list, name="indicators"),
    path("indikator/<slug:slug>/", indicators.indicator_detail, name="indicator"),
    path("indikator/<slug:slug>/pratinjau.png", previews.indicator_preview, name="indicator_preview"),
    path("indikator/<slug:slug>/angka/", indicators.indicator_reading, name="indicator_reading"),
    path("indikator/<slug:slug>/pertentangan/", indicators.indicator_conflict, name="indicator_conflict"),
    path("meja/artikel/", desk.desk, name="desk"),
    path("janji/baru/", promises.promise_new, name="promise_new"),
    path("janji/<int:pk>/indikator/baru/", indicators.indicator_new, name="indicator_new"),
    path("indikator/<slug:slug>/koreksi/", indicators.indicator_fix, name="indicator_fix"),
    path("indikator/<slug:slug>/catatan/", indicators.indicator_note, name="indicator_note"),
    path("cari/", search.search, name="search"),
    path("sumber/", sources.source_list, name="sources"),
    path("sumber/tambah/", sources.source_add, name="source_add"),
    path("klaim/", pages.claim_list, name="claims"),
    path("perubahan/", pages.change_list, name="changes"),
    path("perubahan/<int:pk>/", pages.change_detail, name="change"),
    path("metodologi/", pages.methodology, name="methodology"),
    path("tentang/", pages.about, name="about"),
    path("laporan/", reports.report_new, name="report"),
    path("laporan/<str:receipt>/", reports.report_receipt, name="report_receipt"),
    path("meja/laporan/", reports.report_queue, name="report_queue"),
    path("meja/laporan/<int:pk>/", reports.report_decide, name="report_decide"),
    path("data/", open_data.index, name="data"),
    path("data/<slug:table>.<slug:fmt>", open_data.download, name="download"),
    # feeds are pages like the others for the page cache: anonymous GETs that depend only on the data
    path("perubahan/feed/", cached_page(feeds.ChangesFeed()), name="changes_feed"),
    path("janji/<int:pk>-<slug:slug>/feed/", cached_page(feeds.PromiseChangesFeed()), name="detail_feed"),
    path("indikator/<slug:slug>/feed/", cached_page(feeds.IndicatorReadingsFeed()), name="indicator_feed"),
]
