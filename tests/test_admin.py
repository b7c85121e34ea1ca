from django.contrib import admin
from django.test import TestCase
from django.urls import reverse

from promises.models import Promise, StatusChange

from .helpers import grow, make_source, make_user


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
            expected = 403 if model is StatusChange else 200
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

    def change_form_data(self, promise, **extra):
        data = {
            "administration": promise.administration_id,
            "code": promise.code,
            "title": promise.title,
            "slug": promise.slug,
            "description": promise.description,
            "sector": promise.sector_id,
            "origin": promise.origin,
            "version": promise.version,
            "source_links-TOTAL_FORMS": 0,
            "source_links-INITIAL_FORMS": 0,
            "changes-TOTAL_FORMS": 0,
            "changes-INITIAL_FORMS": 0,
        }
        return data | extra

    def test_a_status_change_in_the_admin_goes_through_the_service(self):
        promise = Promise.objects.first()
        source = make_source()
        url = reverse("admin:promises_promise_change", args=[promise.pk])
        data = self.change_form_data(
            promise,
            new_status="ditepati",
            new_verification="dikonfirmasi_media",
            change_reason="Semua RT sudah menerima.",
            change_sources=[source.pk],
        )
        response = self.client.post(url, data)
        assert response.status_code == 302, response.context["adminform"].form.errors
        promise.refresh_from_db()
        assert promise.status == "ditepati"
        assert promise.changes.first().reason == "Semua RT sudah menerima."

    def test_a_status_change_without_a_reason_is_refused_in_the_admin_and_changes_nothing(self):
        promise = Promise.objects.first()
        before = (promise.status, promise.version, promise.title)
        url = reverse("admin:promises_promise_change", args=[promise.pk])
        data = self.change_form_data(
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
        data = self.change_form_data(promise, title="Judul dari versi lama", version=promise.version - 1 or 99)
        response = self.client.post(url, data)
        assert response.status_code == 200
        promise.refresh_from_db()
        assert promise.title != "Judul dari versi lama"
