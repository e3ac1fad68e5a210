"""Enrichment without a network: keyword and category evidence, extractive English summary.

It never writes Chinese text: the Chinese fields stay missing until an LLM or an editor fills
them. Reasons are Chinese template text around the matched English terms, not translations.
"""

import re

from enrichment.backends.base import Enrichment, HitSuggestion, PaperSource
from enrichment.backends.taxonomy import SubtopicSpec, Taxonomy, TopicSpec

# Bump when the matching rules change, so cached offline results are recomputed.
OFFLINE_VERSION = "1"

MAX_CONFIDENCE = 0.95


def _term_pattern(term: str) -> re.Pattern:
    """The whole term, plural too: "language model" matches "Large Language Models"."""
    return re.compile(rf"(?<![a-z0-9]){re.escape(term.lower())}(?:e?s)?(?![a-z0-9])")


def _matches(terms: tuple[str, ...], text: str) -> list[str]:
    """The terms found in text, less those inside a longer term found ("model" in "language
    model"), so one phrase is not counted twice as evidence."""
    found = [term for term in terms if term.strip() and _term_pattern(term).search(text)]
    return [term for term in found if not any(term != other and term in other for other in found)]


def _quoted(terms: list[str]) -> str:
    return "".join(f"“{term}”" for term in terms)


class OfflineBackend:
    name = "offline"
    metered = False
    model = "offline"
    provider = "offline"

    def __init__(self, *, taxonomy: Taxonomy):
        self.taxonomy = taxonomy
        # Offline results depend on the keywords, so a taxonomy edit invalidates the cache.
        self.prompt_version = f"off{OFFLINE_VERSION}-{taxonomy.fingerprint}"

    def enrich(self, source: PaperSource) -> Enrichment:
        hits = [hit for topic in self.taxonomy.topics if (hit := self._topic_hit(topic, source))]
        return Enrichment(hits=hits)

    def _topic_hit(self, topic: TopicSpec, source: PaperSource) -> HitSuggestion | None:
        """One hit per topic: its include keywords must match and none of its exclude keywords.

        Confidence grows with the evidence: keywords in the title count most, then keywords in
        the abstract, a primary category among the topic's signal sources, subtopic keywords.
        """
        title, abstract = source.title.lower(), source.abstract.lower()
        shared = [cat for cat in source.categories if cat in topic.categories]
        if topic.categories and not shared:
            return None
        if _matches(topic.exclude_keywords, f"{title}\n{abstract}"):
            return None
        in_title = _matches(topic.include_keywords, title)
        in_abstract = [t for t in _matches(topic.include_keywords, abstract) if t not in in_title]
        if not in_title and not in_abstract:
            return None
        subtopic, sub_terms = self._best_subtopic(topic, title, abstract)
        primary = bool(shared) and source.categories[0] == shared[0]
        confidence = (
            0.25
            + 0.2 * min(len(in_title), 2)
            + 0.1 * min(len(in_abstract), 3)
            + (0.15 if primary else 0.1 if shared else 0.0)
            + 0.05 * min(len(sub_terms), 2)
        )
        reasons = []
        if in_title:
            reasons.append(f"标题含{_quoted(in_title)}")
        if in_abstract:
            reasons.append(f"摘要含{_quoted(in_abstract)}")
        if subtopic:
            reasons.append(f"子专题关键词{_quoted(sub_terms)}")
        if shared:
            reasons.append(f"分类 {', '.join(shared)} 属于本专题信号源")
        return HitSuggestion(
            topic=topic.slug,
            subtopic=subtopic.slug if subtopic else None,
            confidence=round(min(confidence, MAX_CONFIDENCE), 2),
            reason="；".join(reasons) + "（关键词匹配）",
        )

    @staticmethod
    def _best_subtopic(
        topic: TopicSpec, title: str, abstract: str
    ) -> tuple[SubtopicSpec | None, list[str]]:
        """The subtopic with most keyword evidence, a title match counting thrice."""
        best, best_terms, best_score = None, [], 0
        for sub in topic.subtopics:
            in_title = _matches(sub.keywords, title)
            terms = _matches(sub.keywords, f"{title}\n{abstract}")
            score = 2 * len(in_title) + len(terms)
            if score > best_score:
                best, best_terms, best_score = sub, terms, score
        return best, best_terms


# Inline math may hold full stops; it is masked while sentences are split.
_MATH = re.compile(r"\$[^$]+\$")
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'(\[])")
_ABBREVIATION = re.compile(r"\b(?:e\.g|i\.e|et al|cf|Fig|Eq|vs|resp)\.$")
_CUES = re.compile(
    r"\b(?:we (?:propose|present|introduce|show|find|demonstrate)|results?|outperform\w*|"
    r"achiev\w*|improv\w*|state-of-the-art)\b",
    re.IGNORECASE,
)
# Sentences about links, code and videos say nothing about the paper's content.
_BOILERPLATE = re.compile(r"https?://|github|\bcode\b|\bvideo\b|available", re.IGNORECASE)


def abstract_sentences(abstract: str) -> list[str]:
    """The abstract's sentences, with hard line breaks joined and LaTeX math left whole."""
    text = " ".join(abstract.split())
    maths: list[str] = []

    def mask(match: re.Match) -> str:
        maths.append(match.group(0))
        return f"\x00{len(maths) - 1}\x00"

    masked = _MATH.sub(mask, text)
    pieces: list[str] = []
    for piece in _SENTENCE_BREAK.split(masked):
        if pieces and _ABBREVIATION.search(pieces[-1]):
            pieces[-1] = f"{pieces[-1]} {piece}"
        else:
            pieces.append(piece)
    return [
        re.sub(r"\x00(\d+)\x00", lambda m: maths[int(m.group(1))], piece)
        for piece in pieces
        if piece
    ]


def summary_en_extract(abstract: str, *, max_sentences: int = 3) -> str:
    """The opening sentence plus the sentences that state methods and results, in their order."""
    sentences = abstract_sentences(abstract)
    if len(sentences) <= max_sentences:
        return " ".join(sentences)
    ranked = sorted(
        range(1, len(sentences)),
        key=lambda i: (
            bool(_BOILERPLATE.search(sentences[i])),
            -len(_CUES.findall(sentences[i])),
            i,
        ),
    )
    chosen = sorted([0, *ranked[: max_sentences - 1]])
    return " ".join(sentences[i] for i in chosen)
