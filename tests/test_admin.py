"""Every registered admin answers its changelist, add page and change page for a chief editor."""

import datetime as dt

import pytest
from django.contrib import admin
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from tests import factories

pytestmark = pytest.mark.django_db

SAMPLE_FACTORIES = {
    "area": factories.AreaFactory,
    "topic": factories.TopicFactory,
    "subtopic": factories.SubtopicFactory,
    "paper": factories.PaperFactory,
    "reviewqueuepaper": lambda: factories.TopicHitFactory().paper,  # in the queue: a suggestion
    "paperauthor": factories.PaperAuthorFactory,
    "institution": factories.InstitutionFactory,
    "announcement": factories.AnnouncementFactory,
    "topichit": factories.TopicHitFactory,
    "dailypage": factories.DailyPageFactory,
}


def _model_admins():
    return [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in {"papers", "topics"}
    ]


@pytest.mark.parametrize(
    ("model", "model_admin"), _model_admins(), ids=lambda v: getattr(v, "__name__", "")
)
def test_admin_pages_answer(client, chief_editor, model, model_admin):
    client.force_login(chief_editor)
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert client.get(changelist).status_code == 200
    assert client.get(changelist, {"q": "test"}).status_code == 200
    if model_admin.has_add_permission(_request(chief_editor)):
        assert (
            client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code == 200
        )
    obj = _sample(model)
    change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    assert client.get(change).status_code == 200
    if isinstance(model_admin, SimpleHistoryAdmin):
        history = reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])
        assert client.get(history, follow=True).status_code == 200


def _request(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = user
    return request


def _sample(model):
    factory = SAMPLE_FACTORIES.get(model._meta.model_name)
    if factory:
        return factory()
    return _build_without_factory(model)


def _build_without_factory(model):
    from papers import models as m
    from topics.models import DigestDelivery, Subscription

    paper = factories.PaperFactory()
    builders = {
        m.InstitutionAlias: lambda: m.InstitutionAlias.objects.create(
            institution=factories.InstitutionFactory(), name="Univ. Example"
        ),
        m.PaperInstitution: lambda: m.PaperInstitution.objects.create(
            paper=paper, institution=factories.InstitutionFactory()
        ),
        m.PaperVersion: lambda: m.PaperVersion.objects.create(paper=paper, version=1),
        m.DailyPageEntry: lambda: m.DailyPageEntry.objects.create(
            page=factories.DailyPageFactory(), paper=paper
        ),
        m.FrontMatter: lambda: m.FrontMatter.objects.create(
            paper=paper,
            version=1,
            state=m.FrontMatter.State.DONE,
            authors=[{"name": "Ada Lovelace", "lines": ["Dept. of CS, Tsinghua University"]}],
        ),
        m.IngestRun: lambda: m.IngestRun.objects.create(),
        Subscription: lambda: Subscription.objects.create(email="reader@example.org"),
        DigestDelivery: lambda: DigestDelivery.objects.create(
            subscription=Subscription.objects.create(email="reader@example.org"),
            announce_date=dt.date(2026, 4, 27),
        ),
        m.EnrichmentRun: lambda: m.EnrichmentRun.objects.create(backend="offline"),
        m.ScorerModel: lambda: m.ScorerModel.objects.create(
            topic=factories.TopicFactory(),
            version=1,
            metrics={"f1": 0.9, "bands": [[0.8, 1.0, 10, 9, 9.5]]},
            estimator=b"",
        ),
    }
    return builders[model]()
