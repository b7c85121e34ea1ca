"""Security headers on every page type (a clean `check --deploy`: test_deploy.EnvironmentExampleTests)."""

from django.test import Client, TestCase, override_settings
from django.urls import reverse

from promises.models import Indicator, Promise

from .helpers import grow, make_editor


class SecurityHeaderTests(TestCase):
    def test_every_page_type_sends_strict_security_headers(self):
        grow(1)
        urls = [
            reverse("promises:home"),
            reverse("promises:list"),
            Promise.objects.first().get_absolute_url(),
            Indicator.objects.first().get_absolute_url(),
            reverse("promises:sources"),
            reverse("promises:changes"),
            reverse("promises:methodology"),
            reverse("login"),
            "/admin/login/",
        ]
        for url in urls * 2:  # the second round is served from the page cache: same headers
            response = self.client.get(url, secure=True)
            assert response.status_code == 200, url
            csp = response["Content-Security-Policy"]
            script_src = next(part for part in csp.split(";") if part.strip().startswith("script-src"))
            assert "unsafe-inline" not in script_src and "unsafe-eval" not in script_src, url
            for directive in ["object-src 'none'", "frame-ancestors 'none'", "base-uri 'self'"]:
                assert directive in csp, (url, directive)
            assert response["X-Content-Type-Options"] == "nosniff", url
            assert response["Referrer-Policy"] == "same-origin", url
            assert response["Cross-Origin-Opener-Policy"] == "same-origin", url
            assert response["X-Frame-Options"] == "DENY", url
            assert response["Strict-Transport-Security"].startswith("max-age=31536000; includeSubDomains"), url
            if url in (reverse("login"), "/admin/login/"):
                cookie = response.cookies["__Host-csrftoken"]
                assert cookie["secure"] and cookie["path"] == "/", url
            else:
                assert not response.cookies, url


class StaticFileHeaderTests(TestCase):
    @override_settings(WHITENOISE_USE_FINDERS=True)
    def test_static_files_carry_the_csp_and_frame_headers_of_pages(self):
        response = Client().get("/static/css/site.css", secure=True)  # a new client: whitenoise set up now
        assert response.status_code == 200
        assert response.streaming  # served by whitenoise, not by a view
        csp = response["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Strict-Transport-Security"].startswith("max-age=31536000; includeSubDomains")


class EditorCacheControlTests(TestCase):
    """What an editor sees holds their forms and CSRF token: no shared cache or browser may keep it."""

    def setUp(self):
        grow(1)
        self.urls = [
            reverse("promises:home"),
            reverse("promises:list"),
            Promise.objects.first().get_absolute_url(),
            Indicator.objects.first().get_absolute_url(),
            reverse("promises:sources"),
            reverse("promises:changes"),
            reverse("promises:data"),
        ]

    def test_every_page_an_editor_sees_is_private_and_not_stored(self):
        self.client.force_login(make_editor())
        for url in self.urls:
            response = self.client.get(url, secure=True)
            assert response.status_code == 200, url
            cache_control = response["Cache-Control"]
            assert "private" in cache_control and "no-store" in cache_control, url
        promise = Promise.objects.first()
        response = self.client.post(reverse("promises:promise_status", args=[promise.pk]), {}, secure=True)
        assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]

    def test_anonymous_pages_are_not_private_first_or_from_the_cache(self):
        for url in self.urls * 2:
            response = self.client.get(url, secure=True)
            assert "private" not in response.get("Cache-Control", ""), url
            assert "no-store" not in response.get("Cache-Control", ""), url
