"""A server error gives the visitor the Indonesian 500 page and leaves a log line that leads to the request."""

import logging

from django.conf import settings
from django.http import HttpResponse
from django.test import Client, TestCase, override_settings
from django.urls import path

from promises.middleware import RequestIdFilter, request_id_var


def broken(request):
    raise RuntimeError("kegagalan uji")


def fine(request):
    return HttpResponse("ok")


# A test-only urlconf: production has no route that raises on purpose.
urlpatterns = [path("rusak/", broken), path("baik/", fine)]


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
class ServerErrorTests(TestCase):
    def setUp(self):
        self.client = Client(raise_request_exception=False)

    def test_a_view_that_raises_gives_the_indonesian_500_page(self):
        with self.assertLogs("django.request", "ERROR"):
            response = self.client.get("/rusak/")
        assert response.status_code == 500
        body = response.content.decode()
        assert "Maaf, terjadi kesalahan di server" in body
        assert '<html lang="id">' in body
        assert "kegagalan uji" not in body and "Traceback" not in body

    def test_the_error_log_carries_the_request_id_sent_back_to_the_client(self):
        with self.assertLogs("django.request", "ERROR") as logs:
            response = self.client.get("/rusak/")
        request_id = response["X-Request-ID"]
        assert len(request_id) == 32  # generated: no id came from a proxy
        [record] = logs.records
        assert record.request_id == request_id
        assert record.exc_info and record.exc_info[0] is RuntimeError
        assert record.getMessage() == "Internal Server Error: /rusak/"

    def test_a_sane_request_id_from_the_proxy_is_kept(self):
        with self.assertLogs("django.request", "ERROR") as logs:
            response = self.client.get("/rusak/", headers={"X-Request-ID": "0f1e2d3c4b5a69788796a5b4c3d2e1f0"})
        assert response["X-Request-ID"] == "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
        assert logs.records[0].request_id == "0f1e2d3c4b5a69788796a5b4c3d2e1f0"

    def test_an_unsafe_request_id_is_replaced_not_logged(self):
        forged = "abc def\nFAKE LOG LINE"
        with self.assertLogs("django.request", "ERROR") as logs:
            response = self.client.get("/rusak/", headers={"X-Request-ID": forged})
        assert response["X-Request-ID"] != forged
        assert logs.records[0].request_id == response["X-Request-ID"]
        assert "\n" not in logs.records[0].request_id

    def test_every_response_carries_a_fresh_request_id(self):
        first = self.client.get("/baik/")["X-Request-ID"]
        second = self.client.get("/baik/")["X-Request-ID"]
        assert first != second


class RequestIdFormatterTests(TestCase):
    def test_the_console_log_line_shows_the_request_id(self):
        config = settings.LOGGING
        formatter = logging.Formatter(config["formatters"]["plain"]["format"])
        assert "request_id" in config["handlers"]["console"]["filters"]
        record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Internal Server Error: /x/", (), None)
        token = request_id_var.set("abcdef0123456789")
        try:
            RequestIdFilter().filter(record)
        finally:
            request_id_var.reset(token)
        assert "[abcdef0123456789]" in formatter.format(record)


class RefusedRequestLogTests(TestCase):
    """A request anyone can send and Django refuses with 400 leaves one WARNING line, never an ERROR with a
    traceback: ERROR lines are for the site's own failures (`make soak` counts them)."""

    def one_warning(self, send) -> logging.LogRecord:
        with self.assertLogs("django.security", "DEBUG") as logs, self.assertNoLogs("django.request", "ERROR"):
            response = send()
        assert response.status_code == 400
        [record] = logs.records
        assert record.levelno == logging.WARNING
        assert record.exc_info is None
        RequestIdFilter().filter(record)  # as the console handler does
        line = logging.Formatter(settings.LOGGING["formatters"]["plain"]["format"]).format(record)
        assert "Traceback" not in line and "\n" not in line
        return record

    def test_a_host_this_site_does_not_serve_is_one_warning_line(self):
        record = self.one_warning(lambda: self.client.get("/", headers={"host": "evil.example"}))
        assert record.name == "django.security.DisallowedHost"
        assert "evil.example" in record.getMessage()

    @override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
    def test_a_body_over_the_limit_is_one_warning_line(self):
        record = self.one_warning(lambda: self.client.post("/masuk/", {"username": "x" * 2000, "password": "y"}))
        assert record.name == "django.security.RequestDataTooBig"

    @override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=10)
    def test_too_many_fields_is_one_warning_line(self):
        record = self.one_warning(lambda: self.client.post("/masuk/", {f"f{n}": "1" for n in range(20)}))
        assert record.name == "django.security.TooManyFieldsSent"
