from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from promises import admin_import
from promises.views.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path(
        "admin/promises/promise/impor/",
        admin.site.admin_view(admin_import.import_promises),
        name="promises_promise_import",
    ),
    path("admin/", admin.site.urls),
    *i18n_patterns(
        path("masuk/", auth_views.LoginView.as_view(), name="login"),
        path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
        path("", include("promises.urls")),
        prefix_default_language=False,
    ),
]
