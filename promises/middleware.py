"""A request id on every request, so a logged error can be matched to the request that caused it.

The id comes from the reverse proxy's `X-Request-ID` when it is sane (nginx: `$request_id`, see
deploy/nginx.conf), else it is generated here. It goes back on the response's `X-Request-ID` header (and
so into gunicorn's access log) and onto every log record written while the request runs.
"""

import contextvars
import logging
import re
import uuid

from django.conf import settings

# Letters, digits and `._-` only: the value lands in log lines, so no spaces, quotes or newlines.
SANE_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.id = incoming if SANE_ID.fullmatch(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request.id)
        try:
            # Django turns a view's exception into the 500 response (and logs it) inside this call,
            # so the error log is written while the id is set.
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = request.id
        return response


class RequestIdFilter(logging.Filter):
    """Adds `record.request_id` (the current request's id, or "-" outside a request) for the formatter."""

    def filter(self, record: logging.LogRecord) -> bool:
        request_id = request_id_var.get()
        if request_id == "-":
            request_id = getattr(getattr(record, "request", None), "id", "-")
        record.request_id = request_id
        return True


def client_ip(request) -> str:
    """The visitor's IP for login throttling (django-axes).

    Behind the reverse proxy of deploy/nginx.conf every request comes from 127.0.0.1, which would make the
    lock-out per username for everyone; nginx sets X-Real-IP to the address it saw (overwriting whatever a
    client sent), so with BEHIND_PROXY=true that header is the client's address.
    """
    if settings.BEHIND_PROXY:
        real_ip = request.META.get("HTTP_X_REAL_IP", "").strip()
        if real_ip:
            return real_ip
    return request.META.get("REMOTE_ADDR", "")
