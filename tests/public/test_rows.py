import pytest
from django.db import connection
from django.db.models.signals import post_init
from django.test.utils import CaptureQueriesContext

from papers.models import Paper, TopicHit
from public.rows import paper_columns_get, row_instance
from tests.factories import PaperFactory

pytestmark = pytest.mark.django_db


def _row(columns):
    return Paper.objects.values_list(*columns).get()


def test_a_row_instance_is_what_from_db_builds():
    PaperFactory(title="Row and model", comments="3 pages")
    columns = paper_columns_get(include_drafts=False)
    row = _row(columns)
    built, reference = (
        row_instance(Paper, "default", columns, row),
        Paper.from_db("default", columns, row),
    )
    assert type(built) is Paper
    assert {name: getattr(built, name) for name in columns} == {
        name: getattr(reference, name) for name in columns
    }
    assert (built._state.adding, built._state.db) == (False, "default")
    assert built.get_deferred_fields() == reference.get_deferred_fields() != set()
    assert built == reference  # same pk, same model
    # A column it was not given loads on first use, as a deferred field does.
    expected = reference.enrichment_state
    with CaptureQueriesContext(connection) as queries:
        assert built.enrichment_state == expected
    assert len(queries) == 1


def test_a_model_watched_by_init_signals_goes_through_from_db():
    PaperFactory()
    columns = ["id", "arxiv_id"]
    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append(instance)

    post_init.connect(receiver, sender=Paper)
    try:
        built = row_instance(Paper, "default", columns, _row(columns))
    finally:
        post_init.disconnect(receiver, sender=Paper)
    assert seen == [built]


def test_a_found_paper_shows_its_strongest_published_hit_never_a_draft_pages():
    """A search result's hit and date come from the paper's publication columns: a stronger
    hit on a draft page stays hidden until that page is published."""
    from public.found import found_papers_read
    from tests.factories import TopicFactory, TopicHitFactory
    from tests.site_data import DAY, listed_paper, page_draft, page_publish

    shown, drafted = TopicFactory(slug="shown"), TopicFactory(slug="drafted")
    paper = listed_paper(shown, confidence=0.6)
    TopicHitFactory(
        paper=paper, topic=drafted, confidence=0.95, review_state=TopicHit.ReviewState.ACCEPTED
    )
    page_publish(shown)
    page_draft(drafted)

    (found,) = found_papers_read(ids=[paper.pk])
    assert (found.hit.topic.slug, found.hit.confidence) == ("shown", 0.6)
    assert found.last_published_on == DAY

    page_publish(drafted)
    (found,) = found_papers_read(ids=[paper.pk])
    assert (found.hit.topic.slug, found.hit.confidence) == ("drafted", 0.95)
