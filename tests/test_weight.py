"""Light pages for slow phone connections, measured on the shipped Kupang data."""

import gzip
import re
from io import StringIO

from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse

from promises.models import Indicator, Promise

DASHBOARD_BUDGET = 14_600  # one round trip: 10 TCP segments of 1,460 bytes
FIRST_LOAD_BUDGET = 60_000


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


class PageWeightTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("load_kupang_data", stdout=StringIO())

    def assets(self, html: str) -> int:
        total = 0
        for path in re.findall(r'(?:href|src)="/static/([^"]+\.(?:css|js))"', html):
            found = finders.find(path)
            assert found, path
            with open(found, "rb") as f:
                total += gz(f.read())
        return total

    def test_the_dashboard_fits_in_one_round_trip(self):
        html = self.client.get(reverse("promises:home")).content
        print(f"\ndashboard: {len(html):,} bytes raw, {gz(html):,} bytes gzip (budget {DASHBOARD_BUDGET:,})")
        assert gz(html) <= DASHBOARD_BUDGET

    def test_every_page_first_load_is_under_60_kb_compressed(self):
        urls = [
            reverse("promises:home"),
            reverse("promises:list"),
            Promise.objects.get(code="PG-4").get_absolute_url(),
            Indicator.objects.get(slug="tempat-sampah-rt").get_absolute_url(),
            reverse("promises:indicators"),
            reverse("promises:sources"),
            reverse("promises:changes"),
            reverse("promises:methodology"),
        ]
        for url in urls:
            html = self.client.get(url).content
            total = gz(html) + self.assets(html.decode())
            print(f"{url}: {total:,} bytes compressed with CSS/JS")
            assert total <= FIRST_LOAD_BUDGET, url

    def test_no_page_asks_for_a_third_party_resource_or_a_web_font(self):
        for url in [reverse("promises:home"), reverse("promises:list"), reverse("promises:sources")]:
            html = self.client.get(url).text
            external = (
                r'<(?:script|img)[^>]+src="(?:https?:)?//'
                r'|<link[^>]+rel="(?:stylesheet|preload|icon)"[^>]+href="(?:https?:)?//'
            )
            assert not re.search(external, html), url
            assert "@font-face" not in html


class StaticFilesTests(TestCase):
    def test_hashed_static_files_are_compressed_and_cached_for_a_year(self):
        import tempfile

        from django.test import Client, override_settings

        with tempfile.TemporaryDirectory() as root:
            storages = {
                "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
                "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
            }
            with override_settings(STATIC_ROOT=root, STORAGES=storages):
                call_command("collectstatic", interactive=False, verbosity=0)
                from django.templatetags.static import static

                css = static("css/site.css")
                assert re.fullmatch(r"/static/css/site\.[0-9a-f]{12}\.css", css), css
                response = Client().get(css, headers={"Accept-Encoding": "gzip"})
                assert response.status_code == 200
                assert response["Content-Encoding"] == "gzip"
                max_age = int(re.search(r"max-age=(\d+)", response["Cache-Control"]).group(1))
                assert max_age >= 365 * 24 * 3600
                assert "immutable" in response["Cache-Control"]
