import pytest

from enrichment.institutions import (
    institution_from_match,
    institution_resolve,
    institutions_registry,
)
from enrichment.services import paper_source_get
from papers.institutions import InstitutionMatch
from papers.models import FrontMatter, Institution
from tests.factories import InstitutionFactory, PaperFactory

pytestmark = pytest.mark.django_db


def test_spellings_resolve_to_one_institution_and_aliases_are_followed():
    first = institution_resolve(name="Univ. of Oxford,")
    assert institution_resolve(name="  univ of   oxford ") == first
    oxford = InstitutionFactory(name="University of Oxford")
    oxford.aliases.create(name="Oxford Univ")
    assert institution_resolve(name="OXFORD UNIV.") == oxford
    assert institution_resolve(name=" ;, ") is None


def test_chinese_name_fills_only_an_empty_one():
    tsinghua = institution_resolve(name="Tsinghua University", name_zh="清华大学")
    assert (tsinghua.name_zh, tsinghua.name_zh_source) == ("清华大学", "machine")
    assert institution_resolve(name="Tsinghua University", name_zh="别的名字").name_zh == "清华大学"


def test_overlong_affiliation_is_cut_to_the_field_size_and_still_found_again():
    name = "Department of Something, " * 20
    institution = institution_resolve(name=name)
    assert len(institution.name) <= 300
    assert institution_resolve(name=name) == institution
    assert Institution.objects.count() == 1


def matched(text: str, name_zh: str = "") -> Institution:
    match = InstitutionMatch(text, institutions_registry().match(text))
    return institution_from_match(match=match, name_zh=name_zh)


def test_a_registry_match_is_stored_with_its_ror_id_country_and_chinese_name():
    tsinghua = matched("Tsinghua Univ.", name_zh="机器的名字")
    assert (tsinghua.name, tsinghua.source, tsinghua.ror_id) == (
        "Tsinghua University",
        Institution.Source.ROR,
        "03cve4549",
    )
    assert (tsinghua.country, tsinghua.name_zh, tsinghua.name_zh_source) == (
        "CN",
        "清华大学",
        "ror",
    )
    assert matched("THU") == tsinghua
    assert Institution.objects.count() == 1


def test_an_editors_chinese_name_wins_over_ror_and_the_machine_fills_only_an_empty_one():
    InstitutionFactory(name="Tsinghua University", name_zh="清华", name_zh_source="editor")
    assert matched("Tsinghua University").name_zh == "清华"
    oxford = matched("Univ. of Oxford", name_zh="牛津大学")  # ROR has no Chinese label
    assert (oxford.name_zh, oxford.name_zh_source) == ("牛津大学", "machine")
    assert matched("University of Oxford", name_zh="另一个").name_zh == "牛津大学"


def test_an_unmatched_string_is_kept_for_editors_and_becomes_the_registry_record_later():
    waiting = InstitutionFactory(name="University of Oxford")  # left unmatched earlier
    assert waiting.source == Institution.Source.UNMATCHED
    oxford = matched("Oxford University")
    assert oxford.pk == waiting.pk
    assert (oxford.source, oxford.ror_id) == (Institution.Source.ROR, "052gg0110")
    nowhere = institution_from_match(match=InstitutionMatch("Lab of Nowhere", None))
    assert nowhere.source == Institution.Source.UNMATCHED


def test_institutions_editors_add_are_matched_by_name_and_alias():
    mine = InstitutionFactory(name="Quantum Widgets Institute", source=Institution.Source.EDITOR)
    mine.aliases.create(name="QWI Labs")
    assert matched("QWI Labs") == mine
    assert matched("Quantum Widgets Institute") == mine


def test_the_llm_prompt_gets_the_papers_own_front_matter():
    paper = PaperFactory()
    assert paper_source_get(paper=paper).first_page_text == ""
    FrontMatter.objects.create(
        paper=paper,
        version=1,
        state=FrontMatter.State.DONE,
        lines=["Dept. of CS, Tsinghua University"],
        text="A paper\nAlice, Bob",
    )
    text = paper_source_get(paper=paper).first_page_text
    assert text == "Dept. of CS, Tsinghua University\nA paper\nAlice, Bob"
