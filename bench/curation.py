"""Topic curation benchmark: offline enrichment of a 600-paper day with the learned scorers,
and retraining a topic's scorer on 10,000 editor decisions.

    python -m bench.curation [--papers 600] [--decisions 10000]

The day: the 555 real papers of the kept labelled day (enrichment/curation/papers), the first
45 again under other ids, enriched by the offline backend with the scorers trained from the
kept labels (passed in, never stored). Retraining: `decisions` papers made by recombining the
real abstracts' sentences, each with an llm hit an editor accepted or rejected, then
`scorer_train_topic` end to end (decisions read, trained, stored, waiting hits re-scored).
The backend alone (no database) is timed on the same 600 papers, to tell the scorers' cost
from what storing the results costs. The institution registry, which a worker
loads once per process, is loaded before the timing and its load time noted. Targets: ≥ 50
papers/s, ≤ 60 s. Its papers and scorer rows are deleted afterwards. `make bench` runs it on
its own database (BENCH_CURATION_DATABASE_NAME, default `arxdaily_bench_curation`, see run()).
"""

import argparse
import dataclasses
import json
import os
import random
import subprocess
import sys
import time

from bench.common import ROOT, Result, bench_papers_delete, django_setup

DAY_IDS, DECISION_IDS = "9905.", "9906."
TARGET_PAPERS_PER_S = 50
BENCH_DB = os.environ.get("BENCH_CURATION_DATABASE_NAME", "arxdaily_bench_curation")
TARGET_RETRAIN_S = 60


def day_create(count: int) -> None:
    from enrichment.curation.labels import papers_read
    from papers.models import Paper

    sources = list(papers_read().values())
    Paper.objects.bulk_create(
        Paper(
            arxiv_id=f"{DAY_IDS}{n:05d}",
            title=source.title,
            abstract=source.abstract,
            primary_category=source.categories[0],
            categories=list(source.categories),
        )
        for n, source in enumerate(sources[i % len(sources)] for i in range(count))
    )


def decisions_create(count: int, topic) -> None:
    """Papers whose sentences come from several real abstracts; accepted when the first one
    came from a paper labelled in the topic, else rejected (plus 10 % flipped: editors differ)."""
    from django.contrib.auth import get_user_model

    from enrichment.backends.offline import abstract_sentences
    from enrichment.curation.labels import labels_read
    from papers.models import Paper, TopicHit

    rng = random.Random(7)
    labels = [label for label in labels_read() if label.topic == topic.slug]
    sentences = [s for label in labels for s in abstract_sentences(label.source.abstract)]
    papers, verdicts = [], []
    for n in range(count):
        label = rng.choice(labels)
        abstract = " ".join(
            [*abstract_sentences(label.source.abstract)[:2], *rng.sample(sentences, 3)]
        )
        papers.append(
            Paper(
                arxiv_id=f"{DECISION_IDS}{n:05d}",
                title=label.source.title,
                abstract=abstract,
                primary_category=label.source.categories[0],
                categories=list(label.source.categories),
            )
        )
        verdicts.append(label.label != (rng.random() < 0.1))
    Paper.objects.bulk_create(papers, batch_size=1000)
    state = {True: TopicHit.ReviewState.ACCEPTED, False: TopicHit.ReviewState.REJECTED}
    editor, _ = get_user_model().objects.get_or_create(username="bench-editor")
    TopicHit.objects.bulk_create(
        (
            TopicHit(
                paper=paper,
                topic=topic,
                confidence=0.5,
                review_state=state[accepted],
                reviewed_by=editor,  # a person's verdict: only those train (decisions_list)
            )
            for paper, accepted in zip(papers, verdicts, strict=True)
        ),
        batch_size=1000,
    )


def run(papers: int = 600, decisions: int = 10_000) -> list[Result]:
    """What `make bench` calls: measure() in a child process on this benchmark's own database
    (BENCH_DB). The bench database keeps the search benchmark's synthetic million, whose
    accepted hits would count as editors' decisions: 58,824 on the llm topic alone."""
    sizes = [f"--papers={papers}", f"--decisions={decisions}"]
    out = subprocess.run(
        [sys.executable, "-m", "bench.curation", "--json", *sizes],
        cwd=ROOT,
        env={**os.environ, "BENCH_DATABASE_NAME": BENCH_DB},
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        raise RuntimeError(f"bench.curation failed:\n{out.stderr[-3000:]}")
    return [Result(**row) for row in json.loads(out.stdout.strip().splitlines()[-1])]


def measure(papers: int = 600, decisions: int = 10_000) -> list[Result]:
    """The three rows, on the database Django is set up on."""
    from enrichment.backends.offline import OfflineBackend
    from enrichment.backends.scorer import scorer_train
    from enrichment.curation.labels import labels_read, papers_read
    from enrichment.curation.services import scorer_examples, scorer_train_topic
    from enrichment.selectors import taxonomy_snapshot
    from enrichment.services import papers_enrich
    from papers.institutions import registry_get
    from papers.models import Paper, ScorerModel
    from topics.models import Topic

    taxonomy = taxonomy_snapshot()
    labels = labels_read()
    scorers = {}
    for slug in sorted({label.topic for label in labels}):
        examples, _ = scorer_examples(topic=slug, labels=labels, decisions=[])
        try:
            scorers[slug] = scorer_train(topic=taxonomy.topic(slug), examples=examples).scorer
        except ValueError:
            continue  # too few examples of a class: keywords, as scorer_train_topic leaves it
    backend = OfflineBackend(taxonomy=taxonomy, scorers=scorers)
    topic = Topic.objects.get(slug="llm")
    for prefix in (DAY_IDS, DECISION_IDS):
        bench_papers_delete(arxiv_id_prefix=prefix)  # left over by an interrupted run
    kept = set(ScorerModel.objects.values_list("pk", flat=True))
    # The institution registry is loaded once per process (a worker keeps it): timed apart.
    started = time.perf_counter()
    registry_get()
    registry_s = time.perf_counter() - started
    sources = list(papers_read().values())
    started = time.perf_counter()
    for n in range(papers):
        backend.enrich(sources[n % len(sources)])
    backend_s = time.perf_counter() - started
    try:
        day_create(papers)
        started = time.perf_counter()
        enriched = papers_enrich(
            papers=Paper.objects.filter(arxiv_id__startswith=DAY_IDS), backend=backend
        )
        enrich_s = time.perf_counter() - started
        decisions_create(decisions, topic)
        started = time.perf_counter()
        model = scorer_train_topic(topic=topic, force=True)
        retrain_s = time.perf_counter() - started
    finally:
        ScorerModel.objects.exclude(pk__in=kept).delete()
        for prefix in (DAY_IDS, DECISION_IDS):
            bench_papers_delete(arxiv_id_prefix=prefix)
    return [
        Result(
            "offline enrichment with learned scorers",
            TARGET_PAPERS_PER_S,
            papers / enrich_s,
            "papers/s",
            higher_is_better=True,
            note=f"{papers} papers, {len(scorers)} topics scored by learned scorers, "
            f"{len(taxonomy.topics) - len(scorers)} by keywords; {enriched.papers_done} done; "
            f"institution registry loaded before, once per process, in {registry_s:.1f} s",
        ),
        Result(
            "offline backend alone (no database)",
            TARGET_PAPERS_PER_S,
            papers / backend_s,
            "papers/s",
            higher_is_better=True,
            note="scoring every topic, subtopic, reason and evidence; what the scorers add",
        ),
        Result(
            "scorer retraining on editor decisions",
            TARGET_RETRAIN_S,
            retrain_s,
            "s",
            higher_is_better=False,
            note=f"llm topic, {model.accepted + model.rejected} decisions + {model.labelled} "
            f"labels; out-of-fold F1 {model.metrics['f1']}",
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=600)
    parser.add_argument("--decisions", type=int, default=10_000)
    parser.add_argument("--json", action="store_true", help="rows as JSON (run() reads them)")
    args = parser.parse_args()
    django_setup()
    rows = measure(args.papers, args.decisions)
    if args.json:
        print(json.dumps([dataclasses.asdict(row) for row in rows]))
        return
    from bench.run import table

    print(table(rows))


if __name__ == "__main__":
    main()
