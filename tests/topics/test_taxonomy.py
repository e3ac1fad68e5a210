import pytest
from django.utils import translation

from topics.models import Area, Subtopic, Topic
from topics.selectors import area_tree_list, watched_categories_list
from topics.services import taxonomy_load

pytestmark = pytest.mark.django_db


def test_default_taxonomy_has_llm_topic_with_subtopics():
    areas, topics, _ = taxonomy_load()
    assert areas >= 5
    assert topics >= 12
    llm = Topic.objects.get(slug="llm")
    assert llm.area.name_zh == "AI 大模型"
    assert llm.name_zh == "语言大模型"
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


def test_every_shipped_name_and_description_is_in_both_languages():
    taxonomy_load()
    rows = [*Area.objects.all(), *Topic.objects.all(), *Subtopic.objects.all()]
    incomplete = [
        row.slug
        for row in rows
        if not all((row.name_zh, row.name_en, row.description_zh, row.description_en))
    ]
    assert rows
    assert incomplete == []


def test_reloading_fills_texts_a_row_lacks_and_keeps_the_editors():
    taxonomy_load()
    Topic.objects.filter(slug="llm").update(description_zh="", name_zh="编辑起的名字")
    taxonomy_load()
    llm = Topic.objects.get(slug="llm")
    assert llm.description_zh == "大语言模型的训练、对齐、推理、评测与应用。"
    assert llm.name_zh == "编辑起的名字"


@pytest.mark.parametrize(
    ("language", "name", "description"),
    [
        ("zh-hans", "语言大模型", "大语言模型的训练、对齐、推理、评测与应用。"),
        (
            "en",
            "Large language models",
            "Training, alignment, reasoning, evaluation and use of large language models.",
        ),
    ],
)
def test_the_active_language_picks_name_and_description(language, name, description):
    taxonomy_load()
    llm = Topic.objects.get(slug="llm")
    with translation.override(language):
        assert (llm.name, llm.description, str(llm)) == (name, description, name)


def test_a_text_missing_in_one_language_falls_back_to_the_other():
    taxonomy_load()
    Topic.objects.filter(slug="llm").update(description_zh="")
    with translation.override("zh-hans"):
        assert Topic.objects.get(slug="llm").description.startswith("Training, alignment")
