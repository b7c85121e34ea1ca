"""Editors log in at /masuk/: in Indonesian, and throttled per username and client address (django-axes)."""

from django.test import TestCase, override_settings
from django.urls import reverse

from .helpers import make_user


class LoginThrottleTests(TestCase):
    def test_five_wrong_passwords_lock_that_username_from_that_ip_but_not_others(self):
        make_user("editor")
        make_user("lainnya")
        for _ in range(5):
            self.client.post(reverse("login"), {"username": "editor", "password": "salah"})
        locked = self.client.post(reverse("login"), {"username": "editor", "password": "kata-sandi-uji"})
        assert locked.status_code == 429
        assert "15 menit" in locked.text
        other = self.client.post(reverse("login"), {"username": "lainnya", "password": "kata-sandi-uji"})
        assert other.status_code == 302

    def test_the_login_page_is_in_indonesian(self):
        text = self.client.get(reverse("login")).text
        assert "Masuk untuk editor" in text
        assert "Hanya untuk tim editor. Pembaca tidak perlu masuk." in text


class ClientIpTests(TestCase):
    def test_behind_the_proxy_one_clients_failures_do_not_lock_another_client_out(self):
        make_user("editor")
        with override_settings(BEHIND_PROXY=True):
            for _ in range(5):
                self.client.post(
                    reverse("login"), {"username": "editor", "password": "salah"}, headers={"X-Real-IP": "10.0.0.1"}
                )
            locked = self.client.post(
                reverse("login"),
                {"username": "editor", "password": "kata-sandi-uji"},
                headers={"X-Real-IP": "10.0.0.1"},
            )
            other = self.client.post(
                reverse("login"),
                {"username": "editor", "password": "kata-sandi-uji"},
                headers={"X-Real-IP": "10.0.0.2"},
            )
        assert locked.status_code == 429
        assert other.status_code == 302
