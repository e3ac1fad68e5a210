"""The papers a search found, read by id as plain rows: what their cards and the search's
feeds show, without the prefetch machinery (public/rows.py does the same for a topic day).

Each result page reads its 20 papers, their accepted hits and their listings as rows, in
three short queries; which hits are published, and on which dates, the papers' own
publication columns say (papers.publication), so the hits need no join with pages and
listings. Instances are built only for what cards and feeds read (the paper, the listing it
shows, one Topic and Subtopic per distinct one, with their names).
"""

from papers.models import Announcement, Paper, TopicHit
from papers.publication import listing_newest_by_topic
from public.rows import (
    ANNOUNCE_TYPE_RANK,
    LISTING_COLUMNS,
    SUBTOPIC_COLUMNS,
    DayHit,
    attnames,
    paper_columns_get,
    row_instance,
)
from topics.models import Subtopic, Topic

# What a card and a feed item show of a hit's topic (Model.from_db takes the model's order).
TOPIC_COLUMNS = attnames(Topic, {"id", "slug", "name_zh", "name_en"})
_HIT_COLUMNS = ("paper_id", "published_on", "confidence", "reason", "origin")
# What a card shows, and the paper's copy of where it is published (papers.publication).
_PAPER_COLUMNS = attnames(
    Paper, {*paper_columns_get(include_drafts=False), "published_last", "published_listings"}
)
_LISTING_PAPER_AT = LISTING_COLUMNS.index("paper_id")


def found_papers_read(*, ids: list[int]) -> list[Paper]:
    """The papers of `ids`, in that order (ids it cannot find are left out), read by pk
    alone: the caller's search already decided they may be shown.

    Each paper carries `hit` (a DayHit, unordered: its strongest published hit, the newer
    page's on a tie, or None), `announcement` (its newest arXiv listing, the strongest of
    that day, as an Announcement; or None) and `last_published_on` (the date of the newest
    published page that shows it, or None), ready for public.cards.paper_cards_attach.
    A hit is published on the dates its topic has in the paper's `published_listings`,
    which papers.publication rewrites from TopicHit.objects.published() on every write
    that publishes or withdraws a paper. Three queries.
    """
    rows = Paper.objects.filter(pk__in=ids).values_list(*_PAPER_COLUMNS)
    db = rows.db
    pk_at = _PAPER_COLUMNS.index("id")
    papers = {row[pk_at]: row_instance(Paper, db, _PAPER_COLUMNS, row) for row in rows}
    shown = {pk: listing_newest_by_topic(p.published_listings) for pk, p in papers.items()}
    best: dict[int, tuple] = {}
    topics: dict[int, Topic] = {}
    subtopics: dict[int | None, Subtopic | None] = {None: None}
    for paper_id, topic_id, *rest in (
        TopicHit.objects.accepted()
        .filter(paper_id__in=ids, topic__is_active=True)
        .values_list(
            "paper_id",
            "topic_id",
            *_HIT_COLUMNS[2:],
            *(f"topic__{name}" for name in TOPIC_COLUMNS),
            *(f"subtopic__{name}" for name in SUBTOPIC_COLUMNS),
        )
    ):
        published_on = shown.get(paper_id, {}).get(topic_id)
        if published_on is None:
            continue  # on no published page of its topic
        row = (paper_id, published_on, *rest)
        strongest = best.get(paper_id)
        if strongest is None or (row[2], row[1]) > (strongest[2], strongest[1]):
            best[paper_id] = row  # the highest confidence, then the newest page
    listings: dict[int, tuple] = {}
    for listing in (
        Announcement.objects.filter(paper_id__in=ids)
        .order_by("paper_id", "-announce_date", ANNOUNCE_TYPE_RANK, "category")
        .values_list(*LISTING_COLUMNS)
    ):
        listings.setdefault(listing[_LISTING_PAPER_AT], listing)
    for pk, paper in papers.items():
        row = best.get(pk)
        paper.hit = row and _day_hit(row, db=db, topics=topics, subtopics=subtopics)
        listing = listings.get(pk)
        paper.announcement = listing and row_instance(Announcement, db, LISTING_COLUMNS, listing)
        paper.last_published_on = paper.published_last
    return [papers[pk] for pk in ids if pk in papers]


def _day_hit(row: tuple, *, db: str, topics: dict, subtopics: dict) -> DayHit:
    """A hit row (_HIT_COLUMNS, then its topic's and subtopic's columns) as a DayHit, its
    Topic and Subtopic built once per call (`topics`, `subtopics`: by pk)."""
    _, _, confidence, reason, origin = row[: len(_HIT_COLUMNS)]
    topic_at = len(_HIT_COLUMNS)
    subtopic_at = topic_at + len(TOPIC_COLUMNS)
    topic_id, subtopic_id = row[topic_at], row[subtopic_at]
    if topic_id not in topics:
        topics[topic_id] = row_instance(Topic, db, TOPIC_COLUMNS, row[topic_at:subtopic_at])
    if subtopic_id not in subtopics:
        subtopics[subtopic_id] = row_instance(Subtopic, db, SUBTOPIC_COLUMNS, row[subtopic_at:])
    return DayHit(
        topic=topics[topic_id],
        subtopic=subtopics[subtopic_id],
        confidence=confidence,
        reason=reason,
        origin=origin,
        position=None,
        entry_count=None,
    )
