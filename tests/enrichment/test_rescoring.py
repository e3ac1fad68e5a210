"""LLM proposals re-scored by the learned scorers; strong disagreements reach editors first."""

import pytest
from django.urls import reverse

from enrichment.backends.base import Enrichment, HitSuggestion
from enrichment.backends.offline import OfflineBackend, RescoredBackend
from enrichment.curation.selectors import scorers_active
from enrichment.curation.services import scorer_train_topic
from enrichment.selectors import taxonomy_snapshot
from enrichment.services import papers_enrich
from tests.factories import PaperFactory, TopicHitFactory
from topics.models import Topic
from topics.services import taxonomy_load

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:papers_reviewqueuepaper_changelist")


class ProposingLLM:
    """Stands in for the LLM backend: proposes the llm topic at 0.9 for every paper."""

    name, metered, model, provider, prompt_version = "fake", False, "fake", "fake", "p1"
    remote = True

    def __init__(self, taxonomy):
        self.taxonomy = taxonomy

    def enrich(self, source):
        return Enrichment(hits=[HitSuggestion("llm", None, 0.9, "LLM 的理由")])


@pytest.fixture
def rescoring():
    taxonomy_load()
    scorer_train_topic(topic=Topic.objects.get(slug="llm"))
    taxonomy = taxonomy_snapshot()
    offline = OfflineBackend(taxonomy=taxonomy, scorers=scorers_active(taxonomy=taxonomy))
    return RescoredBackend(ProposingLLM(taxonomy), offline)


def test_llm_proposals_get_the_scorers_confidence_and_keep_their_own(rescoring):
    llm_paper = PaperFactory(
        title="Aligning large language models with direct preference optimization",
        abstract="We propose a DPO variant for LLM alignment that improves instruction following.",
    )
    vision = "Real-time object detection for drones with YOLO"
    vision_paper = PaperFactory(
        title=vision,
        abstract=f"{vision}: a light convolutional detector.",
        primary_category="cs.CV",
    )
    papers_enrich(papers=[llm_paper, vision_paper], backend=rescoring)
    agreed = llm_paper.topic_hits.get()
    disputed = vision_paper.topic_hits.get()
    assert (agreed.proposed_confidence, disputed.proposed_confidence) == (0.9, 0.9)
    assert agreed.confidence >= 0.8
    assert disputed.confidence < 0.4
    assert disputed.reason == "LLM 的理由"  # the LLM's own sentence is kept
    assert agreed.scorer_version == disputed.scorer_version == 1


def test_the_queue_shows_strong_disagreements_first(client, editor, rescoring):
    topic = Topic.objects.get(slug="llm")
    confident = TopicHitFactory(topic=topic, confidence=0.95).paper
    disputed = TopicHitFactory(topic=topic, confidence=0.2, proposed_confidence=0.9).paper
    mild = TopicHitFactory(topic=topic, confidence=0.5, proposed_confidence=0.7).paper
    client.force_login(editor)
    response = client.get(QUEUE)
    assert list(response.context["cl"].result_list) == [disputed, confident, mild]
    assert "(LLM 0.90)" in response.content.decode()
