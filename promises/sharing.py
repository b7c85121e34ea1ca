"""What a shared link says: the WhatsApp text of the dashboard, a promise and an indicator, each with its figure
and the date it holds, so a forwarded message stands on its own (ux.md F11)."""

from django.conf import settings
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .formatting import nilai, reading_value


def absolute(request, path: str) -> str:
    """`path` on this site: SITE_URL when set (the address readers know), else the host the request came to."""
    return (settings.SITE_URL or f"{request.scheme}://{request.get_host()}") + path


def figure_line(indicator) -> str | None:
    """The indicator's realised figure against its target and its date: "900 unit dari target 1.347 unit (67%),
    per 14 Agustus 2025"; None without a realised figure. Reads only the figures' card fields (loaded by
    `for_cards()` and `with_readings()`)."""
    reading = indicator.progress_reading()
    if reading is None:
        return None
    text = reading_value(reading)
    if indicator.target_value:
        text = against_target(indicator, text, _("%(value)s dari target %(target)s"))
    return _("%(figure)s, per %(date)s") % {"figure": text, "date": reading.as_of_label}


def against_target(indicator, value: str, wording: str) -> str:
    """`value` set against the indicator's target in `wording` ("%(value)s dari %(target)s"), with the share of
    it reached when that is known: "900 dari 1.347 unit (67%)". The share shows wherever the target does."""
    text = wording % {"value": value, "target": nilai(indicator.target_value, indicator.unit)}
    percent = indicator.progress_percent()
    return text if percent is None else f"{text} ({percent}%)"


def indicator_summary(indicator) -> str:
    """ "Tempat sampah untuk setiap RT: 900 unit dari target 1.347 unit (67%), per 14 Agustus 2025; sumber menyebut
    angka berbeda-beda": the page's description and the start of its shared text."""
    figure = figure_line(indicator)
    if figure is None:
        figure = _("belum ada angka realisasi")
    if indicator.conflicts():
        figure += _("; sumber menyebut angka berbeda-beda")
    return f"{indicator.name}: {figure}"


def indicator_text(indicator, url: str) -> str:
    return indicator_summary(indicator) + _(". Cek sumbernya: %(url)s") % {"url": url}


def promise_text(promise, indicators, url: str) -> str:
    text = _('Janji Wali Kota Kupang: "%(title)s" — status: %(status)s') % {
        "title": promise.title,
        "status": promise.get_status_display(),
    }
    if promise.last_checked:
        text += _(" (diperiksa %(date)s)") % {"date": date_format(promise.last_checked, "j F Y")}
    figures = [(indicator, line) for indicator in indicators if (line := figure_line(indicator))]
    if figures:
        indicator, line = figures[0]
        text += f". {indicator.name}: {line}"
    return text + _(". Cek sumbernya: %(url)s") % {"url": url}


def dashboard_text(campaign: dict, claim, as_of, url: str) -> str:
    """The tracker's own count of campaign promises, the government's claim beside it, and the date of the latest
    change the count reflects."""
    text = _(
        "Janji kampanye Wali Kota Kupang menurut Pantau Janji: %(kept)s ditepati, %(partly)s ditepati sebagian, "
        "%(doing)s dalam proses dari %(total)s yang terdokumentasi"
    ) % {
        "kept": campaign["ditepati"],
        "partly": campaign["ditepati_sebagian"],
        "doing": campaign["dalam_proses"],
        "total": campaign["total"],
    }
    if as_of:
        text += _(" (per %(date)s)") % {"date": date_format(as_of, "j F Y")}
    if claim is not None and claim.kept is not None:
        text += _(". Klaim pemerintah: %(kept)s dari %(total)s ditepati (%(date)s)") % {
            "kept": claim.kept,
            "total": claim.total,
            "date": claim.date_label,
        }
    return text + _(". Cek sumbernya: %(url)s") % {"url": url}
