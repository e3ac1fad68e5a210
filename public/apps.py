from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "public"
    verbose_name = "公开网站 / Public site"

    def ready(self):
        from papers.signals import public_content_changed
        from public.caching import public_cache_version_bump

        # The write services send the event when readers can see what they wrote; the page
        # cache does not watch models, so drafts and machine work on them keep it.
        public_content_changed.connect(
            lambda **kwargs: public_cache_version_bump(), weak=False, dispatch_uid="public-cache"
        )
