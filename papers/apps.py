from django.apps import AppConfig


class PapersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "papers"
    verbose_name = "论文 / Papers"

    def ready(self):
        from papers.signals import paper_proxy_signals_connect

        paper_proxy_signals_connect()
