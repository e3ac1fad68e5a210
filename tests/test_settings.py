"""Production settings pass Django's deployment checks when the required env is set."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "arxdaily.settings.production",
    "SECRET_KEY": "x" * 20 + "production-secret-key-for-the-check-0123456789",
    "ALLOWED_HOSTS": "arxdaily.example.org",
    "ARXDAILY_SITE_URL": "https://arxdaily.example.org",
    "DATABASE_URL": "postgres://127.0.0.1:5432/test",
}


def production_run(
    *args: str, env: dict[str, str | None] | None = None
) -> subprocess.CompletedProcess:
    """`python <args>` in a fresh process under production settings (`env` on top; a value of
    None removes the variable)."""
    base = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    merged = {**base, **PRODUCTION_ENV, **(env or {})}
    return subprocess.run(  # noqa: S603 (our own interpreter and arguments)
        [sys.executable, *args],
        cwd=ROOT,
        env={k: v for k, v in merged.items() if v is not None},
        capture_output=True,
        text=True,
        check=False,
    )


def deploy_check() -> subprocess.CompletedProcess:
    return production_run("manage.py", "check", "--deploy", "--fail-level", "WARNING")


def test_check_deploy_is_clean_under_production_settings():
    result = deploy_check()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_postgresql_connections_run_without_jit(db):
    """Short queries paid more for JIT compiling than for their scan at a million papers."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)


def test_production_settings_turn_jit_off_too():
    """production.py builds its own DATABASES: the JIT setting must reach it as well."""
    result = production_run(
        "-c",
        "import django; django.setup(); from django.conf import settings;"
        " print(settings.DATABASES['default']['OPTIONS']['options'])",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "-c jit=off"
