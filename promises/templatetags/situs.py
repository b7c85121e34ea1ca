"""Site-wide template helpers: the language switch, the page's own addresses, and status presentation."""

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .. import previews
from ..formatting import date_text
from ..markup import escape, format_html, format_html_join
from ..models import Promise
from ..sharing import absolute

register = template.Library()


@register.simple_tag(takes_context=True)
def other_language(context) -> dict:
    """The current page in the other language: {"code", "name", "url"}."""
    request = context["request"]
    target = "en" if get_language() == "id" else "id"
    return {
        "code": target,
        "name": "English" if target == "en" else "Bahasa Indonesia",
        "url": translate_url(request.get_full_path(), target),
    }


@register.simple_tag(takes_context=True)
def page_url(context, path: str | None = None) -> str:
    """The page's canonical address: its path (or `path`) without query, keeping only a page number past the first."""
    request = context["request"]
    url = absolute(request, path or request.path)
    if path is None and request.GET.get("halaman", "1") not in ("", "1"):
        url += "?" + urlencode({"halaman": request.GET["halaman"]})
    return url


@register.simple_tag(takes_context=True)
def language_alternates(context) -> list[dict]:
    """The page in each language for hreflang links: [{"code", "url"}], then "x-default" (Indonesian)."""
    canonical = page_url(context)
    alternates = [{"code": code, "url": translate_url(canonical, code)} for code, _name in settings.LANGUAGES]
    return [*alternates, {"code": "x-default", "url": alternates[0]["url"]}]


@register.simple_tag(takes_context=True)
def preview_image(context, obj) -> str:
    """The absolute URL of the object's preview card, with its version so chat apps fetch a changed card anew."""
    return f"{previews.preview_url(context['request'], obj)}?v={obj.version}"


@register.filter
def glyph(status: str) -> str:
    """The status's glyph (`Status.glyph`); nothing for an empty or unknown value."""
    try:
        return Promise.Status(status).glyph
    except ValueError:
        return ""


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def zero_statuses(counts: dict, statuses) -> list:
    """The statuses no promise has, for the one line that names them instead of eight chips."""
    return [status for status in statuses if not counts.get(status)]


# Badges and source citations: simple tags, not `{% include %}`s, because they are drawn once per row of the
# longest lists (the log, the ledger): an include costs a template render each time (perf.md, section 8).


def interpolate(message: str, **values) -> SafeString:
    """A translated message with its placeholders filled in, for Python that writes HTML: like
    `{% blocktranslate %}`, the values are escaped and the message's own text is not."""
    return mark_safe(message % {name: escape(value) for name, value in values.items()})


@register.simple_tag
def status_badge(status) -> str:
    """The status with its colour, glyph and label."""
    try:
        status = Promise.Status(status)
    except ValueError:
        return ""
    return format_html(
        '<span class="badge status-{}"><span aria-hidden="true">{}</span> {}</span>',
        status.value,
        status.glyph,
        status.label,
    )


@register.simple_tag
def verification_badge(verification) -> str:
    """How far a status or a figure is confirmed; nothing when it is not said."""
    try:
        verification = Promise.Verification(verification)
    except ValueError:
        return ""
    return format_html('<span class="badge verif verif-{}">{}</span>', verification.value, verification.label)


@register.simple_tag
def source_cite(source, new_tab: bool = False) -> str:
    """A source as it is cited everywhere: outlet and date, linked; a reliability verdict or "official channel".
    `new_tab` on a form page, so following the link never leaves what the editor is typing."""
    published = date_text(source.published) if source.published else _("tanggal terbit tidak diketahui")
    target = mark_safe(' target="_blank"') if new_tab else ""
    html = format_html(
        '<a href="{}" rel="noopener nofollow" class="cite" dir="auto"{}>{}, {}</a>',
        source.url,
        target,
        source.outlet,
        published,
    )
    if source.reliability:
        verdict = _("keandalan rendah: %(verdict)s") % {"verdict": source.get_reliability_display()}
        return html + format_html(' <span class="warn">({})</span>', verdict)
    if source.kind == "pemerintah":
        return html + format_html(' <span class="meta">({})</span>', _("kanal resmi pemerintah"))
    return html


@register.simple_tag
def claim_items(items) -> str:
    """The promises a government claim presents (ClaimItemQuerySet.attach_to: address, code, title, note), each
    linked with its note: a simple tag because /klaim/ draws about 400 of them a page at 100x (the template loop
    was most of its render)."""
    return format_html(
        "<ul>{}</ul>",
        format_html_join(
            "",
            '<li><a href="{}">{} {}</a>{}</li>',
            ((url, code, title, format_html(": {}", note) if note else "") for url, code, title, note in items),
        ),
    )
