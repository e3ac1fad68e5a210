"""Reliability of confidences: per score band, how many hits and how many were right.

One tally for every source of verdicts: out-of-fold predictions when a scorer is trained,
editors' accepts and rejects in the admin, held-out labels in `curation_eval`.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

# Band edges; the last band is closed ([0.8, 1.0]), the others half-open.
BAND_EDGES = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
# The default bulk-accept threshold is the lowest band edge from which the hits scored at or
# above it were at least this often right, with at least THRESHOLD_MIN_HITS of them.
THRESHOLD_PRECISION = 0.9
THRESHOLD_MIN_HITS = 10
THRESHOLD_MIN_BAND_HITS = 5


@dataclass(frozen=True)
class Band:
    low: float
    high: float
    hits: int  # scored in [low, high)
    right: int  # accepted (or labelled yes)
    score_sum: float

    @property
    def wrong(self) -> int:
        return self.hits - self.right

    @property
    def mean_score(self) -> float | None:
        return self.score_sum / self.hits if self.hits else None

    @property
    def right_rate(self) -> float | None:
        return self.right / self.hits if self.hits else None

    @property
    def gap(self) -> float | None:
        """|mean score − share right|: 0 for perfectly calibrated confidences."""
        return None if not self.hits else abs(self.score_sum / self.hits - self.right / self.hits)


def band_index(score: float) -> int:
    return next(i for i, high in enumerate(BAND_EDGES[1:]) if score < high or high == 1.0)


def bands_tally(verdicts: Iterable[tuple[float, bool]]) -> list[Band]:
    """(score in [0, 1], right?) pairs → one Band per BAND_EDGES interval, low to high."""
    hits = [0] * (len(BAND_EDGES) - 1)
    right = [0] * len(hits)
    sums = [0.0] * len(hits)
    for score, ok in verdicts:
        i = band_index(score)
        hits[i] += 1
        right[i] += bool(ok)
        sums[i] += score
    return [
        Band(low, high, hits[i], right[i], sums[i])
        for i, (low, high) in enumerate(pairwise(BAND_EDGES))
    ]


def threshold_from_bands(bands: list[Band]) -> float | None:
    """The lowest band edge from which every hit scored at or above it was right at least
    THRESHOLD_PRECISION of the time (over ≥ THRESHOLD_MIN_HITS hits); None when no edge
    qualifies or there are too few hits to tell.

    The threshold only moves down into a band with its own evidence, at least
    THRESHOLD_MIN_BAND_HITS hits, and stops above a band right less often than
    THRESHOLD_PRECISION: an empty band says nothing (twelve right hits at 0.9 give 0.8, not
    0.2), and a few hits far below cannot carry the ones above down with them.
    """
    best = None
    hits = right = 0
    for band in reversed(bands):
        hits, right = hits + band.hits, right + band.right
        if band.low == 0.0:
            break
        if band.right < THRESHOLD_PRECISION * band.hits:
            break  # a band itself wrong too often: no lower edge either
        if band.hits < THRESHOLD_MIN_BAND_HITS:
            continue  # too little of its own evidence to go down into (empty: none at all)
        if hits >= THRESHOLD_MIN_HITS and right >= THRESHOLD_PRECISION * hits:
            best = band.low
    return best
