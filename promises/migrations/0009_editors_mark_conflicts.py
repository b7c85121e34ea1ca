from django.db import migrations


def grant(apps, schema_editor):
    """Editors may mark conflicts; the Admin group gets every permission of the app again (incl. the new ones)."""
    from importlib import import_module

    groups = import_module("promises.migrations.0003_editor_and_admin_groups")
    groups.create_groups(apps, schema_editor)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=["Editor", "Admin"]):
        group.permissions.remove(*Permission.objects.filter(codename__endswith="_conflictmark"))


class Migration(migrations.Migration):
    dependencies = [("promises", "0008_readings_say_what_sources_say")]

    operations = [migrations.RunPython(grant, revoke)]
