"""Editors log in at /masuk/: in Indonesian, and throttled per username and client address (django-axes)."""

from datetime import timedelta

import time_machine
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

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

    def test_a_proxy_on_this_machine_is_trusted_without_the_setting(self):
        # the red-team case: BEHIND_PROXY unset behind nginx locked an editor out for everyone
        make_user("editor")
        with override_settings(BEHIND_PROXY=False):
            for _ in range(5):
                self.client.post(
                    reverse("login"), {"username": "editor", "password": "salah"}, headers={"X-Real-IP": "10.0.0.1"}
                )
            other = self.client.post(
                reverse("login"),
                {"username": "editor", "password": "kata-sandi-uji"},
                headers={"X-Real-IP": "10.0.0.2"},
            )
        assert other.status_code == 302

    def test_a_client_reaching_the_app_directly_cannot_choose_its_address(self):
        make_user("editor")
        with override_settings(BEHIND_PROXY=False):
            for n in range(5):
                self.client.post(
                    reverse("login"),
                    {"username": "editor", "password": "salah"},
                    headers={"X-Real-IP": f"10.0.0.{n}"},
                    REMOTE_ADDR="203.0.113.7",
                )
            locked = self.client.post(
                reverse("login"),
                {"username": "editor", "password": "kata-sandi-uji"},
                headers={"X-Real-IP": "10.0.0.99"},
                REMOTE_ADDR="203.0.113.7",
            )
        assert locked.status_code == 429


class LockoutDoesNotExtendItselfTests(TestCase):
    def test_tries_during_a_lock_do_not_restart_the_fifteen_minutes(self):
        make_user("editor")
        start = timezone.now()
        with time_machine.travel(start, tick=False):
            for _ in range(5):
                self.client.post(reverse("login"), {"username": "editor", "password": "salah"})
        for minutes in (5, 10, 14):  # someone keeps trying while the editor is locked
            with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
                self.client.post(reverse("login"), {"username": "editor", "password": "salah"})
        with time_machine.travel(start + timedelta(minutes=16), tick=False):
            response = self.client.post(reverse("login"), {"username": "editor", "password": "kata-sandi-uji"})
        assert response.status_code == 302


class EditorBarTests(TestCase):
    def test_the_logout_button_sits_in_the_editor_bar_not_after_a_broken_paragraph(self):
        # a <form> may not sit inside a <p>: the browser ended the paragraph before it, leaving a stray "·" and
        # "Keluar" on a line of its own
        from .helpers import make_editor

        self.client.force_login(make_editor())
        page = self.client.get(reverse("promises:desk")).content.decode()
        start = page.index('<div class="editor-bar">')
        bar = page[start : page.index("</div>", start)]
        assert "<p" not in bar and f'action="{reverse("logout")}"' in bar
        assert "Keluar</button></form>" in bar
