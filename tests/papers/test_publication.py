"""The publication columns on each paper stay what TopicHit.objects.published() says, through
ingest, replacement, publish, unpublish, rejection and topic deactivation."""

import datetime as dt

import pytest

from editorial import edits, services
from ingest.sources.records import AnnouncementRecord, PaperRecord
from ingest.upsert import papers_upsert
from papers.models import Announcement, DailyPage, Paper, TopicHit
from papers.publication import (
    listing_key,
    listing_newest_by_topic,
    papers_publication_refresh_ids,
    papers_published_where,
)
from tests.factories import DailyPageFactory, SubtopicFactory, TopicFactory, TopicHitFactory
from tests.site_data import DAY, listed_paper, page_publish

pytestmark = pytest.mark.django_db

LATER = DAY + dt.timedelta(days=3)


def _columns(paper: Paper) -> tuple:
    paper.refresh_from_db()
    return paper.published_topics, paper.published_first, paper.published_last


def _record(paper: Paper, version: int) -> PaperRecord:
    return PaperRecord(
        arxiv_id=paper.arxiv_id,
        version=version,
        title=paper.title,
        abstract=paper.abstract,
        authors=[],
        categories=paper.categories,
        primary_category=paper.primary_category,
    )


def _replacement(paper: Paper, day: dt.date) -> AnnouncementRecord:
    return AnnouncementRecord(paper.arxiv_id, day, paper.primary_category, "replace", 2)


def test_publishing_and_unpublishing_a_page_set_and_clear_its_papers(chief_editor):
    topic = TopicFactory()
    paper = listed_paper(topic)
    page = DailyPageFactory(topic=topic, announce_date=DAY)
    assert _columns(paper) == ([], None, None)

    services.daily_page_publish(page=page, user=chief_editor)
    assert _columns(paper) == ([topic.pk], DAY, DAY)
    assert paper.published_listings == sorted(["2026-04-27", f"{topic.pk}/2026-04-27"])

    services.daily_page_unpublish(page=page, user=chief_editor)
    assert _columns(paper) == ([], None, None)
    assert paper.published_listings == []


def test_a_rejected_hit_leaves_the_topic(chief_editor):
    kept, rejected = TopicFactory(), TopicFactory()
    paper = listed_paper(kept)
    hit = TopicHitFactory(paper=paper, topic=rejected, review_state="accepted")
    page_publish(kept)
    page_publish(rejected)
    assert _columns(paper)[0] == sorted([kept.pk, rejected.pk])

    services.topic_hit_reject(hits=[hit], user=chief_editor)

    assert _columns(paper) == ([kept.pk], DAY, DAY)


def test_deactivating_a_topic_withdraws_its_papers(chief_editor):
    topic = TopicFactory()
    paper = listed_paper(topic)
    page_publish(topic)

    topic.is_active = False
    edits.row_save(row=topic, user=chief_editor)
    assert _columns(paper) == ([], None, None)

    topic.is_active = True
    edits.row_save(row=topic, user=chief_editor)
    assert _columns(paper) == ([topic.pk], DAY, DAY)


def test_unpublishing_one_of_two_days_narrows_the_dates(chief_editor):
    topic = TopicFactory()
    paper = listed_paper(topic)
    paper.announcements.create(
        announce_date=LATER, category="cs.CL", announce_type="replace", version=2
    )
    page_publish(topic)
    later = page_publish(topic, LATER)
    assert _columns(paper) == ([topic.pk], DAY, LATER)

    services.daily_page_unpublish(page=later, user=chief_editor)

    assert _columns(paper) == ([topic.pk], DAY, DAY)
    assert paper.published_listings == sorted([listing_key(DAY), listing_key(DAY, topic.pk)])


def test_accepting_a_hit_on_a_published_day_publishes_its_paper(chief_editor):
    topic = TopicFactory()
    paper = listed_paper(topic, state=TopicHit.ReviewState.SUGGESTED)
    page_publish(topic)
    assert _columns(paper) == ([], None, None)

    services.topic_hit_accept(hits=paper.topic_hits.all(), user=chief_editor)

    assert _columns(paper) == ([topic.pk], DAY, DAY)


def test_a_hit_an_editor_adds_on_a_published_day_publishes_its_paper(chief_editor):
    topic, added = TopicFactory(), TopicFactory()
    paper = listed_paper(topic)
    page_publish(topic)
    page_publish(added)

    services.topic_hit_editor_save(
        hit=TopicHit(paper=paper, topic=added, confidence=1.0), user=chief_editor
    )

    assert _columns(paper) == (sorted([topic.pk, added.pk]), DAY, DAY)


def test_deleting_a_published_hit_withdraws_its_paper(chief_editor):
    topic = TopicFactory()
    paper = listed_paper(topic)
    page_publish(topic)

    edits.row_delete(row=paper.topic_hits.get(), user=chief_editor)

    assert _columns(paper) == ([], None, None)


def test_deactivating_one_of_two_topics_keeps_the_other(chief_editor):
    kept, dropped = TopicFactory(), TopicFactory()
    paper = listed_paper(kept)
    TopicHitFactory(paper=paper, topic=dropped, review_state="accepted")
    page_publish(kept)
    page_publish(dropped)

    dropped.is_active = False
    edits.row_save(row=dropped, user=chief_editor)

    assert _columns(paper) == ([kept.pk], DAY, DAY)
    assert paper.published_listings == sorted([listing_key(DAY), listing_key(DAY, kept.pk)])


def test_the_refresh_in_batches_rewrites_every_stale_paper():
    topic = TopicFactory()
    papers = [listed_paper(topic) for _ in range(3)]
    unlisted = listed_paper(topic, state=TopicHit.ReviewState.SUGGESTED)
    page_publish(topic)
    Paper.objects.filter(pk__in=[p.pk for p in papers]).update(
        published_topics=[], published_first=None, published_last=None
    )
    Paper.objects.filter(pk=unlisted.pk).update(
        published_topics=[topic.pk], published_first=LATER, published_last=LATER
    )

    changed = papers_publication_refresh_ids([p.pk for p in [*papers, unlisted]], batch=2)

    assert changed == 4
    assert [_columns(p) for p in papers] == [([topic.pk], DAY, DAY)] * 3
    assert _columns(unlisted) == ([], None, None)
    assert papers_publication_refresh_ids([p.pk for p in papers], batch=2) == 0


def test_ingesting_new_metadata_for_a_published_paper_keeps_its_columns():
    topic = TopicFactory()
    paper = listed_paper(topic)
    page_publish(topic)
    record = _record(paper, 2)  # a new version's metadata, before its listing
    record.title = "A corrected title"

    papers_upsert(records=[record])

    assert Paper.objects.get(pk=paper.pk).title == "A corrected title"
    assert _columns(paper) == ([topic.pk], DAY, DAY)


def test_a_paper_read_before_publishing_and_saved_after_keeps_its_columns(chief_editor):
    topic = TopicFactory()
    paper = listed_paper(topic)
    stale = Paper.objects.get(pk=paper.pk)
    page_publish(topic)

    stale.title = "Edited"
    edits.row_save(row=stale, user=chief_editor)

    assert _columns(paper) == ([topic.pk], DAY, DAY)


def test_deleting_a_published_page_withdraws_its_papers(chief_editor):
    topic = TopicFactory()
    paper = listed_paper(topic)
    page = page_publish(topic)

    edits.row_delete(row=page, user=chief_editor)

    assert _columns(paper) == ([], None, None)


def test_ingesting_a_replacement_onto_a_published_day_extends_the_dates():
    topic = TopicFactory()
    paper = listed_paper(topic)
    page_publish(topic)
    page_publish(topic, LATER)  # its own papers came earlier; the replacement is listed now
    assert _columns(paper) == ([topic.pk], DAY, DAY)

    result = papers_upsert(records=[_record(paper, 2)], announcements=[_replacement(paper, LATER)])
    assert _columns(paper) == ([topic.pk], DAY, LATER)
    assert paper.published_listings == sorted(
        [
            listing_key(DAY),
            listing_key(LATER),
            listing_key(DAY, topic.pk),
            listing_key(LATER, topic.pk),
        ]
    )
    assert result.rows_written > 0

    again = papers_upsert(records=[_record(paper, 2)], announcements=[_replacement(paper, LATER)])
    assert again.rows_written == 0


def test_ingesting_a_replacement_onto_a_draft_day_changes_nothing():
    topic = TopicFactory()
    paper = listed_paper(topic)
    page_publish(topic)
    DailyPageFactory(topic=topic, announce_date=LATER)

    papers_upsert(records=[_record(paper, 2)], announcements=[_replacement(paper, LATER)])

    assert Announcement.objects.filter(paper=paper, announce_date=LATER).exists()
    assert _columns(paper) == ([topic.pk], DAY, DAY)


def test_new_papers_from_the_ingest_are_unpublished():
    paper = Paper(arxiv_id="2604.99999", title="New", primary_category="cs.CL")
    paper.categories = ["cs.CL"]

    papers_upsert(
        records=[_record(paper, 1)],
        announcements=[AnnouncementRecord(paper.arxiv_id, DAY, "cs.CL", "new", 1)],
    )

    stored = Paper.objects.get(arxiv_id="2604.99999")
    assert _columns(stored) == ([], None, None)


@pytest.mark.parametrize(
    ("conditions", "found"),
    [
        ({}, {"gap", "first", "later"}),
        ({"date_from": DAY + dt.timedelta(days=1), "date_to": LATER - dt.timedelta(days=1)}, set()),
        ({"date_from": LATER}, {"gap", "later"}),
        ({"date_to": DAY}, {"gap", "first"}),
        ({"topic": "other", "date_to": DAY}, {"gap"}),
        ({"topic": "other", "date_from": LATER}, {"gap", "later"}),
        ({"topic": "main", "date_from": LATER}, {"gap"}),
        ({"topic": "main", "date_from": DAY + dt.timedelta(days=1)}, {"gap"}),
        ({"topic": "other", "date_to": LATER - dt.timedelta(days=1)}, {"gap"}),
        ({"date_from": DAY, "date_to": DAY}, {"gap", "first"}),
        ({"topic": "other", "date_from": DAY, "date_to": DAY}, {"gap"}),
        ({"topic": "main", "date_from": LATER, "date_to": LATER}, {"gap"}),
        (
            {
                "topic": "main",
                "date_from": DAY + dt.timedelta(days=1),
                "date_to": LATER - dt.timedelta(days=1),
            },
            set(),
        ),
    ],
)
def test_the_columns_find_what_the_published_listings_find(conditions, found):
    topic, other = TopicFactory(slug="main"), TopicFactory(slug="other")
    papers = {
        "gap": listed_paper(topic, title="gap"),
        "first": listed_paper(topic, title="first"),
        "later": listed_paper(other, day=LATER, title="later"),
    }
    gap = papers["gap"]
    gap.announcements.create(
        announce_date=LATER, category="cs.CL", announce_type="replace", version=2
    )
    gap.topic_hits.create(topic=other, confidence=0.9, review_state="accepted")
    for day in (DAY, LATER):
        page_publish(topic, day)
        page_publish(other, day)
    page_publish(other, DAY + dt.timedelta(days=1))  # a published day between, without them
    topic_id = {"main": topic.pk, "other": other.pk}.get(conditions.pop("topic", None))
    exact = {
        **({"topic_id": topic_id} if topic_id else {}),
        **({"published_on__gte": conditions["date_from"]} if "date_from" in conditions else {}),
        **({"published_on__lte": conditions["date_to"]} if "date_to" in conditions else {}),
    }

    by_columns = papers_published_where(Paper.objects.all(), topic_id=topic_id, **conditions)

    assert {p.title for p in by_columns} == found
    assert {p.title for p in Paper.objects.published(**exact)} == found
    assert DailyPage.objects.published().count() == 5


def test_a_published_paper_without_a_submission_time_is_found_by_dates():
    topic = TopicFactory()
    pending = listed_paper(topic, title="pending", submitted_at=None)
    listed_paper(topic, title="complete", submitted_at=dt.datetime(2026, 4, 24, tzinfo=dt.UTC))
    page_publish(topic)

    found = papers_published_where(Paper.objects.all(), date_to=DAY)

    assert {p.title for p in found} == {"pending", "complete"}
    pending.delete()
    assert {p.title for p in papers_published_where(Paper.objects.all(), date_to=DAY)} == {
        "complete"
    }


def _found(paper: Paper, words: str) -> bool:
    """Whether the paper's search vector matches `words` (English, plainto_tsquery)."""
    return Paper.objects.filter(pk=paper.pk, search_vector=words).exists()


def test_only_published_papers_carry_a_search_vector(chief_editor):
    """Search finds published papers only, so the vector is built on publishing, follows a
    replacement's new title while published, and is gone again on unpublishing."""
    topic = TopicFactory()
    paper = listed_paper(topic, title="Sparse attention for long documents")
    assert Paper.objects.filter(pk=paper.pk, search_vector__isnull=True).exists()

    page = page_publish(topic)
    assert _found(paper, "sparse attention")

    record = _record(paper, 2)
    record.title = "Dense retrieval for long documents"
    papers_upsert(records=[record], announcements=[_replacement(paper, LATER)])
    assert _found(paper, "dense retrieval")
    assert not _found(paper, "sparse attention")

    services.daily_page_unpublish(page=page, user=chief_editor)
    assert Paper.objects.filter(pk=paper.pk, search_vector__isnull=True).exists()


def test_listing_keys_read_back_as_each_topics_newest_day():
    keys = [listing_key(LATER, 3), listing_key(DAY), listing_key(DAY, 3), listing_key(LATER, 12)]
    assert listing_newest_by_topic(keys) == {3: LATER, 12: LATER}


def test_deleting_a_subtopic_withdraws_the_papers_of_its_hits(chief_editor):
    """Its hits go with it (on delete cascade), and with them where their papers were shown."""
    topic = TopicFactory()
    subtopic = SubtopicFactory(topic=topic)
    paper = listed_paper(topic, subtopic=subtopic)
    page_publish(topic)
    assert _columns(paper) == ([topic.pk], DAY, DAY)

    edits.row_delete(row=subtopic, user=chief_editor)

    assert _columns(paper) == ([], None, None)
