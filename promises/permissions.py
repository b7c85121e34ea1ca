"""Who may do what: the editing rights a page shows controls for, and the client address login throttling counts.

The write views say their permission in their decorators (`@permission_required`); `Editing` is what the
templates ask ("may this visitor change statuses here?") without touching the session of anonymous readers.
"""

import ipaddress
from functools import cached_property

from django.conf import settings
from django.http import HttpRequest

from .models import Report


class Editing:
    """What the current visitor may edit, decided lazily.

    Without a session cookie the answer is "nothing" and the session is never touched, so anonymous
    pages set no cookie and send no `Vary: Cookie` (they stay cacheable).
    """

    def __init__(self, request: HttpRequest):
        self.request = request

    @cached_property
    def user(self):
        if settings.SESSION_COOKIE_NAME not in self.request.COOKIES:
            return None
        user = self.request.user
        return user if user.is_authenticated else None

    def _has(self, perm: str) -> bool:
        return self.user is not None and self.user.has_perm(perm)

    @cached_property
    def status(self) -> bool:
        return self._has("promises.add_statuschange")

    @cached_property
    def reading(self) -> bool:
        return self._has("promises.add_reading")

    @cached_property
    def conflicts(self) -> bool:
        """May mark two figures as conflicting or not."""
        return self._has("promises.add_conflictmark")

    @cached_property
    def source(self) -> bool:
        return self._has("promises.add_source")

    @cached_property
    def text(self) -> bool:
        """May change a promise's own texts (title, description, criteria, deadline, OPD)."""
        return self._has("promises.change_promise")

    @cached_property
    def approve(self) -> bool:
        """May approve or reject another editor's proposed verdict."""
        return self._has("promises.approve_statusproposal")

    @cached_property
    def create(self) -> bool:
        """May record what an article needs: new promises and indicators (the editors' desk)."""
        return self._has("promises.add_promise") or self._has("promises.add_indicator")

    @cached_property
    def note(self) -> bool:
        """May edit an indicator's reconciliation note."""
        return self._has("promises.change_indicator")

    @cached_property
    def correct(self) -> bool:
        """May correct or withdraw a figure."""
        return self._has("promises.change_reading")

    @cached_property
    def reports(self) -> int | None:
        """How many readers' reports are open, for those who may see the queue; None for everyone else."""
        if not self._has("promises.view_report"):
            return None
        return Report.objects.open().count()

    @cached_property
    def any(self) -> bool:
        return self.status or self.reading or self.conflicts or self.source or self.text or self.create


def editing(request: HttpRequest) -> dict:
    """Context processor: `editing` in every template."""
    return {"editing": Editing(request)}


def client_ip(request) -> str:
    """The visitor's IP for login throttling (django-axes).

    Behind the reverse proxy of deploy/nginx.conf every request comes from 127.0.0.1, which would make the
    lock-out per username for everyone; nginx sets X-Real-IP to the address it saw (overwriting whatever a
    client sent). That header is trusted from a proxy on this machine (a loopback peer) whatever the setting,
    so the documented deployment cannot get it wrong, and from any peer with BEHIND_PROXY=true (a proxy on
    another machine). A client reaching the app directly from elsewhere cannot choose its address.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    real_ip = request.META.get("HTTP_X_REAL_IP", "").strip()
    if real_ip and (settings.BEHIND_PROXY or _loopback(remote)):
        return real_ip
    return remote


def _loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False
