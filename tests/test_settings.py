"""Production settings pass Django's deployment checks when the required env is set."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_check_deploy_is_clean_under_production_settings():
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "arxdaily.settings.production",
        "SECRET_KEY": "x" * 20 + "production-secret-key-for-the-check-0123456789",
        "ALLOWED_HOSTS": "arxdaily.example.org",
        "DATABASE_URL": "postgres://127.0.0.1:5432/test",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
