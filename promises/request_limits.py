"""Request size limits in the app itself, not only in nginx (gunicorn can be reached without it).

Django's DATA_UPLOAD_MAX_MEMORY_SIZE does not count file parts, so without this a 10 MB multipart body is read
and parsed on any POST. Here every body is capped by its declared length before Django reads it, and a file
part is accepted only where one is expected: the admin's import of the official list.
"""

import logging

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

logger = logging.getLogger("promises.request_limits")

MAX_BODY = 512 * 1024  # the largest editor or admin form is a few tens of kB
UPLOAD_PATHS = {"/admin/promises/promise/impor/": 1024 * 1024 + 64 * 1024}  # a 1 MB CSV plus the form around it


class RequestLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        upload_limit = UPLOAD_PATHS.get(request.path_info)
        limit = upload_limit or MAX_BODY
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit:
            return self._refuse(request, _("Permintaan terlalu besar."), f"body of {length} bytes over {limit}")
        # The body is small by now, so reading it here is cheap; a form never carries a file part here.
        if upload_limit is None and request.content_type == "multipart/form-data" and request.FILES:
            return self._refuse(request, _("Unggahan berkas tidak diterima di sini."), "a file where none is expected")
        return self.get_response(request)

    @staticmethod
    def _refuse(request: HttpRequest, message: str, why: str) -> HttpResponse:
        logger.warning("refused %s %s: %s", request.method, request.path_info, why)
        return HttpResponse(message + "\n", status=413, content_type="text/plain; charset=utf-8")
