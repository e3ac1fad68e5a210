"""Editorial roles as groups: Editor reviews, Chief editor also publishes and keeps the taxonomy.

Staff accounts in neither group (and not superusers) see nothing editorial in the admin.
"""

from django.db import migrations

EDITOR = "Editor"
CHIEF_EDITOR = "Chief editor"

ALL = ("view", "add", "change", "delete")
EDITOR_PERMISSIONS = {
    "papers": {
        "paper": ("view", "change"),
        "reviewqueuepaper": ("view", "change"),
        "topichit": ("view", "add", "change"),
        "paperinstitution": ALL,
        "institution": ("view", "add", "change"),
        "institutionalias": ALL,
        "paperauthor": ("view", "change"),
        "paperversion": ("view",),
        "announcement": ("view",),
        "dailypage": ("view",),
        "dailypageentry": ("view",),
        "ingestrun": ("view",),
        "enrichmentrun": ("view",),
    },
    "topics": {"area": ("view",), "topic": ("view",), "subtopic": ("view",)},
}
CHIEF_EDITOR_PERMISSIONS = {
    "papers": {
        **{model: ALL for model in EDITOR_PERMISSIONS["papers"]},
        # Runs are written by the machine only; people look and retry.
        "ingestrun": ("view",),
        "enrichmentrun": ("view",),
    },
    "topics": {"area": ALL, "topic": ALL, "subtopic": ALL},
}
CHIEF_EDITOR_EXTRA = [("papers", "publish_dailypage")]


def _codenames(spec):
    for app_label, models in spec.items():
        for model, actions in models.items():
            for action in actions:
                yield app_label, f"{action}_{model}"


def roles_create(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions normally appear after `migrate` finishes; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    roles = {
        EDITOR: list(_codenames(EDITOR_PERMISSIONS)),
        CHIEF_EDITOR: [*_codenames(CHIEF_EDITOR_PERMISSIONS), *CHIEF_EDITOR_EXTRA],
    }
    for name, codenames in roles.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = [
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
            for app_label, codename in codenames
        ]
        group.permissions.set(permissions)


def roles_delete(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[EDITOR, CHIEF_EDITOR]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("topics", "0001_initial"),
        ("papers", "0002_editorial_history"),
    ]

    operations = [migrations.RunPython(roles_create, roles_delete)]
