"""How every editor POST answers, so each write view says only what it writes.

- saved, plain POST: a message and a redirect to the page (post-redirect-get);
- saved, htmx: the page's fragment, fresh, with the "saved" notice;
- invalid or refused (someone else saved first): the page, or for htmx its fragment, with the form showing
  its errors and the editor's input, status 200 (htmx swaps only 2xx answers).
"""

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render


def answer(
    request: HttpRequest,
    *,
    saved: str | None,
    page: str,
    fragment: str,
    context: Callable[[], dict],
    redirect_to,
    level: int = messages.SUCCESS,
) -> HttpResponse:
    """`saved` is the message for a plain POST that went through (None when nothing was saved); `context`
    builds the page's context after the write, so the fragment shows what the database now holds."""
    if saved and not request.htmx:
        messages.add_message(request, level, saved)
        return redirect(redirect_to)
    return render(request, f"{page}#{fragment}" if request.htmx else page, context())
