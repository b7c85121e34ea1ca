"""Editor onboarding: an account without a password, and a one-time link with which its owner sets one.

Used by `manage.py add_editor` and by the user admin ("Tambah editor", "Buat tautan sekali pakai …"). Nobody
but the editor ever knows the password: the link goes to Django's own `password_reset_confirm` view, with a
`default_token_generator` token. The token is made from the password hash and the last login, so it stops
working once the password is set (one use), and Django refuses it after `PASSWORD_RESET_TIMEOUT` (3 days by
default).

`is_staff`: the editors' forms are on the public pages and ask only for group permissions (README "Editor",
promises/permissions.py), so an editor does not need the admin site and is not staff. An admin (`admin=True`,
groups "Editor" and "Admin") uses the admin site, so is staff. The group names stay as migration 0003 made
them: "Editor" and "Admin" are both Indonesian words (KBBI has "editor"; "admin" is the common word).
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models.text import MESSAGE as INVISIBLE_MESSAGE
from .models.text import invisible_character

EDITOR_GROUP = "Editor"
ADMIN_GROUP = "Admin"
LOCAL_BASE_URL = "http://127.0.0.1:8000"

# The two URLs the link needs, for kupang/urls.py (inside i18n_patterns):
#   path("kata-sandi/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
#   path("kata-sandi/selesai/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),


def add_editor(username: str, *, email: str = "", full_name: str = "", admin: bool = False) -> AbstractBaseUser:
    """A new active editor (and admin, if `admin`) without a usable password; ValidationError if the name is
    taken or not valid, or the groups are missing."""
    values, groups = new_editor(username, email=email, full_name=full_name, admin=admin)
    User = get_user_model()
    try:
        with transaction.atomic():
            user = User(**values, is_active=True, is_staff=admin)
            user.set_unusable_password()
            user.save()
            user.groups.add(*groups)
    except IntegrityError as error:  # the same name, saved by someone else since the check
        raise _taken(values["username"]) from error
    return user


def new_editor(username: str, *, email: str = "", full_name: str = "", admin: bool = False) -> tuple[dict, list]:
    """The checked field values and the groups of a new editor, saving nothing (the admin's form asks this
    first); ValidationError as add_editor."""
    User = get_user_model()
    username = User.normalize_username(username.strip())
    values = {
        "username": _clean(User, "username", username),
        "email": _clean(User, "email", User._default_manager.normalize_email(email.strip())),
        # The whole name in first_name: Indonesian names do not split reliably into given and family names,
        # and get_full_name() (what public pages show) gives it back as it was written.
        "first_name": _clean(User, "first_name", full_name.strip()),
    }
    if User._default_manager.filter(username__iexact=username).exists():
        raise _taken(username)
    names = [EDITOR_GROUP, ADMIN_GROUP] if admin else [EDITOR_GROUP]
    groups = list(Group.objects.filter(name__in=names))
    missing = sorted(set(names) - {group.name for group in groups})
    if missing:
        raise ValidationError(
            _("Grup %(groups)s belum ada. Jalankan dulu `python manage.py migrate`.") % {"groups": ", ".join(missing)},
            code="missing_group",
        )
    return values, groups


def _taken(username: str) -> ValidationError:
    return ValidationError(_("Nama pengguna %(username)s sudah dipakai.") % {"username": username}, code="taken")


def _clean(User, field: str, value: str) -> str:
    """The value as the model field accepts it (length, characters, e-mail form; nothing invisible), else a
    ValidationError."""
    model_field = User._meta.get_field(field)
    try:
        code = invisible_character(value)
        if code:
            raise ValidationError(INVISIBLE_MESSAGE % {"code": code})
        return model_field.clean(value, None)
    except ValidationError as error:
        raise ValidationError(
            _("%(field)s tidak sah: %(errors)s")
            % {"field": capfirst(model_field.verbose_name), "errors": " ".join(error.messages)},
            code="invalid",
        ) from error


def set_password_link(user: AbstractBaseUser, base_url: str) -> str:
    """The one-time link (valid for `PASSWORD_RESET_TIMEOUT`) with which `user` sets a password."""
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    try:
        # In the site's language (no /en/ prefix), whatever the language of the admin who asks.
        with translation.override(settings.LANGUAGE_CODE):
            path = reverse("password_reset_confirm", kwargs={"uidb64": uidb64, "token": token})
    except NoReverseMatch as error:
        raise ImproperlyConfigured(
            "URL 'password_reset_confirm' tidak ada di kupang/urls.py; lihat promises/onboarding.py. "
            "(The URL 'password_reset_confirm' is not routed.)"
        ) from error
    return base_url.rstrip("/") + path


def default_base_url() -> str:
    """Where the site is, for links made outside a request: SITE_URL, else the first CSRF_TRUSTED_ORIGINS entry
    (a whole origin, https://…), else https:// and the first named ALLOWED_HOSTS entry when DEBUG is off, else
    the local development server."""
    site_url = getattr(settings, "SITE_URL", "")
    if site_url:
        return site_url.rstrip("/")
    if settings.CSRF_TRUSTED_ORIGINS and "*" not in settings.CSRF_TRUSTED_ORIGINS[0]:
        return settings.CSRF_TRUSTED_ORIGINS[0].rstrip("/")
    hosts = [host for host in settings.ALLOWED_HOSTS if host[:1] not in {"*", "."}]
    if hosts and not settings.DEBUG:
        return f"https://{hosts[0]}"
    return LOCAL_BASE_URL


def link_lifetime() -> str:
    """How long a link is valid, in words ("3 hari"), from PASSWORD_RESET_TIMEOUT."""
    seconds = settings.PASSWORD_RESET_TIMEOUT
    if seconds % 86400 == 0:
        days = seconds // 86400
        return ngettext("%(count)d hari", "%(count)d hari", days) % {"count": days}
    hours = max(1, seconds // 3600)
    return ngettext("%(count)d jam", "%(count)d jam", hours) % {"count": hours}
