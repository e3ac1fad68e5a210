"""The offline backend on real arXiv records, with the shipped taxonomy."""

import pytest

from enrichment.backends.offline import abstract_sentences, summary_en_extract
from enrichment.services import Outcome, paper_enrich
from papers.models import Institution, PaperInstitution, ZhState
from tests.enrichment.arxiv_records import AFFILIATIONS, LISTING, paper_create, records
from tests.factories import InstitutionFactory
from topics.services import taxonomy_load

pytestmark = pytest.mark.django_db


@pytest.fixture
def listing():
    taxonomy_load()
    return {record["arxiv_id"]: record for record in records(LISTING)}


def enriched(record):
    paper = paper_create(record)
    outcome = paper_enrich(paper=paper)
    paper.refresh_from_db()
    return paper, outcome


def hits_of(paper):
    return {
        (hit.topic.slug, hit.subtopic.slug if hit.subtopic else None): hit
        for hit in paper.topic_hits.select_related("topic", "subtopic")
    }


def test_llm_paper_gets_an_llm_hit_with_a_sentence_and_its_evidence(listing):
    # "Turning the TIDE: Cross-Architecture Distillation for Diffusion Large Language Models"
    paper, outcome = enriched(listing["2604.26951"])
    assert outcome.outcome == Outcome.DONE
    hit = hits_of(paper)[("llm", "efficiency")]
    assert hit.reason == (
        "提出面向 Diffusion Large Language Models 的 Cross-Architecture Distillation，"
        "属语言大模型中的高效推理与压缩方向。"
    )
    assert {"large language model", "distillation", "cs.CL"} <= set(hit.evidence)
    assert hit.origin == "machine"
    assert hit.review_state == "suggested"
    # Title keyword, abstract keyword, primary category and a subtopic term: strong evidence.
    assert hit.confidence >= 0.7


def test_weaker_evidence_gives_lower_confidence(listing):
    strong, _ = enriched(listing["2604.26951"])
    # ClawGym mentions "LLM" only in its abstract.
    weak, _ = enriched(listing["2604.26904"])
    (weak_hit,) = [hit for key, hit in hits_of(weak).items() if key[0] == "llm"]
    (strong_hit,) = hits_of(strong).values()
    assert weak_hit.confidence < strong_hit.confidence
    assert weak_hit.subtopic.slug == "agents"  # "Claw Agents" in the title


def test_papers_outside_every_topic_get_no_hit(listing):
    # An oscillator review in eess.SP and a note on a regret bound.
    for arxiv_id in ("2604.26903", "2604.26926"):
        paper, outcome = enriched(listing[arxiv_id])
        assert outcome.outcome == Outcome.DONE
        assert not paper.topic_hits.exists()


def test_exclude_keyword_vetoes_the_topic(listing):
    from topics.models import Topic

    Topic.objects.filter(slug="llm").update(exclude_keywords=["diffusion"])
    paper, _ = enriched(listing["2604.26951"])
    assert "llm" not in {slug for slug, _ in hits_of(paper)}


def test_category_outside_the_topic_sources_gives_no_hit(listing):
    from topics.models import Topic

    Topic.objects.filter(slug="llm").update(categories=["cs.CV"])
    paper, _ = enriched(listing["2604.26951"])
    assert not paper.topic_hits.filter(topic__slug="llm").exists()


def test_chinese_fields_stay_missing_and_english_summary_is_extractive(listing):
    record = listing["2604.26951"]
    paper, _ = enriched(record)
    for field in ("title", "summary", "abstract"):
        assert paper.zh(field).state == ZhState.MISSING
        assert paper.zh(field).value == ""
    sentences = abstract_sentences(record["abstract"])
    taken = [sentence for sentence in sentences if sentence in paper.summary_en]
    # Only whole sentences of the abstract, in their order, the first one included.
    assert paper.summary_en == " ".join(taken)
    assert taken[0] == sentences[0]
    assert len(taken) == 3 < len(sentences)


def test_sentence_split_keeps_latex_math_and_abbreviations_whole():
    abstract = (
        "We bound $f(x) = 1.5 x$ on\n  $\\mathbb{R}$. Prior work, e.g. Smith et al. 2020, "
        "did not. Results improve by 3.5 points."
    )
    assert abstract_sentences(abstract) == [
        "We bound $f(x) = 1.5 x$ on $\\mathbb{R}$.",
        "Prior work, e.g. Smith et al. 2020, did not.",
        "Results improve by 3.5 points.",
    ]
    assert summary_en_extract(abstract, max_sentences=2) == (
        "We bound $f(x) = 1.5 x$ on $\\mathbb{R}$. Results improve by 3.5 points."
    )


def test_institutions_from_arxiv_affiliations_are_normalised(db):
    taxonomy_load()
    cfa = InstitutionFactory(name="Center for Astrophysics | Harvard & Smithsonian")
    cfa.aliases.create(name="CfA")
    InstitutionFactory(name="Ohio State")
    (record,) = records(AFFILIATIONS)
    paper, _ = enriched(record)
    links = list(paper.paper_institutions.select_related("institution"))
    # CfA is in ROR: the editors' record of it becomes the registry's, with ROR's name.
    assert [link.institution.name for link in links] == [
        "Ohio State",
        "Center for Astrophysics Harvard & Smithsonian",
        "Warsaw University Observatory",
    ]
    assert Institution.objects.get(pk=cfa.pk).ror_id == "03c3r2d17"
    assert {link.origin for link in links} == {PaperInstitution.Origin.ARXIV}
    # Two authors from Ohio State: one institution, no duplicate records.
    assert Institution.objects.count() == 3
    assert [a.institution.name for a in paper.authors.select_related("institution")][:2] == [
        "Ohio State",
        "Ohio State",
    ]


def test_editing_topic_keywords_reruns_offline_matching(listing):
    from topics.models import Topic

    paper, _ = enriched(listing["2604.26903"])  # the oscillator review: no topic at first
    assert not paper.topic_hits.exists()
    assert paper_enrich(paper=paper).outcome == Outcome.CACHED
    Topic.objects.filter(slug="llm").update(
        categories=["eess.SP"], include_keywords=["oscillators"]
    )
    assert paper_enrich(paper=paper).outcome == Outcome.DONE
    assert paper.topic_hits.get().evidence[0] == "oscillators"
