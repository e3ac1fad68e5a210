import pytest

from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_editor_logs_into_admin_in_chromium(live_server, browser_page, chief_editor):
    browser_page.goto(f"{live_server.url}/admin/login/")
    browser_page.fill("#id_username", chief_editor.username)
    browser_page.fill("#id_password", "pw-for-tests")
    browser_page.click("input[type=submit]")
    browser_page.wait_for_url(f"{live_server.url}/admin/")
    assert browser_page.locator("#site-name").is_visible()
    screenshot(browser_page, "admin-home")
    assert browser_page.console_errors == []
