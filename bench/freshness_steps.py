"""The child steps of bench.freshness: Django on the benchmark's own database and Redis keys.

`monitor` is the one that lasts: it queues the ingest when the parent says the listing is
live, then polls the database and prints one JSON line per milestone reached, each with its
wall-clock time (`time.time()`, seconds).
"""

import datetime as dt
import json
import sys
import time
from pathlib import Path

from bench.common import django_child_setup

POLL_SECONDS = 1.0
PROGRESS_SECONDS = 60.0
# Copies for the enrichment comparison sit in a category no topic watches: the front-matter
# sweep leaves them alone and the desk never shows them (no listing).
UNWATCHED = "q-bio.OT"


def emit(event: str, **fields) -> None:
    """One line to the parent: {"event", "at" (time.time()), **fields}."""
    print(json.dumps({"event": event, "at": time.time(), **fields}), flush=True)


def step_prepare(out: str, papers: int, database: str, redis_prefix: str) -> dict:
    """A fresh database (migrated, default taxonomy), no Redis key under the benchmark's prefix,
    and the day's arXiv replies written into `out`; {"papers": count, "ids": [...]}."""
    from django.core.management import call_command

    from bench.common import database_recreate
    from bench.freshness_day import day_write

    database_recreate(database)
    django_child_setup()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_taxonomy", verbosity=0)
    from ingest.sources.http import redis_client

    client = redis_client()
    for key in client.scan_iter(match=f"{redis_prefix}*", count=1000):
        client.delete(key)
    return day_write(out=Path(out), limit=papers)


def step_copies(prefix: str, announce_date: str) -> dict:
    """Copy the day's papers (text only, ids `<prefix>NNNNN`, an unwatched category) and queue
    their enrichment as ingest does; {"papers": count, "queued_at": time.time()}."""
    django_child_setup()
    from enrichment.tasks import papers_enrichment_queue
    from papers.models import Paper

    day = Paper.objects.filter(announcements__announce_date=announce_date).distinct()
    copies = [
        Paper(
            arxiv_id=f"{prefix}{n:05d}",
            title=paper.title,
            abstract=paper.abstract,
            authors_text=paper.authors_text,
            comments=paper.comments,
            primary_category=UNWATCHED,
            categories=[UNWATCHED],
            submitted_at=paper.submitted_at,
            updated_at=paper.updated_at,
            metadata_state=Paper.MetadataState.COMPLETE,
        )
        for n, paper in enumerate(day.order_by("arxiv_id"))
    ]
    created = Paper.objects.bulk_create(copies)
    queued_at = time.time()
    papers_enrichment_queue(paper_ids=[paper.pk for paper in created])
    return {"papers": len(created), "queued_at": queued_at}


def _day_counts(listed) -> dict:
    """How far the day's papers are: stored, enriched, failed, with a hit, with a hit and their
    front matter settled (done or unreadable for their version), settled in all."""
    from django.db.models import Count, Exists, OuterRef, Q

    from papers.models import FrontMatter, Paper, TopicHit

    hit = TopicHit.objects.filter(
        paper=OuterRef("pk"),
        review_state__in=[TopicHit.ReviewState.SUGGESTED, TopicHit.ReviewState.ACCEPTED],
    )
    settled = FrontMatter.objects.filter(
        paper=OuterRef("pk"),
        version=OuterRef("version"),
        state__in=[FrontMatter.State.DONE, FrontMatter.State.UNREADABLE],
    )
    state = Paper.EnrichmentState
    return listed.annotate(has_hit=Exists(hit), settled=Exists(settled)).aggregate(
        listed=Count("pk"),
        stored=Count("pk", filter=Q(metadata_state=Paper.MetadataState.COMPLETE)),
        enriched=Count("pk", filter=Q(enrichment_state=state.DONE)),
        failed=Count("pk", filter=Q(enrichment_state=state.FAILED)),
        hits=Count("pk", filter=Q(has_hit=True)),
        hits_settled=Count("pk", filter=Q(has_hit=True, settled=True)),
        settled_all=Count("pk", filter=Q(settled=True)),
    )


def _desk_view(day: dt.date, listed) -> dict:
    """The draft day as the triage desk shows it (editorial.desk.selectors), every active topic:
    candidates shown and expected, those whose card lacks Chinese text, those whose paper's
    front matter is not settled, those whose card names an institution."""
    from editorial.desk.selectors import desk_day_get, desk_topics_list
    from papers.models import FrontMatter, TopicHit

    topics = list(desk_topics_list())
    papers, shown = {}, 0
    for topic in topics:
        for hit in desk_day_get(topic=topic, announce_date=day).hits:
            shown += 1
            papers[hit.paper_id] = hit.paper
    settled = set(
        FrontMatter.objects.filter(
            paper_id__in=list(papers),
            state__in=[FrontMatter.State.DONE, FrontMatter.State.UNREADABLE],
        ).values_list("paper_id", "version")
    )
    return {
        "shown": shown,
        "expected": TopicHit.objects.filter(topic__in=topics, paper__in=listed).count(),
        "without_chinese": sum(
            not (p.zh("title").value and p.zh("abstract").value) for p in papers.values()
        ),
        "unsettled": sum((p.pk, p.version) not in settled for p in papers.values()),
        "with_institutions": sum(bool(p.card["institutions"]) for p in papers.values()),
        "papers": len(papers),
    }


def _final_stats(listed) -> dict:
    from django.db.models import Count

    from papers.models import FrontMatter, PaperInstitution

    fronts = FrontMatter.objects.filter(paper__in=listed)
    return {
        "front_matter": dict(fronts.values_list("state").annotate(n=Count("pk")).order_by()),
        "front_matter_kinds": dict(fronts.values_list("kind").annotate(n=Count("pk")).order_by()),
        "papers_with_institutions": PaperInstitution.objects.filter(paper__in=listed)
        .values("paper_id")
        .distinct()
        .count(),
    }


def step_monitor(announce_date: str, categories: list[str], papers: int) -> None:
    """Wait for "go" on stdin, queue the ingest of `announce_date` (as beat does, with the
    date and categories given), then report milestones until the desk is complete with
    institutions: "stored", "enriched", "institutions", "desk", "desk_institutions", and
    "progress" lines every PROGRESS_SECONDS; ends with "done" and the day's figures."""
    django_child_setup()
    from django.db.models import Exists, OuterRef

    from ingest.tasks import ingest_announcement
    from papers.models import Announcement, Paper

    day = dt.date.fromisoformat(announce_date)
    listed = Paper.objects.filter(
        Exists(Announcement.objects.filter(paper=OuterRef("pk"), announce_date=day))
    )
    emit("ready")
    sys.stdin.readline()
    ingest_announcement.delay(categories=categories, announce_date=announce_date)
    emit("sent")
    reached: dict[str, dict] = {}
    last_progress = time.time()
    while "desk_institutions" not in reached:
        counts = _day_counts(listed)
        wanted = {
            "stored": counts["stored"] == papers,
            "enriched": counts["stored"] == papers and counts["enriched"] == papers,
        }
        wanted["institutions"] = wanted["enriched"] and counts["hits_settled"] == counts["hits"]
        # The desk is read until it is complete, then again once every hit paper is settled.
        look = "desk" not in reached or wanted["institutions"]
        desk = _desk_view(day, listed) if wanted["enriched"] and look else None
        if desk:
            complete = desk["shown"] == desk["expected"] and not desk["without_chinese"]
            wanted["desk"] = complete
            wanted["desk_institutions"] = complete and not desk["unsettled"]
        for name, met in wanted.items():
            if met and name not in reached:
                reached[name] = {**counts, **(desk or {})}
                emit(name, **reached[name])
        if time.time() - last_progress >= PROGRESS_SECONDS:
            last_progress = time.time()
            emit("progress", **counts)
        time.sleep(POLL_SECONDS)
    emit("done", **_final_stats(listed))


STEPS = {"prepare": step_prepare, "copies": step_copies, "monitor": step_monitor}
