"""sitemap.xml (Django's sitemaps framework): every public page in both languages, with hreflang alternates."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Indicator, LogEntry, Promise

# The public pages that are not one object's page, by URL name.
PAGES = ["home", "list", "indicators", "sources", "claims", "changes", "methodology", "about", "data", "report"]


class _BothLanguages(Sitemap):
    i18n = True
    alternates = True
    x_default = True  # the Indonesian page, the site's own language


class PageSitemap(_BothLanguages):
    def items(self):
        return PAGES

    def location(self, item):
        return reverse(f"promises:{item}")


class PromiseSitemap(_BothLanguages):
    def items(self):
        return Promise.objects.order_by("pk").only("pk", "slug", "last_checked")

    def lastmod(self, promise):
        return promise.last_checked


class IndicatorSitemap(_BothLanguages):
    def items(self):
        return Indicator.objects.order_by("pk").only("pk", "slug")


class ChangeSitemap(_BothLanguages):
    limit = 2000  # a change's permalink is small; 2.000 of them (×2 languages) per sitemap page

    def items(self):
        return LogEntry.objects.order_by("pk").only("pk", "created_at")

    def lastmod(self, entry):
        return entry.created_at


SITEMAPS = {"halaman": PageSitemap, "janji": PromiseSitemap, "indikator": IndicatorSitemap, "perubahan": ChangeSitemap}
