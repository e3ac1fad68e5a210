"""A loopback arXiv: real HTTP on 127.0.0.1, answering from recorded arXiv replies.

Listing feeds are served per category from recorded RSS files. The API answers `id_list`
queries from every <entry> found in the recorded API replies (unknown ids are simply absent,
malformed ids get arXiv's recorded HTTP 400), replays recorded searches by their exact
parameters, and pages through `search_ids` for any other search. Full texts
(`/html/<id>v<n>`, `/pdf/<id>v<n>`) come from the shared recorded fixtures (FULLTEXT); a
paper without a file gets a 404; `full_text_files` shows a paper with another paper's recorded
files (a day of papers with no recording of their own). `listing_serve` serves a whole listing
day written in arXiv's formats (scripts.sample_day). `faults` injects, one per request, what a
bad day at arXiv looks like (also the API's empty pages and error entries sent with HTTP 200);
`full_text_faults` makes one full-text path answer wrongly every time. Every
request is logged with its arrival time.
"""

import datetime as dt
import json
import re
import threading
import time
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from papers.arxiv_ids import InvalidArxivId, arxiv_id_parse

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "arxiv"
# Real recorded arXiv HTML pages and PDFs (see its SOURCES.md), shared beside the repository.
FULLTEXT = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "fulltext"
NO_HTML_PAGE = FULLTEXT / "2601.17668.html"  # what arXiv answers for a paper without HTML
# What a proxy or an overloaded arXiv may send with a 200 instead of the paper.
ERROR_PAGE = (
    b"<!DOCTYPE html><html><head><title>Error | arXiv e-print repository</title></head>"
    b"<body><h1>Something went wrong</h1><p>Please try again later.</p></body></html>"
)
RSS_CS_AI = FIXTURES / "rss2026_cs.AI_new_format_3_items_trimmed.distill.xml"
RSS_WEEKEND = FIXTURES / "rss2026_cs.CL_weekend_empty_channel.allnewsai.xml"
ERROR_400 = FIXTURES / "api2026_error_incorrect_id_format_http400.arxivpy.json"

_ENTRY_RE = re.compile(rb"<entry>.*?</entry>", re.S)
_ID_RE = re.compile(rb"<id>https?://arxiv\.org/abs/([^<]+)</id>")
_FEED_HEAD = (
    "<?xml version='1.0' encoding='UTF-8'?>\n"
    '<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" '
    'xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns="http://www.w3.org/2005/Atom">\n'
    "  <id>https://arxiv.org/api/fake</id>\n  <title>arXiv Query</title>\n"
    "  <updated>2026-04-28T00:00:00Z</updated>\n"
    "  <opensearch:itemsPerPage>{size}</opensearch:itemsPerPage>\n"
    "  <opensearch:totalResults>{total}</opensearch:totalResults>\n"
    "  <opensearch:startIndex>{start}</opensearch:startIndex>\n"
)


def recording_load(path: Path) -> tuple[int, bytes, dict[str, list[str]] | None]:
    """(status, body bytes, query) of a recorded reply; query is None for raw XML files."""
    if path.suffix == ".json":
        data = json.loads(path.read_text(encoding="utf-8"))
        query = parse_qs(urlsplit(data["url"]).query, keep_blank_values=True)
        return data["status_code"], data["body"].encode("latin-1"), query
    return 200, path.read_bytes(), None


def _query_key(query: dict[str, list[str]]) -> tuple:
    return tuple(query.get(k, [""])[0] for k in ("search_query", "id_list", "start", "max_results"))


# The recorded cs.AI listing: its date and its papers.
FEED_DATE = dt.date(2026, 4, 27)
FEED_IDS = ["2604.21935", "2604.21936", "2604.21937"]


def feed_dated(day: dt.date) -> bytes:
    """The real cs.AI feed with its three items, dated `day` (the listing date it shows)."""
    return RSS_CS_AI.read_bytes().replace(
        b"Mon, 27 Apr 2026", day.strftime("%a, %d %b %Y").encode()
    )


def replacement_feed() -> bytes:
    """The real cs.AI feed, turned into the next day's listing of 2604.21935v2 (a replacement
    with a changed abstract): arXiv has no public recording of a replace item."""
    feed = feed_dated(dt.date(2026, 4, 28))
    feed = feed.replace(b"2604.21935v1 Announce Type: new", b"2604.21935v2 Announce Type: replace")
    feed = feed.replace(b"oai:arXiv.org:2604.21935v1", b"oai:arXiv.org:2604.21935v2")
    feed = feed.replace(b"<arxiv:announce_type>new<", b"<arxiv:announce_type>replace<", 1)
    return feed.replace(b"Although language models", b"Although large language models", 1)


@dataclass
class LoggedRequest:
    at: float  # time.monotonic() on arrival
    path: str
    query: dict[str, list[str]]
    user_agent: str
    status: int = 0


class FakeArxiv:
    def __init__(self) -> None:
        self.feeds: dict[str, bytes] = {"cs.AI": RSS_CS_AI.read_bytes()}
        self.entries: dict[str, bytes] = {}
        self.recorded: dict[tuple, tuple[int, bytes]] = {}
        for path in sorted(FIXTURES.glob("api2026_*")):
            status, body, query = recording_load(path)
            if query is not None:
                self.recorded[_query_key(query)] = (status, body)
            if status == 200:
                for entry in _ENTRY_RE.findall(body):
                    versioned = _ID_RE.search(entry).group(1).decode()
                    self.entries.setdefault(arxiv_id_parse(versioned).id, entry)
        self.hidden_ids: set[str] = set()  # ids "not in the API yet"
        self.search_ids: list[str] = []
        # One per request: "429", "503", "slow", "truncate", "drop"; "empty" (the reply
        # without its entries, totalResults kept), "error_entry" (arXiv's error entry, HTTP 200).
        self.faults: deque[str] = deque()
        # path -> "404", "no_html" (arXiv's "No HTML" page), "error_page" (200), "truncate"
        self.full_text_faults: dict[str, str] = {}
        # arXiv id -> {"html": file name in FULLTEXT, "pdf": …}; a kind not named is a 404.
        self.full_text_files: dict[str, dict[str, str]] = {}
        self.no_html_status = 404
        self.retry_after = "1"
        self.slow_seconds = 1.0
        self.requests: list[LoggedRequest] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def rss_url(self) -> str:
        return f"{self.base_url}/rss/"

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/query"

    @property
    def html_url(self) -> str:
        return f"{self.base_url}/html/"

    @property
    def pdf_url(self) -> str:
        return f"{self.base_url}/pdf/"

    def start(self) -> "FakeArxiv":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def alias(self, arxiv_id: str, *, like: str) -> None:
        """Serve a recorded API entry under another id: no recording has the feed's papers."""
        self.entries[arxiv_id] = self.entries[like].replace(like.encode(), arxiv_id.encode())

    def feed_ids_serve(self, ids=FEED_IDS) -> None:
        """Let the API know the cs.AI feed's papers, as recorded entries of other papers."""
        for arxiv_id, like in zip(ids, ["2604.26951", "2604.26942", "2202.12139"], strict=False):
            self.alias(arxiv_id, like=like)

    def listing_serve(self, directory: Path) -> int:
        """Serve the listing day written in `directory` as scripts.sample_day writes one: the
        feeds `rss<date>_<category>.xml` and the entries of the API replies `api*.xml`.
        Returns how many papers the API knows from it."""
        for path in sorted(directory.glob("rss*_*.xml")):
            self.feeds[path.stem.partition("_")[2]] = path.read_bytes()
        served = 0
        for path in sorted(directory.glob("api*.xml")):
            for entry in _ENTRY_RE.findall(path.read_bytes()):
                versioned = _ID_RE.search(entry).group(1).decode()
                self.entries[arxiv_id_parse(versioned).id] = entry
                served += 1
        return served

    def api_requests(self) -> list[LoggedRequest]:
        return [r for r in self.requests if r.path.startswith("/api/")]

    def full_text_answer(self, path: str) -> tuple[int, dict, bytes]:
        html = {"Content-Type": "text/html; charset=utf-8"}
        fault = self.full_text_faults.get(path, "")
        if fault == "404":
            return 404, html, b"<html><title>Not Found</title></html>"
        if fault == "error_page":
            return 200, html, ERROR_PAGE
        kind, _, versioned = path.removeprefix("/").partition("/")
        if fault == "no_html":
            return self.no_html_status, html, NO_HTML_PAGE.read_bytes()
        arxiv_id = arxiv_id_parse(versioned).id
        file = FULLTEXT / f"{arxiv_id.replace('/', '_')}.{kind}"
        if arxiv_id in self.full_text_files:
            name = self.full_text_files[arxiv_id].get(kind)
            file = FULLTEXT / name if name else None
        if file is None or not file.is_file():
            return 404, html, b"<html><title>Not Found</title></html>"
        body = file.read_bytes()
        if file == NO_HTML_PAGE:
            return self.no_html_status, html, body
        if fault == "truncate":
            body = body[: len(body) // 2]
        return 200, html if kind == "html" else {"Content-Type": "application/pdf"}, body

    # ------------------------------------------------------------------ answers

    def answer(self, path: str, query: dict[str, list[str]]) -> tuple[int, dict, bytes]:
        if path.startswith("/rss/"):
            feed = self.feeds.get(path.removeprefix("/rss/"))
            if feed is None:
                return 404, {}, b"no such feed"
            return 200, {"Content-Type": "application/rss+xml"}, feed
        if path.startswith(("/html/", "/pdf/")):
            return self.full_text_answer(path)
        if path != "/api/query":
            return 404, {}, b"not found"
        atom = {"Content-Type": "application/atom+xml; charset=utf-8"}
        recorded = self.recorded.get(_query_key(query))
        if recorded and not self.hidden_ids:
            return recorded[0], atom, recorded[1]
        start = int(query.get("start", ["0"])[0])
        size = int(query.get("max_results", ["10"])[0])
        ids = [i for i in query.get("id_list", [""])[0].split(",") if i]
        if ids:
            try:
                wanted = [arxiv_id_parse(i).id for i in ids]
            except InvalidArxivId:
                return 400, atom, recording_load(ERROR_400)[1]
            found = [i for i in wanted if i in self.entries and i not in self.hidden_ids]
        else:
            found = [i for i in self.search_ids if i not in self.hidden_ids]
        page = found[start : start + size]
        head = _FEED_HEAD.format(size=len(page), total=len(found), start=start).encode()
        body = head + b"\n".join(self.entries[i] for i in page) + b"\n</feed>\n"
        return 200, atom, body

    def _handler_class(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                parts = urlsplit(self.path)
                query = parse_qs(parts.query, keep_blank_values=True)
                logged = LoggedRequest(
                    at=time.monotonic(),
                    path=parts.path,
                    query=query,
                    user_agent=self.headers.get("User-Agent", ""),
                )
                fake.requests.append(logged)
                fault = fake.faults.popleft() if fake.faults else ""
                if fault == "drop":
                    self.close_connection = True
                    self.connection.close()
                    return
                if fault in ("429", "503"):
                    status, headers, body = int(fault), {"Retry-After": fake.retry_after}, b"busy"
                elif fault == "error_entry":
                    status, headers, body = 200, {}, recording_load(ERROR_400)[1]
                else:
                    status, headers, body = fake.answer(parts.path, query)
                if fault == "empty":
                    body = _ENTRY_RE.sub(b"", body)
                if fault == "slow":
                    time.sleep(fake.slow_seconds)
                if fault == "truncate":
                    body = body[: len(body) // 2]
                logged.status = status
                try:
                    self.send_response(status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass  # the client gave up (timeout tests)

            def log_message(self, format, *args):
                pass

        return Handler
