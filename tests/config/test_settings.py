"""Settings come from the environment, with a default that needs nothing."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CLEAN_ENV = {
    key: value
    for key, value in os.environ.items()
    if key
    not in {
        "DATABASE_URL",
        "REDIS_URL",
        "CELERY_BROKER_URL",
        "DEBUG",
        "SECRET_KEY",
        "AUDIT_CHAIN_KEY",
        "ALLOWED_HOSTS",
        "HTTPS",
    }
}


def run_manage(*args: str, env: dict | None = None, tmp_path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**CLEAN_ENV, "VAR_DIR": str(tmp_path), **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def read_settings(tmp_path: Path, env: dict | None = None) -> dict:
    code = (
        "import json; from django.conf import settings as s; print(json.dumps({"
        "'engine': s.DATABASES['default']['ENGINE'],"
        "'pool': 'pool' in s.DATABASES['default'].get('OPTIONS', {}),"
        "'cache': s.CACHES['default']['BACKEND'],"
        "'eager': s.CELERY_TASK_ALWAYS_EAGER,"
        "'debug': s.DEBUG,"
        "'ssl_redirect': s.SECURE_SSL_REDIRECT,"
        "'sms': s.SMS_BACKEND,"
        "'email': s.MAILERS['default']['BACKEND']}))"
    )
    result = run_manage("shell", "-c", code, env=env, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_embedded_default_needs_nothing(tmp_path):
    values = read_settings(tmp_path)
    assert values == {
        "engine": "django.db.backends.sqlite3",
        "pool": False,
        "cache": "django.core.cache.backends.locmem.LocMemCache",
        "eager": True,
        "debug": False,
        "ssl_redirect": False,
        "sms": "accounts.sms.backends.console.SmsBackend",
        "email": "django.core.mail.backends.console.EmailBackend",
    }
    # The generated secret is kept for the next start, readable only by its owner.
    key_file = tmp_path / "secret_key"
    assert key_file.stat().st_mode & 0o077 == 0


def test_environment_switches_to_postgres_redis_and_a_broker(tmp_path):
    values = read_settings(
        tmp_path,
        env={
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/platform",
            "REDIS_URL": "redis://127.0.0.1:6379/0",
            "CELERY_BROKER_URL": "amqp://guest:guest@127.0.0.1:5672//",
            "SMS_BACKEND": "accounts.sms.backends.filebased.SmsBackend",
        },
    )
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["pool"] is True
    assert values["cache"] == "config.cache.RedisCache"
    assert values["eager"] is False
    assert values["sms"] == "accounts.sms.backends.filebased.SmsBackend"


@pytest.mark.slow
def test_production_settings_pass_the_deploy_check(tmp_path):
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            "SECRET_KEY": secrets.token_urlsafe(64),
            "AUDIT_CHAIN_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "api.example.com",
            "DEBUG": "false",
        },
        tmp_path=tmp_path,
    )
    assert result.returncode == 0, result.stderr + result.stdout


def test_deploy_check_fails_on_the_embedded_default(tmp_path):
    """The check is real: without production settings it complains."""
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", tmp_path=tmp_path)
    assert result.returncode != 0
    assert "SECURE_SSL_REDIRECT" in result.stderr + result.stdout


def read_keys(tmp_path: Path, env: dict) -> dict:
    """SECRET_KEY, AUDIT_CHAIN_KEY and every other secret the settings hold."""
    code = (
        "import json; from django.conf import settings as s\n"
        "others = [getattr(s, n) for n in dir(s) if n.isupper() and n != 'AUDIT_CHAIN_KEY']\n"
        "others = [v for v in others if isinstance(v, str)]\n"
        "others += [*s.FIELD_ENCRYPTION_KEYS.values(), s.SIMPLE_JWT['SIGNING_KEY']]\n"
        "print(json.dumps({'secret': s.SECRET_KEY, 'chain': s.AUDIT_CHAIN_KEY, 'others': others}))"
    )
    result = run_manage("shell", "-c", code, env=env, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_deployment_without_an_audit_chain_key_does_not_start(tmp_path):
    result = run_manage(
        "check",
        env={"SECRET_KEY": secrets.token_urlsafe(64), "DEBUG": "false"},
        tmp_path=tmp_path,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured: AUDIT_CHAIN_KEY must be set" in result.stderr
    assert not (tmp_path / "audit_chain_key").exists()


def test_a_deployment_uses_the_audit_chain_key_it_is_given(tmp_path):
    chain_key = secrets.token_urlsafe(64)
    keys = read_keys(
        tmp_path,
        {"SECRET_KEY": secrets.token_urlsafe(64), "DEBUG": "false", "AUDIT_CHAIN_KEY": chain_key},
    )
    assert keys["chain"] == chain_key


def test_the_local_audit_chain_key_is_its_own_secret(tmp_path):
    """Generated once into var/, it survives a change of SECRET_KEY and matches none of
    the keys that settings derive from SECRET_KEY."""
    first = read_keys(
        tmp_path, {"SECRET_KEY": "first-" + secrets.token_urlsafe(32), "DEBUG": "true"}
    )
    second = read_keys(
        tmp_path, {"SECRET_KEY": "second-" + secrets.token_urlsafe(32), "DEBUG": "true"}
    )
    generated = read_keys(tmp_path, {})
    assert first["chain"] == second["chain"] == generated["chain"]
    assert len(first["chain"]) >= 50
    for keys in (first, second, generated):
        assert keys["chain"] != keys["secret"]
        assert keys["secret"] in keys["others"]  # the list is the settings' own
        assert keys["chain"] not in keys["others"]
    assert (tmp_path / "audit_chain_key").read_text().strip() == first["chain"]
    assert (tmp_path / "audit_chain_key").stat().st_mode & 0o077 == 0
