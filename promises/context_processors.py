from functools import cached_property

from django.conf import settings
from django.http import HttpRequest


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
    def source(self) -> bool:
        return self._has("promises.add_source")

    @cached_property
    def text(self) -> bool:
        return self._has("promises.change_promise")

    @cached_property
    def any(self) -> bool:
        return self.status or self.reading or self.source or self.text


def editing(request: HttpRequest) -> dict:
    return {"editing": Editing(request)}
