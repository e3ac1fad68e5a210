"""A hit's reason as one short Chinese sentence, composed from the paper's own words.

Offline there is no translation, so the sentence is a Chinese frame around the paper's English
subject (its name, or what its title says it is for) and the taxonomy's Chinese names:
"提出面向 Human Motion Generation 的 DC-Motion，属图像与视频生成方向。" The verb is only as
strong as the text: "提出" needs "we propose/introduce/…" (or a named method), "综述" a survey,
"构建" a benchmark or dataset the paper names or says it made; otherwise "研究". So is the
claim of membership: a hit scored below LIKELY says "可能属…方向", since the scorer holds it
more likely wrong than right.
"""

import re

from enrichment.backends.taxonomy import SubtopicSpec, TopicSpec

# Words of a phrase shown whole; longer ones are cut at a word and marked with "…".
MAX_PHRASE_WORDS = 9
MAX_FOR_WORDS = 7
# A calibrated score from which the paper is more likely on the topic than not.
LIKELY = 0.5

# A survey says so: "A Survey of …", "… : A Systematic Review", "this review"; a paper about
# peer review or a code review ("Due-Process Review for …") is not one.
_SURVEY = re.compile(
    r"\b(?:survey|overview)\b|\b(?:a|systematic|literature|scoping|critical|comprehensive)"
    r" review\b|\breview of\b|\bwe (?:survey|review)\b|\bthis (?:survey|review)\b",
    re.IGNORECASE,
)
# A benchmark or dataset is the paper's own only when its name says so ("RetailBench") or the
# abstract says it was made here; "… Between Benchmarks and Deployments" builds nothing.
_RESOURCE_NAME = re.compile(r"Bench\b|Benchmark\b|Dataset\b")
_RESOURCE_WORD = re.compile(r"bench\b|\bbenchmark\b|\bdataset\b", re.IGNORECASE)
_RESOURCE_MADE = re.compile(
    r"\bwe (?:introduce|present|build|construct|release|create|curate|propose|develop)\b"
    r"[^.]{0,120}?\b(?:benchmark|dataset|corpus|test suite)",
    re.IGNORECASE,
)
# A tail after ":" that says only what kind of paper it is ("A Theoretical Perspective",
# "An Analysis on the DTU Dataset"): the head is then the subject.
_GENERIC_TAIL = re.compile(
    r"^(?:an?|the)\s+(?:[\w-]+\s+){0,2}(?:perspective|analysis|study|view|investigation)\b"
    r"(?:.*?\bfor\s+(?P<target>.+))?",
    re.IGNORECASE,
)
_PROPOSE = re.compile(
    r"\bwe (?:propose|introduce|present|develop|design|build)\b|"
    r"\b(?:this|our) (?:paper|work) (?:proposes|introduces|presents)\b",
    re.IGNORECASE,
)
# Leading words a shortened phrase can do without: "On the Faithfulness of …".
_ARTICLE = re.compile(r"^(?:(?:on|a|an|the)\s+)+", re.IGNORECASE)
_FOR = re.compile(r"\s+for\s+", re.IGNORECASE)
_NAME_INNER_CAPITAL = re.compile(r"\w[A-Z0-9]|[-_][A-Za-z0-9]")


def _words(text: str) -> list[str]:
    return text.split()


def _phrase(text: str, limit: int = MAX_PHRASE_WORDS) -> str:
    words = _words(_ARTICLE.sub("", text.strip(" .,:;")))
    return " ".join(words[:limit]) + ("…" if len(words) > limit else "")


def _is_name(head: str) -> bool:
    """A title's head before ":" is a name ("DC-Motion", "Metis", "Mind Studio 2") when it is
    one word, or two or three capitalised words with an inner capital, digit or hyphen; else
    it is a slogan ("Turning the TIDE", "Fusion is not one-size-fits-all")."""
    words = _words(head)
    capitalised = all(word[:1].isupper() or word[:1].isdigit() for word in words)
    return len(words) == 1 or (
        len(words) <= 3 and capitalised and bool(_NAME_INNER_CAPITAL.search(head))
    )


def _zh(name: str) -> str:
    """The Chinese part of a name an editor wrote in both languages ("语言大模型 / LLM")."""
    return name.split(" / ")[0].strip()


def title_parts(title: str) -> tuple[str, str]:
    """(name, description) of a title: "DC-Motion: Decoupling … Generation" gives both; a
    slogan before ":" or a question before "?" gives way to what follows; a plain title is
    all description, with no name."""
    title = " ".join(title.split())
    head, colon, tail = title.partition(": ")
    if colon and tail and (generic := _GENERIC_TAIL.match(tail)) and not _is_name(head):
        target = generic.group("target")
        return "", f"{head} for {target}" if target else head
    if colon and tail:
        return (head, tail) if _is_name(head) else ("", tail)
    _, mark, rest = title.partition("? ")
    if mark and rest:
        return "", rest
    return "", title


def subject_phrase(title: str) -> str:
    """What the paper is, in its own words: "面向 X 的 Y" when its title says "Y for X"
    (both short), else its name with a short description, else its title, shortened."""
    name, description = title_parts(title)
    if (split := _FOR.search(description)) and len(_words(description[split.end() :])) <= (
        MAX_FOR_WORDS
    ):
        what, target = description[: split.start()], description[split.end() :]
        # "Testing for a Hidden Geometry" is a verb with its object, not "Y for X".
        verb_led = what.split()[0].lower().endswith("ing") or _ARTICLE.match(target)
        plain = len(_words(what)) <= MAX_PHRASE_WORDS and not verb_led
        thing = name or (_phrase(what) if plain else "")
        if thing:
            return f"面向 {_phrase(target)} 的 {thing}"
    if name:
        return f"{name}（{_phrase(description)}）"
    return _phrase(description)


def verb_choose(title: str, abstract: str) -> str:
    """The strongest verb the text supports (see the module's docstring)."""
    if _SURVEY.search(title) or _SURVEY.search(abstract[:400]):
        return "综述"
    name = title_parts(title)[0]
    if _RESOURCE_NAME.search(name) or (
        _RESOURCE_WORD.search(title) and _RESOURCE_MADE.search(abstract)
    ):
        return "构建"
    if _PROPOSE.search(abstract) or name:
        return "提出"
    return "研究"


def reason_compose(
    *,
    title: str,
    abstract: str,
    topic: TopicSpec,
    subtopic: SubtopicSpec | None,
    confidence: float = 1.0,
) -> str:
    """One sentence: verb, the paper's subject, and where it sits in the taxonomy, e.g.
    "提出面向 LLM Reasoning 的 RL Distillation，属语言大模型中的推理方向。"; "可能属" when
    `confidence` (0–1) is below LIKELY."""
    where = _zh(topic.name_zh) + (f"中的{_zh(subtopic.name_zh)}" if subtopic else "")
    subject = subject_phrase(title)
    space = " " if subject[:1].isascii() else ""
    claim = "属" if confidence >= LIKELY else "可能属"
    return f"{verb_choose(title, abstract)}{space}{subject}，{claim}{where}方向。"
