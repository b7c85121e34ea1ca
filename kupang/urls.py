from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.sitemaps.views import index as sitemap_index
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from promises.sitemaps import SITEMAPS
from promises.views.health import healthz
from promises.views.site_files import robots_txt

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemap_index, {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap"}, name="sitemap_index"),
    path("sitemap-<section>.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("admin/", admin.site.urls),
    *i18n_patterns(
        path("masuk/", auth_views.LoginView.as_view(), name="login"),
        path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
        # the one-time link of `manage.py add_editor` and the admin's "Tambah editor" (promises/onboarding.py)
        path(
            "kata-sandi/<uidb64>/<token>/",
            auth_views.PasswordResetConfirmView.as_view(),
            name="password_reset_confirm",
        ),
        path("kata-sandi/selesai/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
        path("", include("promises.urls")),
        prefix_default_language=False,
    ),
]
