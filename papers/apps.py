from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PapersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "papers"
    verbose_name = "论文 / Papers"

    def ready(self):
        from papers.roles import roles_post_migrate
        from papers.signals import signals_connect

        signals_connect()

        # After auth's own post_migrate handler has created this app's permissions.
        post_migrate.connect(roles_post_migrate, sender=self, dispatch_uid="papers_roles")
