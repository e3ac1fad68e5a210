"""Where the math is in text from arXiv, the LLM and editors: decided once, on the server.

KaTeX's auto-render typesets whatever stands between two `$`: "$5 and $10" became a formula
and `\\$` opened one. Here text is split by the rules TeX writers and pandoc follow, and the
HTML carries each formula in its own `<span class="math">`, which static/js/site.js hands to
KaTeX (trust off); everything else is escaped text that no script ever reads as math.

- `\\$` is a dollar sign.
- `$…$`: the opening `$` is followed by a non-space; the closing `$` follows a non-space and
  is not followed by a digit. A `$` between them that cannot close gives up the attempt, so
  "$5 and $10" and "from $5-$10" stay prose. Chinese writes no spaces around `$`, so an
  inline formula also gives up at a CJK character or full-width punctuation ("从 $5 到
  $10；…$x$" has one formula, x).
- `$$…$$`, `\\(…\\)` and `\\[…\\]` need their closing delimiter too.
- An opening delimiter without its closing one is text.
"""

import re
from dataclasses import dataclass
from typing import Literal

from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString

_TOKEN = re.compile(r"\\[$()\[\]\\]|\$\$?")
# Han, kana, hangul, CJK and full-width punctuation: prose, never inside an inline formula.
_CJK = re.compile(r"[\u3000-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")
_CLOSERS = {"$$": ("$$", True), "\\(": ("\\)", False), "\\[": ("\\]", True)}


@dataclass(frozen=True)
class Segment:
    kind: Literal["text", "math"]
    value: str  # the text as shown, or a formula's TeX source
    display: bool = False


def _closer_find(text: str, start: int, closer: str) -> int:
    """Where `closer` stands after `start`, skipping backslash escapes; -1 if nowhere."""
    k = start
    while k < len(text):
        if text.startswith(closer, k):
            return k
        k += 2 if text[k] == "\\" else 1
    return -1


def _dollar_close(text: str, start: int) -> int:
    """Where the `$` opened just before `start` closes, or -1 (see the module's rules)."""
    if start >= len(text) or text[start].isspace():
        return -1
    k = start
    while k < len(text):
        if text[k] == "\\":
            k += 2
        elif text[k] == "$":
            digit_follows = k + 1 < len(text) and text[k + 1].isdigit()
            return -1 if text[k - 1].isspace() or digit_follows else k
        elif _CJK.match(text[k]):
            return -1
        else:
            k += 1
    return -1


def tex_split(text: str) -> list[Segment]:
    """`text` as a list of text and math segments, in order."""
    segments: list[Segment] = []
    shown: list[str] = []
    i = 0
    while match := _TOKEN.search(text, i):
        shown.append(text[i : match.start()])
        delimiter, i = match[0], match.end()
        if delimiter == "$":
            end, closer, display = _dollar_close(text, i), "$", False
        elif delimiter in _CLOSERS:
            closer, display = _CLOSERS[delimiter]
            end = _closer_find(text, i, closer)
        else:  # \$ is a dollar sign; \\ and a lone \) or \] are text
            shown.append("$" if delimiter == "\\$" else delimiter)
            continue
        if end == -1 or not text[i:end].strip():
            shown.append(delimiter)
            continue
        if any(shown):
            segments.append(Segment("text", "".join(shown)))
        shown = []
        segments.append(Segment("math", text[i:end], display))
        i = end + len(closer)
    shown.append(text[i:])
    if any(shown):
        segments.append(Segment("text", "".join(shown)))
    return segments


def tex_html(text: str) -> SafeString:
    """`text` as HTML: every part escaped, each formula in a `span.math` for KaTeX."""
    if "$" not in text and "\\" not in text:
        return escape(text)
    return format_html_join(
        "",
        "{}",
        (
            (
                format_html('<span class="math{}">{}</span>', " display" * s.display, s.value)
                if s.kind == "math"
                else s.value,
            )
            for s in tex_split(text)
        ),
    )
