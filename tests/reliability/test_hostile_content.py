"""XSS payloads in every arXiv and LLM field, published: no page runs them in Chromium, feeds
and the API carry them as text, the admin shows them escaped."""

import json
from urllib.parse import quote

import feedparser
import pytest
from lxml import etree

from tests.browser.conftest import CHROMIUM_ARGS, chromium  # noqa: F401  (the fixture)
from tests.reliability.hostile import CORPUS, MARKER, dangerous_nodes, hostile_day
from tests.site_data import DAY

AREA = "Hostile content"
# Defined before any page script: a payload that runs leaves its number here.
TRAP = """
window.__xss_log = [];
window.__xss = (tag) => window.__xss_log.push(String(tag));
for (const name of ["alert", "confirm", "prompt", "print"]) {
  window[name] = (...args) => window.__xss_log.push(name + ":" + args.join(" "));
}
"""
# After load: anything in the live DOM a payload could run through.
DOM_SCAN = """
() => {
  const found = [];
  for (const el of document.querySelectorAll("*")) {
    for (const attr of el.attributes) {
      const value = attr.value.trim().toLowerCase();
      if (attr.name.startsWith("on")) found.push(el.tagName + " " + attr.name);
      if (value.startsWith("javascript:") && ["href", "src", "action", "formaction",
          "xlink:href", "srcdoc"].includes(attr.name)) found.push(el.tagName + " " + attr.name);
    }
    if (el.tagName === "SCRIPT" && el.textContent.includes("__xss")) found.push("inline script");
    if (["IFRAME", "OBJECT", "EMBED"].includes(el.tagName)) found.push(el.tagName);
  }
  return found;
}
"""


def _urls(papers, *, every_page: bool) -> tuple[list[str], list[str]]:
    """(public, admin) pages to open. The list pages carry every payload in every field;
    `every_page` adds each paper's own page, each echoed search and each admin change page."""
    public = ["/", f"/{DAY}/", "/topics/llm/", f"/topics/llm/{DAY}/", "/search/?q=Paper"]
    public += [f"/search/?q={quote(CORPUS[0])}"]
    admin = ["/admin/papers/paper/", "/admin/papers/reviewqueuepaper/"]
    admin += ["/admin/papers/topichit/", "/admin/papers/institution/"]
    admin += [f"/admin/papers/paper/{papers[0].pk}/change/"]
    if every_page:
        public += [f"/papers/{paper.arxiv_id}/" for paper in papers]
        public += [f"/search/?q={quote(payload)}" for payload in CORPUS[1:]]
        admin += [f"/admin/papers/paper/{paper.pk}/change/" for paper in papers[1:]]
    return public, admin


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "every_page", [False, pytest.param(True, marks=pytest.mark.reliability)], ids=["lists", "all"]
)
def test_payloads_never_run_in_chromium(
    live_server,
    chromium,  # noqa: F811
    chief_editor,
    figure,
    every_page,
):
    _topic, papers = hostile_day()
    public_urls, admin_urls = _urls(papers, every_page=every_page)
    # CSP is bypassed so that escaping alone is what is tested; CSP is the second wall.
    context = chromium.new_context(bypass_csp=True, locale="zh-CN")
    context.add_init_script(TRAP)
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    executions, injected, typeset = [], [], []

    def visit(url: str) -> None:
        response = page.goto(f"{live_server.url}{url}", wait_until="load")
        assert response.status == 200, url
        executions.extend(f"{url}: {tag}" for tag in page.evaluate("window.__xss_log"))
        injected.extend(f"{url}: {node}" for node in page.evaluate(DOM_SCAN))
        typeset.append(page.locator(".katex").count())
        if url == f"/topics/llm/{DAY}/":  # the payloads are there, shown as text
            text = page.inner_text("body")
            assert all(payload in text for payload in CORPUS if "$" not in payload)

    for url in public_urls:
        visit(url)
    assert sum(typeset) > 0  # the math was typeset: KaTeX itself met the payloads
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", chief_editor.username)
    page.fill("#id_password", "pw-for-tests")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    for url in admin_urls:
        visit(url)
    context.close()

    executions += [f"dialog: {message}" for message in dialogs]
    if every_page:
        pages = len(public_urls) + len(admin_urls)
        figure(
            area=AREA,
            measure=f"script executions in Chromium ({len(CORPUS)} payloads, {pages} pages)",
            measured=len(executions),
        )
        figure(area=AREA, measure="payload markup live in the DOM", measured=len(injected))
    assert executions == []
    assert injected == []


@pytest.mark.django_db
def test_feeds_api_and_admin_carry_payloads_as_text(client, chief_editor, figure):
    _topic, papers = hostile_day()
    unsafe = []
    for url in ["/feeds/all.xml", "/topics/llm/rss.xml", "/topics/llm/atom.xml"]:
        body = client.get(url).content
        etree.fromstring(body)  # well-formed XML, or this raises
        feed = feedparser.parse(body, sanitize_html=False)
        assert len(feed.entries) == len(CORPUS), url
        for entry in feed.entries:
            unsafe += [f"{url}: {node}" for node in dangerous_nodes(entry.summary)]
            if entry.title_detail.type == "text/html":
                unsafe += [f"{url} title: {node}" for node in dangerous_nodes(entry.title)]
    figure(area=AREA, measure="executable markup in RSS/Atom items", measured=len(unsafe))

    api_unsafe = []
    api_urls = [f"/api/v1/papers/{paper.arxiv_id}" for paper in papers]
    api_urls += ["/api/v1/papers?topic=llm&page_size=100", f"/api/v1/topics/llm/days/{DAY}"]
    for url in api_urls:
        response = client.get(url)
        if not response["Content-Type"].startswith("application/json") or (
            response.get("X-Content-Type-Options") != "nosniff"
        ):
            api_unsafe.append(url)
        json.loads(response.content)
    # The API keeps the text exactly as it came (clients escape it for their own output).
    detail = client.get(f"/api/v1/papers/{papers[0].arxiv_id}").json()
    assert detail["title"] == f"Paper 0 {CORPUS[0]}"
    figure(area=AREA, measure="API replies not JSON with nosniff", measured=len(api_unsafe))

    client.force_login(chief_editor)
    admin_unsafe = []
    admin_urls = ["/admin/papers/paper/", "/admin/papers/topichit/", "/admin/papers/institution/"]
    admin_urls += [f"/admin/papers/paper/{paper.pk}/change/" for paper in papers]
    for url in admin_urls:
        body = client.get(url).content.decode()
        assert MARKER in body or "alert(" in body  # the payload is there, as text
        admin_unsafe += [f"{url}: {n}" for n in dangerous_nodes(body, marker_only=True)]
    figure(area=AREA, measure="payloads unescaped in admin pages", measured=len(admin_unsafe))
    assert unsafe == [], unsafe
    assert api_unsafe == []
    assert admin_unsafe == []
