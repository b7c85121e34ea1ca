from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from promises.views.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    *i18n_patterns(
        path("masuk/", auth_views.LoginView.as_view(), name="login"),
        path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
        path("", include("promises.urls")),
        prefix_default_language=False,
    ),
]
