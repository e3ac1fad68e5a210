"""Characters no output format can carry: what the feeds drop and the admin refuses.

Text reaches arxdaily from arXiv, the LLM and editors (who paste from PDFs: a form feed, U+000C,
ends up in a summary). XML 1.0 forbids the C0 controls but tab, line feed and carriage return,
the surrogates and U+FFFE/U+FFFF, and discourages DEL, the C1 controls and the other
non-characters; HTML calls all of them parse errors. None of them is ever meant as text.
"""

import re

_NONCHARACTERS = "".join(
    f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(17)
)
UNPRINTABLE = re.compile(
    f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef{_NONCHARACTERS}]"
)


def unprintable_strip(text: str) -> str:
    """`text` without the characters no output format can carry."""
    return UNPRINTABLE.sub("", text)
