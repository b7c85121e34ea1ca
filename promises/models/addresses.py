"""The addresses of promises, indicators and log entries, remembered: one depends only on its pk or slug, the
language, the script prefix and the URLconf, and a page asks for hundreds (/klaim/ at 100x: 440 promise links,
where `reverse()` was a fifth of the render)."""

from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language


def address(name: str, **kwargs) -> str:
    """reverse(name, kwargs=kwargs), remembered."""
    return _address(
        name, tuple(kwargs.items()), get_language(), get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF
    )


@lru_cache(maxsize=50_000)
def _address(name: str, kwargs: tuple, _language, _prefix, _urlconf) -> str:
    return reverse(name, kwargs=dict(kwargs))
