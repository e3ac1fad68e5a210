"""Measuring topic hits on held-out labels: the learned scorer, today's keyword matching and a
naive regex, side by side (`manage.py curation_eval`).

A scorer is trained on the labels' train split only (plus the taxonomy's own words), exactly
as in production before any editor decision, and measured on the eval split through the
offline backend's own scoring path (category and exclude-keyword rules included).
"""

import re
from dataclasses import dataclass

from enrichment.backends.offline import OfflineBackend
from enrichment.backends.reliability import Band, bands_tally
from enrichment.backends.scorer import scorer_train
from enrichment.backends.taxonomy import Taxonomy, TopicSpec
from enrichment.curation.labels import EVAL, Label
from enrichment.curation.services import scorer_examples

# What a person would type first: title or abstract matches, case-insensitive.
REGEX_BASELINES = {
    "llm": r"\b(?:LLMs?|large language models?|language models?|GPT[\w.-]*|ChatGPT|prompt\w*|"
    r"VLMs?|MLLMs?)\b",
    "multimodal": r"\b(?:multi-?modal|vision[- ]language|VLMs?|MLLMs?|image-text|text-image|"
    r"visual question answering|VQA|audio-visual|video understanding)\b",
    "visual-generation": r"\b(?:diffusion|text-to-image|text-to-video|image generation|"
    r"video generation|image synthesis|video synthesis|GANs?|generative adversarial|"
    r"image editing|flow matching)\b",
}
HIT = 0.5  # a calibrated probability at or above this counts as "in the topic"
HIGH = 0.8


def regex_baseline(topic: TopicSpec) -> re.Pattern:
    """The topic's naive regex: REGEX_BASELINES, else any of its include keywords."""
    pattern = REGEX_BASELINES.get(topic.slug) or "|".join(
        rf"\b{re.escape(term)}" for term in topic.include_keywords
    )
    return re.compile(pattern, re.IGNORECASE)


@dataclass(frozen=True)
class Counts:
    """Precision, recall and F1 of yes/no verdicts against labels."""

    true_positive: int
    said_yes: int
    truly_yes: int

    @property
    def precision(self) -> float:
        return self.true_positive / self.said_yes if self.said_yes else 0.0

    @property
    def recall(self) -> float:
        return self.true_positive / self.truly_yes if self.truly_yes else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def counts(verdicts: list[tuple[bool, bool]]) -> Counts:
    """(said yes, truly yes) pairs → Counts."""
    return Counts(
        true_positive=sum(said and truth for said, truth in verdicts),
        said_yes=sum(said for said, _ in verdicts),
        truly_yes=sum(truth for _, truth in verdicts),
    )


@dataclass(frozen=True)
class TopicReport:
    topic: str
    train: int
    held_out: int
    clear: int
    # method name → (all cases, clear cases)
    methods: dict[str, tuple[Counts, Counts]]
    high: Counts  # the scorer's hits scored ≥ HIGH, against every truly-yes paper
    bands: list[Band]  # the scorer's calibration on the eval split


def topic_evaluate(*, topic: TopicSpec, labels: list[Label]) -> TopicReport:
    """Train on `labels`' train split for `topic`, measure on its eval split. ValueError when
    the train split is too small to train a scorer."""
    mine = [label for label in labels if label.topic == topic.slug]
    held = [label for label in mine if label.split == EVAL]
    examples, _ = scorer_examples(topic=topic.slug, labels=mine, decisions=[])
    scorer = scorer_train(topic=topic, examples=examples).scorer
    taxonomy = Taxonomy(topics=(topic,))
    learned = OfflineBackend(taxonomy=taxonomy, scorers={topic.slug: scorer})
    keywords = OfflineBackend(taxonomy=taxonomy)
    regex = regex_baseline(topic)

    def score(backend: OfflineBackend, label: Label) -> float:
        scored = backend.topic_score(topic, label.source)
        return scored.confidence if scored else 0.0

    scores = [score(learned, label) for label in held]
    said = {
        "learned scorer": [p >= HIT for p in scores],
        "keywords (today)": [score(keywords, label) >= HIT for label in held],
        "regex": [bool(regex.search(f"{la.source.title}\n{la.source.abstract}")) for la in held],
    }
    truth = [label.label for label in held]
    clear = [not label.borderline for label in held]

    def both(verdicts: list[bool]) -> tuple[Counts, Counts]:
        pairs = list(zip(verdicts, truth, strict=True))
        return counts(pairs), counts([pair for pair, ok in zip(pairs, clear, strict=True) if ok])

    return TopicReport(
        topic=topic.slug,
        train=len(examples),
        held_out=len(held),
        clear=sum(clear),
        methods={name: both(verdicts) for name, verdicts in said.items()},
        high=counts([(p >= HIGH, t) for p, t in zip(scores, truth, strict=True)]),
        bands=bands_tally(zip(scores, truth, strict=True)),
    )


def report_format(report: TopicReport) -> str:
    """The report as a plain-text table."""
    lines = [
        f"== {report.topic}: trained on {report.train} labelled papers (train split), "
        f"measured on {report.held_out} (eval split), {report.clear} of them clear",
        f"{'method':18} {'P':>6} {'R':>6} {'F1':>6}   "
        f"{'P clear':>7} {'R clear':>7} {'F1 clear':>8}",
    ]
    for name, (every, clear) in report.methods.items():
        lines.append(
            f"{name:18} {every.precision:6.3f} {every.recall:6.3f} {every.f1:6.3f}   "
            f"{clear.precision:7.3f} {clear.recall:7.3f} {clear.f1:8.3f}"
        )
    lines.append(
        f"scorer ≥ {HIGH}: {report.high.said_yes} hits, precision {report.high.precision:.3f}, "
        f"recall {report.high.recall:.3f} (of {report.high.truly_yes} truly in the topic)"
    )
    lines.append("calibration:  band       hits  yes  mean score  share yes   gap")
    for band in report.bands:
        if band.hits:
            lines.append(
                f"              {band.low:.1f}–{band.high:.1f}  {band.hits:5d} {band.right:4d}"
                f"  {band.mean_score:10.3f}  {band.right_rate:9.3f}  {band.gap:5.3f}"
            )
        else:
            lines.append(f"              {band.low:.1f}–{band.high:.1f}      0")
    lines.append(f"regex: {regex_pattern_text(report.topic)}")
    return "\n".join(lines)


def regex_pattern_text(slug: str) -> str:
    return REGEX_BASELINES.get(slug, "any include keyword of the topic")
