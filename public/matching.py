"""How search words and institution names match papers: the text rules of PaperQuery."""

import operator
import re
import unicodedata
from functools import reduce

from django.contrib.postgres.search import SearchQuery, SearchVectorExact, SearchVectorField
from django.db.models import Exists, F, OuterRef, Q, QuerySet, TextField, Value
from django.db.models.functions import Coalesce
from django.db.models.lookups import IRegex

from papers.arxiv_ids import InvalidArxivId, arxiv_id_parse
from papers.models import (
    Institution,
    InstitutionAlias,
    PaperInstitution,
    institution_name_normalize,
    ror_id_parse,
)

# Han characters: such a query is matched against the Chinese text, anything else as English.
HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


# Between Chinese search terms: whitespace (the ideographic space too) and punctuation, but
# not what joins one term (GPT-4, 3.5, C#, A/B).
_ZH_TERM_SEPARATOR = re.compile(
    r"""[\s,;:!?'"()\[\]{}<>\u2010-\u206f\u3000-\u303f\ufe30-\ufe4f]+"""
)
# Inside a word: -, and the Unicode hyphens and minus people paste from PDFs.
_HYPHENS = re.compile(r"(?<=\w)[\u2010\u2011\u2012\u2013\u2212\ufe63-](?=\w)")
_HYPHENATED = re.compile(r"(?<!\w)\w+(?:-\w+)+")


def search_text_normalize(text: str) -> str:
    """How people type, folded: full-width letters, digits, spaces and punctuation (NFKC),
    ligatures from PDFs, and every kind of hyphen inside a word as `-`."""
    return _HYPHENS.sub("-", unicodedata.normalize("NFKC", text)).strip()


def websearch_hyphens_spaced(text: str) -> str:
    """`retrieval-augmented` as the phrase `"retrieval augmented"` (websearch syntax).

    PostgreSQL's english parser indexes "retrieval-augmented" as the compound
    'retrieval-aug' followed by its parts 'retriev' 'augment'; websearch_to_tsquery turns the
    hyphenated query into all three in a row, which text spelled "Retrieval Augmented" lacks.
    The phrase of the parts ('retriev' <-> 'augment') matches both spellings, and a spaced
    query already matched both. Inside quotes (a phrase already) a hyphen becomes a space.
    """
    parts = text.split('"')
    for n, part in enumerate(parts):
        if n % 2:
            parts[n] = part.replace("-", " ")
        else:
            parts[n] = _HYPHENATED.sub(lambda m: '"' + m[0].replace("-", " ") + '"', part)
    return '"'.join(parts)


def searched_arxiv_id(text: str) -> str | None:
    """The arXiv id (without version) that search text names in any written form (an
    abs or pdf URL, `arXiv:` prefix, full-width digits), or None when it names none."""
    try:
        return arxiv_id_parse(search_text_normalize(text)).id
    except InvalidArxivId:
        return None


def paper_text_q(*, text: str, vendor: str, indexed: bool = True) -> Q:
    """The one text-matching rule, for the site's search and the API's `q`: an arXiv id in
    any written form finds that paper; Han characters match the public Chinese text
    (`Paper.search_zh`, what pages show), every term (split at spaces and punctuation,
    full-width or not) as a case-insensitive substring; other words match title, abstract
    and authors through the stored English tsvector, hyphenated and spaced spellings alike.

    Each query uses exactly one index, never an OR of them, so a million papers stay fast:
    `search_vector @@ websearch_to_tsquery(...)` is answered by the tsvector's GIN index
    whatever phrases the query holds (positions are checked on the rows it finds), and each
    `search_zh ~* 'term'` by the pg_trgm GIN index (a regular expression of a literal is
    trigram-indexable; Django's icontains would wrap the column in UPPER() and scan).
    `indexed=False` (PostgreSQL): the same match, written so that no text index can answer
    it, for when another condition already names a few papers (one institution's) and
    checking each of them costs less than the text index's every match.
    SQLite (`make run`) has neither index and falls back to case-insensitive substrings.
    """
    if (arxiv_id := searched_arxiv_id(text)) is not None:
        return Q(arxiv_id=arxiv_id)
    text = search_text_normalize(text)
    if HAN.search(text):
        terms = [term for term in _ZH_TERM_SEPARATOR.split(text) if term]
        if not indexed and vendor == "postgresql":
            zh = Coalesce(F("search_zh"), Value(""), output_field=TextField())
            return Q(*(IRegex(zh, re.escape(term)) for term in terms))
        return Q(*(Q(search_zh__iregex=re.escape(term)) for term in terms))
    if vendor == "postgresql":
        query = SearchQuery(
            websearch_hyphens_spaced(text), config="english", search_type="websearch"
        )
        if not indexed:
            empty = Value("", output_field=SearchVectorField())
            return Q(SearchVectorExact(Coalesce(F("search_vector"), empty), query))
        return Q(search_vector=query)
    spellings = dict.fromkeys((text, text.replace("-", " "), text.replace(" ", "-")))
    return reduce(
        operator.or_,
        (
            Q(title__icontains=words)
            | Q(abstract__icontains=words)
            | Q(authors_text__icontains=words)
            for words in spellings
        ),
    )


# An institution with at most this many paper links: its papers' ids go into the query.
INSTITUTION_PAPERS_LISTED = 2_000


def institution_papers_q(text: str) -> tuple[Q, bool]:
    """The papers linked to the institutions named `text` (institutions_named), and whether
    they are few: at most INSTITUTION_PAPERS_LISTED links. Few, the Q lists their ids, and a
    text condition costs less checked on each of them (paper_text_q(indexed=False)) than
    looked up among every paper its words match; else it is an EXISTS on their links. The
    institutions' ids are read first (one query): with literal ids the planner sees how few
    papers they have."""
    named = list(institutions_named(text).values_list("pk", flat=True))
    linked = PaperInstitution.objects.filter(institution_id__in=named).order_by()
    ids = list(linked.values_list("paper_id", flat=True)[: INSTITUTION_PAPERS_LISTED + 1])
    if len(ids) <= INSTITUTION_PAPERS_LISTED:
        return Q(pk__in=ids), True
    return Q(Exists(linked.filter(paper=OuterRef("pk")))), False


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
