"""Learned topic scorers: trained from the kept labels, learning from editors, versioned."""

import pytest

from editorial.services import topic_hit_accept, topic_hit_reject
from enrichment.backends.base import PaperSource
from enrichment.backends.offline import SUGGEST_FLOOR
from enrichment.backends.reasons import reason_compose
from enrichment.curation.selectors import scorers_active, topic_reliability
from enrichment.curation.services import scorer_train_topic
from enrichment.selectors import taxonomy_snapshot
from enrichment.services import paper_enrich
from papers.models import ScorerModel, TopicHit
from tests.factories import PaperFactory, TopicHitFactory
from topics.models import Topic
from topics.services import taxonomy_load

pytestmark = pytest.mark.django_db

# Chemistry "language models" over SMILES strings: not the LLM topic, though they say so.
MOLECULES = (
    "Masked molecular language model over SMILES strings for {what}",
    "We pretrain a chemical language model on SMILES strings of molecules and fine-tune it for "
    "{what}. Atom-level tokenization and scaffold splits improve property prediction on "
    "MoleculeNet for drug discovery.",
)
# Sparse mixture-of-experts routing for speech encoders: not LLM vocabulary at all.
SPEECH = (
    "Load-balanced expert routing in mixture-of-experts encoders for {what}",
    "We study token routing among experts in sparse mixture-of-experts encoders for {what}. "
    "Balanced gating and expert capacity reduce word error rate on LibriSpeech.",
)
WHAT = [
    "toxicity",
    "solubility",
    "binding affinity",
    "reaction yield",
    "blood-brain barrier",
    "lipophilicity",
    "acoustic modelling",
    "accented speech",
    "far-field audio",
    "streaming recognition",
    "code-switched speech",
    "low-resource dialects",
    "HIV activity",
]


@pytest.fixture
def llm():
    taxonomy_load()
    return Topic.objects.get(slug="llm")


def papers_of(kind, whats, category):
    title, abstract = kind
    return [
        PaperFactory(
            title=title.format(what=what),
            abstract=abstract.format(what=what),
            primary_category=category,
            categories=[category, "cs.LG"],
        )
        for what in whats
    ]


def score(topic, kind, what):
    scorer = scorers_active(taxonomy=taxonomy_snapshot())[topic.slug]
    title, abstract = kind
    source = PaperSource(
        arxiv_id="",
        title=title.format(what=what),
        abstract=abstract.format(what=what),
        categories=("cs.LG",),
    )
    return scorer.score(source).confidence


def decide(topic, papers, service, user):
    hits = [TopicHitFactory(paper=paper, topic=topic, confidence=0.5) for paper in papers]
    service(hits=TopicHit.objects.filter(pk__in=[hit.pk for hit in hits]), user=user)


def test_a_scorer_is_trained_from_the_kept_labels_and_versioned(llm):
    first = scorer_train_topic(topic=llm)
    assert (first.version, first.accepted, first.rejected) == (1, 0, 0)
    assert first.labelled >= 200
    assert first.metrics["f1"] > 0.8
    assert scorer_train_topic(topic=llm) is None  # same data: no new version
    assert scorer_train_topic(topic=llm, force=True).version == 2


def test_rejecting_a_kind_of_paper_lowers_similar_new_papers(llm, chief_editor):
    scorer_train_topic(topic=llm)
    before = score(llm, MOLECULES, "melting point")
    decide(llm, papers_of(MOLECULES, WHAT[:12], "cs.LG"), topic_hit_reject, chief_editor)
    retrained = scorer_train_topic(topic=llm)
    assert (retrained.version, retrained.rejected) == (2, 12)
    assert score(llm, MOLECULES, "melting point") < before - 0.2


def test_accepting_a_kind_of_paper_raises_similar_new_papers(llm, chief_editor):
    scorer_train_topic(topic=llm)
    before = score(llm, SPEECH, "children's speech")
    decide(llm, papers_of(SPEECH, WHAT[:12], "cs.CL"), topic_hit_accept, chief_editor)
    retrained = scorer_train_topic(topic=llm)
    assert retrained.accepted == 12
    assert score(llm, SPEECH, "children's speech") > before + 0.2


def test_hits_carry_the_scorer_version_and_retraining_rescores_waiting_ones(llm):
    scorer_train_topic(topic=llm)
    paper = PaperFactory(
        title="Reinforcement learning distillation for reasoning in large language models",
        abstract="We propose to distil chain-of-thought reasoning of a large language model "
        "into a smaller LLM with reinforcement learning, improving math benchmarks.",
    )
    paper_enrich(paper=paper)
    hit = paper.topic_hits.get(topic=llm)
    assert hit.scorer_version == 1
    assert hit.confidence >= 0.8
    assert hit.evidence
    assert hit.reason == (
        "提出面向 reasoning in large language models 的 Reinforcement learning distillation，"
        "属语言大模型中的推理方向。"
    )
    evidence, reason = hit.evidence, hit.reason
    hedged = reason.replace("，属", "，可能属")  # as composed when it scored 0.31
    TopicHit.objects.filter(pk=hit.pk).update(confidence=0.31, evidence=["stale"], reason=hedged)
    scorer_train_topic(topic=llm, force=True)
    hit.refresh_from_db()
    assert (hit.scorer_version, hit.confidence >= 0.8) == (2, True)
    assert (hit.evidence, hit.reason) == (evidence, reason)
    assert hit.history.count() == 2  # created, then re-scored by version 2


def test_retraining_drops_what_the_offline_backend_would_no_longer_suggest(llm, chief_editor):
    """Once editors have rejected a kind of paper, a waiting offline hit of that kind goes
    (below the floor), as re-enriching the paper would drop it; an LLM's proposal stays,
    re-scored, with the LLM's own reason."""
    scorer_train_topic(topic=llm)
    offline, proposed = papers_of(MOLECULES, ["melting point", "odour"], "cs.LG")
    composed = reason_compose(
        title=offline.title,
        abstract=offline.abstract,
        topic=taxonomy_snapshot().topic("llm"),
        subtopic=None,
    )
    TopicHitFactory(paper=offline, topic=llm, confidence=0.8, reason=composed)
    kept = TopicHitFactory(paper=proposed, topic=llm, confidence=0.8, proposed_confidence=0.9)
    decide(llm, papers_of(MOLECULES, WHAT, "cs.LG"), topic_hit_reject, chief_editor)
    scorer_train_topic(topic=llm)
    assert not offline.topic_hits.exists()
    assert TopicHit.history.filter(paper_id=offline.pk, history_type="-").exists()
    kept.refresh_from_db()
    assert kept.confidence < SUGGEST_FLOOR and kept.reason == "标题提到大语言模型"


def test_editor_verdicts_fill_the_reliability_table(llm, chief_editor):
    sure = TopicHitFactory(topic=llm, confidence=0.9)
    unsure = TopicHitFactory(topic=llm, confidence=0.3)
    topic_hit_accept(hits=TopicHit.objects.filter(pk=sure.pk), user=chief_editor)
    topic_hit_reject(hits=TopicHit.objects.filter(pk=unsure.pk), user=chief_editor)
    bands = {band.low: (band.hits, band.right) for band in topic_reliability(topic=llm)}
    assert bands[0.8] == (1, 1)
    assert bands[0.2] == (1, 0)


def test_the_default_threshold_follows_the_reliability_table_until_an_editor_sets_one(llm):
    model = scorer_train_topic(topic=llm)
    llm.refresh_from_db()
    assert llm.confidence_threshold == model.threshold
    Topic.objects.filter(pk=llm.pk).update(confidence_threshold=0.7)
    scorer_train_topic(topic=llm, force=True)
    llm.refresh_from_db()
    assert llm.confidence_threshold == 0.7


def test_a_scorer_from_another_library_version_is_not_loaded(llm):
    scorer_train_topic(topic=llm)
    ScorerModel.objects.update(library="0.0")
    assert scorers_active(taxonomy=taxonomy_snapshot()) == {}
