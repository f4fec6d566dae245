"""Production settings: with DEBUG off the defaults are the secure ones, Django's deploy check
passes with warnings counted as failures, and `make serve` relaxes only what a plain-HTTP try on
127.0.0.1 needs."""

import json
import os
import re
import secrets
import shlex
import shutil
import subprocess
import sys

import pytest
from django.conf import settings

ROOT = settings.BASE_DIR
PROBE = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({name: getattr(s, name) for name in ["
    "'DEBUG', 'SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', "
    "'SECURE_HSTS_PRELOAD', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', "
    "'SECURE_PROXY_SSL_HEADER', 'SESSION_COOKIE_HTTPONLY', 'X_FRAME_OPTIONS', "
    "'SECURE_CONTENT_TYPE_NOSNIFF', 'ALLOWED_HOSTS']} | "
    "{'NUM_PROXIES': s.REST_FRAMEWORK['NUM_PROXIES']}))"
)


def production_env(**extra) -> dict:
    """The environment a deployment gives: a real secret, its host name, nothing relaxed."""
    keep = {"PATH", "HOME", "LANG", "DATABASE_URL"}
    env = {key: value for key, value in os.environ.items() if key in keep}
    return {
        **env,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "quiz.example.org",
        "DJANGO_SETTINGS_MODULE": "quizsite.settings",
        **extra,
    }


def settings_under(env: dict) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_deploy_check_passes_with_warnings_as_failures():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_with_debug_off_the_defaults_are_secure():
    values = settings_under(production_env())
    assert values["DEBUG"] is False
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] == 31_536_000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_HSTS_PRELOAD"] is False  # a site asks the browsers for preloading
    assert values["SESSION_COOKIE_SECURE"] is values["CSRF_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["X_FRAME_OPTIONS"] == "DENY"
    assert values["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] is None  # X-Forwarded-Proto is not trusted
    assert values["NUM_PROXIES"] == 0  # nor X-Forwarded-For


def test_behind_a_proxy_its_headers_are_trusted():
    values = settings_under(production_env(BEHIND_PROXY="true"))
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["NUM_PROXIES"] == 1


def test_with_debug_on_nothing_forces_https():
    values = settings_under({**production_env(DEBUG="true"), "SECRET_KEY": ""})
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SECURE_HSTS_SECONDS"] == 0
    assert values["SESSION_COOKIE_SECURE"] is False


def test_make_serve_relaxes_only_what_plain_http_on_localhost_needs():
    dry_run = subprocess.run(
        [shutil.which("make"), "-n", "serve"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    gunicorn = next(line for line in dry_run.stdout.splitlines() if "gunicorn" in line)
    assignments = gunicorn.split("/bin/gunicorn")[0].rsplit(" ", 1)[0]  # the env before it
    result = subprocess.run(
        [
            shutil.which("bash"),
            "-c",
            f"{assignments} {shlex.quote(sys.executable)} -c {shlex.quote(PROBE)}",
        ],
        cwd=ROOT,
        env=production_env(ALLOWED_HOSTS=""),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["DEBUG"] is False
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SECURE_HSTS_SECONDS"] == 0
    assert values["SESSION_COOKIE_SECURE"] is values["CSRF_COOKIE_SECURE"] is False
    assert values["ALLOWED_HOSTS"] == ["127.0.0.1", "localhost"]
    assert values["X_FRAME_OPTIONS"] == "DENY"  # what works over HTTP stays on


@pytest.mark.django_db
def test_https_is_enforced_when_on(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/quizzes/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/quizzes/"
    secure = client.get("/quizzes/", secure=True)
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/", "/accounts/login/", "/admin/login/", "/api/docs/", "/api/quizzes/"]
)
def test_every_response_carries_the_policy(client, url):
    policy = client.get(url)["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"


@pytest.mark.django_db
def test_swagger_ui_starts_from_its_own_script_not_an_inline_one(client):
    html = client.get("/api/docs/").content.decode()
    assert "<style" not in html
    assert "<script>" not in html
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


def test_every_setting_read_from_the_environment_is_listed_in_env_example():
    source = (ROOT / "quizsite" / "settings.py").read_text(encoding="utf-8")
    read = set(re.findall(r'env_(?:str|bool|int|list)\(\s*"([A-Z0-9_]+)"', source))
    listed = set(re.findall(r"^([A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert read, "no setting found: has settings.py stopped using env_*()?"
    assert sorted(read - listed) == []
