"""Security headers on every page type, and a clean `check --deploy` with the documented production settings."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.test import TestCase
from django.urls import reverse

from promises.models import Indicator, Promise

from .helpers import grow

ROOT = Path(__file__).resolve().parent.parent


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


class DeployCheckTests(TestCase):
    def test_check_deploy_is_clean_with_the_documented_production_settings(self):
        env = os.environ | {
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "janji.example.org",
            "DEBUG": "false",
        }
        env.pop("SECURE_SSL_REDIRECT", None)
        env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for the browser tests only
        result = subprocess.run(
            [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stdout + result.stderr
