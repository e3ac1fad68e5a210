"""Wrap one real day of arXiv metadata (a JSON-lines file) in arXiv's own reply formats.

    .venv/bin/python -m scripts.sample_day ../shared/fixtures/days/2026-06-16.jsonl papers/sample

writes, for the listing date in the file's name, what `manage.py ingest` would have fetched
that morning: one rss.arxiv.org listing feed per category (`rss<date>_<category>.xml`) and
the API's replies for the feeds' papers, at most 100 ids a reply as the live ingest asks
(`api<date>_id_list_<n>.xml`). The calendar is ingest.schedule's; the output is the same on
every run.

What the JSON lines lack is filled in by rule, and papers/sample/SOURCES.md says so:
- announce type: `new` in the paper's primary category, `cross` in the others; a paper whose
  id is from an earlier month than the listing is a replacement (`replace`, `replace-cross`),
  taken as version 2;
- submission times: spread in id order (arXiv numbers submissions as they arrive) over the
  listing's submission window (ingest.schedule.submission_window); a replacement's first
  version is dated the first day of its id's month, its second a minute before the window
  closes;
- no licence, DOI or journal reference (the JSON lines have none).
"""

import argparse
import datetime as dt
import json
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from django.conf import settings

from ingest.schedule import arxiv_tz, submission_window

# Crawled that day and watched by the default taxonomy.
CATEGORIES = ("cs.AI", "cs.CL", "cs.CV", "cs.GR")
ATOM = "http://arxiv.org/schemas/atom"
RSS_OPEN = (
    f'<rss xmlns:arxiv="{ATOM}" xmlns:atom="http://www.w3.org/2005/Atom"'
    ' xmlns:dc="http://purl.org/dc/elements/1.1/" version="2.0">'
)
API_OPEN = (
    '<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/"'
    f' xmlns:arxiv="{ATOM}" xmlns="http://www.w3.org/2005/Atom">'
)
API_IDS_PER_REPLY = 100
TYPE_ORDER = ("new", "cross", "replace", "replace-cross")


def papers_read(path: Path) -> list[dict]:
    """The file's papers, once each (a paper is repeated once per category crawl), by id."""
    papers = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            paper = json.loads(line)
            papers.setdefault(paper["id"], paper)
    return [papers[arxiv_id] for arxiv_id in sorted(papers)]


def is_replacement(paper: dict, listing: dt.date) -> bool:
    return paper["id"][:4] < listing.strftime("%y%m")


def dated(papers: list[dict], listing: dt.date) -> dict[str, tuple[dt.datetime, dt.datetime]]:
    """(published, updated) per id: new papers spread in id order over the window."""
    start, end = submission_window(listing)
    new = [p for p in papers if not is_replacement(p, listing)]
    step = (end - start) / (len(new) + 1)
    times = {}
    for n, paper in enumerate(new, start=1):
        moment = (start + step * n).replace(microsecond=0)
        times[paper["id"]] = (moment, moment)
    for paper in papers:
        if is_replacement(paper, listing):
            first = dt.datetime.strptime(paper["id"][:4], "%y%m").replace(tzinfo=dt.UTC)
            times[paper["id"]] = (first, end - dt.timedelta(minutes=1))
    return times


def version(paper: dict, listing: dt.date) -> int:
    return 2 if is_replacement(paper, listing) else 1


def announce_type(paper: dict, category: str, listing: dt.date) -> str:
    primary = paper["categories"][0] == category
    if is_replacement(paper, listing):
        return "replace" if primary else "replace-cross"
    return "new" if primary else "cross"


def _rfc822(moment: dt.datetime) -> str:
    return moment.strftime("%a, %d %b %Y %H:%M:%S %z")


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def feed_xml(papers: list[dict], category: str, listing: dt.date) -> str:
    """The category's rss.arxiv.org feed of that listing, in arXiv's item order."""
    midnight = dt.datetime.combine(listing, dt.time(0, 0), tzinfo=arxiv_tz())
    listed = sorted(
        (p for p in papers if category in p["categories"]),
        key=lambda p: (TYPE_ORDER.index(announce_type(p, category, listing)), p["id"]),
    )
    items = []
    for paper in listed:
        kind = announce_type(paper, category, listing)
        versioned = f"{paper['id']}v{version(paper, listing)}"
        categories = "".join(
            f"\n      <category>{escape(c)}</category>" for c in paper["categories"]
        )
        items.append(
            f"""    <item>
      <title>{escape(paper["title"])}</title>
      <link>https://arxiv.org/abs/{paper["id"]}</link>
      <description>arXiv:{versioned} Announce Type: {kind}
Abstract: {escape(paper["summary"])}</description>
      <guid isPermaLink="false">oai:arXiv.org:{versioned}</guid>{categories}
      <pubDate>{_rfc822(midnight)}</pubDate>
      <arxiv:announce_type>{kind}</arxiv:announce_type>
      <dc:creator>{escape(", ".join(paper["authors"]))}</dc:creator>
    </item>
"""
        )
    link = f"http://rss.arxiv.org/rss/{category}"
    return f"""{RSS_OPEN}
  <channel>
    <title>{category} updates on arXiv.org</title>
    <link>{link}</link>
    <description>{category} updates on the arXiv.org e-print archive.</description>
    <atom:link href="{link}" rel="self" type="application/rss+xml" />
    <docs>http://www.rssboard.org/rss-specification</docs>
    <language>en-us</language>
    <lastBuildDate>{_rfc822(midnight.astimezone(dt.UTC))}</lastBuildDate>
    <managingEditor>rss-help@arxiv.org</managingEditor>
    <pubDate>{_rfc822(midnight)}</pubDate>
    <skipDays>
      <day>Saturday</day>
      <day>Sunday</day>
    </skipDays>
{"".join(items)}  </channel>
</rss>
"""


def api_xml(papers: list[dict], listing: dt.date, times: dict) -> str:
    """The API's Atom reply to `id_list=<these ids>`."""
    ids = ",".join(p["id"] for p in papers)
    entries = []
    for paper in papers:
        versioned = f"{paper['id']}v{version(paper, listing)}"
        published, updated = times[paper["id"]]
        categories = "".join(
            f'\n    <category term={quoteattr(c)} scheme="{ATOM}"/>' for c in paper["categories"]
        )
        comment = (
            f"\n    <arxiv:comment>{escape(paper['comment'])}</arxiv:comment>"
            if paper.get("comment")
            else ""
        )
        authors = "".join(
            f"\n    <author>\n      <name>{escape(name)}</name>\n    </author>"
            for name in paper["authors"]
        )
        entries.append(
            f"""  <entry>
    <id>http://arxiv.org/abs/{versioned}</id>
    <title>{escape(paper["title"])}</title>
    <updated>{_utc(updated)}</updated>
    <link href="https://arxiv.org/abs/{versioned}" rel="alternate" type="text/html"/>
    <link href="https://arxiv.org/pdf/{versioned}" rel="related" type="application/pdf" \
title="pdf"/>
    <summary>{escape(paper["summary"])}</summary>{categories}
    <published>{_utc(published)}</published>{comment}
    <arxiv:primary_category term={quoteattr(paper["categories"][0])}/>{authors}
  </entry>
"""
        )
    asked = dt.datetime.combine(listing, dt.time(0, 5), tzinfo=arxiv_tz())
    count = len(papers)
    query = f"search_query=&amp;id_list={ids}&amp;start=0&amp;max_results={count}"
    return f"""<?xml version='1.0' encoding='UTF-8'?>
{API_OPEN}
  <id>https://arxiv.org/api/id_list/{listing.isoformat()}/{papers[0]["id"]}</id>
  <title>arXiv Query: {query}</title>
  <updated>{_utc(asked)}</updated>
  <link href="https://arxiv.org/api/query?{query}" type="application/atom+xml"/>
  <opensearch:itemsPerPage>{count}</opensearch:itemsPerPage>
  <opensearch:totalResults>{count}</opensearch:totalResults>
  <opensearch:startIndex>0</opensearch:startIndex>
{"".join(entries)}</feed>
"""


def day_write(
    *, papers: list[dict], listing: dt.date, categories: tuple[str, ...], out: Path
) -> int:
    """Write the listing's feeds (one per category) and API replies of `papers` (dicts as
    papers_read gives) into `out`; returns how many API replies were written."""
    times = dated(papers, listing)
    stamp = listing.isoformat()
    for category in categories:
        (out / f"rss{stamp}_{category}.xml").write_text(
            feed_xml(papers, category, listing), encoding="utf-8"
        )
    replies = 0
    for replies, start in enumerate(range(0, len(papers), API_IDS_PER_REPLY), start=1):
        chunk = papers[start : start + API_IDS_PER_REPLY]
        (out / f"api{stamp}_id_list_{replies}.xml").write_text(
            api_xml(chunk, listing, times), encoding="utf-8"
        )
    return replies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("day", type=Path, help="<YYYY-MM-DD>.jsonl of one listing date")
    parser.add_argument("out", type=Path, help="directory to write the replies into")
    args = parser.parse_args()
    settings.configure(ARXIV_TIMEZONE="America/New_York", ARXIV_EXTRA_HOLIDAYS=[])
    listing = dt.date.fromisoformat(args.day.stem[:10])
    papers = [p for p in papers_read(args.day) if any(c in CATEGORIES for c in p["categories"])]
    replies = day_write(papers=papers, listing=listing, categories=CATEGORIES, out=args.out)
    stamp = listing.isoformat()
    print(f"{len(papers)} papers of {stamp}: {len(CATEGORIES)} feeds, {replies} API replies")


if __name__ == "__main__":
    main()
