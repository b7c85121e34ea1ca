"""The files crawlers and browsers ask for at the site's root: robots.txt (sitemap.xml is Django's own view)."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

# Editor and search pages are not for crawlers, in either language.
NOT_FOR_CRAWLERS = ["/admin/", "/masuk/", "/meja/", "/cari/", "/laporan/", "/kata-sandi/"]


@require_safe
@cache_control(public=True, max_age=86400)
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = ["User-agent: *"]
    for path in NOT_FOR_CRAWLERS:
        lines.append(f"Disallow: {path}")
        if path != "/admin/":
            lines.append(f"Disallow: /en{path}")
    lines.append(f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
