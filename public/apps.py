from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "public"
    verbose_name = "公开网站 / Public site"

    def ready(self):
        from papers.signals import public_content_changed
        from public.caching import public_cache_version_bump
        from public.signals import signals_connect

        signals_connect()
        public_content_changed.connect(
            lambda **kwargs: public_cache_version_bump(), weak=False, dispatch_uid="public-cache"
        )
