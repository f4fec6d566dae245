"""The site's CSP middleware builds the policy once, and sends what django-csp's own would send."""

from unittest import mock

import csp.middleware
import pytest
from csp.constants import HEADER, HEADER_REPORT_ONLY, SELF
from csp.decorators import csp_exempt, csp_replace, csp_update
from csp.exceptions import CSPNonceError
from django.http import HttpResponse
from django.test import RequestFactory

from quizzes.middleware import CSPMiddleware, _site_policy

REPORT_ONLY = {"DIRECTIVES": {"default-src": [SELF], "report-uri": "/csp-report/"}}


def _plain(request):
    return HttpResponse("ok")


def _with_header(request):
    response = HttpResponse("ok")
    response[HEADER] = "default-src 'none'"
    return response


def _nonce(request):
    return HttpResponse(f"<script nonce='{request.csp_nonce}'></script>")


def _not_found(request):
    return HttpResponse("missing", status=404)


VIEWS = {
    "plain": _plain,
    "header already set": _with_header,
    "exempt": csp_exempt()(_plain),
    "updated": csp_update({"img-src": ["https://example.org"]})(_plain),
    "replaced": csp_replace({"script-src": ["https://cdn.example.org"]})(_plain),
    "nonce": _nonce,
    "not found": _not_found,
}


def _headers(middleware_class, view, path: str) -> dict:
    request = RequestFactory().get(path)
    response = middleware_class(view)(request)
    return {name: response.get(name) for name in (HEADER, HEADER_REPORT_ONLY)}


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("report_only", [False, True])
@pytest.mark.parametrize("excluded", [False, True])
@pytest.mark.parametrize("view", sorted(VIEWS))
def test_every_response_gets_the_headers_django_csp_would_give_it(
    settings, view, excluded, report_only, debug
):
    settings.DEBUG = debug
    if report_only:
        settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = REPORT_ONLY
    if excluded:
        settings.CONTENT_SECURITY_POLICY = {
            **settings.CONTENT_SECURITY_POLICY,
            "EXCLUDE_URL_PREFIXES": ["/legacy/"],
        }
    for path in ("/legacy/page/", "/attempts/1/"):
        ours = _headers(CSPMiddleware, VIEWS[view], path)
        theirs = _headers(csp.middleware.CSPMiddleware, VIEWS[view], path)
        assert ours == theirs, (view, path)
    plain = _headers(CSPMiddleware, _plain, "/attempts/1/")
    assert "frame-ancestors 'none'" in plain[HEADER]  # the site's own policy, not an empty one
    assert (plain[HEADER_REPORT_ONLY] is not None) == report_only


def test_the_policy_is_built_once_until_a_setting_changes(settings):
    _site_policy.cache_clear()  # whatever an earlier test in this process left
    middleware = CSPMiddleware(_plain)
    with mock.patch("quizzes.middleware.build_policy", wraps=csp.middleware.build_policy) as build:
        first = middleware(RequestFactory().get("/")).get(HEADER)
        middleware(RequestFactory().get("/"))
        assert build.call_count == 2  # the header and the report-only one, once each
        settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["https://a.example"]}}
        changed = middleware(RequestFactory().get("/")).get(HEADER)
    assert first != changed == "default-src https://a.example"


def test_a_nonce_asked_for_after_the_header_is_written_is_refused():
    request = RequestFactory().get("/")
    CSPMiddleware(_plain)(request)
    with pytest.raises(CSPNonceError):
        str(request.csp_nonce)
