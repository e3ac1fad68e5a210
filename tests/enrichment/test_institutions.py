import pytest

from enrichment.services import institution_resolve
from papers.models import Institution
from tests.factories import InstitutionFactory

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
    assert tsinghua.name_zh == "清华大学"
    assert institution_resolve(name="Tsinghua University", name_zh="别的名字").name_zh == "清华大学"


def test_overlong_affiliation_is_cut_to_the_field_size_and_still_found_again():
    name = "Department of Something, " * 20
    institution = institution_resolve(name=name)
    assert len(institution.name) <= 300
    assert institution_resolve(name=name) == institution
    assert Institution.objects.count() == 1
