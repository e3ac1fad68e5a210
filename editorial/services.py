"""Editorial writes: review, accept and reject topic hits, Chinese edits, publishing.

Every editorial write goes through these functions (plain row edits through
editorial/edits.py), so each one first checks the person's permission (PermissionDenied,
nothing written), audit rows (django-simple-history) always name the person, and a change
readers can see sends `public_content_changed` after commit. `user=None` is the system (the
auto-publisher).
"""

import datetime as dt
import logging
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import F, OuterRef, QuerySet, Subquery
from django.utils import timezone

from editorial.edits import audited_save, permission_require, public_change_watch
from papers.models import (
    ZH_FIELDS,
    Announcement,
    DailyPage,
    DailyPageEntry,
    Paper,
    TopicHit,
)
from papers.signals import (
    daily_page_published_on_commit,
    papers_any_published,
    public_content_changed_if_published,
    public_content_changed_on_commit,
)
from public.selectors import topic_day_get
from topics.models import Topic

logger = logging.getLogger(__name__)

PUBLISH = "papers.publish_dailypage"


class FlagsOpen(Exception):
    """Marking reviewed would pass machine text the fidelity checks flagged: confirm first."""

    def __init__(self, flags: dict[str, list[str]]):
        super().__init__("; ".join(f"{name}: {', '.join(items)}" for name, items in flags.items()))
        self.flags = flags


def paper_flags_open(*, paper: Paper) -> dict[str, list[str]]:
    """The fidelity flags ({field: problems}) of Chinese fields that still show the machine's
    text: an editor's own text for a field closes its flags."""
    return {
        name: problems
        for name, problems in paper.enrichment_flags.items()
        if name in ZH_FIELDS and problems and not getattr(paper, f"{name}_zh_human")
    }


@transaction.atomic
def paper_review_mark(*, paper: Paper, user, flags_confirmed: bool = False) -> Paper:
    """A person has read the Chinese text against the current source: it may go public.

    Saves the paper as given (with the editor's pending edits). Needs papers.change_paper.
    Raises FlagsOpen (nothing written) when flagged machine text would pass unless the editor
    confirmed (`flags_confirmed`) having checked it.
    """
    permission_require(user=user, permissions=["papers.change_paper"])
    if not flags_confirmed and (flags := paper_flags_open(paper=paper)):
        raise FlagsOpen(flags)
    paper.zh_reviewed_at = timezone.now()
    paper.zh_reviewed_by = user
    for name in ZH_FIELDS:
        setattr(paper, f"{name}_zh_source_changed", False)
    audited_save(paper, user=user)
    public_content_changed_if_published(paper_ids=[paper.pk], sender=Paper)
    return paper


@transaction.atomic
def paper_zh_revert(*, paper: Paper, field: str, user) -> Paper:
    """Drop the editor's text for one field (one of ZH_FIELDS, else ValueError) so the
    machine's shows again. Needs papers.change_paper."""
    permission_require(user=user, permissions=["papers.change_paper"])
    if field not in ZH_FIELDS:
        raise ValueError(f"no Chinese field {field!r}")
    setattr(paper, f"{field}_zh_human", "")
    setattr(paper, f"{field}_zh_source_changed", False)
    audited_save(paper, user=user)
    public_content_changed_if_published(paper_ids=[paper.pk], sender=Paper)
    return paper


def _daily_page_get_or_create(*, topic_id: int, announce_date: dt.date, user) -> DailyPage:
    """The topic's page for the date; a new one is a draft made by `user` (audited)."""
    page = DailyPage.objects.filter(topic_id=topic_id, announce_date=announce_date).first()
    if page is not None:
        return page
    page = DailyPage(topic_id=topic_id, announce_date=announce_date)
    try:
        with transaction.atomic():
            audited_save(page, user=user)
    except IntegrityError:  # made meanwhile by someone else
        page = DailyPage.objects.get(topic_id=topic_id, announce_date=announce_date)
    return page


def _daily_pages_join(*, hits: Iterable[TopicHit], user) -> None:
    """An accepted hit's paper joins the topic's page on each date it was listed: a draft page
    is made for previewing; an already published page shows the paper at once. Nothing is
    marked reviewed: only a person reading the Chinese text does that (paper_review_mark).
    One query per hit when its pages exist."""
    for hit in hits:
        page_status = DailyPage.objects.filter(
            topic_id=hit.topic_id, announce_date=OuterRef("announce_date")
        ).values("status")[:1]
        statuses = dict(
            Announcement.objects.filter(paper_id=hit.paper_id)
            .order_by()
            .values_list("announce_date", Subquery(page_status))
        )
        for day, status in statuses.items():
            if status is None:
                _daily_page_get_or_create(topic_id=hit.topic_id, announce_date=day, user=user)


def _topic_hits_review(*, hits: Iterable[TopicHit], state: str, user) -> list[TopicHit]:
    permission_require(user=user, permissions=["papers.change_topichit"])
    hits = list(hits)
    paper_ids = {hit.paper_id for hit in hits}
    accepting = state == TopicHit.ReviewState.ACCEPTED
    # Accepting only adds to what readers see and rejecting only takes away, so whether they
    # saw the papers before or see them after is one look: after accepting, before rejecting.
    was_public = not accepting and papers_any_published(paper_ids=paper_ids)
    now = timezone.now()
    for hit in hits:
        hit.review_state = state
        hit.reviewed_by = user
        hit.reviewed_at = now
        audited_save(hit, user=user)
    if accepting:
        _daily_pages_join(hits=hits, user=user)
        public_content_changed_if_published(paper_ids=paper_ids, sender=Paper)
    elif was_public:
        public_content_changed_on_commit(sender=Paper)
    return hits


@transaction.atomic
def topic_hit_accept(*, hits: Iterable[TopicHit], user) -> list[TopicHit]:
    """Accepted hits put their papers on the topic's daily page (once it is published).

    Needs papers.change_topichit. Returns the hits, saved."""
    return _topic_hits_review(hits=hits, state=TopicHit.ReviewState.ACCEPTED, user=user)


@transaction.atomic
def topic_hit_reject(*, hits: Iterable[TopicHit], user) -> list[TopicHit]:
    """A rejected hit stays (so the machine never suggests it again) but is never shown.

    Needs papers.change_topichit. Returns the hits, saved."""
    return _topic_hits_review(hits=hits, state=TopicHit.ReviewState.REJECTED, user=user)


def topic_hits_accept_above_threshold(*, hits: QuerySet[TopicHit], user) -> list[TopicHit]:
    """Accept the suggestions the machine is sure enough about, by each topic's own bar.

    Needs papers.change_topichit. Returns the hits it accepted."""
    confident = hits.filter(
        review_state=TopicHit.ReviewState.SUGGESTED,
        confidence__gte=F("topic__confidence_threshold"),
    )
    return topic_hit_accept(hits=confident, user=user)


@transaction.atomic
def topic_hit_editor_save(*, hit: TopicHit, user) -> TopicHit:
    """An editor's touch makes a hit theirs: the machine never alters or deletes it again.

    Needs papers.add_topichit for a new hit, papers.change_topichit for one that exists."""
    adding = hit.pk is None
    permission_require(
        user=user, permissions=["papers.add_topichit" if adding else "papers.change_topichit"]
    )
    with public_change_watch(paper_ids=[hit.paper_id]):
        if adding:
            hit.origin = TopicHit.Origin.EDITOR
            if hit.review_state == TopicHit.ReviewState.SUGGESTED:
                hit.review_state = TopicHit.ReviewState.ACCEPTED
        hit.reviewed_by = user
        hit.reviewed_at = timezone.now()
        audited_save(hit, user=user)
        if hit.review_state == TopicHit.ReviewState.ACCEPTED:
            _daily_pages_join(hits=[hit], user=user)
    return hit


@transaction.atomic
def daily_page_publish(*, page: DailyPage, user) -> DailyPage:
    """Make the page public: readers see its accepted hits. It vouches for no Chinese text:
    a paper nobody marked reviewed shows its English with "not yet translated".

    Needs papers.publish_dailypage (`user=None`: the auto-publisher). Returns the page as
    stored."""
    permission_require(user=user, permissions=[PUBLISH])
    page = DailyPage.objects.select_for_update().select_related("topic").get(pk=page.pk)
    page.status = DailyPage.Status.PUBLISHED
    page.published_at = timezone.now()
    page.published_by = user
    audited_save(page, user=user)
    public_content_changed_on_commit(sender=DailyPage)
    daily_page_published_on_commit(page=page)
    return page


@transaction.atomic
def daily_page_unpublish(*, page: DailyPage, user) -> DailyPage:
    """Withdraw the page. `published_at/by` keep the last publication, which also tells the
    auto-publisher that a person withdrew it on purpose.

    Needs papers.publish_dailypage. Returns the page as stored."""
    permission_require(user=user, permissions=[PUBLISH])
    page = DailyPage.objects.select_for_update().get(pk=page.pk)
    was_published = page.status == DailyPage.Status.PUBLISHED
    page.status = DailyPage.Status.DRAFT
    audited_save(page, user=user)
    if was_published:
        public_content_changed_on_commit(sender=DailyPage)
    return page


@transaction.atomic
def daily_page_order_fill(*, page: DailyPage, user) -> int:
    """Write the page's current order as explicit positions (10, 20, …) for editors to renumber;
    the gaps let a paper move between two others by one edit. Returns how many were written.

    Needs papers.add_dailypageentry and papers.change_dailypageentry."""
    permission_require(
        user=user, permissions=["papers.add_dailypageentry", "papers.change_dailypageentry"]
    )
    day = topic_day_get(topic=page.topic, announce_date=page.announce_date, include_drafts=True)
    entries = {entry.paper_id: entry for entry in page.entries.all()}
    for index, paper in enumerate(day.papers, start=1):
        entry = entries.get(paper.pk) or DailyPageEntry(page=page, paper=paper)
        entry.position = index * 10
        audited_save(entry, user=user)
    if page.status == DailyPage.Status.PUBLISHED:
        public_content_changed_on_commit(sender=DailyPage)
    return len(day.papers)


def day_hits_accept_above_threshold(
    *, announce_date: dt.date, topic: Topic | None = None, user
) -> list[TopicHit]:
    """Accept the suggestions of papers arXiv listed on this date that reach their topic's
    threshold (topic_hits_accept_above_threshold), of every active topic or of `topic`.

    Needs papers.change_topichit. Returns the hits it accepted."""
    listed = Announcement.objects.filter(announce_date=announce_date).values("paper_id")
    hits = TopicHit.objects.filter(paper_id__in=listed, topic__in=Topic.objects.active())
    if topic is not None:
        hits = hits.filter(topic=topic)
    return topic_hits_accept_above_threshold(hits=hits, user=user)


@transaction.atomic
def daily_pages_publish_for_date(
    *, announce_date: dt.date, topic: Topic | None = None, user
) -> list[DailyPage]:
    """Publish every active topic (or only `topic`) that has accepted papers listed on this
    date, all in one transaction: readers (and the day's e-mail digests) see the day's pages
    go public together. Returns the pages it published (not those already public). Needs
    papers.publish_dailypage."""
    permission_require(user=user, permissions=[PUBLISH])
    hits = TopicHit.objects.listed_on(announce_date).filter(topic__in=Topic.objects.active())
    if topic is not None:
        hits = hits.filter(topic=topic)
    topic_ids = hits.order_by("topic_id").values_list("topic_id", flat=True).distinct()
    published = []
    for topic_id in topic_ids:
        page = _daily_page_get_or_create(topic_id=topic_id, announce_date=announce_date, user=user)
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
