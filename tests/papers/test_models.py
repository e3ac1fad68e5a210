import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from papers.models import ZH_FIELDS, DailyPage, Paper, TopicHit, ZhState
from tests.factories import (
    AnnouncementFactory,
    DailyPageFactory,
    PaperFactory,
    SubtopicFactory,
    TopicFactory,
    TopicHitFactory,
)
from topics.models import Topic

pytestmark = pytest.mark.django_db


def test_arxiv_id_is_unique():
    PaperFactory(arxiv_id="2604.00626")
    with pytest.raises(IntegrityError):
        PaperFactory(arxiv_id="2604.00626")


def test_hit_unique_per_paper_topic_and_subtopic():
    subtopic = SubtopicFactory()
    hit = TopicHitFactory(topic=subtopic.topic, subtopic=subtopic)
    with pytest.raises(IntegrityError), transaction.atomic():
        TopicHitFactory(paper=hit.paper, topic=hit.subtopic.topic, subtopic=hit.subtopic)


def test_hit_without_subtopic_is_unique_per_paper_and_topic():
    hit = TopicHitFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        TopicHitFactory(paper=hit.paper, topic=hit.topic)
    # A hit with a subtopic beside the topic-level hit is a different hit.
    TopicHitFactory(paper=hit.paper, topic=hit.topic, subtopic=SubtopicFactory(topic=hit.topic))


def test_hit_confidence_must_lie_between_0_and_1():
    with pytest.raises(IntegrityError):
        TopicHitFactory(confidence=1.5)


def test_zh_is_missing_without_any_text():
    text = PaperFactory().zh("summary")
    assert (text.value, text.state, text.is_public) == ("", ZhState.MISSING, False)


def test_zh_machine_text_is_not_public_until_reviewed():
    paper = PaperFactory(summary_zh_machine="机器总结")
    assert paper.summary_zh.state == ZhState.MACHINE
    assert not paper.summary_zh.is_public


def test_zh_human_text_wins_over_machine():
    paper = PaperFactory(title_zh_machine="机器标题", title_zh_human="编辑标题")
    assert paper.title_zh.value == "编辑标题"
    assert paper.title_zh.state == ZhState.EDITED
    assert paper.title_zh.is_public


def test_zh_review_marks_effective_text_reviewed():
    paper = PaperFactory(abstract_zh_machine="机器摘要", zh_reviewed_at=timezone.now())
    assert paper.abstract_zh.state == ZhState.REVIEWED
    assert paper.abstract_zh.value == "机器摘要"


def test_zh_rejects_unknown_field():
    with pytest.raises(ValueError, match="no Chinese field"):
        PaperFactory().zh("comments")


@pytest.mark.parametrize("reviewed", [False, True], ids=["unreviewed", "reviewed"])
@pytest.mark.parametrize("machine", ["", "机器"], ids=["no-machine", "machine"])
@pytest.mark.parametrize("human", ["", "编辑"], ids=["no-human", "human"])
def test_search_column_holds_exactly_the_chinese_text_readers_see(human, machine, reviewed):
    paper = PaperFactory(
        **{f"{field}_zh_human": human and f"{human}{field}" for field in ZH_FIELDS},
        **{f"{field}_zh_machine": machine and f"{machine}{field}" for field in ZH_FIELDS},
        zh_reviewed_at=timezone.now() if reviewed else None,
    )

    stored = Paper.objects.values_list("search_zh", flat=True).get(pk=paper.pk)

    assert stored == " ".join(paper.zh(field).public or "" for field in ZH_FIELDS)
    if human or (machine and reviewed):
        assert stored.startswith(f"{human or machine}title ")


def _published_setup(*, page_status, hit_state):
    topic = TopicFactory()
    paper = PaperFactory()
    announcement = AnnouncementFactory(paper=paper)
    TopicHitFactory(paper=paper, topic=topic, review_state=hit_state)
    DailyPageFactory(topic=topic, announce_date=announcement.announce_date, status=page_status)
    return paper


def test_published_includes_accepted_hit_on_published_page():
    paper = _published_setup(
        page_status=DailyPage.Status.PUBLISHED, hit_state=TopicHit.ReviewState.ACCEPTED
    )
    assert list(Paper.objects.published()) == [paper]


@pytest.mark.parametrize(
    ("page_status", "hit_state"),
    [
        (DailyPage.Status.DRAFT, TopicHit.ReviewState.ACCEPTED),
        (DailyPage.Status.PUBLISHED, TopicHit.ReviewState.SUGGESTED),
        (DailyPage.Status.PUBLISHED, TopicHit.ReviewState.REJECTED),
    ],
)
def test_published_excludes_drafts_and_unaccepted_hits(page_status, hit_state):
    _published_setup(page_status=page_status, hit_state=hit_state)
    assert not Paper.objects.published().exists()


def test_published_page_of_another_date_does_not_publish_paper():
    topic = TopicFactory()
    paper = PaperFactory()
    AnnouncementFactory(paper=paper)
    TopicHitFactory(paper=paper, topic=topic, review_state=TopicHit.ReviewState.ACCEPTED)
    DailyPageFactory(topic=topic, announce_date="2026-04-28", status=DailyPage.Status.PUBLISHED)
    assert not Paper.objects.published().exists()


def test_inactive_topics_publish_nothing():
    paper = _published_setup(
        page_status=DailyPage.Status.PUBLISHED, hit_state=TopicHit.ReviewState.ACCEPTED
    )
    Topic.objects.update(is_active=False)

    assert not Paper.objects.published().exists()
    assert not TopicHit.objects.published().exists()
    assert not DailyPage.objects.published().exists()
    assert TopicHit.objects.listed_on(paper.announcements.get().announce_date).exists()


def test_listed_on_a_date_is_one_row_per_hit_whatever_the_listings():
    paper = _published_setup(
        page_status=DailyPage.Status.PUBLISHED, hit_state=TopicHit.ReviewState.ACCEPTED
    )
    day = paper.announcements.get().announce_date
    AnnouncementFactory(paper=paper, announce_date=day, category="cs.AI")

    assert TopicHit.objects.listed_on(day).count() == 1
    assert not TopicHit.objects.listed_on("2026-04-28").exists()
    # published() reaches its page through the listings: a row per listing of that day.
    published_on = TopicHit.objects.published().values_list("published_on", flat=True)
    assert list(published_on) == [day, day]
    assert list(published_on.distinct()) == [day]


def test_in_category_matches_exact_category_only():
    PaperFactory(categories=["cs.CL"])
    match = PaperFactory(categories=["cs.CLX", "cs.AI"])
    assert list(Paper.objects.in_category("cs.AI")) == [match]
    assert Paper.objects.in_category("cs.CL").count() == 1


def test_hit_subtopic_must_belong_to_its_topic():
    from django.core.exceptions import ValidationError

    hit = TopicHitFactory.build(
        paper=PaperFactory(), topic=TopicFactory(), subtopic=SubtopicFactory()
    )
    with pytest.raises(ValidationError, match="another topic"):
        hit.full_clean()


def test_the_columns_a_search_checks_stay_in_the_row():
    """A newest-first scan checks them on every row it reads: kept in the row (compressed),
    not out of line, where each check cost four more buffer reads (migration 0021)."""
    from django.db import connection

    checked = [
        "categories",
        "published_listings",
        "published_topics",
        "search_vector",
        "search_zh",
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname, attstorage FROM pg_attribute WHERE attrelid = %s::regclass"
            " AND attname = ANY(%s) ORDER BY attname",
            [Paper._meta.db_table, checked],
        )
        assert cursor.fetchall() == [(name, "m") for name in checked]
