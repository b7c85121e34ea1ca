from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PromisesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "promises"
    verbose_name = _("Janji dan program")

    def ready(self) -> None:
        from . import permission_names, signals

        signals.connect()
        # after django.contrib.auth's own handler (connected earlier) has created the permissions
        post_migrate.connect(permission_names.rename_permissions, sender=self, dispatch_uid="pjk-permission-names")
