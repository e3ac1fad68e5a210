"""A corpus of XSS payloads and a published day whose every text field carries one.

Every payload calls `__xss("<n>")` (or alert) if it ever runs; the browser test defines that
trap before any page script. `dangerous_nodes` finds markup a payload could have smuggled into
an HTML document, for the places no browser opens (feeds, admin pages server-side).
"""

from lxml import html as lxml_html

from tests.factories import TopicFactory
from tests.reliability.data import paper_with_text_everywhere
from tests.site_data import page_publish

PAYLOADS = [
    '<script>__xss("{n}")</script>',
    '<img src=x onerror=__xss("{n}")>',
    '<svg onload=__xss("{n}")>',
    '<svg><script>__xss("{n}")</script></svg>',
    "<a href=\"javascript:__xss('{n}')\">click</a>",
    '"><img src=x onerror=__xss("{n}")>',
    "'><script>__xss('{n}')</script>",
    "<iframe srcdoc=\"<script>parent.__xss('{n}')</script>\"></iframe>",
    '<details open ontoggle=__xss("{n}")>x</details>',
    '<body onload=__xss("{n}")>',
    '<math><mtext><script>__xss("{n}")</script></mtext></math>',
    '$x<y$ and <script>__xss("{n}")</script> $a<b>c$',
    '$\\frac{{1}}{{<img src=x onerror=__xss("{n}")>}}$ $<svg onload=__xss("{n}")>$',
    '$\\href{{javascript:__xss("{n}")}}{{click}}$',
    '$\\url{{javascript:__xss("{n}")}}$',
    "$$\\href{{javascript:alert({n})}}{{\\text{{a}}}}$$ $\\htmlData{{x=1}}{{y}}$",
    '</textarea></title></script><script>__xss("{n}")</script>',
    '<style>*{{background:url("javascript:__xss(\'{n}\')")}}</style><b onmouseover=__xss("{n}")>',
    "{{{{ request.user }}}}{{% debug %}}<script>alert({n})</script>",
    'javascript:__xss("{n}")',
]
CORPUS = [payload.format(n=n) for n, payload in enumerate(PAYLOADS)]
MARKER = "__xss"


def hostile_day():
    """Topic `llm`, published on site_data.DAY, one paper per payload in every field."""
    topic = TopicFactory(slug="llm", name_zh="语言大模型", name_en="LLM")
    papers = []
    for n, payload in enumerate(CORPUS):
        human = {"title_zh_human": f"编辑标题 {payload}", "summary_zh_human": f"编辑总结 {payload}"}
        papers.append(
            paper_with_text_everywhere(
                topic, payload, label=f"Paper {n}", **(human if n % 2 else {})
            )
        )
    page_publish(topic)
    return topic, papers


def dangerous_nodes(document: str, *, marker_only: bool = False) -> list[str]:
    """Elements, attributes or URLs in an HTML document through which script could run.

    With `marker_only`, only those carrying a payload's marker count (admin pages have
    their own legitimate scripts).
    """
    found = []
    tree = lxml_html.fromstring(document or "<p></p>")
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.lower()
        text = element.text or ""
        risky = tag in ("script", "iframe", "object", "embed", "svg", "math", "style", "img")
        if risky and (not marker_only or MARKER in text or MARKER in str(element.attrib)):
            found.append(f"<{tag}>")
        for name, value in element.attrib.items():
            if marker_only and MARKER not in value and "alert(" not in value:
                continue
            if name.lower().startswith("on"):
                found.append(f"<{tag} {name}>")
            elif value.strip().lower().startswith("javascript:") and name in (
                "href",
                "src",
                "action",
                "formaction",
                "xlink:href",
                "srcdoc",
            ):
                found.append(f"<{tag} {name}=javascript:>")
    return found
