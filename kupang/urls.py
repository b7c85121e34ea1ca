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
