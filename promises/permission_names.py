"""Indonesian names for the default permissions of this app's models ("Boleh menambah angka", not "Can add
angka"), which the admin shows on groups and users.

Django names them "Can add <verbose_name>" when it creates them, and again when a model is renamed; this
post_migrate handler runs after that (it is connected later, in PromisesConfig.ready) and renames only the four
default codenames (add, change, delete, view) of promises models. Other permissions (like
`approve_statusproposal`) keep the name their model gives. It only writes names that differ, so it is
idempotent. Names are in the site's language (LANGUAGE_CODE, "id"), as the verbose names are.

The groups keep their names "Editor" and "Admin": both are Indonesian words (KBBI has "editor"; "admin" is the
common word), and neither is shown anywhere in another form.
"""

from django.apps import AppConfig
from django.apps import apps as global_apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, router
from django.utils import translation
from django.utils.translation import gettext as _

NAME_MAX_LENGTH = 255  # Permission.name


def default_names(model) -> dict[str, str]:
    """{codename: Indonesian name} of the model's default permissions, in the active language."""
    verbose_name = str(model._meta.verbose_name)
    templates = {
        "add": _("Boleh menambah %(name)s"),
        "change": _("Boleh mengubah %(name)s"),
        "delete": _("Boleh menghapus %(name)s"),
        "view": _("Boleh melihat %(name)s"),
    }
    return {
        f"{action}_{model._meta.model_name}": (templates[action] % {"name": verbose_name})[:NAME_MAX_LENGTH]
        for action in model._meta.default_permissions
        if action in templates
    }


def rename_permissions(
    sender: AppConfig, using: str = DEFAULT_DB_ALIAS, apps=global_apps, verbosity: int = 1, **kwargs
) -> None:
    """post_migrate: give the default permissions of `sender`'s models their Indonesian names."""
    try:
        Permission = apps.get_model("auth", "Permission")
    except LookupError:
        return
    if not router.allow_migrate_model(using, Permission):
        return
    with translation.override(settings.LANGUAGE_CODE):
        wanted = {
            (model._meta.model_name, codename): name
            for model in sender.get_models()
            for codename, name in default_names(model).items()
        }
    changed = []
    permissions = Permission.objects.using(using).filter(content_type__app_label=sender.label)
    for permission in permissions.select_related("content_type"):
        name = wanted.get((permission.content_type.model, permission.codename))
        if name is not None and permission.name != name:
            permission.name = name
            changed.append(permission)
    Permission.objects.using(using).bulk_update(changed, ["name"])
    if verbosity >= 2 and changed:
        print(f"Renamed {len(changed)} permissions of {sender.label} to Indonesian")
