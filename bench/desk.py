"""Triage desk speed: deciding a day of 150 candidates is 150 small requests, each ≤ 50 ms p95.

Runs the real stack over HTTP: production settings, gunicorn (2 sync workers), PostgreSQL,
Redis, its own database `arxdaily_bench_desk` and Redis db (BENCH_DESK_REDIS_URL). A chief
editor's session opens the desk of one topic day with 150 undecided candidates (each with
Chinese machine text, two authors and an institution), reads every card's form out of the
page, then posts the 150 decisions one after another as desk.js does (header
X-Desk-Fragment, the card comes back): three accepts to one reject. Measured: milliseconds
per decision request (p50, p95; target p95 ≤ 50) and, as a note, the desk page's own GET.
Afterwards the database must hold 150 decided hits with one history row per decision.

Usage: .venv/bin/python -m bench.desk [--candidates 150]
"""

import os
import statistics
import time
import urllib.parse
import urllib.request
from html.parser import HTMLParser

from bench.common import (
    Result,
    database_recreate,
    django_child_setup,
    gunicorn_start,
    gunicorn_stop,
    production_env,
    step_run,
    steps_main,
)

PORT = 8766
BASE = f"http://127.0.0.1:{PORT}"
BENCH_DB = "arxdaily_bench_desk"
ENV = production_env(
    database=BENCH_DB, redis_url=os.environ.get("BENCH_DESK_REDIS_URL", "redis://127.0.0.1:6379/12")
)
WORKERS = 2


# --- child steps: Django on this benchmark's database -------------------------------------


def step_prepare(candidates: int) -> dict:
    """A fresh database with one topic day of undecided candidates and a chief editor's
    session; the desk's path and the session cookie."""
    from django.core.management import call_command

    database_recreate(BENCH_DB)
    django_child_setup()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # the manifest names them
    from django.db import connection
    from django.test import Client

    from papers.models import TopicHit
    from tests.factories import StaffFactory, TopicFactory
    from tests.site_data import DAY, listed_paper

    topic = TopicFactory(slug="bench-desk", confidence_threshold=0.7)
    for n in range(candidates):
        listed_paper(
            topic,
            state=TopicHit.ReviewState.SUGGESTED,
            confidence=0.5 + (n % 50) / 100,
            reviewed=False,
            title_zh_machine="大型语言模型的在线策略蒸馏综述",
            summary_zh_machine="本文综述了大型语言模型的在线策略蒸馏方法。" * 3,
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum would have: plans for tables of this size
    client = Client()
    client.force_login(StaffFactory(username="bench-chief", groups=["Chief editor"]))
    return {
        "path": f"/admin/desk/{topic.slug}/{DAY.isoformat()}/",
        "session": client.cookies["sessionid"].value,
    }


def step_verify() -> dict:
    """How many hits are decided, and how many history rows decisions wrote."""
    django_child_setup()
    from papers.models import TopicHit

    return {
        "decided": TopicHit.objects.exclude(review_state=TopicHit.ReviewState.SUGGESTED).count(),
        "history_rows": TopicHit.history.filter(history_type="~").count(),
    }


STEPS = {"prepare": step_prepare, "verify": step_verify}


# --- the parent: HTTP only, no Django -----------------------------------------------------


class CardForms(HTMLParser):
    """Every card form of the desk page: its action and the fields a browser would send."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form = self._textarea = self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and "desk-card-form" in (attrs.get("class") or ""):
            self._form = {"action": attrs["action"], "fields": {}}
            self.forms.append(self._form)
        elif self._form is None or (not attrs.get("name") and tag != "option"):
            return
        elif tag == "input" and attrs.get("type") != "submit":
            self._form["fields"][attrs["name"]] = attrs.get("value") or ""
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self._form["fields"][self._textarea] = ""
        elif tag == "select":
            self._select = attrs["name"]
        elif tag == "option" and self._select and "selected" in attrs:
            self._form["fields"][self._select] = attrs.get("value") or ""

    def handle_data(self, data):
        if self._textarea:
            self._form["fields"][self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            # HTML drops the newline right after <textarea>; a browser would not send it.
            fields = self._form["fields"]
            fields[self._textarea] = fields[self._textarea].removeprefix("\n")
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self._form = None


def _request(path: str, cookies: dict[str, str], data: dict | None = None):
    """(milliseconds, status, headers, body) of one GET, or POST of `data`."""
    headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
    body = None
    if data is not None:
        body = urllib.parse.urlencode(data).encode()
        headers |= {"X-Desk-Fragment": "1", "X-CSRFToken": cookies["csrftoken"]}
    request = urllib.request.Request(BASE + path, data=body, headers=headers)
    start = time.perf_counter()
    with urllib.request.urlopen(request, timeout=10) as response:
        content = response.read()
        elapsed = (time.perf_counter() - start) * 1000
        return elapsed, response.status, response.headers, content.decode()


def measure(*, candidates: int = 150) -> dict:
    prepared = step_run("bench.desk", "prepare", env=ENV, candidates=candidates)
    server = gunicorn_start(env=ENV, port=PORT, workers=WORKERS)
    try:
        cookies = {"sessionid": prepared["session"]}
        page_timings = []
        for _ in range(2 * WORKERS):  # every worker connected and warm; the last one counts
            elapsed, _status, headers, page = _request(prepared["path"], cookies)
            page_timings.append(elapsed)
            for header in headers.get_all("Set-Cookie") or []:
                name, _, value = header.split(";")[0].partition("=")
                cookies[name] = value
        parser = CardForms()
        parser.feed(page)
        if len(parser.forms) != candidates:
            raise RuntimeError(f"the desk shows {len(parser.forms)} cards, not {candidates}")
        timings = []
        for n, form in enumerate(parser.forms):
            decision = "reject" if n % 4 == 3 else "accept"
            data = {**form["fields"], "decision": decision}
            elapsed, status, _headers, card = _request(form["action"], cookies, data)
            if status != 200 or not card.lstrip().startswith('<article class="desk-card'):
                raise RuntimeError(f"decision {n}: {status} {card[:300]}")
            timings.append(elapsed)
    finally:
        gunicorn_stop(server)
    verified = step_run("bench.desk", "verify", env=ENV)
    if verified != {"decided": candidates, "history_rows": candidates}:
        raise RuntimeError(f"after {candidates} decisions the database holds {verified}")
    return {
        "candidates": candidates,
        "requests": len(timings),
        "p50_ms": statistics.median(timings),
        "p95_ms": statistics.quantiles(timings, n=20)[-1],
        "max_ms": max(timings),
        "page_ms": page_timings[-1],
        "page_bytes": len(page.encode()),
    }


def results(figures: dict) -> list[Result]:
    return [
        Result(
            f"triage desk: one decision of {figures['candidates']}, p95",
            50,
            figures["p95_ms"],
            "ms",
            False,
            f"p50 {figures['p50_ms']:.1f} ms, max {figures['max_ms']:.1f} ms over "
            f"{figures['requests']} POSTs (HTTP, gunicorn); the desk page "
            f"{figures['page_ms']:.0f} ms, {figures['page_bytes'] / 1e3:.0f} kB",
        )
    ]


def run() -> list[Result]:
    """What `make bench` (bench/run.py) calls."""
    return results(measure())


def main() -> None:
    steps_main(
        doc=__doc__, steps=STEPS, measure=measure, results=results, options={"candidates": 150}
    )


if __name__ == "__main__":
    main()
