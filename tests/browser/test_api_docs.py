import pytest

from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_api_docs_render_offline_under_the_content_security_policy(live_server, browser_page):
    """Swagger UI comes from our static files: no CDN, no inline script, no CSP violation."""
    requested = []
    browser_page.on("request", lambda request: requested.append(request.url))

    response = browser_page.goto(f"{live_server.url}/api/v1/docs")

    assert "script-src 'self'" in response.headers["content-security-policy"]
    browser_page.wait_for_selector(".opblock-summary-path", timeout=15000)
    paths = browser_page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/papers/{arxiv_id}" in [path.replace("\u200b", "") for path in paths]
    screenshot(browser_page, "api-docs")
    assert browser_page.console_errors == []
    assert all(url.startswith(live_server.url) for url in requested)
