from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


class EditorialConfig(AppConfig):
    name = "editorial"
    verbose_name = "编辑 / Editorial"

    def ready(self):
        from editorial.roles import roles_post_migrate

        # After auth's own post_migrate handler has created the papers app's permissions.
        post_migrate.connect(
            roles_post_migrate, sender=apps.get_app_config("papers"), dispatch_uid="papers_roles"
        )
