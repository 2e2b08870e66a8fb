"""Production settings come from the environment only, and `check --deploy` has nothing to say."""

from __future__ import annotations

import json
import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STRONG_KEY = "n7Qe-production-secret-key-" + "x" * 60
CLEARED = {
    "DATABASE_URL", "REDIS_URL", "DEBUG", "SECRET_KEY", "SECRET_KEY_FILE", "CERTPORTAL_PRODUCTION", "ALLOWED_HOSTS",
    "STORAGE_BACKEND", "S3_BUCKET", "LOG_FORMAT", "TRUSTED_PROXY_COUNT", "MEDIA_X_ACCEL_REDIRECT_PREFIX",
    "CERTIFICATE_SIGNING_P12", "CERTIFICATE_SIGNING_PASSWORD", "CERTIFICATE_SIGNING_PASSWORD_FILE",
    "CERTIFICATE_TSA_URL",
    "DJANGO_ALLOW_ASYNC_UNSAFE",  # the browser tests set it for their live server; never in production
}  # fmt: skip


def environment(var_dir: Path, **env: str) -> dict[str, str]:
    clean = {key: value for key, value in os.environ.items() if key not in CLEARED}
    return {**clean, "DJANGO_SETTINGS_MODULE": "certportal.settings", "CERTPORTAL_VAR_DIR": str(var_dir), **env}


def signing_p12(var_dir: Path) -> Path:
    """The body's signing certificate, as an operator would install it."""
    from audits.signing import signing_identity_create

    path = var_dir / "body-signing.p12"
    if not path.exists():
        path.write_bytes(signing_identity_create(common_name="Body", organisation="Body", password=b"p12-password"))
    (var_dir / "body-signing.password").write_text("p12-password\n")
    return path


def production(var_dir: Path, redis_url: str, **env: str) -> dict[str, str]:
    defaults = {
        "CERTPORTAL_PRODUCTION": "1",
        "SECRET_KEY": STRONG_KEY,
        "ALLOWED_HOSTS": "certportal.example.cn",
        "REDIS_URL": redis_url,
        "CERTIFICATE_SIGNING_P12": str(signing_p12(var_dir)),
        "CERTIFICATE_SIGNING_PASSWORD_FILE": str(var_dir / "body-signing.password"),
    }
    return environment(var_dir, **{**defaults, **env})


def setting_values(env: dict[str, str], *names: str) -> dict:
    script = (
        "import json, django; django.setup()\nfrom django.conf import settings\n"
        f"print(json.dumps({{name: getattr(settings, name) for name in {list(names)!r}}}, default=str))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise AssertionError(result.stderr)
    return json.loads(result.stdout.strip().splitlines()[-1])


def check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path: Path, redis_server: str) -> None:
    result = check_deploy(
        production(tmp_path, redis_server, DATABASE_URL="postgres://portal:pw@db.internal/certportal")
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_is_clean_with_object_storage_and_a_key_file(tmp_path: Path, redis_server: str) -> None:
    key_file = tmp_path / "secret_key"
    key_file.write_text(STRONG_KEY + "\n")
    env = production(tmp_path, redis_server, STORAGE_BACKEND="s3", S3_BUCKET="certportal-evidence")
    del env["SECRET_KEY"]
    env["SECRET_KEY_FILE"] = str(key_file)
    result = check_deploy(env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_warns_when_certificates_would_be_issued_unsigned(tmp_path: Path, redis_server: str) -> None:
    env = production(tmp_path, redis_server)
    del env["CERTIFICATE_SIGNING_P12"]
    result = check_deploy(env)
    assert result.returncode != 0
    assert "audits.W001" in result.stderr


def test_check_deploy_catches_a_weak_secret_key(tmp_path: Path, redis_server: str) -> None:
    result = check_deploy(production(tmp_path, redis_server, SECRET_KEY="short"))
    assert result.returncode != 0
    assert "security.W009" in result.stderr


def test_production_turns_on_https_protections(tmp_path: Path, redis_server: str) -> None:
    values = setting_values(
        production(tmp_path, redis_server),
        "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS",
        "SECURE_PROXY_SSL_HEADER", "LOG_FORMAT", "LOG_REQUESTS", "DEBUG", "LANGUAGE_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    )  # fmt: skip
    assert values == {
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "LOG_FORMAT": "json",
        "LOG_REQUESTS": True,
        "DEBUG": False,
        "LANGUAGE_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
    }


COOKIE_SCRIPT = """
import json, django
django.setup()
from django.core.management import call_command
from django.test import Client
from certportal.accounts.models import User

call_command("migrate", verbosity=0)
call_command("createcachetable", verbosity=0)
User.objects.create_user(username="wang", password="a-Long-test-passw0rd", role="consultant")
client = Client(HTTP_HOST="certportal.example.cn")
plain = client.get("/accounts/login/")
login = client.post("/accounts/login/", {"username": "wang", "password": "a-Long-test-passw0rd"}, secure=True)
language = client.post("/language/", {"language": "en", "next": "/"}, secure=True)
cookies = {**login.cookies, **language.cookies}
print(json.dumps({
    "plain": [plain.status_code, plain.get("Location", "")],
    "login": login.status_code,
    "hsts": login.get("Strict-Transport-Security", ""),
    "cookies": {name: {"secure": bool(morsel["secure"]), "httponly": bool(morsel["httponly"]),
                       "samesite": morsel["samesite"]} for name, morsel in cookies.items()},
}))
"""


def test_production_cookies_are_secure_and_plain_http_is_redirected(tmp_path: Path, redis_server: str) -> None:
    """Real responses under the production settings: the session, CSRF and language cookies are
    only sent over HTTPS, the session cookie is out of JavaScript's reach, HSTS is on."""
    env = production(tmp_path, redis_server, ALLOWED_HOSTS="certportal.example.cn")
    result = subprocess.run(
        [sys.executable, "-c", COOKIE_SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["plain"] == [301, "https://certportal.example.cn/accounts/login/"]
    assert report["login"] == 302
    assert report["hsts"] == "max-age=31536000; includeSubDomains; preload"
    cookies = report["cookies"]
    assert set(cookies) >= {"sessionid", "csrftoken", "certportal_language"}
    assert all(cookie["secure"] for cookie in cookies.values()), cookies
    assert cookies["sessionid"]["httponly"], cookies
    assert {cookie["samesite"] for cookie in cookies.values()} == {"Lax"}


def test_object_storage_is_private_never_overwrites_and_signs_short_urls(tmp_path: Path) -> None:
    env = environment(
        tmp_path,
        STORAGE_BACKEND="s3",
        S3_BUCKET="certportal-evidence",
        S3_ENDPOINT_URL="https://oss-cn-hangzhou.aliyuncs.com",
        S3_REGION="cn-hangzhou",
        S3_ADDRESSING_STYLE="virtual",
        S3_SIGNED_URL_SECONDS="120",
    )
    storage = setting_values(env, "STORAGES")["STORAGES"]["default"]
    options = storage["OPTIONS"]
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert options["bucket_name"] == "certportal-evidence"
    assert options["endpoint_url"] == "https://oss-cn-hangzhou.aliyuncs.com"
    assert options["region_name"] == "cn-hangzhou"
    assert options["addressing_style"] == "virtual"
    assert options["default_acl"] is None
    assert options["file_overwrite"] is False
    assert options["querystring_auth"] is True
    assert options["querystring_expire"] == 120


def test_production_keeps_database_connections_open(tmp_path: Path, redis_server: str) -> None:
    def max_age(env: dict[str, str]) -> int:
        return setting_values(env, "DATABASES")["DATABASES"]["default"]["CONN_MAX_AGE"]

    assert max_age(production(tmp_path, redis_server)) == 60
    assert max_age(production(tmp_path, redis_server, DATABASE_CONN_MAX_AGE="5")) == 5
    assert max_age(environment(tmp_path)) == 0


def test_local_disk_stays_the_default(tmp_path: Path) -> None:
    values = setting_values(environment(tmp_path), "STORAGES", "MEDIA_ROOT", "TRUSTED_PROXY_COUNT", "LOG_FORMAT")
    assert values["STORAGES"]["default"] == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert values["MEDIA_ROOT"] == str(tmp_path / "media")
    assert values["TRUSTED_PROXY_COUNT"] == 0
    assert values["LOG_FORMAT"] == "plain"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"STORAGE_BACKEND": "s3"}, "S3_BUCKET"),
        ({"STORAGE_BACKEND": "nfs"}, "STORAGE_BACKEND must be local or s3"),
        ({"LOG_FORMAT": "xml"}, "LOG_FORMAT must be json or plain"),
        ({"TRUSTED_PROXY_COUNT": "one"}, "TRUSTED_PROXY_COUNT must be a whole number"),
    ],
)
def test_a_wrong_setting_is_named(tmp_path: Path, env: dict[str, str], message: str) -> None:
    with pytest.raises(AssertionError, match=message):
        setting_values(environment(tmp_path, **env), "DEBUG")


def test_gunicorn_configuration_follows_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GUNICORN_BIND", "10.0.0.5:8000")
    monkeypatch.setenv("WEB_CONCURRENCY", "7")
    config = runpy.run_path(str(ROOT / "certportal" / "gunicorn.conf.py"))
    assert config["wsgi_app"] == "certportal.wsgi:application"
    assert config["bind"] == ["10.0.0.5:8000"]
    assert config["workers"] == 7
    assert config["accesslog"] is None


def test_gunicorn_defaults_to_loopback_and_two_workers_per_core(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GUNICORN_BIND", raising=False)
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    config = runpy.run_path(str(ROOT / "certportal" / "gunicorn.conf.py"))
    assert config["bind"] == ["127.0.0.1:8000"]
    assert config["workers"] == os.cpu_count() * 2 + 1
