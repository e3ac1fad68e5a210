"""The editors' side: concurrent edits lose nothing, logins are throttled, CSRF is enforced,
production settings are locked down and take their secrets from the environment only."""

import html
import importlib
import json
import threading

import pytest
import requests
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import Client, override_settings
from lxml import html as lxml_html

from editorial.admin.forms import CONFLICT_MESSAGE
from papers.models import Paper
from tests.factories import PaperFactory
from tests.test_settings import PRODUCTION_ENV, deploy_check, production_run

AREA = "Editors"
ROUNDS = 5
# Run under production settings in a fresh process: what a browser over HTTPS would get.
PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
client = Client(HTTP_HOST="arxdaily.example.org")
secure, plain = client.get("/healthz", secure=True), client.get("/healthz")
print(json.dumps({
    "session cookie Secure": settings.SESSION_COOKIE_SECURE,
    "CSRF cookie Secure": settings.CSRF_COOKIE_SECURE,
    "session cookie HttpOnly": settings.SESSION_COOKIE_HTTPONLY,
    "HSTS one year or more": "max-age=31536000" in secure.get("Strict-Transport-Security", ""),
    "CSP: scripts only from self": "script-src 'self'" in secure.get("Content-Security-Policy", ""),
    "CSRF middleware on": "django.middleware.csrf.CsrfViewMiddleware" in settings.MIDDLEWARE,
    "HTTP redirected to HTTPS": plain.status_code == 301
    and plain["Location"].startswith("https://"),
    "DEBUG off": not settings.DEBUG,
}))
"""


def _production_settings_load(monkeypatch, **env: str | None):
    """Import the production settings module afresh under this environment."""
    for name, value in {**PRODUCTION_ENV, **env}.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    importlib.reload(importlib.import_module("arxdaily.settings.production"))


def _login(base: str, user) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/admin/login/")
    token = lxml_html.fromstring(page.text).forms[0].fields["csrfmiddlewaretoken"]
    answer = session.post(
        f"{base}/admin/login/?next=/admin/",
        data={"csrfmiddlewaretoken": token, "username": user.username, "password": "pw-for-tests"},
    )
    assert answer.url.endswith("/admin/"), "login failed"
    return session


def _form(session: requests.Session, url: str) -> list[tuple[str, str]]:
    form = lxml_html.fromstring(session.get(url).text).get_element_by_id("paper_form")
    return [(k, v) for k, v in form.form_values() if k != "title_zh_human"]


def _race(sessions: list[requests.Session], url: str, forms: list[list]) -> list:
    """Both editors press save at the same moment (a barrier releases both threads)."""
    barrier, results = threading.Barrier(len(sessions)), [None] * len(sessions)

    def save(n: int) -> None:
        data = [*forms[n], ("_continue", "1")]
        barrier.wait()
        results[n] = sessions[n].post(url, data=data, allow_redirects=False)

    threads = [threading.Thread(target=save, args=(n,)) for n in range(len(sessions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_two_editors_saving_one_paper_at_once_lose_no_update(
    live_server, editor, chief_editor, figure
):
    paper = PaperFactory(title_zh_machine="机器标题")
    url = f"{live_server.url}/admin/papers/paper/{paper.pk}/change/"
    sessions = [_login(live_server.url, editor), _login(live_server.url, chief_editor)]
    lost, refused = 0, 0
    for round_ in range(ROUNDS):
        forms = [_form(session, url) for session in sessions]  # both open the same version
        texts = [f"第{round_}轮 编辑{n}" for n in range(2)]
        results = _race(sessions, url, [[*forms[n], ("title_zh_human", texts[n])] for n in (0, 1)])
        saved = [n for n in range(2) if results[n].status_code == 302]
        refused += sum(CONFLICT_MESSAGE in html.unescape(r.text) for r in results)
        stored = Paper.objects.get(pk=paper.pk).title_zh_human
        # Lost: both saves passed (one overwrote the other unseen), or the stored text is not
        # the one whose save passed.
        if len(saved) != 1 or stored != texts[saved[0]]:
            lost += 1

    figure(area=AREA, measure=f"lost updates in {ROUNDS} simultaneous double saves", measured=lost)
    assert lost == 0
    assert refused == ROUNDS  # the loser was told, every time


@pytest.mark.django_db
@override_settings(AXES_ENABLED=True)
def test_admin_login_is_throttled_and_csrf_is_enforced(settings, chief_editor, figure):
    client = Client()
    attempts = 0
    while attempts < 50:
        attempts += 1
        response = client.post(
            "/admin/login/", {"username": chief_editor.username, "password": f"guess-{attempts}"}
        )
        if response.status_code == 429:
            break
    right = client.post(
        "/admin/login/", {"username": chief_editor.username, "password": "pw-for-tests"}
    )
    figure(
        area=AREA,
        measure="wrong passwords tried until the login locks",
        measured=attempts,
        target=settings.AXES_FAILURE_LIMIT,
        compare="<=",
    )
    assert attempts <= settings.AXES_FAILURE_LIMIT
    assert right.status_code == 429 and "_auth_user_id" not in client.session

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(chief_editor)
    paper = PaperFactory()
    posts = {
        "/admin/login/": {"username": chief_editor.username, "password": "pw-for-tests"},
        f"/admin/papers/paper/{paper.pk}/change/": {"title_zh_human": "无令牌"},
        "/admin/papers/paper/": {"action": "mark_reviewed", "_selected_action": [paper.pk]},
        "/admin/logout/": {},
        "/i18n/setlang/": {"language": "en"},
    }
    accepted = [url for url, data in posts.items() if strict.post(url, data).status_code != 403]
    figure(area=AREA, measure="POSTs accepted without a CSRF token", measured=len(accepted))
    assert accepted == []


@pytest.mark.django_db
def test_production_settings_are_locked_down(figure, monkeypatch):
    database = f"postgres://127.0.0.1:5432/{connection.settings_dict['NAME']}"
    probe = production_run("-c", PROBE, env={"DATABASE_URL": database})
    assert probe.returncode == 0, probe.stderr
    checks = json.loads(probe.stdout.strip().splitlines()[-1])
    failing = [name for name, ok in checks.items() if not ok]
    figure(
        area=AREA,
        measure=f"production security settings off ({len(checks)} checked)",
        measured=len(failing),
    )

    result = deploy_check()
    warnings = result.stdout.count("?: (") + result.stderr.count("?: (")
    warnings += 0 if result.returncode == 0 else max(1, warnings)
    figure(area=AREA, measure="`check --deploy` warnings", measured=warnings)

    started = []
    for name in ("SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "ARXDAILY_SITE_URL"):
        for value in (None, "", " "):
            try:
                _production_settings_load(monkeypatch, **{name: value})
                started.append(f"{name}={value!r}")
            except ImproperlyConfigured:
                pass
    figure(
        area=AREA, measure="production starts without a secret in its env", measured=len(started)
    )
    assert failing == []
    assert warnings == 0, result.stdout + result.stderr
    assert started == []
