"""Enrichment without a network: topic hits scored by each topic's learned scorer (keyword and
category evidence for a topic that has none yet), an extractive English summary.

It never writes Chinese translations: those stay missing until an LLM or an editor fills them.
A hit's reason is one Chinese sentence framing the paper's own English subject with the
taxonomy's names (enrichment.backends.reasons); the words that weighed most go beside it, as
evidence for editors. It also re-scores an LLM's proposals (`RescoredBackend`).
"""

import hashlib
import re
from collections.abc import Mapping
from dataclasses import replace

from enrichment.backends.base import Backend, Enrichment, HitSuggestion, PaperSource
from enrichment.backends.keywords import subtopic_by_keywords, terms_found
from enrichment.backends.reasons import reason_compose
from enrichment.backends.scorer import Scored, TopicScorer
from enrichment.backends.taxonomy import Taxonomy, TopicSpec

# Bump when the matching rules change, so cached offline results are recomputed.
OFFLINE_VERSION = "3"

MAX_CONFIDENCE = 0.95
# Below this calibrated probability a learned scorer suggests nothing: editors never see it.
SUGGEST_FLOOR = 0.2
# A topic the LLM did not propose but its scorer rates at least this high is suggested anyway,
# with the LLM's confidence as 0, so the disagreement reaches the top of the review queue.
STRONG = 0.8


class OfflineBackend:
    name = "offline"
    metered = False
    remote = False
    model = "offline"
    provider = "offline"

    def __init__(self, *, taxonomy: Taxonomy, scorers: Mapping[str, TopicScorer] | None = None):
        """`scorers`: the trained scorer of each topic that has one, by slug."""
        self.taxonomy = taxonomy
        self.scorers = dict(scorers or {})
        # Results depend on the keywords and on the scorers: a change of either invalidates
        # the cache (the run log keeps 20 characters of this).
        versions = ",".join(f"{slug}:{s.version}" for slug, s in sorted(self.scorers.items()))
        key = hashlib.sha256(f"{taxonomy.fingerprint}|{versions}".encode()).hexdigest()[:12]
        self.prompt_version = f"off{OFFLINE_VERSION}-{key}"

    def enrich(self, source: PaperSource) -> Enrichment:
        hits = [hit for topic in self.taxonomy.topics if (hit := self.topic_hit(topic, source))]
        return Enrichment(hits=hits)

    def topic_hit(self, topic: TopicSpec, source: PaperSource) -> HitSuggestion | None:
        """The topic's hit on this paper, or None below SUGGEST_FLOOR (or no keyword found)."""
        scored = self.topic_score(topic, source)
        if scored is None or scored.confidence < SUGGEST_FLOOR:
            return None
        subtopic = self.taxonomy.subtopic(topic, scored.subtopic) if scored.subtopic else None
        scorer = self.scorers.get(topic.slug)
        return HitSuggestion(
            topic=topic.slug,
            subtopic=subtopic.slug if subtopic else None,
            confidence=scored.confidence,
            reason=reason_compose(
                title=source.title,
                abstract=source.abstract,
                topic=topic,
                subtopic=subtopic,
                confidence=scored.confidence,
            ),
            evidence=scored.evidence,
            scorer_version=scorer.version if scorer else None,
        )

    def topic_score(self, topic: TopicSpec, source: PaperSource) -> Scored | None:
        """The topic's score for this paper: None when none of its categories is among the
        paper's or one of its exclude keywords occurs (editors' hard rules); the learned
        scorer's when the topic has one; else the keyword evidence's (None without any)."""
        title, abstract = source.title.lower(), source.abstract.lower()
        shared = [cat for cat in source.categories if cat in topic.categories]
        if topic.categories and not shared:
            return None
        if terms_found(topic.exclude_keywords, f"{title}\n{abstract}"):
            return None
        if scorer := self.scorers.get(topic.slug):
            return scorer.score(source)
        return _keyword_score(topic, source, shared)

    def rescore(self, enrichment: Enrichment, source: PaperSource) -> Enrichment:
        """An LLM's answer with each proposal on a topic that has a scorer re-scored by it:
        the calibrated score becomes the confidence, the LLM's is kept as proposed; a topic the
        LLM left out that its scorer rates ≥ STRONG is added (proposed 0)."""
        hits, proposed = [], set()
        for hit in enrichment.hits:
            proposed.add(hit.topic)
            topic = self.taxonomy.topic(hit.topic)
            scorer = self.scorers.get(hit.topic)
            if topic is None or scorer is None:
                hits.append(hit)
                continue
            scored = self.topic_score(topic, source)
            hits.append(
                replace(
                    hit,
                    confidence=scored.confidence if scored else 0.0,
                    proposed_confidence=hit.confidence,
                    evidence=scored.evidence if scored else (),
                    scorer_version=scorer.version,
                )
            )
        for topic in self.taxonomy.topics:
            if topic.slug in self.scorers and topic.slug not in proposed:
                added = self.topic_hit(topic, source)
                if added and added.confidence >= STRONG:
                    hits.append(replace(added, proposed_confidence=0.0))
        return replace(enrichment, hits=hits)


def _keyword_score(topic: TopicSpec, source: PaperSource, shared: list[str]) -> Scored | None:
    """Include keywords must match. Confidence grows with the evidence: keywords in the title
    count most, then keywords in the abstract, a primary category among the topic's signal
    sources, subtopic keywords (not calibrated: no editor has decided anything yet)."""
    title, abstract = source.title.lower(), source.abstract.lower()
    in_title = terms_found(topic.include_keywords, title)
    in_abstract = [t for t in terms_found(topic.include_keywords, abstract) if t not in in_title]
    if not in_title and not in_abstract:
        return None
    subtopic, sub_terms = subtopic_by_keywords(topic, title, abstract)
    primary = bool(shared) and source.categories[0] == shared[0]
    confidence = (
        0.25
        + 0.2 * min(len(in_title), 2)
        + 0.1 * min(len(in_abstract), 3)
        + (0.15 if primary else 0.1 if shared else 0.0)
        + 0.05 * min(len(sub_terms), 2)
    )
    evidence = dict.fromkeys([*in_title, *in_abstract, *sub_terms, *shared])
    return Scored(
        confidence=round(min(confidence, MAX_CONFIDENCE), 2),
        subtopic=subtopic.slug if subtopic else None,
        evidence=tuple(evidence),
    )


class RescoredBackend:
    """An LLM backend whose topic proposals the scorers re-score (OfflineBackend.rescore)."""

    def __init__(self, backend: Backend, scorer: OfflineBackend):
        self.backend, self.scorer = backend, scorer
        self.name, self.metered, self.remote = backend.name, backend.metered, backend.remote
        self.model, self.provider = backend.model, backend.provider
        self.prompt_version, self.taxonomy = backend.prompt_version, backend.taxonomy

    def enrich(self, source: PaperSource) -> Enrichment:
        return self.scorer.rescore(self.backend.enrich(source), source)


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
