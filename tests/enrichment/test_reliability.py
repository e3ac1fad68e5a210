"""What counts as editors' evidence about confidences: the bulk-accept threshold read from
score bands, and only a person's verdicts as decisions."""

import pytest

from enrichment.backends.reliability import bands_tally, threshold_from_bands
from enrichment.curation.selectors import decisions_list, topic_reliability
from papers.models import TopicHit
from tests.factories import PaperFactory, TopicFactory, TopicHitFactory, UserFactory


def test_empty_bands_do_not_lower_the_threshold():
    assert threshold_from_bands(bands_tally([(0.9, True)] * 12)) == 0.8


def test_a_wrong_hit_far_below_stops_the_threshold_above_it():
    assert threshold_from_bands(bands_tally([(0.9, True)] * 12 + [(0.3, False)])) == 0.8


def test_a_few_right_hits_far_below_are_too_little_to_go_down_to():
    assert threshold_from_bands(bands_tally([(0.9, True)] * 12 + [(0.3, True)])) == 0.8


def test_a_band_with_its_own_evidence_lowers_the_threshold():
    verdicts = [(0.9, True)] * 12 + [(0.7, True)] * 9 + [(0.65, False)]
    assert threshold_from_bands(bands_tally(verdicts)) == 0.6


def test_too_few_hits_give_no_threshold():
    assert threshold_from_bands(bands_tally([(0.9, True)] * 4)) is None


@pytest.mark.django_db
def test_only_a_persons_verdicts_are_decisions():
    topic = TopicFactory()
    editor = UserFactory()
    by_editor = TopicHitFactory(
        topic=topic, paper=PaperFactory(), review_state="accepted", reviewed_by=editor
    )
    TopicHitFactory(topic=topic, paper=PaperFactory(), review_state="accepted")  # no one's
    made = TopicHitFactory(
        topic=topic, paper=PaperFactory(), review_state="accepted", origin="editor"
    )

    decided = {decision.source.arxiv_id for decision in decisions_list(topic=topic)}

    assert decided == {by_editor.paper.arxiv_id, made.paper.arxiv_id}
    assert sum(band.hits for band in topic_reliability(topic=topic)) == 1
    assert TopicHit.objects.filter(topic=topic).count() == 3
