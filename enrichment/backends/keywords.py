"""Taxonomy keywords found in a paper's text: the evidence the offline backend shows editors."""

import re
from functools import lru_cache

from enrichment.backends.taxonomy import SubtopicSpec, TopicSpec


@lru_cache(maxsize=4096)
def _term_pattern(term: str) -> re.Pattern:
    """The whole term, plural too: "language model" matches "Large Language Models"."""
    return re.compile(rf"(?<![a-z0-9]){re.escape(term.lower())}(?:e?s)?(?![a-z0-9])")


def terms_found(terms: tuple[str, ...], text: str) -> list[str]:
    """The terms found in `text` (lower-cased by the caller), less those inside a longer term
    found ("model" in "language model"), so one phrase is not counted twice as evidence."""
    found = [term for term in terms if term.strip() and _term_pattern(term).search(text)]
    return [term for term in found if not any(term != other and term in other for other in found)]


def subtopic_by_keywords(
    topic: TopicSpec, title: str, abstract: str
) -> tuple[SubtopicSpec | None, list[str]]:
    """The subtopic with most keyword evidence (a title match counts thrice) and its terms;
    (None, []) when no subtopic keyword occurs. `title` and `abstract` lower-cased."""
    best, best_terms, best_score = None, [], 0
    for sub in topic.subtopics:
        in_title = terms_found(sub.keywords, title)
        terms = terms_found(sub.keywords, f"{title}\n{abstract}")
        score = 2 * len(in_title) + len(terms)
        if score > best_score:
            best, best_terms, best_score = sub, terms, score
    return best, best_terms
