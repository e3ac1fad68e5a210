"""Cheap checks of what a model wrote against the English it translated (no LLM involved).

`fidelity_check` returns problems per field. Blocking ones (the text is not Chinese, or is the
English copied back) make the reply unusable; the others are stored with the machine text as
flags for an editor. Checks:

- title, summary, abstract: Simplified Chinese (share of CJK among letters, no
  Traditional-only characters per OpenCC's t2s table), not the English copied back;
- abstract: every number, percentage, math span (whitespace-normalised) and URL of the English
  abstract appears; length within a sane ratio of the English;
- title and abstract: proper names of methods, models and datasets are kept as written;
- hits: slugs exist in the taxonomy (confidence in [0, 1] is part of the schema).
"""

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache

from opencc import OpenCC

ZH_TEXT_FIELDS = ("title", "summary", "abstract")
# Below this share of CJK among letters (names from the source not counted) a field is not
# Chinese.
MIN_CJK_SHARE = 0.5
# Characters of the translation per non-space character of the English abstract.
ABSTRACT_RATIO = (0.15, 1.1)
# Shorter abstracts vary too much for a length ratio to mean anything.
RATIO_MIN_SOURCE_CHARS = 200

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
LATIN = re.compile(r"[A-Za-z]")
MATH_SPAN = re.compile(r"\$\$.+?\$\$|\$[^$]+\$|\\\(.+?\\\)|\\\[.+?\\\]", re.S)
URL = re.compile(r"https?://[^\s<>\"'，。；）]+")
NUMBER = re.compile(r"(?<![\d.])\d+(?:,\d{3})*(?:\.\d+)?(?:\s*%)?")
TOKEN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9+._-]*[A-Za-z0-9+])?")
# "2x", "10k", "1st": a number with a unit, not a name.
NUMBER_WITH_UNIT = re.compile(r"\d+(?:\.\d+)?[a-z]{1,2}")
WORD = re.compile(r"[a-z]{3,}")
# A word written in lower case. Capitalised words and acronyms kept in a translation (Claude,
# Mamba, LLM, OOD) are names that Chinese technical writing keeps as written, no sign of the
# English copied back.
LOWER_CASE_WORD = re.compile(r"(?<![A-Za-z])[a-z]{3,}(?![A-Za-z])")


@dataclass
class FidelityReport:
    """Problems per field ("title", "summary", "abstract", "hits"), and the blocking ones."""

    flags: dict[str, list[str]] = field(default_factory=dict)
    blocking: list[str] = field(default_factory=list)

    def add(self, name: str, problem: str, *, blocking: bool = False) -> None:
        self.flags.setdefault(name, []).append(problem)
        if blocking:
            self.blocking.append(f"{name}: {problem}")

    @property
    def problems(self) -> list[str]:
        """Every problem as "<field>: <problem>", for a repair request."""
        return [
            f"{name}: {problem}" for name, problems in self.flags.items() for problem in problems
        ]


@cache
def _t2s() -> OpenCC:
    return OpenCC("t2s.json")


@cache
def _is_traditional(char: str) -> bool:
    return _t2s().convert(char) != char


def _outside_math_and_urls(text: str) -> str:
    return URL.sub(" ", MATH_SPAN.sub(" ", text))


def _name_base(token: str) -> str | None:
    """The name a token is (its plural "s" dropped), or None for an ordinary word.

    Names are tokens with a digit and a letter (GPT-4o, LLaMA-3, ResNet50) or an inner
    capital (ImageNet, DeepSeek), and all-capital words of four or more letters (BERT, COCO);
    shorter acronyms (AI, LLM, CNNs) are often translated and are not checked.
    """
    base = token[:-1] if token.endswith("s") and token[:-1].isupper() else token
    if base.isalpha() and base.isupper():
        return base if len(base) >= 4 else None
    has_digit = any(char.isdigit() for char in base)
    if has_digit and any(char.isalpha() for char in base):
        return None if NUMBER_WITH_UNIT.fullmatch(base) else base
    inner_capital = any(
        char.isupper() and base[i - 1].isalnum() for i, char in enumerate(base) if i
    )
    return base if inner_capital else None


def names_find(text: str) -> list[str]:
    """Proper names in an English text (outside math and URLs), in order, once each."""
    names = (_name_base(token) for token in TOKEN.findall(_outside_math_and_urls(text)))
    return list(dict.fromkeys(name for name in names if name))


def _normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def _numbers(text: str, names: list[str]) -> set[str]:
    text = _outside_math_and_urls(_normalize(text))
    for name in names:
        text = text.replace(name, " ")
    return {re.sub(r"[\s,]", "", number) for number in NUMBER.findall(text)}


def _math_spans(text: str) -> list[str]:
    return ["".join(span.split()) for span in MATH_SPAN.findall(text)]


def _language_check(report: FidelityReport, name: str, text: str, source: str, names: list[str]):
    rest = _outside_math_and_urls(text)
    for kept in names:
        rest = rest.replace(kept, " ")
    cjk, latin = len(CJK.findall(rest)), len(LATIN.findall(rest))
    share = cjk / (cjk + latin) if cjk + latin else 0.0
    if share < MIN_CJK_SHARE:
        report.add(name, f"not Chinese ({share:.0%} CJK characters)", blocking=True)
    words = LOWER_CASE_WORD.findall(rest)
    source_words = set(WORD.findall(source.lower()))
    if len(words) >= 5 and sum(word in source_words for word in words) >= 0.8 * len(words):
        report.add(name, "copies the English text back", blocking=True)
    traditional = sorted({char for char in CJK.findall(text) if _is_traditional(char)})
    if traditional:
        report.add(name, f"Traditional characters: {''.join(traditional[:20])}")


def _abstract_check(report: FidelityReport, abstract: str, abstract_zh: str, names: list[str]):
    translated = _normalize(abstract_zh)
    missing = sorted(_numbers(abstract, names) - _numbers(translated, names))
    if missing:
        report.add("abstract", f"numbers missing or changed: {', '.join(missing)}")
    spans = set(_math_spans(translated))
    lost = [span for span in dict.fromkeys(_math_spans(abstract)) if span not in spans]
    if lost:
        report.add("abstract", f"math missing or changed: {' '.join(lost)}")
    urls = [url.rstrip(".,;:)") for url in URL.findall(abstract)]
    lost_urls = [url for url in dict.fromkeys(urls) if url not in abstract_zh]
    if lost_urls:
        report.add("abstract", f"URLs missing: {' '.join(lost_urls)}")
    source_chars = len("".join(abstract.split()))
    if source_chars >= RATIO_MIN_SOURCE_CHARS:
        ratio = len("".join(abstract_zh.split())) / source_chars
        low, high = ABSTRACT_RATIO
        if not low <= ratio <= high:
            report.add("abstract", f"length {ratio:.2f}x the English (expected {low}-{high}x)")


def _names_check(report: FidelityReport, name: str, names: list[str], text: str) -> None:
    lost = [kept for kept in names if kept not in text]
    if lost:
        report.add(name, f"names not kept as written: {', '.join(lost)}")


def fidelity_check(
    *,
    title: str,
    abstract: str,
    translations: dict[str, str],
    unknown_slugs: list[str],
) -> FidelityReport:
    """Check `translations` ({"title": title_zh, "summary": …, "abstract": …}) against the
    English title and abstract, and report hit slugs missing from the taxonomy."""
    report = FidelityReport()
    title_names, abstract_names = names_find(title), names_find(abstract)
    sources = {"title": title, "summary": f"{title}\n{abstract}", "abstract": abstract}
    all_names = list(dict.fromkeys(title_names + abstract_names))
    for name in ZH_TEXT_FIELDS:
        _language_check(report, name, translations[name], sources[name], all_names)
    _names_check(report, "title", title_names, translations["title"])
    _names_check(report, "abstract", abstract_names, translations["abstract"])
    _abstract_check(report, abstract, translations["abstract"], abstract_names)
    if unknown_slugs:
        report.add("hits", f"unknown topic slugs: {', '.join(unknown_slugs)}")
    return report
