from unittest import mock

from django.contrib import admin
from django.contrib.messages import get_messages
from django.db.models import F
from django.test import TestCase
from django.urls import reverse

from promises.admin import PromiseAdminForm
from promises.models import LogEntry, Promise, PromiseSource, Report, StatusChange, StatusProposal

from .helpers import admin_change_data, grow, make_source, make_user


class AdminTests(TestCase):
    def setUp(self):
        grow(1)
        self.client.force_login(make_user("admin", superuser=True))

    def test_every_model_list_and_add_page_loads_for_staff(self):
        for model in admin.site._registry:
            if model._meta.app_label != "promises":
                continue
            opts = model._meta
            changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
            assert self.client.get(changelist).status_code == 200, changelist
            add = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
            expected = 403 if model in (StatusChange, LogEntry, StatusProposal, Report) else 200
            assert self.client.get(add).status_code == expected, add
            obj = model.objects.first()
            if obj is not None:
                change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
                assert self.client.get(change).status_code == 200, change

    def test_anonymous_visitors_are_sent_to_the_login_page(self):
        self.client.logout()
        response = self.client.get(reverse("admin:index"))
        assert response.status_code == 302
        assert reverse("admin:login") in response["Location"]

    def test_the_history_cannot_be_deleted_from_the_admin(self):
        change = StatusChange.objects.first()
        url = reverse("admin:promises_statuschange_delete", args=[change.pk])
        assert self.client.post(url, {"post": "yes"}).status_code == 403
        assert StatusChange.objects.filter(pk=change.pk).exists()

    def test_a_status_change_in_the_admin_goes_through_the_service(self):
        promise = Promise.objects.first()
        source = make_source()
        url = reverse("admin:promises_promise_change", args=[promise.pk])
        data = admin_change_data(
            promise,
            new_status="ditepati",
            new_verification="dikonfirmasi_media",
            change_reason="Semua RT sudah menerima.",
            change_sources=[source.pk],
        )
        response = self.client.post(url, data)
        assert response.status_code == 302, response.context["adminform"].form.errors
        promise.refresh_from_db()
        assert promise.status != "ditepati"  # a verdict waits for a second editor, here too
        proposal = StatusProposal.objects.get(promise=promise)
        assert (proposal.status, proposal.reason) == ("ditepati", "Semua RT sudah menerima.")

    def test_a_status_that_is_no_verdict_is_changed_in_the_admin_through_the_service(self):
        promise = Promise.objects.first()
        url = reverse("admin:promises_promise_change", args=[promise.pk])
        data = admin_change_data(
            promise,
            new_status="tersendat",
            new_verification="dikonfirmasi_media",
            change_reason="Anggaran belum cair.",
            change_sources=[make_source().pk],
        )
        assert self.client.post(url, data).status_code == 302
        promise.refresh_from_db()
        assert promise.status == "tersendat"
        assert promise.changes.first().reason == "Anggaran belum cair."

    def test_a_status_change_without_a_reason_is_refused_in_the_admin_and_changes_nothing(self):
        promise = Promise.objects.first()
        before = (promise.status, promise.version, promise.title)
        url = reverse("admin:promises_promise_change", args=[promise.pk])
        data = admin_change_data(
            promise, title="Judul baru", new_status="ditepati", new_verification="dikonfirmasi_media"
        )
        response = self.client.post(url, data)
        assert response.status_code == 200
        assert "Alasan perubahan wajib diisi." in response.text
        promise.refresh_from_db()
        assert (promise.status, promise.version, promise.title) == before

    def test_a_stale_admin_form_is_refused(self):
        promise = Promise.objects.first()
        url = reverse("admin:promises_promise_change", args=[promise.pk])
        data = admin_change_data(promise, title="Judul dari versi lama", version=promise.version - 1 or 99)
        response = self.client.post(url, data)
        assert response.status_code == 200
        promise.refresh_from_db()
        assert promise.title != "Judul dari versi lama"

    def test_a_save_overtaken_after_its_checks_writes_nothing_not_even_inline_rows_and_says_so_once(self):
        # Someone saves the promise between this form's checks and its save (the race a review found:
        # before, the admin said both "Tidak disimpan" and "berhasil diubah" and kept the inline rows).
        promise = Promise.objects.first()
        source = make_source()
        before = (promise.title, promise.status, StatusChange.objects.count(), PromiseSource.objects.count())
        checked = PromiseAdminForm.clean

        def checked_then_overtaken(form):
            cleaned = checked(form)
            Promise.objects.filter(pk=promise.pk).update(version=F("version") + 1)  # another editor's save
            return cleaned

        data = admin_change_data(
            promise,
            title="Judul dari admin",
            new_status="ditepati",
            new_verification="dikonfirmasi_media",
            change_reason="Semua RT sudah menerima.",
            change_sources=[source.pk],
            **{"source_links-TOTAL_FORMS": 1, "source_links-0-source": source.pk, "source_links-0-note": "baris"},
        )
        url = reverse("admin:promises_promise_change", args=[promise.pk])
        with mock.patch.object(PromiseAdminForm, "clean", checked_then_overtaken):
            response = self.client.post(url, data)
        assert (response.status_code, response["Location"]) == (302, url)
        texts = [str(message) for message in get_messages(response.wsgi_request)]
        assert texts == ["Tidak disimpan: Janji ini sudah diubah orang lain sejak Anda membukanya."]
        promise.refresh_from_db()
        after = (promise.title, promise.status, StatusChange.objects.count(), PromiseSource.objects.count())
        assert after == before

    def test_the_import_page_lives_under_the_promise_admin(self):
        assert reverse("admin:promises_promise_import") == "/admin/promises/promise/impor/"
        assert self.client.get(reverse("admin:promises_promise_import")).status_code == 200
