"""Editor onboarding (issue 12, item 9): `manage.py add_editor` and the user admin make an account without a
password and a one-time link to set one; the app's permissions have Indonesian names."""

import re
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.auth.tokens import default_token_generator
from django.contrib.messages import get_messages
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode

from promises import onboarding
from promises.models import Reading

from .helpers import group, make_admin_user, make_editor, make_user

NEW_PASSWORD = "Sasando-Kupang-2025!"
LINK = re.compile(r"https?://\S+")


@pytest.fixture(autouse=True)
def _groups(db):
    group("Editor")
    group("Admin")


def add_editor(*args: str) -> str:
    out = StringIO()
    call_command("add_editor", *args, stdout=out)
    return out.getvalue()


def link_in(text: str) -> str:
    return LINK.search(text).group()


def test_the_command_makes_an_active_editor_without_a_usable_password_in_the_group_editor():
    output = add_editor("budi", "--email", "budi@example.org", "--name", "Budi Santoso")
    user = get_user_model().objects.get(username="budi")
    assert [g.name for g in user.groups.all()] == ["Editor"]
    assert not user.has_usable_password()
    assert user.is_active and not user.is_staff and not user.is_superuser
    assert (user.email, user.get_full_name()) == ("budi@example.org", "Budi Santoso")
    assert output.startswith("Editor budi dibuat. Tautan sekali pakai untuk membuat kata sandi (berlaku 3 hari): ")
    assert urlsplit(link_in(output)).path.startswith("/kata-sandi/")


def test_the_printed_link_sets_the_password_once_and_the_editor_can_then_log_in(client):
    link = link_in(add_editor("budi", "--base-url", "https://janji.example.org/"))
    assert link.startswith("https://janji.example.org/kata-sandi/")
    first = client.get(urlsplit(link).path)
    assert first.status_code == 302
    form = client.get(first["Location"])
    assert form.context["validlink"]
    done = client.post(first["Location"], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert done["Location"] == reverse("password_reset_complete")
    assert get_user_model().objects.get(username="budi").check_password(NEW_PASSWORD)
    login = Client().post(reverse("login"), {"username": "budi", "password": NEW_PASSWORD})
    assert login.status_code == 302

    again = Client().get(urlsplit(link).path)
    assert again.status_code == 200
    assert not again.context["validlink"]


def test_an_existing_username_is_refused_with_a_non_zero_exit_and_nothing_changes():
    existing = make_editor("budi")
    before = (existing.password, list(existing.groups.all()), existing.is_staff)
    for name in ("budi", "BUDI"):
        with pytest.raises(CommandError, match="Nama pengguna .* sudah dipakai") as refused:
            add_editor(name, "--admin")
        assert refused.value.returncode != 0
    existing.refresh_from_db()
    assert (existing.password, list(existing.groups.all()), existing.is_staff) == before
    assert get_user_model().objects.count() == 1


def test_a_name_django_would_not_accept_is_refused_with_a_non_zero_exit():
    for name in ("budi santoso", "", "x" * 151, "budi\u202e"):
        with pytest.raises(CommandError, match="tidak sah") as refused:
            add_editor(name)
        assert refused.value.returncode != 0
    assert not get_user_model().objects.exists()


def test_admin_puts_the_account_in_both_groups_and_lets_it_use_the_admin_site():
    output = add_editor("siti", "--admin")
    user = get_user_model().objects.get(username="siti")
    assert sorted(g.name for g in user.groups.all()) == ["Admin", "Editor"]
    assert user.is_staff and not user.is_superuser
    assert output.startswith("Admin siti dibuat. Tautan sekali pakai")


def test_a_missing_group_is_a_clear_error_and_makes_no_account():
    group("Admin").delete()
    with pytest.raises(CommandError, match="Grup Admin belum ada"):
        add_editor("siti", "--admin")
    assert not get_user_model().objects.exists()


def test_the_default_address_is_the_sites_origin_else_the_local_server(settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://janji.example.org"]
    assert onboarding.default_base_url() == "https://janji.example.org"
    settings.CSRF_TRUSTED_ORIGINS = []
    settings.ALLOWED_HOSTS = [".example.org", "janji.example.org"]
    assert onboarding.default_base_url() == "https://janji.example.org"
    settings.DEBUG = True
    assert onboarding.default_base_url() == "http://127.0.0.1:8000"


def test_the_admin_action_makes_a_working_link_for_each_selected_user(client):
    client.force_login(make_admin_user())
    budi, root = make_editor("budi"), make_user("root", superuser=True)
    url = reverse("admin:auth_user_changelist")
    response = client.post(url, {"action": "password_links", "_selected_action": [budi.pk, root.pk]})
    assert response.status_code == 302
    texts = [str(message) for message in get_messages(response.wsgi_request)]
    assert texts[0].startswith(
        "Tautan sekali pakai untuk kata sandi budi (berlaku 3 hari): http://testserver/kata-sandi/"
    )
    uidb64, token = urlsplit(link_in(texts[0])).path.strip("/").split("/")[1:]
    assert force_str(urlsafe_base64_decode(uidb64)) == str(budi.pk)
    assert default_token_generator.check_token(budi, token)
    # an admin who is not a superuser gets no link into a superuser's account
    assert texts[1] == "root superuser: hanya superuser yang boleh membuat tautannya."
    assert len(texts) == 2


def test_tambah_editor_in_the_admin_makes_an_editor_and_shows_the_link(client):
    client.force_login(make_admin_user())
    url = reverse("admin:auth_user_add")
    assert "Tambah editor" in client.get(url).text
    data = {"username": "siti", "email": "siti@example.org", "full_name": "Siti Aminah", "_save": "Simpan"}
    response = client.post(url, data)
    assert response.status_code == 302
    siti = get_user_model().objects.get(username="siti")
    assert [g.name for g in siti.groups.all()] == ["Editor"]
    assert not siti.has_usable_password() and not siti.is_staff
    assert siti.get_full_name() == "Siti Aminah"
    page = client.get(response["Location"])  # the new user's change page, with the link on it
    assert page.status_code == 200
    assert "Tautan sekali pakai untuk kata sandi siti (berlaku 3 hari): http://testserver/kata-sandi/" in page.text

    refused = client.post(url, {**data, "username": "SITI"})
    assert refused.status_code == 200
    assert "Nama pengguna SITI sudah dipakai." in refused.text
    assert get_user_model().objects.filter(username__iexact="siti").count() == 1


def test_the_default_permissions_have_indonesian_names_after_migrate():
    names = dict(Permission.objects.filter(content_type__app_label="promises").values_list("codename", "name"))
    verbose_name = str(Reading._meta.verbose_name)
    assert names["add_reading"] == f"Boleh menambah {verbose_name}"
    assert names["change_reading"] == f"Boleh mengubah {verbose_name}"
    assert names["delete_reading"] == f"Boleh menghapus {verbose_name}"
    assert names["view_reading"] == f"Boleh melihat {verbose_name}"
    actions = {"add", "change", "delete", "view"}
    defaults = [name for codename, name in names.items() if codename.split("_")[0] in actions]
    assert defaults and not [name for name in defaults if name.startswith("Can ")]


def test_renaming_again_changes_nothing_and_restores_a_name_django_reset(django_assert_num_queries):
    from django.apps import apps

    from promises.permission_names import rename_permissions

    Permission.objects.filter(codename="add_reading").update(name="Can add angka")
    rename_permissions(apps.get_app_config("promises"))
    assert Permission.objects.get(codename="add_reading").name.startswith("Boleh menambah")
    with django_assert_num_queries(1):  # only the read: every name is right already
        rename_permissions(apps.get_app_config("promises"))


def test_without_the_password_url_the_command_fails_clearly_and_makes_no_account(settings):
    settings.ROOT_URLCONF = "promises.urls"  # any URLconf without password_reset_confirm
    with pytest.raises(CommandError, match="password_reset_confirm") as refused:
        add_editor("budi")
    assert refused.value.returncode != 0
    assert not get_user_model().objects.exists()


def test_the_help_says_how_long_a_link_is_valid():
    from promises.management.commands.add_editor import Command

    text = Command().create_parser("manage.py", "add_editor").format_help()
    assert "Tautan berlaku sekali dan selama PASSWORD_RESET_TIMEOUT (bawaan 3 hari)" in " ".join(text.split())


def test_the_set_password_pages_are_the_sites_own_in_indonesian(client):
    link = link_in(add_editor("sari", "--base-url", "https://janji.example.org/"))
    first = client.get(urlsplit(link).path)
    page = client.get(first["Location"]).content.decode()
    assert "Buat kata sandi" in page and "Pantau Janji Kupang" in page and "Django" not in page
    mismatch = client.post(first["Location"], {"new_password1": NEW_PASSWORD, "new_password2": "lain"}).content
    assert 'role="alert"' in mismatch.decode()
    client.post(first["Location"], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    done = client.get(reverse("password_reset_complete")).content.decode()
    assert "Kata sandi tersimpan" in done and "Django" not in done
    used = Client().get(urlsplit(link).path).content.decode()
    assert "sudah dipakai atau sudah kedaluwarsa" in used
