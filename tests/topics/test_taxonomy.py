import pytest

from topics.models import Subtopic, Topic
from topics.selectors import area_tree_list, watched_categories_list
from topics.services import taxonomy_load

pytestmark = pytest.mark.django_db


def test_default_taxonomy_has_llm_topic_with_subtopics():
    areas, topics, _ = taxonomy_load()
    assert areas >= 5
    assert topics >= 12
    llm = Topic.objects.get(slug="llm")
    assert llm.area.name_zh == "AI 大模型"
    assert llm.name_zh == "语言大模型 / LLM"
    assert llm.categories == ["cs.CL", "cs.AI", "cs.LG"]
    assert {
        "pretraining",
        "instruction-tuning",
        "alignment",
        "reasoning",
        "evaluation",
        "agents",
        "efficiency",
    } <= set(Subtopic.objects.filter(topic=llm).values_list("slug", flat=True))


def test_reloading_taxonomy_keeps_editor_changes():
    taxonomy_load()
    Topic.objects.filter(slug="llm").update(confidence_threshold=0.9)
    taxonomy_load()
    assert Topic.objects.get(slug="llm").confidence_threshold == 0.9
    assert Topic.objects.filter(slug="llm").count() == 1


def test_area_tree_loads_in_three_queries(django_assert_num_queries):
    taxonomy_load()
    with django_assert_num_queries(3):
        tree = [
            (a, [(t, list(t.subtopics.all())) for t in a.topics.all()]) for a in area_tree_list()
        ]
    assert tree


def test_watched_categories_cover_all_active_topics():
    taxonomy_load()
    Topic.objects.filter(slug="astrophysics").update(is_active=False)
    watched = watched_categories_list()
    assert {"cs.CL", "cs.AI", "cs.LG", "hep-ex"} <= set(watched)
    assert "astro-ph.GA" not in watched
