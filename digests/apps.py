from django.apps import AppConfig


class DigestsConfig(AppConfig):
    name = "digests"
    verbose_name = "邮件订阅 / E-mail digests"

    def ready(self):
        from digests.tasks import digests_schedule
        from papers.signals import daily_page_published

        # Editorial publishes without knowing the digests: a published page (after its
        # commit) schedules its date's fan-out.
        daily_page_published.connect(
            lambda page, **kwargs: digests_schedule(announce_date=page.announce_date),
            weak=False,
            dispatch_uid="digests-fanout",
        )
