"""Security headers on every page type (a clean `check --deploy`: test_deploy.EnvironmentExampleTests)."""

from django.test import TestCase
from django.urls import reverse

from promises.models import Indicator, Promise

from .helpers import grow


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
