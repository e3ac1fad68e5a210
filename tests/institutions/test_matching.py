"""Splitting affiliation lines and matching organisations against the shipped registry."""

import time
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from papers.institutions import Organisation, Registry, registry_get
from papers.institutions.loading import curated_read
from papers.institutions.names import ascii_fold, name_key, simplified


@pytest.fixture(scope="module")
def registry() -> Registry:
    return registry_get()


def names_in(registry: Registry, line: str) -> list[str | None]:
    return [
        m.organisation.name if m.organisation else None for m in registry.organisations_in(line)
    ]


def test_a_department_line_gives_its_university_only(registry):
    line = "Dept. of Computer Science, Tsinghua Univ., Beijing 100084, China"
    assert names_in(registry, line) == ["Tsinghua University"]


def test_abbreviations_are_spelled_out(registry):
    assert registry.match("Georgia Inst. of Tech.").name == "Georgia Institute of Technology"
    assert registry.match("Univ. of Toronto").name == "University of Toronto"


def test_acronyms_and_company_labs_mean_the_organisation_a_paper_most_likely_means(registry):
    expected = {
        "MIT": "Massachusetts Institute of Technology",
        "CAS": "Chinese Academy of Sciences",
        "KAIST": "Korea Advanced Institute of Science and Technology",
        "UCAS": "University of Chinese Academy of Sciences",
        "ICSI": "International Computer Science Institute",
        "Google DeepMind": "Google DeepMind (United Kingdom)",
        "Alibaba Group": "Alibaba Group (China)",
        "Tencent AI Lab": "Tencent (China)",
        "Microsoft Research": "Microsoft (United States)",
        "Meta AI": "Meta (United States)",
        "LLM-Core Xiaomi": "Xiaomi",
    }
    assert {text: registry.match(text).name for text in expected} == expected


def test_the_country_in_the_line_settles_an_ambiguous_acronym(registry):
    assert names_in(registry, "CAS, Prague, Czech Republic") == ["Czech Academy of Sciences"]


def test_diacritics_and_french_spelling_match(registry):
    assert registry.match("Universidade da Coruna").name == "Universidade da Coruña"
    assert registry.match("University of Toulouse").name == "Université de Toulouse"


def test_word_order_is_swapped_only_when_the_registry_has_the_other_form(registry):
    assert registry.match("University of Tsinghua").name == "Tsinghua University"
    assert registry.match("University of Nowhereville") is None


def test_chinese_written_affiliations_match(registry):
    assert registry.match("清华大学计算机科学与技术系").name == "Tsinghua University"
    assert registry.match("香港理工大學").name_zh == "香港理工大学"


def test_traditional_chinese_names_are_shown_simplified(registry):
    assert simplified("香港理工大學") == "香港理工大学"
    assert registry.match("Hong Kong Polytechnic University").name_zh == "香港理工大学"


def test_marks_emails_notes_and_places_never_become_institutions(registry):
    line = "∗Equal contribution. 1 UC Berkeley 2 ICSI {a.b, c}@berkeley.edu, Berkeley, CA, USA"
    assert names_in(registry, line) == [
        "University of California, Berkeley",
        "International Computer Science Institute",
    ]


@pytest.mark.parametrize(
    "line",
    ["Guo et al.", "[12]", "Lin et al. (2023)", "jane.doe@tsinghua.edu.cn", "Ashish Vaswani"],
)
def test_citations_emails_and_person_names_are_not_institutions(registry, line):
    assert registry.organisations_in(line) == []


def test_an_unmatched_organisation_is_kept_for_editors(registry):
    matches = registry.organisations_in("Wiqonn Technologies, Colombia")
    assert [(m.text, m.organisation) for m in matches] == [("Wiqonn Technologies", None)]


def test_a_unit_named_with_its_university_gives_the_university(registry):
    line = "The Northwestern Institute on Complex Systems (NICO), Northwestern University, USA"
    assert names_in(registry, line) == ["Northwestern University"]


def test_extra_organisations_from_editors_win_and_are_found(registry):
    extra = Organisation(key="editor:1", name="Spiffy AI", country="US", types=("company",))
    widened = registry.with_extra([extra])
    assert widened.match("Spiffy AI") == extra
    assert registry.match("Spiffy AI") is None


def test_every_preferred_acronym_and_curated_entry_resolves(registry):
    organisations, preferred = curated_read()
    assert all(registry.get(key) is not None for key in preferred.values())
    assert all(org.key.startswith("curated:") and not org.ror_id for org in organisations)


def test_matching_one_affiliation_takes_well_under_ten_milliseconds(registry):
    line = "Department of Chemical & Biological Engineering, Northwestern University, USA"
    start = time.perf_counter()
    for _ in range(100):
        registry.organisations_in(line)
    assert (time.perf_counter() - start) / 100 < 0.005


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_the_normal_form_is_stable_and_ascii(text):
    key = name_key(text)
    assert name_key(key) == key
    assert key == key.strip()


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40) | st.text(alphabet="aeiouAEIOU ñÑéÉøØßİıǅﬁ’\u0301\u0308", max_size=20))
def test_folding_takes_the_short_way_only_when_it_gives_the_same_text(text):
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    assert ascii_fold(text) == "".join(c for c in decomposed if not unicodedata.combining(c))
