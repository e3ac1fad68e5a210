"""Editorial writes: review, accept and reject topic hits, Chinese edits, publishing.

Every editorial write goes through these functions, so audit rows (django-simple-history)
always name the person: `_history_user` is what the history library records as "who".
"""

import datetime as dt
import logging
from collections.abc import Iterable

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from papers.models import (
    ZH_FIELDS,
    Announcement,
    DailyPage,
    DailyPageEntry,
    Paper,
    TopicHit,
)
from public.selectors import topic_day_get
from topics.models import Topic

logger = logging.getLogger(__name__)


def _audited_save(obj, *, user, update_fields: Iterable[str] | None = None) -> None:
    obj._history_user = user
    obj.save(update_fields=update_fields)


def paper_review_mark(*, paper: Paper, user) -> Paper:
    """A person has read the Chinese text against the current source: it may go public."""
    paper.zh_reviewed_at = timezone.now()
    paper.zh_reviewed_by = user
    for name in ZH_FIELDS:
        setattr(paper, f"{name}_zh_source_changed", False)
    _audited_save(paper, user=user)
    return paper


def paper_zh_revert(*, paper: Paper, field: str, user) -> Paper:
    """Drop the editor's text for one field so the machine's shows again."""
    if field not in ZH_FIELDS:
        raise ValueError(f"no Chinese field {field!r}")
    setattr(paper, f"{field}_zh_human", "")
    setattr(paper, f"{field}_zh_source_changed", False)
    _audited_save(paper, user=user)
    return paper


def _daily_pages_join(*, hits: Iterable[TopicHit], user) -> None:
    """An accepted hit's paper joins the topic's page on each date it was listed: a draft page
    is made for previewing; joining an already published page publishes the paper, so its
    Chinese text counts as reviewed, as publishing the page would have made it."""
    for hit in hits:
        dates = set(
            Announcement.objects.filter(paper_id=hit.paper_id).values_list(
                "announce_date", flat=True
            )
        )
        pages = [
            DailyPage.objects.get_or_create(topic_id=hit.topic_id, announce_date=day)[0]
            for day in dates
        ]
        published = any(page.status == DailyPage.Status.PUBLISHED for page in pages)
        if published and hit.paper.zh_reviewed_at is None:
            _papers_review_stamp(papers=[hit.paper], user=user)


def _papers_review_stamp(*, papers: Iterable[Paper], user) -> None:
    """Stamp reviewed (who, when) without touching the editing version (`modified_at`)."""
    now = timezone.now()
    for paper in papers:
        if paper.zh_reviewed_at is None:
            paper.zh_reviewed_at = now
            paper.zh_reviewed_by = user
            _audited_save(paper, user=user, update_fields=["zh_reviewed_at", "zh_reviewed_by"])


def _topic_hits_review(*, hits: Iterable[TopicHit], state: str, user) -> list[TopicHit]:
    now = timezone.now()
    reviewed = []
    for hit in hits:
        hit.review_state = state
        hit.reviewed_by = user
        hit.reviewed_at = now
        _audited_save(hit, user=user)
        reviewed.append(hit)
    return reviewed


@transaction.atomic
def topic_hit_accept(*, hits: Iterable[TopicHit], user) -> list[TopicHit]:
    """Accepted hits put their papers on the topic's daily page (once it is published)."""
    accepted = _topic_hits_review(hits=hits, state=TopicHit.ReviewState.ACCEPTED, user=user)
    _daily_pages_join(hits=accepted, user=user)
    return accepted


@transaction.atomic
def topic_hit_reject(*, hits: Iterable[TopicHit], user) -> list[TopicHit]:
    """A rejected hit stays (so the machine never suggests it again) but is never shown."""
    return _topic_hits_review(hits=hits, state=TopicHit.ReviewState.REJECTED, user=user)


def topic_hits_accept_above_threshold(*, hits: QuerySet[TopicHit], user) -> list[TopicHit]:
    """Accept the suggestions the machine is sure enough about, by each topic's own bar."""
    confident = hits.filter(
        review_state=TopicHit.ReviewState.SUGGESTED,
        confidence__gte=F("topic__confidence_threshold"),
    )
    return topic_hit_accept(hits=confident, user=user)


def topic_hit_editor_save(*, hit: TopicHit, user) -> TopicHit:
    """An editor's touch makes a hit theirs: the machine never alters or deletes it again."""
    if hit.pk is None:
        hit.origin = TopicHit.Origin.EDITOR
        if hit.review_state == TopicHit.ReviewState.SUGGESTED:
            hit.review_state = TopicHit.ReviewState.ACCEPTED
    hit.reviewed_by = user
    hit.reviewed_at = timezone.now()
    _audited_save(hit, user=user)
    if hit.review_state == TopicHit.ReviewState.ACCEPTED:
        _daily_pages_join(hits=[hit], user=user)
    return hit


@transaction.atomic
def daily_page_publish(*, page: DailyPage, user) -> DailyPage:
    """Make the page public; what it shows is reviewed from now on (its Chinese text too)."""
    page = DailyPage.objects.select_for_update().select_related("topic").get(pk=page.pk)
    day = topic_day_get(topic=page.topic, announce_date=page.announce_date, include_drafts=True)
    _papers_review_stamp(papers=day.papers, user=user)
    page.status = DailyPage.Status.PUBLISHED
    page.published_at = timezone.now()
    page.published_by = user
    _audited_save(page, user=user)
    return page


@transaction.atomic
def daily_page_unpublish(*, page: DailyPage, user) -> DailyPage:
    """Withdraw the page. `published_at/by` keep the last publication, which also tells the
    auto-publisher that a person withdrew it on purpose."""
    page = DailyPage.objects.select_for_update().get(pk=page.pk)
    page.status = DailyPage.Status.DRAFT
    _audited_save(page, user=user)
    return page


def daily_page_order_fill(*, page: DailyPage) -> int:
    """Write the page's current order as explicit positions (10, 20, …) for editors to renumber;
    the gaps let a paper move between two others by one edit."""
    day = topic_day_get(topic=page.topic, announce_date=page.announce_date, include_drafts=True)
    for index, paper in enumerate(day.papers, start=1):
        DailyPageEntry.objects.update_or_create(
            page=page, paper=paper, defaults={"position": index * 10}
        )
    return len(day.papers)


def daily_pages_publish_for_date(*, announce_date: dt.date, user) -> list[DailyPage]:
    """Publish every topic that has accepted papers listed on this date."""
    topic_ids = (
        TopicHit.objects.filter(
            review_state=TopicHit.ReviewState.ACCEPTED,
            paper__announcements__announce_date=announce_date,
            topic__is_active=True,
        )
        .values_list("topic_id", flat=True)
        .distinct()
    )
    published = []
    for topic_id in topic_ids:
        page, _ = DailyPage.objects.get_or_create(topic_id=topic_id, announce_date=announce_date)
        if page.status != DailyPage.Status.PUBLISHED:
            published.append(daily_page_publish(page=page, user=user))
    return published


def daily_pages_autopublish(*, now: dt.datetime) -> list[DailyPage]:
    """For topics with the auto policy: publish drafts nobody published once their time passed.

    A page a person published and withdrew again is left alone. The time of day is read in the
    display zone (settings.TIME_ZONE) on the page's announce date.
    """
    zone = timezone.get_default_timezone()
    drafts = DailyPage.objects.filter(
        status=DailyPage.Status.DRAFT,
        published_at__isnull=True,
        topic__is_active=True,
        topic__publish_policy=Topic.PublishPolicy.AUTO,
        topic__auto_publish_time__isnull=False,
    ).select_related("topic")
    published = []
    for page in drafts:
        due = dt.datetime.combine(page.announce_date, page.topic.auto_publish_time, tzinfo=zone)
        if due > now:
            continue
        day = topic_day_get(topic=page.topic, announce_date=page.announce_date, include_drafts=True)
        if day.papers:
            published.append(daily_page_publish(page=page, user=None))
            logger.info("auto-published %s", page)
    return published
