from django.db import migrations

GROUPS = {
    "Editor": [
        "add_statuschange",
        "view_statuschange",
        "add_reading",
        "view_reading",
        "add_source",
        "view_source",
        "change_promise",
        "view_promise",
        "add_promisesource",
        "view_promisesource",
        "view_indicator",
        "view_claim",
        "view_sector",
        # from 0009 on (the model arrives in 0008): editors mark pairs of figures as conflicting or not
        "add_conflictmark",
        "change_conflictmark",
        "view_conflictmark",
        # from 0013 on (the editors' desk): editors create what an article needs, correct or withdraw a figure,
        # propose verdicts and approve other editors' proposals
        "add_promise",
        "add_indicator",
        "change_reading",
        "add_statusproposal",
        "view_statusproposal",
        "approve_statusproposal",
        "view_logentry",
        # from 0014 on: editors edit an indicator's reconciliation note (what the conflicting figures mean)
        "change_indicator",
        # from 0015 on: editors work the queue of readers' reports
        "view_report",
        "change_report",
    ],
    # "Admin" gets every permission of this app and of users and groups (see below).
    "Admin": None,
}


def create_groups(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after migrations run; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    make_groups(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


def make_groups(Group, Permission):
    """The two groups and their permissions (also used by tests after a transactional flush)."""
    editor, _ = Group.objects.get_or_create(name="Editor")
    editor.permissions.set(Permission.objects.filter(content_type__app_label="promises", codename__in=GROUPS["Editor"]))
    admin, _ = Group.objects.get_or_create(name="Admin")
    admin.permissions.set(
        Permission.objects.filter(content_type__app_label__in=["promises", "auth", "axes"]).exclude(
            codename__in=["change_statuschange", "delete_statuschange", "change_logentry", "delete_logentry"]
        )
    )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("promises", "0002_editing"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
