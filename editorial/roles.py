"""Editorial roles as groups: Editor reviews; Chief editor also publishes and keeps the taxonomy.

Staff accounts in neither group (and not superusers) see nothing editorial in the admin. The
groups are made by a migration and brought up to date after every `migrate` (and after the
database flushes tests do), so permissions of models added later are granted too.
"""

from django.db.models import Q

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
        "frontmatter": ("view", "change"),
        "paperauthor": ("view", "change"),
        "paperversion": ("view",),
        "announcement": ("view",),
        "dailypage": ("view",),
        "dailypageentry": ("view",),
        "ingestrun": ("view",),
        "enrichmentrun": ("view",),
        "scorermodel": ("view",),
    },
    "topics": {"area": ("view",), "topic": ("view",), "subtopic": ("view",)},
}
CHIEF_EDITOR_PERMISSIONS = {
    "papers": {
        **{model: ALL for model in EDITOR_PERMISSIONS["papers"]},
        # Runs are written by the machine only; people look and retry.
        "ingestrun": ("view",),
        "enrichmentrun": ("view",),
        "scorermodel": ("view",),  # trained, never edited
    },
    "topics": {
        "area": ALL,
        "topic": ALL,
        "subtopic": ALL,
        # Readers' subscriptions and their digests: looked at (addresses masked), never edited.
        "subscription": ("view",),
        "digestdelivery": ("view",),
    },
}
CHIEF_EDITOR_EXTRA = [("papers", "publish_dailypage")]


def _codenames(spec):
    for app_label, models in spec.items():
        for model, actions in models.items():
            for action in actions:
                yield app_label, f"{action}_{model}"


ROLES = {
    EDITOR: list(_codenames(EDITOR_PERMISSIONS)),
    CHIEF_EDITOR: [*_codenames(CHIEF_EDITOR_PERMISSIONS), *CHIEF_EDITOR_EXTRA],
}


def roles_ensure(*, apps) -> None:
    """Create both groups and give them exactly their permissions (`apps`: the app registry,
    or a migration's historical one)."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        # A model a later migration adds has no permission yet when an early migration runs
        # this; the refresh after `migrate` grants it (tests/editorial/test_roles.py checks).
        wanted = Q()
        for app_label, codename in codenames:
            wanted |= Q(content_type__app_label=app_label, codename=codename)
        group.permissions.set(Permission.objects.filter(wanted))


def roles_post_migrate(sender, apps=None, **kwargs) -> None:
    """`migrate` passes its app registry; a test database flush passes none."""
    from django.apps import apps as global_apps

    roles_ensure(apps=apps or global_apps)
