"""Security baseline shared by every page: login throttling, CSP, CSRF."""

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
def test_admin_login_is_locked_after_repeated_failures(client, chief_editor):
    for _ in range(3):
        client.post("/admin/login/", {"username": chief_editor.username, "password": "wrong"})
    response = client.post(
        "/admin/login/", {"username": chief_editor.username, "password": "pw-for-tests"}
    )
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@override_settings(AXES_ENABLED=True)
def test_admin_login_with_right_password_still_works(client, chief_editor):
    response = client.post(
        "/admin/login/", {"username": chief_editor.username, "password": "pw-for-tests"}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(chief_editor.pk)


def test_pages_send_a_script_locking_content_security_policy(client):
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "object-src 'none'" in policy
    assert "unsafe-eval" not in policy


def test_admin_login_requires_csrf_token(chief_editor):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(
        "/admin/login/", {"username": chief_editor.username, "password": "pw-for-tests"}
    )
    assert response.status_code == 403
