"""How search words and institution names match papers: the text rules of PaperQuery."""

import re

from django.contrib.postgres.search import SearchQuery
from django.db.models import Exists, OuterRef, Q, QuerySet

from papers.arxiv_ids import InvalidArxivId, arxiv_id_parse
from papers.models import Institution, InstitutionAlias, institution_name_normalize, ror_id_parse

# Han characters: such a query is matched against the Chinese text, anything else as English.
HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def paper_text_q(*, text: str, vendor: str) -> Q:
    """The one text-matching rule: an arXiv id finds that paper; Han characters match the
    public Chinese text (`Paper.search_zh`, what pages show) by substring (pg_trgm GIN); other
    words match title, abstract and authors through the stored English tsvector (GIN).

    Each query uses exactly one index, never an OR of them, so a million papers stay fast.
    SQLite (`make run`) has neither index and falls back to case-insensitive substrings.
    """
    text = text.strip()
    try:
        return Q(arxiv_id=arxiv_id_parse(text).id)
    except InvalidArxivId:
        pass
    if HAN.search(text):
        return Q(search_zh__contains=text)
    if vendor == "postgresql":
        return Q(search_vector=SearchQuery(text, config="english", search_type="websearch"))
    return Q(title__icontains=text) | Q(abstract__icontains=text) | Q(authors_text__icontains=text)


def institutions_named(text: str) -> QuerySet[Institution]:
    """Institutions whose English or Chinese name, normalized name, or an alias (as written
    or normalized) contains `text`: "MIT", "麻省理工" and "Massachusetts Inst. of Tech." alike;
    a ROR id or URL ("03cve4549", "https://ror.org/03cve4549") is that institution exactly."""
    if ror_id := ror_id_parse(text):
        return Institution.objects.filter(ror_id=ror_id)
    normalized = institution_name_normalize(text)
    names = Q(name__icontains=text) | Q(name_zh__icontains=text)
    alias_names = Q(name__icontains=text)
    if normalized:
        names |= Q(normalized_name__contains=normalized)
        alias_names |= Q(normalized_name__contains=normalized)
    aliases = InstitutionAlias.objects.filter(alias_names, institution=OuterRef("pk"))
    return Institution.objects.filter(names | Exists(aliases))
