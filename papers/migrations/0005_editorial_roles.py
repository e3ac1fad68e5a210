"""Editorial roles as groups (see papers/roles.py): Editor and Chief editor."""

from django.db import migrations

from editorial.roles import ROLES, roles_ensure


def roles_create(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions normally appear after `migrate` finishes; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    roles_ensure(apps=apps)


def roles_delete(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=list(ROLES)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("topics", "0001_initial"),
        ("papers", "0004_editorial_history"),
    ]

    operations = [migrations.RunPython(roles_create, roles_delete)]
